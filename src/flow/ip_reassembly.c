/* \summary: IPv4/IPv6 fragment reassembly: pieces kept first-come, bounded, timed on packet time */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/ip_reassembly.h"
#include "tcpscope/timespec.h"

/* One datagram's identity (RFC 791 / RFC 8200), plus the VLANs it came on:
 * the same addresses on two VLANs are two networks. */
struct ts_reasm_key {
	uint32_t id;
	uint16_t vlan[2];
	uint8_t af, proto, zero[2]; /* no padding: keys compare as bytes */
	uint8_t src[16], dst[16];
};

/* A run of the datagram's data: declared length len, of which cap bytes
 * (from its start) were captured and copied. */
struct ts_reasm_piece {
	uint32_t off, len, cap;
	uint8_t *data;
};

struct ts_reasm_dgram {
	struct ts_reasm_key key;
	struct ts_reasm_dgram *hnext;            /* hash chain */
	size_t bucket;
	struct ts_reasm_dgram *older, *newer;    /* arrival list of its family */
	int64_t arrival_ns, deadline_ns;
	uint32_t end;                            /* from the last fragment; 0 = not seen */
	uint8_t hdr[60];                         /* the first fragment's IP header */
	uint8_t hdr_len;                         /* 0 until the first fragment came */
	uint16_t n_pieces, cap_pieces;
	struct ts_reasm_piece *pieces;           /* sorted, disjoint */
	size_t bytes;                            /* memory held, for the cap */
};

void ts_reasm_init(struct ts_reasm *r, size_t max_bytes, size_t max_dgrams, uint64_t seed)
{
	memset(r, 0, sizeof(*r));
	r->max_bytes = max_bytes ? max_bytes : TS_REASM_MAX_BYTES;
	r->max_dgrams = max_dgrams ? max_dgrams : TS_REASM_MAX_DATAGRAMS;
	r->seed = seed;
}

static int fam(uint8_t af)
{
	return af == 6;
}

static size_t bucket_of(const struct ts_reasm *r, const struct ts_reasm_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull ^ r->seed; /* FNV-1a, seeded */

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	h ^= h >> 29;
	return (size_t)(h % r->n_buckets);
}

static void dgram_unlink(struct ts_reasm *r, struct ts_reasm_dgram *g)
{
	struct ts_reasm_dgram **pp = &r->buckets[g->bucket];
	int f = fam(g->key.af);

	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
	if (g->older)
		g->older->newer = g->newer;
	else
		r->oldest[f] = g->newer;
	if (g->newer)
		g->newer->older = g->older;
	else
		r->newest[f] = g->older;
	r->n_dgrams--;
	r->bytes -= g->bytes;
	for (unsigned i = 0; i < g->n_pieces; i++)
		free(g->pieces[i].data);
	free(g->pieces);
	free(g);
}

void ts_reasm_free(struct ts_reasm *r)
{
	for (int f = 0; f < 2; f++) {
		struct ts_reasm_dgram *g = r->oldest[f], *next;
		for (; g; g = next) {
			next = g->newer;
			dgram_unlink(r, g);
		}
	}
	free(r->buckets);
	free(r->out);
	r->buckets = NULL;
	r->out = NULL;
	r->out_cap = 0;
}

void ts_reasm_expire(struct ts_reasm *r, const struct timespec *now)
{
	int64_t now_ns = ts_timespec_ns(now);

	/* Each family's list is in arrival order, which is deadline order. */
	for (int f = 0; f < 2; f++) {
		struct ts_reasm_dgram *g = r->oldest[f], *next;
		for (; g && g->deadline_ns <= now_ns; g = next) {
			next = g->newer;
			r->st.timeouts++;
			dgram_unlink(r, g);
		}
	}
}

void ts_reasm_finish(struct ts_reasm *r, const struct timespec *now)
{
	ts_reasm_expire(r, now);
	r->st.incomplete += r->n_dgrams;
	ts_reasm_free(r);
}

/* The datagram that came first of all but keep (NULL: none), for eviction. */
static struct ts_reasm_dgram *oldest_but(const struct ts_reasm *r, const struct ts_reasm_dgram *keep)
{
	struct ts_reasm_dgram *a = r->oldest[0], *b = r->oldest[1];

