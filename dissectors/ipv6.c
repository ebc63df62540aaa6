/* \summary: IPv6 header and a bounded walk over its extension headers */
#include <string.h>

#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define IPV6_HDR_LEN     40
#define IPV6_FRAG_HDRLEN 8
#define IPV6_FRAG_OFFSET 0xfff8
#define IPV6_FRAG_MORE   0x0001
#define IPV6_OPT_PAD1    0
#define IPV6_OPT_JUMBO   0xc2
#define IPV6_JUMBO_MIN   65536u /* RFC 2675: smaller lengths use the header field */

enum ipv6_next {
	NH_HOPOPTS = 0,
	NH_TCP = 6,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_AH = 51,
	NH_DSTOPTS = 60,
	NH_MOBILITY = 135,
};

static int ipv6_is_ext(uint8_t nh)
{
	switch (nh) {
	case NH_HOPOPTS:
	case NH_ROUTING:
	case NH_FRAGMENT:
	case NH_AH:
	case NH_DSTOPTS:
	case NH_MOBILITY:
		return 1;
	default:
		return 0;
	}
}

/*
 * The payload length of a jumbogram (RFC 2675): the Jumbo Payload option in
 * the hop-by-hop header at h (hlen bytes, captured). 0 when it has none.
 * Linux BIG TCP captures carry one on GSO packets above 64 KiB.
 */
static uint32_t ipv6_jumbo_len(const uint8_t *h, size_t hlen)
{
	size_t i = 2;

	while (i < hlen) {
		if (h[i] == IPV6_OPT_PAD1) {
			i++;
			continue;
		}
		if (hlen - i < 2 || hlen - i - 2 < h[i + 1])
			return 0;
		if (h[i] == IPV6_OPT_JUMBO && h[i + 1] == 4)
			return ts_get_be32(h + i + 2);
		i += 2 + (size_t)h[i + 1];
	}
	return 0;
}

/* Length of the extension header at h (two bytes readable). */
static size_t ipv6_ext_len(uint8_t nh, const uint8_t *h)
{
	if (nh == NH_FRAGMENT)
		return IPV6_FRAG_HDRLEN;
	if (nh == NH_AH)
		return ((size_t)h[1] + 2) * 4; /* RFC 4302: 4-byte units minus 2 */
	return ((size_t)h[1] + 1) * 8;
}

enum ts_drc ts_dissect_ipv6(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	const uint8_t *p = in.p, *ext;
	size_t plen, avail, off = 0, elen;
	unsigned count = 0;
	uint8_t nh;

	if (in.len < IPV6_HDR_LEN) {
		*reason = TS_DR_TRUNC_IPV6;
		return TS_D_TRUNC;
	}
	if ((p[0] >> 4) != 6) {
		*reason = TS_DR_IPV6_BAD_VERSION;
		return TS_D_INVALID;
	}
	plen = ts_get_be16(p + 4);
	nh = p[6];
	if (plen == 0 && in.len > IPV6_HDR_LEN) {
		/*
		 * A super-segment: a jumbogram takes its length from the option;
		 * without a hop-by-hop header (Linux BIG TCP without the option)
		 * the packet's own length is all there is.
		 */
		if (nh == NH_HOPOPTS) {
			size_t hl = in.len - IPV6_HDR_LEN >= 2 ? ((size_t)p[IPV6_HDR_LEN + 1] + 1) * 8 : 0;
			uint32_t jl = hl && hl <= in.len - IPV6_HDR_LEN ? ipv6_jumbo_len(p + IPV6_HDR_LEN, hl) : 0;

			if (jl < IPV6_JUMBO_MIN || jl > UINT32_MAX - IPV6_HDR_LEN) {
				*reason = TS_DR_IPV6_JUMBOGRAM;
				return TS_D_INVALID;
			}
			plen = jl;
		} else {
			plen = in.len - IPV6_HDR_LEN + out->wire_beyond_cap;
		}
		out->events |= TS_DE_IP_TSO;
	} else if (plen == 0 && nh == NH_HOPOPTS) {
		*reason = TS_DR_IPV6_JUMBOGRAM;
		return TS_D_INVALID;
	}

	out->af = 6;
	out->ttl = p[7];
	out->ip_id = 0;
	out->ip_len = (uint32_t)(IPV6_HDR_LEN + plen);
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);

	avail = in.len - IPV6_HDR_LEN;
	if (plen > avail)
		out->events |= TS_DE_IP_LEN_BEYOND_CAP;
	else
		avail = plen; /* link padding */
	ext = p + IPV6_HDR_LEN;

	/* Each header is checked against the declared length, then the capture. */
	while (ipv6_is_ext(nh)) {
		if (count == TS_IPV6_MAX_EXT_HEADERS) {
			*reason = TS_DR_IPV6_EXT_LIMIT;
			return TS_D_SKIP;
		}
		count++;
		if (plen - off < 2) {
			*reason = TS_DR_IPV6_BAD_EXT;
			return TS_D_INVALID;
		}
		if (avail - off < 2) {
			*reason = TS_DR_TRUNC_IPV6;
			return TS_D_TRUNC;
		}
		elen = ipv6_ext_len(nh, ext + off);
		if (plen - off < elen) {
			*reason = TS_DR_IPV6_BAD_EXT;
			return TS_D_INVALID;
		}
		if (avail - off < elen) {
			*reason = TS_DR_TRUNC_IPV6;
			return TS_D_TRUNC;
		}
		if (nh == NH_FRAGMENT) {
			uint16_t fo = ts_get_be16(ext + off + 2);

			if ((fo & (IPV6_FRAG_OFFSET | IPV6_FRAG_MORE)) != 0) {
				/* After the fragment header come this fragment's bytes,
				 * headers only in the first; its next header names
				 * the protocol of the whole datagram (RFC 8200 4.5). */
				uint8_t inner = ext[off];

				if (inner != NH_TCP && !ipv6_is_ext(inner)) {
					*reason = TS_DR_NOT_TCP;
					return TS_D_SKIP;
				}
				out->frag = (struct ts_ip_frag){
					.hdr = p,
					.data = ext + off + elen,
					.id = ts_get_be32(ext + off + 4),
					.len = (uint32_t)(plen - off - elen),
					.captured = (uint32_t)(avail - off - elen),
					.offset = (uint16_t)(fo & IPV6_FRAG_OFFSET),
					.hdr_len = IPV6_HDR_LEN,
					.more = (fo & IPV6_FRAG_MORE) != 0,
					.proto = inner,
				};
				*reason = TS_DR_IPV6_FRAGMENT;
				return TS_D_SKIP;
			}
		}
		nh = ext[off];
		off += elen;
	}
	*next_proto = nh;
	if (nh != NH_TCP && !ts_ip_proto_tunnels(nh)) { /* also ESP (50) and No Next Header (59) */
		*reason = TS_DR_NOT_TCP;
		return TS_D_SKIP;
	}
	out->l4_len = (uint32_t)(plen - off);
	next->p = ext + off;
	next->len = avail - off;
	return nh == NH_TCP ? TS_D_OK : TS_D_NEXT;
}
