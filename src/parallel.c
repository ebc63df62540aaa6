/* \summary: sharded analysis: the caller decodes, workers follow flows, results merged */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spsc_ring.h"
#include "tcpscope/flow_view.h"
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
static int adopt_flows(struct ts_flow_table *dst, struct ts_flow_table *src)
{
	ts_flow_table_archive_all(src);
	if (ts_flow_archive_adopt(&dst->done, &src->done) < 0)
		return -1;
	dst->evicted_closed += src->evicted_closed;
	dst->evicted_open += src->evicted_open;
	dst->evicted_idle += src->evicted_idle;
	dst->port_reuse += src->port_reuse;
	dst->unlisted += src->unlisted;
	return 0;
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
		if (adopt_flows(&r->flows, &w->an.flows) < 0)
			rc = -1;
		if (ts_hosts_merge(&r->hosts, &w->an.hosts) < 0)
			rc = -1;
		for (int c = 0; c < TS_AN_COUNT; c++)
			r->anomaly_counts[c] += w->an.anomaly_counts[c];
		r->alloc_failures += w->an.alloc_failures;
	}
	struct ts_flow_view v;
	if (ts_flow_view_build(&v, &r->flows) < 0)
		return -1;
	uint64_t *old = malloc((v.n ? v.n : 1) * sizeof(*old));
	if (!old) {
		ts_flow_view_free(&v);
		return -1;
	}
	for (size_t i = 0; i < v.n; i++) {
		old[i] = ts_flow_view_id(&v, i);
		ts_flow_view_set_id(&v, i, i + 1);
	}
	struct renumber map = { old, v.n };
	ts_hosts_renumber(&r->hosts, renumbered, &map);
	r->flows.next_id = v.n + 1;
	free(old);
	ts_flow_view_free(&v);
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
