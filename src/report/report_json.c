/* \summary: JSON Lines reporter: flow, anomaly and summary records (the output contract) */
#include "tcpscope/report_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/json_buf.h"
#include "report_parallel.h"
#include "tcpscope/report.h"
#include "tcpscope/units.h"

static void jb_opt_u(struct ts_jbuf *j, bool has, unsigned v)
{
	if (has)
		ts_jbuf_u64(j, v);
	else
		TS_JLIT(j, "null");
}

/* 100 x part / whole with two decimals, rounded from the integer counts. */
static void jb_pct(struct ts_jbuf *j, uint64_t part, uint64_t whole)
{
	if (!whole || !part) { /* rounds to 0.00 whatever the whole */
		TS_JLIT(j, "0.00");
		return;
	}
	if (part > UINT64_MAX / 20000) {
		ts_jbuf_double(j, ts_pct(part, whole), 2);
		return;
	}
	ts_jbuf_fixed(j, (int64_t)((part * 20000 + whole) / (2 * whole)), 2);
}

static void jb_rtt(struct ts_jbuf *j, bool ok, int64_t a, int64_t b)
{
	if (!ok) {
		TS_JLIT(j, "null");
		return;
	}
	int64_t ns = b - a;
	const int64_t half = TS_NSEC_PER_USEC / 2;
	ts_jbuf_fixed(j, ns >= 0 ? (ns + half) / TS_NSEC_PER_USEC : (ns - half) / TS_NSEC_PER_USEC, 6);
}

/* A name with its length, looked up once per report: every record writes
 * several (states, handshake, codes, severity). The last slot of each table
 * holds what the lookup gives for a value out of range. */
struct name {
	const char *s;
	size_t n;
};

struct names {
	struct name state[TS_ST_COUNT + 1], handshake[TS_HS_MIDSTREAM + 2], severity[9], code[TS_AN_COUNT];
};

static struct name name_of(const char *s)
{
	return (struct name){ s, strlen(s) };
}

static void names_init(struct names *nm)
{
	for (unsigned i = 0; i <= TS_ST_COUNT; i++)
		nm->state[i] = name_of(ts_tcp_state_name((enum ts_tcp_state)i));
	for (unsigned i = 0; i <= TS_HS_MIDSTREAM + 1; i++)
		nm->handshake[i] = name_of(ts_handshake_name((enum ts_handshake)i));
	for (unsigned i = 0; i <= 8; i++)
		nm->severity[i] = name_of(ts_severity_name((enum ts_severity)i));
	for (unsigned i = 0; i < TS_AN_COUNT; i++)
		nm->code[i] = name_of(ts_anomaly_info((enum ts_anomaly_code)i)->code);
}

#define TS_NAME_IN(table, i) (&(table)[(unsigned)(i) < sizeof(table) / sizeof((table)[0]) - 1 ? (unsigned)(i) \
                                                                                   : sizeof(table) / sizeof((table)[0]) - 1])

static void put_name(struct ts_jbuf *j, const struct name *nm)
{
	ts_jbuf_raw(j, nm->s, nm->n);
}

/* An anomaly code's name: codes are always in range (ts_anomaly_info). */
static void put_code(struct ts_jbuf *j, const struct names *nm, uint8_t code)
{
	if (code < TS_AN_COUNT) {
		put_name(j, &nm->code[code]);
		return;
	}
	const char *s = ts_anomaly_info((enum ts_anomaly_code)code)->code;
	ts_jbuf_raw(j, s, strlen(s));
}

/*
 * An endpoint that never needed its rare figures: the record json_dir
 * writes, its counters that are then 0 written as one literal, or left out
 * in a compact record (most endpoints of short connections are such).
 */
