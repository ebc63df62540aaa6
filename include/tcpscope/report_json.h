/* \summary: the JSON Lines reporter, and the pieces of it the live reports write too */
#ifndef TCPSCOPE_REPORT_JSON_H
#define TCPSCOPE_REPORT_JSON_H

#include <stdint.h>

#include "tcpscope/endpoint_state.h"
#include "tcpscope/flow_context.h"
#include "tcpscope/json_buf.h"
#include "tcpscope/report.h"

extern const struct ts_reporter_ops ts_reporter_json;

/* {"STATE":n,...} of the states whose count is not 0, in state order. */
void ts_json_states(struct ts_jbuf *j, const uint64_t states[TS_ST_COUNT]);

/* {"vlan":[10,20],"vni":[5001]}: every kind present, values outermost first. */
void ts_json_context(struct ts_jbuf *j, const struct ts_ctx_entry *e);

#endif
