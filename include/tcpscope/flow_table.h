/* \summary: the flow table: one entry per live connection, seeded hash, capped */
#ifndef TCPSCOPE_FLOW_TABLE_H
#define TCPSCOPE_FLOW_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "tcpscope/block_alloc.h"
#include "tcpscope/flow.h"
#include "tcpscope/flow_archive.h"
#include "tcpscope/flow_index.h"

enum ts_flow_list { TS_LIST_OPEN = 0, TS_LIST_CLOSED = 1, TS_LIST_DEAD = 2, TS_FLOW_LISTS = 3 };

struct ts_flow_table {
	struct ts_flow_index index;    /* connections still tracked, by key hash */
	struct ts_flow *all_head, *all_tail; /* the same in first-seen order: walk with all_next */
	struct ts_flow_archive done;   /* retired flows kept for the report, packed */
	struct ts_slab slab;           /* where live flow records are allocated */
	struct ts_slab one_anomaly;    /* the findings of flows that have one (most that have any) */
	/* Live flows in three lists, least recently active first: open ones,
	 * closing ones (an end in TIME_WAIT or CLOSED), and dead ones (both ends
	 * CLOSED), which are retired first. */
	struct ts_flow *lru_head[TS_FLOW_LISTS], *lru_tail[TS_FLOW_LISTS];
	uint64_t seed;
	uint64_t next_id;              /* above every id in the table */
	size_t live, max_flows;        /* max_flows 0 = unlimited */
	size_t max_retired;            /* finished flows kept for the report, 0 = all */
	uint64_t evicted_closed;       /* closed flows retired to make room */
	uint64_t evicted_open;         /* open flows retired because the cap was reached */
	uint64_t evicted_idle;         /* flows retired by their idle timeout */
	uint64_t port_reuse;
	uint64_t unlisted;             /* finished flows dropped to keep memory bounded */
};

void ts_flow_table_init(struct ts_flow_table *t, size_t max_flows, uint64_t seed);
void ts_flow_table_free(struct ts_flow_table *t);

uint64_t ts_flow_key_hash(const struct ts_flow_key *k, uint64_t seed);

/* hash: ts_flow_key_hash(k, t->seed). */
struct ts_flow *ts_flow_table_find(struct ts_flow_table *t, const struct ts_flow_key *k, uint64_t hash);

/* The flow to retire when the cap is reached: closed flows first, then the
 * least recently active. NULL when the cap is not reached. Counts it. */
struct ts_flow *ts_flow_table_victim(struct ts_flow_table *t);

/* Create an entry. Returns NULL on allocation failure. */
struct ts_flow *ts_flow_table_add(struct ts_flow_table *t, const struct ts_flow_key *k, uint64_t hash);

/* Room for one more finding in f's list (cap_anomalies grows: 1, 2, 4 ...;
 * the caller keeps it at TS_FLOW_MAX_ANOMALIES at most). A first finding
 * takes a slot of the table's, not a heap block. Returns 0, or -1 when
 * memory ran out (the list is unchanged). */
int ts_flow_table_grow_anomalies(struct ts_flow_table *t, struct ts_flow *f);

/* A packet touched f: move it to the recent end of its list. */
void ts_flow_table_touch(struct ts_flow_table *t, struct ts_flow *f, enum ts_flow_list list);

/* Take a flow out of the index, pack it into the archive for the report and
 * free it: f is gone when this returns. With a cap, at most max_retired
 * packed flows are kept: older ones are dropped and counted in unlisted. */
void ts_flow_table_retire(struct ts_flow_table *t, struct ts_flow *f);
/* The same, keeping marks (TS_ARCHIVE_MARKS) beside its packed record. */
void ts_flow_table_retire_marked(struct ts_flow_table *t, struct ts_flow *f, uint8_t marks);

/* The end of a sharded run: dst takes over every flow of src, live and
 * packed, with their memory and counts, and src is left empty. The live
 * ones are not in dst's index: the table is read, not fed, from then on.
 * Returns -1 when memory ran out: src's packed flows are then dropped and
 * counted in dst's unlisted, the rest moves all the same. */
int ts_flow_table_adopt(struct ts_flow_table *dst, struct ts_flow_table *src);

/* Finished flows packed for the report, and all flows. */
static inline size_t ts_flow_table_retired(const struct ts_flow_table *t) { return t->done.count; }
static inline size_t ts_flow_table_count(const struct ts_flow_table *t) { return t->live + t->done.count; }

#endif
