/* \summary: Teredo (RFC 4380, UDP 3544): IPv6 behind optional authentication and origin indicators */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define TEREDO_AUTH_FIXED 13 /* type 2, id len 1, auth len 1, nonce 8, confirmation 1 */
#define TEREDO_ORIGIN_LEN 8  /* type 2, port 2, address 4 */

enum ts_drc ts_dissect_teredo(struct ts_view in, struct ts_decoded *out,
                              struct ts_view *next, uint16_t *next_proto,
                              enum ts_decode_reason *reason)
{
	size_t off = 0;

	ts_encap_mark(out, TS_ENC_TEREDO);
	/* Two bytes tell an indicator from IPv6, which is longer anyway. */
	if (in.len < 2)
		return ts_trunc(TS_DR_TRUNC_TEREDO, reason);
	if (ts_get_be16(in.p) == 0x0001) {
		if (in.len < 4)
			return ts_trunc(TS_DR_TRUNC_TEREDO, reason);
		off = TEREDO_AUTH_FIXED + (size_t)in.p[2] + in.p[3];
		if (in.len < off)
			return ts_trunc(TS_DR_TRUNC_TEREDO, reason);
	}
	if (in.len - off < 2)
		return ts_trunc(TS_DR_TRUNC_TEREDO, reason);
	if (ts_get_be16(in.p + off) == 0x0000) {
		if (in.len - off < TEREDO_ORIGIN_LEN)
			return ts_trunc(TS_DR_TRUNC_TEREDO, reason);
		off += TEREDO_ORIGIN_LEN;
	}
	if (in.len - off < 2)
		return ts_trunc(TS_DR_TRUNC_TEREDO, reason);
	if ((in.p[off] >> 4) != 6) {
		*reason = TS_DR_TEREDO_NOT_IPV6;
		return TS_D_SKIP;
	}
	*next_proto = 0x86dd;
	ts_view_after(in, off, next);
	return TS_D_OK;
}
