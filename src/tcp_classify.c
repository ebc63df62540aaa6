/* \summary: classify each segment once (new, retransmission, out-of-order, probe, duplicate) */
#include "tcp_engine.h"
#include "tcpscope/seq.h"

/* SPAN ports and taps that duplicate a frame do so within microseconds. */
#define TS_SPAN_DUP_NS 200000

static bool is_span_duplicate(const struct ts_tcp_ctx *c)
{
	const struct ts_endpoint *s = c->snd;
	const struct ts_seg *g = c->seg;

	if (!s->seen || g->seq != s->last_seq || g->seq_len != s->last_seq_len)
		return false;
	if (g->ts_ns - ts_timespec_ns(&s->last_send) > TS_SPAN_DUP_NS)
		return false;
	/* IPv4: a resent segment gets a new IP-ID; a copied frame keeps it. */
	return g->d->af == 6 || g->d->ip_id == s->last_ip_id;
}

/* Zero-length (or one stale byte) at snd_una - 1: keep-alive or window probe. */
static enum ts_seg_class probe_class(const struct ts_tcp_ctx *c)
{
	const struct ts_endpoint *s = c->snd;
	const struct ts_seg *g = c->seg;

	if (!s->has_isn || (g->flags & (TS_TCP_SYN | TS_TCP_FIN | TS_TCP_RST)) || g->len > 1)
		return TS_SEG_CONTROL;
	if (g->seq != s->snd_max - 1 || (g->len == 1 && TS_SEQ_GT(g->seq + 1, s->snd_una)))
		return TS_SEG_CONTROL;
	return c->rcv->window == 0 && c->rcv->seen ? TS_SEG_WINDOW_PROBE : TS_SEG_KEEPALIVE;
}

static void note_duplicate_ack(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd;
	const struct ts_seg *g = c->seg;

	if (!(g->flags & TS_TCP_ACK) || g->seq_len || (g->flags & TS_TCP_RST))
		return;
	bool outstanding = c->rcv->has_isn && TS_SEQ_GT(c->rcv->snd_max, g->ack);
	if (s->seen && g->ack == s->last_ack_sent && g->d->window == s->last_ack_window && outstanding) {
		s->st.dup_acks++;
		s->dup_ack_run++;
	} else if (!s->seen || g->ack != s->last_ack_sent) {
		s->dup_ack_run = 0;
	}
}

/* Same segment resent with a gap about twice the previous one: RTO back-off. */
static void note_backoff(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd;
	const struct ts_seg *g = c->seg;

	if (s->retx_ts_ns && g->seq == s->retx_seq) {
		int64_t gap = g->ts_ns - s->retx_ts_ns;
		/* as a ratio: gaps between hostile timestamps overflow gap * 10 */
		double ratio = s->retx_gap_ns > 0 ? (double)gap / (double)s->retx_gap_ns : 0;
		if (ratio >= 1.5 && ratio <= 2.5)
			s->backoff_steps++;
		s->retx_gap_ns = gap;
	} else {
		s->retx_gap_ns = s->retx_ts_ns && g->seq != s->retx_seq ? 0 : s->retx_gap_ns;
		s->backoff_steps = 0;
		/* The gap from the original send is the first RTO. */
		s->retx_gap_ns = g->ts_ns - ts_timespec_ns(&s->last_send);
	}
	s->retx_seq = g->seq;
	s->retx_ts_ns = g->ts_ns;
	if (s->backoff_steps >= 1 && !c->f->rto_backoff_reported) {
		c->f->rto_backoff_reported = true;
		ts_flow_add_anomaly(c->an, c->f, TS_AN_RTO_BACKOFF,
		                    c->from_client ? TS_EP_CLIENT : TS_EP_SERVER, &g->ts);
	}
}

static void count_retransmission(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd;
	struct ts_seg *g = c->seg;

	g->retx = true;
	s->retx_segs++;
	if (g->flags & TS_TCP_SYN) {
		s->st.syn_retrans++;
		return;
	}
	if (g->len == 0) { /* a FIN alone */
		s->st.fin_retrans++;
		note_backoff(c);
		return;
	}
	s->st.retrans_segments++;
	s->st.retrans_bytes += g->len;
	if (g->cls == TS_SEG_RETX_UNSEEN)
		s->st.unseen_original++;
	if (TS_SEQ_LEQ(g->seq + g->len, s->snd_una) && s->snd_una != s->isn)
		s->st.spurious_retrans++;
	else if (c->rcv->dup_ack_run >= 3)
		s->st.fast_retrans++;
	else
		s->st.rto_retrans++;
	note_backoff(c);
}

