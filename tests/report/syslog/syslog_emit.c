/* \summary: tests: send the sample anomalies to a syslog target (for collector tests) */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "syslog_check.h"
#include "tcpscope/syslog_sink.h"

/* The detail of the host-level finding: everything RFC 5424 makes special. */
#define HOSTILE_DETAIL "quote \" backslash \\ bracket ] open [ equals = end"

int main(int argc, char **argv)
{
	char err[TS_ERRBUF_SIZE];
	struct ts_flow f4, f6;
	int facility;

	if (argc != 3 || (facility = ts_syslog_parse_facility(argv[2])) < 0) {
		fprintf(stderr, "usage: %s TARGET daemon|local0..local7\n", argv[0]);
		return 2;
	}
	struct ts_syslog *s = ts_syslog_open(argv[1], facility, err);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	sample_flow(&f4, 4);
	sample_flow(&f6, 6);
	struct ts_anomaly stall = sample_close_wait();
	struct ts_anomaly flood = sample_syn_flood(HOSTILE_DETAIL);
	struct timespec ts = { .tv_sec = SAMPLE_SEC + 2, .tv_nsec = 5000 };
	struct ts_anomaly retx = ts_anomaly_new(TS_AN_RETRANSMISSION_HIGH, TS_EP_CLIENT, &ts);
	retx.value = 3;
	retx.value2 = 250;
	retx.severity = TS_SEV_ERR;

	int rc = 0;
	rc |= ts_syslog_send_anomaly(s, &f4, &stall);
	rc |= ts_syslog_send_anomaly(s, NULL, &flood);
	rc |= ts_syslog_send_anomaly(s, &f6, &stall);
	rc |= ts_syslog_send_anomaly(s, &f4, &retx);
	rc |= ts_syslog_flush(s, 2000);
	unsigned long long failures = (unsigned long long)ts_syslog_failures(s);
	ts_syslog_close(s);
	printf("%ld\n", (long)getpid());
	if (rc || failures) {
		fprintf(stderr, "syslog_emit: %llu messages not delivered\n", failures);
		return 1;
	}
	return 0;
}
