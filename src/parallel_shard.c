/* \summary: what every sharded analysis shares: the workers' configuration and the merge */
#include <stdlib.h>

#include "tcpscope/parallel.h"

void ts_parallel_worker_config(const struct ts_analyzer *reader, unsigned n_workers,
                               struct ts_analyzer_config *cfg)
{
	*cfg = reader->cfg;
	/* Workers share the reader's hash seed, number flows by their first
	 * packet (renumbered at the merge), and call no observers. */
	cfg->seed = reader->flows.seed;
	cfg->ids_from_packet_index = true;
	cfg->on_transition = NULL;
	cfg->on_anomaly = NULL;
	cfg->on_segment = NULL;
	if (cfg->max_flows)
		cfg->max_flows = (cfg->max_flows + n_workers - 1) / n_workers;
	if (cfg->max_report_flows)
		cfg->max_report_flows = (cfg->max_report_flows + n_workers - 1) / n_workers;
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

int ts_parallel_merge_worker(struct ts_analyzer *r, struct ts_analyzer *w)
{
	int rc = 0;

	/* Stalls and TIME_WAIT run to the end of the whole capture. */
	w->first = r->first;
	w->last = r->last;
	ts_analyzer_finish_flows(w);
	adopt_flows(&r->flows, &w->flows);
	if (ts_hosts_merge(&r->hosts, &w->hosts) < 0)
		rc = -1;
	for (int c = 0; c < TS_AN_COUNT; c++)
		r->anomaly_counts[c] += w->anomaly_counts[c];
	r->alloc_failures += w->alloc_failures;
	return rc;
}

int ts_parallel_merge_end(struct ts_analyzer *r)
{
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
	return 0;
}
