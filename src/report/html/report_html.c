/* \summary: HTML reporter: one self-contained page with summary, hosts, anomalies, flows and graphs */
#include <stdlib.h>

#include "report_html.h"
#include "tcpscope/units.h"
#include "report_html_assets.h"
#include "report_html_flows.h"
#include "report_html_graph.h"
#include "report_html_svg.h"

static void kv_row(FILE *o, const char *key, const char *value)
{
	fprintf(o, "<tr><th>%s</th><td>", key);
	ts_html_escape(o, value);
	fputs("</td></tr>\n", o);
}

static void kv_num(FILE *o, const char *key, unsigned long long v)
{
	fprintf(o, "<tr><th>%s</th><td>%llu</td></tr>\n", key, v);
}

/* Only once fragments were seen, as in the text report. */
static void summary_fragments(FILE *o, const struct ts_reasm_stats *st)
{
	const char *key, *text;
	uint64_t v;

	if (!ts_reasm_stats_any(st))
		return;
	fprintf(o, "<tr><th>IP fragments</th><td>%llu received", (unsigned long long)st->fragments);
	for (unsigned i = 0; ts_reasm_stat(st, i, &key, &text, &v); i++)
		if (v)
			fprintf(o, ", %llu %s", (unsigned long long)v, text);
	fputs("</td></tr>\n", o);
}

static void summary_decode(FILE *o, const struct ts_decode_stats *d)
{
	bool any = false;

	fputs("<tr><th>decode errors</th><td>", o);
	for (int r = 1; r < TS_DR_COUNT; r++) {
		if (!d->reason[r])
			continue;
		fprintf(o, "%s%s %llu", any ? ", " : "", ts_decode_reason_name((enum ts_decode_reason)r),
		        (unsigned long long)d->reason[r]);
		any = true;
	}
	fputs(any ? "" : "none", o);
	any = false;
	for (unsigned b = 0; b < TS_DE_COUNT_BITS; b++) {
		if (!d->event[b])
			continue;
		fprintf(o, "%s%s %llu", any ? ", " : "; events: ", ts_decode_event_name(b),
		        (unsigned long long)d->event[b]);
		any = true;
	}
	if (d->first_unsupported_dlt >= 0) {
		fputs("; unsupported link type ", o);
		ts_html_escape(o, ts_linktype_name(d->first_unsupported_dlt));
	}
	fputs("</td></tr>\n", o);
}

static void summary_states(FILE *o, const struct ts_report_input *in)
{
	const uint64_t *states = in->states;
	bool any = false;

	fputs("<tr><th>endpoint states</th><td>", o);
	for (int s = 0; s < TS_ST_COUNT; s++) {
		if (!states[s])
			continue;
		fprintf(o, "%s%s %llu", any ? ", " : "", ts_tcp_state_name((enum ts_tcp_state)s),
		        (unsigned long long)states[s]);
		any = true;
	}
	fputs(any ? "</td></tr>\n" : "none</td></tr>\n", o);
}

