/* \summary: the pipeline: decode, find the flow, run the TCP engine, retire flows */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "host_findings.h"
#include "tcpscope/analyzer.h"
#include "tcpscope/prefetch.h"
#include "tcpscope/tcp_engine.h"
#include "tcpscope/tcp_finish.h"
#include "tcpscope/units.h"

void ts_analyzer_config_default(struct ts_analyzer_config *c)
{
	memset(c, 0, sizeof(*c));
	c->stall_timeout = 60.0;
	c->time_wait = 60.0;
	c->ooo_window = 0.003;
	c->zero_window_min = 1.0;
	c->retrans_warn_pct = 1.0;
	c->retrans_err_pct = 5.0;
	c->retrans_min_segments = 100;
	c->time_wait_pileup = 500;
	c->syn_flood_half_open = 100;
	c->syn_rate = 100.0;
	c->port_scan_targets = 25;
	c->port_scan_window = 300.0;
}

static void tcp_anomaly(void *ctx, struct ts_flow *f, const struct ts_anomaly *an)
{
	ts_analyzer_anomaly(ctx, f, an);
}

/* The TCP engine's thresholds and hooks, from the config. */
static struct ts_tcp_env tcp_env(struct ts_analyzer *a)
{
	const struct ts_analyzer_config *c = &a->cfg;

	return (struct ts_tcp_env){
		.cfg = {
			.stall_timeout = c->stall_timeout,
			.time_wait = c->time_wait,
			.ooo_window = c->ooo_window,
			.zero_window_min = c->zero_window_min,
			.retrans_warn_pct = c->retrans_warn_pct,
			.retrans_err_pct = c->retrans_err_pct,
			.retrans_min_segments = c->retrans_min_segments,
		},
		.dups = &a->dups,
		.on_anomaly = tcp_anomaly,
		.anomaly_ctx = a,
		.on_transition = c->on_transition,
		.transition_ctx = c->ctx,
		.on_segment = c->on_segment,
		.segment_ctx = c->segment_ctx,
	};
}

