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
	struct ts_analyzer_config cfg = reader->cfg;

	if (!p || !n_workers || !(p->workers = calloc(n_workers, sizeof(*p->workers)))) {
		snprintf(err, errlen, "cannot set up %u workers: out of memory", n_workers);
		free(p);
		return NULL;
	}
	p->reader = reader;
	p->n = n_workers;
	/* Workers share the reader's hash seed, number flows by their first
	 * packet (renumbered at the merge), and call no observers. */
	cfg.seed = reader->flows.seed;
	cfg.ids_from_packet_index = true;
	cfg.on_transition = NULL;
	cfg.on_anomaly = NULL;
	cfg.on_segment = NULL;
	if (cfg.max_flows)
		cfg.max_flows = (cfg.max_flows + n_workers - 1) / n_workers;
	if (cfg.max_report_flows)
		cfg.max_report_flows = (cfg.max_report_flows + n_workers - 1) / n_workers;
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

/* Move every flow of a worker into the reader's table, as finished ones. */
static void adopt_flows(struct ts_flow_table *dst, struct ts_flow_table *src)
{
	struct ts_flow *f, *tmp;

	HASH_ITER(hh, src->hash, f, tmp) {
		HASH_DELETE(hh, src->hash, f); /* NOLINT(clang-analyzer-unix.Malloc) */
		f->retired_flag = false;
		f->next_done = src->done_head;
		src->done_head = f;
	}
	for (f = src->done_head; f; f = tmp) {
		tmp = f->next_done;
		f->retired_flag = true;
		f->lru_prev = f->lru_next = NULL;
		f->next_done = NULL;
		if (dst->done_tail)
			dst->done_tail->next_done = f;
		else
			dst->done_head = f;
		dst->done_tail = f;
		dst->retired++;
	}
	src->done_head = src->done_tail = NULL;
	src->hash = NULL;
	src->live = src->retired = 0;
	dst->evicted_closed += src->evicted_closed;
	dst->evicted_open += src->evicted_open;
	dst->evicted_idle += src->evicted_idle;
	dst->port_reuse += src->port_reuse;
	dst->unlisted += src->unlisted;
}

struct renumber {
	const uint64_t *old_ids; /* sorted */
	size_t n;
};

/* New id of a flow numbered by its first packet: its rank among all flows.
 * A host's first packet index may belong to a flow freed under a cap: the
 * rank of the next flow keeps the order. */
static uint64_t renumbered(void *ctx, uint64_t old)
{
	const struct renumber *r = ctx;
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->old_ids[mid] < old)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo + 1;
}

int ts_parallel_finish(struct ts_parallel *p)
{
	struct ts_analyzer *r = p->reader;
	int rc = 0;

	for (unsigned i = 0; i < p->n; i++)
		ts_ring_close(&p->workers[i].ring);
	for (unsigned i = 0; i < p->n; i++) {
		struct ts_worker *w = &p->workers[i];
		if (w->started)
			pthread_join(w->thread, NULL);
		w->started = false;
		/* Stalls and TIME_WAIT run to the end of the whole capture. */
		w->an.first = r->first;
		w->an.last = r->last;
		ts_analyzer_finish_flows(&w->an);
		adopt_flows(&r->flows, &w->an.flows);
		if (ts_hosts_merge(&r->hosts, &w->an.hosts) < 0)
			rc = -1;
		for (int c = 0; c < TS_AN_COUNT; c++)
			r->anomaly_counts[c] += w->an.anomaly_counts[c];
		r->alloc_failures += w->an.alloc_failures;
	}
	size_t n = 0;
	struct ts_flow **v = ts_flow_table_sorted(&r->flows, &n);
	uint64_t *old = malloc((n ? n : 1) * sizeof(*old));
	if (!v || !old) {
		free(v);
		free(old);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		old[i] = v[i]->id;
		v[i]->id = i + 1;
	}
	struct renumber map = { old, n };
	ts_hosts_renumber(&r->hosts, renumbered, &map);
	r->flows.next_id = n + 1;
	free(old);
	free(v);
	r->flows_finished = true;
	ts_analyzer_host_findings(r);
	r->finished = true;
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
