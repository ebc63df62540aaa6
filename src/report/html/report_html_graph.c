/* \summary: HTML reporter: per-flow time-sequence graphs (Stevens/tcptrace style) as inline SVG */
#include <stdlib.h>

#include "report_html_graph.h"
#include "report_html_plots.h"
#include "report_html_svg.h"
#include "tcpscope/report.h"
#include "tcpscope/seq.h"
#include "tcpscope/units.h"

/* Individually drawn retransmission / out-of-order / probe marks per
 * direction; beyond this they are merged per pixel column like plain data. */
#define NOTABLE_MARKS_MAX 2000

enum mark_kind { MK_NONE = 0, MK_DATA, MK_RETX, MK_OOO, MK_PROBE };

static const char *const kind_class[] = { "", "data", "retx", "ooo", "probe" };

struct flow_graph {
	FILE *o;
	const struct ts_flow *f;
	struct ts_segment_flow_view v;
	int64_t *useq, *uack;        /* unwrapped, per record */
	int64_t t0_ns, t1_ns;
	struct ts_html_box box;
	struct ts_html_scale x, y;
	size_t columns;              /* pixel columns marks are merged into */
	int64_t win_cut;             /* highest window edge when above the graph, else 0 */
	size_t marks;
};

struct unwrap {
	bool init;
	uint32_t last;
	int64_t val;
};

/* Relative numbers start near 0 (the SYN at -1): the first is read as
 * signed, later ones advance by their wrap-safe difference. */
static int64_t unwrap_next(struct unwrap *u, uint32_t raw)
{
	if (!u->init) {
		u->init = true;
		u->val = (int32_t)raw;
	} else {
		u->val += ts_seq_diff(raw, u->last);
	}
	u->last = raw;
	return u->val;
}

static uint32_t seq_space(const struct ts_segment_record *r)
{
	return r->len + !!(r->flags & TS_TCP_SYN) + !!(r->flags & TS_TCP_FIN);
}

static enum mark_kind kind_of(const struct ts_segment_record *r)
{
	if (r->retransmission)
		return MK_RETX;
	if (r->cls == TS_SEG_OUT_OF_ORDER)
		return MK_OOO;
	if (r->cls == TS_SEG_KEEPALIVE || r->cls == TS_SEG_WINDOW_PROBE)
		return MK_PROBE;
	return seq_space(r) ? MK_DATA : MK_NONE;
}

static double t_sec(const struct flow_graph *g, int64_t ns)
{
	return (double)(ns - g->t0_ns) / TS_NSEC_PER_SEC;
}

static size_t column_of(const struct flow_graph *g, long px)
{
	long w = g->box.right - g->box.left;
	long c = (px - g->box.left) * (long)g->columns / (w > 0 ? w : 1);
	return c < 0 ? 0 : (size_t)c;
}

static void unwrap_all(struct flow_graph *g)
{
	struct unwrap seq[2] = { { 0 } }, ack[2] = { { 0 } };

	for (size_t i = 0; i < g->v.n_rec; i++) {
		const struct ts_segment_record *r = &g->v.rec[i];
		g->useq[i] = unwrap_next(&seq[r->from_client], r->seq);
		g->uack[i] = (r->flags & TS_TCP_ACK) ? unwrap_next(&ack[r->from_client], r->ack) : 0;
	}
}

static void y_range(struct flow_graph *g, bool dir)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN, win_hi = INT64_MIN;

	for (size_t i = 0; i < g->v.n_rec; i++) {
		const struct ts_segment_record *r = &g->v.rec[i];
		if (r->from_client == dir && kind_of(r) != MK_NONE) {
			lo = g->useq[i] < lo ? g->useq[i] : lo;
			int64_t end = g->useq[i] + seq_space(r);
			hi = end > hi ? end : hi;
		} else if (r->from_client != dir && (r->flags & TS_TCP_ACK)) {
			lo = g->uack[i] < lo ? g->uack[i] : lo;
			hi = g->uack[i] > hi ? g->uack[i] : hi;
			int64_t w = g->uack[i] + r->window;
			win_hi = w > win_hi ? w : win_hi;
		}
	}
	if (lo > hi)
		lo = hi = 0;
	/* Show the window edge, but not at the price of flattening the data:
	 * at most half the data range above it (the line is cut there). */
	int64_t room = (hi - lo) / 2 + 1;
	g->win_cut = win_hi > hi + room ? win_hi : 0;
	if (win_hi > hi)
		hi = win_hi < hi + room ? win_hi : hi + room;
	int64_t pad = (hi - lo) / 30 + 1;
	g->y = (struct ts_html_scale){ (double)(lo - pad), (double)(hi + pad), g->box.bottom, g->box.top };
}

