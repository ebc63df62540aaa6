/* \summary: internals shared by the TCP classifier and state machine */
#ifndef TCPSCOPE_TCP_ENGINE_H
#define TCPSCOPE_TCP_ENGINE_H

#include "tcpscope/analyzer.h"
#include "tcpscope/segment.h"


struct ts_seg {
	const struct ts_decoded *d;
	struct timespec ts;
	int64_t ts_ns;
	uint64_t index;
	uint32_t seq, ack, len, seq_len; /* seq_len = payload + SYN + FIN */
	uint8_t flags;
	enum ts_seg_class cls;
	bool retx;            /* counts as a retransmitted segment (TcpRetransSegs) */
	bool sim_open_synack; /* the SYN-ACK of a simultaneous open */
	bool frame_seen;      /* a copy of a frame seen before: its IP-ID (IPv4), or its fingerprint */
	bool late_original;   /* a delayed original standing for the resend that came first */
	/* The evidence behind the class, for --explain. */
	const char *rule;
	const char *retx_kind;
	int64_t hole_age_ns;
	uint16_t newest_ip_id;
	uint32_t highest_sent;
	int64_t since_prev_ns;
};

struct ts_tcp_ctx {
	struct ts_analyzer *an;
	struct ts_flow *f;
	struct ts_seg *seg;
	struct ts_endpoint *snd, *rcv;
	bool from_client;
};

/* tcp_classify.c: classify a segment and update the sender's figures. */
void ts_tcp_classify(struct ts_tcp_ctx *c);
/* A hash of the header fields a copied frame keeps (capture duplicates). */
uint32_t ts_tcp_frame_signature(const struct ts_decoded *d);

/* tcp_state.c: advance both endpoints' states for this segment. */
void ts_tcp_state_advance(struct ts_tcp_ctx *c);

/* The single choke point for state changes. */
void ts_tcp_set_state(struct ts_analyzer *an, struct ts_flow *f, struct ts_endpoint *ep,
                      enum ts_tcp_state to, const struct timespec *ts, uint64_t index);

/* tcp_finish.c: close out a flow at the end of the capture or on eviction. */
void ts_tcp_flow_finish(struct ts_analyzer *an, struct ts_flow *f, const struct timespec *now);
/* TIME_WAIT that outlived 2 MSL by 'now' ends in CLOSED. */
void ts_tcp_expire_time_wait(struct ts_analyzer *an, struct ts_flow *f, const struct timespec *now);

void ts_flow_add_anomaly(struct ts_analyzer *an, struct ts_flow *f, enum ts_anomaly_code code,
                         enum ts_anomaly_endpoint ep, const struct timespec *ts);

/* Process one TCP segment of flow f. */
void ts_tcp_segment(struct ts_analyzer *an, struct ts_flow *f, bool from_client,
                    const struct ts_decoded *d, const struct ts_pkt *pkt);
void ts_tcp_check_stall(struct ts_analyzer *an, struct ts_flow *f, struct ts_endpoint *ep,
                        const struct timespec *until);
void ts_tcp_note_zero_window_end(struct ts_analyzer *an, struct ts_flow *f, struct ts_endpoint *e,
                                 int64_t end_ns);

/* tcp_vantage.c: evidence about an endpoint the capture does not see. */
/* Nothing was captured from peer, yet the other side acknowledged it. */
bool ts_tcp_peer_silent(const struct ts_endpoint *peer);
/* An ACK moved r's snd_una from una_before to ack, closing holes of
 * 'holes' bytes: count what the capture never held. */
void ts_tcp_note_acked_seen_sender(struct ts_endpoint *r, uint32_t una_before, uint32_t ack, uint64_t holes);
/* An ACK for r, from which no segment with sequence space was captured. */
void ts_tcp_note_acked_silent_sender(struct ts_endpoint *r, uint32_t ack);
/* r, silent so far, sent [seq, end): those bytes were captured after all. */
void ts_tcp_note_silent_sender_seen(struct ts_endpoint *r, uint32_t seq, uint32_t end);
/* g, sent to a silent peer, acknowledges one more sequence number than
 * before: the peer's FIN (step_before: or the previous ACK did). */
bool ts_tcp_acks_silent_peer_fin(const struct ts_endpoint *peer, const struct ts_seg *g, bool step_before);
/* g, from a passive endpoint in SYN_RECEIVED, can only come from the
 * accepted connection: data, a FIN, or an ACK of the peer's data. */
bool ts_tcp_established_unseen(const struct ts_endpoint *peer, const struct ts_seg *g);
/* End of the flow: decide whether it was one-sided. */
void ts_tcp_vantage_finish(struct ts_flow *f);

static inline bool ts_endpoint_closed(const struct ts_endpoint *e)
{
	return e->state == TS_ST_CLOSED || e->state == TS_ST_TIME_WAIT;
}

#endif
