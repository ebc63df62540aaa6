/* \summary: IP over InfiniBand (DLT_IPOIB 242): RFC 4391 header, with or without Linux's address prefix */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define IPOIB_HDR_LEN   4  /* protocol type, reserved */
#define IPOIB_ADDR_LEN  40 /* destination and source hardware addresses (Linux captures) */

static int ipoib_is_ip_at(struct ts_view in, size_t type_off)
{
	size_t ip = type_off + IPOIB_HDR_LEN;

	if (in.len <= ip)
		return 0;
	uint16_t type = ts_get_be16(in.p + type_off);
	return (type == TS_ETHERTYPE_IPV4 && (in.p[ip] >> 4) == 4) ||
	       (type == TS_ETHERTYPE_IPV6 && (in.p[ip] >> 4) == 6);
}

/*
 * Writers differ: RFC 4391 puts the 4-byte header first, Linux prefixes the
 * two 20-byte hardware addresses. The prefix is taken only when it is
 * followed by a consistent IP header.
 */
enum ts_drc ts_dissect_ipoib(struct ts_view in, struct ts_decoded *out,
                             struct ts_view *next, uint16_t *next_proto,
                             enum ts_decode_reason *reason)
{
	size_t type_off = 0;

	(void)out;
	if (in.len < IPOIB_HDR_LEN)
		return ts_trunc(TS_DR_TRUNC_IPOIB, reason);
	if (!ipoib_is_ip_at(in, 0) && ipoib_is_ip_at(in, IPOIB_ADDR_LEN))
		type_off = IPOIB_ADDR_LEN;
	*next_proto = ts_get_be16(in.p + type_off);
	ts_view_after(in, type_off + IPOIB_HDR_LEN, next);
	return TS_D_OK;
}