static void stall_shading(struct flow_graph *g)
{
	const struct ts_flow *f = g->f;
	int labels = 0;

	for (unsigned i = 0; i < f->n_anomalies; i++) {
		const struct ts_anomaly *a = &f->anomalies[i];
		if (!a->has_duration)
			continue;
		int64_t s = ts_timespec_ns(&a->ts);
		long x0 = ts_html_px(&g->x, t_sec(g, s));
		long x1 = ts_html_px(&g->x, t_sec(g, s + ts_timespec_ns(&a->duration)));
		fprintf(g->o, "<rect class=\"stall\" x=\"%ld\" y=\"%d\" width=\"%ld\" height=\"%d\"><title>%s: %.3f s"
		        "</title></rect>\n", x0, g->box.top, x1 - x0 < 2 ? 2 : x1 - x0, g->box.bottom - g->box.top,
		        ts_anomaly_info(a->code)->code, ts_timespec_sec(&a->duration));
		/* Name it inside the shading when there is room, one line per stall. */
		if (x1 - x0 > 160 && labels < 4)
			fprintf(g->o, "<text class=\"stl\" x=\"%ld\" y=\"%d\">%s %.1f s</text>\n", x0 + 6,
			        g->box.top + 14 + 13 * labels++, ts_anomaly_info(a->code)->code,
			        ts_timespec_sec(&a->duration));
		g->marks++;
	}
}

/* The ACK line (or, with window, the advertised window edge) of the side
 * that receives dir's data, as a step line with one point per column. */
static void ack_line(struct flow_graph *g, bool dir, bool window)
{
	size_t col = SIZE_MAX;
	int64_t pend = 0;
	long pend_x = 0;
	bool have = false, drawn = false;
	FILE *o = g->o;

	fprintf(o, "<path class=\"%s\" d=\"", window ? "win" : "ack");
	for (size_t i = 0; i <= g->v.n_rec; i++) {
		const struct ts_segment_record *r = i < g->v.n_rec ? &g->v.rec[i] : NULL;
		if (r && (r->from_client == dir || !(r->flags & TS_TCP_ACK)))
			continue;
		long x = r ? ts_html_px(&g->x, t_sec(g, r->ts_ns)) : 0;
		int64_t val = r ? g->uack[i] + (window ? r->window : 0) : 0;
		if (r && have && column_of(g, x) == col) {
			pend = val > pend ? val : pend;
			continue;
		}
		if (have) {
			bool visible = !window || (double)pend <= g->y.hi;
			long y = ts_html_px(&g->y, (double)pend);
			if (visible && drawn)
				fprintf(o, "H%ldV%ld", pend_x, y);
			else if (visible)
				fprintf(o, "M%ld %ld", pend_x, y);
			drawn = visible;
			g->marks++;
		}
		if (!r)
			break;
		have = true;
		col = column_of(g, x);
		pend = val;
		pend_x = x;
	}
	/* Carry the last value to the end of the plot: it held until then. */
	if (drawn)
		fprintf(o, "H%d", g->box.right);
	fputs("\"/>\n", o);
}

static void bar(FILE *o, long x, long ylo, long yhi)
{
	if (ylo - yhi < 2)
		yhi = ylo - 2;
	fprintf(o, "M%ld %ldV%ld", x, ylo, yhi);
}

/* Bars of one kind from dir's records: merged per pixel column into one
 * path, or one element per segment. Returns the segments drawn. */
