/* \summary: live-mode helpers: clock-driven stall checks, periodic and interim reports */
#ifndef TCPSCOPE_LIVE_H
#define TCPSCOPE_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/capture.h"

/*
 * Offline, the packets are the only clock. Live, a connection stuck in
 * CLOSE_WAIT sends nothing, so no packet would ever say that the stall
 * timeout has passed: check every tracked flow against the wall clock.
 * Returns the number of flows looked at.
 */
size_t ts_live_check_stalls(struct ts_analyzer *an, const struct timespec *now);

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

/* Offline progress line on stderr. */
struct ts_progress {
	FILE *err;
	bool on, tty, drawn;
	int64_t start_ns, last_ns;   /* CLOCK_MONOTONIC */
};

#define TS_PROGRESS_MIN_BYTES (4u << 20)  /* auto mode: inputs smaller finish at once */
#define TS_PROGRESS_PERIOD_NS 250000000   /* at most four updates a second */

/* mode: 0 auto (stderr a terminal and the input large enough), 1 on, 2 off. */
void ts_progress_start(struct ts_progress *p, int mode, FILE *err, const struct ts_capture_stats *st);
/* Redraw when the period has passed (or always when force). */
void ts_progress_update(struct ts_progress *p, const struct ts_capture_stats *st, uint64_t packets,
                        bool force);
/* Clear the line on a terminal; forced output to a file keeps its last line. */
void ts_progress_end(struct ts_progress *p, const struct ts_capture_stats *st, uint64_t packets);

#endif
