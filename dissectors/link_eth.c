/* \summary: Ethernet II (DLT_EN10MB) with 802.1Q/802.1ad tags, 802.3 LLC/SNAP; inner Ethernet of tunnels */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define ETH_HDR_LEN    14
#define ETH_MAX_LENGTH 1500 /* type fields up to here are 802.3 lengths */
enum ts_drc ts_dissect_eth(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason)
{
	size_t off = ETH_HDR_LEN;
	uint16_t type;
	enum ts_drc rc;

	if (in.len < ETH_HDR_LEN) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	type = ts_get_be16(in.p + 12);
	rc = ts_link_skip_vlan(in.p, in.len, &off, &type, out, reason);
	if (rc != TS_D_OK)
		return rc;
	if (type <= ETH_MAX_LENGTH) {
		rc = ts_link_llc_snap(in.p, in.len, &off, &type, out, reason);
		if (rc != TS_D_OK)
			return rc;
	}
	next->p = in.p + off;
	next->len = in.len - off;
	*next_proto = type;
	return TS_D_OK;
}

/* An Ethernet frame inside a tunnel (VXLAN, GENEVE, GRE bridging, ERSPAN, PW). */
enum ts_drc ts_dissect_eth_inner(struct ts_view in, struct ts_decoded *out,
                                 struct ts_view *next, uint16_t *next_proto,
                                 enum ts_decode_reason *reason)
{
	ts_encap_mark(out, TS_ENC_ETH_INNER);
	return ts_dissect_eth(in, out, next, next_proto, reason);
}
