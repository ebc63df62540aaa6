/* \summary: Cisco FabricPath (ethertype 0x8903): outer switch header around the original Ethernet frame */
#include "tcpscope/dissect.h"
#include "encap_common.h"

#define FABRICPATH_TAG_REST 2 /* FTag and TTL after the ethertype */

/*
 * The outer addresses name fabric switches, so like a mirror wrapper the
 * header is no part of the flow: the same frame seen inside and outside the
 * fabric is one conversation.
 */
enum ts_drc ts_dissect_fabricpath(struct ts_view in, struct ts_decoded *out,
                                  struct ts_view *next, uint16_t *next_proto,
                                  enum ts_decode_reason *reason)
{
	ts_ctx_clear(out);
	ts_encap_mark(out, TS_ENC_FABRICPATH);
	if (in.len < FABRICPATH_TAG_REST)
		return ts_trunc(TS_DR_TRUNC_FABRICPATH, reason);
	*next_proto = TS_PROTO_ETHERNET;
	ts_view_after(in, FABRICPATH_TAG_REST, next);
	return TS_D_OK;
}
