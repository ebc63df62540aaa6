/* \summary: every flow of a table, live and finished, in id order */
#include <stdlib.h>
#include <string.h>

#include "tcpscope/flow_view.h"
#include "tcpscope/prefetch.h"

static uint64_t entry_id(const struct ts_flow_view_entry *e)
{
	if (e->live)
		return e->live->id;
	return e->ref ? e->ref->id : 0;
}

uint64_t ts_flow_view_id(const struct ts_flow_view *v, size_t i)
{
	return entry_id(&v->v[i]);
}

void ts_flow_view_set_id(struct ts_flow_view *v, size_t i, uint64_t id)
{
	if (v->v[i].live)
		v->v[i].live->id = id;
	else
		v->v[i].ref->id = id;
	if (v->unpacked == i)
		v->unpacked = SIZE_MAX;
}

static int by_id(const void *a, const void *b)
{
	uint64_t ix = entry_id(a), iy = entry_id(b);
	return ix < iy ? -1 : ix > iy;
}

/* Ids below `issued` (next_id - 1): place each flow at its id, no
 * comparisons (a million flows in one pass). Ids are dense in a one-table
 * run; in a sharded one they are packet numbers, and placing them is worth
 * it while there are not many more packets than flows. Returns false
 * otherwise: sort then. */
static bool place_densely(struct ts_flow_view *v, uint64_t issued)
{
	if (issued < v->n || issued > 4 * (uint64_t)v->n + 1024)
		return false;
	struct ts_flow_view_entry *slot = calloc(issued ? issued : 1, sizeof(*slot));
	if (!slot)
		return false;
	for (size_t i = 0; i < v->n; i++) {
		uint64_t id = ts_flow_view_id(v, i);
		if (id < 1 || id > issued || slot[id - 1].live || slot[id - 1].ref) {
			free(slot);
			return false;
		}
		slot[id - 1] = v->v[i];
	}
	size_t k = 0;
	for (uint64_t i = 0; i < issued; i++)
		if (slot[i].live || slot[i].ref)
			v->v[k++] = slot[i];
	free(slot);
	return true;
}

int ts_flow_view_build(struct ts_flow_view *v, struct ts_flow_table *t)
{
	size_t n = t->live + t->done.count;

	memset(v, 0, sizeof(*v));
	v->unpacked = v->last = SIZE_MAX;
	v->v = calloc(n ? n : 1, sizeof(*v->v));
	v->scratch = malloc(sizeof(*v->scratch));
	v->finding = calloc(1, sizeof(*v->finding));
	if (!v->v || !v->scratch || !v->finding) {
		ts_flow_view_free(v);
		return -1;
	}
	for (size_t i = 0; i < t->done.count; i++)
		v->v[v->n++] = (struct ts_flow_view_entry){ NULL, ts_flow_archive_ref(&t->done, i) };
	for (struct ts_flow *f = t->all_head; f && v->n < n; f = f->all_next)
		v->v[v->n++] = (struct ts_flow_view_entry){ f, NULL };
	if (!place_densely(v, t->next_id ? t->next_id - 1 : 0))
		qsort(v->v, v->n, sizeof(*v->v), by_id);
	v->table_live = t->live;
	v->table_first = t->done.first;
	v->table_done = t->done.count;
	v->table_next_id = t->next_id;
	return 0;
}

bool ts_flow_view_current(const struct ts_flow_view *v, const struct ts_flow_table *t)
{
	return v->v && !v->borrowed && v->table_live == t->live && v->table_first == t->done.first &&
	       v->table_done == t->done.count && v->table_next_id == t->next_id &&
	       v->n == t->live + t->done.count;
}

int ts_flow_view_reader(struct ts_flow_view *r, const struct ts_flow_view *v)
{
	memset(r, 0, sizeof(*r));
	r->unpacked = r->last = SIZE_MAX;
	r->scratch = malloc(sizeof(*r->scratch));
	r->finding = calloc(1, sizeof(*r->finding));
	if (!r->scratch || !r->finding) {
		free(r->scratch);
		free(r->finding);
		r->scratch = NULL;
		r->finding = NULL;
		return -1;
	}
	r->v = v->v;
	r->n = v->n;
	r->borrowed = true;
	return 0;
}

void ts_flow_view_free(struct ts_flow_view *v)
{
	if (!v->borrowed)
		free(v->v);
	free(v->scratch);
	free(v->finding);
	memset(v, 0, sizeof(*v));
	v->unpacked = v->last = SIZE_MAX;
}

