/* \summary: end-of-flow findings: handshake outcome, stalls still open, per-flow anomalies */
#ifndef TCPSCOPE_TCP_FINISH_H
#define TCPSCOPE_TCP_FINISH_H

#include <time.h>

#include "tcpscope/flow.h"
#include "tcpscope/tcp_env.h"

/* Close out a flow at the end of the capture or on eviction. Once per flow. */
void ts_tcp_flow_finish(const struct ts_tcp_env *env, struct ts_flow *f, const struct timespec *now);

#endif
