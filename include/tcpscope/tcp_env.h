/* \summary: what the TCP engine is given by its owner: thresholds, the duplicate cache, hooks up */
#ifndef TCPSCOPE_TCP_ENV_H
#define TCPSCOPE_TCP_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "tcpscope/anomaly.h"
#include "tcpscope/dup_cache.h"
#include "tcpscope/flow.h"
#include "tcpscope/segment.h"

/* The thresholds the engine judges flows by. */
struct ts_tcp_config {
	double stall_timeout;          /* s in CLOSE_WAIT/FIN_WAIT_x/LAST_ACK/CLOSING */
	double time_wait;              /* 2 MSL, s */
	double ooo_window;             /* s: hole filled sooner is out-of-order */
	double zero_window_min;        /* s: zero window lasting longer is a stall */
	double retrans_warn_pct;       /* retransmission_high warning above */
	double retrans_err_pct;        /* ... err above */
	uint32_t retrans_min_segments; /* per-flow minimum data segments */
};

/* An endpoint of f (its client, or its server) changed state. */
typedef void (*ts_transition_fn)(void *ctx, const struct ts_flow *f, bool client,
                                 enum ts_tcp_state from, enum ts_tcp_state to,
                                 const struct timespec *ts, uint64_t pkt_index);
/* A TCP segment of f, after classification. */
typedef void (*ts_segment_fn)(void *ctx, const struct ts_flow *f, const struct ts_segment_event *ev);
/* A finding of flow f: the owner keeps it with the flow and counts it. */
typedef void (*ts_tcp_anomaly_fn)(void *ctx, struct ts_flow *f, const struct ts_anomaly *a);

/*
 * Built once by the engine's owner and passed to every engine call. The
 * engine reads nothing above it but this: information goes up through the
 * hooks. Hooks that are usually off are NULL, tested once where they fire.
 */
struct ts_tcp_env {
	struct ts_tcp_config cfg;
	struct ts_dup_cache *dups;      /* recent segments, for capture duplicates */
	ts_tcp_anomaly_fn on_anomaly;   /* never NULL */
	void *anomaly_ctx;
	ts_transition_fn on_transition; /* --trace-flow, or NULL */
	void *transition_ctx;
	ts_segment_fn on_segment;       /* the segment log, --explain, or NULL */
	void *segment_ctx;
};

static inline void ts_tcp_env_anomaly(const struct ts_tcp_env *env, struct ts_flow *f,
                                      const struct ts_anomaly *a)
{
	env->on_anomaly(env->anomaly_ctx, f, a);
}

#endif
