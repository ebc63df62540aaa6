/* \summary: ERSPAN type II (GRE 0x88be) and type III (GRE 0x22eb) mirror headers */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define ERSPAN2_LEN     8
#define ERSPAN3_LEN     12
#define ERSPAN3_SUB_LEN 8      /* platform-specific subheader when O is set */
#define ERSPAN3_O_BIT   0x0001
#define ERSPAN3_FT_MASK 0x7c00 /* frame type: 0 Ethernet, 2 IP */

/*
 * A mirror copy: the outer headers are the mirror session's transport, so
 * they are dropped from the identity and the copy joins its original's flow.
 */
enum ts_drc ts_dissect_erspan2(struct ts_view in, struct ts_decoded *out,
                               struct ts_view *next, uint16_t *next_proto,
                               enum ts_decode_reason *reason)
{
	ts_ctx_clear(out);
	ts_encap_mark(out, TS_ENC_ERSPAN);
	if (in.len < ERSPAN2_LEN)
		return ts_trunc(TS_DR_TRUNC_ERSPAN, reason);
	if ((in.p[0] >> 4) != 1)
		return ts_invalid(TS_DR_ERSPAN_BAD_VERSION, reason);
	*next_proto = TS_PROTO_ETHERNET;
	ts_view_after(in, ERSPAN2_LEN, next);
	return TS_D_OK;
}

enum ts_drc ts_dissect_erspan3(struct ts_view in, struct ts_decoded *out,
                               struct ts_view *next, uint16_t *next_proto,
                               enum ts_decode_reason *reason)
{
	size_t hlen = ERSPAN3_LEN;
	uint16_t bits;

	ts_ctx_clear(out);
	ts_encap_mark(out, TS_ENC_ERSPAN);
	if (in.len < ERSPAN3_LEN)
		return ts_trunc(TS_DR_TRUNC_ERSPAN, reason);
	if ((in.p[0] >> 4) != 2)
		return ts_invalid(TS_DR_ERSPAN_BAD_VERSION, reason);
	bits = ts_get_be16(in.p + 10);
	if (bits & ERSPAN3_O_BIT)
		hlen += ERSPAN3_SUB_LEN;
	if (in.len < hlen)
		return ts_trunc(TS_DR_TRUNC_ERSPAN, reason);
	ts_view_after(in, hlen, next);
	if ((bits & ERSPAN3_FT_MASK) == 0) {
		*next_proto = TS_PROTO_ETHERNET;
	} else {
		*next_proto = ts_ip_version_ethertype(*next);
		if (*next_proto == 0) {
			*reason = TS_DR_NOT_IP;
			return TS_D_SKIP;
		}
	}
	return TS_D_OK;
}
