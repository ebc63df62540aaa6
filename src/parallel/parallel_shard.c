/* \summary: what every sharded analysis shares: the workers' configuration and the merge */
#include <stdlib.h>

#include "tcpscope/flow_view.h"
#include "tcpscope/parallel_shard.h"

void ts_parallel_worker_config(const struct ts_analyzer *reader, unsigned n_workers,
                               struct ts_analyzer_config *cfg)
{
	*cfg = reader->cfg;
	/* Workers share the reader's hash seed, number flows by their first
	 * packet (renumbered at the merge), and call no observers. */
	cfg->seed = reader->flows.seed;
	/* One context table, so a context id means the same in every worker. */
	cfg->shared_ctx = reader->ctx;
	cfg->ids_from_packet_index = true;
	cfg->on_transition = NULL;
	cfg->on_anomaly = NULL;
	cfg->on_segment = NULL;
	if (cfg->max_flows)
		cfg->max_flows = (cfg->max_flows + n_workers - 1) / n_workers;
	if (cfg->max_report_flows)
		cfg->max_report_flows = (cfg->max_report_flows + n_workers - 1) / n_workers;
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

/* Segments a worker decoded were counted there (packets and bytes are
 * counted where packets are read). */
static void add_decode_counts(struct ts_decode_stats *dst, const struct ts_decode_stats *src)
{
	dst->tcp_segments += src->tcp_segments;
	for (int i = 0; i < TS_DR_COUNT; i++)
		dst->reason[i] += src->reason[i];
	for (int i = 0; i < TS_DE_COUNT_BITS; i++)
		dst->event[i] += src->event[i];
	for (int i = 0; i < TS_ENC_COUNT; i++)
		dst->encap[i] += src->encap[i];
	if (dst->first_unsupported_dlt < 0)
		dst->first_unsupported_dlt = src->first_unsupported_dlt;
}

int ts_parallel_merge_worker(struct ts_analyzer *r, struct ts_analyzer *w)
{
	int rc = 0;

	add_decode_counts(&r->dec, &w->dec);
	/* Stalls and TIME_WAIT run to the end of the whole capture. */
	w->first = r->first;
	w->last = r->last;
	ts_analyzer_finish_flows(w);
	ts_reasm_stats_add(&r->reasm.st, &w->reasm.st);
	if (ts_flow_table_adopt(&r->flows, &w->flows) < 0)
		rc = -1;
	ts_hosts_merge(&r->hosts, &w->hosts);
	for (int c = 0; c < TS_AN_COUNT; c++)
		r->anomaly_counts[c] += w->anomaly_counts[c];
	r->alloc_failures += w->alloc_failures;
	return rc;
}

int ts_parallel_merge_end(struct ts_analyzer *r)
{
	struct ts_flow_view v;

	ts_reasm_finish(&r->reasm, &r->last); /* the reader reassembled */
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
	return 0;
}