static void json_dir_common(struct ts_jbuf *j, const struct ts_endpoint *e)
{
	TS_JLIT(j, "{\"packets\":");
	ts_jbuf_u64(j, e->st.packets);
	TS_JU(j, "bytes", e->st.bytes);
	TS_JU(j, "payload_bytes", e->st.payload_bytes);
	TS_JU(j, "data_segments", e->st.data_segments);
	TS_JU(j, "retrans_segments", e->st.retrans_segments);
	if (j->skip_zero) { /* compact: the zeros and 0.00 rates left out */
		if (e->st.retrans_segments) {
			TS_JLIT(j, ",\"retrans_pct\":");
			jb_pct(j, e->st.retrans_segments, e->st.data_segments);
		}
		TS_JU(j, "segments_sent", e->out_segs);
		TS_JU(j, "retrans_lost_estimate", ts_endpoint_lost_retrans_estimate(e));
		TS_JLIT(j, "}");
		return;
	}
	TS_JLIT(j, ",\"retrans_bytes\":0,\"retrans_pct\":");
	jb_pct(j, e->st.retrans_segments, e->st.data_segments);
	TS_JLIT(j, ",\"retrans_bytes_pct\":0.00,\"fast_retrans\":0,\"rto_retrans\":0,\"spurious_retrans\":0"
	           ",\"unseen_original\":0,\"out_of_order\":0,\"span_duplicates\":0,\"dup_acks\":0,\"keepalives\":0"
	           ",\"window_probes\":0,\"zero_window\":0,\"syn_retrans\":0,\"fin_retrans\":0,\"over_mss\":0"
	           ",\"fragments\":0,\"rst_in_window\":0,\"challenge_acks\":0");
	TS_JU(j, "segments_sent", e->out_segs);
	TS_JLIT(j, ",\"segments_retransmitted\":0");
	TS_JU(j, "retrans_lost_estimate", ts_endpoint_lost_retrans_estimate(e));
	TS_JLIT(j, "}");
}

static void json_dir(struct ts_jbuf *j, const struct ts_endpoint *e)
{
	if (!e->rare) {
		json_dir_common(j, e);
		return;
	}
	const struct ts_dir_stats full = ts_endpoint_stats(e), *s = &full;

	TS_JLIT(j, "{\"packets\":");
	ts_jbuf_u64(j, s->packets);
	TS_JU(j, "bytes", s->bytes);
	TS_JU(j, "payload_bytes", s->payload_bytes);
	TS_JU(j, "data_segments", s->data_segments);
	TS_JU(j, "retrans_segments", s->retrans_segments);
	TS_JU(j, "retrans_bytes", s->retrans_bytes);
	if (s->retrans_segments || !j->skip_zero) { /* compact: no 0.00 rates either */
		TS_JLIT(j, ",\"retrans_pct\":");
		jb_pct(j, s->retrans_segments, s->data_segments);
	}
	if (s->retrans_bytes || !j->skip_zero) {
		TS_JLIT(j, ",\"retrans_bytes_pct\":");
		jb_pct(j, s->retrans_bytes, s->payload_bytes);
	}
	TS_JU(j, "fast_retrans", s->fast_retrans);
	TS_JU(j, "rto_retrans", s->rto_retrans);
	TS_JU(j, "spurious_retrans", s->spurious_retrans);
	TS_JU(j, "unseen_original", s->unseen_original);
	TS_JU(j, "out_of_order", s->out_of_order);
	TS_JU(j, "span_duplicates", s->span_duplicates);
	TS_JU(j, "dup_acks", s->dup_acks);
	TS_JU(j, "keepalives", s->keepalives);
	TS_JU(j, "window_probes", s->window_probes);
	TS_JU(j, "zero_window", s->zero_window);
	TS_JU(j, "syn_retrans", s->syn_retrans);
	TS_JU(j, "fin_retrans", s->fin_retrans);
	TS_JU(j, "over_mss", s->over_mss);
	TS_JU(j, "fragments", s->fragments);
	TS_JU(j, "rst_in_window", s->rst_in_window);
	TS_JU(j, "challenge_acks", s->challenge_acks);
	TS_JU(j, "segments_sent", e->out_segs);
	TS_JU(j, "segments_retransmitted", ts_endpoint_rare(e)->retx_segs);
	TS_JU(j, "retrans_lost_estimate", ts_endpoint_lost_retrans_estimate(e));
	TS_JLIT(j, "}");
}

/* What the capture saw of the flow, so a reader knows how far to trust it. */
static void json_visibility(struct ts_jbuf *j, const struct ts_flow *f)
{
	const struct ts_flow_visibility v = ts_flow_visibility(f);

	TS_JLIT(j, ",\"one_sided\":");
	ts_jbuf_bool(j, f->one_sided);
	TS_JLIT(j, ",\"visibility\":{\"c2s\":");
	ts_jbuf_bool(j, v.c2s);
	TS_JLIT(j, ",\"s2c\":");
	ts_jbuf_bool(j, v.s2c);
	TS_JLIT(j, ",\"handshake\":");
	ts_jbuf_bool(j, v.handshake);
	TS_JLIT(j, ",\"unseen_acked_bytes\":{\"c2s\":");
	ts_jbuf_u64(j, v.unseen_acked_c2s);
	TS_JLIT(j, ",\"s2c\":");
	ts_jbuf_u64(j, v.unseen_acked_s2c);
	TS_JLIT(j, "}}");
}

