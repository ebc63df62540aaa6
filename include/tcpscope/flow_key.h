/* \summary: canonical flow keys, endpoint formatting, effective MSS */
#ifndef TCPSCOPE_FLOW_KEY_H
#define TCPSCOPE_FLOW_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/dissect.h"

struct ts_flow;

/* Addresses and ports ordered lo/hi so both directions find one entry. */
struct ts_flow_key {
	uint8_t lo_addr[16], hi_addr[16];
	uint16_t lo_port, hi_port;
	uint8_t af;
	uint8_t ctx[3]; /* outer context id (flow_context.h), little-endian; 0: none.
	                 * The key is hashed as bytes, so these are always set. */
};

/* Returns true when the packet's source is the key's lo side. The context
 * id is left 0: the analyzer sets it from its context table. */
bool ts_flow_key_make(struct ts_flow_key *k, const struct ts_decoded *d);

static inline uint32_t ts_flow_key_ctx(const struct ts_flow_key *k)
{
	return (uint32_t)k->ctx[0] | (uint32_t)k->ctx[1] << 8 | (uint32_t)k->ctx[2] << 16;
}

static inline void ts_flow_key_set_ctx(struct ts_flow_key *k, uint32_t id)
{
	k->ctx[0] = (uint8_t)id;
	k->ctx[1] = (uint8_t)(id >> 8);
	k->ctx[2] = (uint8_t)(id >> 16);
}

/* Address of an endpoint as text ("1.2.3.4:80" or "[2001:db8::1]:80"). */
size_t ts_flow_format_endpoint(const struct ts_flow *f, bool client, char *buf, size_t len);
size_t ts_format_addr(uint8_t af, const uint8_t addr[16], char *buf, size_t len);

/* Effective MSS: the smaller of the two announced, 536 for a SYN without the
 * option; 0 (unknown) unless both sides' SYNs were seen. */
uint16_t ts_flow_effective_mss(const struct ts_flow *f);

/* Two announced MSS values whose difference has an ordinary explanation
 * (IPv4/IPv6 headers, encapsulation or clamping on a 1500-byte path). */
bool ts_mss_pair_ordinary(uint16_t a, uint16_t b);

#endif
