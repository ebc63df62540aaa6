/* \summary: HTML report page section: throughput and RTT plots beside a graph */
#ifndef TCPSCOPE_REPORT_HTML_PLOTS_H
#define TCPSCOPE_REPORT_HTML_PLOTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpscope/segment_log.h"

/* What the side plots need from a direction's records. */
struct ts_html_dir_data {
	const struct ts_segment_flow_view *v;
	const int64_t *useq;      /* unwrapped sequence numbers, per record */
	bool from_client;
	int64_t t0_ns, t1_ns;
};

void ts_html_throughput_plot(FILE *o, const struct ts_html_dir_data *d);
void ts_html_rtt_plot(FILE *o, const struct ts_html_dir_data *d);

#endif
