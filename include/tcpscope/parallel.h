/* \summary: sharded analysis: a reading thread and N workers (one on it), one merged result */
#ifndef TCPSCOPE_PARALLEL_H
#define TCPSCOPE_PARALLEL_H

#include "tcpscope/analyzer.h"
#include "tcpscope/errbuf.h"

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
 * Returns NULL with errbuf filled on failure.
 */
struct ts_parallel *ts_parallel_start(struct ts_analyzer *reader, unsigned n_workers,
                                      char errbuf[TS_ERRBUF_SIZE]);
void ts_parallel_feed(struct ts_parallel *p, const struct ts_pkt *pkt);
/* Let every worker catch up with what it was handed, then call fn with
 * each worker's analyzer in turn (none changes meanwhile): a consistent
 * view while the run goes on, for interim figures. The reader's thread. */
void ts_parallel_visit(struct ts_parallel *p, void (*fn)(void *ctx, const struct ts_analyzer *w), void *ctx);

/* Wait for the workers, merge their flows and hosts into the reader, and
 * make the host-level findings. The reader is then finished. */
int ts_parallel_finish(struct ts_parallel *p);
void ts_parallel_free(struct ts_parallel *p);

#endif
