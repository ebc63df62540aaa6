/* \summary: seen-range scoreboard: classifies a segment as new, overlapping or hole-filling */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/scoreboard.h"
#include "tcpscope/seq.h"

static unsigned sb_cap(const struct ts_scoreboard *sb)
{
	return sb->cap ? sb->cap : TS_SB_INLINE;
}

static void sb_remove(struct ts_scoreboard *sb, unsigned i)
{
	struct ts_sb_range *r = ts_scoreboard_ranges(sb);
	memmove(&r[i], &r[i + 1], (sb->n - i - 1) * sizeof(*r));
	sb->n--;
}

/* Merge neighbours that touch or overlap; the list stays sorted. */
static void sb_coalesce(struct ts_scoreboard *sb)
{
	struct ts_sb_range *r = ts_scoreboard_ranges(sb);
	unsigned i = 0;

	while (i + 1 < sb->n) {
		if (TS_SEQ_GEQ(r[i].hi, r[i + 1].lo)) {
			r[i].hi = TS_SEQ_MAX(r[i].hi, r[i + 1].hi);
			r[i].lo = TS_SEQ_MIN(r[i].lo, r[i + 1].lo);
			sb_remove(sb, i + 1);
		} else {
			i++;
		}
	}
}

/* Room for one more interval: grow to the heap once, else forget the oldest
 * hole. False when there is no room even so: a single inline interval. */
static bool sb_make_room(struct ts_scoreboard *sb, unsigned *at)
{
	if (sb->n < sb_cap(sb))
		return true;
	if (!sb->cap && !sb->alloc_failed) {
		struct ts_sb_range *h = malloc(TS_SB_MAX * sizeof(*h));
		if (h) {
			memcpy(h, sb->in, sb->n * sizeof(*h));
			sb->heap = h;
			sb->cap = TS_SB_MAX;
			return true;
		}
		sb->alloc_failed = true;
	}
	if (sb->n < 2)
		return false;
	/* Bytes later sent into a forgotten hole count as seen. */
	struct ts_sb_range *r = ts_scoreboard_ranges(sb);
	r[0].hi = r[1].hi;
	sb_remove(sb, 1);
	*at = *at > 0 ? *at - 1 : 0;
	return true;
}

static void sb_insert(struct ts_scoreboard *sb, unsigned at, uint32_t lo, uint32_t hi, int64_t opened)
{
	struct ts_sb_range *r;

	if (!sb_make_room(sb, &at)) {
		/* Out of memory with one interval: the hole between it and the
		 * new one is forgotten, both count as one seen range. */
		r = ts_scoreboard_ranges(sb);
		r[0].lo = TS_SEQ_MIN(r[0].lo, lo);
		r[0].hi = TS_SEQ_MAX(r[0].hi, hi);
		return;
	}
	r = ts_scoreboard_ranges(sb);
	memmove(&r[at + 1], &r[at], (sb->n - at) * sizeof(*r));
	r[at] = (struct ts_sb_range){ lo, hi, opened };
	sb->n++;
}

enum ts_sb_result ts_scoreboard_add(struct ts_scoreboard *sb, uint32_t seq, uint32_t len,
                                    int64_t now_ns, int64_t *hole_age_ns)
{
	uint32_t end = seq + len;
	struct ts_sb_range *r = ts_scoreboard_ranges(sb);

	if (sb->n == 0) {
		r[0] = (struct ts_sb_range){ seq, end, now_ns };
		sb->n = 1;
		return TS_SB_NEW;
	}
	uint32_t top = r[sb->n - 1].hi;
	if (seq == top) { /* the common case: in-order new data */
		r[sb->n - 1].hi = end;
		return TS_SB_NEW;
	}
	if (TS_SEQ_GT(seq, top)) {
		sb_insert(sb, sb->n, seq, end, now_ns);
		return TS_SB_NEW;
	}
	/* Below the top: either it overlaps seen bytes or it lies in a hole. */
	unsigned at = 0;
	while (at < sb->n && TS_SEQ_GEQ(seq, r[at].hi))
		at++;
	if (at < sb->n && TS_SEQ_GT(end, r[at].lo)) {
		if (TS_SEQ_LT(seq, r[at].lo))
			r[at].lo = seq;
		if (TS_SEQ_GT(end, r[at].hi))
			r[at].hi = end;
		sb_coalesce(sb);
		return TS_SB_OVERLAP;
	}
	/* Entirely in the hole before interval at (or before the first one). */
	int64_t opened = at == 0 ? now_ns : r[at].opened_ns;
	*hole_age_ns = at == 0 ? INT64_MAX : now_ns - opened;
	sb_insert(sb, at, seq, end, opened);
	sb_coalesce(sb);
	return TS_SB_FILL;
}

uint64_t ts_scoreboard_ack(struct ts_scoreboard *sb, uint32_t ack)
{
	struct ts_sb_range *r = ts_scoreboard_ranges(sb);
	uint64_t closed = 0;

	/* A hole the receiver has acknowledged past was filled out of our sight. */
	while (sb->n > 1 && TS_SEQ_LEQ(r[1].lo, ack)) {
		if (TS_SEQ_GT(r[1].lo, r[0].hi))
			closed += r[1].lo - r[0].hi;
		r[0].hi = TS_SEQ_MAX(r[0].hi, r[1].hi);
		sb_remove(sb, 1);
	}
	return closed;
}

void ts_scoreboard_reset(struct ts_scoreboard *sb)
{
	if (sb->cap)
		free(sb->heap);
	memset(sb, 0, sizeof(*sb));
}
