/* \summary: PPPoE session stage (RFC 2516) carrying PPP IPv4 (0x0021) or IPv6 (0x0057) */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define PPPOE_HDR_LEN   6
#define PPPOE_VER_TYPE  0x11
#define PPPOE_CODE_SESS 0x00
#define PPP_IPV4        0x0021
#define PPP_IPV6        0x0057

enum ts_drc ts_dissect_pppoe(struct ts_view in, struct ts_decoded *out,
                             struct ts_view *next, uint16_t *next_proto,
                             enum ts_decode_reason *reason)
{
	size_t plen, off = PPPOE_HDR_LEN;
	uint16_t proto;

	ts_encap_mark(out, TS_ENC_PPPOE);
	if (in.len < PPPOE_HDR_LEN)
		return ts_trunc(TS_DR_TRUNC_PPPOE, reason);
	if (in.p[0] != PPPOE_VER_TYPE || in.p[1] != PPPOE_CODE_SESS)
		return ts_invalid(TS_DR_PPPOE_BAD_VERSION, reason);
	plen = ts_get_be16(in.p + 4); /* PPP protocol + payload */
	if (in.len - off < 1)
		return ts_trunc(TS_DR_TRUNC_PPPOE, reason);
	/* RFC 1661 protocol field compression: an odd first byte is the whole field. */
	if (in.p[off] & 1) {
		proto = in.p[off];
		off += 1;
	} else {
		if (in.len - off < 2)
			return ts_trunc(TS_DR_TRUNC_PPPOE, reason);
		proto = ts_get_be16(in.p + off);
		off += 2;
	}
	if (plen < off - PPPOE_HDR_LEN)
		return ts_invalid(TS_DR_PPPOE_BAD_LEN, reason);
	switch (proto) {
	case PPP_IPV4:
		*next_proto = 0x0800;
		break;
	case PPP_IPV6:
		*next_proto = 0x86dd;
		break;
	default:
		*reason = TS_DR_PPPOE_NOT_IP;
		return TS_D_SKIP;
	}
	ts_view_after(in, off, next);
	/* The session length cuts off Ethernet padding, as the IP length does. */
	if (next->len > plen - (off - PPPOE_HDR_LEN))
		next->len = plen - (off - PPPOE_HDR_LEN);
	return TS_D_OK;
}
