/* \summary: finished flows packed without their zero bytes, in chunks freed oldest first */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "tcpscope/block_alloc.h"
#include "tcpscope/flow_archive.h"
#include "tcpscope/units.h"

/* Whole huge-page blocks: unpacking in id order jumps between them. */
#define TS_ARCHIVE_CHUNK_BYTES TS_BLOCK_BYTES
/* chunk_of() masks a record's address: chunks are one block each, and
 * ts_huge_alloc() aligns blocks to their size, a power of two. */
_Static_assert((TS_ARCHIVE_CHUNK_BYTES & (TS_ARCHIVE_CHUNK_BYTES - 1)) == 0,
               "archive chunks are a power of two bytes");

/*
 * Each part of a record is packed as its difference (XOR) from the first
 * part of its kind packed in the same chunk, its base: one short connection
 * mostly differs from the next in its ports and times, so the difference is
 * mostly zero bytes. A record finds its chunk from its own address, chunks
 * being whole blocks aligned to their size.
 */
struct ts_archive_chunk {
	struct ts_archive_chunk *next;
	size_t used;                 /* bytes of data[] taken */
	size_t records;              /* records in it not yet dropped */
	bool has_flow_base, has_rare_base, has_anomaly_base;
	struct ts_flow flow_base;
	struct ts_endpoint_rare rare_base;
	struct ts_anomaly anomaly_base;
	uint8_t data[];
};

static const struct ts_archive_chunk *chunk_of(const uint8_t *rec)
{
	return (const struct ts_archive_chunk *)(uintptr_t)((uintptr_t)rec & ~(uintptr_t)(TS_ARCHIVE_CHUNK_BYTES - 1));
}

/* The chunk's base of a kind, taken from part when it has none yet. */
static const void *base_for(const void *part, void *base, bool *has_base, size_t n)
{
	if (!*has_base) {
		memcpy(base, part, n);
		*has_base = true;
	}
	return base;
}

/*
 * A record: a header byte (which optional parts follow the packed flow in
 * the low bits, the caller's marks in the high nibble); a digest of what a
 * pass over every flow reads (both end states, the first packet's time, per
 * finding its code, severity and time), in the open so that such a pass
 * unpacks nothing; then the packed flow, its findings after its first group
 * (TS_REC_FLOW_HEAD), and its rare parts, without what the digest holds.
 */
enum { TS_REC_CLI_RARE = 1, TS_REC_SRV_RARE = 2 };

/*
 * The packed flow is cut after its first group, which holds the key, and
 * its findings go in between: a record of one finding names its flow by the
 * key and reads the finding without passing over the rest of the flow.
 */
#define TS_REC_FLOW_HEAD 64
_Static_assert(sizeof(struct ts_flow) > TS_REC_FLOW_HEAD, "a packed flow has more than its head");

_Static_assert(TS_ST_COUNT <= 16, "two end states share a digest byte");

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static size_t get_varint(const uint8_t *p, uint64_t *v)
{
	size_t n = 0;
	unsigned shift = 0;

	*v = 0;
	do {
		*v |= (uint64_t)(p[n] & 0x7f) << shift;
		shift += 7;
	} while (p[n++] & 0x80 && shift < 64);
	return n;
}

/* Signed differences as small unsigned numbers (0, -1, 1, -2 ... -> 0, 1, 2, 3 ...);
 * wrap-around arithmetic, so any two times give back the second exactly. */
static uint64_t zigzag(uint64_t d)
{
	return d << 1 ^ (uint64_t)-(int64_t)(d >> 63);
}

static uint64_t unzigzag(uint64_t z)
{
	return z >> 1 ^ (uint64_t)-(int64_t)(z & 1);
}

/* What ts_flow_archive_brief reads besides the key, in one byte. */
enum { TS_BRIEF_CLIENT_IS_LO = 1, TS_BRIEF_ROLES_KNOWN = 2, TS_BRIEF_SIMULTANEOUS_OPEN = 4, TS_BRIEF_CLI_SYN = 8 };
_Static_assert(TS_HS_MIDSTREAM < 8, "the handshake takes three bits of the brief's byte");

