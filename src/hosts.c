/* \summary: per-host netstat -s view built from each endpoint's MIB figures */
#include <stdlib.h>
#include <string.h>

#include "tcpscope/hosts.h"

void ts_hosts_init(struct ts_hosts *h)
{
	memset(h, 0, sizeof(*h));
}

void ts_hosts_free(struct ts_hosts *h)
{
	struct ts_host *x, *tmp;

	HASH_ITER(hh, h->hash, x, tmp) {
		/* the analyzer loses track of uthash's saved next pointer */
		HASH_DEL(h->hash, x); /* NOLINT(clang-analyzer-unix.Malloc) */
		free(x);
	}
	h->hash = NULL;
}

struct ts_host *ts_hosts_find(const struct ts_hosts *h, uint8_t af, const uint8_t addr[16])
{
	struct ts_host key, *x = NULL;

	memset(&key, 0, sizeof(key));
	key.af = af;
	memcpy(key.addr, addr, 16);
	HASH_FIND(hh, h->hash, &key.af, 17, x);
	return x;
}

/* NULL on allocation failure, or with *capped set when the table is full. */
static struct ts_host *host_get(struct ts_hosts *h, uint8_t af, const uint8_t addr[16], bool *capped)
{
	struct ts_host *x = ts_hosts_find(h, af, addr);

	*capped = false;
	if (x)
		return x;
	if (h->max_hosts && HASH_COUNT(h->hash) >= h->max_hosts) {
		*capped = true;
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->af = af;
	memcpy(x->addr, addr, 16);
	x->first_seen = UINT64_MAX;
	HASH_ADD(hh, h->hash, af, 17, x);
	return x;
}

static void fold(struct ts_host *x, const struct ts_flow *f, const struct ts_endpoint *e,
                 const struct ts_endpoint *peer)
{
	if (f->id < x->first_seen)
		x->first_seen = f->id;
	x->connections++;
	if (e == &f->cli && e->syn_seen && f->handshake != TS_HS_COMPLETE && f->handshake != TS_HS_REFUSED &&
	    f->handshake != TS_HS_SIMULTANEOUS_OPEN)
		x->syns_unanswered += e->syn_count;
	x->active_opens += e->active_open;
	x->passive_opens += e->passive_open;
	x->failed_attempts += e->attempt_failed;
	x->resets += e->estab_reset;
	x->current += e->state == TS_ST_ESTABLISHED; /* Linux: CLOSE_WAIT is not counted */
	x->segments_sent += e->out_segs;
	x->segments_retransmitted += ts_endpoint_rare(e)->retx_segs;
	x->retrans_lost_estimate += ts_endpoint_lost_retrans_estimate(e);
	x->ipid_not_per_socket += ts_endpoint_ipid_not_per_socket(e);
	x->segments_received += peer->st.packets - ts_endpoint_rare(peer)->span_duplicates;
	x->states[e->state]++;
}

int ts_hosts_add_flow(struct ts_hosts *h, const struct ts_flow *f)
{
	bool lo_capped, hi_capped;
	struct ts_host *lo = host_get(h, f->key.af, f->key.lo_addr, &lo_capped);
	struct ts_host *hi = host_get(h, f->key.af, f->key.hi_addr, &hi_capped);
	const struct ts_endpoint *elo = f->client_is_lo ? &f->cli : &f->srv;
	const struct ts_endpoint *ehi = f->client_is_lo ? &f->srv : &f->cli;

	h->unlisted += lo_capped + hi_capped;
	if (lo)
		fold(lo, f, elo, ehi);
	if (hi)
		fold(hi, f, ehi, elo);
	return (!lo && !lo_capped) || (!hi && !hi_capped) ? -1 : 0;
}

static int by_order(const void *a, const void *b)
{
	const struct ts_host *x = *(const struct ts_host *const *)a;
	const struct ts_host *y = *(const struct ts_host *const *)b;
	if (x->first_seen != y->first_seen)
		return x->first_seen < y->first_seen ? -1 : 1;
	/* The two ends of one flow: lower address first, whatever the hash order. */
	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

void ts_hosts_sort(const struct ts_host **v, size_t n)
{
	if (n > 1) /* v may be NULL when there is nothing to sort */
		qsort(v, n, sizeof(*v), by_order);
}

struct ts_host **ts_hosts_sorted(const struct ts_hosts *h, size_t *count)
{
	size_t n = HASH_COUNT(h->hash), i = 0;
	struct ts_host **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (struct ts_host *x = h->hash; x; x = x->hh.next)
		v[i++] = x;
	qsort(v, i, sizeof(*v), by_order);
	*count = i;
	return v;
}

double ts_host_retrans_pct(const struct ts_host *h)
{
	return h->segments_sent ? 100.0 * (double)h->segments_retransmitted / (double)h->segments_sent : 0.0;
}

/* A host of src that dst lacks moves over whole: no copy, no allocation.
 * Returns dst's host to add s to, or NULL when s moved or was dropped (dst
 * is full: s is counted, and freed with src). */
static struct ts_host *move_host(struct ts_hosts *dst, struct ts_hosts *src, struct ts_host *s)
{
	struct ts_host *d = ts_hosts_find(dst, s->af, s->addr);

	if (d)
		return d;
	if (dst->max_hosts && HASH_COUNT(dst->hash) >= dst->max_hosts) {
		dst->unlisted += s->connections;
		return NULL;
	}
	HASH_DEL(src->hash, s);
	HASH_ADD(hh, dst->hash, af, 17, s);
	return NULL;
}

void ts_hosts_merge(struct ts_hosts *dst, struct ts_hosts *src)
{
	struct ts_host *s, *tmp;

	dst->unlisted += src->unlisted;
	src->unlisted = 0;
	/* The first worker's hosts into an empty table: take the table whole. */
	if (!dst->hash && (!dst->max_hosts || HASH_COUNT(src->hash) <= dst->max_hosts)) {
		dst->hash = src->hash;
		src->hash = NULL;
		return;
	}
	for (s = src->hash; s; s = tmp) {
		tmp = s->hh.next; /* s may move to dst */
		struct ts_host *d = move_host(dst, src, s);
		if (!d)
			continue;
		d->active_opens += s->active_opens;
		d->passive_opens += s->passive_opens;
		d->failed_attempts += s->failed_attempts;
		d->resets += s->resets;
		d->current += s->current;
		d->segments_received += s->segments_received;
		d->segments_sent += s->segments_sent;
		d->segments_retransmitted += s->segments_retransmitted;
		d->retrans_lost_estimate += s->retrans_lost_estimate;
		d->ipid_not_per_socket += s->ipid_not_per_socket;
		d->connections += s->connections;
		d->syns_unanswered += s->syns_unanswered;
		for (int i = 0; i < TS_ST_COUNT; i++)
			d->states[i] += s->states[i];
		if (s->first_seen < d->first_seen)
			d->first_seen = s->first_seen;
	}
}

void ts_hosts_renumber(struct ts_hosts *h, uint64_t (*map)(void *ctx, uint64_t id), void *ctx)
{
	for (struct ts_host *x = h->hash; x; x = x->hh.next)
		if (x->first_seen != UINT64_MAX)
			x->first_seen = map(ctx, x->first_seen);
}
