/* \summary: IPv4 header: Suricata check order, lengths from the header, fragments */
#include <string.h>

#include "tcpscope/dissect.h"
#include "encap_common.h"
#include "extract.h"

#define IPV4_MIN_HLEN   20
#define IPV4_MF         0x2000
#define IPV4_OFFSET     0x1fff
#define IPPROTO_TCP_NUM 6

enum ts_drc ts_dissect_ipv4(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	const uint8_t *p = in.p;
	size_t hlen, total, avail;
	uint16_t frag;

	if (in.len < IPV4_MIN_HLEN) {
		*reason = TS_DR_TRUNC_IPV4;
		return TS_D_TRUNC;
	}
	if ((p[0] >> 4) != 4) {
		*reason = TS_DR_IPV4_BAD_VERSION;
		return TS_D_INVALID;
	}
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < IPV4_MIN_HLEN) {
		*reason = TS_DR_IPV4_BAD_HLEN;
		return TS_D_INVALID;
	}
	if (hlen > in.len) {
		*reason = TS_DR_TRUNC_IPV4;
		return TS_D_TRUNC;
	}
	total = ts_get_be16(p + 2);
	/*
	 * Total length 0: a TSO/GSO super-segment handed to the capture before
	 * the NIC split it (Linux BIG TCP sets 0 above 64 KiB). Its length is
	 * what the packet holds from here on, captured or cut by the snaplen.
	 */
	if (total == 0 && in.len > hlen) {
		total = in.len + out->wire_beyond_cap;
		out->events |= TS_DE_IP_TSO;
	}
	if (total < hlen) {
		*reason = TS_DR_IPV4_BAD_LEN;
		return TS_D_INVALID;
	}

	out->af = 4;
	out->ttl = p[8];
	out->ip_id = ts_get_be16(p + 4);
	out->ip_len = (uint32_t)total;
	memcpy(out->src, p + 12, 4);
	memset(out->src + 4, 0, sizeof(out->src) - 4);
	memcpy(out->dst, p + 16, 4);
	memset(out->dst + 4, 0, sizeof(out->dst) - 4);
	*next_proto = p[9];

	/*
	 * The header's length rules: more captured bytes are link padding (cut
	 * off), fewer mean the snaplen cut the datagram, which is normal.
	 */
	avail = in.len;
	if (total > avail)
		out->events |= TS_DE_IP_LEN_BEYOND_CAP;
	else
		avail = total;

	enum ts_drc done = TS_D_OK;
	if (p[9] != IPPROTO_TCP_NUM) {
		if (!ts_ip_proto_tunnels(p[9])) {
			*reason = TS_DR_NOT_TCP;
			return TS_D_SKIP;
		}
		done = TS_D_NEXT;
	}
	frag = ts_get_be16(p + 6);
	if ((frag & (IPV4_OFFSET | IPV4_MF)) != 0 && done == TS_D_NEXT) {
		/* Tunnels are not reassembled: a first fragment is decoded as far
		 * as it goes, later ones are counted with everything not TCP. */
		if ((frag & IPV4_OFFSET) != 0) {
			*reason = TS_DR_NOT_TCP;
			return TS_D_SKIP;
		}
		out->events |= TS_DE_IP_FRAGMENT;
	} else if ((frag & (IPV4_OFFSET | IPV4_MF)) != 0) {
		/* A piece of a datagram: reassembly decides when it is whole. */
		out->frag = (struct ts_ip_frag){
			.hdr = p,
			.data = p + hlen,
			.id = out->ip_id,
			.len = (uint32_t)(total - hlen),
			.captured = (uint32_t)(avail - hlen),
			.offset = (uint16_t)((frag & IPV4_OFFSET) * 8),
			.hdr_len = (uint8_t)hlen,
			.more = (frag & IPV4_MF) != 0,
			.proto = IPPROTO_TCP_NUM,
		};
		*reason = TS_DR_IPV4_FRAGMENT;
		return TS_D_SKIP;
	}

	out->l4_len = (uint32_t)(total - hlen);
	next->p = p + hlen;
	next->len = avail - hlen;
	return done;
}
