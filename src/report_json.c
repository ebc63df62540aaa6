/* \summary: JSON Lines reporter: flow, anomaly and summary records (the output contract) */
#include <stdio.h>
#include <string.h>

#include "tcpscope/report.h"

static void json_time(FILE *o, const struct timespec *t)
{
	fprintf(o, "%lld.%06ld", (long long)t->tv_sec, t->tv_nsec / 1000);
}

static void json_opt_u(FILE *o, bool has, unsigned v)
{
	if (has)
		fprintf(o, "%u", v);
	else
		fputs("null", o);
}

static void json_rtt(FILE *o, bool ok, const struct timespec *a, const struct timespec *b)
{
	if (ok)
		fprintf(o, "%.6f", (double)(ts_timespec_ns(b) - ts_timespec_ns(a)) / 1e9);
	else
		fputs("null", o);
}

#define U(name, v) fprintf(o, ",\"" name "\":%llu", (unsigned long long)(v))

static void json_dir(FILE *o, const struct ts_endpoint *e)
{
	const struct ts_dir_stats *s = &e->st;

	fprintf(o, "{\"packets\":%llu", (unsigned long long)s->packets);
	U("bytes", s->bytes);
	U("payload_bytes", s->payload_bytes);
	U("data_segments", s->data_segments);
	U("retrans_segments", s->retrans_segments);
	U("retrans_bytes", s->retrans_bytes);
	fprintf(o, ",\"retrans_pct\":%.2f", ts_pct(s->retrans_segments, s->data_segments));
	fprintf(o, ",\"retrans_bytes_pct\":%.2f", ts_pct(s->retrans_bytes, s->payload_bytes));
	U("fast_retrans", s->fast_retrans);
	U("rto_retrans", s->rto_retrans);
	U("spurious_retrans", s->spurious_retrans);
	U("unseen_original", s->unseen_original);
	U("out_of_order", s->out_of_order);
	U("span_duplicates", s->span_duplicates);
	U("dup_acks", s->dup_acks);
	U("keepalives", s->keepalives);
	U("window_probes", s->window_probes);
	U("zero_window", s->zero_window);
	U("syn_retrans", s->syn_retrans);
	U("fin_retrans", s->fin_retrans);
	U("over_mss", s->over_mss);
	U("fragments", s->fragments);
	U("segments_sent", e->out_segs);
	U("segments_retransmitted", e->retx_segs);
	U("retrans_lost_estimate", ts_endpoint_lost_retrans_estimate(e));
	fputc('}', o);
}

static void json_flow(FILE *o, const struct ts_flow *f)
{
	char cli[80], srv[80];

	ts_flow_format_endpoint(f, true, cli, sizeof(cli));
	ts_flow_format_endpoint(f, false, srv, sizeof(srv));
	fprintf(o, "{\"type\":\"flow\",\"id\":%llu,\"client\":", (unsigned long long)f->id);
	ts_json_string(o, cli);
	fputs(",\"server\":", o);
	ts_json_string(o, srv);
	fputs(",\"first\":", o);
	json_time(o, &f->first);
	fputs(",\"last\":", o);
	json_time(o, &f->last);
	fprintf(o, ",\"client_state\":\"%s\",\"server_state\":\"%s\",\"handshake\":\"%s\"",
	        ts_tcp_state_name(f->cli.state), ts_tcp_state_name(f->srv.state),
	        ts_handshake_name(f->handshake));
	fprintf(o, ",\"syn_retransmissions\":%llu,\"synack_retransmissions\":%llu",
	        (unsigned long long)f->cli.st.syn_retrans, (unsigned long long)f->srv.st.syn_retrans);
	fputs(",\"rtt\":{\"syn_synack\":", o);
	json_rtt(o, f->has_syn_ts && f->has_synack_ts, &f->syn_ts, &f->synack_ts);
	fputs(",\"synack_ack\":", o);
	json_rtt(o, f->has_synack_ts && f->has_ack_ts, &f->synack_ts, &f->ack_ts);
	fputs("},\"mss\":{\"client\":", o);
	json_opt_u(o, f->cli.has_mss, f->cli.mss);
	fputs(",\"server\":", o);
	json_opt_u(o, f->srv.has_mss, f->srv.mss);
	fprintf(o, ",\"effective\":%u},\"wscale\":{\"client\":", ts_flow_effective_mss(f));
	json_opt_u(o, f->cli.has_wscale, f->cli.wscale);
	fputs(",\"server\":", o);
	json_opt_u(o, f->srv.has_wscale, f->srv.wscale);
	fprintf(o, "},\"sack_permitted\":{\"client\":%s,\"server\":%s}",
	        f->cli.sack_permitted ? "true" : "false", f->srv.sack_permitted ? "true" : "false");
	fprintf(o, ",\"midstream\":%s,\"syn_cookie\":%s", f->midstream ? "true" : "false",
	        f->syn_cookie ? "true" : "false");
	fputs(",\"c2s\":", o);
	json_dir(o, &f->cli);
	fputs(",\"s2c\":", o);
	json_dir(o, &f->srv);
	fputs(",\"anomalies\":[", o);
	for (unsigned i = 0; i < f->n_anomalies; i++)
		fprintf(o, "%s\"%s\"", i ? "," : "", ts_anomaly_info(f->anomalies[i].code)->code);
	fputs("]}\n", o);
}

