/* \summary: per-direction record of the sequence ranges already seen */
#ifndef TCPSCOPE_SCOREBOARD_H
#define TCPSCOPE_SCOREBOARD_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A bounded list of seen sequence intervals [lo, hi). Normally it holds one
 * interval (everything since the ISN); a hole opens when the capture misses a
 * segment, and closes when the segment (or its retransmission) shows up.
 */
#define TS_SB_MAX 4

struct ts_scoreboard {
	uint32_t lo[TS_SB_MAX], hi[TS_SB_MAX];
	int64_t hole_opened_ns[TS_SB_MAX]; /* [i]: when the hole before interval i opened */
	uint8_t n;
};

enum ts_sb_result {
	TS_SB_NEW,      /* beyond everything seen */
	TS_SB_OVERLAP,  /* carries bytes already seen: a retransmission */
	TS_SB_FILL,     /* lies entirely in a hole: late original or unseen retransmission */
};

/* Record [seq, seq+len); len > 0. *hole_age_ns is set for TS_SB_FILL. */
enum ts_sb_result ts_scoreboard_add(struct ts_scoreboard *sb, uint32_t seq, uint32_t len,
                                    int64_t now_ns, int64_t *hole_age_ns);

/* The peer acknowledged everything below ack: holes below it are closed. */
void ts_scoreboard_ack(struct ts_scoreboard *sb, uint32_t ack);

/* Highest sequence number seen + 1; only meaningful when n > 0. */
static inline uint32_t ts_scoreboard_max(const struct ts_scoreboard *sb) { return sb->hi[sb->n - 1]; }

#endif
