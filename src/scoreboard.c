/* \summary: seen-range scoreboard: classifies a segment as new, overlapping or hole-filling */
#include <stdint.h>
#include <string.h>

#include "tcpscope/scoreboard.h"
#include "tcpscope/seq.h"

static void sb_remove(struct ts_scoreboard *sb, unsigned i)
{
	for (unsigned j = i; j + 1 < sb->n; j++) {
		sb->lo[j] = sb->lo[j + 1];
		sb->hi[j] = sb->hi[j + 1];
		sb->hole_opened_ns[j] = sb->hole_opened_ns[j + 1];
	}
	sb->n--;
}

/* Merge neighbours that touch or overlap; the list stays sorted. */
static void sb_coalesce(struct ts_scoreboard *sb)
{
	unsigned i = 0;
	while (i + 1 < sb->n) {
		if (TS_SEQ_GEQ(sb->hi[i], sb->lo[i + 1])) {
			sb->hi[i] = TS_SEQ_MAX(sb->hi[i], sb->hi[i + 1]);
			sb->lo[i] = TS_SEQ_MIN(sb->lo[i], sb->lo[i + 1]);
			sb_remove(sb, i + 1);
		} else {
			i++;
		}
	}
}

static void sb_insert(struct ts_scoreboard *sb, unsigned at, uint32_t lo, uint32_t hi, int64_t opened)
{
	if (sb->n == TS_SB_MAX) {
		/* Full: forget the oldest hole. Bytes later sent into it count as seen. */
		sb->hi[0] = sb->hi[1];
		sb_remove(sb, 1);
		if (at > 0)
			at--;
	}
	for (unsigned j = sb->n; j > at; j--) {
		sb->lo[j] = sb->lo[j - 1];
		sb->hi[j] = sb->hi[j - 1];
		sb->hole_opened_ns[j] = sb->hole_opened_ns[j - 1];
	}
	sb->lo[at] = lo;
	sb->hi[at] = hi;
	sb->hole_opened_ns[at] = opened;
	sb->n++;
}

enum ts_sb_result ts_scoreboard_add(struct ts_scoreboard *sb, uint32_t seq, uint32_t len,
                                    int64_t now_ns, int64_t *hole_age_ns)
{
	uint32_t end = seq + len;

	if (sb->n == 0) {
		sb->lo[0] = seq;
		sb->hi[0] = end;
		sb->hole_opened_ns[0] = now_ns;
		sb->n = 1;
		return TS_SB_NEW;
	}
	uint32_t top = sb->hi[sb->n - 1];
	if (seq == top) { /* the common case: in-order new data */
		sb->hi[sb->n - 1] = end;
		return TS_SB_NEW;
	}
	if (TS_SEQ_GT(seq, top)) {
		sb_insert(sb, sb->n, seq, end, now_ns);
		return TS_SB_NEW;
	}
	/* Below the top: either it overlaps seen bytes or it lies in a hole. */
	unsigned at = 0;
	while (at < sb->n && TS_SEQ_GEQ(seq, sb->hi[at]))
		at++;
	/* Now seq < hi[at]: it overlaps interval at when end > lo[at]. */
	if (at < sb->n && TS_SEQ_GT(end, sb->lo[at]) && TS_SEQ_LT(seq, sb->hi[at])) {
		if (TS_SEQ_LT(seq, sb->lo[at]))
			sb->lo[at] = seq;
		if (TS_SEQ_GT(end, sb->hi[at]))
			sb->hi[at] = end;
		sb_coalesce(sb);
		return TS_SB_OVERLAP;
	}
	/* Entirely in the hole before interval at (or before the first one). */
	*hole_age_ns = at == 0 ? INT64_MAX : now_ns - sb->hole_opened_ns[at];
	sb_insert(sb, at, seq, end, at == 0 ? now_ns : sb->hole_opened_ns[at]);
	sb_coalesce(sb);
	return TS_SB_FILL;
}

void ts_scoreboard_ack(struct ts_scoreboard *sb, uint32_t ack)
{
	/* A hole the receiver has acknowledged past was filled out of our sight. */
	while (sb->n > 1 && TS_SEQ_LEQ(sb->lo[1], ack)) {
		sb->hi[0] = TS_SEQ_MAX(sb->hi[0], sb->hi[1]);
		sb_remove(sb, 1);
	}
}
