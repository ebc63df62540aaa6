/* \summary: sharded analysis: the caller decodes, workers follow flows, results merged */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spsc_ring.h"
#include "tcpscope/parallel.h"

struct ts_worker {
	struct ts_ring ring; /* first: its cache-line aligned members pack best */
	pthread_t thread;
	struct ts_analyzer an;
	bool started;
};

struct ts_parallel {
	struct ts_analyzer *reader;
	unsigned n;
	struct ts_worker *workers;
};

static void *worker_main(void *arg)
{
	struct ts_worker *w = arg;
	unsigned spins = 0;

	for (;;) {
		size_t first;
		bool done;
		size_t n = ts_ring_ready(&w->ring, &first, &done);
		if (!n) {
			if (done)
				break;
			ts_ring_backoff(&spins);
			continue;
		}
		spins = 0;
		for (size_t i = 0; i < n; i++) {
			struct ts_ring_entry *e = ts_ring_at(&w->ring, first + i);
			ts_analyzer_note_packet(&w->an, &e->pkt);
			ts_analyzer_feed_decoded(&w->an, &e->pkt, &e->d);
		}
		ts_ring_release(&w->ring, first + n);
	}
	return NULL;
}

struct ts_parallel *ts_parallel_start(struct ts_analyzer *reader, unsigned n_workers, char *err, size_t errlen)
{
	struct ts_parallel *p = calloc(1, sizeof(*p));
	struct ts_analyzer_config cfg;

	if (!p || !n_workers || !(p->workers = calloc(n_workers, sizeof(*p->workers)))) {
		snprintf(err, errlen, "cannot set up %u workers: out of memory", n_workers);
		free(p);
		return NULL;
	}
	p->reader = reader;
	p->n = n_workers;
	ts_parallel_worker_config(reader, n_workers, &cfg);
	for (unsigned i = 0; i < n_workers; i++) {
		struct ts_worker *w = &p->workers[i];
		ts_analyzer_init(&w->an, &cfg);
		if (ts_ring_init(&w->ring) < 0 || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			snprintf(err, errlen, "cannot start worker %u", i);
			ts_parallel_free(p);
			return NULL;
		}
		w->started = true;
	}
	return p;
}

void ts_parallel_feed(struct ts_parallel *p, const struct ts_pkt *pkt)
{
	struct ts_analyzer *r = p->reader;
	struct ts_ring_entry e;

	ts_analyzer_note_packet(r, pkt);
	if (!ts_analyzer_decode(r, pkt, &e.d))
		return;
	struct ts_flow_key key;
	ts_flow_key_make(&key, &e.d);
	/* The key is canonical, so both directions land on the same worker. */
	uint64_t h = ts_flow_key_hash(&key, r->flows.seed);
	struct ts_worker *w = &p->workers[(h >> 40) % p->n];
	struct ts_ring_entry *slot = ts_ring_slot(&w->ring);
	slot->pkt = *pkt;
	slot->pkt.data = NULL; /* borrowed from the capture: not valid later */
	slot->d = e.d;
	slot->d.payload = NULL;
	ts_ring_commit(&w->ring);
}

int ts_parallel_finish(struct ts_parallel *p)
{
	int rc = 0;

	for (unsigned i = 0; i < p->n; i++)
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
