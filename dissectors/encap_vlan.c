/* \summary: 802.1Q/802.1ad tags met after a tunnel header (the link dissectors step over their own) */
#include "tcpscope/dissect.h"
#include "link_common.h"

/* in starts at the tag control field: the tag protocol id was the layer's type. */
enum ts_drc ts_dissect_vlan(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	size_t off = 0;
	uint16_t type = TS_ETHERTYPE_8021Q;
	enum ts_drc rc = ts_link_skip_vlan(in.p, in.len, &off, &type, out, reason);

	if (rc != TS_D_OK)
		return rc;
	ts_view_after(in, off, next);
	*next_proto = type;
	return TS_D_OK;
}