static void json_flow(struct ts_jbuf *j, const struct ts_flow *f, const struct ts_ctx_table *ctx,
                      const struct names *nm)
{
	char cli[80], srv[80];
	const struct ts_ctx_entry *e = ts_ctx_peek(ctx, ts_flow_key_ctx(&f->key));

	size_t ncli = ts_flow_format_endpoint(f, true, cli, sizeof(cli));
	size_t nsrv = ts_flow_format_endpoint(f, false, srv, sizeof(srv));
	if (ncli >= sizeof(cli) || nsrv >= sizeof(srv)) /* cut short: never at these sizes */
		ncli = strlen(cli), nsrv = strlen(srv);
	TS_JLIT(j, "{\"type\":\"flow\",\"id\":");
	ts_jbuf_u64(j, f->id);
	/* Addresses, ports and brackets: nothing to escape. */
	TS_JLIT(j, ",\"client\":\"");
	ts_jbuf_raw(j, cli, ncli);
	TS_JLIT(j, "\",\"server\":\"");
	ts_jbuf_raw(j, srv, nsrv);
	TS_JLIT(j, "\"");
	if (e) {
		TS_JLIT(j, ",\"context\":");
		ts_json_context(j, e);
	}
	TS_JLIT(j, ",\"first\":");
	ts_jbuf_time(j, &f->first);
	TS_JLIT(j, ",\"last\":");
	ts_jbuf_time(j, &f->last);
	TS_JLIT(j, ",\"client_state\":\"");
	put_name(j, TS_NAME_IN(nm->state, f->cli.state));
	TS_JLIT(j, "\",\"server_state\":\"");
	put_name(j, TS_NAME_IN(nm->state, f->srv.state));
	TS_JLIT(j, "\",\"handshake\":\"");
	put_name(j, TS_NAME_IN(nm->handshake, f->handshake));
	TS_JLIT(j, "\"");
	TS_JU(j, "syn_retransmissions", ts_endpoint_rare(&f->cli)->syn_retrans);
	TS_JU(j, "synack_retransmissions", ts_endpoint_rare(&f->srv)->syn_retrans);
	TS_JLIT(j, ",\"rtt\":{\"syn_synack\":");
	jb_rtt(j, f->has_syn_ts && f->has_synack_ts, f->syn_ns, f->synack_ns);
	TS_JLIT(j, ",\"synack_ack\":");
	jb_rtt(j, f->has_synack_ts && f->has_ack_ts, f->synack_ns, f->ack_ns);
	TS_JLIT(j, "},\"mss\":{\"client\":");
	jb_opt_u(j, f->cli.has_mss, f->cli.mss);
	TS_JLIT(j, ",\"server\":");
	jb_opt_u(j, f->srv.has_mss, f->srv.mss);
	TS_JLIT(j, ",\"effective\":");
	jb_opt_u(j, ts_flow_effective_mss(f) != 0, ts_flow_effective_mss(f));
	TS_JLIT(j, "},\"wscale\":{\"client\":");
	jb_opt_u(j, f->cli.has_wscale, f->cli.wscale);
	TS_JLIT(j, ",\"server\":");
	jb_opt_u(j, f->srv.has_wscale, f->srv.wscale);
	TS_JLIT(j, "},\"sack_permitted\":{\"client\":");
	ts_jbuf_bool(j, f->cli.sack_permitted);
	TS_JLIT(j, ",\"server\":");
	ts_jbuf_bool(j, f->srv.sack_permitted);
	TS_JLIT(j, "},\"midstream\":");
	ts_jbuf_bool(j, f->midstream);
	TS_JLIT(j, ",\"syn_cookie\":");
	ts_jbuf_bool(j, f->syn_cookie);
	json_visibility(j, f);
	TS_JLIT(j, ",\"c2s\":");
	json_dir(j, &f->cli);
	TS_JLIT(j, ",\"s2c\":");
	json_dir(j, &f->srv);
	if (j->skip_zero) {
		/* compact: the anomaly records name their flow */
		TS_JLIT(j, "}\n");
		return;
	}
	TS_JLIT(j, ",\"anomalies\":[");
	for (unsigned i = 0; i < f->n_anomalies; i++) {
		if (i)
			TS_JLIT(j, ",");
		TS_JLIT(j, "\"");
		put_code(j, nm, f->anomalies[i].code);
		TS_JLIT(j, "\"");
	}
	TS_JLIT(j, "]}\n");
}

