/* \summary: a report's records formatted on several threads, written in order */
#ifndef TCPSCOPE_REPORT_PARALLEL_H
#define TCPSCOPE_REPORT_PARALLEL_H

#include <stdio.h>

#include "tcpscope/json_buf.h"
#include "tcpscope/report.h"

/* Appends record i to j (or to j->out, after flushing j); in is the
 * report's input as seen from the calling thread. */
typedef void (*ts_record_fn)(const struct ts_report_input *in, size_t i, struct ts_jbuf *j, const void *ctx);

/*
 * Writes records 0 .. records-1 to out in order, as one thread would, on up
 * to `threads` threads (the caller's among them), each formatting `chunk`
 * records at a time. Each thread reads flows through a view of its own, so
 * fn may call ts_report_flow and ts_report_anomaly on the in it is given.
 * Returns 0, or -1 when writing failed or memory ran out (the output is
 * then incomplete).
 */
int ts_report_records(const struct ts_report_input *in, size_t records, unsigned threads, size_t chunk,
                      ts_record_fn fn, const void *ctx, FILE *out);

#endif
