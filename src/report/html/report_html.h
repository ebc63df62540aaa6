/* \summary: HTML reporter internals: SVG scales and axes, flow selection, graphs */
#ifndef TCPSCOPE_REPORT_HTML_H
#define TCPSCOPE_REPORT_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpscope/report.h"
#include "tcpscope/segment_log.h"

/* Page limits: what keeps a report of a large capture small and fast. */
#define TS_HTML_MAX_FLOW_ROWS   1000  /* flows table rows (anomalous first) */
#define TS_HTML_MAX_HOST_ROWS   500
#define TS_HTML_MAX_ANOMALY_ROWS 500
#define TS_HTML_MAX_GRAPHS      50    /* flows with graphs */
#define TS_HTML_MARKS_PER_GRAPH 3000  /* SVG marks in one time-sequence graph */
#define TS_HTML_MARK_BUDGET     60000 /* SVG marks on the whole page */

/* Linear map from data values to SVG pixels. */
struct ts_html_scale {
	double lo, hi;           /* data range */
	double px_lo, px_hi;     /* pixel range (px_hi < px_lo for a y axis) */
};

static inline double ts_html_map(const struct ts_html_scale *s, double v)
{
	double span = s->hi - s->lo;
	double f = span > 0 ? (v - s->lo) / span : 0.0;
	if (f < 0)
		f = 0;
	else if (f > 1)
		f = 1;
	return s->px_lo + f * (s->px_hi - s->px_lo);
}

/* Nearest pixel as an integer: SVG coordinates stay short. */
static inline long ts_html_px(const struct ts_html_scale *s, double v)
{
	double p = ts_html_map(s, v);
	return (long)(p < 0 ? p - 0.5 : p + 0.5);
}

/* A plot: the SVG size and the plot area inside it. */
struct ts_html_box {
	int width, height;
	int left, right, top, bottom;  /* plot area edges in pixels */
};

enum ts_html_unit { TS_HTML_UNIT_PLAIN = 0, TS_HTML_UNIT_SI };

void ts_html_escape(FILE *o, const char *s);
void ts_html_si(double v, char *buf, size_t len);          /* 1500 -> "1.5k" */
double ts_html_nice_step(double range, int target_ticks);   /* 1, 2 or 5 x 10^n */

/* Frame, grid, ticks and axis titles of a plot. */
void ts_html_axes(FILE *o, const struct ts_html_box *b, const struct ts_html_scale *x,
                  const struct ts_html_scale *y, const char *xtitle, const char *ytitle,
                  enum ts_html_unit yunit);

extern const char ts_html_css[];
extern const char ts_html_js[];

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

/* One flow's section: a time-sequence graph per direction that carried data,
 * with throughput and RTT beside it. Returns the SVG marks drawn. */
size_t ts_html_flow_graphs(FILE *o, const struct ts_flow *f, const struct ts_segment_log *log,
                           size_t mark_limit);

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