/* Where a message is built, and cut when longer. */
#define TS_JSON_MESSAGE_MAX 1024

/* What the anomaly records of one report share: the options, and per code
 * its explanation's length, or 0 when it needs escaping (checked once: every
 * record of a code ends with the same explanation). */
struct anomaly_ctx {
	const struct ts_report_opts *opt;
	struct names names;
	size_t plain_explanation[TS_AN_COUNT];
	bool subject_only[TS_AN_COUNT]; /* the specifics name the subject, no figure */
};

/* Whether the specifics of code say who and nothing more, asked of
 * ts_anomaly_specifics itself on a sample with a figure in every field:
 * then a record writes its subject without building the message. */
static bool specifics_are_subject(enum ts_anomaly_code code)
{
	struct ts_flow f;
	char who[160], msg[sizeof(who) + 256];

	memset(&f, 0, sizeof(f));
	f.key.af = 4;
	f.cli.syn_count = 1;
	struct ts_anomaly a = ts_anomaly_new(code, TS_EP_CLIENT, &(struct timespec){ 1, 0 });
	a.has_duration = 1;
	a.duration.tv_sec = 1;
	a.value = a.value2 = 1;
	struct ts_report_anomaly ra = { &f, &a };
	ts_anomaly_subject(&ra, who, sizeof(who));
	ts_anomaly_specifics(&ra, msg, sizeof(msg));
	return !strcmp(who, msg);
}

static void anomaly_ctx_init(struct anomaly_ctx *c, const struct ts_report_opts *opt)
{
	c->opt = opt;
	names_init(&c->names);
	for (int code = 0; code < TS_AN_COUNT; code++) {
		const char *e = ts_anomaly_info((enum ts_anomaly_code)code)->explanation;
		size_t n = strlen(e);
		c->plain_explanation[code] = ts_json_plain_len(e, n) == n ? n : 0;
		c->subject_only[code] = specifics_are_subject((enum ts_anomaly_code)code);
	}
}

/* A flow's endpoint as its subject ("server 192.0.2.10:80"), straight into
 * the record: addresses, ports and brackets need no escaping. False when
 * the message is not that, or would have been cut. */
static bool json_endpoint_message(struct ts_jbuf *j, const struct ts_report_anomaly *ra, size_t expl)
{
	const struct ts_anomaly *a = ra->a;
	char ep[80];

	if (!ra->flow || (a->endpoint != TS_EP_CLIENT && a->endpoint != TS_EP_SERVER))
		return false;
	size_t n = ts_flow_format_endpoint(ra->flow, a->endpoint == TS_EP_CLIENT, ep, sizeof(ep));
	if (n >= sizeof(ep) || sizeof("client ") - 1 + n + 2 + expl >= TS_JSON_MESSAGE_MAX)
		return false;
	TS_JLIT(j, ",\"message\":\"");
	if (a->endpoint == TS_EP_CLIENT)
		TS_JLIT(j, "client ");
	else
		TS_JLIT(j, "server ");
	ts_jbuf_raw(j, ep, n);
	TS_JLIT(j, ". ");
	ts_jbuf_raw(j, ts_anomaly_info(a->code)->explanation, expl);
	TS_JLIT(j, "\"");
	return true;
}

/* The message: what ts_anomaly_message writes, with the explanation copied
 * as it is when it needs no escaping and the whole fits where the message
 * would be built (it is cut there otherwise). */
static void json_message(struct ts_jbuf *j, const struct ts_report_anomaly *ra, const struct anomaly_ctx *c)
{
	char msg[TS_JSON_MESSAGE_MAX];
	size_t expl = ra->a->code < TS_AN_COUNT ? c->plain_explanation[ra->a->code] : 0;

	if (expl && c->subject_only[ra->a->code] && json_endpoint_message(j, ra, expl))
		return;
	if (expl) {
		size_t n = ts_anomaly_specifics(ra, msg, sizeof(msg));
		if (n + 2 + expl < sizeof(msg)) {
			TS_JLIT(j, ",\"message\":\"");
			ts_jbuf_escaped(j, msg, n);
			TS_JLIT(j, ". ");
			ts_jbuf_raw(j, ts_anomaly_info(ra->a->code)->explanation, expl);
			TS_JLIT(j, "\"");
			return;
		}
	}
	ts_anomaly_message(ra, msg, sizeof(msg));
	TS_JLIT(j, ",\"message\":");
	ts_jbuf_string(j, msg);
}

