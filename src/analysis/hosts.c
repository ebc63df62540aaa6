/* \summary: per-host netstat -s view built from each endpoint's MIB figures, in an open-addressing table */
#include <stdlib.h>
#include <string.h>

#include "tcpscope/hosts.h"

void ts_hosts_init(struct ts_hosts *h)
{
	memset(h, 0, sizeof(*h));
}

void ts_hosts_free(struct ts_hosts *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i]);
	free(h->v);
	free(h->slots);
	h->v = NULL;
	h->slots = NULL;
	h->n = h->cap = h->mask = 0;
	h->recent[0] = h->recent[1] = NULL;
}

/* Seeded mix of the family and the two address halves. */
static uint64_t host_hash(const struct ts_hosts *h, uint8_t af, const uint8_t addr[16])
{
	uint64_t w[2];

	memcpy(w, addr, 16);
	uint64_t x = h->seed ^ af ^ 0x9e3779b97f4a7c15ull;
	x = (x ^ w[0]) * 0xff51afd7ed558ccdull;
	x ^= x >> 32;
	x = (x ^ w[1]) * 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 29;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 32;
	return x;
}

#define TS_HOST_TAG(hash) ((hash) & 0xffffffff00000000ull)

/* The slot holding the host, or the empty slot where it would go. */
static uint64_t *probe(const struct ts_hosts *h, uint64_t hash, uint8_t af, const uint8_t addr[16])
{
	uint64_t tag = TS_HOST_TAG(hash);

	for (size_t i = (size_t)hash & h->mask;; i = (i + 1) & h->mask) {
		uint64_t s = h->slots[i];
		if (!s)
			return &h->slots[i];
		if (TS_HOST_TAG(s) != tag)
			continue;
		const struct ts_host *x = h->v[(uint32_t)s - 1];
		if (x->af == af && !memcmp(x->addr, addr, 16))
			return &h->slots[i];
	}
}

/* Twice as many slots, or the first 64: -1 when memory ran out. */
static int grow_index(struct ts_hosts *h)
{
	size_t slots = h->mask ? 2 * (h->mask + 1) : 64;

	if (slots <= h->mask || slots > SIZE_MAX / sizeof(uint64_t))
		return -1; /* no larger table can be had */
	uint64_t *fresh = calloc(slots, sizeof(*fresh));
	if (!fresh)
		return -1;
	free(h->slots);
	h->slots = fresh;
	h->mask = slots - 1;
	for (size_t i = 0; i < h->n; i++) {
		const struct ts_host *x = h->v[i];
		uint64_t hash = host_hash(h, x->af, x->addr);
		*probe(h, hash, x->af, x->addr) = TS_HOST_TAG(hash) | (uint64_t)(i + 1);
	}
	return 0;
}

/* Append x (not yet in the table) to v and the index; -1 when memory ran out. */
static int insert(struct ts_hosts *h, struct ts_host *x)
{
	if (h->n >= UINT32_MAX - 1)
		return -1; /* places are 32 bits in a slot */
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 32;
		struct ts_host **v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	if (2 * (h->n + 1) > (h->mask ? h->mask + 1 : 0) && grow_index(h) < 0)
		return -1;
	uint64_t hash = host_hash(h, x->af, x->addr);
	*probe(h, hash, x->af, x->addr) = TS_HOST_TAG(hash) | (uint64_t)(h->n + 1);
	h->v[h->n++] = x;
	return 0;
}

struct ts_host *ts_hosts_find(const struct ts_hosts *h, uint8_t af, const uint8_t addr[16])
{
	if (!h->n)
		return NULL;
	uint64_t s = *probe(h, host_hash(h, af, addr), af, addr);
	return s ? h->v[(uint32_t)s - 1] : NULL;
}

/* NULL on allocation failure, or with *capped set when the table is full. */
static bool host_is(const struct ts_host *x, uint8_t af, const uint8_t addr[16])
{
	return x && x->af == af && !memcmp(x->addr, addr, 16);
}

/* side: 0 for a flow's lo address, 1 for its hi address. A server's address
 * comes back flow after flow, so the host it had last time is tried before
 * the table. */
