/* \summary: text reporter for a person: header, hosts, anomalies, flows, top retransmitters */
#include "report_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly_groups.h"
#include "text_table.h"
#include "text_wrap.h"
#include "tcpscope/report.h"
#include "tcpscope/version.h"
#include "tcpscope/units.h"

#define TS_TEXT_MAX_HOSTS 20
#define TS_TEXT_SCREENFUL 40

/* Only when fragments were seen: what reassembly made of them. */
static void text_fragments(FILE *o, const struct ts_reasm_stats *st)
{
	const char *key, *text;
	uint64_t v;

	if (!ts_reasm_stats_any(st))
		return;
	fprintf(o, "  %-9s %llu received", "fragments", (unsigned long long)st->fragments);
	for (unsigned i = 0; ts_reasm_stat(st, i, &key, &text, &v); i++)
		if (v)
			fprintf(o, ", %llu %s", (unsigned long long)v, text);
	putc('\n', o);
}

static const char *sev_color(int sev)
{
	return sev <= TS_SEV_ERR ? "\033[1;31m" : sev == TS_SEV_WARNING ? "\033[33m"
	                                        : sev == TS_SEV_NOTICE ? "\033[36m" : "";
}

static void fmt_u(char *b, size_t n, uint64_t v) { snprintf(b, n, "%llu", (unsigned long long)v); }

/* A file name may hold anything: control bytes are shown as \xNN, never sent
 * to the terminal. */
static void put_safe(FILE *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(o, "\\x%02x", *p);
		else
			putc(*p, o);
	}
}

static void header(FILE *o, const struct ts_report_input *in)
{
	const struct ts_analyzer *an = in->an;
	const struct ts_decode_stats *d = &an->dec;
	char t1[48], t2[48];

	fprintf(o, "tcpscope %s\n", ts_version());
	for (size_t i = 0; i < in->n_inputs; i++) {
		fprintf(o, "  %-9s ", i ? "" : "input");
		put_safe(o, in->inputs[i]);
		putc('\n', o);
	}
	if (an->have_ts) {
		ts_format_time(&an->first, t1, sizeof(t1));
		ts_format_time(&an->last, t2, sizeof(t2));
		fprintf(o, "  %-9s %s .. %s (%.3f s)\n", "time", t1, t2,
		        ts_timespec_sec(&an->last) - ts_timespec_sec(&an->first));
	}
	fprintf(o, "  %-9s %llu (%llu TCP), %llu bytes\n", "packets", (unsigned long long)d->packets,
	        (unsigned long long)d->tcp_segments, (unsigned long long)d->bytes);
	fprintf(o, "  %-9s ", "decode");
	bool any = false;
	for (int r = 1; r < TS_DR_COUNT; r++) {
		if (!d->reason[r])
			continue;
		fprintf(o, "%s%s %llu", any ? ", " : "", ts_decode_reason_name((enum ts_decode_reason)r),
		        (unsigned long long)d->reason[r]);
		any = true;
	}
	for (unsigned b = 0; b < TS_DE_COUNT_BITS; b++) {
		if (!d->event[b])
			continue;
		fprintf(o, "%s%s %llu", any ? ", " : "", ts_decode_event_name(b), (unsigned long long)d->event[b]);
		any = true;
	}
	fputs(any ? "\n" : "no errors\n", o);
	any = false;
	for (unsigned e = 0; e < TS_ENC_COUNT; e++) {
		if (!d->encap[e])
			continue;
		fprintf(o, "%s%s %llu", any ? ", " : "  encaps    ", ts_encap_name(e), (unsigned long long)d->encap[e]);
		any = true;
	}
	if (any)
		putc('\n', o);
	if (d->first_unsupported_dlt >= 0)
		fprintf(o, "  %-9s link type %s is not supported\n", "", ts_linktype_name(d->first_unsupported_dlt));
	text_fragments(o, &an->reasm.st);
	if (in->cap.live)
		fprintf(o, "  %-9s %llu dropped by the kernel, %llu by the interface\n", "capture",
		        (unsigned long long)in->cap.dropped, (unsigned long long)in->cap.if_dropped);
	const struct ts_flow_table *t = &an->flows;
	fprintf(o, "  %-9s %zu (port reuse %llu, evicted %llu)\n", "flows", in->n_flows,
	        (unsigned long long)t->port_reuse,
	        (unsigned long long)(t->evicted_closed + t->evicted_open + t->evicted_idle));
	if (t->unlisted)
		fprintf(o, "  %-9s %llu more finished flows were not kept (--max-flows)\n", "",
		        (unsigned long long)t->unlisted);
	if (in->cap.bad_records)
		fprintf(o, "  %-9s %llu records skipped\n", "input", (unsigned long long)in->cap.bad_records);
	if (in->syslog_target)
		fprintf(o, "  %-9s %s, %llu message%s not delivered\n", "syslog",
		        in->syslog_target[0] ? in->syslog_target : "/dev/log",
		        (unsigned long long)in->syslog_failures, in->syslog_failures == 1 ? "" : "s");
	if (in->error) {
		fprintf(o, "  %-9s ", in->truncated ? "TRUNCATED" : "ERROR");
		put_safe(o, in->error);
		putc('\n', o);
	}
	if (in->interrupted)
		fprintf(o, "  %-9s by %s: the report covers only the packets read before it\n", "INTERRUPTED",
		        in->interrupted);
}

