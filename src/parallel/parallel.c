/* \summary: sharded analysis: the caller hands packets out by flow, workers decode and follow them */
#include <pcap/dlt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spsc_ring.h"
#include "tcpscope/parallel.h"
#include "tcpscope/parallel_shard.h"
#include "tcpscope/prefetch.h"
#include "tcpscope/units.h"

/* Entries a worker handles before it gives their slots back to the reader. */
#define TS_WORKER_RELEASE_STEP 512u

/* Worker 0 runs on the reader's thread: its packets skip the ring. The
 * others each have a thread. With one thread per core, no core is shared
 * by a reader that waits and a worker that works. */
struct ts_worker {
	struct ts_ring ring; /* first: its cache-line aligned members pack best */
	pthread_t thread;
	struct ts_analyzer an;
	const struct ts_analyzer *reader; /* read only after the ring is closed */
	bool started;
};

struct ts_parallel {
	struct ts_analyzer *reader;
	unsigned n;
	uint64_t seed;
	unsigned reader_share;   /* of TS_SHARE_UNITS: worker 0's part of the hash range */
	struct ts_worker *workers;
};

/*
 * The reader's own worker takes a smaller share, for the reader also reads
 * and hands on every packet. With r the reader's extra cost per packet, in
 * units of a worker's analysis of one, the threads finish together when
 * the reader's share is (1 - r (n - 1)) / n. Reading and handing on cost
 * about 0.4 of the one-thread analysis on trace (a) of tools/bench, but a
 * worker analyses a packet handed on from another core more slowly than
 * the reader its own, and A/B runs on traces (a) and (b) put the balance at
 * r = 0.25: 0.375 of the flows with 2 threads, 0.17 with 3, 0.06 with 4,
 * none from 5 on. Shares are in 1/1024ths of the hash range.
 */
#define TS_SHARE_UNITS 1024u
#define TS_READ_COST_UNITS 256u /* r = 0.25 */

static unsigned reader_share(unsigned n)
{
	uint64_t others = (uint64_t)TS_READ_COST_UNITS * (n - 1);

	return others >= TS_SHARE_UNITS ? 0 : (unsigned)((TS_SHARE_UNITS - others) / n);
}

static struct ts_worker *worker_of(const struct ts_parallel *p, uint64_t h)
{
	uint64_t x = ((h & 0xffffffffu) * TS_SHARE_UNITS) >> 32;

	if (x < p->reader_share)
		return &p->workers[0];
	return &p->workers[1 + (x - p->reader_share) * (p->n - 1) / (TS_SHARE_UNITS - p->reader_share)];
}

/* Entries ahead of the one being analysed that a worker fetches: they were
 * written on the reader's core. */
#define TS_WORKER_AHEAD 4

/* The reader counted the packet and keeps the capture's time span. */
static void worker_take(struct ts_worker *w, struct ts_ring_entry *e)
{
	if (e->decoded)
		ts_analyzer_feed_decoded_ahead(&w->an, &e->pkt, &e->u.d);
	else
		ts_analyzer_decode_ahead(&w->an, &e->pkt);
}

static void *worker_main(void *arg)
{
	struct ts_worker *w = arg;
	size_t first, n;

	while ((n = ts_ring_wait(&w->ring, &first)) != 0) {
		for (size_t i = 0; i < n; i++) {
			if (i + TS_WORKER_AHEAD < n)
				ts_prefetch_lines(ts_ring_at(&w->ring, first + i + TS_WORKER_AHEAD),
				                  sizeof(struct ts_ring_entry));
			worker_take(w, ts_ring_at(&w->ring, first + i));
			if ((i + 1) % TS_WORKER_RELEASE_STEP == 0)
				ts_ring_release(&w->ring, first + i + 1);
		}
		ts_ring_release(&w->ring, first + n);
	}
	/* The capture is over (the reader closed the ring after its last
	 * packet): finish the flows here, in parallel, against the end of the
	 * whole capture, as the merge would. */
	w->an.first = w->reader->first;
	w->an.last = w->reader->last;
	ts_analyzer_finish_flows(&w->an);
	return NULL;
}