static uint8_t brief_bits(const struct ts_flow *f)
{
	return (uint8_t)((f->client_is_lo ? TS_BRIEF_CLIENT_IS_LO : 0) | (f->roles_known ? TS_BRIEF_ROLES_KNOWN : 0) |
	                 (f->simultaneous_open ? TS_BRIEF_SIMULTANEOUS_OPEN : 0) | (f->cli.syn_seen ? TS_BRIEF_CLI_SYN : 0) |
	                 f->handshake << 4);
}

static size_t put_digest(uint8_t *p, const struct ts_flow *f)
{
	size_t n = 0;
	uint64_t first_sec = (uint64_t)f->first.tv_sec;

	p[n++] = (uint8_t)(f->cli.state | f->srv.state << 4);
	p[n++] = brief_bits(f);
	n += put_varint(p + n, zigzag(first_sec));
	n += put_varint(p + n, (uint64_t)f->first.tv_nsec);
	p[n++] = (uint8_t)f->n_anomalies;
	for (unsigned i = 0; i < f->n_anomalies; i++) {
		const struct ts_anomaly *an = &f->anomalies[i];
		p[n++] = an->code;
		p[n++] = an->severity;
		/* Most findings date from the first packet: two bytes then. */
		n += put_varint(p + n, zigzag((uint64_t)an->ts.tv_sec - first_sec));
		n += put_varint(p + n, zigzag((uint64_t)an->ts.tv_nsec - (uint64_t)f->first.tv_nsec));
	}
	return n;
}

static size_t get_digest(const uint8_t *p, struct ts_flow_digest *d)
{
	size_t n = 0;
	uint64_t v;

	d->cli_state = p[n] & 15;
	d->srv_state = p[n++] >> 4;
	n++; /* the brief's bits */
	n += get_varint(p + n, &v);
	uint64_t first_sec = unzigzag(v);
	d->first.tv_sec = (time_t)first_sec;
	n += get_varint(p + n, &v);
	d->first.tv_nsec = (long)v;
	d->n_anomalies = p[n++];
	if (d->n_anomalies > TS_FLOW_MAX_ANOMALIES)
		d->n_anomalies = TS_FLOW_MAX_ANOMALIES; /* never written: a flow holds no more */
	for (unsigned i = 0; i < d->n_anomalies; i++) {
		d->an[i].code = p[n++];
		d->an[i].severity = p[n++];
		n += get_varint(p + n, &v);
		d->an[i].ts.tv_sec = (time_t)(first_sec + unzigzag(v));
		n += get_varint(p + n, &v);
		d->an[i].ts.tv_nsec = (long)((uint64_t)d->first.tv_nsec + unzigzag(v));
	}
	return n;
}

/* The most a digest takes: a byte each for the states, the brief's bits and
 * the count, two varints for the time, per finding two bytes and two varints. */
#define TS_VARINT_MAX 10
#define TS_DIGEST_BOUND (3 + 2 * TS_VARINT_MAX + TS_FLOW_MAX_ANOMALIES * (2 + 2 * TS_VARINT_MAX))

/*
 * Zero-byte elision: per group of eight 8-byte words a byte saying which
 * words are non-zero, per non-zero word a byte saying which of its bytes are,
 * then those bytes. Counters, flags and short fields are mostly zero or small.
 */
/* Bit b set when byte b of v is non-zero. */
static unsigned nonzero_bytes(uint64_t v)
{
	const uint64_t lows = 0x7f7f7f7f7f7f7f7full;
	uint64_t t = (((v & lows) + lows) | v) >> 7 & 0x0101010101010101ull; /* byte b: 1 when non-zero */
	return (unsigned)((t * 0x0102040810204080ull) >> 56);
}

