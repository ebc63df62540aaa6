/* \summary: HTML reporter: which flows the page shows, in what order, and the sortable flows table */
#include <stdlib.h>

#include "report_html_flows.h"
#include "report_html_svg.h"
#include "tcpscope/units.h"

struct ts_flow **ts_html_flow_order(const struct ts_report_input *in, const struct ts_report_opts *opt,
                                    size_t *n, size_t *n_eligible)
{
	struct ts_flow **sel = malloc((in->n_flows ? in->n_flows : 1) * sizeof(*sel));
	size_t k = 0, eligible = 0;

	*n = 0;
	*n_eligible = 0;
	if (!sel)
		return NULL;
	/* Two passes over the id-sorted flows: anomalous ones, then the others. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < in->n_flows; i++) {
			const struct ts_flow *f = ts_report_flow(in, i);
			bool anomalous = ts_flow_is_anomalous(f);
			if (anomalous != (pass == 0))
				continue;
			if (!anomalous && opt->flows == TS_FLOWS_ANOMALOUS)
				continue;
			eligible++;
			if (k < TS_HTML_MAX_FLOW_ROWS && (sel[k] = ts_flow_view_copy(in->flows, i)))
				k++;
		}
	}
	*n = k;
	*n_eligible = eligible;
	return sel;
}

static void td_num(FILE *o, unsigned long long v)
{
	fprintf(o, "<td class=\"n\">%llu</td>", v);
}

/* The server cell also names the outer context (VLAN, VNI) when the flow has one. */
static void td_endpoint(FILE *o, const struct ts_flow *f, bool client, const struct ts_ctx_table *ctx)
{
	char buf[80], c[TS_CTX_MAX * 8];
	const struct ts_ctx_entry *e = client ? NULL : ts_ctx_peek(ctx, ts_flow_key_ctx(&f->key));

	ts_flow_format_endpoint(f, client, buf, sizeof(buf));
	fputs("<td>", o);
	ts_html_escape(o, buf);
	if (e) {
		ts_ctx_format(e, c, sizeof(c));
		fputs(" <span class=\"note\">", o);
		ts_html_escape(o, c);
		fputs("</span>", o);
	}
	fputs("</td>", o);
}

static void td_dir(FILE *o, const struct ts_dir_counts *s)
{
	td_num(o, s->packets);
	td_num(o, s->payload_bytes);
	td_num(o, s->retrans_segments);
	fprintf(o, "<td class=\"n\">%.2f</td>", ts_pct(s->retrans_segments, s->data_segments));
}

static void flow_row(FILE *o, const struct ts_flow *f, bool graphed, const struct timespec *t0,
                     const struct ts_ctx_table *ctx)
{
	double start = (double)(ts_timespec_ns(&f->first) - ts_timespec_ns(t0)) / TS_NSEC_PER_SEC;
	double dur = (double)(ts_timespec_ns(&f->last) - ts_timespec_ns(&f->first)) / TS_NSEC_PER_SEC;
	unsigned long long id = (unsigned long long)f->id;

	fprintf(o, "<tr%s><td class=\"n\" data-v=\"%llu\">", ts_flow_is_anomalous(f) ? " class=\"anom\"" : "", id);
	if (graphed)
		fprintf(o, "<a href=\"#flow-%llu\">%llu</a>", id, id);
	else
		fprintf(o, "%llu", id);
	fputs("</td>", o);
	td_endpoint(o, f, true, ctx);
	td_endpoint(o, f, false, ctx);
	fprintf(o, "<td>%s</td><td>%s</td><td>%s</td>", ts_tcp_state_name(f->cli.state),
	        ts_tcp_state_name(f->srv.state), ts_handshake_name(f->handshake));
	fprintf(o, "<td class=\"n\">%.6f</td><td class=\"n\">%.6f</td>", start, dur);
	td_dir(o, &f->cli.st);
	td_dir(o, &f->srv.st);
	fputs("<td>", o);
	for (unsigned i = 0; i < f->n_anomalies; i++)
		fprintf(o, "%s<span class=\"sev sev%u\">%s</span>", i ? " " : "", f->anomalies[i].severity,
		        ts_anomaly_info(f->anomalies[i].code)->code);
	fputs("</td></tr>\n", o);
}

void ts_html_flows_table(FILE *o, struct ts_flow *const *flows, size_t n, size_t n_eligible,
                         size_t n_graphs, const struct timespec *t0, const struct ts_ctx_table *ctx)
{
	fputs("<h2 id=\"flows\">Flows</h2>\n", o);
	if (n < n_eligible)
		fprintf(o, "<p class=\"note\">Showing %zu of %zu flows: anomalous flows first, then the others by id "
		        "(the JSON output lists them all).</p>\n", n, n_eligible);
	if (!n) {
		fputs("<p>No flows.</p>\n", o);
		return;
	}
	fputs("<p class=\"note\">Click a column heading to sort. Flows with a graph link to it; "
	      "anomalous flows are marked at the left edge. Bytes are payload bytes.</p>\n", o);
	fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"flows-table\"><thead><tr>"
	      "<th class=\"n\">#</th><th>client</th><th>server</th><th>client state</th><th>server state</th>"
	      "<th>handshake</th><th class=\"n\">start (s)</th><th class=\"n\">duration (s)</th>"
	      "<th class=\"n\">c&rarr;s pkts</th><th class=\"n\">c&rarr;s bytes</th><th class=\"n\">c&rarr;s retx</th>"
	      "<th class=\"n\">c&rarr;s retx %</th>"
	      "<th class=\"n\">s&rarr;c pkts</th><th class=\"n\">s&rarr;c bytes</th><th class=\"n\">s&rarr;c retx</th>"
	      "<th class=\"n\">s&rarr;c retx %</th><th>anomalies</th></tr></thead>\n<tbody>\n", o);
	for (size_t i = 0; i < n; i++)
		flow_row(o, flows[i], i < n_graphs, t0, ctx);
	fputs("</tbody></table></div>\n", o);
}
