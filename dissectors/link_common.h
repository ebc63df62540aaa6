/* \summary: helpers shared by the link-layer dissectors (ethertypes, VLAN tags) */
#ifndef TCPSCOPE_DISSECTORS_LINK_COMMON_H
#define TCPSCOPE_DISSECTORS_LINK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define TS_ETHERTYPE_IPV4   0x0800
#define TS_ETHERTYPE_IPV6   0x86dd
#define TS_ETHERTYPE_8021Q  0x8100
#define TS_ETHERTYPE_8021AD 0x88a8
#define TS_ETHERTYPE_QINQ   0x9100 /* pre-standard 802.1ad outer tag */

static inline int ts_is_vlan_tpid(uint16_t type)
{
	return type == TS_ETHERTYPE_8021Q || type == TS_ETHERTYPE_8021AD ||
	       type == TS_ETHERTYPE_QINQ;
}

/*
 * Step over the VLAN tags that start at p + *off while *type is a tag
 * protocol id; record their ids (also as outer identity: one connection on
 * two VLANs is two conversations) and leave the inner ethertype in *type.
 * A stack of more than TS_VLAN_MAX tags is skipped rather than guessed at;
 * out->vlan keeps the first TS_VLAN_MAX ids of the packet.
 */
static inline enum ts_drc ts_link_skip_vlan(const uint8_t *p, size_t len,
                                            size_t *off, uint16_t *type,
                                            struct ts_decoded *out,
                                            enum ts_decode_reason *reason)
{
	for (unsigned depth = 0; ts_is_vlan_tpid(*type); depth++) {
		if (depth >= TS_VLAN_MAX) {
			*reason = TS_DR_LINK_VLAN_LIMIT;
			return TS_D_SKIP;
		}
		if (len - *off < 4) {
			*reason = TS_DR_TRUNC_LINK;
			return TS_D_TRUNC;
		}
		uint16_t vid = ts_get_be16(p + *off) & 0x0fff;

		if (out->vlan_count < TS_VLAN_MAX)
			out->vlan[out->vlan_count++] = vid;
		if (!ts_ctx_add(out, TS_CTX_VLAN, vid, 2, reason))
			return TS_D_SKIP;
		ts_encap_mark(out, TS_ENC_VLAN);
		*type = ts_get_be16(p + *off + 2);
		*off += 4;
	}
	return TS_D_OK;
}

#define TS_LLC_SNAP_LEN 8 /* DSAP SSAP control OUI[3] type[2] */

/* 802.2 LLC: only SNAP with the zero OUI carries an ethertype. */
static inline enum ts_drc ts_link_llc_snap(const uint8_t *p, size_t len, size_t *off,
                                           uint16_t *type, struct ts_decoded *out,
                                           enum ts_decode_reason *reason)
{
	const uint8_t *llc = p + *off;

	if (len - *off < 3) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03) {
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	if (len - *off < TS_LLC_SNAP_LEN) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	if (llc[3] != 0 || llc[4] != 0 || llc[5] != 0) {
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	ts_encap_mark(out, TS_ENC_LLC_SNAP);
	*type = ts_get_be16(llc + 6);
	*off += TS_LLC_SNAP_LEN;
	return TS_D_OK;
}

/*
 * A fixed-size link header with the protocol type at proto_off (the Linux
 * cooked captures): check it is all there, step over it and any VLAN tags,
 * and hand the rest on.
 */
static inline enum ts_drc ts_link_fixed_header(struct ts_view in, size_t hdr_len, size_t proto_off,
                                               struct ts_decoded *out, struct ts_view *next,
                                               uint16_t *next_proto, enum ts_decode_reason *reason)
{
	size_t off = hdr_len;

	if (in.len < hdr_len) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	uint16_t type = ts_get_be16(in.p + proto_off);
	enum ts_drc rc = ts_link_skip_vlan(in.p, in.len, &off, &type, out, reason);
	if (rc != TS_D_OK)
		return rc;
	next->p = in.p + off;
	next->len = in.len - off;
	*next_proto = type;
	return TS_D_OK;
}

#endif