/*
 * Turns the group g[0..bytes) (at most 64) into its XOR with base[0..bytes)
 * when there is a base, and returns its non-zero map: bit b set when byte b
 * is not zero, bits past bytes clear. Most of a packed part is zero words:
 * one map per group lets zpack visit only the words that are not.
 */
static uint64_t diff_group(uint8_t *g, const uint8_t *base, size_t bytes)
{
	uint64_t map = 0;
	size_t i = 0;

#ifdef __SSE2__
	if (bytes == 64) { /* four 16-byte lanes; a group cut by the end takes words */
		__m128i v[4];
		const __m128i zero = _mm_setzero_si128();
		for (int l = 0; l < 4; l++)
			v[l] = _mm_loadu_si128((const __m128i *)(const void *)(g + 16 * l));
		if (base)
			for (int l = 0; l < 4; l++) {
				v[l] = _mm_xor_si128(v[l], _mm_loadu_si128((const __m128i *)(const void *)(base + 16 * l)));
				_mm_storeu_si128((__m128i *)(void *)(g + 16 * l), v[l]);
			}
		uint64_t z = 0;
		for (int l = 0; l < 4; l++)
			z |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v[l], zero)) << (16 * l);
		return ~z;
	}
#endif
	for (; i + 8 <= bytes; i += 8) {
		uint64_t v, w;
		memcpy(&v, g + i, 8);
		if (base) {
			memcpy(&w, base + i, 8);
			v ^= w;
			memcpy(g + i, &v, 8);
		}
		map |= (uint64_t)nonzero_bytes(v) << i;
	}
	if (i < bytes) { /* a word cut by the end: past it zero */
		uint64_t v = 0, w = 0;
		memcpy(&v, g + i, bytes - i);
		if (base) {
			memcpy(&w, base + i, bytes - i);
			v ^= w;
			memcpy(g + i, &v, bytes - i);
		}
		map |= (uint64_t)nonzero_bytes(v) << i;
	}
	return map;
}

/* Packs part[0..n) as its difference from base[0..n) (from zeros when base
 * is NULL); part is left holding the difference. */
static size_t zpack(uint8_t *dst, void *part, const void *base, size_t n)
{
	uint8_t *s = part;
	const uint8_t *b = base;
	size_t out = 0;

	for (size_t at = 0; at < n; at += 64) {
		uint64_t map = diff_group(s + at, b ? b + at : NULL, n - at < 64 ? n - at : 64);
		unsigned words_mask = nonzero_bytes(map); /* byte k of the map is word k's byte mask */
		dst[out++] = (uint8_t)words_mask;
		/* Visit only the words that are not zero. */
		for (; words_mask; words_mask &= words_mask - 1) {
			unsigned k = (unsigned)__builtin_ctz(words_mask);
			unsigned bytes_mask = (unsigned)(map >> (8 * k)) & 0xff;
			const uint8_t *w = s + at + 8 * k;
			dst[out++] = (uint8_t)bytes_mask;
			if (bytes_mask == 0xff) { /* never a word cut by the end: its bytes there are clear */
				memcpy(dst + out, w, 8);
				out += 8;
				continue;
			}
			for (; bytes_mask; bytes_mask &= bytes_mask - 1)
				dst[out++] = w[__builtin_ctz(bytes_mask)];
		}
	}
	return out;
}

/* The most zpack can write for n bytes. */
static size_t zpack_bound(size_t n)
{
	size_t words = (n + 7) / 8;
	return (words + 7) / 8 + words + n;
}

