/* \summary: single-producer single-consumer ring: batched publication, futex sleep when full or empty */
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "spsc_ring.h"

/*
 * Neither side spins: with more threads than cores a spinning thread burns
 * the CPU the other side needs. A side with nothing to do sleeps on a futex
 * and is woken only once half the ring is ready for it, so the sleeps are
 * few and each wake-up is followed by a long run of work.
 *
 * No lost wake-up: the sleeper stores `waiting` and then reads the position
 * the other side moves; the other side moves the position and then reads
 * `waiting` (all sequentially consistent), so at least one of them sees the
 * other. The sleeper waits on `event` as read before it set `waiting`; a
 * wake-up bumps `event` first, so a wake-up that comes before the sleep
 * makes the sleep return at once.
 */

static void sleeper_wait(struct ts_ring_sleeper *s, unsigned seen)
{
	syscall(SYS_futex, (void *)&s->event, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static void sleeper_wake(struct ts_ring_sleeper *s)
{
	if (!atomic_exchange(&s->waiting, 0))
		return;
	atomic_fetch_add(&s->event, 1);
	syscall(SYS_futex, (void *)&s->event, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

int ts_ring_init(struct ts_ring *r)
{
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->closed, false);
	atomic_init(&r->consumer.waiting, 0);
	atomic_init(&r->consumer.event, 0);
	atomic_init(&r->producer.waiting, 0);
	atomic_init(&r->producer.event, 0);
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

/* Publish what was written; wake a sleeping consumer once it has `wake_at`. */
static void publish(struct ts_ring *r, size_t wake_at)
{
	atomic_store(&r->tail, r->prod_tail);
	if (atomic_load(&r->consumer.waiting) && r->prod_tail - atomic_load(&r->head) >= wake_at)
		sleeper_wake(&r->consumer);
}

void ts_ring_publish(struct ts_ring *r)
{
	publish(r, TS_RING_WAKE_AT);
}

void ts_ring_flush(struct ts_ring *r)
{
	publish(r, 1);
}

bool ts_ring_full_now(struct ts_ring *r)
{
	r->prod_head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
	return r->prod_tail - r->prod_head_seen >= TS_RING_SLOTS;
}

struct ts_ring_entry *ts_ring_slot(struct ts_ring *r)
{
	while (r->prod_tail - r->prod_head_seen >= TS_RING_SLOTS) {
		r->prod_head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
		if (r->prod_tail - r->prod_head_seen < TS_RING_SLOTS)
			break;
		/* Full: the consumer has all of it (and is awake); sleep until it
		 * has freed half the ring. */
		ts_ring_publish(r);
		unsigned seen = atomic_load(&r->producer.event);
		atomic_store(&r->producer.waiting, 1);
		r->prod_head_seen = atomic_load(&r->head);
		if (r->prod_tail - r->prod_head_seen <= TS_RING_SLOTS - TS_RING_WAKE_AT) {
			atomic_store(&r->producer.waiting, 0);
			break;
		}
		sleeper_wait(&r->producer, seen);
		atomic_store(&r->producer.waiting, 0);
	}
	return ts_ring_at(r, r->prod_tail);
}

void ts_ring_close(struct ts_ring *r)
{
	atomic_store(&r->tail, r->prod_tail);
	atomic_store(&r->closed, true);
	atomic_store(&r->consumer.waiting, 1);
	sleeper_wake(&r->consumer);
}

size_t ts_ring_ready(struct ts_ring *r, size_t *first, bool *done)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	bool closed = atomic_load(&r->closed);
	size_t tail = atomic_load(&r->tail);

	*first = head;
	*done = closed && tail == head;
	return tail - head;
}

size_t ts_ring_wait(struct ts_ring *r, size_t *first)
{
	for (;;) {
		bool done;
		size_t n = ts_ring_ready(r, first, &done);
		if (n || done)
			return n;
		unsigned seen = atomic_load(&r->consumer.event);
		atomic_store(&r->consumer.waiting, 1);
		n = ts_ring_ready(r, first, &done);
		if (n || done) {
			atomic_store(&r->consumer.waiting, 0);
			return n;
		}
		sleeper_wait(&r->consumer, seen);
		atomic_store(&r->consumer.waiting, 0);
	}
}

void ts_ring_release(struct ts_ring *r, size_t upto)
{
	atomic_store(&r->head, upto);
	if (atomic_load(&r->producer.waiting) &&
	    atomic_load(&r->tail) - upto <= TS_RING_SLOTS - TS_RING_WAKE_AT)
		sleeper_wake(&r->producer);
}
