/* \summary: HTML report page section: the flows table and the order flows appear in */
#ifndef TCPSCOPE_REPORT_HTML_FLOWS_H
#define TCPSCOPE_REPORT_HTML_FLOWS_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "tcpscope/flow_context.h"
#include "tcpscope/report.h"

#define TS_HTML_MAX_FLOW_ROWS   1000  /* flows table rows (anomalous first) */

/* Flows in table and graph order: anomalous ones first, then the rest, each
 * by id; at most TS_HTML_MAX_FLOW_ROWS. *n_eligible is how many the
 * selection (--flows) allowed before the cap. Each is a copy: the caller
 * frees them and the array. */
struct ts_flow **ts_html_flow_order(const struct ts_report_input *in, const struct ts_report_opts *opt,
                                    size_t *n, size_t *n_eligible);

/* The flows table; the first n_graphs rows link to their graphs. Times are
 * shown relative to t0 (the first packet of the capture). */
void ts_html_flows_table(FILE *o, struct ts_flow *const *flows, size_t n, size_t n_eligible,
                         size_t n_graphs, const struct timespec *t0,
                         const struct ts_ctx_table *ctx);

#endif