static void states_text(char *b, size_t n, const uint64_t states[TS_ST_COUNT])
{
	size_t off = 0;
	b[0] = '\0';
	for (int s = 0; s < TS_ST_COUNT && off < n; s++)
		if (states[s])
			off += (size_t)snprintf(b + off, n - off, "%s%s %llu", off ? ", " : "",
			                        ts_tcp_state_name((enum ts_tcp_state)s), (unsigned long long)states[s]);
}

/* The busiest hosts first: most connections, then the first seen. */
static int by_activity(const void *x, const void *y)
{
	const struct ts_host *a = *(const struct ts_host *const *)x, *b = *(const struct ts_host *const *)y;
	if (a->connections != b->connections)
		return a->connections > b->connections ? -1 : 1;
	return a->first_seen < b->first_seen ? -1 : a->first_seen > b->first_seen;
}

static void hosts(FILE *o, const struct ts_report_input *in)
{
	struct ts_text_table t;
	static const char *const head[] = { "HOST", "ACTIVE", "PASSIVE", "FAILED", "RESETS", "CURRENT",
		                            "SEGS_IN", "SEGS_OUT", "RETRANS", "RETR%", "STATES" };

	fprintf(o, "\nHosts (netstat -s view: opens, failed attempts, resets, segments)\n");
	if (!in->n_hosts) {
		fputs("  none\n", o);
		return;
	}
	struct ts_host **v = malloc(in->n_hosts * sizeof(*v));
	if (!v)
		return;
	memcpy(v, in->hosts, in->n_hosts * sizeof(*v));
	qsort(v, in->n_hosts, sizeof(*v), by_activity);
	ts_table_init(&t, 11);
	for (int c = 1; c <= 9; c++)
		t.right[c] = true;
	ts_table_row(&t, head);
	size_t shown = in->n_hosts < TS_TEXT_MAX_HOSTS ? in->n_hosts : TS_TEXT_MAX_HOSTS;
	for (size_t i = 0; i < shown; i++) {
		const struct ts_host *h = v[i];
		char c[11][160];
		ts_format_addr(h->af, h->addr, c[0], sizeof(c[0]));
		fmt_u(c[1], 160, h->active_opens);
		fmt_u(c[2], 160, h->passive_opens);
		fmt_u(c[3], 160, h->failed_attempts);
		fmt_u(c[4], 160, h->resets);
		fmt_u(c[5], 160, h->current);
		fmt_u(c[6], 160, h->segments_received);
		fmt_u(c[7], 160, h->segments_sent);
		fmt_u(c[8], 160, h->segments_retransmitted);
		snprintf(c[9], 160, "%.2f", ts_host_retrans_pct(h));
		states_text(c[10], 160, h->states);
		const char *row[11];
		for (int k = 0; k < 11; k++)
			row[k] = c[k];
		ts_table_row(&t, row);
	}
	ts_table_print(&t, o, "  ");
	ts_table_free(&t);
	free(v);
	if (in->n_hosts > shown)
		fprintf(o, "  ... %zu more hosts, busiest first above (--host ADDR, or --format json for all)\n",
		        in->n_hosts - shown);
}

/* Continuation lines of an anomaly start under its code. */
#define TS_TEXT_ANOMALY_INDENT 11
#define TS_TEXT_GROUP_EXAMPLES 3

