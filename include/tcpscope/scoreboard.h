/* \summary: per-direction record of the sequence ranges already seen */
#ifndef TCPSCOPE_SCOREBOARD_H
#define TCPSCOPE_SCOREBOARD_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A bounded, sorted list of seen sequence intervals [lo, hi). Normally it
 * holds one interval (everything since the ISN) stored inline, in the space
 * the heap pointer would take; a hole opens when the capture misses a
 * segment and closes when the segment (or its retransmission) shows up. Only
 * a flow with a hole moves the list to the heap, once, up to TS_SB_MAX
 * intervals.
 */
#define TS_SB_INLINE 1
#define TS_SB_MAX 64

struct ts_sb_range {
	uint32_t lo, hi;
	int64_t opened_ns; /* when the hole before this interval opened */
};

struct ts_scoreboard {
	union {
		struct ts_sb_range *heap;            /* when cap != 0 */
		struct ts_sb_range in[TS_SB_INLINE]; /* when cap == 0 */
	};
	uint8_t n, cap;                     /* cap 0: the inline slots */
	bool alloc_failed;
};

enum ts_sb_result {
	TS_SB_NEW,      /* beyond everything seen */
	TS_SB_OVERLAP,  /* carries bytes already seen: a retransmission */
	TS_SB_FILL,     /* lies entirely in a hole: late original or unseen retransmission */
};

/* Record [seq, seq+len); len > 0. *hole_age_ns is set for TS_SB_FILL. */
enum ts_sb_result ts_scoreboard_add(struct ts_scoreboard *sb, uint32_t seq, uint32_t len,
                                    int64_t now_ns, int64_t *hole_age_ns);

/* The peer acknowledged everything below ack: holes below it are closed.
 * Returns the bytes of the holes it closed: acknowledged, never seen. */
uint64_t ts_scoreboard_ack(struct ts_scoreboard *sb, uint32_t ack);

/* Forget everything (a new ISN). Keeps no memory. */
void ts_scoreboard_reset(struct ts_scoreboard *sb);

static inline struct ts_sb_range *ts_scoreboard_ranges(struct ts_scoreboard *sb)
{
	return sb->cap ? sb->heap : sb->in;
}

/* Highest sequence number seen + 1; only meaningful when n > 0. */
static inline uint32_t ts_scoreboard_max(struct ts_scoreboard *sb)
{
	return ts_scoreboard_ranges(sb)[sb->n - 1].hi;
}

#endif
