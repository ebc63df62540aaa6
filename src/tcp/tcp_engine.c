/* \summary: per-segment driver: classify, advance states, keep ACK and window facts */
#include <string.h>

#include "tcp_classify.h"
#include "tcp_state.h"
#include "tcp_vantage.h"
#include "tcpscope/seq.h"
#include "tcpscope/tcp_engine.h"
#include "tcpscope/timespec.h"
#include "tcpscope/units.h"

static bool stall_state(enum ts_tcp_state s)
{
	return s == TS_ST_CLOSE_WAIT || s == TS_ST_FIN_WAIT_1 || s == TS_ST_FIN_WAIT_2 ||
	       s == TS_ST_LAST_ACK || s == TS_ST_CLOSING;
}

static enum ts_anomaly_code stall_code(enum ts_tcp_state s)
{
	switch (s) {
	case TS_ST_CLOSE_WAIT: return TS_AN_CLOSE_WAIT_STALL;
	case TS_ST_FIN_WAIT_1: return TS_AN_FIN_WAIT_1_STALL;
	case TS_ST_FIN_WAIT_2: return TS_AN_FIN_WAIT_2_STALL;
	case TS_ST_LAST_ACK: return TS_AN_LAST_ACK_STALL;
	default: return TS_AN_CLOSING_STALL;
	}
}

static struct timespec ts_sub(const struct timespec *a, const struct timespec *b)
{
	int64_t d = ts_timespec_ns(a) - ts_timespec_ns(b);
	if (d < 0)
		d = 0;
	return (struct timespec){ .tv_sec = d / TS_NSEC_PER_SEC, .tv_nsec = d % TS_NSEC_PER_SEC };
}

/* A stall is reported once it has lasted the stall timeout, with its length. */
void ts_tcp_check_stall(const struct ts_tcp_env *env, struct ts_flow *f, struct ts_endpoint *ep,
                        const struct timespec *until)
{
	if (!stall_state(ep->state))
		return;
	/* Each of these states waits for the peer (or, CLOSE_WAIT, was reached
	 * on its FIN): with nothing captured from the peer, how long it lasted
	 * is not known. */
	if (ts_tcp_peer_silent(ep == &f->cli ? &f->srv : &f->cli))
		return;
	/* A state never entered on a packet has no time of its own: the flow's. */
	struct timespec since = ep->state_since_ns ? ts_ns_timespec(ep->state_since_ns) : f->first;
	struct timespec dur = ts_sub(until, &since);
	if (ep->stall_reported) {
		/* Reported while it lasted (a live run checks on the clock): the
		 * report gets its whole length, up to now. */
		enum ts_anomaly_endpoint who = ep == &f->cli ? TS_EP_CLIENT : TS_EP_SERVER;
		for (unsigned i = f->n_anomalies; i-- > 0;) {
			struct ts_anomaly *a = &f->anomalies[i];
			if (a->code == stall_code(ep->state) && a->endpoint == who) {
				if (ts_timespec_ns(&dur) > ts_timespec_ns(&a->duration))
					a->duration = dur;
				if (ep->state == TS_ST_FIN_WAIT_1 || ep->state == TS_ST_LAST_ACK)
					a->value = ts_endpoint_rare(ep)->fin_retrans;
				break;
			}
		}
		return;
	}
	if (ts_timespec_sec(&dur) < env->cfg.stall_timeout)
		return;
	ep->stall_reported = true;
	struct ts_anomaly a = ts_anomaly_new(stall_code(ep->state), ep == &f->cli ? TS_EP_CLIENT : TS_EP_SERVER,
	                                     &since);
	a.has_duration = 1;
	a.duration = dur;
	if (ep->state == TS_ST_FIN_WAIT_1 || ep->state == TS_ST_LAST_ACK)
		a.value = ts_endpoint_rare(ep)->fin_retrans;
	ts_tcp_env_anomaly(env, f, &a);
}

void ts_tcp_set_state(const struct ts_tcp_env *env, struct ts_flow *f, struct ts_endpoint *ep,
                      enum ts_tcp_state to, const struct timespec *ts, uint64_t index)
{
	enum ts_tcp_state from = ep->state;

	if (from == to)
		return;
	ts_tcp_check_stall(env, f, ep, ts);
	if (to == TS_ST_SYN_SENT && !ep->active_open)
		ep->active_open = true;
	if (to == TS_ST_ESTABLISHED && from == TS_ST_SYN_RECEIVED && ep->passive)
		ep->passive_open = true;
	if (to == TS_ST_SYN_RECEIVED && from == TS_ST_SYN_SENT)
		f->simultaneous_open = true;
	if (to == TS_ST_CLOSED) {
		if (from == TS_ST_SYN_SENT || from == TS_ST_SYN_RECEIVED)
			ep->attempt_failed = true;
		if (from == TS_ST_ESTABLISHED || from == TS_ST_CLOSE_WAIT)
			ep->estab_reset = true;
	}
	ep->prev_state = from;
	ep->state = to;
	ep->state_since_ns = ts_timespec_ns(ts);
	ep->stall_reported = false;
	if (env->on_transition)
		env->on_transition(env->transition_ctx, f, ep == &f->cli, from, to, ts, index);
}