struct ts_parallel *ts_parallel_start(struct ts_analyzer *reader, unsigned n_workers,
                                      char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_parallel *p = calloc(1, sizeof(*p));
	struct ts_analyzer_config cfg;

	if (!p || !n_workers || !(p->workers = calloc(n_workers, sizeof(*p->workers)))) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "cannot set up %u workers: out of memory", n_workers);
		free(p);
		return NULL;
	}
	p->reader = reader;
	p->n = n_workers;
	p->seed = reader->flows.seed; /* a hostile source cannot load one worker */
	p->reader_share = reader_share(n_workers);
	ts_parallel_worker_config(reader, n_workers, &cfg);
	for (unsigned i = 0; i < n_workers; i++) {
		struct ts_worker *w = &p->workers[i];
		ts_analyzer_init(&w->an, &cfg);
		w->reader = reader;
		if (i == 0)
			continue;
		if (ts_ring_init(&w->ring) < 0 || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			snprintf(errbuf, TS_ERRBUF_SIZE, "cannot start worker %u", i);
			ts_parallel_free(p);
			return NULL;
		}
		w->started = true;
	}
	return p;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t fold_addr(uint8_t af, const uint8_t *a)
{
	uint64_t x, y;

	if (af == 4) {
		uint32_t v;
		memcpy(&v, a, 4);
		return v;
	}
	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	return x ^ (y << 32 | y >> 32);
}

/*
 * The worker of a flow: a hash of its addresses and ports that is the same
 * in both directions (the two ends enter it alike), so a connection stays
 * with one worker. Which worker does not change the result, only the balance.
 */