/* Readers go through the view in order, or nearly: ask for the records a few
 * places ahead now, so that they are in the cache when their turn comes
 * (each is a miss otherwise: the archive is in retire order, not id order). */
#define TS_VIEW_AHEAD 8

void ts_flow_view_prefetch(const struct ts_flow_view *v, size_t i, bool ref_only)
{
	if (i >= v->n || v->v[i].live)
		return;
	if (ref_only) {
		__builtin_prefetch(v->v[i].ref);
		return;
	}
	ts_prefetch_lines(v->v[i].ref->rec, 2 * TS_CACHE_LINE); /* most records are shorter */
}

void ts_flow_view_digest(const struct ts_flow_view *v, size_t i, struct ts_flow_digest *d)
{
	const struct ts_flow *f = v->v[i].live;

	ts_flow_view_prefetch(v, i + TS_VIEW_AHEAD, false);
	if (!f) {
		ts_flow_archive_digest(v->v[i].ref, d);
		return;
	}
	d->cli_state = f->cli.state;
	d->srv_state = f->srv.state;
	d->first = f->first;
	d->n_anomalies = f->n_anomalies < TS_FLOW_MAX_ANOMALIES ? f->n_anomalies : TS_FLOW_MAX_ANOMALIES;
	for (unsigned k = 0; k < d->n_anomalies; k++) {
		d->an[k].ts = f->anomalies[k].ts;
		d->an[k].code = f->anomalies[k].code;
		d->an[k].severity = f->anomalies[k].severity;
	}
}

void ts_flow_view_brief(const struct ts_flow_view *v, size_t i, struct ts_flow_brief *b)
{
	ts_flow_view_prefetch(v, i + TS_VIEW_AHEAD, false);
	if (v->v[i].live)
		ts_flow_brief_of(v->v[i].live, b);
	else
		ts_flow_archive_brief(v->v[i].ref, b);
}

const struct ts_flow *ts_flow_view_get(struct ts_flow_view *v, size_t i)
{
	if (i == v->last + 1) {
		ts_flow_view_prefetch(v, i + 2 * TS_VIEW_AHEAD, true);
		ts_flow_view_prefetch(v, i + TS_VIEW_AHEAD, false);
	}
	v->last = i;
	if (v->v[i].live)
		return v->v[i].live;
	if (v->unpacked != i) {
		ts_flow_archive_unpack(v->v[i].ref, v->scratch);
		v->unpacked = i;
	}
	return &v->scratch->flow;
}

const struct ts_flow *ts_flow_view_finding(struct ts_flow_view *v, size_t i, unsigned k,
                                           const struct ts_anomaly **an)
{
	const struct ts_flow *live = v->v[i].live;

	if (live) {
		*an = &live->anomalies[k];
		return live;
	}
	/* Only the fields set here are ever set: the rest stays as calloc left it. */
	struct ts_flow_finding *ff = v->finding;
	struct ts_flow_brief b;
	ts_flow_archive_finding(v->v[i].ref, k, &b, &ff->an);
	ff->flow.key = b.key;
	ff->flow.id = v->v[i].ref->id;
	ff->flow.client_is_lo = b.client_is_lo;
	ff->flow.roles_known = b.roles_known;
	*an = &ff->an;
	return &ff->flow;
}

struct ts_flow *ts_flow_view_copy(struct ts_flow_view *v, size_t i)
{
	struct ts_flow_unpacked *u = malloc(sizeof(*u));
	const struct ts_flow *f = v->v[i].live;

	if (!u)
		return NULL;
	if (!f) {
		ts_flow_archive_unpack(v->v[i].ref, u);
		return &u->flow;
	}
	u->flow = *f;
	u->flow.all_prev = u->flow.all_next = NULL;
	u->flow.lru_prev = u->flow.lru_next = NULL;
	memset(&u->flow.cli.sb, 0, sizeof(u->flow.cli.sb));
	memset(&u->flow.srv.sb, 0, sizeof(u->flow.srv.sb));
	if (f->cli.rare) {
		u->rare[0] = *f->cli.rare;
		u->flow.cli.rare = &u->rare[0];
	}
	if (f->srv.rare) {
		u->rare[1] = *f->srv.rare;
		u->flow.srv.rare = &u->rare[1];
	}
	if (f->n_anomalies)
		memcpy(u->anomalies, f->anomalies, f->n_anomalies * sizeof(*f->anomalies));
	u->flow.anomalies = f->n_anomalies ? u->anomalies : NULL;
	u->flow.cap_anomalies = f->n_anomalies;
	return &u->flow;
}