void ts_flow_add_anomaly(const struct ts_tcp_env *env, struct ts_flow *f, enum ts_anomaly_code code,
                         enum ts_anomaly_endpoint ep, const struct timespec *ts)
{
	struct ts_anomaly a = ts_anomaly_new(code, ep, ts);
	ts_tcp_env_anomaly(env, f, &a);
}

void ts_tcp_expire_time_wait(const struct ts_tcp_env *env, struct ts_flow *f, const struct timespec *now)
{
	struct ts_endpoint *eps[2] = { &f->cli, &f->srv };

	for (int i = 0; i < 2; i++) {
		struct ts_endpoint *e = eps[i];
		if (e->state != TS_ST_TIME_WAIT)
			continue;
		int64_t end = e->state_since_ns + (int64_t)(env->cfg.time_wait * TS_NSEC_PER_SEC);
		if (ts_timespec_ns(now) >= end) {
			struct timespec at = { .tv_sec = end / TS_NSEC_PER_SEC, .tv_nsec = end % TS_NSEC_PER_SEC };
			ts_tcp_set_state(env, f, e, TS_ST_CLOSED, &at, 0);
		}
	}
}

/* What the sender's ACK and window say about the receiver's data. */
static void note_ack_and_window(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd, *r = c->rcv;
	const struct ts_seg *g = c->seg;
	const struct ts_decoded *d = g->d;

	uint32_t scale = (s->has_wscale && r->has_wscale && !(g->flags & TS_TCP_SYN)) ? s->wscale : 0;
	s->window = (uint32_t)d->window << scale;
	if (g->flags & TS_TCP_ACK) {
		if (r->has_isn && (TS_SEQ_GT(g->ack, r->snd_una) || r->snd_una == r->isn)) {
			uint32_t before = r->snd_una;
			r->snd_una = g->ack;
			uint64_t holes = ts_scoreboard_ack(&r->sb, g->ack);
			/* A reset's ACK field proves no receipt. */
			if (!(g->flags & TS_TCP_RST))
				ts_tcp_note_acked_seen_sender(r, before, g->ack, holes);
		} else if (!r->has_isn && !(g->flags & TS_TCP_RST)) {
			ts_tcp_note_acked_silent_sender(r, g->ack);
		}
		if (r->fin_sent && TS_SEQ_GEQ(g->ack, r->fin_seq + 1))
			r->fin_acked = true;
		s->last_ack_sent = g->ack;
		s->last_ack_window = d->window;
	}
	/* Zero window: from the first zero advertisement until it opens again. */
	if (!(g->flags & (TS_TCP_SYN | TS_TCP_RST))) {
		int64_t zero_since = ts_endpoint_rare(s)->zero_window_since_ns;
		struct ts_endpoint_rare *r;
		if (d->window == 0 && !zero_since && (r = ts_endpoint_rare_get(s))) {
			r->zero_window_since_ns = g->ts_ns;
			r->zero_window++;
		} else if (d->window != 0 && zero_since) {
			ts_tcp_note_zero_window_end(c->env, c->f, s, g->ts_ns);
		}
	}
}

void ts_tcp_note_zero_window_end(const struct ts_tcp_env *env, struct ts_flow *f, struct ts_endpoint *e,
                                 int64_t end_ns)
{
	struct ts_endpoint_rare *r = e->rare;
	if (!r)
		return; /* no zero window was ever seen */
	int64_t dur = end_ns - r->zero_window_since_ns;
	if ((double)dur / TS_NSEC_PER_SEC >= env->cfg.zero_window_min) {
		struct timespec at = { .tv_sec = r->zero_window_since_ns / TS_NSEC_PER_SEC,
		                       .tv_nsec = r->zero_window_since_ns % TS_NSEC_PER_SEC };
		struct ts_anomaly a = ts_anomaly_new(TS_AN_ZERO_WINDOW_STALL,
		                                     e == &f->cli ? TS_EP_CLIENT : TS_EP_SERVER, &at);
		a.has_duration = 1;
		a.duration = (struct timespec){ .tv_sec = dur / TS_NSEC_PER_SEC, .tv_nsec = dur % TS_NSEC_PER_SEC };
		ts_tcp_env_anomaly(env, f, &a);
	}
	r->zero_window_since_ns = 0;
}

static void note_options(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd;
	const struct ts_tcp_opts *o = &c->seg->d->opts;

	if (!(c->seg->flags & TS_TCP_SYN))
		return;
	/* The first SYN's options hold: a resent SYN (same ISN) that offers
	 * others does not change what the peer was told first. */
	if (s->syn_seen && s->has_isn && c->seg->seq == s->isn)
		return;
	if (o->has_mss) {
		s->has_mss = true;
		s->mss = o->mss;
	}
	if (o->has_wscale) {
		s->has_wscale = true;
		s->wscale = o->wscale > 14 ? 14 : o->wscale;
	}
	s->sack_permitted = o->sack_permitted;
}

