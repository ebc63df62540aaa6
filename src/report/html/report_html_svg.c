/* \summary: HTML reporter helpers: escaping, SI numbers, tick steps, SVG axes */
#include <stdio.h>
#include <string.h>

#include "report_html_svg.h"

void ts_html_escape(FILE *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default:
			/* Control and non-ASCII bytes (file names need not be UTF-8)
			 * as '?', so the page is valid UTF-8 whatever the input held. */
			putc(*p < 0x20 || *p >= 0x7f ? '?' : *p, o);
		}
	}
}

void ts_html_si(double v, char *buf, size_t len)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	double a = v < 0 ? -v : v;
	unsigned i = 0;

	while (a >= 1000.0 && i < sizeof(suffix) / sizeof(suffix[0]) - 1) {
		a /= 1000.0;
		v /= 1000.0;
		i++;
	}
	if (a == 0.0 || a >= 100.0 || (double)(long long)a == a)
		snprintf(buf, len, "%.0f%s", v, suffix[i]);
	else if (a >= 10.0)
		snprintf(buf, len, "%.1f%s", v, suffix[i]);
	else
		snprintf(buf, len, "%.2g%s", v, suffix[i]);
}

double ts_html_nice_step(double range, int target_ticks)
{
	if (!(range > 0) || target_ticks < 1)
		return 1.0;
	double raw = range / target_ticks;
	double p = 1.0;
	while (p * 10.0 <= raw)
		p *= 10.0;
	while (p > raw)
		p /= 10.0;
	/* p <= raw < 10p: pick the first of 1, 2, 5, 10 times p not below raw */
	if (p >= raw)
		return p;
	if (2.0 * p >= raw)
		return 2.0 * p;
	if (5.0 * p >= raw)
		return 5.0 * p;
	return 10.0 * p;
}

/* Decimals needed to tell ticks 'step' apart (no libm). */
static int step_decimals(double step)
{
	int d = 0;
	double s = step;

	while (s < 0.9999 && d < 9) {
		s *= 10.0;
		d++;
	}
	return d;
}

static long long first_tick(double lo, double step)
{
	long long k = (long long)(lo / step);
	while ((double)k * step < lo - step * 1e-9)
		k++;
	while ((double)(k - 1) * step >= lo - step * 1e-9)
		k--;
	return k;
}

static void tick_label(char *buf, size_t len, double v, double step, enum ts_html_unit unit)
{
	if (unit == TS_HTML_UNIT_SI)
		ts_html_si(v, buf, len);
	else
		snprintf(buf, len, "%.*f", step_decimals(step), v);
}

void ts_html_axes(FILE *o, const struct ts_html_box *b, const struct ts_html_scale *x,
                  const struct ts_html_scale *y, const char *xtitle, const char *ytitle,
                  enum ts_html_unit yunit)
{
	char lab[32];
	double xs = ts_html_nice_step(x->hi - x->lo, (b->right - b->left) / 90 + 2);
	double ys = ts_html_nice_step(y->hi - y->lo, (b->bottom - b->top) / 50 + 2);
	long long xk = first_tick(x->lo, xs), yk = first_tick(y->lo, ys);

	fprintf(o, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", b->left, b->top,
	        b->right - b->left, b->bottom - b->top);
	fputs("<path class=\"grid\" d=\"", o);
	for (long long k = xk, n = 0; (double)k * xs <= x->hi + xs * 1e-9 && n < 40; k++, n++)
		fprintf(o, "M%ld %dV%d", ts_html_px(x, (double)k * xs), b->top, b->bottom);
	for (long long k = yk, n = 0; (double)k * ys <= y->hi + ys * 1e-9 && n < 40; k++, n++)
		fprintf(o, "M%d %ldH%d", b->left, ts_html_px(y, (double)k * ys), b->right);
	fputs("\"/>\n", o);
	for (long long k = xk, n = 0; (double)k * xs <= x->hi + xs * 1e-9 && n < 40; k++, n++) {
		tick_label(lab, sizeof(lab), (double)k * xs, xs, TS_HTML_UNIT_PLAIN);
		fprintf(o, "<text class=\"tx\" x=\"%ld\" y=\"%d\">%s</text>\n", ts_html_px(x, (double)k * xs),
		        b->bottom + 14, lab);
	}
	for (long long k = yk, n = 0; (double)k * ys <= y->hi + ys * 1e-9 && n < 40; k++, n++) {
		tick_label(lab, sizeof(lab), (double)k * ys, ys, yunit);
		fprintf(o, "<text class=\"ty\" x=\"%d\" y=\"%ld\">%s</text>\n", b->left - 4,
		        ts_html_px(y, (double)k * ys) + 4, lab);
	}
	fprintf(o, "<text class=\"at\" x=\"%d\" y=\"%d\">", (b->left + b->right) / 2, b->bottom + 30);
	ts_html_escape(o, xtitle);
	fprintf(o, "</text>\n<text class=\"at\" transform=\"translate(12 %d) rotate(-90)\">",
	        (b->top + b->bottom) / 2);
	ts_html_escape(o, ytitle);
	fputs("</text>\n", o);
}
