/* \summary: connections: canonical key, per-endpoint state, the flow table */
#ifndef TCPSCOPE_FLOW_H
#define TCPSCOPE_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcpscope/anomaly.h"
#include "tcpscope/dissect.h"
#include "tcpscope/endpoint_state.h"
#include "tcpscope/endpoint_rare.h"
#include "tcpscope/flow_key.h"
#include "tcpscope/scoreboard.h"

/*
 * Per-direction traffic figures, for the segments one endpoint sent: the
 * whole set as reporters print it, from ts_endpoint_stats().
 */
struct ts_dir_stats {
	uint64_t packets, bytes, payload_bytes;
	uint32_t data_segments;      /* segments with payload, retransmissions included */
	uint32_t retrans_segments;   /* data segments carrying bytes already sent */
	uint64_t retrans_bytes;
	uint32_t fast_retrans, rto_retrans, spurious_retrans, unseen_original;
	uint32_t out_of_order;
	uint32_t span_duplicates;
	uint32_t dup_acks;
	uint32_t keepalives, window_probes, zero_window;
	uint32_t syn_retrans, fin_retrans; /* SYN / SYN-ACK, FIN retransmissions */
	uint32_t over_mss;           /* segments larger than the effective MSS */
	uint32_t fragments;          /* first IP fragments carrying this direction's TCP */
	uint32_t rst_in_window;      /* RSTs in the window but not exact (RFC 5961) */
	uint32_t challenge_acks;     /* ACKs answering the peer's in-window RST */
};

/* The figures every endpoint that sends anything has, kept in the endpoint. */
struct ts_dir_counts {
	uint64_t packets, bytes, payload_bytes;
	uint32_t data_segments;      /* segments with payload, retransmissions included */
	uint32_t retrans_segments;   /* data segments carrying bytes already sent */
};

/*
 * What only lossy or unusual traffic touches: allocated the first time one of
 * them changes (ts_endpoint_rare_get), read through ts_endpoint_rare(), which
 * shows zeros while it is absent. Most connections never need it.
 */
struct ts_endpoint_rare {
	uint64_t retrans_bytes;
	int64_t retx_ts_ns, retx_gap_ns; /* last retransmission, for RTO back-off */
	int64_t zero_window_since_ns;    /* 0 when the window is open */
	/* Times of flow-wide events, kept in the client's part. */
	int64_t simultaneous_close_ns, half_close_ns;
	uint32_t retx_seq;               /* last retransmitted sequence, for RTO back-off */
	uint32_t recover_seq;            /* fast recovery lasts until this is acknowledged */
	uint32_t sacked_bytes;           /* bytes its last ACK SACKed above the cumulative ACK */
	uint32_t retx_segs;              /* TcpRetransSegs: data, SYN, SYN-ACK and FIN */
	uint32_t ipid_missing_data;      /* IP-IDs skipped between its data segments */
	uint32_t fast_retrans, rto_retrans, spurious_retrans, unseen_original;
	uint32_t out_of_order;
	uint32_t span_duplicates;
	uint32_t dup_acks;
	uint32_t keepalives, window_probes, zero_window;
	uint32_t syn_retrans, fin_retrans; /* SYN / SYN-ACK, FIN retransmissions */
	uint32_t over_mss;           /* segments larger than the effective MSS */
	uint32_t fragments;          /* first IP fragments carrying this direction's TCP */
	/* Sequence space of this endpoint the peer acknowledged but the capture
	 * never held (a FIN counts as one): loss before the capture point. */
	uint64_t unseen_acked;
	/* While nothing of this endpoint carried sequence space: the first and
	 * the highest ACK the peer sent for it (its ISN + 1, then its progress). */
	uint32_t ack_origin, ack_top;
	uint32_t inferred_resend_seq;    /* last segment taken for a resend of an unseen tail */
	uint32_t rst_in_window;      /* RSTs it sent in the window but not exact (RFC 5961) */
	uint32_t challenge_acks;     /* ACKs it sent answering the peer's in-window RST */
	uint16_t backoff_steps;      /* consecutive doubling gaps seen */
	bool in_recovery;            /* a fast retransmit started a recovery */
	bool ack_origin_set : 1;
	bool ack_step_one : 1;       /* the last advance of ack_top was one: a FIN's worth */
	bool inferred_resend_set : 1;
};

/*
 * What the capture knows about one endpoint of a connection. Two of these sit
 * in every tracked flow, so fields are grouped by size and flags are bits:
 * memory per connection bounds how many a live run can follow.
 */
