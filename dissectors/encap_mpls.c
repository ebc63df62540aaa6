/* \summary: MPLS label stacks (RFC 3032) and what follows the bottom label: IPv4, IPv6, pseudowire */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define MPLS_ENTRY_LEN 4
#define MPLS_BOS       0x00000100u
#define MPLS_PW_CW_LEN 4 /* RFC 4385 control word: first nibble 0 */

/*
 * Labels are not outer identity: each direction of a connection follows its
 * own label-switched path. No label says what is below the stack, so the
 * first nibble decides, as the routers' own heuristics do: 4 and 6 are IP,
 * 0 is a pseudowire control word before an Ethernet frame, anything else an
 * Ethernet pseudowire without a control word.
 */
enum ts_drc ts_dissect_mpls(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	size_t off = 0;
	unsigned labels = 0;
	uint32_t entry;

	ts_encap_mark(out, TS_ENC_MPLS);
	do {
		if (labels == TS_MPLS_MAX) {
			*reason = TS_DR_MPLS_TOO_DEEP;
			return TS_D_SKIP;
		}
		if (in.len - off < MPLS_ENTRY_LEN)
			return ts_trunc(TS_DR_TRUNC_MPLS, reason);
		entry = ts_get_be32(in.p + off);
		off += MPLS_ENTRY_LEN;
		labels++;
	} while ((entry & MPLS_BOS) == 0);

	if (in.len - off < 1)
		return ts_trunc(TS_DR_TRUNC_MPLS, reason);
	switch (in.p[off] >> 4) {
	case 4:
		*next_proto = 0x0800;
		break;
	case 6:
		*next_proto = 0x86dd;
		break;
	case 0:
		if (in.len - off < MPLS_PW_CW_LEN)
			return ts_trunc(TS_DR_TRUNC_MPLS, reason);
		off += MPLS_PW_CW_LEN;
		*next_proto = TS_PROTO_ETHERNET;
		break;
	default:
		*next_proto = TS_PROTO_ETHERNET;
		break;
	}
	ts_view_after(in, off, next);
	return TS_D_OK;
}