static void json_anomaly(struct ts_jbuf *j, const struct ts_report_anomaly *ra, const struct anomaly_ctx *c)
{
	const struct ts_anomaly *a = ra->a;

	TS_JLIT(j, "{\"type\":\"anomaly\",\"flow\":");
	if (ra->flow)
		ts_jbuf_u64(j, ra->flow->id);
	else
		TS_JLIT(j, "null");
	TS_JLIT(j, ",\"code\":\"");
	put_code(j, &c->names, a->code);
	TS_JLIT(j, "\",\"severity\":\"");
	put_name(j, TS_NAME_IN(c->names.severity, a->severity));
	TS_JLIT(j, "\"");
	TS_JU(j, "severity_code", a->severity);
	TS_JLIT(j, ",\"ts\":");
	ts_jbuf_time(j, &a->ts);
	if (a->endpoint == TS_EP_CLIENT)
		TS_JLIT(j, ",\"endpoint\":\"client\"");
	else if (a->endpoint == TS_EP_SERVER)
		TS_JLIT(j, ",\"endpoint\":\"server\"");
	else
		TS_JLIT(j, ",\"endpoint\":null");
	if (!ra->flow) {
		char addr[64];
		ts_format_addr(a->host_af, a->host_addr, addr, sizeof(addr));
		TS_JLIT(j, ",\"host\":");
		ts_jbuf_string(j, addr);
		if (a->port)
			TS_JU(j, "port", a->port);
	}
	if (a->has_duration) {
		TS_JLIT(j, ",\"duration\":");
		ts_jbuf_double(j, ts_timespec_sec(&a->duration), 6);
	}
	TS_JU(j, "value", a->value);
	json_message(j, ra, c);
	TS_JLIT(j, "}\n");
}

void ts_json_states(struct ts_jbuf *j, const uint64_t states[TS_ST_COUNT])
{
	bool first = true;

	TS_JLIT(j, "{");
	for (int s = 0; s < TS_ST_COUNT; s++)
		if (states[s])
			ts_jbuf_count(j, &first, ts_tcp_state_name((enum ts_tcp_state)s), states[s]);
	TS_JLIT(j, "}");
}

struct context_walk {
	struct ts_jbuf *j;
	enum ts_ctx_kind want;
	unsigned count;
};

static void context_count(void *arg, enum ts_ctx_kind kind, uint32_t value)
{
	struct context_walk *w = arg;

	(void)value;
	w->count += kind == w->want;
}

static void context_value(void *arg, enum ts_ctx_kind kind, uint32_t value)
{
	struct context_walk *w = arg;

	if (kind != w->want)
		return;
	if (w->count++)
		TS_JLIT(w->j, ",");
	ts_jbuf_u64(w->j, value);
}

void ts_json_context(struct ts_jbuf *j, const struct ts_ctx_entry *e)
{
	struct context_walk w = { j, TS_CTX_VLAN, 0 };
	bool any = false;

	TS_JLIT(j, "{");
	for (int k = TS_CTX_VLAN; k <= TS_CTX_GRE_KEY; k++) {
		w.want = (enum ts_ctx_kind)k;
		w.count = 0;
		ts_ctx_walk(e, context_count, &w);
		if (!w.count)
			continue;
		if (any)
			TS_JLIT(j, ",");
		ts_jbuf_name(j, ts_ctx_kind_name(w.want));
		TS_JLIT(j, "[");
		w.count = 0;
		ts_ctx_walk(e, context_value, &w);
		TS_JLIT(j, "]");
		any = true;
	}
	TS_JLIT(j, "}");
}

