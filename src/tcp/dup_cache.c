/* \summary: fingerprints of recent segments, to tell capture duplicates at any distance */
#include <stdlib.h>

#include "tcpscope/dup_cache.h"

/* splitmix64's finaliser: every input bit moves every output bit. */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

uint64_t ts_dup_fingerprint_hash(const struct ts_dup_fingerprint *fp)
{
	uint64_t h = mix(0, fp->flow_id);
	h = mix(h, (uint64_t)fp->seq << 32 | fp->ack);
	h = mix(h, (uint64_t)fp->seq_len << 32 | fp->tsval);
	h = mix(h, (uint64_t)fp->window << 48 | (uint64_t)fp->ip_id << 32 | (uint64_t)fp->flags << 24 |
	           (uint64_t)fp->ttl << 16 | (uint64_t)fp->from_client << 8 | fp->has_tsval);
	return h ? h : 1; /* 0 marks an empty slot */
}

bool ts_dup_cache_check_insert(struct ts_dup_cache *c, uint64_t fp_hash)
{
	if (!c->slot) {
		if (c->failed)
			return false;
		c->slot = calloc(TS_DUP_CACHE_SLOTS, sizeof(*c->slot));
		if (!c->slot) {
			c->failed = true;
			return false;
		}
		c->mask = TS_DUP_CACHE_SLOTS - 1;
	}
	if (!fp_hash)
		fp_hash = 1;
	/* The slot comes from the high bits, the check from all 64. */
	uint64_t *s = &c->slot[(fp_hash >> 40) & c->mask];
	if (*s == fp_hash)
		return true;
	*s = fp_hash;
	return false;
}

void ts_dup_cache_free(struct ts_dup_cache *c)
{
	free(c->slot);
	c->slot = NULL;
	c->mask = 0;
}