/* The columns of one anomaly line, then its message wrapped to the width. */
static void anomaly_line(FILE *o, const struct ts_report_opts *opt, unsigned width, int code_width, int severity,
                         const char *code, const char *where, const char *dur, const char *msg)
{
	char cols[160];
	const char *sev = ts_severity_name((enum ts_severity)severity);
	int n = snprintf(cols, sizeof(cols), "  %-*s  %-6s  %-7s  ", code_width, code, where, dur);

	size_t col = 9 + (n > 0 ? (size_t)n : 0);

	fprintf(o, "  %s%-7s%s", opt->color ? sev_color(severity) : "", sev, opt->color ? "\033[0m" : "");
	/* A narrow terminal: the sentence starts on the next line, and this one
	 * ends without the padding. */
	if (col + TS_WRAP_MIN_TEXT > width) {
		for (size_t k = strlen(cols); k && cols[k - 1] == ' '; k--)
			cols[k - 1] = '\0';
		fprintf(o, "%s\n%*s", cols, TS_TEXT_ANOMALY_INDENT, "");
		col = TS_TEXT_ANOMALY_INDENT;
	} else {
		fputs(cols, o);
	}
	ts_wrap_write(o, col, msg, width, TS_TEXT_ANOMALY_INDENT);
}

static void single_anomaly(FILE *o, const struct ts_report_input *in, size_t i, const struct ts_report_opts *opt,
                           unsigned width, int code_width)
{
	struct ts_report_anomaly ra = ts_report_anomaly(in, i);
	char msg[1024], flow[24], dur[32];

	ts_anomaly_message(&ra, msg, sizeof(msg));
	if (ra.flow)
		snprintf(flow, sizeof(flow), "#%llu", (unsigned long long)ra.flow->id);
	else
		snprintf(flow, sizeof(flow), "host");
	if (ra.a->has_duration)
		snprintf(dur, sizeof(dur), "%.1fs", ts_timespec_sec(&ra.a->duration));
	else
		snprintf(dur, sizeof(dur), "-");
	anomaly_line(o, opt, width, code_width, ra.a->severity, ts_anomaly_info(ra.a->code)->code, flow, dur, msg);
}

/* "e.g. #3 10.0.0.5:40000 > 10.0.0.9:3: client sent 1 SYNs without an
 * answer": one member of a group, under its line. */
static void group_example(FILE *o, const struct ts_report_input *in, size_t pos, unsigned width)
{
	struct ts_report_anomaly ra = ts_report_anomaly(in, pos);
	char ex[700], who[160], cli[80], srv[80], figures[512];
	unsigned long long id = (unsigned long long)ra.flow->id;

	ts_flow_format_endpoint(ra.flow, true, cli, sizeof(cli));
	ts_flow_format_endpoint(ra.flow, false, srv, sizeof(srv));
	ts_anomaly_subject(&ra, who, sizeof(who));
	ts_anomaly_specifics(&ra, figures, sizeof(figures));
	/* The figures, unless the finding has none beyond who it is; the
	 * addresses are on the line already, so the role stands for them. */
	size_t wl = strlen(who);
	const char *role = ra.a->endpoint == TS_EP_CLIENT ? "client" : ra.a->endpoint == TS_EP_SERVER ? "server" : NULL;
	if (!strcmp(figures, who))
		snprintf(ex, sizeof(ex), "e.g. #%llu %s > %s", id, cli, srv);
	else if (role && !strncmp(figures, who, wl))
		snprintf(ex, sizeof(ex), "e.g. #%llu %s > %s: %s%s", id, cli, srv, role, figures + wl);
	else
		snprintf(ex, sizeof(ex), "e.g. #%llu %s > %s: %s", id, cli, srv, figures);
	fprintf(o, "%*s", TS_TEXT_ANOMALY_INDENT, "");
	ts_wrap_write(o, TS_TEXT_ANOMALY_INDENT, ex, width, TS_TEXT_ANOMALY_INDENT + 5);
}

/* One line for a group of alike findings, a few of them as examples, and
 * where to find the others. */
