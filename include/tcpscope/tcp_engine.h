/* \summary: the TCP engine's per-segment driver, its state choke point and its timers */
#ifndef TCPSCOPE_TCP_ENGINE_H
#define TCPSCOPE_TCP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "tcpscope/anomaly.h"
#include "tcpscope/dissect.h"
#include "tcpscope/flow.h"
#include "tcpscope/pkt.h"
#include "tcpscope/tcp_env.h"

/* Process one TCP segment of flow f. */
void ts_tcp_segment(const struct ts_tcp_env *env, struct ts_flow *f, bool from_client,
                    const struct ts_decoded *d, const struct ts_pkt *pkt);

/* The single choke point for state changes. */
void ts_tcp_set_state(const struct ts_tcp_env *env, struct ts_flow *f, struct ts_endpoint *ep,
                      enum ts_tcp_state to, const struct timespec *ts, uint64_t index);

/* Report ep's closing state as a stall once it has lasted the stall timeout
 * by 'until' (then extend the report to 'until'). */
void ts_tcp_check_stall(const struct ts_tcp_env *env, struct ts_flow *f, struct ts_endpoint *ep,
                        const struct timespec *until);
/* TIME_WAIT that outlived 2 MSL by 'now' ends in CLOSED. */
void ts_tcp_expire_time_wait(const struct ts_tcp_env *env, struct ts_flow *f, const struct timespec *now);
/* e's zero window ended at end_ns: a stall when it lasted long enough. */
void ts_tcp_note_zero_window_end(const struct ts_tcp_env *env, struct ts_flow *f, struct ts_endpoint *e,
                                 int64_t end_ns);

/* A finding of flow f with its default severity and no details. */
void ts_flow_add_anomaly(const struct ts_tcp_env *env, struct ts_flow *f, enum ts_anomaly_code code,
                         enum ts_anomaly_endpoint ep, const struct timespec *ts);

static inline bool ts_endpoint_closed(const struct ts_endpoint *e)
{
	return e->state == TS_ST_CLOSED || e->state == TS_ST_TIME_WAIT;
}

#endif