static size_t bars(struct flow_graph *g, bool dir, enum mark_kind kind, bool merge, size_t *n_marks)
{
	FILE *o = g->o;
	size_t col = SIZE_MAX, segs = 0, marks = 0;
	int64_t lo = 0, hi = 0;
	long gx = 0;

	if (merge)
		fprintf(o, "<path class=\"%s\" d=\"", kind_class[kind]);
	for (size_t i = 0; i < g->v.n_rec; i++) {
		const struct ts_segment_record *r = &g->v.rec[i];
		if (r->from_client != dir || kind_of(r) != kind)
			continue;
		segs++;
		long x = ts_html_px(&g->x, t_sec(g, r->ts_ns));
		int64_t s = g->useq[i], e = g->useq[i] + (seq_space(r) ? seq_space(r) : 1);
		if (!merge) {
			fprintf(o, "<path class=\"%s\" d=\"", kind_class[kind]);
			bar(o, x, ts_html_px(&g->y, (double)s), ts_html_px(&g->y, (double)e));
			fputs("\"/>\n", o);
			marks++;
			continue;
		}
		if (column_of(g, x) == col) {
			lo = s < lo ? s : lo;
			hi = e > hi ? e : hi;
			continue;
		}
		if (col != SIZE_MAX) {
			bar(o, gx, ts_html_px(&g->y, (double)lo), ts_html_px(&g->y, (double)hi));
			marks++;
		}
		col = column_of(g, x);
		gx = x;
		lo = s;
		hi = e;
	}
	if (merge) {
		if (col != SIZE_MAX) {
			bar(o, gx, ts_html_px(&g->y, (double)lo), ts_html_px(&g->y, (double)hi));
			marks++;
		}
		fputs("\"/>\n", o);
	}
	g->marks += marks;
	*n_marks = marks;
	return segs;
}

static void rst_mark(FILE *o, long x, long y)
{
	fprintf(o, "<path class=\"rst\" d=\"M%ld %ldl8 8m0 -8l-8 8\"/>\n", x - 4, y - 4);
}

/* SYN, FIN and RST of dir at their sequence numbers; the peer's RST at its ACK. */
static void control_marks(struct flow_graph *g, bool dir)
{
	FILE *o = g->o;

	for (size_t i = 0; i < g->v.n_rec; i++) {
		const struct ts_segment_record *r = &g->v.rec[i];
		long x = ts_html_px(&g->x, t_sec(g, r->ts_ns));
		if (r->from_client != dir) {
			if ((r->flags & TS_TCP_RST) && (r->flags & TS_TCP_ACK)) {
				rst_mark(o, x, ts_html_px(&g->y, (double)g->uack[i]));
				g->marks++;
			}
			continue;
		}
		if (r->flags & TS_TCP_SYN)
			fprintf(o, "<circle class=\"syn\" cx=\"%ld\" cy=\"%ld\" r=\"4\"/>\n", x,
			        ts_html_px(&g->y, (double)g->useq[i]));
		if (r->flags & TS_TCP_FIN)
			fprintf(o, "<rect class=\"fin\" x=\"%ld\" y=\"%ld\" width=\"6\" height=\"6\"/>\n", x - 3,
			        ts_html_px(&g->y, (double)(g->useq[i] + r->len)) - 3);
		if (r->flags & TS_TCP_RST)
			rst_mark(o, x, ts_html_px(&g->y, (double)g->useq[i]));
		g->marks += !!(r->flags & (TS_TCP_SYN | TS_TCP_FIN | TS_TCP_RST));
	}
}

static void endpoint_pair(const struct ts_flow *f, bool dir, char *buf, size_t len)
{
	char a[80], b[80];

	ts_flow_format_endpoint(f, dir, a, sizeof(a));
	ts_flow_format_endpoint(f, !dir, b, sizeof(b));
	snprintf(buf, len, "%s > %s", a, b);
}

