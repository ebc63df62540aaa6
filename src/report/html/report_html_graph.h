/* \summary: HTML report page section: one flow's time-sequence graphs */
#ifndef TCPSCOPE_REPORT_HTML_GRAPH_H
#define TCPSCOPE_REPORT_HTML_GRAPH_H

#include <stddef.h>
#include <stdio.h>

#include "tcpscope/flow.h"
#include "tcpscope/segment_log.h"

/* One flow's section: a time-sequence graph per direction that carried data,
 * with throughput and RTT beside it. Returns the SVG marks drawn. */
size_t ts_html_flow_graphs(FILE *o, const struct ts_flow *f, const struct ts_segment_log *log,
                           size_t mark_limit);

#endif
