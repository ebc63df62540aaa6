/* \summary: a bounded single-producer single-consumer queue of packets, blocking when full or empty */
#ifndef TCPSCOPE_SPSC_RING_H
#define TCPSCOPE_SPSC_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/dissect.h"
#include "tcpscope/pkt.h"

#define TS_RING_SLOTS 4096u /* a power of two */
#define TS_RING_BATCH 256u  /* positions are published in batches */
/* A sleeping side is woken once this many slots are ready for it: each wake-up
 * then pays for a long run of work instead of a handful of packets. */
#define TS_RING_WAKE_AT (TS_RING_SLOTS / 2)
/* Packets up to this many captured bytes travel in the slot itself: enough for
 * a header-only capture, and for every header a dissector reads. */
#define TS_RING_INLINE_BYTES 192u

struct ts_ring_entry {
	struct ts_pkt pkt;    /* data points into bytes, or is NULL when decoded */
	bool decoded;         /* d holds the decoded segment (the bytes are not carried) */
	union {
		uint8_t bytes[TS_RING_INLINE_BYTES];
		struct ts_decoded d;
	} u;
};

/* One side's sleep: the other side bumps event and wakes it when waiting. */
struct ts_ring_sleeper {
	_Alignas(64) atomic_uint waiting;
	atomic_uint event;   /* the futex word */
};

struct ts_ring {
	_Alignas(64) atomic_size_t head;   /* next slot the consumer reads */
	_Alignas(64) atomic_size_t tail;   /* slots published by the producer */
	atomic_bool closed;                /* the producer is done */
	struct ts_ring_sleeper consumer;   /* waits while the ring is empty */
	struct ts_ring_sleeper producer;   /* waits while the ring is full */
	_Alignas(64) size_t prod_tail;     /* producer-private: written, maybe unpublished */
	size_t prod_head_seen;             /* producer-private: last head it read */
	struct ts_ring_entry *slots;
};

int ts_ring_init(struct ts_ring *r);
void ts_ring_free(struct ts_ring *r);

/* Producer: a slot to fill (sleeps while the ring is full), then commit it. */
struct ts_ring_entry *ts_ring_slot(struct ts_ring *r);
static inline struct ts_ring_entry *ts_ring_at(struct ts_ring *r, size_t pos)
{
	return &r->slots[pos & (TS_RING_SLOTS - 1)];
}
bool ts_ring_full_now(struct ts_ring *r);
/* Producer: whether ts_ring_slot would sleep. */
static inline bool ts_ring_full(struct ts_ring *r)
{
	return r->prod_tail - r->prod_head_seen >= TS_RING_SLOTS && ts_ring_full_now(r);
}
void ts_ring_publish(struct ts_ring *r);
static inline void ts_ring_commit(struct ts_ring *r)
{
	if (++r->prod_tail % TS_RING_BATCH == 0)
		ts_ring_publish(r);
}
/* Producer: publish everything written (waking the consumer), and mark the end. */
void ts_ring_flush(struct ts_ring *r);
void ts_ring_close(struct ts_ring *r);

/* Consumer: the number of entries ready at *first (in ring order, possibly
 * wrapping: take them one by one with ts_ring_at); 0 means none yet, and
 * *done says the producer has closed the ring and it is empty. */
size_t ts_ring_ready(struct ts_ring *r, size_t *first, bool *done);
/* Consumer: like ts_ring_ready, but sleeps until entries are ready or the
 * ring is closed and empty (then returns 0). */
size_t ts_ring_wait(struct ts_ring *r, size_t *first);
/* Consumer: entries before upto are done with; the producer may reuse them. */
void ts_ring_release(struct ts_ring *r, size_t upto);

#endif