	if (keep && a == keep)
		a = a->newer;
	if (keep && b == keep)
		b = b->newer;
	if (!a || !b)
		return a ? a : b;
	return a->arrival_ns <= b->arrival_ns ? a : b;
}

static void make_key(struct ts_reasm_key *k, const struct ts_decoded *d)
{
	memset(k, 0, sizeof(*k)); /* the key is hashed and compared as bytes */
	k->af = d->af;
	k->proto = d->frag.proto;
	k->vlan[0] = d->vlan[0];
	k->vlan[1] = d->vlan[1];
	k->id = d->frag.id;
	memcpy(k->src, d->src, sizeof(k->src));
	memcpy(k->dst, d->dst, sizeof(k->dst));
}

static struct ts_reasm_dgram *dgram_find(struct ts_reasm *r, const struct ts_reasm_key *k)
{
	struct ts_reasm_dgram *g = r->buckets[bucket_of(r, k)];

	while (g && memcmp(&g->key, k, sizeof(*k)) != 0)
		g = g->hnext;
	return g;
}

static struct ts_reasm_dgram *dgram_new(struct ts_reasm *r, const struct ts_reasm_key *k, const struct timespec *now)
{
	if (!r->buckets) {
		r->n_buckets = r->max_dgrams;
		r->buckets = calloc(r->n_buckets, sizeof(*r->buckets));
		if (!r->buckets)
			return NULL;
	}
	while (r->n_dgrams >= r->max_dgrams) {
		r->st.evicted++;
		dgram_unlink(r, oldest_but(r, NULL));
	}
	struct ts_reasm_dgram *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	int f = fam(k->af);
	memcpy(&g->key, k, sizeof(*k)); /* padding included: keys compare as bytes */
	g->arrival_ns = ts_timespec_ns(now);
	g->deadline_ns = g->arrival_ns + (f ? TS_REASM_TIMEOUT6_NS : TS_REASM_TIMEOUT4_NS);
	g->bytes = sizeof(*g);
	g->bucket = bucket_of(r, k);
	g->hnext = r->buckets[g->bucket];
	r->buckets[g->bucket] = g;
	g->older = r->newest[f];
	if (g->older)
		g->older->newer = g;
	else
		r->oldest[f] = g;
	r->newest[f] = g;
	r->n_dgrams++;
	r->bytes += g->bytes;
	return g;
}

/* Compare the captured bytes two runs share; true when they differ. */
static bool overlap_differs(const struct ts_reasm_piece *p, uint32_t off, uint32_t cap, const uint8_t *data)
{
	uint32_t lo = off > p->off ? off : p->off;
	uint32_t hi_new = off + cap, hi_old = p->off + p->cap;
	uint32_t hi = hi_new < hi_old ? hi_new : hi_old;

	return lo < hi && memcmp(p->data + (lo - p->off), data + (lo - off), hi - lo) != 0;
}

/* Room for more pieces: most datagrams have two or three. */
static int pieces_grow(struct ts_reasm *r, struct ts_reasm_dgram *g)
{
	unsigned cap = g->cap_pieces ? g->cap_pieces * 2u : 4u;
	struct ts_reasm_piece *v;

	if (cap > TS_REASM_MAX_PIECES)
		cap = TS_REASM_MAX_PIECES;
	v = realloc(g->pieces, cap * sizeof(*v));
	if (!v)
		return -1;
	size_t more = (cap - g->cap_pieces) * sizeof(*v);
	g->pieces = v;
	g->cap_pieces = (uint16_t)cap;
	g->bytes += more;
	r->bytes += more;
	return 0;
}

/* Keep [off, off + len) as a new piece at index at (the slot is free). */
static int piece_put(struct ts_reasm *r, struct ts_reasm_dgram *g, unsigned at, uint32_t off, uint32_t len,
                     uint32_t cap, const uint8_t *data)
{
	struct ts_reasm_piece *p = &g->pieces[at];

	p->off = off;
	p->len = len;
	p->cap = cap < len ? cap : len;
	p->data = NULL;
	if (p->cap) {
		p->data = malloc(p->cap);
		if (!p->data)
			return -1;
		memcpy(p->data, data, p->cap);
	}
	g->bytes += p->cap;
	r->bytes += p->cap;
	return 0;
}