/* A busy server's summary lists a host per client: no printf per field. */
static void json_host(struct ts_jbuf *j, const struct ts_host *h, bool first)
{
	char addr[64];

	ts_format_addr(h->af, h->addr, addr, sizeof(addr));
	if (first)
		TS_JLIT(j, "{\"host\":");
	else
		TS_JLIT(j, ",{\"host\":");
	ts_jbuf_string(j, addr);
	TS_JU(j, "connections", h->connections);
	TS_JU(j, "active_opens", h->active_opens);
	TS_JU(j, "passive_opens", h->passive_opens);
	TS_JU(j, "failed_attempts", h->failed_attempts);
	TS_JU(j, "resets", h->resets);
	TS_JU(j, "current", h->current);
	TS_JU(j, "segments_received", h->segments_received);
	TS_JU(j, "segments_sent", h->segments_sent);
	TS_JU(j, "segments_retransmitted", h->segments_retransmitted);
	/* One connection whose IP-IDs are not per-socket refutes the counter
	 * model for the host: its numbers are a host-wide property. */
	TS_JU(j, "segments_retransmitted_estimate",
	      h->segments_retransmitted + (h->ipid_not_per_socket ? 0 : h->retrans_lost_estimate));
	/* netstat's rate from the double, as the text report prints it */
	TS_JLIT(j, ",\"retrans_pct\":");
	if (h->segments_retransmitted)
		ts_jbuf_double(j, ts_host_retrans_pct(h), 2);
	else
		TS_JLIT(j, "0.00");
	TS_JLIT(j, ",\"states\":");
	ts_json_states(j, h->states);
	TS_JLIT(j, "}");
}

/* Present once fragments were seen, every counter then. */
static void json_fragments(struct ts_jbuf *j, const struct ts_reasm_stats *st)
{
	const char *key, *text;
	uint64_t v;

	if (!ts_reasm_stats_any(st))
		return;
	TS_JLIT(j, ",\"ip_fragments\":{\"received\":");
	ts_jbuf_u64(j, st->fragments);
	for (unsigned i = 0; ts_reasm_stat(st, i, &key, &text, &v); i++) {
		TS_JLIT(j, ",");
		ts_jbuf_name(j, key);
		ts_jbuf_u64(j, v);
	}
	TS_JLIT(j, "}");
}

static void json_summary(struct ts_jbuf *j, const struct ts_report_input *in)
{
	const struct ts_analyzer *an = in->an;
	const struct ts_decode_stats *d = &an->dec;
	bool first;

	TS_JLIT(j, "{\"type\":\"summary\",\"inputs\":[");
	for (size_t i = 0; i < in->n_inputs; i++) {
		if (i)
			TS_JLIT(j, ",");
		ts_jbuf_string(j, in->inputs[i]);
	}
	TS_JLIT(j, "],\"packets\":");
	ts_jbuf_u64(j, d->packets);
	TS_JLIT(j, ",\"bytes\":");
	ts_jbuf_u64(j, d->bytes);
	TS_JLIT(j, ",\"tcp_segments\":");
	ts_jbuf_u64(j, d->tcp_segments);
	TS_JLIT(j, ",\"first\":");
	ts_jbuf_time(j, &an->first);
	TS_JLIT(j, ",\"last\":");
	ts_jbuf_time(j, &an->last);
	TS_JLIT(j, ",\"decode_errors\":{");
	first = true;
	for (int r = 1; r < TS_DR_COUNT; r++)
		if (d->reason[r])
			ts_jbuf_count(j, &first, ts_decode_reason_name((enum ts_decode_reason)r), d->reason[r]);
	TS_JLIT(j, "},\"decode_events\":{");
	first = true;
	for (unsigned b = 0; b < TS_DE_COUNT_BITS; b++)
		if (d->event[b])
			ts_jbuf_count(j, &first, ts_decode_event_name(b), d->event[b]);
	TS_JLIT(j, "}");
	first = true;
	for (unsigned e = 0; e < TS_ENC_COUNT; e++) {
		if (!d->encap[e])
			continue;
		if (first)
			TS_JLIT(j, ",\"encapsulations\":{");
		ts_jbuf_count(j, &first, ts_encap_name(e), d->encap[e]);
	}
	if (!first)
		TS_JLIT(j, "}");
	json_fragments(j, &an->reasm.st);
	if (d->first_unsupported_dlt >= 0) {
		TS_JLIT(j, ",\"unsupported_linktype\":");
		ts_jbuf_string(j, ts_linktype_name(d->first_unsupported_dlt));
	}
	TS_JU(j, "bad_records", in->cap.bad_records);
	TS_JLIT(j, ",\"truncated\":");
	ts_jbuf_bool(j, in->truncated);
	if (in->interrupted) {
		TS_JLIT(j, ",\"interrupted\":");
		ts_jbuf_string(j, in->interrupted);
	}
	if (in->error) {
		TS_JLIT(j, ",\"error\":");
		ts_jbuf_string(j, in->error);
	}
	if (in->cap.live) {
		TS_JLIT(j, ",\"capture_drops\":{\"kernel\":");
		ts_jbuf_u64(j, in->cap.dropped);
		TS_JLIT(j, ",\"interface\":");
		ts_jbuf_u64(j, in->cap.if_dropped);
		TS_JLIT(j, "}");
	}
	if (in->syslog_target)
		TS_JU(j, "syslog_failures", in->syslog_failures);
	TS_JU(j, "flows", in->n_flows);
	TS_JLIT(j, ",\"flows_evicted\":{\"closed\":");
	ts_jbuf_u64(j, an->flows.evicted_closed);
	TS_JLIT(j, ",\"open\":");
	ts_jbuf_u64(j, an->flows.evicted_open);
	TS_JLIT(j, ",\"idle\":");
	ts_jbuf_u64(j, an->flows.evicted_idle);
	TS_JLIT(j, "}");
	TS_JU(j, "flows_unlisted", an->flows.unlisted);
	TS_JU(j, "hosts_unlisted", an->hosts.unlisted);
	TS_JU(j, "port_reuse", an->flows.port_reuse);
	TS_JLIT(j, ",\"states\":");
	ts_json_states(j, in->states);
	TS_JLIT(j, ",\"anomalies\":{");
	first = true;
	for (int c = 0; c < TS_AN_COUNT; c++)
		if (an->anomaly_counts[c])
			ts_jbuf_count(j, &first, ts_anomaly_info((enum ts_anomaly_code)c)->code, an->anomaly_counts[c]);
	TS_JLIT(j, "},\"hosts\":[");
	for (size_t i = 0; i < in->n_hosts; i++)
		json_host(j, in->hosts[i], i == 0);
	TS_JLIT(j, "]}\n");
	ts_jbuf_flush(j);
}

