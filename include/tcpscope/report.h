/* \summary: reporters: text, JSON Lines, CSV, behind one ops table */
#ifndef TCPSCOPE_REPORT_H
#define TCPSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/capture.h"
#include "tcpscope/flow_view.h"
#include "tcpscope/hosts.h"

enum ts_flow_selection { TS_FLOWS_AUTO = 0, TS_FLOWS_ALL, TS_FLOWS_ANOMALOUS };

/* One anomaly with the flow it belongs to (NULL for host-level ones). */
struct ts_report_anomaly {
	const struct ts_flow *flow;
	const struct ts_anomaly *a;
};

/* Where an anomaly is, with what it is sorted by. */
struct ts_anomaly_ref {
	int64_t ts_ns;
	uint32_t flow;                   /* index in the flow view, TS_NO_FLOW for host-level */
	uint32_t index;                  /* in the flow's findings, or the host findings */
	uint8_t severity, code;
};
#define TS_NO_FLOW UINT32_MAX

struct ts_segment_log;

/* Everything a reporter needs, assembled once after the analysis. */
struct ts_report_input {
	const struct ts_analyzer *an;
	struct ts_flow_view *flows;      /* by id: read them with ts_report_flow() */
	size_t n_flows;
	uint64_t states[TS_ST_COUNT];    /* endpoints in each state at the end, both ends of every flow */
	struct ts_host **hosts;          /* filtered by --host when given */
	size_t n_hosts;
	struct ts_anomaly_ref *anomalies; /* sorted by severity, then time: ts_report_anomaly() */
	size_t n_anomalies;
	const char *const *inputs;       /* file names or the interface */
	size_t n_inputs;
	struct ts_capture_stats cap;
	bool truncated;                  /* an input ended in the middle of a record */
	const char *error;               /* the read error or truncation message, or NULL */
	const char *interrupted;         /* offline: the signal that stopped the reading
	                                  * ("SIGINT"), or NULL when it read to the end */
	const struct ts_segment_log *segments; /* per-flow segments for graphs, or NULL */
	const char *syslog_target;       /* NULL without --syslog; "" is the local daemon */
	uint64_t syslog_failures;        /* anomalies the collector did not get */
};

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

struct ts_reporter_ops {
	const char *name;
	int (*write)(const struct ts_report_input *in, const struct ts_report_opts *o);
};

const struct ts_reporter_ops *ts_reporter_find(const char *name);

/* Build / free the report input from a finished analyzer. host_filter may be NULL. */
int ts_report_input_build(struct ts_report_input *in, struct ts_analyzer *an,
                          const char *host_filter);
void ts_report_input_free(struct ts_report_input *in);

/* Flow i (by id) and anomaly i (by severity, then time). Finished flows are
 * unpacked into one scratch record: what these return is good until the next
 * call of either. */
const struct ts_flow *ts_report_flow(const struct ts_report_input *in, size_t i);
struct ts_report_anomaly ts_report_anomaly(const struct ts_report_input *in, size_t i);

/* Shared formatting helpers. */
size_t ts_anomaly_message(const struct ts_report_anomaly *ra, char *buf, size_t len);
/* The message without the explanation: who, and the figures. */
size_t ts_anomaly_specifics(const struct ts_report_anomaly *ra, char *buf, size_t len);
void ts_anomaly_subject(const struct ts_report_anomaly *ra, char *buf, size_t len);
double ts_pct(uint64_t part, uint64_t whole);
void ts_format_time(const struct timespec *t, char *buf, size_t len); /* ISO 8601 UTC */
bool ts_flow_is_anomalous(const struct ts_flow *f);

#endif
