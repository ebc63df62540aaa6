/* \summary: HTML reporter: throughput-over-time and RTT-over-time plots beside each graph */
#include <stdlib.h>

#include "report_html_plots.h"
#include "report_html_svg.h"
#include "tcpscope/units.h"

#define THROUGHPUT_BINS 60

static const struct ts_html_box side_box = { 420, 168, 58, 410, 22, 122 };

static void plot_open(FILE *o, const char *title, bool from_client)
{
	fprintf(o, "<svg class=\"side\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	        "aria-label=\"%s\">\n<text class=\"ttl\" x=\"%d\" y=\"14\">%s, %s</text>\n", side_box.width,
	        side_box.height, side_box.width, side_box.height, title, side_box.left, title,
	        from_client ? "client&rarr;server" : "server&rarr;client");
}

static void plot_empty(FILE *o, const char *what)
{
	fprintf(o, "<text class=\"empty\" x=\"%d\" y=\"%d\">%s</text>\n", (side_box.left + side_box.right) / 2,
	        (side_box.top + side_box.bottom) / 2, what);
}

static double span_sec(const struct ts_html_dir_data *d)
{
	return (double)(d->t1_ns - d->t0_ns) / TS_NSEC_PER_SEC;
}

/*
 * New data per time bin: the highest sequence number sent so far is
 * cumulative, so sampling it at bin edges stays right when the log kept
 * only every n-th segment.
 */
void ts_html_throughput_plot(FILE *o, const struct ts_html_dir_data *d)
{
	double edge_val[THROUGHPUT_BINS + 1], rate[THROUGHPUT_BINS], max = 0.0;
	bool have = false;
	int64_t top = 0;
	size_t i = 0, n_data = 0;

	for (size_t j = 0; j < d->v->n_rec; j++)
		n_data += d->v->rec[j].from_client == d->from_client && d->v->rec[j].len;
	/* A few segments per bin at least, or the plot is all spikes. */
	int bins = n_data / 3 < 8 ? 8 : n_data / 3 > THROUGHPUT_BINS ? THROUGHPUT_BINS : (int)(n_data / 3);
	double bin_ns = (double)(d->t1_ns - d->t0_ns) / bins;

	/* The first data segment's start is the baseline, not the ISN. */
	for (size_t j = 0; j < d->v->n_rec && !have; j++) {
		const struct ts_segment_record *r = &d->v->rec[j];
		if (r->from_client == d->from_client && r->len) {
			top = d->useq[j];
			have = true;
		}
	}
	for (int k = 0; k <= bins; k++) {
		double edge = (double)d->t0_ns + bin_ns * k;
		for (; i < d->v->n_rec && (k == bins || (double)d->v->rec[i].ts_ns <= edge); i++) {
			const struct ts_segment_record *r = &d->v->rec[i];
			if (r->from_client == d->from_client && r->len && d->useq[i] + r->len > top)
				top = d->useq[i] + r->len;
		}
		edge_val[k] = (double)top;
	}
	for (int k = 0; k < bins; k++) {
		double delta = edge_val[k + 1] - edge_val[k];
		rate[k] = delta > 0 ? delta / (bin_ns / TS_NSEC_PER_SEC) : 0.0;
		max = rate[k] > max ? rate[k] : max;
	}
	plot_open(o, "throughput (new data, bytes/s)", d->from_client);
	struct ts_html_scale x = { 0.0, span_sec(d), side_box.left, side_box.right };
	struct ts_html_scale y = { 0.0, max > 0 ? max * 1.1 : 1.0, side_box.bottom, side_box.top };
	ts_html_axes(o, &side_box, &x, &y, "time (s)", "bytes/s", TS_HTML_UNIT_SI);
	if (!have) {
		plot_empty(o, "no data sent");
	} else {
		long cur = side_box.bottom;
		fprintf(o, "<path class=\"thr\" d=\"M%d %d", side_box.left, side_box.bottom);
		for (int k = 0; k < bins; k++) {
			long yk = ts_html_px(&y, rate[k]);
			if (yk != cur)
				fprintf(o, "H%ldV%ld", ts_html_px(&x, bin_ns * k / TS_NSEC_PER_SEC), yk);
			cur = yk;
		}
		fprintf(o, "H%dV%dZ\"/>\n", side_box.right, side_box.bottom);
	}
	fputs("</svg>\n", o);
}

void ts_html_rtt_plot(FILE *o, const struct ts_html_dir_data *d)
{
	double max = 0.0;
	size_t n = 0;

	for (size_t i = 0; i < d->v->n_rtt; i++) {
		if (d->v->rtt[i].from_client != d->from_client)
			continue;
		double ms = (double)d->v->rtt[i].rtt_us / TS_USEC_PER_MSEC;
		max = ms > max ? ms : max;
		n++;
	}
	plot_open(o, "RTT (ms)", d->from_client);
	struct ts_html_scale x = { 0.0, span_sec(d), side_box.left, side_box.right };
	struct ts_html_scale y = { 0.0, max > 0 ? max * 1.15 : 1.0, side_box.bottom, side_box.top };
	ts_html_axes(o, &side_box, &x, &y, "time (s)", "ms", TS_HTML_UNIT_PLAIN);
	if (!n) {
		plot_empty(o, "no RTT samples");
	} else {
		fputs("<path class=\"rtt\" d=\"", o);
		for (size_t i = 0; i < d->v->n_rtt; i++) {
			const struct ts_segment_rtt *s = &d->v->rtt[i];
			if (s->from_client == d->from_client)
				fprintf(o, "M%ld %ldh0", ts_html_px(&x, (double)(s->ts_ns - d->t0_ns) / TS_NSEC_PER_SEC),
				        ts_html_px(&y, (double)s->rtt_us / TS_USEC_PER_MSEC));
		}
		fputs("\"/>\n", o);
		fprintf(o, "<text class=\"cnt\" x=\"%d\" y=\"%d\">%zu sample%s</text>\n", side_box.right - 4,
		        side_box.top + 12, n, n == 1 ? "" : "s");
	}
	fputs("</svg>\n", o);
}
