/* \summary: VXLAN (RFC 7348, UDP 4789 and configured ports): the VNI is part of the flow's identity */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define VXLAN_HDR_LEN 8
#define VXLAN_FLAG_I  0x08

enum ts_drc ts_dissect_vxlan(struct ts_view in, struct ts_decoded *out,
                             struct ts_view *next, uint16_t *next_proto,
                             enum ts_decode_reason *reason)
{
	ts_encap_mark(out, TS_ENC_VXLAN);
	if (in.len < VXLAN_HDR_LEN)
		return ts_trunc(TS_DR_TRUNC_VXLAN, reason);
	if ((in.p[0] & VXLAN_FLAG_I) == 0)
		return ts_invalid(TS_DR_VXLAN_NO_VNI, reason);
	/* Two tenants may use the same addresses: the VNI keeps them apart. */
	if (!ts_ctx_add(out, TS_CTX_VXLAN, ts_get_be32(in.p + 4) >> 8, 3, reason))
		return TS_D_SKIP;
	*next_proto = TS_PROTO_ETHERNET;
	ts_view_after(in, VXLAN_HDR_LEN, next);
	return TS_D_OK;
}