struct ts_endpoint {
	int64_t state_since_ns;  /* capture time of the last state change */
	int64_t last_send_ns;    /* capture time of its previous segment */
	uint64_t ipid_seen;      /* IPv4: which of the 64 IP-IDs below max_ip_id were seen */
	uint32_t isn;
	uint32_t snd_max;        /* highest sequence number sent + 1 (incl. SYN/FIN) */
	uint32_t snd_una;        /* highest ACK the peer sent for this endpoint's data */
	uint32_t fin_seq;        /* sequence number of the FIN */
	uint32_t last_ack_sent;  /* ACK field this endpoint last sent */
	uint32_t window;         /* last advertised window, scaled when known */
	uint32_t syn_count;      /* SYNs (or SYN-ACKs) sent, first one included */
	uint32_t last_seq, last_seq_len; /* previous segment, for SPAN duplicates */
	uint32_t last_ack_window;        /* raw window of the previous ACK, for dup-ACKs */
	uint32_t last_frame_sig;         /* ts_tcp_frame_signature of the previous segment */
	uint32_t out_segs;               /* TcpOutSegs: retransmissions excluded */
	uint16_t last_ip_id;
	uint16_t max_ip_id;      /* newest IPv4 identification sent, wrap-aware */
	uint16_t ipid_samples;   /* consecutive-packet IP-ID steps observed (saturating) */
	uint16_t ipid_steps_ok;  /* ... of which small forward steps: a per-socket counter */
	uint16_t ipid_steps_one; /* ... of which exactly one: nothing else numbered between */
	uint16_t mss;            /* announced MSS, valid when has_mss */
	uint16_t dup_ack_run;    /* consecutive duplicate ACKs it sent */
	uint8_t state, prev_state;       /* enum ts_tcp_state */
	uint8_t wscale;
	bool max_ip_id_was_data : 1;
	bool seen : 1, syn_seen : 1, has_isn : 1, has_mss : 1, has_wscale : 1, sack_permitted : 1;
	bool fin_sent : 1, fin_acked : 1;
	bool passive : 1;            /* this endpoint accepted (sent the SYN-ACK first) */
	bool active_open : 1, passive_open : 1, attempt_failed : 1, estab_reset : 1;
	bool stall_reported : 1;
	bool sim_synack_sent : 1;   /* sent the SYN-ACK of a simultaneous open */
	bool last_was_syn : 1;      /* its previous segment carried SYN */
	bool ipid_gap_seen : 1;     /* an IPv4 ID step other than one: not a gapless per-socket counter */
	bool challenge_due : 1;     /* got an in-window RST: its next ACK is a challenge ACK */
	struct ts_endpoint_rare *rare; /* NULL until needed */
	struct ts_scoreboard sb; /* sequence ranges seen from this endpoint */
	struct ts_dir_counts st;
};

/* The rare figures of e, zeros while none was ever needed. */
static inline const struct ts_endpoint_rare *ts_endpoint_rare(const struct ts_endpoint *e)
{
	static const struct ts_endpoint_rare none;
	return e->rare ? e->rare : &none;
}

/* Add n to one rare figure of endpoint e. */
#define TS_ENDPOINT_RARE_ADD(e, field, n) \
	do { \
		struct ts_endpoint_rare *rare_ = ts_endpoint_rare_get(e); \
		if (rare_) \
			rare_->field += (n); \
	} while (0)

enum ts_handshake {
	TS_HS_NONE = 0,     /* nothing decided yet */
	TS_HS_COMPLETE,
	TS_HS_REFUSED,
	TS_HS_UNANSWERED,
	TS_HS_HALF_OPEN,
	TS_HS_SIMULTANEOUS_OPEN,
	TS_HS_MIDSTREAM,
};
const char *ts_handshake_name(enum ts_handshake h);

/* Findings per flow are kept on the heap: most flows have none. */
#define TS_FLOW_MAX_ANOMALIES 16

struct ts_flow {
	/* Looked at on every packet: the key and the links next to each other. */
	struct ts_flow_key key;
	struct ts_flow *all_prev, *all_next; /* live flows in first-seen order */
	struct ts_flow *lru_prev;    /* live flows, least recently active first */
	struct ts_flow *lru_next;
	uint64_t id;                 /* first-seen order, 1-based */
	struct timespec first, last;
	struct ts_endpoint cli, srv;
	int64_t syn_ns, synack_ns, ack_ns; /* capture times, for the handshake RTT split */
	struct ts_anomaly *anomalies;
	uint16_t anomaly_overflow;
	uint8_t n_anomalies, cap_anomalies;
	uint8_t handshake;           /* enum ts_handshake */
	uint8_t lru_list;            /* enum ts_flow_list it is on */
	bool client_is_lo : 1;       /* roles: which key side is the client */
	bool roles_known : 1;        /* decided by a SYN, else guessed */
	bool has_syn_ts : 1, has_synack_ts : 1, has_ack_ts : 1; /* syn_ns, synack_ns, ack_ns set */
	bool midstream : 1, refused : 1, simultaneous_open : 1, simultaneous_close : 1, half_close : 1;
	bool rto_backoff_reported : 1;
	bool finished : 1;            /* end-of-flow findings made */
	bool syn_cookie : 1;          /* the server kept no state: its SYN-ACK was never resent */
	bool reused : 1;             /* superseded by a new connection on the same 4-tuple */
	bool one_sided : 1;          /* only one direction captured, though the other talked */
};

/* What the capture saw of a flow: each direction, the handshake, and the
 * sequence space acknowledged that it never held. */
struct ts_flow_visibility {
	bool c2s, s2c;           /* segments of that direction were captured */
	bool handshake;          /* the SYN of each side was captured */
	uint64_t unseen_acked_c2s, unseen_acked_s2c;
};
struct ts_flow_visibility ts_flow_visibility(const struct ts_flow *f);

/* True when the capture missed something of f: a direction, the handshake,
 * or bytes the peer acknowledged. */
bool ts_flow_visibility_partial(const struct ts_flow_visibility *v);

/* Endpoint pointers by role or by key side. */
static inline struct ts_endpoint *ts_flow_lo(struct ts_flow *f) { return f->client_is_lo ? &f->cli : &f->srv; }
static inline struct ts_endpoint *ts_flow_hi(struct ts_flow *f) { return f->client_is_lo ? &f->srv : &f->cli; }

/*
 * Retransmissions that never reached the capture point, inferred from the
 * sender's IP-ID counter: packets it numbered that never showed up, minus the
 * originals we know were lost (holes later filled by a resend). 0 when the
 * sender does not number its packets from a per-socket counter.
 */
uint64_t ts_endpoint_lost_retrans_estimate(const struct ts_endpoint *e);

/* The endpoint sent enough IPv4 packets to tell, and their IP-IDs are not a
 * per-socket counter (random, or shared with other connections). */
bool ts_endpoint_ipid_not_per_socket(const struct ts_endpoint *e);

#endif
