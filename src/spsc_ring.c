/* \summary: lock-free single-producer single-consumer ring with batched publication */
#include <sched.h>
#include <stdlib.h>

#include "spsc_ring.h"

int ts_ring_init(struct ts_ring *r)
{
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->closed, false);
	r->prod_tail = 0;
	r->prod_head_seen = 0;
	r->slots = calloc(TS_RING_SLOTS, sizeof(*r->slots));
	return r->slots ? 0 : -1;
}

void ts_ring_free(struct ts_ring *r)
{
	free(r->slots);
	r->slots = NULL;
}

void ts_ring_backoff(unsigned *spins)
{
	/* Spin a little (the other side is usually about to move), then give
	 * the CPU away: with more threads than cores spinning only burns it. */
	if (++*spins < 64) {
		for (int i = 0; i < 32; i++)
			__builtin_ia32_pause();
		return;
	}
	*spins = 0;
	sched_yield();
}

struct ts_ring_entry *ts_ring_slot(struct ts_ring *r)
{
	while (r->prod_tail - r->prod_head_seen >= TS_RING_SLOTS) {
		r->prod_head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
		if (r->prod_tail - r->prod_head_seen < TS_RING_SLOTS) {
			r->prod_spins = 0;
			break;
		}
		/* Full: make sure the consumer sees everything, and let it run. */
		atomic_store_explicit(&r->tail, r->prod_tail, memory_order_release);
		ts_ring_backoff(&r->prod_spins);
	}
	return ts_ring_at(r, r->prod_tail);
}

void ts_ring_commit(struct ts_ring *r)
{
	r->prod_tail++;
	if (r->prod_tail % TS_RING_BATCH == 0)
		atomic_store_explicit(&r->tail, r->prod_tail, memory_order_release);
}

void ts_ring_flush(struct ts_ring *r)
{
	atomic_store_explicit(&r->tail, r->prod_tail, memory_order_release);
}

void ts_ring_close(struct ts_ring *r)
{
	ts_ring_flush(r);
	atomic_store_explicit(&r->closed, true, memory_order_release);
}

size_t ts_ring_ready(struct ts_ring *r, size_t *first, bool *done)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	bool closed = atomic_load_explicit(&r->closed, memory_order_acquire);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	*first = head;
	*done = closed && tail == head;
	return tail - head;
}

void ts_ring_release(struct ts_ring *r, size_t upto)
{
	atomic_store_explicit(&r->head, upto, memory_order_release);
}