static void grouped_anomalies(FILE *o, const struct ts_report_input *in, const struct ts_anomaly_groups *g,
                              const struct ts_anomaly_group *gr, const struct ts_report_opts *opt,
                              unsigned width, int code_width)
{
	const struct ts_group_item *lead = ts_anomaly_group_item(g, gr, 0);
	const struct ts_anomaly_info *info = ts_anomaly_info((enum ts_anomaly_code)lead->code);
	char msg[1536], what[512], t1[48], t2[48], count[24];
	struct timespec first = ts_ns_timespec(gr->first_ns), last = ts_ns_timespec(gr->last_ns);

	ts_anomaly_group_describe(g, gr, what, sizeof(what));
	ts_format_time(&first, t1, sizeof(t1));
	ts_format_time(&last, t2, sizeof(t2));
	snprintf(msg, sizeof(msg), "%s, first %s, last %s. %s", what, t1, t2, info->explanation);
	snprintf(count, sizeof(count), "x%zu", gr->count);
	anomaly_line(o, opt, width, code_width, lead->severity, info->code, count, "-", msg);
	/* One more example takes the line "and 1 more" would. */
	size_t shown = gr->count <= TS_TEXT_GROUP_EXAMPLES + 1 ? gr->count : TS_TEXT_GROUP_EXAMPLES;
	for (size_t k = 0; k < shown; k++)
		group_example(o, in, ts_anomaly_group_item(g, gr, k)->pos, width);
	if (gr->count > shown) {
		snprintf(msg, sizeof(msg), "... and %zu more (--all-anomalies or --format json lists each)",
		         gr->count - shown);
		fprintf(o, "%*s", TS_TEXT_ANOMALY_INDENT, "");
		ts_wrap_write(o, TS_TEXT_ANOMALY_INDENT, msg, width, TS_TEXT_ANOMALY_INDENT + 4);
	}
}

static void anomalies(FILE *o, const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	struct ts_anomaly_groups g;
	unsigned width = opt->width ? opt->width : ts_term_width(o);
	size_t n = 0;
	int code_width = 4;

	for (size_t i = 0; i < in->n_anomalies; i++) {
		if (in->anomalies[i].severity > opt->min_severity)
			continue;
		n++;
		int w = (int)strlen(ts_anomaly_info(in->anomalies[i].code)->code);
		code_width = w > code_width ? w : code_width;
	}
	/* Without memory for the groups every finding is listed: nothing is lost. */
	if (opt->all_anomalies || ts_anomaly_groups_build(&g, in, opt->min_severity, TS_GROUP_MIN) < 0)
		memset(&g, 0, sizeof(g));
	if (g.n_groups)
		fprintf(o, "\nAnomalies (%zu; %llu alike ones in %zu group%s, --all-anomalies lists each)\n", n,
		        (unsigned long long)g.grouped, g.n_groups, g.n_groups == 1 ? "" : "s");
	else
		fprintf(o, "\nAnomalies (%zu)\n", n);
	if (!n)
		fputs("  none\n", o);
	for (size_t i = 0; n && i < in->n_anomalies; i++) {
		if (in->anomalies[i].severity > opt->min_severity)
			continue;
		bool leads;
		const struct ts_anomaly_group *gr = ts_anomaly_group_of(&g, i, &leads);
		if (!gr)
			single_anomaly(o, in, i, opt, width, code_width);
		else if (leads)
			grouped_anomalies(o, in, &g, gr, opt, width, code_width);
	}
	ts_anomaly_groups_free(&g);
}

static void retx_cell(char *b, size_t n, const struct ts_endpoint *e)
{
	if (!e->st.data_segments)
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%llu/%llu %.2f%%", (unsigned long long)e->st.retrans_segments,
		         (unsigned long long)e->st.data_segments, ts_pct(e->st.retrans_segments, e->st.data_segments));
}

/* Handshake RTT split at the capture point: SYN to SYN-ACK + SYN-ACK to ACK, ms. */
static void rtt_cell(char *b, size_t n, const struct ts_flow *f)
{
	if (!f->has_syn_ts || !f->has_synack_ts) {
		snprintf(b, n, "-");
		return;
	}
	double a = (double)(f->synack_ns - f->syn_ns) / TS_NSEC_PER_MSEC;
	int k;
	if (f->has_ack_ts)
		k = snprintf(b, n, "%.3f+%.3f", a, (double)(f->ack_ns - f->synack_ns) / TS_NSEC_PER_MSEC);
	else
		k = snprintf(b, n, "%.3f+-", a);
	/* the RTT is the answered SYN's; the resends before it are counted */
	if (f->cli.syn_count > 1 && k > 0 && (size_t)k < n)
		snprintf(b + k, n - (size_t)k, " (%u SYN resent)", f->cli.syn_count - 1);
}

