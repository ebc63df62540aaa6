/* \summary: the analysis pipeline: packets in, flows, anomalies and host figures out */
#ifndef TCPSCOPE_ANALYZER_H
#define TCPSCOPE_ANALYZER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "tcpscope/dissect.h"
#include "tcpscope/dup_cache.h"
#include "tcpscope/flow.h"
#include "tcpscope/flow_context.h"
#include "tcpscope/flow_table.h"
#include "tcpscope/flow_view.h"
#include "tcpscope/hosts.h"
#include "tcpscope/ip_reassembly.h"
#include "tcpscope/pkt.h"
#include "tcpscope/segment.h"
#include "tcpscope/units.h"
#include "tcpscope/tcp_env.h"
#include "tcpscope/timespec.h"

struct ts_analyzer;

typedef void (*ts_anomaly_fn)(void *ctx, const struct ts_flow *f, const struct ts_anomaly *a);

struct ts_analyzer_config {
	double stall_timeout;        /* s in CLOSE_WAIT/FIN_WAIT_x/LAST_ACK/CLOSING (60) */
	double time_wait;            /* 2 MSL, s (60, as Linux) */
	double ooo_window;           /* s: hole filled sooner is out-of-order (0.003) */
	double zero_window_min;      /* s: zero window lasting longer is a stall (1) */
	double retrans_warn_pct;     /* retransmission_high warning above (1.0) */
	double retrans_err_pct;      /* ... err above (5.0) */
	uint32_t retrans_min_segments; /* per-flow minimum data segments (100) */
	uint32_t time_wait_pileup;   /* TIME_WAIT endpoints per host (500) */
	uint32_t syn_flood_half_open;/* half-open connections to one server port (100) */
	double syn_rate;             /* SYNs per second from one source that make a flood (100) */
	uint32_t port_scan_targets;  /* failed probes of distinct host:port pairs from one source (25; 0 = off) */
	double port_scan_window;     /* s within which they fall (300) */
	size_t max_flows;            /* 0 = unlimited */
	size_t max_report_flows;     /* finished flows kept for the report (0: max_flows, or all) */
	size_t max_hosts;            /* hosts in the netstat view (0: 2 x max_flows, or all) */
	double idle_timeout;         /* s without packets before a live flow is retired (0 = never) */
	uint64_t seed;               /* hash seed; 0 = random */
	bool ids_from_packet_index;  /* sharded runs: a flow's id is its first packet's index */
	ts_transition_fn on_transition;
	ts_anomaly_fn on_anomaly;
	void *ctx;
	ts_segment_fn on_segment;    /* every TCP segment after classification */
	void *segment_ctx;
	struct ts_decode_config decode; /* --vxlan-port */
	struct ts_ctx_table *shared_ctx; /* sharded runs: the reader's table; NULL: own */
};

void ts_analyzer_config_default(struct ts_analyzer_config *c);

struct ts_decode_stats {
	uint64_t packets, bytes, tcp_segments;
	uint64_t reason[TS_DR_COUNT];
	uint64_t event[TS_DE_COUNT_BITS];
	uint64_t encap[TS_ENC_COUNT];  /* packets through each encapsulation, decoded or not */
	int first_unsupported_dlt;   /* -1 when none */
};

/* A decoded segment waiting its turn in ts_analyzer_feed_ahead. */
struct ts_pending_segment {
	struct ts_pkt pkt;             /* data NULL: the capture's buffer is gone */
	struct ts_decoded d;
	struct ts_flow_key key;
	uint64_t hash;
	bool from_lo;
};

#define TS_FEED_AHEAD 2

