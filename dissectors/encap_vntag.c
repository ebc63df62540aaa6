/* \summary: Cisco VN-Tag (802.1Qbh, ethertype 0x8926): an interface tag, not part of a flow's identity */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define VNTAG_LEN 6 /* d/p/vif ids (4), inner ethertype (2) */

enum ts_drc ts_dissect_vntag(struct ts_view in, struct ts_decoded *out,
                             struct ts_view *next, uint16_t *next_proto,
                             enum ts_decode_reason *reason)
{
	ts_encap_mark(out, TS_ENC_VNTAG);
	if (in.len < VNTAG_LEN)
		return ts_trunc(TS_DR_TRUNC_VNTAG, reason);
	*next_proto = ts_get_be16(in.p + 4);
	ts_view_after(in, VNTAG_LEN, next);
	return TS_D_OK;
}
