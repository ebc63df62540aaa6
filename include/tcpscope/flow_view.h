/* \summary: every flow of a table, live and finished, in id order */
#ifndef TCPSCOPE_FLOW_VIEW_H
#define TCPSCOPE_FLOW_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/flow_archive.h"
#include "tcpscope/flow_table.h"

/* One flow: still in the table (live) or packed in the archive (ref). */
struct ts_flow_view_entry {
	struct ts_flow *live;
	struct ts_archive_ref *ref;
};

struct ts_flow_view;
/* Flow i's digest (its end states and findings): from the packed record
 * without unpacking it, or from the live flow. */
void ts_flow_view_digest(const struct ts_flow_view *v, size_t i, struct ts_flow_digest *d);

/* Flow i's brief (its key, roles, first packet and handshake): from the
 * packed record without unpacking it, or from the live flow. */
void ts_flow_view_brief(const struct ts_flow_view *v, size_t i, struct ts_flow_brief *b);

/* The marks flow i was retired with; 0 for a flow still live. */
static inline uint8_t ts_flow_view_marks(const struct ts_flow_view_entry *e)
{
	return e->live ? 0 : ts_flow_archive_marks(e->ref);
}

/*
 * Finished flows are unpacked one at a time into a scratch record: the
 * pointer ts_flow_view_get returns for one is good until the next call that
 * unpacks another. Live flows come back as themselves.
 */
struct ts_flow_view {
	struct ts_flow_view_entry *v;
	size_t n;
	struct ts_flow_unpacked *scratch;
	struct ts_flow_finding *finding; /* what ts_flow_view_finding returns */
	size_t unpacked;             /* index held in scratch, or SIZE_MAX */
	size_t last;                 /* index asked for last, to see readers go in order */
	bool borrowed;               /* v belongs to another view (a reader's view) */
	/* The table as it was when the view was built: see ts_flow_view_current. */
	size_t table_live, table_first, table_done;
	uint64_t table_next_id;
};

/* Returns 0, or -1 when memory ran out (v is then empty). */
int ts_flow_view_build(struct ts_flow_view *v, struct ts_flow_table *t);
void ts_flow_view_free(struct ts_flow_view *v);

/* v still lists t's flows as they are: none was added, retired or dropped
 * since it was built (ids are not checked: renumber before building). */
bool ts_flow_view_current(const struct ts_flow_view *v, const struct ts_flow_table *t);

/* A second reader of v's flows, with its own scratch record, for another
 * thread: v must outlive it and stay unchanged meanwhile. Free it with
 * ts_flow_view_free (v's flows stay). Returns 0, or -1 when memory ran out. */
int ts_flow_view_reader(struct ts_flow_view *r, const struct ts_flow_view *v);

const struct ts_flow *ts_flow_view_get(struct ts_flow_view *v, size_t i);

/* A finished flow as far as a record of one of its findings names it, and
 * that finding. */
struct ts_flow_finding {
	struct ts_flow flow;         /* the id, key and roles; every other field 0 */
	struct ts_anomaly an;
};

/*
 * Flow i and its finding k (k below the count its digest gives), without
 * unpacking a finished flow: the flow returned holds only the id, key and
 * roles then (a live flow comes back whole). Good until the next call of
 * this function.
 */
const struct ts_flow *ts_flow_view_finding(struct ts_flow_view *v, size_t i, unsigned k,
                                           const struct ts_anomaly **an);

/* A hint that flow i is wanted soon: its ref (first), or its record (the ref
 * must be cached by then). ts_flow_view_get does it on its own for readers
 * that go in order. */
void ts_flow_view_prefetch(const struct ts_flow_view *v, size_t i, bool ref_only);

/* The flow at i when it is still in the table, else NULL. */
static inline struct ts_flow *ts_flow_view_live(const struct ts_flow_view *v, size_t i)
{
	return v->v[i].live;
}

/* A copy of the flow at i that stays valid on its own, with its findings and
 * rare figures; free() releases it. NULL when memory ran out. */
struct ts_flow *ts_flow_view_copy(struct ts_flow_view *v, size_t i);

uint64_t ts_flow_view_id(const struct ts_flow_view *v, size_t i);
void ts_flow_view_set_id(struct ts_flow_view *v, size_t i, uint64_t id);

#endif
