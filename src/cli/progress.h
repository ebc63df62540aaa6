/* \summary: offline progress on stderr: bytes read of the total, packets/s, time left */
#ifndef TCPSCOPE_PROGRESS_H
#define TCPSCOPE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpscope/capture.h"

/* Offline progress line on stderr. */
struct ts_progress {
	FILE *err;
	bool on, tty, drawn;
	int64_t start_ns, last_ns;   /* CLOCK_MONOTONIC */
};

#define TS_PROGRESS_MIN_BYTES (4u << 20)  /* auto mode: inputs smaller finish at once */
#define TS_PROGRESS_PERIOD_NS 250000000   /* at most four updates a second */

/* --progress / --no-progress, or neither. */
enum ts_progress_mode {
	TS_PROGRESS_AUTO = 0,    /* stderr a terminal and the input large enough */
	TS_PROGRESS_ON,
	TS_PROGRESS_OFF,
};

void ts_progress_start(struct ts_progress *p, enum ts_progress_mode mode, FILE *err,
                       const struct ts_capture_stats *st);
/* Redraw when the period has passed (or always when force). */
void ts_progress_update(struct ts_progress *p, const struct ts_capture_stats *st, uint64_t packets,
                        bool force);
/* Clear the line on a terminal; forced output to a file keeps its last line. */
void ts_progress_end(struct ts_progress *p, const struct ts_capture_stats *st, uint64_t packets);

#endif