struct flow_ctx {
	const struct ts_report_opts *opt;
	struct names names;
};

static void flow_record(const struct ts_report_input *in, size_t i, struct ts_jbuf *j, const void *ctx)
{
	const struct flow_ctx *c = ctx;
	const struct ts_report_opts *opt = c->opt;
	const struct ts_flow *f = ts_report_flow(in, i);

	if (opt->flows != TS_FLOWS_ANOMALOUS || ts_flow_is_anomalous(f)) {
		j->skip_zero = opt->compact; /* --compact: no zero counters */
		json_flow(j, f, in->an->ctx, &c->names);
		j->skip_zero = false;
	}
}

static void anomaly_record(const struct ts_report_input *in, size_t i, struct ts_jbuf *j, const void *ctx)
{
	const struct anomaly_ctx *c = ctx;

	if (in->anomalies[i].severity > c->opt->min_severity)
		return;
	/* The record reads the flow's id, key and roles: the flow is unpacked
	 * only for a message that needs its figures. */
	struct ts_report_anomaly ra = ts_anomaly_message_reads_figures(in->anomalies[i].code)
	                                      ? ts_report_anomaly(in, i)
	                                      : ts_report_anomaly_named(in, i);
	json_anomaly(j, &ra, c);
}

static int json_write(const struct ts_report_input *in, const struct ts_report_opts *opt)
{
	FILE *o = opt->out;
	struct anomaly_ctx actx;
	struct flow_ctx fctx;

	anomaly_ctx_init(&actx, opt);
	fctx.opt = opt;
	fctx.names = actx.names;
	if (!opt->quiet &&
	    (ts_report_records(in, in->n_flows, opt->threads, TS_REPORT_CHUNK, flow_record, &fctx, o) < 0 ||
	     ts_report_records(in, in->n_anomalies, opt->threads, TS_REPORT_CHUNK, anomaly_record, &actx, o) < 0))
		return -1;
	struct ts_jbuf *j = malloc(sizeof(*j));
	if (!j)
		return -1;
	ts_jbuf_init(j, o);
	json_summary(j, in);
	free(j);
	return ferror(o) ? -1 : 0;
}

const struct ts_reporter_ops ts_reporter_json = {
	.name = "json",
	.write = json_write,
	.interval_json = true,
};
