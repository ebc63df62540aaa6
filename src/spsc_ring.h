/* \summary: a bounded lock-free single-producer single-consumer queue of decoded segments */
#ifndef TCPSCOPE_SPSC_RING_H
#define TCPSCOPE_SPSC_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "tcpscope/dissect.h"
#include "tcpscope/pkt.h"

#define TS_RING_SLOTS 4096u /* a power of two */
#define TS_RING_BATCH 64u   /* positions are published in batches */

struct ts_ring_entry {
	struct ts_pkt pkt;    /* data is not carried: workers need lengths only */
	struct ts_decoded d;
};

struct ts_ring {
	_Alignas(64) atomic_size_t head;   /* next slot the consumer reads */
	_Alignas(64) atomic_size_t tail;   /* slots published by the producer */
	atomic_bool closed;                /* the producer is done */
	_Alignas(64) size_t prod_tail;     /* producer-private: written, maybe unpublished */
	size_t prod_head_seen;             /* producer-private: last head it read */
	unsigned prod_spins;               /* producer-private: waits in a row */
	struct ts_ring_entry *slots;
};

int ts_ring_init(struct ts_ring *r);
void ts_ring_free(struct ts_ring *r);

/* Producer: a slot to fill (waits while the ring is full), then commit it. */
struct ts_ring_entry *ts_ring_slot(struct ts_ring *r);
void ts_ring_commit(struct ts_ring *r);
/* Producer: publish everything written, and mark the end. */
void ts_ring_flush(struct ts_ring *r);
void ts_ring_close(struct ts_ring *r);

/* Consumer: up to max entries ready at *first (in ring order, possibly
 * wrapping: take them one by one with ts_ring_at); 0 means wait, and
 * *done says the producer has closed the ring and it is empty. */
size_t ts_ring_ready(struct ts_ring *r, size_t *first, bool *done);
static inline struct ts_ring_entry *ts_ring_at(struct ts_ring *r, size_t pos)
{
	return &r->slots[pos & (TS_RING_SLOTS - 1)];
}
void ts_ring_release(struct ts_ring *r, size_t upto);

/* Wait a little for the other side; *spins counts the waits in a row. */
void ts_ring_backoff(unsigned *spins);

#endif
