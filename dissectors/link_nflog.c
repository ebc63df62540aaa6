/* \summary: Linux NFLOG (DLT_NFLOG 239): a family byte, then TLVs whose lengths are in the writer's byte order */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define NFLOG_HDR_LEN     4 /* family, version, resource id */
#define NFLOG_TLV_LEN     4 /* length, type */
#define NFULA_PAYLOAD     9
#define NFLOG_AF_INET     2
#define NFLOG_AF_INET6    10
#define NFLOG_MAX_TLVS    64

static uint16_t get16(const uint8_t *p, int big)
{
	return big ? ts_get_be16(p) : (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

/*
 * The TLV lengths and types are in the capturing host's order, which the file
 * does not record: types are small numbers, so the order that makes the first
 * type small and its length fit is the writer's.
 */
static int nflog_tlv_plausible(const uint8_t *t, size_t room, int big)
{
	uint16_t len = get16(t, big), type = get16(t + 2, big) & 0x7fff;

	return type < 0x100 && len >= NFLOG_TLV_LEN && len <= room;
}

/* Little-endian (most writers) unless only big-endian makes sense. */
static int nflog_big_endian(struct ts_view in)
{
	const uint8_t *t = in.p + NFLOG_HDR_LEN;
	size_t room = in.len - NFLOG_HDR_LEN;

	return !nflog_tlv_plausible(t, room, 0) && nflog_tlv_plausible(t, room, 1);
}

enum ts_drc ts_dissect_nflog(struct ts_view in, struct ts_decoded *out,
                             struct ts_view *next, uint16_t *next_proto,
                             enum ts_decode_reason *reason)
{
	size_t off = NFLOG_HDR_LEN;
	int big;

	(void)out;
	if (in.len < NFLOG_HDR_LEN + NFLOG_TLV_LEN)
		return ts_trunc(TS_DR_TRUNC_NFLOG, reason);
	switch (in.p[0]) {
	case NFLOG_AF_INET: *next_proto = TS_ETHERTYPE_IPV4; break;
	case NFLOG_AF_INET6: *next_proto = TS_ETHERTYPE_IPV6; break;
	default:
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	big = nflog_big_endian(in);
	for (unsigned n = 0; n < NFLOG_MAX_TLVS; n++) {
		if (in.len - off < NFLOG_TLV_LEN)
			return ts_trunc(TS_DR_TRUNC_NFLOG, reason);
		size_t len = get16(in.p + off, big);
		uint16_t type = get16(in.p + off + 2, big) & 0x7fff; /* NLA_F_NESTED */
		if (len < NFLOG_TLV_LEN)
			return ts_invalid(TS_DR_NFLOG_BAD_TLV, reason);
		if (type == NFULA_PAYLOAD) {
			/* The payload may be cut by the snaplen: keep what is there. */
			ts_view_after(in, off + NFLOG_TLV_LEN, next);
			if (next->len > len - NFLOG_TLV_LEN)
				next->len = len - NFLOG_TLV_LEN;
			return TS_D_OK;
		}
		size_t padded = (len + 3) & ~(size_t)3;
		if (in.len - off < padded) {
			*reason = in.len - off < len ? TS_DR_TRUNC_NFLOG : TS_DR_NFLOG_NO_PAYLOAD;
			return in.len - off < len ? TS_D_TRUNC : TS_D_SKIP;
		}
		off += padded;
		if (off == in.len) {
			*reason = TS_DR_NFLOG_NO_PAYLOAD;
			return TS_D_SKIP;
		}
	}
	return ts_invalid(TS_DR_NFLOG_BAD_TLV, reason);
}
