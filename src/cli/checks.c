/* \summary: check mode: --fail-on, --expect and --forbid against the findings */
#include <stdio.h>

#include "checks.h"

bool ts_checks_evaluate(const struct ts_cli *cli, const struct ts_report_input *in, FILE *err)
{
	const uint64_t *counts = in->an->anomaly_counts;
	bool failed = false;

	if (cli->fail_on >= 0) {
		for (size_t i = 0; i < in->n_anomalies; i++) {
			if (in->anomalies[i].severity <= cli->fail_on) {
				fprintf(err, "tcpscope: check failed: %s (%s) at or above %s\n",
				        ts_anomaly_info(in->anomalies[i].code)->code,
				        ts_severity_name(in->anomalies[i].severity),
				        ts_severity_name((enum ts_severity)cli->fail_on));
				failed = true;
				break;
			}
		}
	}
	for (size_t i = 0; i < cli->n_checks; i++) {
		const struct ts_expectation *e = &cli->checks[i];
		const char *code = ts_anomaly_info((enum ts_anomaly_code)e->code)->code;
		uint64_t n = counts[e->code];
		if (e->forbid && n) {
			fprintf(err, "tcpscope: check failed: %s found %llu times, forbidden\n", code,
			        (unsigned long long)n);
			failed = true;
		} else if (!e->forbid && e->count < 0 && !n) {
			fprintf(err, "tcpscope: check failed: %s expected, not found\n", code);
			failed = true;
		} else if (!e->forbid && e->count >= 0 && n != (uint64_t)e->count) {
			fprintf(err, "tcpscope: check failed: %s expected %ld times, found %llu\n", code, e->count,
			        (unsigned long long)n);
			failed = true;
		}
	}
	return failed;
}
