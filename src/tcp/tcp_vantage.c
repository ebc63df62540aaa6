/* \summary: what the capture point saw: one-sided flows, silent peers, acknowledged bytes never captured */
#include "tcp_vantage.h"
#include "tcpscope/seq.h"

bool ts_tcp_peer_silent(const struct ts_endpoint *peer)
{
	return peer->st.packets == 0 && ts_endpoint_rare(peer)->ack_origin_set;
}

void ts_tcp_note_acked_seen_sender(struct ts_endpoint *r, uint32_t una_before, uint32_t ack, uint64_t holes)
{
	/* The highest byte the capture holds, or where the ACKs already were. */
	uint32_t base = r->sb.n ? TS_SEQ_MAX(ts_scoreboard_max(&r->sb), una_before) : una_before;
	uint64_t unseen = holes;

	/* Bytes in IP fragments after the first were captured, not analysed. */
	if (ts_endpoint_rare(r)->fragments)
		return;
	if (TS_SEQ_GT(ack, base))
		unseen += ack - base;
	if (unseen)
		TS_ENDPOINT_RARE_ADD(r, unseen_acked, unseen);
}

void ts_tcp_note_acked_silent_sender(struct ts_endpoint *r, uint32_t ack)
{
	struct ts_endpoint_rare *rare = ts_endpoint_rare_get(r);

	if (!rare)
		return;
	if (!rare->ack_origin_set) {
		/* The first ACK for an endpoint nothing was captured from points
		 * just past its ISN (or where a mid-stream capture started). */
		rare->ack_origin = rare->ack_top = ack;
		rare->ack_origin_set = true;
		return;
	}
	if (TS_SEQ_GT(ack, rare->ack_top)) {
		uint32_t step = ack - rare->ack_top;
		rare->unseen_acked += step;
		rare->ack_step_one = step == 1;
		rare->ack_top = ack;
	}
}

void ts_tcp_note_silent_sender_seen(struct ts_endpoint *r, uint32_t seq, uint32_t end)
{
	struct ts_endpoint_rare *rare = r->rare;

	if (!rare || !rare->ack_origin_set)
		return;
	uint32_t lo = TS_SEQ_MAX(seq, rare->ack_origin), hi = TS_SEQ_MIN(end, rare->ack_top);
	if (TS_SEQ_GT(hi, lo)) {
		uint64_t seen = hi - lo;
		rare->unseen_acked -= seen < rare->unseen_acked ? seen : rare->unseen_acked;
	}
}

bool ts_tcp_acks_silent_peer_fin(const struct ts_endpoint *peer, const struct ts_seg *g, bool step_before)
{
	if (!(g->flags & TS_TCP_ACK) || !ts_tcp_peer_silent(peer))
		return false;
	const struct ts_endpoint_rare *r = ts_endpoint_rare(peer);
	if (g->ack == r->ack_top + 1)
		return true;
	return step_before && g->ack == r->ack_top && r->ack_step_one;
}

bool ts_tcp_established_unseen(const struct ts_endpoint *peer, const struct ts_seg *g)
{
	if (g->len || (g->flags & TS_TCP_FIN))
		return true;
	if (!(g->flags & TS_TCP_ACK))
		return false;
	if (peer->has_isn)
		return TS_SEQ_GT(g->ack, peer->isn + 1);
	const struct ts_endpoint_rare *r = ts_endpoint_rare(peer);
	return r->ack_origin_set && TS_SEQ_GT(g->ack, r->ack_origin);
}

void ts_tcp_vantage_finish(struct ts_flow *f)
{
	bool c2s = f->cli.st.packets > 0, s2c = f->srv.st.packets > 0;

	f->one_sided = c2s != s2c && ts_tcp_peer_silent(c2s ? &f->srv : &f->cli);
}

struct ts_flow_visibility ts_flow_visibility(const struct ts_flow *f)
{
	return (struct ts_flow_visibility){
		.c2s = f->cli.st.packets > 0,
		.s2c = f->srv.st.packets > 0,
		.handshake = f->cli.syn_seen && f->srv.syn_seen,
		.unseen_acked_c2s = ts_endpoint_rare(&f->cli)->unseen_acked,
		.unseen_acked_s2c = ts_endpoint_rare(&f->srv)->unseen_acked,
	};
}

bool ts_flow_visibility_partial(const struct ts_flow_visibility *v)
{
	return !v->c2s || !v->s2c || !v->handshake || v->unseen_acked_c2s || v->unseen_acked_s2c;
}
