/* \summary: BSD loopback: DLT_NULL (family in host order) and DLT_LOOP (network order) */
#include <string.h>

#include "tcpscope/dissect.h"
#include "link_common.h"

#define NULL_HDR_LEN 4

/* Address family values of the systems that write these headers. */
#define BSD_AF_INET           2
#define LINUX_AF_INET6       10
#define BSD_AF_INET6_BSD     24 /* NetBSD, OpenBSD, BSD/OS */
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN  30

static enum ts_drc null_family(uint32_t family, struct ts_view in,
                               struct ts_view *next, uint16_t *next_proto,
                               enum ts_decode_reason *reason)
{
	/*
	 * A trace read on a host of the other byte order keeps the writer's
	 * order; families are small, so a value in the upper half is swapped.
	 */
	if ((family & 0xffff0000u) != 0)
		family = (family >> 24) | ((family >> 8) & 0xff00u) |
		         ((family << 8) & 0xff0000u) | (family << 24);
	switch (family) {
	case BSD_AF_INET:
		*next_proto = TS_ETHERTYPE_IPV4;
		break;
	case LINUX_AF_INET6:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		*next_proto = TS_ETHERTYPE_IPV6;
		break;
	default:
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	next->p = in.p + NULL_HDR_LEN;
	next->len = in.len - NULL_HDR_LEN;
	return TS_D_OK;
}

enum ts_drc ts_dissect_null(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	uint32_t family;

	(void)out;
	if (in.len < NULL_HDR_LEN) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	memcpy(&family, in.p, sizeof(family)); /* host byte order */
	return null_family(family, in, next, next_proto, reason);
}

enum ts_drc ts_dissect_loop(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	(void)out;
	if (in.len < NULL_HDR_LEN) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	return null_family(ts_get_be32(in.p), in, next, next_proto, reason);
}
