/* \summary: live capture on N workers: a PACKET_FANOUT handle and an analyzer each, one merged result */
#ifndef TCPSCOPE_LIVE_PARALLEL_H
#define TCPSCOPE_LIVE_PARALLEL_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/capture.h"

struct ts_live_parallel;

/*
 * Open n live captures of iface (opts as for ts_capture_open_live; they are
 * made non-blocking) and join them to one PACKET_FANOUT hash group, so that
 * each connection, both directions, reaches one capture. Packets stamped
 * before the last capture joined are dropped on every capture: until then
 * the kernel may give a connection to several of them. Warnings from the
 * first pcap_activate go to warnbuf (empty when none).
 * Returns NULL with errbuf filled; *fanout_refused then tells whether the
 * captures opened and only the kernel refused the group (one capture
 * would do).
 */
struct ts_live_parallel *ts_live_parallel_open(const char *iface, const struct ts_capture_opts *opts,
                                               unsigned n, char errbuf[TS_ERRBUF_SIZE],
                                               char warnbuf[TS_ERRBUF_SIZE], bool *fanout_refused);

/*
 * Start one thread per capture, each feeding its own analyzer configured as
 * a shard of reader (ts_parallel_worker_config) and checking its flows for
 * stalls against the clock once a second. max_packets (0: no limit) bounds
 * the packets fed over all workers; reaching it, or a read error, stops every
 * worker. Returns 0, or -1 with errbuf filled (no thread is left running).
 */
int ts_live_parallel_start(struct ts_live_parallel *lp, struct ts_analyzer *reader, uint64_t max_packets,
                           char errbuf[TS_ERRBUF_SIZE]);

/* Descriptor that becomes readable once the workers are told to stop (by
 * ts_live_parallel_stop, the packet limit or a read error). */
int ts_live_parallel_fd(const struct ts_live_parallel *lp);
bool ts_live_parallel_stopping(const struct ts_live_parallel *lp);
void ts_live_parallel_stop(struct ts_live_parallel *lp);

/*
 * Stop and join the workers, add their packet and decode counts to the
 * reader, and merge their flows and hosts into it as ts_parallel_finish
 * does: the reader is then finished. 0, or -1 when memory ran out.
 */
int ts_live_parallel_finish(struct ts_live_parallel *lp);

/* The first read error of any worker, or NULL. */
const char *ts_live_parallel_error(const struct ts_live_parallel *lp);

/* Capture figures summed over the handles: ps_recv and ps_drop add up (each
 * socket counts its share); ps_ifdrop counts for the whole interface, so the
 * largest is taken. Packets dropped as captured before the group was whole
 * are not counted as received. Call after ts_live_parallel_finish. */
void ts_live_parallel_stats(struct ts_live_parallel *lp, struct ts_capture_stats *out);

unsigned ts_live_parallel_group(const struct ts_live_parallel *lp);
unsigned ts_live_parallel_workers(const struct ts_live_parallel *lp);
/* Packets worker i fed to its analyzer, and packets it dropped as captured
 * before the group was whole. */
void ts_live_parallel_worker_counts(const struct ts_live_parallel *lp, unsigned i, uint64_t *fed,
                                    uint64_t *early);

void ts_live_parallel_free(struct ts_live_parallel *lp);

#endif
