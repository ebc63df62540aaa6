/* \summary: RFC 793 state machine of both endpoints: one handler per state */
#include "tcp_state.h"
#include "tcp_vantage.h"
#include "tcpscope/seq.h"
#include "tcpscope/tcp_engine.h"

/*
 * Each segment is an event for two endpoints: its sender (which we saw send
 * it) and its receiver (which we assume got it, as the capture point did).
 * Receipt of a FIN is taken on evidence only: the receiver's ACK covering it.
 * That keeps a FIN lost beyond the capture point from closing the peer.
 */
struct ts_event {
	struct ts_tcp_ctx *c;
	struct ts_endpoint *ep, *peer;
	bool sending;
};

typedef void (*ts_state_handler_fn)(const struct ts_event *ev);

static void go(const struct ts_event *ev, enum ts_tcp_state to)
{
	ts_tcp_set_state(ev->c->env, ev->c->f, ev->ep, to, &ev->c->seg->ts, ev->c->seg->index);
}

static uint8_t seg_flags(const struct ts_event *ev) { return ev->c->seg->flags; }

/* The endpoint sends an ACK that covers the peer's FIN: it received the FIN. */
static bool acks_peer_fin(const struct ts_event *ev)
{
	const struct ts_seg *g = ev->c->seg;
	return ev->sending && (g->flags & TS_TCP_ACK) && ev->peer->fin_sent &&
	       TS_SEQ_GEQ(g->ack, ev->peer->fin_seq + 1);
}

/* The endpoint receives an ACK for its own FIN (FIN-seq + 1, RFC 793). */
static bool acks_own_fin(const struct ts_event *ev)
{
	const struct ts_seg *g = ev->c->seg;
	return !ev->sending && (g->flags & TS_TCP_ACK) && ev->ep->fin_sent &&
	       TS_SEQ_GEQ(g->ack, ev->ep->fin_seq + 1);
}

static bool acks_own_syn(const struct ts_event *ev)
{
	const struct ts_seg *g = ev->c->seg;
	return !ev->sending && (g->flags & TS_TCP_ACK) && ev->ep->has_isn && ev->ep->syn_seen &&
	       TS_SEQ_GEQ(g->ack, ev->ep->isn + 1);
}

static bool sends_fin(const struct ts_event *ev) { return ev->sending && (seg_flags(ev) & TS_TCP_FIN); }

/* The endpoint sends an ACK that covers the FIN of a peer the capture never
 * saw: its ACKs moved one sequence number, a FIN's worth. */
static bool acks_silent_peer_fin(const struct ts_event *ev, bool step_before)
{
	return ev->sending && ts_tcp_acks_silent_peer_fin(ev->peer, ev->c->seg, step_before);
}

static void on_established(const struct ts_event *ev)
{
	if (acks_peer_fin(ev))
		go(ev, TS_ST_CLOSE_WAIT);
	/* One-sided capture: a close that answers the silent peer's FIN. A
	 * one-step ACK alone is not taken as one (a one-byte segment looks the
	 * same); followed by this endpoint's own FIN, it is. */
	if (sends_fin(ev) && ev->ep->state == TS_ST_ESTABLISHED && acks_silent_peer_fin(ev, true))
		go(ev, TS_ST_CLOSE_WAIT);
	if (sends_fin(ev))
		go(ev, ev->ep->state == TS_ST_CLOSE_WAIT ? TS_ST_LAST_ACK : TS_ST_FIN_WAIT_1);
}

static void on_unknown(const struct ts_event *ev)
{
	uint8_t fl = seg_flags(ev);

	if (!ev->sending)
		return; /* a SYN's receipt shows only in the answer */
	if ((fl & TS_TCP_SYN) && !(fl & TS_TCP_ACK)) {
		go(ev, TS_ST_SYN_SENT);
	} else if (fl & TS_TCP_SYN) {
		ev->ep->passive = true;
		go(ev, TS_ST_SYN_RECEIVED);
	} else {
		/* Mid-stream pickup: it talks, so it is at least established. */
		go(ev, TS_ST_ESTABLISHED);
		on_established(ev);
	}
}

static void on_syn_sent(const struct ts_event *ev)
{
	uint8_t fl = seg_flags(ev);
	const struct ts_seg *g = ev->c->seg;

	if (ev->sending) {
		if ((fl & TS_TCP_SYN) && (fl & TS_TCP_ACK)) {
			go(ev, TS_ST_SYN_RECEIVED); /* simultaneous open */
		} else if (!(fl & TS_TCP_SYN) && (fl & TS_TCP_ACK) && ev->peer->syn_seen &&
		           TS_SEQ_GEQ(g->ack, ev->peer->isn + 1)) {
			go(ev, TS_ST_ESTABLISHED); /* it acknowledges the SYN-ACK */
			on_established(ev);
		} else if (!(fl & TS_TCP_SYN) && (fl & TS_TCP_ACK) && !ev->peer->syn_seen) {
			/* The SYN-ACK was not captured (an asymmetric route, a tap on
			 * one direction), but only a SYN-ACK makes an endpoint in
			 * SYN_SENT send a plain ACK: it received one. */
			struct ts_flow *f = ev->c->f;
			if (!f->has_ack_ts) {
				f->ack_ns = g->ts_ns;
				f->has_ack_ts = true;
			}
			go(ev, TS_ST_ESTABLISHED);
			on_established(ev);
		}
		return;
	}
	/* A SYN-ACK's receipt shows in the ACK that answers it (a spoofed source
	 * never answers); in a simultaneous open the peer is itself an active
	 * opener and the SYN-ACK completes the open at once. */
	if ((fl & TS_TCP_SYN) && (fl & TS_TCP_ACK) && acks_own_syn(ev) && ev->peer->active_open)
		go(ev, TS_ST_ESTABLISHED);
	else if ((fl & TS_TCP_SYN) && !(fl & TS_TCP_ACK))
		go(ev, TS_ST_SYN_RECEIVED); /* SYN crossing SYN */
}