/* Unpacks n bytes onto base (zeros when NULL); returns the bytes read. */
static size_t zunpack(void *dst, size_t n, const uint8_t *src, const void *base)
{
	uint8_t *d = dst;
	size_t in = 0, words = (n + 7) / 8;

	if (base)
		memcpy(d, base, n);
	else
		memset(d, 0, n);
	for (size_t g = 0; g < words; g += 8) {
		/* Visit only the words and bytes that were kept. */
		for (unsigned wm = src[in++]; wm; wm &= wm - 1) {
			size_t w = g + (size_t)__builtin_ctz(wm);
			unsigned bm = src[in++];
			uint8_t *dw = d + w * 8;
			if (w * 8 + 8 <= n) {
				if (bm == 0xff) {
					uint64_t x, y;
					memcpy(&x, dw, 8);
					memcpy(&y, src + in, 8);
					x ^= y;
					memcpy(dw, &x, 8);
					in += 8;
					continue;
				}
				for (; bm; bm &= bm - 1)
					dw[__builtin_ctz(bm)] ^= src[in++];
				continue;
			}
			for (; bm; bm &= bm - 1) { /* the last word, cut by the end */
				size_t at = w * 8 + (size_t)__builtin_ctz(bm);
				if (at < n)
					d[at] ^= src[in];
				in++;
			}
		}
	}
	return in;
}

/* Bits set in a byte, without a library call where the CPU has no popcnt. */
static size_t byte_bits(unsigned b)
{
	b = b - (b >> 1 & 0x55);
	b = (b & 0x33) + (b >> 2 & 0x33);
	return (b + (b >> 4)) & 0x0f;
}

/* The bytes zunpack would read for n bytes, without writing them out. */
static size_t zskip(size_t n, const uint8_t *src)
{
	size_t in = 0, words = (n + 7) / 8;

	for (size_t g = 0; g < words; g += 8)
		for (unsigned wm = src[in++]; wm; wm &= wm - 1)
			in += 1 + byte_bits(src[in]);
	return in;
}

static size_t record_bound(void)
{
	return 1 + TS_DIGEST_BOUND + zpack_bound(TS_REC_FLOW_HEAD) + zpack_bound(sizeof(struct ts_flow) - TS_REC_FLOW_HEAD) +
	       2 * zpack_bound(sizeof(struct ts_endpoint_rare)) + TS_FLOW_MAX_ANOMALIES * zpack_bound(sizeof(struct ts_anomaly));
}

void ts_flow_archive_init(struct ts_flow_archive *a)
{
	memset(a, 0, sizeof(*a));
}

void ts_flow_archive_free(struct ts_flow_archive *a)
{
	struct ts_archive_chunk *c = a->head;

	while (c) {
		struct ts_archive_chunk *next = c->next;
		ts_block_free(c);
		c = next;
	}
	free(a->refs);
	memset(a, 0, sizeof(*a));
}

static int refs_room(struct ts_flow_archive *a, size_t more)
{
	if (a->first + a->count + more <= a->cap)
		return 0;
	if (a->first && a->count + more <= a->cap / 2) {
		/* Dropped ones left room at the front: slide down, keep the array. */
		memmove(a->refs, a->refs + a->first, a->count * sizeof(*a->refs));
		a->first = 0;
		return 0;
	}
	size_t cap = a->cap ? a->cap : 1024;
	while (cap < a->first + a->count + more)
		cap *= 2;
	struct ts_archive_ref *v = realloc(a->refs, cap * sizeof(*v));
	if (!v)
		return -1;
	a->refs = v;
	a->cap = cap;
	return 0;
}

static uint8_t *reserve(struct ts_flow_archive *a, size_t need)
{
	struct ts_archive_chunk *c = a->tail;
	size_t room = TS_ARCHIVE_CHUNK_BYTES - sizeof(*c);

	if (!c || room - c->used < need) {
		c = ts_block_alloc();
		if (!c)
			return NULL;
		c->next = NULL;
		c->used = c->records = 0;
		c->has_flow_base = c->has_rare_base = c->has_anomaly_base = false;
		if (a->tail)
			a->tail->next = c;
		else
			a->head = c;
		a->tail = c;
	}
	return c->data + c->used;
}

/* What only following live segments needs: the report never reads it. */
static void forget_working_state(struct ts_endpoint *e)
{
	e->state_since_ns = e->last_send_ns = 0;
	e->isn = e->snd_max = e->snd_una = e->fin_seq = e->last_ack_sent = 0;
	e->window = e->last_seq = e->last_seq_len = e->last_ack_window = 0;
	e->last_ip_id = e->max_ip_id = e->dup_ack_run = 0;
	e->last_frame_sig = 0;
	e->ipid_seen = 0;
	e->prev_state = 0;
	e->rare = NULL;
	memset(&e->sb, 0, sizeof(e->sb));
}