int ts_analyzer_init(struct ts_analyzer *a, const struct ts_analyzer_config *cfg)
{
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	uint64_t seed = cfg->seed;
	if (!seed && getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = (uint64_t)(uintptr_t)a ^ 0x5bd1e995u;
	ts_flow_table_init(&a->flows, cfg->max_flows, seed);
	ts_reasm_init(&a->reasm, 0, 0, seed);
	ts_hosts_init(&a->hosts);
	a->hosts.seed = seed ^ 0x2545f4914f6cdd1dull;
	/* the flow cap bounds the host table too: two ends per tracked flow */
	a->hosts.max_hosts = cfg->max_hosts ? cfg->max_hosts : cfg->max_flows * 2;
	if (cfg->max_report_flows)
		a->flows.max_retired = cfg->max_report_flows;
	a->dec.first_unsupported_dlt = -1;
	ts_ctx_table_init(&a->ctx_own);
	a->ctx = cfg->shared_ctx ? cfg->shared_ctx : &a->ctx_own;
	a->tcp = tcp_env(a);
	return 0;
}

static void drop_view(struct ts_analyzer *a)
{
	if (!a->findings_view)
		return;
	ts_flow_view_free(a->findings_view);
	free(a->findings_view);
	a->findings_view = NULL;
}

void ts_analyzer_free(struct ts_analyzer *a)
{
	drop_view(a);
	ts_flow_table_free(&a->flows);
	ts_reasm_free(&a->reasm);
	ts_hosts_free(&a->hosts);
	ts_dup_cache_free(&a->dups);
	ts_ctx_table_free(&a->ctx_own);
	for (size_t i = 0; i < a->n_host_anomalies; i++)
		free((void *)a->host_anomalies[i].detail);
	free(a->host_anomalies);
	memset(a, 0, sizeof(*a));
}

void ts_analyzer_anomaly(struct ts_analyzer *a, struct ts_flow *f, const struct ts_anomaly *an)
{
	a->anomaly_counts[an->code]++;
	if (f) {
		if (f->n_anomalies == f->cap_anomalies && f->cap_anomalies < TS_FLOW_MAX_ANOMALIES &&
		    ts_flow_table_grow_anomalies(&a->flows, f) < 0)
			a->alloc_failures++;
		if (f->n_anomalies < f->cap_anomalies)
			f->anomalies[f->n_anomalies++] = *an;
		else
			f->anomaly_overflow++;
	} else {
		if (a->n_host_anomalies == a->cap_host_anomalies) {
			size_t cap = a->cap_host_anomalies ? a->cap_host_anomalies * 2 : 8;
			struct ts_anomaly *v = realloc(a->host_anomalies, cap * sizeof(*v));
			if (!v) {
				a->alloc_failures++;
				free((void *)an->detail);
				return;
			}
			a->host_anomalies = v;
			a->cap_host_anomalies = cap;
		}
		a->host_anomalies[a->n_host_anomalies++] = *an;
	}
	if (a->cfg.on_anomaly)
		a->cfg.on_anomaly(a->cfg.ctx, f, an);
}

/* Finish a flow's findings, fold it into its hosts, take it out of the table. */
static void retire_flow(struct ts_analyzer *a, struct ts_flow *f, const struct timespec *now)
{
	ts_tcp_flow_finish(&a->tcp, f, now);
	if (ts_hosts_add_flow(&a->hosts, f) < 0)
		a->alloc_failures++;
	ts_flow_table_retire_marked(&a->flows, f, ts_host_findings_marks(f));
}

static void assign_roles(struct ts_flow *f, const struct ts_decoded *d, bool from_lo)
{
	uint8_t fl = d->flags;
	bool sender_is_client;

	if ((fl & TS_TCP_SYN) && !(fl & TS_TCP_ACK)) {
		sender_is_client = true;
	} else if (fl & TS_TCP_SYN) {
		sender_is_client = false;
	} else {
		/* Picked up mid-stream: a well-known port, else the lower port, serves. */
		f->midstream = true;
		bool sport_server = (d->sport < 1024) != (d->dport < 1024) ? d->sport < 1024
		                                                          : d->sport < d->dport;
		sender_is_client = !sport_server;
	}
	f->roles_known = fl & TS_TCP_SYN;
	f->client_is_lo = sender_is_client == from_lo;
}

/* A SYN with a new ISN on a 4-tuple whose connection is over (or abandoned
 * in SYN_SENT) starts a new connection: port reuse. */
static bool starts_new_connection(const struct ts_flow *f, const struct ts_decoded *d, bool from_lo)
{
	if (!(d->flags & TS_TCP_SYN) || (d->flags & TS_TCP_ACK))
		return false;
	bool from_client = from_lo == f->client_is_lo;
	const struct ts_endpoint *s = from_client ? &f->cli : &f->srv;
	if (s->syn_seen && s->isn == d->seq)
		return false; /* a retransmitted SYN */
	if (ts_endpoint_closed(&f->cli) && ts_endpoint_closed(&f->srv))
		return true;
	if (ts_endpoint_closed(&f->cli) && f->srv.state == TS_ST_UNKNOWN)
		return true;
	return s->syn_seen && (s->state == TS_ST_SYN_SENT || ts_endpoint_closed(s));
}

static void end_old_connection(struct ts_analyzer *a, struct ts_flow *f, const struct timespec *ts)
{
	struct ts_endpoint *eps[2] = { &f->cli, &f->srv };

	for (int i = 0; i < 2; i++) /* TIME_WAIT is recycled, an abandoned SYN is gone */
		if (eps[i]->state == TS_ST_TIME_WAIT || eps[i]->state == TS_ST_SYN_SENT)
			ts_tcp_set_state(&a->tcp, f, eps[i], TS_ST_CLOSED, ts, 0);
	f->reused = true;
}

/*
 * Idle timeouts per state, on packet time, so memory stays bounded on a
 * long live run: a closed connection is kept a little for stray segments, a
 * handshake that went nowhere as long as Linux retries a SYN, a closing one
 * long enough for its stall to be reported, an established one the longest.
 */
#define TS_IDLE_CLOSED_SEC 10.0
#define TS_IDLE_HANDSHAKE_SEC 130.0
#define TS_EXPIRE_SCAN_MAX 4096

static bool in_handshake(const struct ts_endpoint *e)
{
	return e->state == TS_ST_UNKNOWN || e->state == TS_ST_SYN_SENT || e->state == TS_ST_SYN_RECEIVED;
}

double ts_analyzer_idle_timeout(const struct ts_analyzer *a, const struct ts_flow *f)
{
	double idle = a->cfg.idle_timeout;

	if (ts_endpoint_closed(&f->cli) && ts_endpoint_closed(&f->srv))
		return TS_IDLE_CLOSED_SEC < idle ? TS_IDLE_CLOSED_SEC : idle;
	if (in_handshake(&f->cli) && in_handshake(&f->srv))
		return TS_IDLE_HANDSHAKE_SEC < idle ? TS_IDLE_HANDSHAKE_SEC : idle;
	if (f->cli.state != TS_ST_ESTABLISHED || f->srv.state != TS_ST_ESTABLISHED) {
		/* Closing: long enough to report its stall with a duration, whatever
		 * the idle timeout of established connections. */
		return 2 * a->cfg.stall_timeout + a->cfg.time_wait;
	}
	return idle;
}

/*
 * A connection closed on both ends (a refused attempt, a reset) can change
 * no more; after a short grace for segments still in flight it leaves the
 * table, so a capture of a million short connections keeps a table of only
 * those still open.
 */
#define TS_DEAD_GRACE_NS 2000000000

static void retire_dead(struct ts_analyzer *a, const struct timespec *now)
{
	int64_t now_ns = ts_timespec_ns(now);
	struct ts_flow *f = a->flows.lru_head[TS_LIST_DEAD];

	while (f && now_ns - ts_timespec_ns(&f->last) >= TS_DEAD_GRACE_NS) {
		struct ts_flow *next = f->lru_next;
		/* Its findings end with its last segment: the same whenever it leaves. */
		retire_flow(a, f, &f->last);
		f = next;
	}
}

/* A late segment for a dead connection past the grace starts a new flow,
 * whether or not the table has let the old one go yet. */
static bool dead_and_gone(const struct ts_flow *f, const struct timespec *now)
{
	return f->lru_list == TS_LIST_DEAD && ts_timespec_ns(now) - ts_timespec_ns(&f->last) >= TS_DEAD_GRACE_NS;
}

static void expire_idle(struct ts_analyzer *a, const struct timespec *now)
{
	int64_t now_ns = ts_timespec_ns(now);

	if (now_ns < a->next_expire_ns)
		return;
	a->next_expire_ns = now_ns + TS_NSEC_PER_SEC;
	struct ts_flow *heads[2] = { a->flows.lru_head[TS_LIST_CLOSED], a->flows.lru_head[TS_LIST_OPEN] };
	for (int i = 0; i < 2; i++) {
		/* Least recently active first: stop at the first flow idle for less
		 * than the shortest timeout, or after a bounded scan. */
		double shortest = i == 0 ? TS_IDLE_CLOSED_SEC : TS_IDLE_HANDSHAKE_SEC;
		if (shortest > a->cfg.idle_timeout)
			shortest = a->cfg.idle_timeout;
		struct ts_flow *f = heads[i];
		for (unsigned n = 0; f && n < TS_EXPIRE_SCAN_MAX; n++) {
			struct ts_flow *next = f->lru_next;
			double idle = (double)(now_ns - ts_timespec_ns(&f->last)) / TS_NSEC_PER_SEC;
			if (idle < shortest)
				break;
			if (idle >= ts_analyzer_idle_timeout(a, f)) {
				a->flows.evicted_idle++;
				retire_flow(a, f, now);
			}
			f = next;
		}
	}
}

static struct ts_flow *flow_for(struct ts_analyzer *a, const struct ts_decoded *d, const struct ts_pkt *pkt,
                                const struct ts_flow_key *key, uint64_t hash, bool from_lo)
{
	struct ts_flow *f = ts_flow_table_find(&a->flows, key, hash);
	bool reuse = false;

	if (f && dead_and_gone(f, &pkt->ts)) {
		retire_flow(a, f, &f->last);
		f = NULL;
	}
	if (f && starts_new_connection(f, d, from_lo)) {
		end_old_connection(a, f, &pkt->ts);
		retire_flow(a, f, &pkt->ts);
		a->flows.port_reuse++;
		reuse = true;
		f = NULL;
	}
	if (f)
		return f;
	struct ts_flow *victim = ts_flow_table_victim(&a->flows);
	if (victim)
		retire_flow(a, victim, &pkt->ts);
	f = ts_flow_table_add(&a->flows, key, hash);
	if (!f) {
		a->alloc_failures++;
		return NULL;
	}
	assign_roles(f, d, from_lo);
	f->first = pkt->ts;
	if (a->cfg.ids_from_packet_index) {
		f->id = pkt->index; /* renumbered densely when the shards are merged */
		/* next_id stays above every id, which lets the merge place flows by id */
		if (f->id >= a->flows.next_id)
			a->flows.next_id = f->id + 1;
	}
	if (reuse)
		ts_flow_add_anomaly(&a->tcp, f, TS_AN_PORT_REUSE, TS_EP_CLIENT, &pkt->ts);
	return f;
}

/* The bit number of a decode event flag. */
static unsigned event_bit(uint32_t flag)
{
	return (unsigned)__builtin_ctz(flag);
}

/*
 * Time only goes forward for the analysis: a packet stamped before one read
 * earlier (clock steps, merged queues, files that overlap) or with no time
 * at all (0) would otherwise make negative gaps, years-long durations and
 * timers that fire backwards. It is counted and given the newest time seen;
 * before any time is known it is counted only.
 */
const struct ts_pkt *ts_analyzer_note_packet(struct ts_analyzer *a, const struct ts_pkt *pkt,
                                             struct ts_pkt *later)
{
	int64_t t = ts_timespec_ns(&pkt->ts);

	a->dec.packets++;
	a->dec.bytes += pkt->wirelen;
	if (t == 0 || (a->have_ts && t < ts_timespec_ns(&a->last))) {
		a->dec.event[event_bit(TS_DE_TIME_BACKWARDS)]++;
		if (!a->have_ts)
			return NULL; /* no time yet to give it: it would start the clock at 1970 */
		*later = *pkt;
		later->ts = a->last;
		return later;
	}
	if (!a->have_ts) {
		a->first = pkt->ts;
		a->have_ts = true;
	}
	a->last = pkt->ts;
	if (a->reasm.n_dgrams)
		ts_reasm_expire(&a->reasm, &pkt->ts);
	return pkt;
}

/* A fragment goes to reassembly; the datagram it completes, if any, is
 * decoded in its place, as the TCP segment of this packet (the last one
 * that arrived, as the receiver's stack would deliver it). */
static enum ts_drc decode_fragment(struct ts_analyzer *a, const struct ts_pkt *pkt, struct ts_decoded *d,
                                   enum ts_decode_reason *reason)
{
	struct ts_view dgram;

	if (ts_reasm_add(&a->reasm, d, &pkt->ts, &dgram) != TS_REASM_COMPLETE)
		return TS_D_SKIP; /* waiting, or dropped: counted by reassembly */
	return ts_reasm_decode(dgram, d, reason);
}

bool ts_analyzer_decode(struct ts_analyzer *a, const struct ts_pkt *pkt, struct ts_decoded *d)
{
	enum ts_decode_reason reason = TS_DR_NONE;
	enum ts_drc rc = ts_decode_packet_cfg(pkt, &a->cfg.decode, d, &reason);

	/* Counted per packet, fragments waiting for their datagram included. */
	if (d->encaps)
		for (unsigned e = 0; e < TS_ENC_COUNT; e++)
			if (d->encaps & (1u << e))
				a->dec.encap[e]++;
	if (rc == TS_D_SKIP && (reason == TS_DR_IPV4_FRAGMENT || reason == TS_DR_IPV6_FRAGMENT)) {
		rc = decode_fragment(a, pkt, d, &reason);
		if (rc == TS_D_SKIP && (reason == TS_DR_IPV4_FRAGMENT || reason == TS_DR_IPV6_FRAGMENT))
			return false;
	}
	if (rc != TS_D_OK) {
		a->dec.reason[reason < TS_DR_COUNT ? reason : TS_DR_NONE]++;
		if (rc == TS_D_UNSUPPORTED && a->dec.first_unsupported_dlt < 0)
			a->dec.first_unsupported_dlt = pkt->linktype;
		return false;
	}
	a->dec.tcp_segments++;
	for (unsigned b = 0; d->events >> b; b++)
		if (d->events & (1u << b) && b < TS_DE_COUNT_BITS)
			a->dec.event[b]++;
	return true;
}

static void feed_keyed(struct ts_analyzer *a, const struct ts_pkt *pkt, const struct ts_decoded *d,
                       const struct ts_flow_key *key, uint64_t hash, bool from_lo)
{
	struct ts_flow *f = flow_for(a, d, pkt, key, hash, from_lo);

	if (!f)
		return;
	ts_tcp_segment(&a->tcp, f, from_lo == f->client_is_lo, d, pkt);
	enum ts_flow_list list = TS_LIST_OPEN;
	if (f->cli.state == TS_ST_CLOSED && f->srv.state == TS_ST_CLOSED)
		list = TS_LIST_DEAD;
	else if (ts_endpoint_closed(&f->cli) && ts_endpoint_closed(&f->srv))
		list = TS_LIST_CLOSED;
	ts_flow_table_touch(&a->flows, f, list);
	retire_dead(a, &pkt->ts);
	if (a->cfg.idle_timeout > 0)
		expire_idle(a, &pkt->ts);
}

/* The flow key, with the id of the packet's outer context when it has one. */
static bool key_for(struct ts_analyzer *a, const struct ts_decoded *d, struct ts_flow_key *key)
{
	bool from_lo = ts_flow_key_make(key, d);

	if (d->ctx_len)
		ts_flow_key_set_ctx(key, ts_ctx_intern(a->ctx, d->ctx, d->ctx_len));
	return from_lo;
}

void ts_analyzer_feed_decoded(struct ts_analyzer *a, const struct ts_pkt *pkt, const struct ts_decoded *d)
{
	struct ts_flow_key key;
	bool from_lo = key_for(a, d, &key);

	feed_keyed(a, pkt, d, &key, ts_flow_key_hash(&key, a->flows.seed), from_lo);
}

static void feed_oldest_pending(struct ts_analyzer *a)
{
	struct ts_pending_segment *p = &a->pending[a->pending_head];

	a->pending_head = (a->pending_head + 1) % TS_FEED_AHEAD;
	a->n_pending--;
	feed_keyed(a, &p->pkt, &p->d, &p->key, p->hash, p->from_lo);
}

/* The next free pending slot, once the oldest segment has had its turn. */
static struct ts_pending_segment *pending_slot(struct ts_analyzer *a)
{
	if (a->n_pending == TS_FEED_AHEAD)
		feed_oldest_pending(a);
	return &a->pending[(a->pending_head + a->n_pending) % TS_FEED_AHEAD];
}

/* Queue the segment decoded into p (its bytes are not kept) and fetch ahead. */
static void queue_pending(struct ts_analyzer *a, struct ts_pending_segment *p, const struct ts_pkt *pkt)
{
	p->pkt = *pkt;
	p->pkt.data = NULL;
	p->d.payload = NULL;
	p->from_lo = key_for(a, &p->d, &p->key);
	p->hash = ts_flow_key_hash(&p->key, a->flows.seed);
	a->n_pending++;
	/* Its index slot now; the flow it leads to once the slot is here,
	 * a packet later (the one before it in the ring). */
	__builtin_prefetch(ts_flow_index_home(&a->flows.index, p->hash));
	if (a->n_pending == TS_FEED_AHEAD) {
		const struct ts_pending_segment *q = &a->pending[a->pending_head];
		const struct ts_flow_slot *slot = ts_flow_index_home(&a->flows.index, q->hash);
		if (slot && slot->flow)
			ts_prefetch_lines(slot->flow, sizeof(*slot->flow)); /* a segment reads both endpoints */
	}
}

void ts_analyzer_feed_ahead(struct ts_analyzer *a, const struct ts_pkt *pkt)
{
	struct ts_pending_segment *p = pending_slot(a);
	struct ts_pkt later;

	pkt = ts_analyzer_note_packet(a, pkt, &later);
	if (pkt && ts_analyzer_decode(a, pkt, &p->d))
		queue_pending(a, p, pkt);
}

bool ts_analyzer_decode_ahead(struct ts_analyzer *a, const struct ts_pkt *pkt)
{
	struct ts_pending_segment *p = pending_slot(a);

	if (!ts_analyzer_decode(a, pkt, &p->d))
		return false;
	queue_pending(a, p, pkt);
	return true;
}

void ts_analyzer_feed_decoded_ahead(struct ts_analyzer *a, const struct ts_pkt *pkt, const struct ts_decoded *d)
{
	struct ts_pending_segment *p = pending_slot(a);

	p->d = *d;
	queue_pending(a, p, pkt);
}

void ts_analyzer_flush(struct ts_analyzer *a)
{
	while (a->n_pending)
		feed_oldest_pending(a);
}

void ts_analyzer_feed(struct ts_analyzer *a, const struct ts_pkt *pkt)
{
	struct ts_decoded d;
	struct ts_pkt later;

	pkt = ts_analyzer_note_packet(a, pkt, &later);
	if (pkt && ts_analyzer_decode(a, pkt, &d))
		ts_analyzer_feed_decoded(a, pkt, &d);
}

void ts_analyzer_finish_flows(struct ts_analyzer *a)
{
	ts_analyzer_flush(a);
	ts_reasm_finish(&a->reasm, &a->last);
	if (a->flows_finished)
		return;
	a->flows_finished = true;
	/* The flows still in the table, in first-seen (id) order, so hosts and
	 * findings come out the same on every run. Packed flows were finished
	 * and folded when they were retired. */
	for (struct ts_flow *f = a->flows.all_head; f; f = f->all_next) {
		ts_tcp_flow_finish(&a->tcp, f, &a->last);
		if (ts_hosts_add_flow(&a->hosts, f) < 0)
			a->alloc_failures++;
	}
}

/* The view is kept: the report lists the same flows in the same order, and
 * need not place a million of them again. */
void ts_analyzer_host_findings(struct ts_analyzer *a)
{
	drop_view(a);
	struct ts_flow_view *v = malloc(sizeof(*v));
	if (!v || ts_flow_view_build(v, &a->flows) < 0) {
		free(v);
		a->alloc_failures++;
		return;
	}
	ts_host_findings(a, v);
	a->findings_view = v;
}

struct ts_flow_view *ts_analyzer_take_view(struct ts_analyzer *a)
{
	struct ts_flow_view *v = a->findings_view;

	if (v && !ts_flow_view_current(v, &a->flows)) {
		drop_view(a);
		return NULL;
	}
	a->findings_view = NULL;
	if (v)
		v->unpacked = v->last = SIZE_MAX;
	return v;
}

void ts_analyzer_finish(struct ts_analyzer *a)
{
	if (a->finished)
		return;
	a->finished = true;
	ts_analyzer_finish_flows(a);
	ts_analyzer_host_findings(a);
}