static double ooo_window_sec(const struct ts_tcp_ctx *c)
{
	const struct ts_flow *f = c->f;
	/* A hole filled within the handshake RTT cannot be a resend. */
	if (f->has_syn_ts && f->has_ack_ts) {
		int64_t rtt = ts_timespec_ns(&f->ack_ts) - ts_timespec_ns(&f->syn_ts);
		if (rtt > 0)
			return (double)rtt / 1e9;
	}
	return c->an->cfg.ooo_window;
}

static void classify_sequence_space(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd;
	struct ts_seg *g = c->seg;
	uint32_t snd_max_before = s->snd_max;
	bool had_isn = s->has_isn;

	if (g->flags & TS_TCP_SYN) {
		bool synack = g->flags & TS_TCP_ACK;
		if (s->syn_seen && had_isn && g->seq == s->isn) {
			if (synack && !s->passive && s->syn_count > 0 && !s->sim_synack_sent) {
				/* Simultaneous open: the SYN-ACK re-sends our SYN but is no resend. */
				s->sim_synack_sent = true;
				g->sim_open_synack = true;
				g->cls = TS_SEG_NEW;
				return;
			}
			g->cls = TS_SEG_RETX;
			s->syn_count++;
			count_retransmission(c);
			if (synack && s->passive)
				s->out_segs++; /* Linux counts every SYN-ACK it sends in OutSegs */
			return;
		}
		s->isn = g->seq;
		s->has_isn = true;
		s->syn_seen = true;
		s->syn_count = 1;
		s->snd_una = g->seq;
		s->snd_max = g->seq + g->seq_len;
		s->sb.n = 0;
		ts_scoreboard_add(&s->sb, g->seq, g->seq_len, g->ts_ns, &(int64_t){0});
		g->cls = TS_SEG_NEW;
		s->out_segs++;
		return;
	}
	if (!had_isn) {
		/* Picked up mid-stream: the first segment defines the origin. */
		s->isn = g->seq - 1;
		s->has_isn = true;
		s->snd_una = g->seq;
		s->snd_max = g->seq;
		snd_max_before = g->seq;
	}
	int64_t age = 0;
	enum ts_sb_result r = ts_scoreboard_add(&s->sb, g->seq, g->seq_len, g->ts_ns, &age);
	if (r == TS_SB_NEW)
		g->cls = TS_SEG_NEW;
	else if (r == TS_SB_OVERLAP)
		g->cls = TS_SEG_RETX;
	else
		g->cls = (double)age / 1e9 < ooo_window_sec(c) ? TS_SEG_OUT_OF_ORDER : TS_SEG_RETX_UNSEEN;

	if (g->cls == TS_SEG_OUT_OF_ORDER)
		s->st.out_of_order++;
	else if (g->cls != TS_SEG_NEW)
		count_retransmission(c);
	/* Linux counts a segment in OutSegs when it reaches past snd_nxt. */
	if (TS_SEQ_GT(g->seq + g->seq_len, snd_max_before) || g->cls == TS_SEG_OUT_OF_ORDER)
		s->out_segs++;
	if (TS_SEQ_GT(g->seq + g->seq_len, s->snd_max))
		s->snd_max = g->seq + g->seq_len;
}

void ts_tcp_classify(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd;
	struct ts_seg *g = c->seg;
	const struct ts_decoded *d = g->d;

	s->st.packets++;
	s->st.bytes += d->ip_len;
	s->st.payload_bytes += g->len;
	if (d->events & TS_DE_IP_FRAGMENT)
		s->st.fragments++;

	if (is_span_duplicate(c)) {
		g->cls = TS_SEG_SPAN_DUP;
		s->st.span_duplicates++;
		return;
	}
	if (g->len)
		s->st.data_segments++;

	g->cls = probe_class(c);
	if (g->cls == TS_SEG_KEEPALIVE || g->cls == TS_SEG_WINDOW_PROBE) {
		if (g->cls == TS_SEG_KEEPALIVE)
			s->st.keepalives++;
		else
			s->st.window_probes++;
		s->out_segs++;
	} else if (g->seq_len && !(g->flags & TS_TCP_RST)) {
		classify_sequence_space(c);
	} else {
		s->out_segs++;
	}
	note_duplicate_ack(c);

	uint16_t mss = ts_flow_effective_mss(c->f);
	if (g->len > mss && (c->f->cli.syn_seen || c->f->srv.syn_seen))
		s->st.over_mss++;
	if (g->len && s->fin_sent == false && c->rcv->fin_sent && s->state == TS_ST_CLOSE_WAIT)
		c->f->half_close = true;
}
