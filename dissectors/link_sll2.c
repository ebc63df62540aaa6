/* \summary: Linux cooked capture v2 (DLT_LINUX_SLL2), 20-byte header */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define SLL2_HDR_LEN   20
#define SLL2_PROTO_OFF 0

enum ts_drc ts_dissect_sll2(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	size_t off = SLL2_HDR_LEN;
	uint16_t type;
	enum ts_drc rc;

	if (in.len < SLL2_HDR_LEN) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	type = ts_get_be16(in.p + SLL2_PROTO_OFF);
	rc = ts_link_skip_vlan(in.p, in.len, &off, &type, out, reason);
	if (rc != TS_D_OK)
		return rc;
	next->p = in.p + off;
	next->len = in.len - off;
	*next_proto = type;
	return TS_D_OK;
}
