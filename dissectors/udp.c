/* \summary: UDP header (RFC 768): ports for the tunnel dispatch, payload bounded by the UDP length */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define UDP_HDR_LEN 8

/* Ports go to out->sport/dport (a TCP header inside overwrites them). */
enum ts_drc ts_dissect_udp(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason)
{
	size_t ulen;

	if (in.len < UDP_HDR_LEN)
		return ts_trunc(TS_DR_TRUNC_UDP, reason);
	ulen = ts_get_be16(in.p + 4);
	/* Length 0 is a UDP jumbogram (RFC 2675): the IP length rules. */
	if (ulen != 0 && ulen < UDP_HDR_LEN)
		return ts_invalid(TS_DR_UDP_BAD_LEN, reason);
	out->sport = ts_get_be16(in.p);
	out->dport = ts_get_be16(in.p + 2);
	ts_view_after(in, UDP_HDR_LEN, next);
	if (ulen != 0 && next->len > ulen - UDP_HDR_LEN)
		next->len = ulen - UDP_HDR_LEN;
	*next_proto = 0;
	return TS_D_OK;
}
