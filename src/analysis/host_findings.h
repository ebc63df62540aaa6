/* \summary: host-level findings made once every flow is finished */
#ifndef TCPSCOPE_HOST_FINDINGS_H
#define TCPSCOPE_HOST_FINDINGS_H

#include <stddef.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/flow_view.h"

/* TIME_WAIT pile-ups, high host retransmission rates and SYN floods, over
 * every flow (in id order). */
void ts_host_findings(struct ts_analyzer *a, struct ts_flow_view *flows);

/* What the findings need to know of a finished flow, kept beside its packed
 * record (ts_flow_table_retire_marked) so that they unpack only the flows
 * that matter: whether it counts towards a SYN flood. */
enum { TS_HF_MARKED = 1, TS_HF_HALF_OPEN = 2 };
uint8_t ts_host_findings_marks(const struct ts_flow *f);

#endif