static void on_syn_received(const struct ts_event *ev)
{
	uint8_t fl = seg_flags(ev);

	if (ev->sending) {
		if (!(fl & TS_TCP_SYN) && (fl & TS_TCP_ACK) && !ev->ep->passive) {
			go(ev, TS_ST_ESTABLISHED);
			on_established(ev);
		} else if (!(fl & TS_TCP_SYN) && ev->ep->passive && ts_tcp_established_unseen(ev->peer, ev->c->seg)) {
			/* A listener's request socket sends only SYN-ACKs (and bare
			 * ACKs to bad segments): data, a FIN or an ACK of the peer's
			 * data come from the accepted connection, whose final ACK the
			 * capture missed. */
			go(ev, TS_ST_ESTABLISHED);
			on_established(ev);
		} else if (fl & TS_TCP_FIN) {
			go(ev, TS_ST_FIN_WAIT_1);
		}
		return;
	}
	if (acks_own_syn(ev))
		go(ev, TS_ST_ESTABLISHED);
}

static void on_fin_wait_1(const struct ts_event *ev)
{
	if (acks_own_fin(ev)) {
		/* Sent after the peer's FIN, so it arrives after it: the FINs crossed
		 * and this endpoint went through CLOSING (simultaneous close). */
		if (ev->peer->fin_sent && TS_SEQ_GT(ev->c->seg->seq, ev->peer->fin_seq)) {
			go(ev, TS_ST_CLOSING);
			go(ev, TS_ST_TIME_WAIT);
		} else {
			go(ev, TS_ST_FIN_WAIT_2);
		}
	} else if (acks_peer_fin(ev)) {
		go(ev, ev->ep->fin_acked ? TS_ST_TIME_WAIT : TS_ST_CLOSING);
	} else if (!sends_fin(ev) && acks_silent_peer_fin(ev, false)) {
		/* The silent peer's FIN, which in practice carries the ACK of ours. */
		go(ev, TS_ST_TIME_WAIT);
	}
}

static void on_fin_wait_2(const struct ts_event *ev)
{
	if (acks_peer_fin(ev) || (!sends_fin(ev) && acks_silent_peer_fin(ev, false)))
		go(ev, TS_ST_TIME_WAIT);
}

static void on_closing(const struct ts_event *ev)
{
	if (acks_own_fin(ev))
		go(ev, TS_ST_TIME_WAIT);
}

static void on_last_ack(const struct ts_event *ev)
{
	if (acks_own_fin(ev))
		go(ev, TS_ST_CLOSED);
}

static void on_quiet(const struct ts_event *ev)
{
	(void)ev; /* TIME_WAIT ends on its timer, CLOSED stays closed */
}

static const ts_state_handler_fn state_handlers[TS_ST_COUNT] = {
	[TS_ST_UNKNOWN] = on_unknown,
	[TS_ST_LISTEN] = on_unknown,
	[TS_ST_SYN_SENT] = on_syn_sent,
	[TS_ST_SYN_RECEIVED] = on_syn_received,
	[TS_ST_ESTABLISHED] = on_established,
	[TS_ST_FIN_WAIT_1] = on_fin_wait_1,
	[TS_ST_FIN_WAIT_2] = on_fin_wait_2,
	[TS_ST_CLOSE_WAIT] = on_established,
	[TS_ST_CLOSING] = on_closing,
	[TS_ST_LAST_ACK] = on_last_ack,
	[TS_ST_TIME_WAIT] = on_quiet,
	[TS_ST_CLOSED] = on_quiet,
};

enum rst_verdict {
	RST_EXACT,         /* at the receiver's next expected sequence number: obeyed */
	RST_IN_WINDOW,     /* in the window but not exact: answered by a challenge ACK */
	RST_OUT_OF_WINDOW, /* outside the window: stale or forged, ignored */
};

/*
 * RFC 5961 section 3.2: a reset is obeyed only when its sequence number is
 * exactly RCV.NXT; one elsewhere in the window is answered by a challenge ACK
 * (a real peer answers that with an exact RST); one outside is dropped. In
 * SYN_SENT it must acknowledge the SYN (RFC 793). The capture point cannot
 * see RCV.NXT, only its bounds: the receiver's last ACK (nothing more has
 * arrived) and the sender's highest sequence sent (everything has arrived).
 */