static void tsg(struct flow_graph *g, bool dir, size_t limit)
{
	FILE *o = g->o;
	char who[200];
	size_t n_notable = 0, drawn[5] = { 0 }, segs[5] = { 0 };

	g->box = (struct ts_html_box){ 820, 345, 72, 805, 26, 296 };
	g->x = (struct ts_html_scale){ 0.0, t_sec(g, g->t1_ns), g->box.left, g->box.right };
	y_range(g, dir);
	/* Data, ACK and window lines each take at most one mark per column. */
	g->columns = limit / 3;
	if (g->columns > (size_t)(g->box.right - g->box.left))
		g->columns = (size_t)(g->box.right - g->box.left);
	if (g->columns < 50)
		g->columns = 50;
	for (size_t i = 0; i < g->v.n_rec; i++)
		n_notable += g->v.rec[i].from_client == dir && kind_of(&g->v.rec[i]) > MK_DATA;
	bool merge_notable = n_notable > NOTABLE_MARKS_MAX;

	endpoint_pair(g->f, dir, who, sizeof(who));
	fprintf(o, "<div class=\"row\"><svg class=\"tsg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	        "role=\"img\" aria-label=\"time-sequence graph\">\n<text class=\"ttl\" x=\"%d\" y=\"16\">%s data: ",
	        g->box.width, g->box.height, g->box.width, g->box.height, g->box.left,
	        dir ? "client&rarr;server" : "server&rarr;client");
	ts_html_escape(o, who);
	fputs("</text>\n", o);
	stall_shading(g);
	ts_html_axes(o, &g->box, &g->x, &g->y, "time since the flow's first packet (s)",
	             "sequence offset (bytes from ISN)", TS_HTML_UNIT_SI);
	ack_line(g, dir, true);
	ack_line(g, dir, false);
	segs[MK_DATA] = bars(g, dir, MK_DATA, true, &drawn[MK_DATA]);
	for (int k = MK_RETX; k <= MK_PROBE; k++)
		segs[k] = bars(g, dir, (enum mark_kind)k, merge_notable, &drawn[k]);
	control_marks(g, dir);
	fputs("</svg>\n<div class=\"side\">\n", o);

	struct ts_html_dir_data dd = { &g->v, g->useq, dir, g->t0_ns, g->t1_ns };
	ts_html_throughput_plot(o, &dd);
	ts_html_rtt_plot(o, &dd);
	fputs("</div></div>\n", o);

	fprintf(o, "<p class=\"note\">%s: %zu data segment%s drawn as %zu bar%s", dir ? "client&rarr;server" :
	        "server&rarr;client", segs[MK_DATA], segs[MK_DATA] == 1 ? "" : "s", drawn[MK_DATA],
	        drawn[MK_DATA] == 1 ? "" : "s");
	if (drawn[MK_DATA] < segs[MK_DATA])
		fprintf(o, " (merged per pixel column, %zu columns)", g->columns);
	fprintf(o, "; %zu retransmissions, %zu out of order, %zu probes", segs[MK_RETX], segs[MK_OOO],
	        segs[MK_PROBE]);
	if (merge_notable)
		fputs(" (merged per pixel column)", o);
	if (g->win_cut)
		fprintf(o, "; the advertised window edge reaches %lld bytes, above the graph", (long long)g->win_cut);
	fputs(".</p>\n", o);
}

static void flow_heading(FILE *o, const struct ts_flow *f)
{
	char a[80], b[80], msg[1024];

	ts_flow_format_endpoint(f, true, a, sizeof(a));
	ts_flow_format_endpoint(f, false, b, sizeof(b));
	fprintf(o, "<section class=\"flow\" id=\"flow-%llu\">\n<h3>#%llu ", (unsigned long long)f->id,
	        (unsigned long long)f->id);
	ts_html_escape(o, a);
	fputs(" &rarr; ", o);
	ts_html_escape(o, b);
	fprintf(o, "</h3>\n<p class=\"note\">client %s, server %s, handshake %s, %.6f s</p>\n",
	        ts_tcp_state_name(f->cli.state), ts_tcp_state_name(f->srv.state), ts_handshake_name(f->handshake),
	        (double)(ts_timespec_ns(&f->last) - ts_timespec_ns(&f->first)) / TS_NSEC_PER_SEC);
	for (unsigned i = 0; i < f->n_anomalies; i++) {
		struct ts_report_anomaly ra = { f, &f->anomalies[i] };
		ts_anomaly_message(&ra, msg, sizeof(msg));
		fprintf(o, "<p class=\"note\"><span class=\"sev sev%u\">%s</span> %s: ", f->anomalies[i].severity,
		        ts_severity_name(f->anomalies[i].severity), ts_anomaly_info(f->anomalies[i].code)->code);
		ts_html_escape(o, msg);
		fputs("</p>\n", o);
	}
}

