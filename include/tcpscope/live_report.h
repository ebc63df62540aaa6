/* \summary: live periodic (--interval) and interim (SIGUSR1) reports, text and JSON */
#ifndef TCPSCOPE_LIVE_REPORT_H
#define TCPSCOPE_LIVE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/capture.h"

/* Figures at the start of a reporting interval, to print what changed since. */
struct ts_live_mark {
	struct timespec at;          /* wall clock */
	uint64_t packets, bytes;
	uint64_t next_flow_id;
	uint64_t anomaly_counts[TS_AN_COUNT];
	uint64_t dropped, if_dropped;
};

/* What a periodic or interim report prints besides the analyzer's figures. */
struct ts_live_extra {
	const struct ts_capture_stats *cap;
	bool syslog;
	uint64_t syslog_failures;
	bool json, color;
};

void ts_live_mark_take(struct ts_live_mark *m, const struct ts_analyzer *an,
                       const struct ts_capture_stats *cap, const struct timespec *now);

/* {"type":"interval",...} or a short text block covering [m->at, now]. */
void ts_live_report_interval(FILE *o, const struct ts_analyzer *an, const struct ts_live_mark *m,
                             const struct timespec *now, const struct ts_live_extra *x);

/* Totals an interim report prints, summed over the analyzers that hold them. */
struct ts_interim_figures {
	uint64_t packets, bytes, tcp_segments;
	uint64_t flows_seen;
	size_t flows_tracked;
	uint64_t states[TS_ST_COUNT];      /* endpoints of the tracked flows */
	uint64_t anomalies[TS_AN_COUNT];
};

/* Add an's flows, states, findings and decoded segments to f; with
 * reads_packets, also the packets and bytes it read (a sharded run's workers
 * decode what the reader counted). an must not be changing meanwhile. */
void ts_interim_figures_add(struct ts_interim_figures *f, const struct ts_analyzer *an, bool reads_packets);

/* SIGUSR1: {"type":"interim",...} or a text block, totals since the start. */
void ts_live_report_interim(FILE *o, const struct ts_interim_figures *fig, const struct timespec *start,
                            const struct timespec *now, const struct ts_live_extra *x);

#endif
