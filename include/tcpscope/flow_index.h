/* \summary: open-addressing index from flow key hash to live flow */
#ifndef TCPSCOPE_FLOW_INDEX_H
#define TCPSCOPE_FLOW_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct ts_flow;
struct ts_flow_key;

/*
 * Linear probing over (hash, flow) pairs, at most half full. A lookup reads
 * one slot, usually in one cache line, and touches a flow only when the full
 * 64-bit hash matches: a new connection costs one miss, a known one two.
 * Removal shifts the following entries back, so there are no tombstones.
 */
struct ts_flow_slot {
	uint64_t hash;
	struct ts_flow *flow;        /* NULL: empty */
};

struct ts_flow_index {
	struct ts_flow_slot *slots;
	size_t mask;                 /* slots - 1, a power of two minus one */
	size_t count;
	size_t bytes;                /* allocated for slots */
};

void ts_flow_index_init(struct ts_flow_index *x);
void ts_flow_index_free(struct ts_flow_index *x);

/* The first slot a hash probes, or NULL for an empty index: for prefetching. */
static inline const struct ts_flow_slot *ts_flow_index_home(const struct ts_flow_index *x, uint64_t hash)
{
	return x->slots ? &x->slots[hash & x->mask] : NULL;
}

/* The flow with key k (added with hash), or NULL. */
struct ts_flow *ts_flow_index_find(const struct ts_flow_index *x, uint64_t hash, const struct ts_flow_key *k);

/* Returns 0, or -1 when growing ran out of memory (f is not added). */
int ts_flow_index_add(struct ts_flow_index *x, uint64_t hash, struct ts_flow *f);

/* Take f, added with hash, out. */
void ts_flow_index_remove(struct ts_flow_index *x, uint64_t hash, const struct ts_flow *f);

#endif
