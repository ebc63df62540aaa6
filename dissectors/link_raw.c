/* \summary: raw IP links: DLT_RAW / LINKTYPE_RAW (version nibble), DLT_IPV4, DLT_IPV6 */
#include "tcpscope/dissect.h"
#include "link_common.h"

static enum ts_drc raw_fixed(struct ts_view in, struct ts_view *next,
                             uint16_t *next_proto, uint16_t type,
                             enum ts_decode_reason *reason)
{
	if (in.len == 0) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	*next = in;
	*next_proto = type;
	return TS_D_OK;
}

enum ts_drc ts_dissect_raw(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason)
{
	(void)out;
	if (in.len == 0) {
		*reason = TS_DR_TRUNC_LINK;
		return TS_D_TRUNC;
	}
	switch (in.p[0] >> 4) {
	case 4:
		return raw_fixed(in, next, next_proto, TS_ETHERTYPE_IPV4, reason);
	case 6:
		return raw_fixed(in, next, next_proto, TS_ETHERTYPE_IPV6, reason);
	default:
		*reason = TS_DR_LINK_BAD_IP_VERSION;
		return TS_D_INVALID;
	}
}

/* The DLT promises the version; a wrong nibble is left to the IP dissector. */
enum ts_drc ts_dissect_raw4(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	(void)out;
	return raw_fixed(in, next, next_proto, TS_ETHERTYPE_IPV4, reason);
}

enum ts_drc ts_dissect_raw6(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	(void)out;
	return raw_fixed(in, next, next_proto, TS_ETHERTYPE_IPV6, reason);
}