static void forget_rare_working_state(struct ts_endpoint_rare *r)
{
	r->retx_ts_ns = r->retx_gap_ns = r->zero_window_since_ns = 0;
	r->retx_seq = r->recover_seq = 0;
	r->backoff_steps = 0;
	r->in_recovery = false;
}

/* Times as offsets from the flow's first packet: a few bytes, not eight.
 * Exact both ways; times that are unset stay 0. */
static void times_to_offsets(struct ts_flow *f, int sign)
{
	int64_t base = sign * ((int64_t)f->first.tv_sec * TS_NSEC_PER_SEC + f->first.tv_nsec);

	if (f->has_syn_ts)
		f->syn_ns -= base;
	if (f->has_synack_ts)
		f->synack_ns -= base;
	if (f->has_ack_ts)
		f->ack_ns -= base;
	f->last.tv_sec -= sign * f->first.tv_sec;
}

int ts_flow_archive_push(struct ts_flow_archive *a, const struct ts_flow *f)
{
	return ts_flow_archive_push_marked(a, f, 0);
}

int ts_flow_archive_push_marked(struct ts_flow_archive *a, const struct ts_flow *f, uint8_t marks)
{
	if (refs_room(a, 1) < 0)
		return -1;
	uint8_t *start = reserve(a, record_bound());
	if (!start)
		return -1;

	/* Links and pointers mean nothing once unpacked; the id is in the ref.
	 * Copied as bytes: padding comes along as it is (zero in a slab slot). */
	struct ts_flow image;
	memcpy(&image, f, sizeof(image));
	image.all_prev = image.all_next = NULL;
	image.lru_prev = image.lru_next = NULL;
	image.id = 0;
	image.anomalies = NULL;
	image.cap_anomalies = 0;
	forget_working_state(&image.cli);
	forget_working_state(&image.srv);
	times_to_offsets(&image, 1);
	/* In the digest: */
	image.first.tv_sec = 0;
	image.first.tv_nsec = 0;
	image.cli.state = image.srv.state = 0;

	struct ts_archive_chunk *c = a->tail;
	uint8_t *p = start;
	*p++ = (uint8_t)((f->cli.rare ? TS_REC_CLI_RARE : 0) | (f->srv.rare ? TS_REC_SRV_RARE : 0) |
	                 (marks & TS_ARCHIVE_MARKS) << 4);
	p += put_digest(p, f);
	const uint8_t *flow_base = base_for(&image, &c->flow_base, &c->has_flow_base, sizeof(image));
	uint8_t *img = (uint8_t *)&image;
	p += zpack(p, img, flow_base, TS_REC_FLOW_HEAD);
	for (unsigned i = 0; i < f->n_anomalies; i++) {
		struct ts_anomaly an = f->anomalies[i];
		an.code = an.severity = 0; /* in the digest, with the time */
		an.ts.tv_sec = 0;
		an.ts.tv_nsec = 0;
		p += zpack(p, &an, base_for(&an, &c->anomaly_base, &c->has_anomaly_base, sizeof(an)), sizeof(an));
	}
	p += zpack(p, img + TS_REC_FLOW_HEAD, flow_base + TS_REC_FLOW_HEAD, sizeof(image) - TS_REC_FLOW_HEAD);
	for (int side = 0; side < 2; side++) {
		const struct ts_endpoint_rare *r = side ? f->srv.rare : f->cli.rare;
		if (!r)
			continue;
		struct ts_endpoint_rare rare = *r;
		forget_rare_working_state(&rare);
		p += zpack(p, &rare, base_for(&rare, &c->rare_base, &c->has_rare_base, sizeof(rare)), sizeof(rare));
	}

	size_t len = (size_t)(p - start);
	a->tail->used += len;
	a->tail->records++;
	a->packed_bytes += len;
	a->refs[a->first + a->count++] = (struct ts_archive_ref){ f->id, start };
	return 0;
}

