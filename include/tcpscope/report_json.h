/* \summary: the JSON Lines reporter, and the states object live reports share */
#ifndef TCPSCOPE_REPORT_JSON_H
#define TCPSCOPE_REPORT_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "tcpscope/report.h"

extern const struct ts_reporter_ops ts_reporter_json;

void ts_json_states(FILE *out, const uint64_t states[TS_ST_COUNT]); /* {"STATE":n,...} */

#endif