static int64_t time_end(const struct flow_graph *g)
{
	int64_t t1 = ts_timespec_ns(&g->f->last);

	for (unsigned i = 0; i < g->f->n_anomalies; i++) {
		const struct ts_anomaly *a = &g->f->anomalies[i];
		if (a->has_duration) {
			int64_t e = ts_timespec_ns(&a->ts) + ts_timespec_ns(&a->duration);
			t1 = e > t1 ? e : t1;
		}
	}
	if (g->v.n_rec && g->v.rec[g->v.n_rec - 1].ts_ns > t1)
		t1 = g->v.rec[g->v.n_rec - 1].ts_ns;
	return t1 > g->t0_ns ? t1 : g->t0_ns + TS_NSEC_PER_MSEC; /* at least 1 ms */
}

static void log_note(FILE *o, const struct ts_segment_flow_view *v)
{
	fprintf(o, "<p class=\"note\">Segment log: %llu segments seen, %zu kept", (unsigned long long)v->seen,
	        v->n_rec);
	if (v->stride > 1)
		fprintf(o, " (decimated: at most every %u%s plain segment or ACK kept; retransmissions, out-of-order "
		        "segments, SYN, FIN and RST all kept)", v->stride, v->stride == 2 ? "nd" : "th");
	if (v->notable_capped)
		fputs("; the per-flow cap on retransmissions and control segments was reached", o);
	if (v->dropped && !v->notable_capped)
		fprintf(o, "; %llu not kept for lack of memory", (unsigned long long)v->dropped);
	fputs(".</p>\n", o);
}

size_t ts_html_flow_graphs(FILE *o, const struct ts_flow *f, const struct ts_segment_log *log, size_t mark_limit)
{
	struct flow_graph g = { .o = o, .f = f, .t0_ns = ts_timespec_ns(&f->first) };
	bool data[2] = { false, false };

	flow_heading(o, f);
	if (ts_segment_log_view(log, f->id, &g.v) < 0 || !g.v.n_rec) {
		fputs("<p class=\"note\">No segments were recorded for this flow.</p>\n</section>\n", o);
		return 0;
	}
	g.useq = malloc(g.v.n_rec * sizeof(*g.useq));
	g.uack = malloc(g.v.n_rec * sizeof(*g.uack));
	if (!g.useq || !g.uack) {
		fputs("<p class=\"note\">Out of memory while drawing this flow.</p>\n</section>\n", o);
		free(g.useq);
		free(g.uack);
		return 0;
	}
	unwrap_all(&g);
	g.t1_ns = time_end(&g);
	for (size_t i = 0; i < g.v.n_rec; i++) {
		const struct ts_segment_record *r = &g.v.rec[i];
		data[r->from_client] |= r->len > 0 || r->retransmission;
	}
	/* Directions that carried data (or resent something); else the one that
	 * sent first, so a handshake or a reset still has its picture. */
	int n_dirs = data[1] + data[0];
	if (!n_dirs) {
		data[g.v.rec[0].from_client] = true;
		n_dirs = 1;
	}
	log_note(o, &g.v);
	for (int d = 1; d >= 0; d--)
		if (data[d])
			tsg(&g, d, mark_limit / (size_t)n_dirs);
	fputs("</section>\n", o);
	free(g.useq);
	free(g.uack);
	return g.marks;
}