/* Free leading chunks whose records were all dropped (the newest stays:
 * records are still being added to it). */
static void free_empty_head(struct ts_flow_archive *a)
{
	while (a->head && !a->head->records && a->head != a->tail) {
		struct ts_archive_chunk *c = a->head;
		a->head = c->next;
		a->packed_bytes -= c->used;
		ts_block_free(c);
	}
}

void ts_flow_archive_drop_oldest(struct ts_flow_archive *a)
{
	if (!a->count)
		return;
	a->first++;
	a->count--;
	/* Records go oldest first, so the oldest is in the first chunk that
	 * still has any. */
	free_empty_head(a);
	if (a->head && a->head->records)
		a->head->records--;
	free_empty_head(a);
}

int ts_flow_archive_adopt(struct ts_flow_archive *dst, struct ts_flow_archive *src)
{
	if (refs_room(dst, src->count) < 0)
		return -1;
	if (src->count)
		memcpy(dst->refs + dst->first + dst->count, src->refs + src->first, src->count * sizeof(*src->refs));
	dst->count += src->count;
	dst->packed_bytes += src->packed_bytes;
	if (src->head) {
		/* The chunks keep their records: src's go after dst's. */
		if (dst->tail)
			dst->tail->next = src->head;
		else
			dst->head = src->head;
		dst->tail = src->tail;
	}
	free(src->refs);
	memset(src, 0, sizeof(*src));
	return 0;
}

void ts_flow_archive_digest(const struct ts_archive_ref *r, struct ts_flow_digest *d)
{
	get_digest(r->rec + 1, d);
}

void ts_flow_brief_of(const struct ts_flow *f, struct ts_flow_brief *b)
{
	b->key = f->key;
	b->first = f->first;
	b->handshake = f->handshake;
	b->client_is_lo = f->client_is_lo;
	b->roles_known = f->roles_known;
	b->simultaneous_open = f->simultaneous_open;
	b->cli_syn_seen = f->cli.syn_seen;
}

static size_t skip_varint(const uint8_t *p)
{
	size_t n = 0;

	while (p[n++] & 0x80 && n < TS_VARINT_MAX)
		;
	return n;
}

_Static_assert(offsetof(struct ts_flow, key) + sizeof(struct ts_flow_key) <= 64,
               "the key is in the first group of a packed flow");

void ts_flow_archive_brief(const struct ts_archive_ref *r, struct ts_flow_brief *b)
{
	const uint8_t *p = r->rec + 1;
	size_t n = 1;
	uint8_t bits = p[n++];
	uint64_t v;

	n += get_varint(p + n, &v);
	b->first.tv_sec = (time_t)unzigzag(v);
	n += get_varint(p + n, &v);
	b->first.tv_nsec = (long)v;
	unsigned findings = p[n++];
	for (unsigned i = 0; i < findings; i++) {
		n += 2;
		n += skip_varint(p + n);
		n += skip_varint(p + n);
	}
	/* Only the first 64 bytes of the packed flow: the key is there. */
	uint8_t head[64];
	zunpack(head, sizeof(head), p + n, &chunk_of(r->rec)->flow_base);
	memcpy(&b->key, head + offsetof(struct ts_flow, key), sizeof(b->key));
	b->handshake = bits >> 4;
	b->client_is_lo = bits & TS_BRIEF_CLIENT_IS_LO;
	b->roles_known = bits & TS_BRIEF_ROLES_KNOWN;
	b->simultaneous_open = bits & TS_BRIEF_SIMULTANEOUS_OPEN;
	b->cli_syn_seen = bits & TS_BRIEF_CLI_SYN;
}

