/* \summary: tests: sample flows and anomalies, and an independent RFC 5424 parser */
#ifndef TESTS_SYSLOG_CHECK_H
#define TESTS_SYSLOG_CHECK_H

#include <stddef.h>

#include "tcpscope/anomaly.h"
#include "tcpscope/flow.h"

/* 2026-11-21T10:00:00.123456789Z */
#define SAMPLE_SEC 1795255200
#define SAMPLE_NSEC 123456789L
#define SAMPLE_TIME_TEXT "2026-11-21T10:00:00.123456Z"

/* Flow #7, client 192.0.2.10:40000, server 198.51.100.20:80 (v6: 2001:db8::10
 * and 2001:db8::20), client sent 120 data segments of which 3 again, the
 * server 40 of which 1. */
void sample_flow(struct ts_flow *f, int af);

/* The server of the sample flow stalled in CLOSE_WAIT for 12.5 s. */
struct ts_anomaly sample_close_wait(void);

/* A host-level SYN flood against 2001:db8::1 port 443, with a detail text. */
struct ts_anomaly sample_syn_flood(const char *detail);

#define PARSED_MAX_PARAMS 32

struct parsed_msg {
	int pri;
	char timestamp[64], hostname[256], app_name[64], procid[32], msgid[64], sd_id[64];
	int n_params;
	char names[PARSED_MAX_PARAMS][33];
	char values[PARSED_MAX_PARAMS][512]; /* unescaped */
	char msg[2048];                      /* "" when absent */
};

/* Parses one RFC 5424 message of exactly one SD-ELEMENT. Returns 0, or -1 with
 * the reason on stderr. Rejects bytes outside printable ASCII. */
int parse_rfc5424(const char *s, size_t len, struct parsed_msg *m);

/* The (unescaped) value of a parameter, NULL when absent. */
const char *parsed_param(const struct parsed_msg *m, const char *name);

#endif
