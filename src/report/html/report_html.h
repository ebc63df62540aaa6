/* \summary: the HTML reporter: one self-contained page of tables and SVG graphs */
#ifndef TCPSCOPE_REPORT_HTML_H
#define TCPSCOPE_REPORT_HTML_H

#include "tcpscope/report.h"

/* Page limits: what keeps a report of a large capture small and fast. The
 * flows table's own limit is TS_HTML_MAX_FLOW_ROWS. */
#define TS_HTML_MAX_HOST_ROWS   500
#define TS_HTML_MAX_ANOMALY_ROWS 500
#define TS_HTML_MAX_GRAPHS      50    /* flows with graphs */
#define TS_HTML_MARKS_PER_GRAPH 3000  /* SVG marks in one time-sequence graph */
#define TS_HTML_MARK_BUDGET     60000 /* SVG marks on the whole page */

extern const struct ts_reporter_ops ts_reporter_html;

#endif
