/* \summary: --explain: the rule and the numbers behind each classified segment of one flow */
#ifndef TCPSCOPE_EXPLAIN_H
#define TCPSCOPE_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>

#include "tcpscope/analyzer.h"

struct ts_explain {
	uint64_t flow_id;
	FILE *out;
	uint64_t lines;
	ts_segment_fn next;   /* an observer installed before, called first */
	void *next_ctx;
};

/* Print, for flow flow_id, every segment the classifier set apart
 * (retransmissions, out-of-order, duplicates, probes) with its evidence.
 * Chains to an observer already in cfg. */
void ts_explain_install(struct ts_explain *e, struct ts_analyzer_config *cfg, uint64_t flow_id, FILE *out);

/* Format one event (exposed for tests). Returns the characters written. */
int ts_explain_format(const struct ts_segment_event *ev, char *buf, size_t len);

#endif
