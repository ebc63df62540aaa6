/* \summary: end-of-flow findings: handshake outcome, stalls still open, per-flow anomalies */
#include "tcp_vantage.h"
#include "tcpscope/tcp_engine.h"
#include "tcpscope/tcp_finish.h"
#include "tcpscope/timespec.h"

/* Linux resends a SYN-ACK from a real request socket after 1 s; a SYN-ACK
 * that is never resent for longer came from a SYN cookie (no socket kept). */
#define TS_SYNACK_COOKIE_SEC 2.0

static enum ts_handshake handshake_outcome(const struct ts_flow *f)
{
	if (f->midstream)
		return TS_HS_MIDSTREAM;
	if (f->simultaneous_open)
		return TS_HS_SIMULTANEOUS_OPEN;
	if (f->refused)
		return TS_HS_REFUSED;
	if (!f->srv.syn_seen) {
		/* With the SYN-ACK missing, the client's ACK of it completes it. */
		if (f->cli.syn_seen)
			return f->has_ack_ts ? TS_HS_COMPLETE : TS_HS_UNANSWERED;
		return TS_HS_NONE;
	}
	if (f->has_ack_ts || f->srv.passive_open)
		return TS_HS_COMPLETE;
	return TS_HS_HALF_OPEN;
}

static enum ts_anomaly_endpoint ep_of(const struct ts_flow *f, const struct ts_endpoint *e)
{
	return e == &f->cli ? TS_EP_CLIENT : TS_EP_SERVER;
}

static void retrans_findings(const struct ts_tcp_env *env, struct ts_flow *f, struct ts_endpoint *e)
{
	const struct ts_tcp_config *cfg = &env->cfg;
	const struct ts_dir_counts *st = &e->st;
	uint32_t spurious = ts_endpoint_rare(e)->spurious_retrans;

	if (spurious) {
		struct ts_anomaly a = ts_anomaly_new(TS_AN_SPURIOUS_RETRANSMISSIONS, ep_of(f, e), &f->first);
		a.value = spurious;
		ts_tcp_env_anomaly(env, f, &a);
	}
	if (st->data_segments < cfg->retrans_min_segments || !st->retrans_segments)
		return;
	double pct = 100.0 * (double)st->retrans_segments / (double)st->data_segments;
	if (pct <= cfg->retrans_warn_pct)
		return;
	struct ts_anomaly a = ts_anomaly_new(TS_AN_RETRANSMISSION_HIGH, ep_of(f, e), &f->first);
	if (pct > cfg->retrans_err_pct)
		a.severity = TS_SEV_ERR;
	a.value = st->retrans_segments;
	a.value2 = (uint32_t)(pct * 100.0 + 0.5);
	ts_tcp_env_anomaly(env, f, &a);
}

static void mss_findings(const struct ts_tcp_env *env, struct ts_flow *f)
{
	struct ts_endpoint *eps[2] = { &f->cli, &f->srv };

	for (int i = 0; i < 2; i++) {
		struct ts_endpoint *e = eps[i];
		if (e->syn_seen && !e->has_mss)
			ts_flow_add_anomaly(env, f, TS_AN_MSS_MISSING, ep_of(f, e), &f->first);
		if (ts_endpoint_rare(e)->over_mss) {
			struct ts_anomaly a = ts_anomaly_new(TS_AN_SEGMENT_EXCEEDS_MSS, ep_of(f, e), &f->first);
			a.value = ts_endpoint_rare(e)->over_mss;
			ts_tcp_env_anomaly(env, f, &a);
		}
		if (ts_endpoint_rare(e)->fragments) {
			struct ts_anomaly a = ts_anomaly_new(TS_AN_IP_FRAGMENTED, ep_of(f, e), &f->first);
			a.value = ts_endpoint_rare(e)->fragments;
			ts_tcp_env_anomaly(env, f, &a);
		}
	}
	if (f->cli.has_mss && f->srv.has_mss && !ts_mss_pair_ordinary(f->cli.mss, f->srv.mss)) {
		struct ts_anomaly a = ts_anomaly_new(TS_AN_MSS_MISMATCH, TS_EP_NONE, &f->first);
		a.value = f->cli.mss;
		a.value2 = f->srv.mss;
		ts_tcp_env_anomaly(env, f, &a);
	}
}

