/* \summary: reporters: text, JSON Lines, CSV, behind one ops table */
#ifndef TCPSCOPE_REPORT_H
#define TCPSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tcpscope/report_format.h"
#include "tcpscope/report_input.h"

enum ts_flow_selection { TS_FLOWS_AUTO = 0, TS_FLOWS_ALL, TS_FLOWS_ANOMALOUS };

struct ts_report_opts {
	FILE *out;
	bool color;
	bool quiet;                      /* summary only */
	bool compact;                    /* JSON flow records without zero counters
	                                  * or their anomaly list */
	enum ts_flow_selection flows;
	unsigned top;                    /* top flows by retransmission % (text) */
	int min_severity;                /* anomalies below it are not listed (7 = all) */
	unsigned threads;                /* JSON and CSV records formatted on up to this many threads */
	bool all_anomalies;              /* text: every finding on its own line, none grouped */
	unsigned width;                  /* text: columns for anomaly lines; 0 = the terminal's */
};

/* Records a formatting thread takes at a time. A second thread joins from
 * two chunks' worth of records on (8192), a third from three: small reports
 * stay on one thread. */
#define TS_REPORT_CHUNK 4096

/* One --format. The flags say what the run has to prepare for it, so the
 * caller never compares format names. */
struct ts_reporter_ops {
	const char *name;
	int (*write)(const struct ts_report_input *in, const struct ts_report_opts *o);
	bool draws_segments;   /* needs ts_report_input.segments (a segment log) */
	bool colors;           /* colours a terminal unless told not to */
	bool interval_json;    /* --interval reports are JSON Lines, not text */
	bool single_thread;    /* a live capture on several threads cannot feed it */
};

const struct ts_reporter_ops *ts_reporter_find(const char *name);

#endif
