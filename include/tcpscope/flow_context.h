/* \summary: outer contexts (VLAN ids, VNIs, GRE keys) interned as small ids for the flow key */
#ifndef TCPSCOPE_FLOW_CONTEXT_H
#define TCPSCOPE_FLOW_CONTEXT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/dissect.h"

#define TS_CTX_ID_MAX 0xffffffu /* ids fit the key's 24 bits; 0 is "no context" */

struct ts_ctx_entry {
	uint8_t len;
	uint8_t bytes[TS_CTX_MAX];
};

/*
 * The contexts seen so far, by id - 1, with an open-addressed index over
 * their bytes. Sharded runs share one table between their workers, so every
 * call takes the lock; only packets that have a context come here.
 */
struct ts_ctx_table {
	struct ts_ctx_entry *entries;
	uint32_t n, cap;
	uint32_t *slots;             /* id, or 0 for an empty slot */
	size_t n_slots;              /* a power of two, at least twice n */
	uint64_t failures;           /* contexts not interned: no memory, or ids ran out */
	pthread_mutex_t lock;
};

void ts_ctx_table_init(struct ts_ctx_table *t);
void ts_ctx_table_free(struct ts_ctx_table *t);

/* The id of these context bytes, added when new; 0 when it cannot be added
 * (counted in failures: the flow is then keyed without its context). */
uint32_t ts_ctx_intern(struct ts_ctx_table *t, const uint8_t *bytes, size_t len);

/* A copy of the context with this id; false for 0 or an unknown id. */
bool ts_ctx_get(struct ts_ctx_table *t, uint32_t id, struct ts_ctx_entry *out);

/* The same without the lock, for reporters: only once no thread interns. */
const struct ts_ctx_entry *ts_ctx_peek(const struct ts_ctx_table *t, uint32_t id);

/*
 * Visit the (kind, value) records of a context, outermost first. Returns
 * false on bytes no dissector wrote (unknown kind, short value).
 */
typedef void (*ts_ctx_visit_fn)(void *arg, enum ts_ctx_kind kind, uint32_t value);
bool ts_ctx_walk(const struct ts_ctx_entry *e, ts_ctx_visit_fn fn, void *arg);

/* "vlan", "vni" (VXLAN), "geneve_vni", "gre_key": the word a report prints. */
const char *ts_ctx_kind_name(enum ts_ctx_kind kind);

/* "vlan 10 vni 5001": the records as text; returns the length written. */
size_t ts_ctx_format(const struct ts_ctx_entry *e, char *buf, size_t len);

#endif