static void json_anomaly(FILE *o, const struct ts_report_anomaly *ra)
{
	const struct ts_anomaly *a = ra->a;
	char msg[1024];
	static const char *const ep_names[] = { NULL, "client", "server" };

	fputs("{\"type\":\"anomaly\",\"flow\":", o);
	if (ra->flow)
		fprintf(o, "%llu", (unsigned long long)ra->flow->id);
	else
		fputs("null", o);
	fprintf(o, ",\"code\":\"%s\",\"severity\":\"%s\",\"severity_code\":%u,\"ts\":",
	        ts_anomaly_info(a->code)->code, ts_severity_name(a->severity), a->severity);
	json_time(o, &a->ts);
	fputs(",\"endpoint\":", o);
	if (a->endpoint && a->endpoint <= TS_EP_SERVER)
		fprintf(o, "\"%s\"", ep_names[a->endpoint]);
	else
		fputs("null", o);
	if (!ra->flow) {
		char addr[64];
		ts_format_addr(a->host_af, a->host_addr, addr, sizeof(addr));
		fputs(",\"host\":", o);
		ts_json_string(o, addr);
		if (a->port)
			fprintf(o, ",\"port\":%u", a->port);
	}
	if (a->has_duration)
		fprintf(o, ",\"duration\":%.6f", ts_timespec_sec(&a->duration));
	fprintf(o, ",\"value\":%llu", (unsigned long long)a->value);
	ts_anomaly_message(ra, msg, sizeof(msg));
	fputs(",\"message\":", o);
	ts_json_string(o, msg);
	fputs("}\n", o);
}

static void json_states(FILE *o, const uint64_t states[TS_ST_COUNT])
{
	bool first = true;

	fputc('{', o);
	for (int s = 0; s < TS_ST_COUNT; s++) {
		if (!states[s])
			continue;
		fprintf(o, "%s\"%s\":%llu", first ? "" : ",", ts_tcp_state_name((enum ts_tcp_state)s),
		        (unsigned long long)states[s]);
		first = false;
	}
	fputc('}', o);
}

static void json_host(FILE *o, const struct ts_host *h, bool first)
{
	char addr[64];

	ts_format_addr(h->af, h->addr, addr, sizeof(addr));
	fputs(first ? "{\"host\":" : ",{\"host\":", o);
	ts_json_string(o, addr);
	fprintf(o, ",\"connections\":%llu", (unsigned long long)h->connections);
	U("active_opens", h->active_opens);
	U("passive_opens", h->passive_opens);
	U("failed_attempts", h->failed_attempts);
	U("resets", h->resets);
	U("current", h->current);
	U("segments_received", h->segments_received);
	U("segments_sent", h->segments_sent);
	U("segments_retransmitted", h->segments_retransmitted);
	U("segments_retransmitted_estimate", h->segments_retransmitted + h->retrans_lost_estimate);
	fprintf(o, ",\"retrans_pct\":%.2f,\"states\":", ts_host_retrans_pct(h));
	json_states(o, h->states);
	fputc('}', o);
}

