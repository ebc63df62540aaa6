/* \summary: what every sharded analysis shares: the workers' configuration and the merge */
#ifndef TCPSCOPE_PARALLEL_SHARD_H
#define TCPSCOPE_PARALLEL_SHARD_H

#include "tcpscope/analyzer.h"

/*
 * The steps every sharded run shares, also used when each worker reads its
 * own capture (live PACKET_FANOUT). ts_parallel_worker_config: a worker's
 * configuration (the reader's seed, flow ids from packet indexes, no
 * observers, caps split). ts_parallel_merge_worker: finish worker w's flows
 * at the reader's last packet time and move them, its hosts, decode and
 * anomaly counts into the reader (w keeps only what was summed into the
 * reader's and what did not fit, for ts_analyzer_free). ts_parallel_merge_end,
 * once after the last worker: number the flows by first packet, make the host-level
 * findings; the reader is then finished. Both return 0, or -1 when memory
 * ran out.
 */
void ts_parallel_worker_config(const struct ts_analyzer *reader, unsigned n_workers,
                               struct ts_analyzer_config *cfg);
int ts_parallel_merge_worker(struct ts_analyzer *reader, struct ts_analyzer *w);
int ts_parallel_merge_end(struct ts_analyzer *reader);

#endif