/* Window scale of each side and whether both allow SACK. */
static void opts_cell(char *b, size_t n, const struct ts_flow *f)
{
	char c[8] = "-", s[8] = "-";

	if (!f->cli.syn_seen && !f->srv.syn_seen) {
		snprintf(b, n, "-");
		return;
	}
	if (f->cli.has_wscale)
		snprintf(c, sizeof(c), "%u", f->cli.wscale);
	if (f->srv.has_wscale)
		snprintf(s, sizeof(s), "%u", f->srv.wscale);
	snprintf(b, n, "ws %s/%s%s", c, s, f->cli.sack_permitted && f->srv.sack_permitted ? " sack" : "");
}

/* The server, and the outer context that tells this flow from its namesakes. */
static void server_cell(char *b, size_t n, const struct ts_flow *f, const struct ts_ctx_table *ctx)
{
	size_t off = ts_flow_format_endpoint(f, false, b, n);
	const struct ts_ctx_entry *e = ts_ctx_peek(ctx, ts_flow_key_ctx(&f->key));

	if (e && off + 2 < n) {
		b[off++] = ' ';
		ts_ctx_format(e, b + off, n - off);
	}
}

static void flow_row(struct ts_text_table *t, const struct ts_flow *f, const struct ts_ctx_table *ctx)
{
	char c[13][200];
	const char *row[13];

	snprintf(c[0], 200, "#%llu", (unsigned long long)f->id);
	ts_flow_format_endpoint(f, true, c[1], 200);
	server_cell(c[2], 200, f, ctx);
	snprintf(c[3], 200, "%s", ts_tcp_state_name(f->cli.state));
	snprintf(c[4], 200, "%s", ts_tcp_state_name(f->srv.state));
	snprintf(c[5], 200, "%s", ts_handshake_name(f->handshake));
	rtt_cell(c[6], 200, f);
	opts_cell(c[7], 200, f);
	if (ts_flow_effective_mss(f))
		snprintf(c[8], 200, "%u", ts_flow_effective_mss(f));
	else
		snprintf(c[8], 200, "-"); /* no SYN seen: unknown */
	snprintf(c[9], 200, "%llu", (unsigned long long)(f->cli.st.packets + f->srv.st.packets));
	retx_cell(c[10], 200, &f->cli);
	retx_cell(c[11], 200, &f->srv);
	size_t off = 0;
	snprintf(c[12], 200, "-");
	for (unsigned i = 0; i < f->n_anomalies && off < 200; i++) {
		const struct ts_anomaly *a = &f->anomalies[i];
		off += (size_t)snprintf(c[12] + off, 200 - off, "%s%s", i ? "," : "", ts_anomaly_info(a->code)->code);
		/* a stall says how long it lasted */
		if (a->has_duration && off < 200)
			off += (size_t)snprintf(c[12] + off, 200 - off, "(%.1fs)", ts_timespec_sec(&a->duration));
	}
	for (int k = 0; k < 13; k++)
		row[k] = c[k];
	ts_table_row(t, row);
}

static void flows(FILE *o, const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	static const char *const head[] = { "ID", "CLIENT", "SERVER", "CLIENT_STATE", "SERVER_STATE",
		                            "HANDSHAKE", "HS_RTT_MS", "OPTIONS", "MSS", "PKTS", "RETX_C2S",
		                            "RETX_S2C", "ANOMALIES" };
	bool only_anomalous = opt->flows == TS_FLOWS_ANOMALOUS ||
	                      (opt->flows == TS_FLOWS_AUTO && in->n_flows > TS_TEXT_SCREENFUL);
	struct ts_text_table t;
	size_t shown = 0;

	ts_table_init(&t, 13);
	t.right[8] = t.right[9] = true;
	ts_table_row(&t, head);
	for (size_t i = 0; i < in->n_flows; i++) {
		const struct ts_flow *f = ts_report_flow(in, i);
		if (only_anomalous && !ts_flow_is_anomalous(f))
			continue;
		flow_row(&t, f, in->an->ctx);
		shown++;
	}
	fprintf(o, "\nFlows (%zu%s)\n", in->n_flows, only_anomalous ? ", anomalous ones shown" : "");
	if (shown)
		ts_table_print(&t, o, "  ");
	else
		fputs("  none\n", o);
	ts_table_free(&t);
}

