/* \summary: IP reassembly counters: sums for sharded runs, names for the reports */
#include <stddef.h>
#include <string.h>

#include "tcpscope/ip_reassembly_stats.h"

void ts_reasm_stats_add(struct ts_reasm_stats *dst, const struct ts_reasm_stats *src)
{
	dst->fragments += src->fragments;
	dst->datagrams += src->datagrams;
	dst->timeouts += src->timeouts;
	dst->evicted += src->evicted;
	dst->incomplete += src->incomplete;
	dst->overlaps += src->overlaps;
	dst->overlap_mismatch += src->overlap_mismatch;
	dst->too_large += src->too_large;
	dst->invalid += src->invalid;
}

bool ts_reasm_stats_any(const struct ts_reasm_stats *st)
{
	return st->fragments || st->datagrams || st->timeouts || st->evicted || st->incomplete ||
	       st->overlaps || st->overlap_mismatch || st->too_large || st->invalid;
}

static const struct {
	const char *key, *text;
	size_t off;
} ts_reasm_stat_names[] = {
	{ "reassembled", "reassembled", offsetof(struct ts_reasm_stats, datagrams) },
	{ "timed_out", "timed out", offsetof(struct ts_reasm_stats, timeouts) },
	{ "evicted", "evicted by the caps", offsetof(struct ts_reasm_stats, evicted) },
	{ "incomplete", "incomplete at the end", offsetof(struct ts_reasm_stats, incomplete) },
	{ "overlap", "overlapping", offsetof(struct ts_reasm_stats, overlaps) },
	{ "overlap_mismatch", "overlapping with different data", offsetof(struct ts_reasm_stats, overlap_mismatch) },
	{ "too_large", "too large", offsetof(struct ts_reasm_stats, too_large) },
	{ "invalid", "invalid", offsetof(struct ts_reasm_stats, invalid) },
};

bool ts_reasm_stat(const struct ts_reasm_stats *st, unsigned i, const char **key, const char **text,
                   uint64_t *value)
{
	if (i >= sizeof(ts_reasm_stat_names) / sizeof(ts_reasm_stat_names[0]))
		return false;
	*key = ts_reasm_stat_names[i].key;
	*text = ts_reasm_stat_names[i].text;
	memcpy(value, (const char *)st + ts_reasm_stat_names[i].off, sizeof(*value));
	return true;
}