static void summary(FILE *o, const struct ts_report_input *in)
{
	const struct ts_analyzer *an = in->an;
	char a[48], b[48], buf[160];

	fputs("<h2 id=\"summary\">Summary</h2>\n<table class=\"kv\"><tbody>\n", o);
	fputs("<tr><th>input</th><td>", o);
	for (size_t i = 0; i < in->n_inputs; i++) {
		fputs(i ? "<br/>" : "", o);
		ts_html_escape(o, in->inputs[i]);
	}
	fputs(in->n_inputs ? "</td></tr>\n" : "-</td></tr>\n", o);
	if (an->have_ts) {
		ts_format_time(&an->first, a, sizeof(a));
		ts_format_time(&an->last, b, sizeof(b));
		snprintf(buf, sizeof(buf), "%s .. %s (%.3f s)", a, b,
		         (double)(ts_timespec_ns(&an->last) - ts_timespec_ns(&an->first)) / TS_NSEC_PER_SEC);
		kv_row(o, "time span", buf);
	}
	snprintf(buf, sizeof(buf), "%llu (%llu TCP), %llu bytes", (unsigned long long)an->dec.packets,
	         (unsigned long long)an->dec.tcp_segments, (unsigned long long)an->dec.bytes);
	kv_row(o, "packets", buf);
	summary_decode(o, &an->dec);
	summary_fragments(o, &an->reasm.st);
	if (in->error)
		kv_row(o, in->truncated ? "truncated" : "read error", in->error);
	if (in->interrupted)
		kv_row(o, "interrupted", in->interrupted);
	if (in->cap.live) {
		snprintf(buf, sizeof(buf), "%llu by the kernel, %llu by the interface",
		         (unsigned long long)in->cap.dropped, (unsigned long long)in->cap.if_dropped);
		kv_row(o, "capture drops", buf);
	}
	snprintf(buf, sizeof(buf), "%zu (port reuse %llu; evicted: %llu closed, %llu open, %llu idle)", in->n_flows,
	         (unsigned long long)an->flows.port_reuse, (unsigned long long)an->flows.evicted_closed,
	         (unsigned long long)an->flows.evicted_open, (unsigned long long)an->flows.evicted_idle);
	kv_row(o, "flows", buf);
	summary_states(o, in);
	kv_num(o, "anomalies", in->n_anomalies);
	if (in->segments) {
		struct ts_segment_log_stats st;
		ts_segment_log_stats(in->segments, &st);
		snprintf(buf, sizeof(buf), "%llu segments seen, %llu kept for the graphs%s",
		         (unsigned long long)st.events, (unsigned long long)st.kept,
		         st.budget_drops ? " (memory budget reached: later segments were not kept)" : "");
		kv_row(o, "segment log", buf);
	}
	fputs("</tbody></table>\n", o);
}

static void host_row(FILE *o, const struct ts_host *h)
{
	char addr[64];
	bool any = false;

	ts_format_addr(h->af, h->addr, addr, sizeof(addr));
	fputs("<tr><td>", o);
	ts_html_escape(o, addr);
	fprintf(o, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
	        "<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
	        "<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%.2f</td><td>",
	        (unsigned long long)h->connections, (unsigned long long)h->active_opens,
	        (unsigned long long)h->passive_opens, (unsigned long long)h->failed_attempts,
	        (unsigned long long)h->resets, (unsigned long long)h->current,
	        (unsigned long long)h->segments_received, (unsigned long long)h->segments_sent,
	        (unsigned long long)h->segments_retransmitted, ts_host_retrans_pct(h));
	for (int s = 0; s < TS_ST_COUNT; s++) {
		if (!h->states[s])
			continue;
		fprintf(o, "%s%s %llu", any ? ", " : "", ts_tcp_state_name((enum ts_tcp_state)s),
		        (unsigned long long)h->states[s]);
		any = true;
	}
	fputs("</td></tr>\n", o);
}

static void hosts(FILE *o, const struct ts_report_input *in)
{
	size_t n = in->n_hosts < TS_HTML_MAX_HOST_ROWS ? in->n_hosts : TS_HTML_MAX_HOST_ROWS;

	fputs("<h2 id=\"hosts\">Hosts</h2>\n<p class=\"note\">The netstat -s view per host: opens, failed "
	      "attempts, resets, segments in and out (retransmissions excluded, as RFC 1213 counts them), "
	      "retransmitted segments and the states of its endpoints at the end.</p>\n", o);
	if (n < in->n_hosts)
		fprintf(o, "<p class=\"note\">Showing the first %zu of %zu hosts, in order of appearance "
		        "(--host ADDR selects one, --format json lists all).</p>\n", n, in->n_hosts);
	if (!n) {
		fputs("<p>No hosts.</p>\n", o);
		return;
	}
	fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"hosts-table\"><thead><tr><th>host</th><th class=\"n\">connections</th>"
	      "<th class=\"n\">active opens</th><th class=\"n\">passive opens</th><th class=\"n\">failed</th>"
	      "<th class=\"n\">resets</th><th class=\"n\">current</th><th class=\"n\">segs in</th>"
	      "<th class=\"n\">segs out</th><th class=\"n\">retrans</th><th class=\"n\">retrans %</th>"
	      "<th>states</th></tr></thead>\n<tbody>\n", o);
	for (size_t i = 0; i < n; i++)
		host_row(o, in->hosts[i]);
	fputs("</tbody></table></div>\n", o);
}

