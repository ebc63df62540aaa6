/* \summary: interning of outer contexts: bytes -> 24-bit id, and back for the reports */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/flow_context.h"

void ts_ctx_table_init(struct ts_ctx_table *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
}

void ts_ctx_table_free(struct ts_ctx_table *t)
{
	free(t->entries);
	free(t->slots);
	pthread_mutex_destroy(&t->lock);
	memset(t, 0, sizeof(*t));
}

static uint64_t ctx_hash(const uint8_t *bytes, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a: contexts are few and short */

	for (size_t i = 0; i < len; i++) {
		h ^= bytes[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static size_t slot_of(const struct ts_ctx_table *t, const uint8_t *bytes, size_t len)
{
	size_t mask = t->n_slots - 1, s = (size_t)ctx_hash(bytes, len) & mask;

	for (;;) {
		uint32_t id = t->slots[s];
		if (id == 0)
			return s;
		const struct ts_ctx_entry *e = &t->entries[id - 1];
		if (e->len == len && memcmp(e->bytes, bytes, len) == 0)
			return s;
		s = (s + 1) & mask;
	}
}

static int grow(struct ts_ctx_table *t)
{
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 16;
		struct ts_ctx_entry *v = realloc(t->entries, (size_t)cap * sizeof(*v));
		if (!v)
			return -1;
		t->entries = v;
		t->cap = cap;
	}
	if ((size_t)(t->n + 1) * 2 > t->n_slots) {
		size_t n_slots = t->n_slots ? t->n_slots * 2 : 32;
		uint32_t *slots = calloc(n_slots, sizeof(*slots));
		if (!slots)
			return -1;
		free(t->slots);
		t->slots = slots;
		t->n_slots = n_slots;
		for (uint32_t id = 1; id <= t->n; id++) {
			const struct ts_ctx_entry *e = &t->entries[id - 1];
			t->slots[slot_of(t, e->bytes, e->len)] = id;
		}
	}
	return 0;
}

uint32_t ts_ctx_intern(struct ts_ctx_table *t, const uint8_t *bytes, size_t len)
{
	uint32_t id = 0;

	if (len == 0 || len > TS_CTX_MAX)
		return 0;
	pthread_mutex_lock(&t->lock);
	if (t->n_slots) {
		id = t->slots[slot_of(t, bytes, len)];
		if (id)
			goto out;
	}
	if (t->n >= TS_CTX_ID_MAX || grow(t) < 0) {
		t->failures++;
		goto out;
	}
	struct ts_ctx_entry *e = &t->entries[t->n];
	e->len = (uint8_t)len;
	memcpy(e->bytes, bytes, len);
	id = ++t->n;
	t->slots[slot_of(t, bytes, len)] = id;
out:
	pthread_mutex_unlock(&t->lock);
	return id;
}

bool ts_ctx_get(struct ts_ctx_table *t, uint32_t id, struct ts_ctx_entry *out)
{
	bool ok = false;

	pthread_mutex_lock(&t->lock);
	if (id != 0 && id <= t->n) {
		*out = t->entries[id - 1];
		ok = true;
	}
	pthread_mutex_unlock(&t->lock);
	return ok;
}

const struct ts_ctx_entry *ts_ctx_peek(const struct ts_ctx_table *t, uint32_t id)
{
	return id != 0 && id <= t->n ? &t->entries[id - 1] : NULL;
}

static unsigned value_len(uint8_t kind)
{
	switch (kind) {
	case TS_CTX_VLAN: return 2;
	case TS_CTX_VXLAN:
	case TS_CTX_GENEVE: return 3;
	case TS_CTX_GRE_KEY: return 4;
	default: return 0;
	}
}

bool ts_ctx_walk(const struct ts_ctx_entry *e, ts_ctx_visit_fn fn, void *arg)
{
	size_t off = 0;

	while (off < e->len) {
		uint8_t kind = e->bytes[off++];
		unsigned n = value_len(kind);
		uint32_t v = 0;

		if (n == 0 || e->len - off < n)
			return false;
		for (unsigned i = 0; i < n; i++)
			v = v << 8 | e->bytes[off++];
		fn(arg, (enum ts_ctx_kind)kind, v);
	}
	return true;
}

const char *ts_ctx_kind_name(enum ts_ctx_kind kind)
{
	switch (kind) {
	case TS_CTX_VLAN: return "vlan";
	case TS_CTX_VXLAN: return "vni";
	case TS_CTX_GENEVE: return "geneve_vni";
	case TS_CTX_GRE_KEY: return "gre_key";
	}
	return "context";
}

struct format_state {
	char *buf;
	size_t len, used;
	int last_kind;
};

/* A stack of one kind reads outermost first: "vlan 100/200". */
static void format_one(void *arg, enum ts_ctx_kind kind, uint32_t value)
{
	struct format_state *s = arg;
	size_t room = s->len > s->used ? s->len - s->used : 0;
	int n = (int)kind == s->last_kind
	        ? snprintf(s->buf + s->used, room, "/%u", (unsigned)value)
	        : snprintf(s->buf + s->used, room, "%s%s %u", s->used ? " " : "",
	                   ts_ctx_kind_name(kind), (unsigned)value);

	s->last_kind = (int)kind;
	if (n > 0)
		s->used += (size_t)n < room ? (size_t)n : (room ? room - 1 : 0);
}

size_t ts_ctx_format(const struct ts_ctx_entry *e, char *buf, size_t len)
{
	struct format_state s = { buf, len, 0, 0 };

	if (len)
		buf[0] = '\0';
	ts_ctx_walk(e, format_one, &s);
	return s.used;
}