/*
 * Add the parts of the fragment [off, off + len) no piece holds yet: the
 * first copy of a byte wins (the BSD policy Suricata defaults to; Linux
 * drops the whole datagram instead, which the overlap counters flag).
 * Returns 0, -1 when the datagram would have too many pieces, -2 when
 * memory ran out.
 */
static int pieces_merge(struct ts_reasm *r, struct ts_reasm_dgram *g, uint32_t off, uint32_t len, uint32_t cap,
                        const uint8_t *data, bool *overlap, bool *differs)
{
	uint32_t pos = off, end = off + len;
	unsigned i = 0;

	while (pos < end) {
		while (i < g->n_pieces && g->pieces[i].off + g->pieces[i].len <= pos)
			i++;
		uint32_t gap_end = i < g->n_pieces && g->pieces[i].off < end ? g->pieces[i].off : end;
		if (gap_end > pos) {
			if (g->n_pieces == TS_REASM_MAX_PIECES)
				return -1;
			if (g->n_pieces == g->cap_pieces && pieces_grow(r, g) < 0)
				return -2;
			memmove(&g->pieces[i + 1], &g->pieces[i], (g->n_pieces - i) * sizeof(g->pieces[0]));
			g->n_pieces++;
			uint32_t skip = pos - off;
			uint32_t c = cap > skip ? cap - skip : 0;
			if (piece_put(r, g, i, pos, gap_end - pos, c, data + (c ? skip : 0)) < 0) {
				memmove(&g->pieces[i], &g->pieces[i + 1], (g->n_pieces - i - 1) * sizeof(g->pieces[0]));
				g->n_pieces--;
				return -2;
			}
			i++;
			pos = gap_end;
			continue;
		}
		/* pieces[i] holds pos */
		*overlap = true;
		if (overlap_differs(&g->pieces[i], off, cap, data))
			*differs = true;
		pos = g->pieces[i].off + g->pieces[i].len;
		if (pos > end)
			pos = end;
		i++;
	}
	return 0;
}

