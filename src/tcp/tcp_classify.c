/* \summary: classify each segment once (new, retransmission, out-of-order, probe, duplicate) */
#include "tcp_classify.h"
#include "tcp_vantage.h"
#include "tcpscope/seq.h"
#include "tcpscope/tcp_engine.h"
#include "tcpscope/timespec.h"
#include "tcpscope/units.h"

/* SPAN ports and taps that duplicate a frame do so within microseconds. */
#define TS_SPAN_DUP_NS 200000

static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x01000193u; /* FNV-1a prime */
	return h ^ (h >> 15);
}

/* What a copy of a frame keeps and a new segment usually changes: the ACK,
 * window, flags, lengths, TTL, IP-ID, timestamps and SACK blocks. Consecutive
 * pure ACKs of one loss recovery differ only in their SACK blocks; over IPv6,
 * with no IP-ID, this is what tells them from copies. */
uint32_t ts_tcp_frame_signature(const struct ts_decoded *d)
{
	const struct ts_tcp_opts *o = &d->opts;
	uint32_t h = 0x811c9dc5u;

	h = mix(h, d->ack);
	h = mix(h, (uint32_t)d->window << 16 | (uint32_t)d->flags << 8 | d->ttl);
	h = mix(h, d->ip_len << 16 ^ d->ip_id);
	if (o->has_timestamps) {
		h = mix(h, o->tsval);
		h = mix(h, o->tsecr);
	}
	for (unsigned i = 0; i < o->sack_blocks && i < TS_TCP_MAX_SACK; i++) {
		h = mix(h, o->sack[i][0]);
		h = mix(h, o->sack[i][1]);
	}
	return h;
}

/* The same frame again within microseconds, nothing from the peer between. */
static bool is_span_copy(const struct ts_tcp_ctx *c)
{
	const struct ts_endpoint *s = c->snd;
	const struct ts_seg *g = c->seg;

	if (!s->seen || g->seq != s->last_seq || g->seq_len != s->last_seq_len)
		return false;
	if (ts_tcp_frame_signature(g->d) != s->last_frame_sig)
		return false;
	int64_t gap = g->ts_ns - s->last_send_ns;
	if (gap < 0 || gap > TS_SPAN_DUP_NS)
		return false; /* also when the capture's clock went backwards */
	/* A copy sent in answer to something the peer sent in between (a SYN-ACK
	 * resent for a resent SYN) is a real transmission. */
	if (c->rcv->seen && c->rcv->last_send_ns >= s->last_send_ns)
		return false;
	/* A listener answers each SYN, and its request socket numbers every
	 * SYN-ACK 0 with the same TSval within a millisecond: a copy that
	 * answers a resent SYN the capture holds is a transmission. */
	if ((g->flags & TS_TCP_SYN) && (g->flags & TS_TCP_ACK) && c->rcv->syn_count > s->syn_count)
		return false;
	/* IPv4: a resent segment gets a new IP-ID; a copied frame keeps it. */
	return g->d->af == 6 || g->d->ip_id == s->last_ip_id;
}

/*
 * A copy made by the capture (a tap, a SPAN port, a NIC that hands a frame up
 * twice) carries the same IP ID, TTL and TSval as the original, however late
 * it comes; a real resend gets a new IP ID (per-socket, per-host or random)
 * and, with timestamps, a new TSval. Without a usable IP ID (IPv6, or the 0
 * that some stacks put in DF packets) only the TSval tells, and it ticks in
 * milliseconds: then the segment must carry sequence space (and no SYN), its
 * ACK and window must match too, and the peer must not have asked for a fast
 * resend.
 */
