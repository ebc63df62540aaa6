/* \summary: GRE (RFC 2784/2890: checksum, key, sequence), PPTP's enhanced GRE, ERSPAN type I, WCCP, Aruba 802.11 */
#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define GRE_BASE_LEN   4
#define GRE_F_CSUM     0x8000
#define GRE_F_ROUTING  0x4000
#define GRE_F_KEY      0x2000
#define GRE_F_SEQ      0x1000
#define GRE_VERSION    0x0007
#define GRE_F_ACK      0x0080 /* version 1: acknowledgment number present */
#define GRE_PROTO_PPP  0x880b
#define PPP_IPV4       0x0021
#define PPP_IPV6       0x0057
#define WCCP_REDIRECT_LEN 4
#define ARUBA_FIRST    0x8200 /* Aruba access points tunnel 802.11 frames */
#define ARUBA_LAST     0x9000

/*
 * Aruba tunnels carry the 802.11 data frame as the access point received it:
 * a MAC header (24 bytes, 30 with four addresses, 2 more for QoS) and LLC/SNAP.
 */
static enum ts_drc gre_aruba_80211(struct ts_view in, struct ts_view *next,
                                   uint16_t *next_proto, enum ts_decode_reason *reason)
{
	size_t hlen = 24;

	if (in.len < hlen)
		return ts_trunc(TS_DR_TRUNC_GRE, reason);
	uint8_t fc0 = in.p[0], fc1 = in.p[1];
	if ((fc0 & 0x0c) != 0x08 || (fc1 & 0x40) != 0) { /* not data, or encrypted */
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	if ((fc1 & 0x03) == 0x03)
		hlen += 6;
	if (fc0 & 0x80)
		hlen += 2;
	if (in.len < hlen + 8)
		return ts_trunc(TS_DR_TRUNC_GRE, reason);
	const uint8_t *llc = in.p + hlen;
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03 || llc[3] || llc[4] || llc[5]) {
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	*next_proto = ts_get_be16(llc + 6);
	ts_view_after(in, hlen + 8, next);
	return TS_D_OK;
}

/*
 * PPTP (RFC 2637): the key holds the payload length and the peer's call id
 * (chosen per direction, so no identity), then PPP with or without its
 * address and control bytes and with a one- or two-byte protocol.
 */
static enum ts_drc gre_pptp(struct ts_view in, uint16_t flags, uint16_t proto, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto, enum ts_decode_reason *reason)
{
	size_t off = GRE_BASE_LEN + 4, plen;
	uint16_t ppp;

	ts_encap_mark(out, TS_ENC_PPTP);
	if (proto != GRE_PROTO_PPP || (flags & GRE_F_KEY) == 0 || (flags & (GRE_F_CSUM | GRE_F_ROUTING)))
		return ts_invalid(TS_DR_GRE_BAD_VERSION, reason);
	if (flags & GRE_F_SEQ)
		off += 4;
	if (flags & GRE_F_ACK)
		off += 4;
	if (in.len < off)
		return ts_trunc(TS_DR_TRUNC_GRE, reason);
	plen = ts_get_be16(in.p + 4);
	if (plen == 0) { /* an acknowledgment alone */
		*reason = TS_DR_GRE_PPP_NOT_IP;
		return TS_D_SKIP;
	}
	ts_view_after(in, off, next);
	if (next->len > plen)
		next->len = plen;
	/* The PPP header is at most 4 bytes: less than that captured is a cut. */
	if (next->len < (plen < 4 ? plen : 4))
		return ts_trunc(TS_DR_TRUNC_GRE, reason);
	size_t p = 0;
	if (next->len >= 2 && next->p[0] == 0xff && next->p[1] == 0x03)
		p = 2;
	if (next->len > p && (next->p[p] & 1)) {
		ppp = next->p[p];
		p += 1;
	} else if (next->len >= p + 2) {
		ppp = ts_get_be16(next->p + p);
		p += 2;
	} else {
		*reason = TS_DR_GRE_PPP_NOT_IP;
		return TS_D_SKIP;
	}
	switch (ppp) {
	case PPP_IPV4: *next_proto = 0x0800; break;
	case PPP_IPV6: *next_proto = 0x86dd; break;
	default:
		*reason = TS_DR_GRE_PPP_NOT_IP;
		return TS_D_SKIP;
	}
	ts_view_after(*next, p, next);
	return TS_D_OK;
}

enum ts_drc ts_dissect_gre(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason)
{
	size_t off = GRE_BASE_LEN;
	uint16_t flags, proto;

	ts_encap_mark(out, TS_ENC_GRE);
	if (in.len < GRE_BASE_LEN)
		return ts_trunc(TS_DR_TRUNC_GRE, reason);
	flags = ts_get_be16(in.p);
	proto = ts_get_be16(in.p + 2);
	if ((flags & GRE_VERSION) == 1)
		return gre_pptp(in, flags, proto, out, next, next_proto, reason);
	if ((flags & GRE_VERSION) != 0)
		return ts_invalid(TS_DR_GRE_BAD_VERSION, reason);
	if (flags & GRE_F_ROUTING) {
		*reason = TS_DR_GRE_ROUTING;
		return TS_D_SKIP;
	}
	if (flags & GRE_F_CSUM)
		off += 4; /* checksum and reserved */
	if (flags & GRE_F_KEY) {
		if (in.len < off + 4)
			return ts_trunc(TS_DR_TRUNC_GRE, reason);
		/* Both tunnel ends share the key: it tells overlapping networks apart. */
		if (!ts_ctx_add(out, TS_CTX_GRE_KEY, ts_get_be32(in.p + off), 4, reason))
			return TS_D_SKIP;
		off += 4;
	}
	if (flags & GRE_F_SEQ)
		off += 4;
	if (in.len < off)
		return ts_trunc(TS_DR_TRUNC_GRE, reason);
	ts_view_after(in, off, next);

	switch (proto) {
	case 0x0800:
	case 0x86dd:
	case 0x8100:
	case TS_ETHERTYPE_MPLS_UC:
	case TS_ETHERTYPE_MPLS_MC:
	case TS_PROTO_ETHERNET:
	case TS_ETHERTYPE_ERSPAN3:
		*next_proto = proto;
		return TS_D_OK;
	case TS_ETHERTYPE_ERSPAN2:
		/* Type I has no sequence number and no ERSPAN header. */
		if ((flags & GRE_F_SEQ) == 0) {
			ts_ctx_clear(out);
			ts_encap_mark(out, TS_ENC_ERSPAN);
			*next_proto = TS_PROTO_ETHERNET;
		} else {
			*next_proto = proto;
		}
		return TS_D_OK;
	case TS_ETHERTYPE_WCCP:
		/* WCCPv2 adds a redirect header; v1 sends the IP packet as is. */
		ts_encap_mark(out, TS_ENC_WCCP);
		if (next->len < 1)
			return ts_trunc(TS_DR_TRUNC_GRE, reason);
		if ((next->p[0] >> 4) != 4) {
			if (next->len < WCCP_REDIRECT_LEN)
				return ts_trunc(TS_DR_TRUNC_GRE, reason);
			ts_view_after(*next, WCCP_REDIRECT_LEN, next);
		}
		*next_proto = 0x0800;
		return TS_D_OK;
	default:
		if (proto >= ARUBA_FIRST && proto <= ARUBA_LAST && (proto & 0x000f) == 0)
			return gre_aruba_80211(*next, next, next_proto, reason);
		*reason = TS_DR_GRE_UNKNOWN_PROTO;
		return TS_D_SKIP;
	}
}