static enum rst_verdict rst_check(const struct ts_event *ev)
{
	const struct ts_seg *g = ev->c->seg;
	const struct ts_endpoint *rcv = ev->ep, *snd = ev->peer;

	if (rcv->state == TS_ST_SYN_SENT)
		return (g->flags & TS_TCP_ACK) && g->ack == rcv->snd_max ? RST_EXACT : RST_OUT_OF_WINDOW;
	if (!snd->has_isn)
		return RST_EXACT; /* nothing known of the sender's numbers */
	/* The receiver's ACK may be past what the capture saw the sender send. */
	bool acked = rcv->seen && rcv->has_isn && TS_SEQ_GT(rcv->last_ack_sent, snd->isn);
	uint32_t lo = acked && TS_SEQ_LT(rcv->last_ack_sent, snd->snd_max) ? rcv->last_ack_sent : snd->snd_max;
	/* A sender that sent its FIN may reset at the FIN's own number. */
	if ((acked && g->seq == rcv->last_ack_sent) || g->seq == snd->snd_max ||
	    (snd->fin_sent && g->seq == snd->snd_max - 1))
		return RST_EXACT;
	uint32_t wnd = rcv->window ? rcv->window : 1;
	if (TS_SEQ_GEQ(g->seq, lo) && TS_SEQ_LT(g->seq, snd->snd_max + wnd))
		return RST_IN_WINDOW;
	return RST_OUT_OF_WINDOW;
}

/* The RST's sender goes CLOSED: its own action, certain. */
static void close_rst_sender(struct ts_tcp_ctx *c)
{
	struct ts_event snd = { c, c->snd, c->rcv, true };
	enum ts_tcp_state st = c->snd->state;
	enum ts_anomaly_endpoint who = c->from_client ? TS_EP_CLIENT : TS_EP_SERVER;

	if (st == TS_ST_CLOSED)
		return;
	go(&snd, TS_ST_CLOSED);
	if (st == TS_ST_UNKNOWN && !c->snd->syn_seen)
		return; /* the answer to a SYN nobody listened for: refused, not a reset */
	struct ts_anomaly a = ts_anomaly_new(TS_AN_RESET, who, &c->seg->ts);
	a.value = st;
	/* RST instead of FIN on a quiet connection: SO_LINGER {1, 0}. */
	a.value2 = (st == TS_ST_ESTABLISHED || st == TS_ST_CLOSE_WAIT) && !c->snd->fin_sent;
	ts_tcp_env_anomaly(c->env, c->f, &a);
}

/* An out-of-window reset is reported and changes nothing: neither side acts
 * on it. An in-window one leaves the receiver open, waiting for an exact one;
 * an endpoint nothing was seen from stays UNKNOWN. */
static void handle_reset(struct ts_tcp_ctx *c)
{
	struct ts_event rcv = { c, c->rcv, c->snd, false };
	enum ts_anomaly_endpoint who = c->from_client ? TS_EP_CLIENT : TS_EP_SERVER;
	enum rst_verdict v = c->rcv->state == TS_ST_CLOSED ? RST_EXACT : rst_check(&rcv);

	if (v == RST_OUT_OF_WINDOW) {
		ts_flow_add_anomaly(c->env, c->f, TS_AN_OUT_OF_WINDOW_RST, who, &c->seg->ts);
		return;
	}
	if (v == RST_IN_WINDOW) {
		TS_ENDPOINT_RARE_ADD(c->snd, rst_in_window, 1);
		c->rcv->challenge_due = true;
	} else {
		if (c->rcv->state == TS_ST_SYN_SENT)
			c->f->refused = true;
		if (c->rcv->state != TS_ST_CLOSED && (c->rcv->seen || c->rcv->state != TS_ST_UNKNOWN))
			go(&rcv, TS_ST_CLOSED);
	}
	close_rst_sender(c);
}

/* The first ACK an endpoint sends after an in-window RST is its challenge ACK. */
static void note_challenge_ack(struct ts_tcp_ctx *c)
{
	if (!c->snd->challenge_due || !(c->seg->flags & TS_TCP_ACK))
		return;
	c->snd->challenge_due = false;
	TS_ENDPOINT_RARE_ADD(c->snd, challenge_acks, 1);
}

static void dispatch(struct ts_tcp_ctx *c, struct ts_endpoint *ep, struct ts_endpoint *peer, bool sending)
{
	struct ts_event ev = { c, ep, peer, sending };

	state_handlers[ep->state](&ev);
}

void ts_tcp_state_advance(struct ts_tcp_ctx *c)
{
	if (c->seg->flags & TS_TCP_RST) {
		handle_reset(c);
		return;
	}
	note_challenge_ack(c);
	/* The receiver first: an ACK of its FIN moves it before its own answer. */
	dispatch(c, c->rcv, c->snd, false);
	dispatch(c, c->snd, c->rcv, true);
}
