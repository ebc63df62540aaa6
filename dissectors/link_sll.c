/* \summary: Linux cooked capture v1 (DLT_LINUX_SLL), 16-byte header */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define SLL_HDR_LEN   16
#define SLL_PROTO_OFF 14

enum ts_drc ts_dissect_sll(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason)
{
	size_t off = SLL_HDR_LEN;
	uint16_t type;
	enum ts_drc rc;

	if (in.len < SLL_HDR_LEN) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	/* Values below 0x0600 are Linux pseudo protocols (802.2, 802.3): not IP. */
	type = ts_get_be16(in.p + SLL_PROTO_OFF);
	rc = ts_link_skip_vlan(in.p, in.len, &off, &type, out, reason);
	if (rc != TS_D_OK)
		return rc;
	next->p = in.p + off;
	next->len = in.len - off;
	*next_proto = type;
	return TS_D_OK;
}