/* Whole: the pieces run without a gap from 0 to the last fragment's end. */
static bool dgram_complete(const struct ts_reasm_dgram *g)
{
	uint32_t pos = 0;

	if (!g->end || !g->hdr_len)
		return false;
	for (unsigned i = 0; i < g->n_pieces && g->pieces[i].off == pos; i++)
		pos += g->pieces[i].len;
	return pos == g->end;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Write the datagram as one unfragmented packet into r->out: the first
 * fragment's header with the whole length, then the captured bytes up to
 * the first one the capture missed. */
static int dgram_build(struct ts_reasm *r, const struct ts_reasm_dgram *g, struct ts_view *out)
{
	size_t need = g->hdr_len + (size_t)g->end, n = g->hdr_len;

	if (need > r->out_cap) {
		uint8_t *b = realloc(r->out, need);
		if (!b)
			return -1;
		r->out = b;
		r->out_cap = need;
	}
	memcpy(r->out, g->hdr, g->hdr_len);
	if (g->key.af == 4) {
		put16(r->out + 2, (uint32_t)need);
		put16(r->out + 6, 0); /* no flags, offset 0 */
	} else {
		put16(r->out + 4, g->end);
		r->out[6] = g->key.proto;
	}
	for (unsigned i = 0; i < g->n_pieces; i++) {
		const struct ts_reasm_piece *p = &g->pieces[i];
		if (p->cap)
			memcpy(r->out + n, p->data, p->cap);
		n += p->cap;
		if (p->cap < p->len)
			break; /* the snaplen cut it: what follows is not contiguous */
	}
	out->p = r->out;
	out->len = n;
	return 0;
}

/*
 * The data length to keep of a fragment, or -1 when it is unusable. A
 * fragment that others follow must be a multiple of 8 long (RFC 791, RFC
 * 8200): IPv6 discards it (RFC 8200 4.5), Linux's IPv4 cuts it down to one.
 */
static int64_t frag_keep_len(const struct ts_ip_frag *fr, uint8_t af)
{
	uint32_t len = fr->len;

	if (fr->hdr_len > sizeof(((struct ts_reasm_dgram *)0)->hdr))
		return -1;
	if (fr->more && len % 8 != 0) {
		if (af == 6)
			return -1;
		len &= ~7u;
	}
	if (fr->more && len == 0)
		return -1;
	return len;
}

enum ts_reasm_result ts_reasm_add(struct ts_reasm *r, const struct ts_decoded *d, const struct timespec *now,
                                  struct ts_view *dgram)
{
	const struct ts_ip_frag *fr = &d->frag;
	int64_t keep = frag_keep_len(fr, d->af);
	uint32_t hdr_room = d->af == 4 ? fr->hdr_len : 0; /* IPv4 counts its header */
	struct ts_reasm_key k;
	bool overlap = false, differs = false;

	r->st.fragments++;
	ts_reasm_expire(r, now);
	if (keep < 0) {
		r->st.invalid++;
		return TS_REASM_DROPPED;
	}
	uint32_t len = (uint32_t)keep, cap = fr->captured < len ? fr->captured : len;
	uint32_t end = (uint32_t)fr->offset + len;
	if (len > TS_REASM_MAX_LEN || end + hdr_room > TS_REASM_MAX_LEN) {
		r->st.too_large++;
		make_key(&k, d);
		struct ts_reasm_dgram *g = r->buckets ? dgram_find(r, &k) : NULL;
		if (g)
			dgram_unlink(r, g);
		return TS_REASM_DROPPED;
	}
	make_key(&k, d);
	struct ts_reasm_dgram *g = r->buckets ? dgram_find(r, &k) : NULL;
	if (!g && !(g = dgram_new(r, &k, now))) {
		r->st.evicted++;
		return TS_REASM_DROPPED;
	}
	/* A second last fragment, or data past the end, contradicts: drop. */
	if ((!fr->more && g->end && g->end != end) || (g->end && end > g->end) ||
	    (!fr->more && g->n_pieces && g->pieces[g->n_pieces - 1].off + g->pieces[g->n_pieces - 1].len > end)) {
		r->st.invalid++;
		dgram_unlink(r, g);
		return TS_REASM_DROPPED;
	}
	int merged = pieces_merge(r, g, fr->offset, len, cap, fr->data, &overlap, &differs);
	if (merged < 0) {
		if (merged == -2)
			r->st.evicted++; /* out of memory: as if the cap was hit */
		else
			r->st.invalid++;
		dgram_unlink(r, g);
		return TS_REASM_DROPPED;
	}
	if (overlap)
		r->st.overlaps++;
	if (differs)
		r->st.overlap_mismatch++;
	if (!fr->more)
		g->end = end;
	if (fr->offset == 0 && !g->hdr_len) {
		memcpy(g->hdr, fr->hdr, fr->hdr_len);
		g->hdr_len = fr->hdr_len;
	}
	/* Over the byte cap: the oldest others go first, as on Linux. */
	struct ts_reasm_dgram *v;
	while (r->bytes > r->max_bytes && (v = oldest_but(r, g)) != NULL) {
		r->st.evicted++;
		dgram_unlink(r, v);
	}
	if (r->bytes > r->max_bytes) { /* this datagram alone is over the cap */
		r->st.evicted++;
		dgram_unlink(r, g);
		return TS_REASM_DROPPED;
	}
	if (!dgram_complete(g))
		return TS_REASM_PENDING;
	int rc = dgram_build(r, g, dgram);
	dgram_unlink(r, g);
	if (rc < 0) {
		r->st.evicted++;
		return TS_REASM_DROPPED;
	}
	r->st.datagrams++;
	return TS_REASM_COMPLETE;
}

enum ts_drc ts_reasm_decode(struct ts_view dgram, struct ts_decoded *out, enum ts_decode_reason *reason)
{
	struct ts_view next;
	uint16_t proto = 0;
	enum ts_drc rc;

	out->events = TS_DE_IP_FRAGMENT;
	out->wire_beyond_cap = 0;
	*reason = TS_DR_NONE;
	if (dgram.len && dgram.p[0] >> 4 == 6)
		rc = ts_dissect_ipv6(dgram, out, &next, &proto, reason);
	else
		rc = ts_dissect_ipv4(dgram, out, &next, &proto, reason);
	if (rc == TS_D_NEXT) { /* a tunnel protocol: only TCP datagrams are reassembled */
		*reason = TS_DR_NOT_TCP;
		return TS_D_SKIP;
	}
	if (rc != TS_D_OK)
		return rc;
	return ts_dissect_tcp(next, out, &next, &proto, reason);
}