/* Resets the receiver would not obey at once (RFC 5961 challenge ACK). */
static void rst_findings(const struct ts_tcp_env *env, struct ts_flow *f)
{
	struct ts_endpoint *eps[2] = { &f->cli, &f->srv };

	for (int i = 0; i < 2; i++) {
		uint32_t n = ts_endpoint_rare(eps[i])->rst_in_window;
		if (!n)
			continue;
		struct ts_anomaly a = ts_anomaly_new(TS_AN_RST_IN_WINDOW, ep_of(f, eps[i]), &f->first);
		a.value = n;
		a.value2 = ts_endpoint_rare(eps[1 - i])->challenge_acks;
		ts_tcp_env_anomaly(env, f, &a);
	}
}

static void infer_syn_cookie(const struct ts_tcp_env *env, struct ts_flow *f, const struct timespec *now)
{
	struct ts_endpoint *s = &f->srv;

	if (s->state != TS_ST_SYN_RECEIVED || !s->passive || s->syn_count > 1 || !f->has_synack_ts)
		return;
	struct timespec synack = ts_ns_timespec(f->synack_ns);
	if (ts_timespec_sec(now) - ts_timespec_sec(&synack) < TS_SYNACK_COOKIE_SEC)
		return;
	f->syn_cookie = true;
	/* The server never had a socket for it; no failed attempt either. */
	s->state = TS_ST_CLOSED;
	s->state_since_ns = f->synack_ns;
	(void)env;
}

void ts_tcp_flow_finish(const struct ts_tcp_env *env, struct ts_flow *f, const struct timespec *now)
{
	if (f->finished)
		return;
	f->finished = true;
	ts_tcp_vantage_finish(f);
	ts_tcp_expire_time_wait(env, f, now);
	infer_syn_cookie(env, f, now);
	ts_tcp_check_stall(env, f, &f->cli, now);
	ts_tcp_check_stall(env, f, &f->srv, now);
	if (ts_endpoint_rare(&f->cli)->zero_window_since_ns)
		ts_tcp_note_zero_window_end(env, f, &f->cli, ts_timespec_ns(now));
	if (ts_endpoint_rare(&f->srv)->zero_window_since_ns)
		ts_tcp_note_zero_window_end(env, f, &f->srv, ts_timespec_ns(now));

	struct timespec synack = ts_ns_timespec(f->synack_ns);
	f->handshake = handshake_outcome(f);
	switch (f->handshake) {
	case TS_HS_UNANSWERED:
		/* from the first SYN: f->syn_ns is the last one */
		ts_flow_add_anomaly(env, f, TS_AN_SYN_UNANSWERED, TS_EP_CLIENT, &f->first);
		break;
	case TS_HS_REFUSED:
		ts_flow_add_anomaly(env, f, TS_AN_CONNECTION_REFUSED, TS_EP_SERVER, &f->first);
		break;
	case TS_HS_HALF_OPEN:
		if (!f->syn_cookie)
			ts_flow_add_anomaly(env, f, TS_AN_HALF_OPEN, TS_EP_SERVER, f->has_synack_ts ? &synack : &f->first);
		break;
	case TS_HS_SIMULTANEOUS_OPEN:
		ts_flow_add_anomaly(env, f, TS_AN_SIMULTANEOUS_OPEN, TS_EP_NONE, &f->first);
		break;
	default:
		break;
	}
	/* Flow-wide rare times are kept in the client's rare part. */
	struct timespec close_ts = ts_ns_timespec(ts_endpoint_rare(&f->cli)->simultaneous_close_ns);
	if (f->simultaneous_close)
		ts_flow_add_anomaly(env, f, TS_AN_SIMULTANEOUS_CLOSE, TS_EP_NONE, &close_ts);
	close_ts = ts_ns_timespec(ts_endpoint_rare(&f->cli)->half_close_ns);
	if (f->half_close)
		ts_flow_add_anomaly(env, f, TS_AN_HALF_CLOSE, TS_EP_NONE, &close_ts);
	rst_findings(env, f);
	mss_findings(env, f);
	retrans_findings(env, f, &f->cli);
	retrans_findings(env, f, &f->srv);
}