static void json_summary(FILE *o, const struct ts_report_input *in)
{
	const struct ts_analyzer *an = in->an;
	const struct ts_decode_stats *d = &an->dec;
	uint64_t states[TS_ST_COUNT] = { 0 };

	fputs("{\"type\":\"summary\",\"inputs\":[", o);
	for (size_t i = 0; i < in->n_inputs; i++) {
		if (i)
			fputc(',', o);
		ts_json_string(o, in->inputs[i]);
	}
	fprintf(o, "],\"packets\":%llu", (unsigned long long)d->packets);
	U("bytes", d->bytes);
	U("tcp_segments", d->tcp_segments);
	fputs(",\"first\":", o);
	json_time(o, &an->first);
	fputs(",\"last\":", o);
	json_time(o, &an->last);
	fputs(",\"decode_errors\":{", o);
	bool first = true;
	for (int r = 1; r < TS_DR_COUNT; r++) {
		if (!d->reason[r])
			continue;
		fprintf(o, "%s\"%s\":%llu", first ? "" : ",", ts_decode_reason_name((enum ts_decode_reason)r),
		        (unsigned long long)d->reason[r]);
		first = false;
	}
	fputs("},\"decode_events\":{", o);
	first = true;
	for (unsigned b = 0; b < TS_DE_COUNT_BITS; b++) {
		if (!d->event[b])
			continue;
		fprintf(o, "%s\"%s\":%llu", first ? "" : ",", ts_decode_event_name(b), (unsigned long long)d->event[b]);
		first = false;
	}
	fputc('}', o);
	if (d->first_unsupported_dlt >= 0) {
		fputs(",\"unsupported_linktype\":", o);
		ts_json_string(o, ts_linktype_name(d->first_unsupported_dlt));
	}
	fprintf(o, ",\"truncated\":%s", in->truncated ? "true" : "false");
	if (in->error) {
		fputs(",\"error\":", o);
		ts_json_string(o, in->error);
	}
	if (in->cap.live)
		fprintf(o, ",\"capture_drops\":{\"kernel\":%llu,\"interface\":%llu}",
		        (unsigned long long)in->cap.dropped, (unsigned long long)in->cap.if_dropped);
	if (in->syslog_target)
		U("syslog_failures", in->syslog_failures);
	fprintf(o, ",\"flows\":%zu", in->n_flows);
	fprintf(o, ",\"flows_evicted\":{\"closed\":%llu,\"open\":%llu,\"idle\":%llu}",
	        (unsigned long long)an->flows.evicted_closed, (unsigned long long)an->flows.evicted_open,
	        (unsigned long long)an->flows.evicted_idle);
	U("port_reuse", an->flows.port_reuse);
	for (size_t i = 0; i < in->n_flows; i++) {
		states[in->flows[i]->cli.state]++;
		states[in->flows[i]->srv.state]++;
	}
	fputs(",\"states\":", o);
	json_states(o, states);
	fputs(",\"anomalies\":{", o);
	first = true;
	for (int c = 0; c < TS_AN_COUNT; c++) {
		if (!an->anomaly_counts[c])
			continue;
		fprintf(o, "%s\"%s\":%llu", first ? "" : ",", ts_anomaly_info((enum ts_anomaly_code)c)->code,
		        (unsigned long long)an->anomaly_counts[c]);
		first = false;
	}
	fputs("},\"hosts\":[", o);
	for (size_t i = 0; i < in->n_hosts; i++)
		json_host(o, in->hosts[i], i == 0);
	fputs("]}\n", o);
}

static int json_write(const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	FILE *o = opt->out;

	if (!opt->quiet) {
		for (size_t i = 0; i < in->n_flows; i++)
			if (opt->flows != TS_FLOWS_ANOMALOUS || ts_flow_is_anomalous(in->flows[i]))
				json_flow(o, in->flows[i]);
		for (size_t i = 0; i < in->n_anomalies; i++)
			if (in->anomalies[i].a->severity <= opt->min_severity)
				json_anomaly(o, &in->anomalies[i]);
	}
	json_summary(o, in);
	return ferror(o) ? -1 : 0;
}

const struct ts_reporter_ops ts_reporter_json = { "json", json_write };
