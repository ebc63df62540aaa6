/* \summary: GENEVE (RFC 8926, UDP 6081) with options; the VNI is part of the flow's identity */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define GENEVE_HDR_LEN 8

enum ts_drc ts_dissect_geneve(struct ts_view in, struct ts_decoded *out,
                              struct ts_view *next, uint16_t *next_proto,
                              enum ts_decode_reason *reason)
{
	size_t hlen;
	uint16_t proto;

	ts_encap_mark(out, TS_ENC_GENEVE);
	if (in.len < GENEVE_HDR_LEN)
		return ts_trunc(TS_DR_TRUNC_GENEVE, reason);
	if ((in.p[0] >> 6) != 0)
		return ts_invalid(TS_DR_GENEVE_BAD_VERSION, reason);
	hlen = GENEVE_HDR_LEN + (size_t)(in.p[0] & 0x3f) * 4; /* options in 4-byte words */
	if (in.len < hlen)
		return ts_trunc(TS_DR_TRUNC_GENEVE, reason);
	proto = ts_get_be16(in.p + 2);
	switch (proto) {
	case TS_PROTO_ETHERNET:
	case 0x0800:
	case 0x86dd:
		break;
	default:
		*reason = TS_DR_GENEVE_UNKNOWN_PROTO;
		return TS_D_SKIP;
	}
	if (!ts_ctx_add(out, TS_CTX_GENEVE, ts_get_be32(in.p + 4) >> 8, 3, reason))
		return TS_D_SKIP;
	*next_proto = proto;
	ts_view_after(in, hlen, next);
	return TS_D_OK;
}