static double worst_pct(const struct ts_flow *f)
{
	double a = ts_pct(f->cli.st.retrans_segments, f->cli.st.data_segments);
	double b = ts_pct(f->srv.st.retrans_segments, f->srv.st.data_segments);
	return a > b ? a : b;
}

/* A flow with retransmissions: its worst direction's rate and its place. */
struct retx_rank {
	double pct;
	size_t pos;
};

static int by_worst_pct(const void *x, const void *y)
{
	const struct retx_rank *a = x, *b = y;
	if (a->pct != b->pct)
		return a->pct > b->pct ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos; /* flows are in id order */
}

static void top_retransmitters(FILE *o, const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	struct retx_rank *v = malloc((in->n_flows ? in->n_flows : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return;
	for (size_t i = 0; i < in->n_flows; i++) {
		const struct ts_flow *f = ts_report_flow(in, i);
		if (f->cli.st.retrans_segments || f->srv.st.retrans_segments)
			v[n++] = (struct retx_rank){ worst_pct(f), i };
	}
	if (n) {
		qsort(v, n, sizeof(*v), by_worst_pct);
		fprintf(o, "\nTop flows by retransmission %%\n");
		for (size_t i = 0; i < n && i < opt->top; i++) {
			const struct ts_flow *f = ts_report_flow(in, v[i].pos);
			char cli[80], srv[80], c2s[64], s2c[64];
			ts_flow_format_endpoint(f, true, cli, sizeof(cli));
			ts_flow_format_endpoint(f, false, srv, sizeof(srv));
			retx_cell(c2s, sizeof(c2s), &f->cli);
			retx_cell(s2c, sizeof(s2c), &f->srv);
			fprintf(o, "  #%-5llu %s > %s  c2s %s  s2c %s\n", (unsigned long long)f->id, cli, srv, c2s, s2c);
		}
	}
	free(v);
}

/* Whether the text report says what the capture missed of f: a direction
 * it shows the other side answered, or bytes acknowledged it never held. */
static bool worth_a_visibility_line(const struct ts_flow *f, const struct ts_flow_visibility *v)
{
	return f->one_sided || v->unseen_acked_c2s || v->unseen_acked_s2c;
}

static void visibility_line(FILE *o, const struct ts_flow *f, const struct ts_flow_visibility *v)
{
	const char *sep = "";

	fprintf(o, "  #%-5llu ", (unsigned long long)f->id);
	if (f->one_sided) {
		fprintf(o, "one-sided: no %s packet captured, though the %s acknowledged its packets",
		        v->c2s ? "server" : "client", v->c2s ? "client" : "server");
		sep = "; ";
	}
	if (!v->handshake && !f->midstream) {
		fprintf(o, "%shandshake not fully captured", sep);
		sep = "; ";
	}
	if (v->unseen_acked_c2s)
		fprintf(o, "%s%llu bytes from the client acknowledged, never captured", sep,
		        (unsigned long long)v->unseen_acked_c2s), sep = "; ";
	if (v->unseen_acked_s2c)
		fprintf(o, "%s%llu bytes from the server acknowledged, never captured", sep,
		        (unsigned long long)v->unseen_acked_s2c);
	fputc('\n', o);
}

/* Flows the capture did not fully see, so a reader knows which verdicts
 * rest on half the conversation. Printed only when there are some. */
static void visibility(FILE *o, const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	size_t n = 0, shown = 0;

	for (size_t i = 0; i < in->n_flows; i++) {
		const struct ts_flow *f = ts_report_flow(in, i);
		const struct ts_flow_visibility v = ts_flow_visibility(f);
		if (!worth_a_visibility_line(f, &v))
			continue;
		if (!n++)
			fprintf(o, "\nNot captured (flows the capture saw only in part)\n");
		if (shown < opt->top) {
			visibility_line(o, f, &v);
			shown++;
		}
	}
	if (n > shown)
		fprintf(o, "  ... and %zu more flows (--format json: \"visibility\")\n", n - shown);
}

static int text_write(const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	FILE *o = opt->out;

	header(o, in);
	hosts(o, in);
	anomalies(o, in, opt);
	if (!opt->quiet) {
		flows(o, in, opt);
		visibility(o, in, opt);
		top_retransmitters(o, in, opt);
	}
	return ferror(o) ? -1 : 0;
}

const struct ts_reporter_ops ts_reporter_text = {
	.name = "text",
	.write = text_write,
	.colors = true,
};
