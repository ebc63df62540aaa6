/* \summary: flow table: seeded hash index, LRU lists, cap with counted evictions */
#include <stdlib.h>
#include <string.h>

#include "tcpscope/flow_table.h"

void ts_flow_table_init(struct ts_flow_table *t, size_t max_flows, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	ts_slab_init(&t->slab, sizeof(struct ts_flow));
	ts_slab_init(&t->one_anomaly, sizeof(struct ts_anomaly));
	t->max_flows = max_flows;
	t->max_retired = max_flows;
	t->seed = seed;
	t->next_id = 1;
}

/* Seeded 64-bit mix over the key words (the key is canonical, so the hash is
 * the same for both directions). A hostile source cannot aim at index slots
 * without knowing the seed. */
uint64_t ts_flow_key_hash(const struct ts_flow_key *k, uint64_t seed)
{
	uint64_t w[sizeof(*k) / 8];
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ull;
	static const uint8_t v4_words[] = { 0, 2, 4 }; /* lo_addr[0..7], hi_addr[0..7], ports + af */

	memcpy(w, k, sizeof(w));
	if (k->af == 4) {
		for (size_t i = 0; i < sizeof(v4_words); i++) {
			h ^= w[v4_words[i]];
			h *= 0xff51afd7ed558ccdull;
			h ^= h >> 32;
		}
	} else {
		for (size_t i = 0; i < sizeof(w) / 8; i++) {
			h ^= w[i];
			h *= 0xff51afd7ed558ccdull;
			h ^= h >> 32;
		}
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return h;
}

static void lru_unlink(struct ts_flow_table *t, struct ts_flow *f)
{
	struct ts_flow **head = &t->lru_head[f->lru_list];
	struct ts_flow **tail = &t->lru_tail[f->lru_list];

	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else if (*head == f)
		*head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else if (*tail == f)
		*tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_append(struct ts_flow_table *t, struct ts_flow *f, enum ts_flow_list list)
{
	struct ts_flow **head = &t->lru_head[list];
	struct ts_flow **tail = &t->lru_tail[list];

	f->lru_list = (uint8_t)list;
	f->lru_prev = *tail;
	f->lru_next = NULL;
	if (*tail)
		(*tail)->lru_next = f;
	else
		*head = f;
	*tail = f;
}

void ts_flow_table_touch(struct ts_flow_table *t, struct ts_flow *f, enum ts_flow_list list)
{
	if (t->lru_tail[list] == f && f->lru_list == list)
		return; /* already the most recent: the common case for bulk flows */
	lru_unlink(t, f);
	lru_append(t, f, list);
}

struct ts_flow *ts_flow_table_find(struct ts_flow_table *t, const struct ts_flow_key *k, uint64_t hash)
{
	return ts_flow_index_find(&t->index, hash, k);
}

static void free_anomalies(struct ts_flow_table *t, struct ts_flow *f)
{
	if (f->cap_anomalies == 1)
		ts_slab_free(&t->one_anomaly, f->anomalies);
	else
		free(f->anomalies);
}

int ts_flow_table_grow_anomalies(struct ts_flow_table *t, struct ts_flow *f)
{
	struct ts_anomaly *v;
	uint8_t cap = f->cap_anomalies ? (uint8_t)(f->cap_anomalies * 2) : 1;

	if (cap == 1) {
		v = ts_slab_alloc(&t->one_anomaly);
	} else if (cap == 2) {
		v = malloc(cap * sizeof(*v));
		if (v) {
			v[0] = f->anomalies[0];
			ts_slab_free(&t->one_anomaly, f->anomalies);
		}
	} else {
		v = realloc(f->anomalies, cap * sizeof(*v));
	}
	if (!v)
		return -1;
	f->anomalies = v;
	f->cap_anomalies = cap;
	return 0;
}

static void flow_free(struct ts_flow_table *t, struct ts_flow *f)
{
	ts_scoreboard_reset(&f->cli.sb);
	ts_scoreboard_reset(&f->srv.sb);
	ts_endpoint_rare_free(&f->cli);
	ts_endpoint_rare_free(&f->srv);
	free_anomalies(t, f);
	ts_slab_free(&t->slab, f);
}

static void archive(struct ts_flow_table *t, struct ts_flow *f, uint8_t marks)
{
	ts_flow_index_remove(&t->index, ts_flow_key_hash(&f->key, t->seed), f);
	if (f->all_prev)
		f->all_prev->all_next = f->all_next;
	else
		t->all_head = f->all_next;
	if (f->all_next)
		f->all_next->all_prev = f->all_prev;
	else
		t->all_tail = f->all_prev;
	lru_unlink(t, f);
	t->live--;
	if (ts_flow_archive_push_marked(&t->done, f, marks) < 0)
		t->unlisted++; /* out of memory: its figures are in its hosts already */
	flow_free(t, f);
}

void ts_flow_table_retire(struct ts_flow_table *t, struct ts_flow *f)
{
	ts_flow_table_retire_marked(t, f, 0);
}

void ts_flow_table_retire_marked(struct ts_flow_table *t, struct ts_flow *f, uint8_t marks)
{
	archive(t, f, marks);
	/* With a cap, keep as many finished flows for the report as live ones:
	 * the oldest goes (its figures are already folded into its hosts and
	 * the anomaly counts), and is counted. */
	while (t->max_retired && t->done.count > t->max_retired) {
		ts_flow_archive_drop_oldest(&t->done);
		t->unlisted++;
	}
}

/* Append src's list (head..tail, linked through the given members) to dst's. */
#define SPLICE(dst_head, dst_tail, src_head, src_tail, prev, next)                                   \
	do {                                                                                      \
		if (!(src_head))                                                                  \
			break;                                                                    \
		(src_head)->prev = (dst_tail);                                                    \
		if (dst_tail)                                                                     \
			(dst_tail)->next = (src_head);                                            \
		else                                                                              \
			(dst_head) = (src_head);                                                  \
		(dst_tail) = (src_tail);                                                          \
	} while (0)

int ts_flow_table_adopt(struct ts_flow_table *dst, struct ts_flow_table *src)
{
	int rc = 0;

	if (ts_flow_archive_adopt(&dst->done, &src->done) < 0) {
		/* No room for their refs: the packed flows are lost, and counted
		 * (their figures are in their hosts already); the live ones move. */
		dst->unlisted += src->done.count;
		ts_flow_archive_free(&src->done);
		rc = -1;
	}
	SPLICE(dst->all_head, dst->all_tail, src->all_head, src->all_tail, all_prev, all_next);
	for (int l = 0; l < TS_FLOW_LISTS; l++)
		SPLICE(dst->lru_head[l], dst->lru_tail[l], src->lru_head[l], src->lru_tail[l], lru_prev, lru_next);
	ts_slab_adopt(&dst->slab, &src->slab);
	ts_slab_adopt(&dst->one_anomaly, &src->one_anomaly);
	dst->live += src->live;
	if (src->next_id > dst->next_id)
		dst->next_id = src->next_id; /* ids stay below next_id */
	dst->evicted_closed += src->evicted_closed;
	dst->evicted_open += src->evicted_open;
	dst->evicted_idle += src->evicted_idle;
	dst->port_reuse += src->port_reuse;
	dst->unlisted += src->unlisted;
	ts_flow_index_free(&src->index);
	ts_flow_table_init(src, src->max_flows, src->seed);
	return rc;
}

struct ts_flow *ts_flow_table_add(struct ts_flow_table *t, const struct ts_flow_key *k, uint64_t hash)
{
	struct ts_flow *f = ts_slab_alloc(&t->slab);
	if (!f)
		return NULL;
	if (ts_flow_index_add(&t->index, hash, f) < 0) {
		ts_slab_free(&t->slab, f);
		return NULL;
	}
	f->key = *k;
	f->id = t->next_id++;
	f->all_prev = t->all_tail;
	if (t->all_tail)
		t->all_tail->all_next = f;
	else
		t->all_head = f;
	t->all_tail = f;
	lru_append(t, f, TS_LIST_OPEN);
	t->live++;
	return f;
}

struct ts_flow *ts_flow_table_victim(struct ts_flow_table *t)
{
	if (!t->max_flows || t->live < t->max_flows)
		return NULL;
	for (int l = TS_LIST_DEAD; l >= TS_LIST_CLOSED; l--) {
		if (t->lru_head[l]) {
			t->evicted_closed++;
			return t->lru_head[l];
		}
	}
	if (t->lru_head[TS_LIST_OPEN])
		t->evicted_open++;
	return t->lru_head[TS_LIST_OPEN];
}

void ts_flow_table_free(struct ts_flow_table *t)
{
	for (struct ts_flow *f = t->all_head, *next; f; f = next) {
		next = f->all_next;
		flow_free(t, f);
	}
	ts_flow_index_free(&t->index);
	ts_flow_archive_free(&t->done);
	ts_slab_release(&t->slab);
	ts_slab_release(&t->one_anomaly);
	memset(t, 0, sizeof(*t));
}
