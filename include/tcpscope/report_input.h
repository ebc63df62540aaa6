/* \summary: what every reporter reads: flows, hosts and anomalies assembled once after the analysis */
#ifndef TCPSCOPE_REPORT_INPUT_H
#define TCPSCOPE_REPORT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/capture.h"
#include "tcpscope/flow_view.h"
#include "tcpscope/hosts.h"

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

enum ts_report_input_result {
	TS_REPORT_INPUT_OK = 0,
	TS_REPORT_INPUT_FAILED = -1,    /* out of memory, or more flows than 32-bit ids */
	TS_REPORT_INPUT_BAD_HOST = -2,   /* host_filter is not an IPv4 or IPv6 address */
};

/* Build / free the report input from a finished analyzer. host_filter may be
 * NULL. Whatever the result, free it with ts_report_input_free. */
enum ts_report_input_result ts_report_input_build(struct ts_report_input *in,
                                                  struct ts_analyzer *an,
                                                  const char *host_filter);
void ts_report_input_free(struct ts_report_input *in);

/* Flow i (by id) and anomaly i (by severity, then time). Finished flows are
 * unpacked into one scratch record: what these return is good until the next
 * call of either. */
const struct ts_flow *ts_report_flow(const struct ts_report_input *in, size_t i);
struct ts_report_anomaly ts_report_anomaly(const struct ts_report_input *in, size_t i);

/* Anomaly i with its flow only as far as a record of it names the flow: a
 * finished flow's id, key and roles (ts_flow_view_finding), none of its
 * figures. Cheaper than ts_report_anomaly; good until its next call. */
struct ts_report_anomaly ts_report_anomaly_named(const struct ts_report_input *in, size_t i);

#endif
