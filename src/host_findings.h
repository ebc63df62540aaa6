/* \summary: host-level findings made once every flow is finished */
#ifndef TCPSCOPE_HOST_FINDINGS_H
#define TCPSCOPE_HOST_FINDINGS_H

#include <stddef.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/flow_view.h"

/* TIME_WAIT pile-ups, high host retransmission rates and SYN floods, over
 * every flow (in id order). */
void ts_host_findings(struct ts_analyzer *a, struct ts_flow_view *flows);

#endif
