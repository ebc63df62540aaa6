/* \summary: CSV reporter: one row per flow, header row, RFC 4180 quoting */
#include <stdio.h>
#include <string.h>

#include "report_parallel.h"
#include "tcpscope/report.h"

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes. */
static void csv_field(FILE *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, o);
		return;
	}
	putc('"', o);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', o);
		putc(*s, o);
	}
	putc('"', o);
}

static const char *const dir_cols[] = {
	"packets", "bytes", "payload_bytes", "data_segments", "retrans_segments", "retrans_bytes",
	"retrans_pct", "out_of_order", "dup_acks", "keepalives", "window_probes", "syn_retrans",
	"fin_retrans",
};

static void csv_header(FILE *o)
{
	fputs("id,client,server,first,last,client_state,server_state,handshake,"
	      "mss_client,mss_server,mss_effective", o);
	for (int d = 0; d < 2; d++)
		for (size_t i = 0; i < sizeof(dir_cols) / sizeof(dir_cols[0]); i++)
			fprintf(o, ",%s_%s", d ? "s2c" : "c2s", dir_cols[i]);
	fputs(",anomalies\r\n", o);
}

static void csv_dir(FILE *o, const struct ts_dir_stats *s)
{
	fprintf(o, ",%llu,%llu,%llu,%llu,%llu,%llu,%.2f,%llu,%llu,%llu,%llu,%llu,%llu",
	        (unsigned long long)s->packets, (unsigned long long)s->bytes,
	        (unsigned long long)s->payload_bytes, (unsigned long long)s->data_segments,
	        (unsigned long long)s->retrans_segments, (unsigned long long)s->retrans_bytes,
	        ts_pct(s->retrans_segments, s->data_segments), (unsigned long long)s->out_of_order,
	        (unsigned long long)s->dup_acks, (unsigned long long)s->keepalives,
	        (unsigned long long)s->window_probes, (unsigned long long)s->syn_retrans,
	        (unsigned long long)s->fin_retrans);
}

static void csv_flow(FILE *o, const struct ts_flow *f)
{
	char cli[80], srv[80], anomalies[400];
	size_t off = 0;

	ts_flow_format_endpoint(f, true, cli, sizeof(cli));
	ts_flow_format_endpoint(f, false, srv, sizeof(srv));
	fprintf(o, "%llu,", (unsigned long long)f->id);
	csv_field(o, cli);
	putc(',', o);
	csv_field(o, srv);
	fprintf(o, ",%lld.%06ld,%lld.%06ld,%s,%s,%s,", (long long)f->first.tv_sec, f->first.tv_nsec / 1000,
	        (long long)f->last.tv_sec, f->last.tv_nsec / 1000, ts_tcp_state_name(f->cli.state),
	        ts_tcp_state_name(f->srv.state), ts_handshake_name(f->handshake));
	if (f->cli.has_mss)
		fprintf(o, "%u", f->cli.mss);
	putc(',', o);
	if (f->srv.has_mss)
		fprintf(o, "%u", f->srv.mss);
	fputc(',', o);
	if (ts_flow_effective_mss(f))
		fprintf(o, "%u", ts_flow_effective_mss(f));
	struct ts_dir_stats c2s = ts_endpoint_stats(&f->cli), s2c = ts_endpoint_stats(&f->srv);
	csv_dir(o, &c2s);
	csv_dir(o, &s2c);
	anomalies[0] = '\0';
	for (unsigned i = 0; i < f->n_anomalies && off < sizeof(anomalies); i++)
		off += (size_t)snprintf(anomalies + off, sizeof(anomalies) - off, "%s%s", i ? " " : "",
		                        ts_anomaly_info(f->anomalies[i].code)->code);
	putc(',', o);
	csv_field(o, anomalies);
	fputs("\r\n", o);
}

/* Rows are printed straight to the record's stream (j holds nothing). */
static void flow_row(const struct ts_report_input *in, size_t i, struct ts_jbuf *j, const void *ctx)
{
	const struct ts_report_opts *opt = ctx;
	const struct ts_flow *f = ts_report_flow(in, i);

	/* CSV has no summary to keep to: -q keeps the rows behind the findings */
	bool all = opt->flows != TS_FLOWS_ANOMALOUS && !opt->quiet;
	if (all || ts_flow_is_anomalous(f))
		csv_flow(j->out, f);
}

static int csv_write(const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	FILE *o = opt->out;

	csv_header(o);
	if (ts_report_records(in, in->n_flows, opt->threads, TS_REPORT_CHUNK, flow_row, opt, o) < 0)
		return -1;
	return ferror(o) ? -1 : 0;
}

const struct ts_reporter_ops ts_reporter_csv = { "csv", csv_write };
