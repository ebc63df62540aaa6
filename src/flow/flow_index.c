/* \summary: open-addressing index from flow key hash to live flow */
#include <stdlib.h>
#include <string.h>

#include "tcpscope/block_alloc.h"
#include "tcpscope/flow.h"
#include "tcpscope/flow_index.h"

#define TS_INDEX_MIN_SLOTS 1024

void ts_flow_index_init(struct ts_flow_index *x)
{
	memset(x, 0, sizeof(*x));
}

/* Zeroed slots; big arrays in huge pages, since every lookup lands at random. */
static struct ts_flow_slot *slots_alloc(size_t n, size_t *bytes)
{
	size_t size = n * sizeof(struct ts_flow_slot);

	*bytes = size;
	if (size < TS_BLOCK_BYTES)
		return calloc(n, sizeof(struct ts_flow_slot));
	return ts_huge_alloc(size);
}

static void slots_free(struct ts_flow_slot *slots, size_t bytes)
{
	if (bytes < TS_BLOCK_BYTES)
		free(slots);
	else
		ts_huge_free(slots, bytes);
}

void ts_flow_index_free(struct ts_flow_index *x)
{
	slots_free(x->slots, x->bytes);
	memset(x, 0, sizeof(*x));
}

static void place(struct ts_flow_slot *slots, size_t mask, uint64_t hash, struct ts_flow *f)
{
	size_t i = hash & mask;

	while (slots[i].flow)
		i = (i + 1) & mask;
	slots[i] = (struct ts_flow_slot){ hash, f };
}

static int grow(struct ts_flow_index *x)
{
	size_t n = x->slots ? (x->mask + 1) * 2 : TS_INDEX_MIN_SLOTS, bytes = 0;
	struct ts_flow_slot *slots = slots_alloc(n, &bytes);

	if (!slots)
		return -1;
	for (size_t i = 0; x->slots && i <= x->mask; i++)
		if (x->slots[i].flow)
			place(slots, n - 1, x->slots[i].hash, x->slots[i].flow);
	slots_free(x->slots, x->bytes);
	x->slots = slots;
	x->mask = n - 1;
	x->bytes = bytes;
	return 0;
}

/* Keys are 40 bytes with zeroed padding: five word compares, no call. */
_Static_assert(sizeof(struct ts_flow_key) == 40, "flow key is five words");

static bool key_equal(const struct ts_flow_key *a, const struct ts_flow_key *b)
{
	uint64_t x[5], y[5];

	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4])) == 0;
}

struct ts_flow *ts_flow_index_find(const struct ts_flow_index *x, uint64_t hash, const struct ts_flow_key *k)
{
	if (!x->slots)
		return NULL;
	for (size_t i = hash & x->mask; x->slots[i].flow; i = (i + 1) & x->mask)
		if (x->slots[i].hash == hash && key_equal(&x->slots[i].flow->key, k))
			return x->slots[i].flow;
	return NULL;
}

int ts_flow_index_add(struct ts_flow_index *x, uint64_t hash, struct ts_flow *f)
{
	if ((!x->slots || 2 * (x->count + 1) > x->mask + 1) && grow(x) < 0)
		return -1;
	place(x->slots, x->mask, hash, f);
	x->count++;
	return 0;
}

void ts_flow_index_remove(struct ts_flow_index *x, uint64_t hash, const struct ts_flow *f)
{
	size_t mask = x->mask, i = hash & mask;

	if (!x->slots)
		return;
	while (x->slots[i].flow != f) {
		if (!x->slots[i].flow)
			return; /* not there */
		i = (i + 1) & mask;
	}
	/* Shift back each following entry that may sit at i: one whose home
	 * slot is not between i (exclusive) and where it is. */
	for (size_t j = i;;) {
		j = (j + 1) & mask;
		if (!x->slots[j].flow)
			break;
		size_t home = x->slots[j].hash & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			x->slots[i] = x->slots[j];
			i = j;
		}
	}
	x->slots[i] = (struct ts_flow_slot){ 0, NULL };
	x->count--;
}