static struct ts_host *host_get(struct ts_hosts *h, int side, uint8_t af, const uint8_t addr[16], bool *capped)
{
	*capped = false;
	for (int i = 0; i < 2; i++)
		if (host_is(h->recent[i], af, addr))
			return h->recent[i];
	struct ts_host *x = ts_hosts_find(h, af, addr);
	if (x) {
		h->recent[side] = x;
		return x;
	}
	if (h->max_hosts && h->n >= h->max_hosts) {
		*capped = true;
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->af = af;
	memcpy(x->addr, addr, 16);
	x->first_seen = UINT64_MAX;
	if (insert(h, x) < 0) {
		free(x);
		return NULL;
	}
	h->recent[side] = x;
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
	struct ts_host *lo = host_get(h, 0, f->key.af, f->key.lo_addr, &lo_capped);
	struct ts_host *hi = host_get(h, 1, f->key.af, f->key.hi_addr, &hi_capped);
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
	size_t n = h->n;
	struct ts_host **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	if (n)
		memcpy(v, h->v, n * sizeof(*v));
	ts_hosts_sort((const struct ts_host **)v, n);
	*count = n;
	return v;
}

double ts_host_retrans_pct(const struct ts_host *h)
{
	return h->segments_sent ? 100.0 * (double)h->segments_retransmitted / (double)h->segments_sent : 0.0;
}

/* For src's i-th host s: dst's host to add s to, or NULL
 * when s moved over whole (no copy: src's place is emptied) or was dropped
 * (dst is full: s is counted, and freed with src). */
static struct ts_host *move_host(struct ts_hosts *dst, struct ts_hosts *src, size_t i)
{
	struct ts_host *s = src->v[i];
	struct ts_host *d = ts_hosts_find(dst, s->af, s->addr);

	if (d)
		return d;
	if (dst->max_hosts && dst->n >= dst->max_hosts) {
		dst->unlisted += s->connections;
		return NULL;
	}
	if (insert(dst, s) < 0) {
		dst->unlisted += s->connections; /* out of memory: counted as if full */
		return NULL;
	}
	src->v[i] = NULL;
	return NULL;
}

/* After a merge: src keeps the hosts that were summed, in their order. */
static void compact(struct ts_hosts *h)
{
	size_t k = 0;

	for (size_t i = 0; i < h->n; i++)
		if (h->v[i])
			h->v[k++] = h->v[i];
	h->n = k;
	if (h->mask)
		memset(h->slots, 0, (h->mask + 1) * sizeof(*h->slots));
	for (size_t i = 0; i < h->n; i++) {
		uint64_t hash = host_hash(h, h->v[i]->af, h->v[i]->addr);
		*probe(h, hash, h->v[i]->af, h->v[i]->addr) = TS_HOST_TAG(hash) | (uint64_t)(i + 1);
	}
}

void ts_hosts_merge(struct ts_hosts *dst, struct ts_hosts *src)
{
	/* Hosts move between the tables: neither's last ones stay its own. */
	dst->recent[0] = dst->recent[1] = src->recent[0] = src->recent[1] = NULL;
	dst->unlisted += src->unlisted;
	src->unlisted = 0;
	/* The first worker's hosts into an empty table: take the table whole
	 * (with its seed, which its index was built with). */
	if (!dst->n && (!dst->max_hosts || src->n <= dst->max_hosts)) {
		free(dst->v);
		free(dst->slots);
		size_t max_hosts = dst->max_hosts;
		uint64_t unlisted = dst->unlisted;
		*dst = *src;
		dst->max_hosts = max_hosts;
		dst->unlisted = unlisted;
		src->v = NULL;
		src->slots = NULL;
		src->n = src->cap = src->mask = 0;
		return;
	}
	for (size_t i = 0; i < src->n; i++) {
		struct ts_host *d = move_host(dst, src, i), *s = src->v[i];
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
		for (int k = 0; k < TS_ST_COUNT; k++)
			d->states[k] += s->states[k];
		if (s->first_seen < d->first_seen)
			d->first_seen = s->first_seen;
	}
	compact(src);
}

void ts_hosts_renumber(struct ts_hosts *h, uint64_t (*map)(void *ctx, uint64_t id), void *ctx)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i]->first_seen != UINT64_MAX)
			h->v[i]->first_seen = map(ctx, h->v[i]->first_seen);
}
