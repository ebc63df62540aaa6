/* \summary: CSV reporter: one row per flow, header row, RFC 4180 quoting, formatted by hand into a record buffer */
#include "report_csv.h"

#include <stdio.h>
#include <string.h>

#include "tcpscope/json_buf.h"

#include "report_parallel.h"
#include "tcpscope/report.h"
#include "tcpscope/units.h"

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes. */
static void csv_field(struct ts_jbuf *j, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		ts_jbuf_str(j, s);
		return;
	}
	TS_JLIT(j, "\"");
	for (const char *run = s;; s++) {
		if (*s == '"' || !*s) {
			ts_jbuf_raw(j, run, (size_t)(s - run)); /* up to the quote or the end */
			if (!*s)
				break;
			TS_JLIT(j, "\"\"");
			run = s + 1;
		}
	}
	TS_JLIT(j, "\"");
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

/* "%.2f" of 100 x part / whole: printf only when there is something to
 * round (most flows resend nothing). */
static void csv_pct(struct ts_jbuf *j, uint64_t part, uint64_t whole)
{
	if (!part || !whole)
		TS_JLIT(j, ",0.00");
	else
		ts_jbuf_printf(j, ",%.2f", ts_pct(part, whole));
}

#define CSV_U(j, v) do { TS_JLIT((j), ","); ts_jbuf_u64((j), (uint64_t)(v)); } while (0)

/* An endpoint that never needed its rare figures: the columns csv_dir
 * writes, those figures' zeros as one literal. */
static void csv_dir_common(struct ts_jbuf *j, const struct ts_endpoint *e)
{
	CSV_U(j, e->st.packets);
	CSV_U(j, e->st.bytes);
	CSV_U(j, e->st.payload_bytes);
	CSV_U(j, e->st.data_segments);
	CSV_U(j, e->st.retrans_segments);
	TS_JLIT(j, ",0");
	csv_pct(j, e->st.retrans_segments, e->st.data_segments);
	TS_JLIT(j, ",0,0,0,0,0,0");
}

static void csv_dir(struct ts_jbuf *j, const struct ts_endpoint *e)
{
	if (!e->rare) {
		csv_dir_common(j, e);
		return;
	}
	const struct ts_dir_stats full = ts_endpoint_stats(e), *s = &full;
	CSV_U(j, s->packets);
	CSV_U(j, s->bytes);
	CSV_U(j, s->payload_bytes);
	CSV_U(j, s->data_segments);
	CSV_U(j, s->retrans_segments);
	CSV_U(j, s->retrans_bytes);
	csv_pct(j, s->retrans_segments, s->data_segments);
	CSV_U(j, s->out_of_order);
	CSV_U(j, s->dup_acks);
	CSV_U(j, s->keepalives);
	CSV_U(j, s->window_probes);
	CSV_U(j, s->syn_retrans);
	CSV_U(j, s->fin_retrans);
}

/* "%lld.%06ld" of seconds and microseconds. */
static void csv_time(struct ts_jbuf *j, const struct timespec *t)
{
	long us = t->tv_nsec / TS_NSEC_PER_USEC;

	if (t->tv_sec < 0 || us < 0 || us >= TS_USEC_PER_SEC) {
		ts_jbuf_printf(j, "%lld.%06ld", (long long)t->tv_sec, us);
		return;
	}
	ts_jbuf_seconds(j, (uint64_t)t->tv_sec);
	ts_jbuf_frac6(j, (unsigned)us);
}

static void csv_flow(struct ts_jbuf *j, const struct ts_flow *f)
{
	char cli[80], srv[80];

	size_t ncli = ts_flow_format_endpoint(f, true, cli, sizeof(cli));
	size_t nsrv = ts_flow_format_endpoint(f, false, srv, sizeof(srv));
	ts_jbuf_u64(j, f->id);
	TS_JLIT(j, ",");
	if (ncli < sizeof(cli) && nsrv < sizeof(srv)) { /* addresses, ports, brackets: nothing to quote */
		ts_jbuf_raw(j, cli, ncli);
		TS_JLIT(j, ",");
		ts_jbuf_raw(j, srv, nsrv);
	} else {
		csv_field(j, cli);
		TS_JLIT(j, ",");
		csv_field(j, srv);
	}
	TS_JLIT(j, ",");
	csv_time(j, &f->first);
	TS_JLIT(j, ",");
	csv_time(j, &f->last);
	TS_JLIT(j, ",");
	ts_jbuf_str(j, ts_tcp_state_name(f->cli.state));
	TS_JLIT(j, ",");
	ts_jbuf_str(j, ts_tcp_state_name(f->srv.state));
	TS_JLIT(j, ",");
	ts_jbuf_str(j, ts_handshake_name(f->handshake));
	TS_JLIT(j, ",");
	if (f->cli.has_mss)
		ts_jbuf_u64(j, f->cli.mss);
	TS_JLIT(j, ",");
	if (f->srv.has_mss)
		ts_jbuf_u64(j, f->srv.mss);
	TS_JLIT(j, ",");
	if (ts_flow_effective_mss(f)) /* unknown unless both SYNs were seen */
		ts_jbuf_u64(j, ts_flow_effective_mss(f));
	csv_dir(j, &f->cli);
	csv_dir(j, &f->srv);
	/* Codes are dotted lower-case words: nothing to quote. Cut as the
	 * 400-byte field always was. */
	TS_JLIT(j, ",");
	size_t off = 0;
	for (unsigned i = 0; i < f->n_anomalies && off < 399; i++) {
		const char *code = ts_anomaly_info(f->anomalies[i].code)->code;
		size_t n = strlen(code) + (i != 0);
		if (n > 399 - off)
			n = 399 - off;
		if (i)
			TS_JLIT(j, " ");
		ts_jbuf_raw(j, code, n - (i != 0));
		off += n;
	}
	TS_JLIT(j, "\r\n");
}

static void flow_row(const struct ts_report_input *in, size_t i, struct ts_jbuf *j, const void *ctx)
{
	const struct ts_report_opts *opt = ctx;
	const struct ts_flow *f = ts_report_flow(in, i);

	/* CSV has no summary to keep to: -q keeps the rows behind the findings */
	bool all = opt->flows != TS_FLOWS_ANOMALOUS && !opt->quiet;
	if (all || ts_flow_is_anomalous(f))
		csv_flow(j, f);
}

static int csv_write(const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	FILE *o = opt->out;

	csv_header(o);
	if (ts_report_records(in, in->n_flows, opt->threads, TS_REPORT_CHUNK, flow_row, opt, o) < 0)
		return -1;
	return ferror(o) ? -1 : 0;
}

const struct ts_reporter_ops ts_reporter_csv = {
	.name = "csv",
	.write = csv_write,
};