void ts_flow_archive_finding(const struct ts_archive_ref *r, unsigned k, struct ts_flow_brief *b,
                             struct ts_anomaly *an)
{
	const uint8_t *p = r->rec + 1;
	const struct ts_archive_chunk *c = chunk_of(r->rec);
	uint64_t first_sec, first_nsec, v;

	/* The digest: only finding k's code, severity and time are read. */
	uint8_t bits = p[1];
	p += 2;
	p += get_varint(p, &first_sec);
	first_sec = unzigzag(first_sec);
	p += get_varint(p, &first_nsec);
	unsigned findings = *p++;
	for (unsigned i = 0; i < findings; i++) {
		if (i != k) {
			p += 2;
			p += skip_varint(p);
			p += skip_varint(p);
			continue;
		}
		an->code = p[0];
		an->severity = p[1];
		p += 2;
		p += get_varint(p, &v);
		an->ts.tv_sec = (time_t)(first_sec + unzigzag(v));
		p += get_varint(p, &v);
		an->ts.tv_nsec = (long)(first_nsec + unzigzag(v));
	}
	uint8_t head[TS_REC_FLOW_HEAD];
	p += zunpack(head, sizeof(head), p, &c->flow_base);
	memcpy(&b->key, head + offsetof(struct ts_flow, key), sizeof(b->key));
	b->first.tv_sec = (time_t)first_sec;
	b->first.tv_nsec = (long)first_nsec;
	b->handshake = bits >> 4;
	b->client_is_lo = bits & TS_BRIEF_CLIENT_IS_LO;
	b->roles_known = bits & TS_BRIEF_ROLES_KNOWN;
	b->simultaneous_open = bits & TS_BRIEF_SIMULTANEOUS_OPEN;
	b->cli_syn_seen = bits & TS_BRIEF_CLI_SYN;
	for (unsigned i = 0; i < k; i++)
		p += zskip(sizeof(*an), p);
	/* In the digest, with the time: */
	uint8_t code = an->code, severity = an->severity;
	struct timespec ts = an->ts;
	zunpack(an, sizeof(*an), p, &c->anomaly_base);
	an->code = code;
	an->severity = severity;
	an->ts = ts;
}

const struct ts_flow *ts_flow_archive_unpack(const struct ts_archive_ref *r, struct ts_flow_unpacked *u)
{
	const uint8_t *p = r->rec;
	uint8_t parts = *p++ & 0x0f;
	struct ts_flow *f = &u->flow;
	struct ts_flow_digest d;

	const struct ts_archive_chunk *c = chunk_of(r->rec);

	p += get_digest(p, &d);
	uint8_t *img = (uint8_t *)f;
	const uint8_t *flow_base = (const uint8_t *)&c->flow_base;
	p += zunpack(img, TS_REC_FLOW_HEAD, p, flow_base);
	for (unsigned i = 0; i < d.n_anomalies; i++) {
		p += zunpack(&u->anomalies[i], sizeof(u->anomalies[i]), p, &c->anomaly_base);
		u->anomalies[i].code = d.an[i].code;
		u->anomalies[i].severity = d.an[i].severity;
		u->anomalies[i].ts = d.an[i].ts;
	}
	p += zunpack(img + TS_REC_FLOW_HEAD, sizeof(*f) - TS_REC_FLOW_HEAD, p, flow_base + TS_REC_FLOW_HEAD);
	f->first = d.first;
	f->cli.state = d.cli_state;
	f->srv.state = d.srv_state;
	if (parts & TS_REC_CLI_RARE) {
		p += zunpack(&u->rare[0], sizeof(u->rare[0]), p, &c->rare_base);
		f->cli.rare = &u->rare[0];
	}
	if (parts & TS_REC_SRV_RARE) {
		zunpack(&u->rare[1], sizeof(u->rare[1]), p, &c->rare_base); /* the last part */
		f->srv.rare = &u->rare[1];
	}
	times_to_offsets(f, -1);
	f->anomalies = f->n_anomalies ? u->anomalies : NULL;
	f->cap_anomalies = f->n_anomalies;
	f->id = r->id;
	return f;
}
