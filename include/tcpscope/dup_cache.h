/* \summary: fingerprints of recent segments, to tell capture duplicates at any distance */
#ifndef TCPSCOPE_DUP_CACHE_H
#define TCPSCOPE_DUP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A fixed-size, direct-mapped set of 64-bit segment fingerprints. A newer
 * fingerprint may push out an older one sharing its slot, so a copy is
 * recognised when its original is among roughly the last `slots` segments;
 * a forgotten one is only missed (taken for a resend, as without the cache),
 * never invented. Memory is fixed: slots x 8 bytes, allocated on first use.
 */
struct ts_dup_cache {
	uint64_t *slot;
	uint32_t mask;           /* slots - 1 */
	bool failed;             /* allocation failed: the cache stays off */
};

#define TS_DUP_CACHE_SLOTS 65536u

/* The fields that make one transmission of a segment unique on the wire. */
struct ts_dup_fingerprint {
	uint64_t flow_id;
	uint32_t seq, ack, seq_len, tsval;
	uint16_t window, ip_id;
	uint8_t flags, ttl, from_client, has_tsval;
};

uint64_t ts_dup_fingerprint_hash(const struct ts_dup_fingerprint *fp);

/* True when fp was recorded before; otherwise records it. 0 is never stored. */
bool ts_dup_cache_check_insert(struct ts_dup_cache *c, uint64_t fp_hash);

void ts_dup_cache_free(struct ts_dup_cache *c);

#endif