struct ts_analyzer {
	struct ts_analyzer_config cfg;
	struct ts_pending_segment pending[TS_FEED_AHEAD]; /* ring, oldest at pending_head */
	unsigned pending_head, n_pending;
	struct ts_flow_table flows;
	struct ts_decode_stats dec;
	struct ts_dup_cache dups;      /* recent segments, for capture duplicates */
	struct ts_tcp_env tcp;         /* what the TCP engine gets, built from cfg at init */
	struct ts_reasm reasm;         /* IP fragments waiting for their datagram */
	struct ts_ctx_table ctx_own;   /* outer contexts, unless the config shares one */
	struct ts_ctx_table *ctx;      /* the table flow keys' context ids refer to */
	struct ts_hosts hosts;         /* folded from flows as they finish */
	struct ts_anomaly *host_anomalies; /* host-level findings (flow == NULL) */
	size_t n_host_anomalies, cap_host_anomalies;
	uint64_t anomaly_counts[TS_AN_COUNT];
	uint64_t alloc_failures;
	struct timespec first, last;
	bool have_ts;
	bool finished;
	bool flows_finished;
	int64_t next_expire_ns;
	struct ts_flow_view *findings_view; /* the host findings' view, kept for the report */
};

int ts_analyzer_init(struct ts_analyzer *a, const struct ts_analyzer_config *cfg);
void ts_analyzer_feed(struct ts_analyzer *a, const struct ts_pkt *pkt);

/*
 * The same with a delay of TS_FEED_AHEAD packets: while one segment is
 * analysed, the index slot and the flow of the next ones are fetched from
 * memory (with a million connections every lookup misses the cache).
 * Flows and counts lag behind until ts_analyzer_flush, which must come
 * before anything reads them.
 */
void ts_analyzer_feed_ahead(struct ts_analyzer *a, const struct ts_pkt *pkt);
void ts_analyzer_flush(struct ts_analyzer *a);
/* Evaluate what is still open against the last packet time. Idempotent. */
void ts_analyzer_finish(struct ts_analyzer *a);

/* The steps of ts_analyzer_feed and ts_analyzer_finish, for sharded runs:
 * count a packet, decode it (counting decode errors), analyse a decoded
 * segment; finish every flow and fold it into its host; host-level findings. */
/* Count a packet. One stamped earlier than a packet before it (or 0) is
 * counted as capture.time_backwards and analysed at the newest time seen,
 * written to *later: the returned packet is pkt or later, or NULL (not to be
 * analysed) for a 0 stamp before any time is known. */
const struct ts_pkt *ts_analyzer_note_packet(struct ts_analyzer *a, const struct ts_pkt *pkt,
                                             struct ts_pkt *later);
bool ts_analyzer_decode(struct ts_analyzer *a, const struct ts_pkt *pkt, struct ts_decoded *d);
void ts_analyzer_feed_decoded(struct ts_analyzer *a, const struct ts_pkt *pkt, const struct ts_decoded *d);
/* Decode (counting errors) and analyse, or analyse a decoded segment, with
 * the delay of ts_analyzer_feed_ahead: for workers, which do not count
 * packets. ts_analyzer_decode_ahead returns whether pkt was a TCP segment. */
bool ts_analyzer_decode_ahead(struct ts_analyzer *a, const struct ts_pkt *pkt);
void ts_analyzer_feed_decoded_ahead(struct ts_analyzer *a, const struct ts_pkt *pkt, const struct ts_decoded *d);
void ts_analyzer_finish_flows(struct ts_analyzer *a);
void ts_analyzer_host_findings(struct ts_analyzer *a);
/* The view of every flow the host findings went through, when it still lists
 * the table's flows: the caller owns it then (ts_flow_view_free, free).
 * NULL otherwise: build one. */
struct ts_flow_view *ts_analyzer_take_view(struct ts_analyzer *a);
void ts_analyzer_free(struct ts_analyzer *a);

/* How long flow f may stay idle before it is retired (--idle-timeout set). */
double ts_analyzer_idle_timeout(const struct ts_analyzer *a, const struct ts_flow *f);

/* Add an anomaly to a flow (or report a host-level one with f == NULL). */
void ts_analyzer_anomaly(struct ts_analyzer *a, struct ts_flow *f, const struct ts_anomaly *an);

#endif