static bool graphed(const struct ts_flow *f, struct ts_flow *const *order, size_t n_graphs)
{
	for (size_t i = 0; f && i < n_graphs; i++)
		if (order[i]->id == f->id)
			return true;
	return false;
}

static void anomalies(FILE *o, const struct ts_report_input *in, const struct ts_report_opts *opt,
                      struct ts_flow *const *order, size_t n_graphs)
{
	size_t listed = 0, eligible = 0;
	char msg[1024];

	fputs("<h2 id=\"anomalies\">Anomalies</h2>\n", o);
	for (size_t i = 0; i < in->n_anomalies; i++)
		eligible += in->anomalies[i].severity <= opt->min_severity;
	if (!eligible) {
		fputs("<p>No anomalies.</p>\n", o);
		return;
	}
	fputs("<p class=\"note\">Most severe first (RFC 5424 severities).</p>\n", o);
	if (eligible > TS_HTML_MAX_ANOMALY_ROWS)
		fprintf(o, "<p class=\"note\">Showing the %d most severe of %zu anomalies "
		        "(--format json lists all).</p>\n", TS_HTML_MAX_ANOMALY_ROWS, eligible);
	fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"anomalies-table\"><thead><tr><th>severity</th>"
	      "<th>code</th><th class=\"n\">flow</th><th class=\"n\">time (s)</th><th class=\"n\">duration (s)</th>"
	      "<th>message</th></tr></thead>\n<tbody>\n", o);
	for (size_t i = 0; i < in->n_anomalies && listed < TS_HTML_MAX_ANOMALY_ROWS; i++) {
		if (in->anomalies[i].severity > opt->min_severity)
			continue;
		struct ts_report_anomaly found = ts_report_anomaly(in, i);
		const struct ts_report_anomaly *ra = &found;
		const struct ts_anomaly *a = ra->a;
		listed++;
		fprintf(o, "<tr><td data-v=\"%u\"><span class=\"sev sev%u\">%s</span></td><td>%s</td>", a->severity,
		        a->severity, ts_severity_name(a->severity), ts_anomaly_info(a->code)->code);
		if (!ra->flow)
			fputs("<td class=\"n\" data-v=\"0\">host</td>", o);
		else if (graphed(ra->flow, order, n_graphs))
			fprintf(o, "<td class=\"n\" data-v=\"%llu\"><a href=\"#flow-%llu\">%llu</a></td>",
			        (unsigned long long)ra->flow->id, (unsigned long long)ra->flow->id,
			        (unsigned long long)ra->flow->id);
		else
			fprintf(o, "<td class=\"n\">%llu</td>", (unsigned long long)ra->flow->id);
		fprintf(o, "<td class=\"n\">%.6f</td>",
		        (double)(ts_timespec_ns(&a->ts) - ts_timespec_ns(&in->an->first)) / TS_NSEC_PER_SEC);
		if (a->has_duration)
			fprintf(o, "<td class=\"n\">%.3f</td><td>", ts_timespec_sec(&a->duration));
		else
			fputs("<td class=\"n\"></td><td>", o);
		ts_anomaly_message(ra, msg, sizeof(msg));
		ts_html_escape(o, msg);
		fputs("</td></tr>\n", o);
	}
	fputs("</tbody></table></div>\n", o);
}

