/* \summary: sharded analysis: a reading thread and N workers (one on it), one merged result */
#ifndef TCPSCOPE_PARALLEL_H
#define TCPSCOPE_PARALLEL_H

#include "tcpscope/analyzer.h"

struct ts_parallel;

/*
 * The caller's analyzer `reader` counts packets and decode errors and, after
 * ts_parallel_finish, holds every flow, host and finding, exactly as if it
 * had analysed the packets alone. The calling thread reads the addresses and
 * ports of each packet and hands it, sharded by a symmetric hash of them, to
 * one of n_workers workers, which decodes it and follows its connection in
 * its own flow table. Worker 0 runs on the calling thread and takes a smaller
 * share; the others have a thread each, fed through queues that sleep when
 * empty or full: n_workers threads in all.
 * Observers (cfg callbacks) are not called by workers: use one thread then.
 * Returns NULL with a message in err on failure.
 */
struct ts_parallel *ts_parallel_start(struct ts_analyzer *reader, unsigned n_workers,
                                      char *err, size_t errlen);
void ts_parallel_feed(struct ts_parallel *p, const struct ts_pkt *pkt);
/* Let every worker catch up with what it was handed, then call fn with
 * each worker's analyzer in turn (none changes meanwhile): a consistent
 * view while the run goes on, for interim figures. The reader's thread. */
void ts_parallel_visit(struct ts_parallel *p, void (*fn)(void *ctx, const struct ts_analyzer *w), void *ctx);

/* Wait for the workers, merge their flows and hosts into the reader, and
 * make the host-level findings. The reader is then finished. */
int ts_parallel_finish(struct ts_parallel *p);
void ts_parallel_free(struct ts_parallel *p);

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