static uint64_t shard_hash(uint8_t af, const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t dport,
                           uint64_t seed)
{
	uint64_t a = fold_addr(af, src), b = fold_addr(af, dst);
	uint64_t k = (a ^ b) * 0x9e3779b97f4a7c15ull + (a + b) + ((uint64_t)(sport ^ dport) << 48) +
	             ((uint64_t)((uint32_t)sport + dport) << 16) + af;

	k ^= seed;
	k ^= k >> 33; /* the murmur3 finaliser */
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

/*
 * Shard a plain Ethernet IPv4/IPv6 TCP packet from the few bytes that name
 * its flow, without decoding it: the same addresses and ports the dissectors
 * read. Anything else (other links, tags, extension headers, fragments,
 * short captures) returns false and is decoded by the reader, which
 * reassembles fragments before it shards: only the first has the ports. A
 * packet sharded here that the worker's decode then rejects is counted there.
 */
static bool shard_hash_fast(const struct ts_pkt *pkt, uint64_t seed, uint64_t *h)
{
	const uint8_t *p = pkt->data;
	size_t len = pkt->caplen;

	if (pkt->linktype != DLT_EN10MB || len < 14)
		return false;
	uint16_t type = be16(p + 12);
	p += 14;
	len -= 14;
	if (type == 0x0800) {
		/* any fragment (MF or an offset) is reassembled by the reader */
		if (len < 20 || p[0] >> 4 != 4 || p[9] != 6 || (be16(p + 6) & 0x3fff))
			return false;
		size_t hlen = (size_t)(p[0] & 0x0f) * 4;
		if (hlen < 20 || len < hlen + 4)
			return false;
		*h = shard_hash(4, p + 12, p + 16, be16(p + hlen), be16(p + hlen + 2), seed);
		return true;
	}
	if (type == 0x86dd) {
		if (len < 44 || p[0] >> 4 != 6 || p[6] != 6)
			return false;
		*h = shard_hash(6, p + 8, p + 24, be16(p + 40), be16(p + 42), seed);
		return true;
	}
	return false;
}

/* The slot for a packet of worker w (not 0); before the reader sleeps on a
 * full ring, every worker gets what is waiting for it. */
static struct ts_ring_entry *slot_for(struct ts_parallel *p, struct ts_worker *w, struct ts_ring **ring)
{
	struct ts_ring *r = &w->ring;

	if (ts_ring_full(r))
		for (unsigned i = 1; i < p->n; i++)
			ts_ring_flush(&p->workers[i].ring);
	*ring = r;
	return ts_ring_slot(r);
}

void ts_parallel_feed(struct ts_parallel *p, const struct ts_pkt *pkt)
{
	struct ts_analyzer *r = p->reader;
	struct ts_ring *ring;
	struct ts_ring_entry *slot;
	uint64_t h;
	struct ts_pkt later;

	pkt = ts_analyzer_note_packet(r, pkt, &later);
	if (!pkt)
		return;
	/* The common case: the worker decodes the bytes, worker 0 in place,
	 * the others a copy. */
	if (pkt->caplen <= TS_RING_INLINE_BYTES && shard_hash_fast(pkt, p->seed, &h)) {
		struct ts_worker *w = worker_of(p, h);
		if (w == p->workers) {
			ts_analyzer_decode_ahead(&w->an, pkt);
			return;
		}
		slot = slot_for(p, w, &ring);
		slot->pkt = *pkt;
		slot->decoded = false;
		memcpy(slot->u.bytes, pkt->data, pkt->caplen);
		slot->pkt.data = slot->u.bytes;
		ts_ring_commit(ring);
		return;
	}
	/* Otherwise the reader decodes (and counts what is not TCP); the
	 * worker gets the decoded segment: it needs lengths, not the bytes. */
	struct ts_decoded d;
	if (!ts_analyzer_decode(r, pkt, &d))
		return;
	h = shard_hash(d.af, d.src, d.dst, d.sport, d.dport, p->seed);
	struct ts_worker *w = worker_of(p, h);
	if (w == p->workers) {
		ts_analyzer_feed_decoded_ahead(&w->an, pkt, &d);
		return;
	}
	slot = slot_for(p, w, &ring);
	slot->pkt = *pkt;
	slot->pkt.data = NULL; /* borrowed from the capture: not valid later */
	slot->decoded = true;
	slot->u.d = d;
	slot->u.d.payload = NULL;
	ts_ring_commit(ring);
}

/* The worker gives slots back only after analysing them: once it has given
 * back all that was published, it is waiting and leaves its analyzer alone. */
static void worker_catch_up(struct ts_worker *w)
{
	const struct timespec pause = { 0, TS_NSEC_PER_MSEC };

	ts_ring_flush(&w->ring);
	while (atomic_load(&w->ring.head) != w->ring.prod_tail)
		nanosleep(&pause, NULL);
}

void ts_parallel_visit(struct ts_parallel *p, void (*fn)(void *ctx, const struct ts_analyzer *w), void *ctx)
{
	for (unsigned i = 0; i < p->n; i++) {
		if (p->workers[i].started)
			worker_catch_up(&p->workers[i]);
		fn(ctx, &p->workers[i].an);
	}
}

int ts_parallel_finish(struct ts_parallel *p)
{
	int rc = 0;

	for (unsigned i = 1; i < p->n; i++)
		ts_ring_close(&p->workers[i].ring);
	for (unsigned i = 0; i < p->n; i++) {
		struct ts_worker *w = &p->workers[i];
		if (w->started)
			pthread_join(w->thread, NULL);
		w->started = false;
		if (ts_parallel_merge_worker(p->reader, &w->an) < 0)
			rc = -1;
	}
	if (ts_parallel_merge_end(p->reader) < 0)
		return -1;
	return rc;
}

void ts_parallel_free(struct ts_parallel *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->n; i++) {
		struct ts_worker *w = &p->workers[i];
		if (w->started) {
			ts_ring_close(&w->ring);
			pthread_join(w->thread, NULL);
		}
		ts_ring_free(&w->ring);
		ts_analyzer_free(&w->an);
	}
	free(p->workers);
	free(p);
}
