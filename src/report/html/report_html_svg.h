/* \summary: SVG primitives of the HTML report: scales, plot boxes, axes, escaping */
#ifndef TCPSCOPE_REPORT_HTML_SVG_H
#define TCPSCOPE_REPORT_HTML_SVG_H

#include <stddef.h>
#include <stdio.h>

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

#endif
