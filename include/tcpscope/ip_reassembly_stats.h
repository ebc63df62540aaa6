/* \summary: IP reassembly counters: sums for sharded runs, names for the reports */
#ifndef TCPSCOPE_IP_REASSEMBLY_STATS_H
#define TCPSCOPE_IP_REASSEMBLY_STATS_H

#include <stdbool.h>
#include <stdint.h>

struct ts_reasm_stats {
	uint64_t fragments;       /* fragments of TCP datagrams taken in */
	uint64_t datagrams;       /* reassembled and analysed as one segment */
	uint64_t timeouts;        /* incomplete, dropped after the timeout */
	uint64_t evicted;         /* incomplete, dropped for the memory caps */
	uint64_t incomplete;      /* still incomplete at the end of the capture */
	uint64_t overlaps;        /* fragments overlapping bytes already held */
	uint64_t overlap_mismatch;/* ... with different bytes in the overlap */
	uint64_t too_large;       /* datagrams that would exceed TS_REASM_MAX_LEN */
	uint64_t invalid;         /* contradicting fragments (ends, sizes, count) */
};

/* dst += src, for the merge of sharded runs. */
void ts_reasm_stats_add(struct ts_reasm_stats *dst, const struct ts_reasm_stats *src);
/* Whether any counter is nonzero (the summaries show them only then). */
bool ts_reasm_stats_any(const struct ts_reasm_stats *st);

/* The counters after fragments, by index from 0 while it returns true:
 * the JSON key ("reassembled"), words for the text ("reassembled"), value. */
bool ts_reasm_stat(const struct ts_reasm_stats *st, unsigned i, const char **key, const char **text,
                   uint64_t *value);

#endif
