/* \summary: helpers shared by the encapsulation dissectors: outer identity, encapsulation bits */
#ifndef TCPSCOPE_DISSECTORS_ENCAP_COMMON_H
#define TCPSCOPE_DISSECTORS_ENCAP_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/dissect.h"

#define TS_ETHERTYPE_MPLS_UC    0x8847
#define TS_ETHERTYPE_MPLS_MC    0x8848
#define TS_ETHERTYPE_PPPOE_SESS 0x8864
#define TS_ETHERTYPE_VNTAG      0x8926
#define TS_ETHERTYPE_FABRICPATH 0x8903
#define TS_ETHERTYPE_ERSPAN2    0x88be
#define TS_ETHERTYPE_ERSPAN3    0x22eb
#define TS_ETHERTYPE_WCCP       0x883e

#define TS_IPPROTO_IPIP 4
#define TS_IPPROTO_TCP  6
#define TS_IPPROTO_UDP  17
#define TS_IPPROTO_IPV6 41
#define TS_IPPROTO_GRE  47

/* IP protocols that may carry a TCP segment further in. */
static inline bool ts_ip_proto_tunnels(uint8_t proto)
{
	return proto == TS_IPPROTO_UDP || proto == TS_IPPROTO_GRE ||
	       proto == TS_IPPROTO_IPIP || proto == TS_IPPROTO_IPV6;
}

static inline void ts_encap_mark(struct ts_decoded *out, enum ts_encap e)
{
	out->encaps |= (uint16_t)(1u << e);
}

/*
 * Record one piece of outer identity (value in its nbytes low bytes, written
 * in network order). False, with encap.context_too_long, when it does not fit.
 */
static inline bool ts_ctx_add(struct ts_decoded *out, enum ts_ctx_kind kind, uint32_t value,
                              unsigned nbytes, enum ts_decode_reason *reason)
{
	if ((size_t)out->ctx_len + 1 + nbytes > TS_CTX_MAX) {
		*reason = TS_DR_ENCAP_CONTEXT_LONG;
		return false;
	}
	out->ctx[out->ctx_len++] = (uint8_t)kind;
	for (unsigned i = nbytes; i-- > 0;)
		out->ctx[out->ctx_len++] = (uint8_t)(value >> (8 * i));
	return true;
}

/* A mirror wrapper: what came before it is the copy's transport, not its identity. */
static inline void ts_ctx_clear(struct ts_decoded *out)
{
	out->ctx_len = 0;
	out->vlan_count = 0;
}

/* Narrow next to what follows a header of hlen bytes. */
static inline void ts_view_after(struct ts_view in, size_t hlen, struct ts_view *next)
{
	next->p = in.p + hlen;
	next->len = in.len - hlen;
}

/* Truncation helper: sets the reason, returns TS_D_TRUNC. */
static inline enum ts_drc ts_trunc(enum ts_decode_reason r, enum ts_decode_reason *reason)
{
	*reason = r;
	return TS_D_TRUNC;
}

static inline enum ts_drc ts_invalid(enum ts_decode_reason r, enum ts_decode_reason *reason)
{
	*reason = r;
	return TS_D_INVALID;
}

/* The version nibble of an IP packet as an ethertype, 0 when neither. */
static inline uint16_t ts_ip_version_ethertype(struct ts_view v)
{
	if (v.len == 0)
		return 0;
	switch (v.p[0] >> 4) {
	case 4: return 0x0800;
	case 6: return 0x86dd;
	default: return 0;
	}
}

#endif
