/* \summary: FDDI (DLT_FDDI 10): frame control, addresses, then 802.2 LLC/SNAP */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define FDDI_HDR_LEN 13 /* frame control, destination, source */
#define FDDI_FC_LLC  0x50 /* asynchronous LLC frames: 0x50..0x57 */

enum ts_drc ts_dissect_fddi(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	size_t off = FDDI_HDR_LEN;
	uint16_t type;
	enum ts_drc rc;

	if (in.len < FDDI_HDR_LEN)
		return ts_trunc(TS_DR_TRUNC_FDDI, reason);
	if ((in.p[0] & 0xf8) != FDDI_FC_LLC) { /* SMT, MAC and token frames */
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	rc = ts_link_llc_snap(in.p, in.len, &off, &type, out, reason);
	if (rc != TS_D_OK)
		return rc;
	ts_view_after(in, off, next);
	*next_proto = type;
	return TS_D_OK;
}