static void legend(FILE *o)
{
	fputs("<p class=\"legend\"><span><i class=\"data\"></i>data segment (seq to seq+len)</span>"
	      "<span><i class=\"retx\"></i>retransmission</span><span><i class=\"ooo\"></i>out of order</span>"
	      "<span><i class=\"probe\"></i>keep-alive / window probe</span>"
	      "<span><i class=\"ack\"></i>ACK of the other side</span>"
	      "<span><i class=\"win\"></i>advertised window (ACK + window)</span>"
	      "<span><i class=\"syn\"></i>SYN</span><span><i class=\"fin\"></i>FIN</span>"
	      "<span><i class=\"rst\"></i>RST</span><span><i class=\"stall\"></i>stall</span></p>\n", o);
}

static void graphs(FILE *o, const struct ts_report_input *in, struct ts_flow *const *order, size_t n_graphs)
{
	size_t budget = TS_HTML_MARK_BUDGET;

	fputs("<h2 id=\"graphs\">Time-sequence graphs</h2>\n", o);
	if (!n_graphs) {
		fputs("<p>No flows to draw.</p>\n", o);
		return;
	}
	fprintf(o, "<p class=\"note\">%zu flows, in the order of the flows table (anomalous first). Each direction "
	        "that carried data: sequence offset (bytes from the ISN) against time since the flow's first "
	        "packet, with the ACKs and window the other side advertised; beside it the throughput of new data "
	        "and the RTT (data segment to the first ACK covering it). Large flows are decimated: what was "
	        "merged or left out is said under each graph.</p>\n", n_graphs);
	if (!in->segments)
		fputs("<p class=\"note\">Segments were not recorded for this report: graphs are empty.</p>\n", o);
	legend(o);
	for (size_t i = 0; i < n_graphs; i++) {
		size_t limit = budget / (n_graphs - i);
		if (limit > TS_HTML_MARKS_PER_GRAPH)
			limit = TS_HTML_MARKS_PER_GRAPH;
		size_t used = ts_html_flow_graphs(o, order[i], in->segments, limit);
		budget = used < budget ? budget - used : 0;
	}
}

static int html_write(const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	FILE *o = opt->out;
	size_t n = 0, n_eligible = 0;
	struct ts_flow **order = NULL;

	if (!opt->quiet) {
		order = ts_html_flow_order(in, opt, &n, &n_eligible);
		if (!order)
			return -1;
	}
	size_t n_graphs = n < TS_HTML_MAX_GRAPHS ? n : TS_HTML_MAX_GRAPHS;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
	      "<title>tcpscope report</title>\n<style>\n", o);
	fputs(ts_html_css, o);
	fprintf(o, "</style>\n</head>\n<body data-flows=\"%zu\" data-graphs=\"%zu\">\n", in->n_flows, n_graphs);
	fputs("<h1>tcpscope report</h1>\n<p class=\"note\"><a href=\"#summary\">summary</a> &middot; "
	      "<a href=\"#hosts\">hosts</a> &middot; <a href=\"#anomalies\">anomalies</a> &middot; "
	      "<a href=\"#flows\">flows</a> &middot; <a href=\"#graphs\">graphs</a></p>\n", o);
	summary(o, in);
	hosts(o, in);
	if (!opt->quiet) {
		anomalies(o, in, opt, order, n_graphs);
		ts_html_flows_table(o, order, n, n_eligible, n_graphs, &in->an->first, in->an->ctx);
		graphs(o, in, order, n_graphs);
	}
	fputs("<script>\n", o);
	fputs(ts_html_js, o);
	fputs("</script>\n</body>\n</html>\n", o);
	for (size_t i = 0; i < n; i++)
		free(order[i]);
	free(order);
	return ferror(o) ? -1 : 0;
}

const struct ts_reporter_ops ts_reporter_html = {
	.name = "html",
	.write = html_write,
	.draws_segments = true,
	.single_thread = true,
};