static bool is_capture_copy(struct ts_tcp_ctx *c)
{
	const struct ts_seg *g = c->seg;
	const struct ts_decoded *d = g->d;
	bool by_ip_id = d->af == 4 && d->ip_id != 0;

	/* A listener answers each resent SYN with a SYN-ACK that may repeat the
	 * last one exactly (IP ID 0, same millisecond): a real transmission. */
	/* On a path with a sub-millisecond RTT a fast resend goes out within the
	 * original's millisecond, with its TSval: while the peer reports a hole
	 * (duplicate ACKs, SACK blocks) or a recovery runs, nothing but the IP ID
	 * tells a copy from a resend. */
	if (!by_ip_id && (!d->opts.has_timestamps || !g->seq_len || (g->flags & TS_TCP_SYN) ||
	                  c->rcv->dup_ack_run > 0 || ts_endpoint_rare(c->rcv)->sacked_bytes > 0 ||
	                  ts_endpoint_rare(c->snd)->in_recovery))
		return false;
	struct ts_dup_fingerprint fp = {
		.flow_id = c->f->id,
		.seq = g->seq,
		.ack = g->flags & TS_TCP_ACK ? g->ack : 0,
		.seq_len = g->seq_len,
		.tsval = d->opts.has_timestamps ? d->opts.tsval : 0,
		.window = d->window,
		.ip_id = d->ip_id,
		.flags = g->flags,
		.ttl = d->ttl,
		.from_client = c->from_client,
		.has_tsval = d->opts.has_timestamps,
	};
	return ts_dup_cache_check_insert(c->env->dups, ts_dup_fingerprint_hash(&fp));
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

/* How much the ACK's SACK blocks hold above its cumulative ACK: the
 * receiver's evidence that a hole is lost (RFC 6675 IsLost). */
static void note_sacked_bytes(struct ts_tcp_ctx *c)
{
	const struct ts_seg *g = c->seg;
	const struct ts_tcp_opts *o = &g->d->opts;
	uint64_t sacked = 0;

	if (!(g->flags & TS_TCP_ACK) || (g->flags & TS_TCP_RST))
		return;
	for (unsigned i = 0; i < o->sack_blocks && i < TS_TCP_MAX_SACK; i++) {
		uint32_t l = o->sack[i][0], r = o->sack[i][1];
		if (TS_SEQ_GT(r, l) && TS_SEQ_GT(l, g->ack))
			sacked += (uint32_t)(r - l);
	}
	if (sacked || c->snd->rare) {
		struct ts_endpoint_rare *r = ts_endpoint_rare_get(c->snd);
		if (r)
			r->sacked_bytes = sacked > UINT32_MAX ? UINT32_MAX : (uint32_t)sacked;
	}
}

static void note_duplicate_ack(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd;
	const struct ts_seg *g = c->seg;

	if (!(g->flags & TS_TCP_ACK) || g->seq_len || (g->flags & TS_TCP_RST))
		return;
	bool outstanding = c->rcv->has_isn && TS_SEQ_GT(c->rcv->snd_max, g->ack);
	if (s->seen && g->ack == s->last_ack_sent && g->d->window == s->last_ack_window && outstanding) {
		TS_ENDPOINT_RARE_ADD(s, dup_acks, 1);
		s->dup_ack_run++;
	} else if (!s->seen || g->ack != s->last_ack_sent) {
		s->dup_ack_run = 0;
	}
}

/* Same segment resent with a gap about twice the previous one: RTO back-off. */
static void note_backoff(struct ts_tcp_ctx *c)
{
	struct ts_endpoint_rare *s = ts_endpoint_rare_get(c->snd);
	const struct ts_seg *g = c->seg;

	if (!s)
		return;
	if (s->retx_ts_ns && g->seq == s->retx_seq) {
		int64_t gap = g->ts_ns - s->retx_ts_ns;
		/* as a ratio: gaps between hostile timestamps overflow gap * 10 */
		double ratio = s->retx_gap_ns > 0 ? (double)gap / (double)s->retx_gap_ns : 0;
		if (ratio >= 1.5 && ratio <= 2.5)
			s->backoff_steps++;
		s->retx_gap_ns = gap;
	} else {
		s->backoff_steps = 0;
		/* A first resend: the gap since this side last sent stands for the
		 * first timeout, the base the next resend's gap is compared with. */
		s->retx_gap_ns = g->ts_ns - c->snd->last_send_ns;
	}
	s->retx_seq = g->seq;
	s->retx_ts_ns = g->ts_ns;
	if (s->backoff_steps >= 1 && !c->f->rto_backoff_reported) {
		c->f->rto_backoff_reported = true;
		ts_flow_add_anomaly(c->env, c->f, TS_AN_RTO_BACKOFF,
		                    c->from_client ? TS_EP_CLIENT : TS_EP_SERVER, &g->ts);
	}
}

/* Linux's minimum retransmission timeout: no timer fires sooner. */
#define TS_RTO_MIN_NS 200000000

/*
 * Fast recovery (RFC 6582, 6675) goes on resending holes until everything
 * outstanding at the first fast retransmit is acknowledged; the partial ACKs
 * in between end the duplicate-ACK run but not the recovery. A resend that
 * comes sooner than any timer could fire belongs to it.
 */
static bool in_fast_recovery(const struct ts_tcp_ctx *c)
{
	const struct ts_endpoint *s = c->snd;
	const struct ts_endpoint_rare *r = ts_endpoint_rare(s);

	return r->in_recovery && TS_SEQ_LT(s->snd_una, r->recover_seq) && c->seg->since_prev_ns >= 0 &&
	       c->seg->since_prev_ns < TS_RTO_MIN_NS;
}

/*
 * SACK loss detection (RFC 6675): more than two segments' worth of bytes
 * SACKed above the hole make it lost, with fewer than three duplicate ACKs
 * (an ACK that moved the cumulative ACK does not count as one). The ACK must
 * be recent: a resend long after it came from a timer.
 */
static bool sack_says_lost(const struct ts_tcp_ctx *c)
{
	const struct ts_endpoint *peer = c->rcv;
	uint32_t smss = ts_flow_effective_mss(c->f);

	if (!smss)
		smss = c->seg->len;
	return peer->seen && ts_endpoint_rare(peer)->sacked_bytes > 2 * smss &&
	       c->seg->ts_ns - peer->last_send_ns < TS_RTO_MIN_NS;
}

static void count_retransmission(struct ts_tcp_ctx *c)
{
	struct ts_endpoint *s = c->snd;
	struct ts_seg *g = c->seg;

	g->retx = true;
	TS_ENDPOINT_RARE_ADD(s, retx_segs, 1);
	if (g->flags & TS_TCP_SYN) {
		TS_ENDPOINT_RARE_ADD(s, syn_retrans, 1);
		return;
	}
	if (g->len == 0) { /* a FIN alone */
		TS_ENDPOINT_RARE_ADD(s, fin_retrans, 1);
		if (!g->rule)
			g->rule = "FIN again at the same sequence number";
		note_backoff(c);
		return;
	}
	s->st.retrans_segments++;
	TS_ENDPOINT_RARE_ADD(s, retrans_bytes, g->len);
	if (g->cls == TS_SEG_RETX_UNSEEN)
		TS_ENDPOINT_RARE_ADD(s, unseen_original, 1);
	/* A late original was acknowledged through its resend, which was not
	 * spurious: it went out before the original arrived. */
	if (!g->late_original && TS_SEQ_LEQ(g->seq + g->len, s->snd_una) && s->snd_una != s->isn) {
		TS_ENDPOINT_RARE_ADD(s, spurious_retrans, 1);
		g->retx_kind = "spurious";
	} else if (c->rcv->dup_ack_run >= 3 || sack_says_lost(c) || in_fast_recovery(c)) {
		struct ts_endpoint_rare *r = ts_endpoint_rare_get(s);
		if (r) {
			r->fast_retrans++;
			if (!r->in_recovery)
				r->recover_seq = s->snd_max;
			r->in_recovery = true;
		}
		/* a resend of the recovery the first fast retransmit started */
		g->retx_kind = c->rcv->dup_ack_run >= 3 || sack_says_lost(c) ? "fast" : "fast, in recovery";
	} else {
		TS_ENDPOINT_RARE_ADD(s, rto_retrans, 1);
		if (s->rare)
			s->rare->in_recovery = false;
		g->retx_kind = "timeout";
	}
	note_backoff(c);
}

/*
 * Linux (and most stacks) number the IPv4 packets of a connection from a
 * per-socket counter, and a resent segment takes a new number. So once a
 * sender's IP-IDs are seen to climb in small steps, a segment whose IP-ID is
 * older than the newest one is an original that was delayed on the path, not
 * a retransmission, however late it arrives.
 */
#define TS_IPID_MIN_SAMPLES 8

static bool ipid_is_counter(const struct ts_endpoint *s)
{
	return s->ipid_samples >= TS_IPID_MIN_SAMPLES && s->ipid_steps_ok * 10 >= s->ipid_samples * 9;
}

/* ipid_seen: bit i says IP-ID max_ip_id - 1 - i was seen. */
#define TS_IPID_SEEN_SPAN 64

static void note_ipid_advance(struct ts_endpoint *s, uint16_t step)
{
	s->ipid_seen = step >= TS_IPID_SEEN_SPAN ? 0 : s->ipid_seen << step;
	if (step <= TS_IPID_SEEN_SPAN)
		s->ipid_seen |= UINT64_C(1) << (step - 1); /* the newest until now */
}

/*
 * An IP-ID older than the newest: a segment delayed on the path, or a copy
 * of one seen already (the network duplicated it). A delayed segment fills
 * a gap that was counted as a resend lost before the capture point; a copy
 * fills none.
 */
static void note_late_ip_id(struct ts_endpoint *s, const struct ts_decoded *d)
{
	uint16_t back = (uint16_t)(s->max_ip_id - d->ip_id);
	if (back > TS_IPID_SEEN_SPAN)
		return;
	uint64_t bit = UINT64_C(1) << (back - 1);
	if (s->ipid_seen & bit)
		return;
	s->ipid_seen |= bit;
	struct ts_endpoint_rare *r = s->rare;
	if (d->payload_len && r && r->ipid_missing_data)
		r->ipid_missing_data--;
}

/*
 * The network duplicated a segment (a switch loop, a SPAN port fed from
 * both directions) when its IP-ID was seen before, however long ago: a
 * resend takes a new number. Only from a counter, and not for SYN-ACKs,
 * which a listener sends with IP-ID 0 each time.
 */
static bool ipid_seen_before(const struct ts_endpoint *s, const struct ts_decoded *d)
{
	if (d->af != 4 || !s->seen || s->last_was_syn || !ipid_is_counter(s))
		return false;
	uint16_t back = (uint16_t)(s->max_ip_id - d->ip_id);
	if (back == 0)
		return true;
	return back <= TS_IPID_SEEN_SPAN && (s->ipid_seen & (UINT64_C(1) << (back - 1)));
}

static void note_ip_id(struct ts_endpoint *s, const struct ts_decoded *d)
{
	if (d->af != 4)
		return;
	if (s->seen && s->last_was_syn) {
		/* A SYN-ACK from a listener's request socket carries IP-ID 0; the
		 * connection's own counter starts with the next packet. */
		s->max_ip_id = d->ip_id;
		s->max_ip_id_was_data = d->payload_len > 0;
		s->ipid_seen = 0;
		if (s->rare)
			s->rare->ipid_missing_data = 0;
	} else if (s->seen) {
		uint16_t step = (uint16_t)(d->ip_id - s->last_ip_id);
		/* A repeated number is a copy of the previous frame: it says
		 * nothing about how the sender numbers its packets. */
		if (step != 0 && s->ipid_samples < UINT16_MAX / 2) {
			s->ipid_samples++;
			s->ipid_steps_ok += step >= 1 && step <= 64;
			s->ipid_steps_one += step == 1;
		}
		if ((int16_t)(d->ip_id - s->max_ip_id) > 0) {
			uint16_t step = (uint16_t)(d->ip_id - s->max_ip_id);
			/* Numbers skipped between two data segments were data segments
			 * too (a bulk sender sends little else); a gap next to a pure ACK
			 * may have been an ACK, so it is not counted. */
			if (step > 1 && d->payload_len && s->max_ip_id_was_data)
				TS_ENDPOINT_RARE_ADD(s, ipid_missing_data, step - 1u);
			note_ipid_advance(s, step);
			s->max_ip_id = d->ip_id;
			s->max_ip_id_was_data = d->payload_len > 0;
		} else if ((int16_t)(d->ip_id - s->max_ip_id) < 0) {
			note_late_ip_id(s, d);
		}
	} else {
		s->max_ip_id = d->ip_id;
		s->max_ip_id_was_data = d->payload_len > 0;
	}
}

/*
 * The estimate of unseen resends counts the numbers a sender skipped as its
 * own packets, which holds only for a per-socket counter (Linux). A counter
 * shared by the host's connections (older Linux, Windows) also climbs in
 * small steps, but rarely by exactly one, and its gaps hold other
 * connections' packets: more than the connection itself sent would mean more
 * than half its packets were lost before the capture point, which TCP does
 * not survive for long. Random IP-IDs are no counter at all.
 */
bool ts_endpoint_ipid_not_per_socket(const struct ts_endpoint *e)
{
	if (e->ipid_samples < TS_IPID_MIN_SAMPLES)
		return false;
	return !ipid_is_counter(e) || e->ipid_steps_one * 2u < e->ipid_samples ||
	       ts_endpoint_rare(e)->ipid_missing_data > e->st.packets;
}

uint64_t ts_endpoint_lost_retrans_estimate(const struct ts_endpoint *e)
{
	if (!ipid_is_counter(e) || ts_endpoint_ipid_not_per_socket(e))
		return 0;
	uint64_t lost_originals = ts_endpoint_rare(e)->unseen_original;
	uint64_t missing = ts_endpoint_rare(e)->ipid_missing_data;
	return missing > lost_originals ? missing - lost_originals : 0;
}

static bool delayed_original(const struct ts_tcp_ctx *c)
{
	const struct ts_endpoint *s = c->snd;
	return c->seg->d->af == 4 && ipid_is_counter(s) && (int16_t)(c->seg->d->ip_id - s->max_ip_id) < 0;
}

/* Linux's shortest retransmission timeout, and the tail loss probe's wait
 * with one segment in flight; no stack resends a lone segment sooner. */
#define TS_MIN_RESEND_NS 200000000
#define TS_IPID_MAX_LOST 8

/*
 * Receiver's side of a lost tail: the original of the last segment never
 * reached the capture, so its resend extends the sequence space like new
 * data. It shows as a segment that continues everything the peer had
 * acknowledged, whose IP-ID skips the lost original's (the sender numbers
 * its packets from a counter of its own: every step so far was one) and
 * that comes a retransmission timeout after the sender's previous packet.
 */
static bool resends_unseen_tail(const struct ts_tcp_ctx *c, uint32_t snd_max_before)
{
	const struct ts_endpoint *s = c->snd;
	const struct ts_seg *g = c->seg;

	if (g->d->af != 4 || !s->seen || s->last_was_syn || g->seq != snd_max_before || s->snd_una != snd_max_before)
		return false;
	if (s->ipid_samples < 2 || s->ipid_gap_seen)
		return false;
	uint16_t step = (uint16_t)(g->d->ip_id - s->last_ip_id);
	return step >= 2 && step <= TS_IPID_MAX_LOST && g->ts_ns - s->last_send_ns >= TS_MIN_RESEND_NS;
}

/* seq starts the segment last taken for a resend of an unseen tail: its
 * late original is then only a delayed original. */
static bool was_inferred_resend(const struct ts_endpoint *s, uint32_t seq)
{
	const struct ts_endpoint_rare *r = ts_endpoint_rare(s);
	return r->inferred_resend_set && r->inferred_resend_seq == seq;
}

static double ooo_window_sec(const struct ts_tcp_ctx *c)
{
	const struct ts_flow *f = c->f;
	double w = c->env->cfg.ooo_window;
	/* A hole filled within the handshake RTT cannot be a resend. */
	if (f->has_syn_ts && f->has_ack_ts) {
		double rtt = (double)(f->ack_ns - f->syn_ns) / TS_NSEC_PER_SEC;
		if (rtt > w)
			w = rtt;
	}
	return w;
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
			g->rule = synack ? "SYN-ACK again with the same ISN" : "SYN again with the same ISN";
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
		ts_scoreboard_reset(&s->sb);
		ts_scoreboard_add(&s->sb, g->seq, g->seq_len, g->ts_ns, &(int64_t){0});
		g->cls = TS_SEG_NEW;
		s->out_segs++;
		return;
	}
	if (!had_isn) {
		/* Picked up mid-stream: the first segment defines the origin,
		 * unless the peer's ACKs already showed where this side stood. */
		const struct ts_endpoint_rare *acked = ts_endpoint_rare(s);
		uint32_t top = acked->ack_origin_set && TS_SEQ_GT(acked->ack_top, g->seq) ? acked->ack_top : g->seq;
		s->isn = (acked->ack_origin_set && TS_SEQ_LT(acked->ack_origin, g->seq) ? acked->ack_origin : g->seq) - 1;
		s->has_isn = true;
		s->snd_una = top;
		s->snd_max = top;
		snd_max_before = top;
	}
	int64_t age = 0;
	enum ts_sb_result r = ts_scoreboard_add(&s->sb, g->seq, g->seq_len, g->ts_ns, &age);
	g->highest_sent = snd_max_before;
	if (r == TS_SB_FILL)
		g->hole_age_ns = age;
	if (r == TS_SB_NEW && !had_isn && TS_SEQ_LT(g->seq, snd_max_before)) {
		/* The first segment of this side the capture holds carries bytes the
		 * peer had acknowledged before: it was sent again. */
		g->cls = TS_SEG_RETX;
		g->rule = "below what the peer had acknowledged before the capture saw this side: a resend";
		/* What the peer acknowledged beyond it counts as seen, as a hole
		 * acknowledged past does (it was counted while this side was silent);
		 * what it carries of that was captured after all. */
		uint32_t end = g->seq + g->seq_len;
		if (TS_SEQ_GT(snd_max_before, end))
			ts_scoreboard_add(&s->sb, end, snd_max_before - end, g->ts_ns, &age);
		ts_tcp_note_silent_sender_seen(s, g->seq, end);
	} else if (r == TS_SB_NEW && resends_unseen_tail(c, snd_max_before)) {
		struct ts_endpoint_rare *rare = ts_endpoint_rare_get(s);
		if (rare) { /* its original may still turn up, late */
			rare->inferred_resend_seq = g->seq;
			rare->inferred_resend_set = true;
		}
		g->cls = TS_SEG_RETX_UNSEEN;
		g->rule = "continues what the peer acknowledged, one retransmission timeout after this side's "
		          "previous packet, with IP-IDs skipped: a resend of an original the capture never saw";
	} else if (r == TS_SB_NEW) {
		g->cls = TS_SEG_NEW;
	} else if (g->frame_seen) {
		g->cls = TS_SEG_NET_DUP;
		g->rule = "bytes already seen in a frame already seen (its IP-ID, or its IP-ID, TTL, TSval, ACK and "
		          "window), however late: a copy the network or the capture made, not a resend";
		return;
	} else if (delayed_original(c) && r == TS_SB_OVERLAP && !was_inferred_resend(s, g->seq)) {
		/* Its bytes came already in a copy numbered later: that copy was the
		 * resend, which looked new when it arrived first. One of the two is
		 * a retransmission, and it is counted here. */
		g->cls = TS_SEG_RETX;
		g->late_original = true;
		g->rule = "a delayed original of bytes already seen: the copy that came first, with a newer IP-ID, was a resend";
	} else if (delayed_original(c)) {
		g->cls = TS_SEG_OUT_OF_ORDER;
		g->rule = "below the highest sequence sent, but its IP-ID is older than the newest: a delayed original";
	} else if (r == TS_SB_OVERLAP) {
		g->cls = TS_SEG_RETX;
		g->rule = "starts below the highest sequence sent and overlaps bytes already seen";
	} else if (c->seg->d->af == 4 && ipid_is_counter(c->snd)) {
		g->cls = TS_SEG_RETX_UNSEEN; /* a new IP-ID: the sender resent it */
		g->rule = "fills a hole with a new IP-ID: a resend of an original the capture never saw";
	} else if ((double)age / TS_NSEC_PER_SEC < ooo_window_sec(c)) {
		g->cls = TS_SEG_OUT_OF_ORDER;
		g->rule = "fills a hole within the out-of-order window";
	} else {
		g->cls = TS_SEG_RETX_UNSEEN;
		g->rule = "fills a hole after the out-of-order window: a resend of an unseen original";
	}

	if (g->cls == TS_SEG_OUT_OF_ORDER)
		TS_ENDPOINT_RARE_ADD(s, out_of_order, 1);
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
		TS_ENDPOINT_RARE_ADD(s, fragments, 1);

	g->hole_age_ns = -1;
	g->since_prev_ns = s->seen ? g->ts_ns - s->last_send_ns : -1;
	g->newest_ip_id = s->max_ip_id; /* before this segment, for --explain */
	/* Every segment's fingerprint is recorded, so this runs first. */
	bool copy = is_capture_copy(c);
	if (is_span_copy(c)) {
		g->cls = TS_SEG_SPAN_DUP;
		g->rule = "the same frame again within 200 us, nothing from the peer between: a capture duplicate";
		TS_ENDPOINT_RARE_ADD(s, span_duplicates, 1);
		return;
	}
	/* A later copy may be the network's (the receiver got it) or the
	 * capture's: either way not a resend (classify_sequence_space). */
	g->frame_seen = copy || ipid_seen_before(s, d);
	if (g->len)
		s->st.data_segments++;
	note_ip_id(s, d);

	g->cls = probe_class(c);
	if (g->cls == TS_SEG_KEEPALIVE || g->cls == TS_SEG_WINDOW_PROBE) {
		g->rule = g->cls == TS_SEG_KEEPALIVE ? "0 or 1 byte at snd_una - 1 with the window open: a keep-alive"
		                                     : "0 or 1 byte at snd_una - 1 into a zero window: a window probe";
		if (g->cls == TS_SEG_KEEPALIVE)
			TS_ENDPOINT_RARE_ADD(s, keepalives, 1);
		else
			TS_ENDPOINT_RARE_ADD(s, window_probes, 1);
		s->out_segs++;
	} else if (g->seq_len && !(g->flags & TS_TCP_RST)) {
		classify_sequence_space(c);
	} else {
		s->out_segs++;
	}
	note_duplicate_ack(c);
	note_sacked_bytes(c);

	/* Judged after this segment's class: the tail rule asks about the steps before it. */
	if (d->af == 4 && s->seen && !s->last_was_syn && (uint16_t)(d->ip_id - s->last_ip_id) != 1)
		s->ipid_gap_seen = true;

	/* Only both SYNs tell the MSS (0 until then): a missing one is not a
	 * missing option. Asked for data only: most segments of a short flow
	 * carry none. */
	if (g->len) {
		uint16_t mss = ts_flow_effective_mss(c->f);
		if (mss && g->len > mss)
			TS_ENDPOINT_RARE_ADD(s, over_mss, 1);
	}
	if (g->len && !s->fin_sent && c->rcv->fin_sent && s->state == TS_ST_CLOSE_WAIT) {
		struct ts_endpoint_rare *r;
		if (!c->f->half_close && (r = ts_endpoint_rare_get(&c->f->cli)))
			r->half_close_ns = g->ts_ns; /* the first data after the peer's FIN */
		c->f->half_close = true;
	}
}