static void note_handshake_times(struct ts_tcp_ctx *c)
{
	struct ts_flow *f = c->f;
	const struct ts_seg *g = c->seg;
	uint8_t fl = g->flags;

	/* The SYN-ACK answers the last SYN before it: the time from an earlier
	 * one includes the SYN timeout, not the round trip. */
	if ((fl & TS_TCP_SYN) && !(fl & TS_TCP_ACK) && c->from_client && !f->has_synack_ts) {
		f->syn_ns = g->ts_ns;
		f->has_syn_ts = true;
	} else if ((fl & TS_TCP_SYN) && (fl & TS_TCP_ACK) && !c->from_client && !f->has_synack_ts) {
		f->synack_ns = g->ts_ns;
		f->has_synack_ts = true;
	} else if (!(fl & TS_TCP_SYN) && (fl & TS_TCP_ACK) && c->from_client && f->has_synack_ts &&
	           !f->has_ack_ts && TS_SEQ_GEQ(g->ack, f->srv.isn + 1)) {
		f->ack_ns = g->ts_ns;
		f->has_ack_ts = true;
	}
}

static void notify_segment(const struct ts_tcp_env *env, const struct ts_flow *f, const struct ts_tcp_ctx *c)
{
	const struct ts_seg *g = c->seg;
	struct ts_segment_event ev = {
		.ts = g->ts,
		.flow_id = f->id,
		.pkt_index = g->index,
		.from_client = c->from_client,
		.retransmission = g->retx,
		.flags = g->flags,
		.cls = (uint8_t)g->cls,
		.seq = g->seq - c->snd->isn - 1,
		.len = g->len,
		.ack = c->rcv->has_isn ? g->ack - c->rcv->isn - 1 : 0,
		.window = c->snd->window,
		.rule = g->rule,
		.retx_kind = g->retx_kind,
		.hole_age_ns = g->hole_age_ns,
		.since_prev_ns = g->since_prev_ns,
		.ip_id = g->d->ip_id,
		.newest_ip_id = g->newest_ip_id,
		.highest_sent = g->highest_sent - c->snd->isn - 1,
		.peer_dup_acks = c->rcv->dup_ack_run,
	};
	env->on_segment(env->segment_ctx, f, &ev);
}

void ts_tcp_segment(const struct ts_tcp_env *env, struct ts_flow *f, bool from_client,
                    const struct ts_decoded *d, const struct ts_pkt *pkt)
{
	struct ts_seg seg = {
		.d = d,
		.ts = pkt->ts,
		.ts_ns = ts_timespec_ns(&pkt->ts),
		.index = pkt->index,
		.seq = d->seq,
		.ack = d->ack,
		.len = d->payload_len,
		.flags = d->flags,
	};
	seg.seq_len = seg.len + !!(d->flags & TS_TCP_SYN) + !!(d->flags & TS_TCP_FIN);

	struct ts_tcp_ctx c = {
		.env = env, .f = f, .seg = &seg,
		.snd = from_client ? &f->cli : &f->srv,
		.rcv = from_client ? &f->srv : &f->cli,
		.from_client = from_client,
	};

	if (f->cli.state == TS_ST_TIME_WAIT || f->srv.state == TS_ST_TIME_WAIT)
		ts_tcp_expire_time_wait(env, f, &pkt->ts);
	note_options(&c);
	ts_tcp_classify(&c);
	if (seg.cls != TS_SEG_SPAN_DUP) {
		note_handshake_times(&c);
		ts_tcp_state_advance(&c);
		note_ack_and_window(&c);
		if ((d->flags & TS_TCP_FIN) && !c.snd->fin_sent && c.rcv->fin_sent &&
		    !(TS_SEQ_GEQ(seg.ack, c.rcv->fin_seq + 1) && (d->flags & TS_TCP_ACK))) {
			struct ts_endpoint_rare *r;
			if (!f->simultaneous_close && (r = ts_endpoint_rare_get(&f->cli)))
				r->simultaneous_close_ns = seg.ts_ns;
			f->simultaneous_close = true; /* FIN sent before the peer's FIN arrived */
		}
		if ((d->flags & TS_TCP_FIN) && !c.snd->fin_sent) {
			c.snd->fin_sent = true;
			c.snd->fin_seq = seg.seq + seg.len;
		}
	}
	if (env->on_segment)
		notify_segment(env, f, &c);
	struct ts_endpoint *s = c.snd;
	s->seen = true;
	s->last_seq = seg.seq;
	s->last_seq_len = seg.seq_len;
	s->last_ip_id = d->ip_id;
	s->last_frame_sig = ts_tcp_frame_signature(d);
	s->last_was_syn = d->flags & TS_TCP_SYN;
	s->last_send_ns = ts_timespec_ns(&pkt->ts);
	f->last = pkt->ts;
}
