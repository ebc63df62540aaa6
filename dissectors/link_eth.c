/* \summary: Ethernet II (DLT_EN10MB) with up to two 802.1Q/802.1ad tags */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define ETH_HDR_LEN    14
#define ETH_MAX_LENGTH 1500 /* type fields up to here are 802.3 lengths */
#define LLC_SNAP_LEN   8    /* DSAP SSAP control OUI[3] type[2] */

/* 802.3 frame: only LLC/SNAP with the zero OUI carries an ethertype. */
static enum ts_drc eth_llc_snap(const uint8_t *p, size_t len, size_t *off,
                                uint16_t *type, enum ts_decode_reason *reason)
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
	if (len - *off < LLC_SNAP_LEN) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	if (llc[3] != 0 || llc[4] != 0 || llc[5] != 0) {
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	*type = ts_get_be16(llc + 6);
	*off += LLC_SNAP_LEN;
	return TS_D_OK;
}

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
		rc = eth_llc_snap(in.p, in.len, &off, &type, reason);
		if (rc != TS_D_OK)
			return rc;
	}
	next->p = in.p + off;
	next->len = in.len - off;
	*next_proto = type;
	return TS_D_OK;
}
