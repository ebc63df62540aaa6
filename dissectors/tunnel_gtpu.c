/* \summary: GTP-U version 1 (3GPP TS 29.281, UDP 2152): T-PDUs with optional fields and extension headers */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define GTPU_HDR_LEN  8
#define GTPU_OPT_LEN  4    /* sequence, N-PDU number, next extension type */
#define GTPU_FLAG_PT  0x10
#define GTPU_FLAGS_OPT 0x07 /* E, S, PN: the optional fields are present */
#define GTPU_T_PDU    0xff
#define GTPU_MAX_EXT  8

/*
 * The TEID is not outer identity: each end of a bearer picks the TEID the
 * other sends to, so the two directions carry different ones.
 */
enum ts_drc ts_dissect_gtpu(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	size_t off = GTPU_HDR_LEN, mlen;
	uint8_t flags, ext;

	ts_encap_mark(out, TS_ENC_GTPU);
	if (in.len < GTPU_HDR_LEN)
		return ts_trunc(TS_DR_TRUNC_GTPU, reason);
	flags = in.p[0];
	if ((flags >> 5) != 1 || (flags & GTPU_FLAG_PT) == 0)
		return ts_invalid(TS_DR_GTPU_BAD_VERSION, reason);
	if (in.p[1] != GTPU_T_PDU) { /* echo, error indication, end marker */
		*reason = TS_DR_GTPU_NOT_TPDU;
		return TS_D_SKIP;
	}
	mlen = ts_get_be16(in.p + 2); /* bytes after the mandatory 8 */
	if (flags & GTPU_FLAGS_OPT) {
		if (in.len < off + GTPU_OPT_LEN)
			return ts_trunc(TS_DR_TRUNC_GTPU, reason);
		ext = (flags & 0x04) ? in.p[off + 3] : 0;
		off += GTPU_OPT_LEN;
		for (unsigned n = 0; ext != 0; n++) {
			if (n == GTPU_MAX_EXT)
				return ts_invalid(TS_DR_GTPU_BAD_EXT, reason);
			if (in.len < off + 1)
				return ts_trunc(TS_DR_TRUNC_GTPU, reason);
			size_t elen = (size_t)in.p[off] * 4; /* length byte and next type included */
			if (elen == 0)
				return ts_invalid(TS_DR_GTPU_BAD_EXT, reason);
			if (in.len < off + elen)
				return ts_trunc(TS_DR_TRUNC_GTPU, reason);
			ext = in.p[off + elen - 1];
			off += elen;
		}
	}
	if (mlen < off - GTPU_HDR_LEN)
		return ts_invalid(TS_DR_GTPU_BAD_EXT, reason);
	ts_view_after(in, off, next);
	if (next->len > mlen - (off - GTPU_HDR_LEN))
		next->len = mlen - (off - GTPU_HDR_LEN);
	*next_proto = ts_ip_version_ethertype(*next);
	if (*next_proto == 0) {
		if (next->len == 0)
			return ts_trunc(TS_DR_TRUNC_GTPU, reason);
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	return TS_D_OK;
}
