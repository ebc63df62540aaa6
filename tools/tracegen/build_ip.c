/* \summary: tracegen: IPv4 and IPv6 headers, IPv6 extension headers, fragment fields */
#include <string.h>

#include "tracegen.h"

#define TG_IPPROTO_TCP 6
#define TG_IPV4_DF 0x4000
#define TG_IPV4_MF 0x2000
#define TG_EXT6_LEN 8   /* every extension header written here is 8 bytes */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t tg_ip_header_len(int family, const struct tg_seg *s)
{
	if (family == 6)
		return 40 + (s->n_ext6 + (s->jumbo ? 1 : 0)) * TG_EXT6_LEN;
	return 20;
}

void tg_ipv4_checksum(uint8_t *ip, size_t hlen)
{
	uint16_t c;

	put16(ip + 10, 0);
	c = tg_sum_fold(tg_sum_add(0, ip, hlen));
	put16(ip + 10, c);
}

static void write_ipv4(uint8_t *b, const struct tg_addr *src,
                       const struct tg_addr *dst, const struct tg_seg *s,
                       size_t l4_len)
{
	uint16_t frag = 0;

	switch (s->frag) {
	case TG_FRAG_NONE:
		frag = TG_IPV4_DF;
		break;
	case TG_FRAG_FIRST:
		frag = TG_IPV4_MF;
		break;
	case TG_FRAG_LATER:
		frag = (uint16_t)(s->frag_offset / 8);
		break;
	case TG_FRAG_SPLIT:
		frag = 0;  /* set per fragment by the framer */
		break;
	}
	b[0] = 0x45;
	b[1] = 0;
	/* a TSO super-segment as Linux captures it (BIG TCP above 64 KiB) */
	put16(b + 2, s->iplen0 ? 0 : (uint16_t)(20 + l4_len));
	put16(b + 4, s->ipid);
	put16(b + 6, frag);
	b[8] = s->ttl;
	b[9] = TG_IPPROTO_TCP;
	memcpy(b + 12, src->ip, 4);
	memcpy(b + 16, dst->ip, 4);
	tg_ipv4_checksum(b, 20);
}

/* Hop-by-hop and destination options hold one PadN option; the routing
 * header is type 0 with no addresses and segments left 0, which RFC 5095
 * says a node processes as if it were absent. */
static void write_ext6(uint8_t *b, uint8_t type, uint8_t next)
{
	memset(b, 0, TG_EXT6_LEN);
	b[0] = next;
	b[1] = 0;
	if (type == TG_EXT6_ROUTE)
		return;  /* type 0, segments left 0, reserved */
	b[2] = 1;    /* PadN */
	b[3] = 4;
}

static void write_ipv6(uint8_t *b, const struct tg_addr *src,
                       const struct tg_addr *dst, const struct tg_seg *s,
                       size_t l4_len)
{
	size_t ext = s->n_ext6 * TG_EXT6_LEN, i;

	b[0] = 0x60, b[1] = 0, b[2] = 0, b[3] = 0;
	put16(b + 4, s->iplen0 || s->jumbo ? 0 : (uint16_t)(ext + l4_len));
	b[6] = s->n_ext6 ? s->ext6[0] : TG_IPPROTO_TCP;
	b[7] = s->ttl;
	memcpy(b + 8, src->ip, 16);
	memcpy(b + 24, dst->ip, 16);
	if (s->jumbo) {
		/* RFC 2675: hop-by-hop first, the Jumbo Payload option holding
		 * the length after the IPv6 header, this header included */
		uint32_t jl = (uint32_t)(TG_EXT6_LEN + ext + l4_len);
		uint8_t *h = b + 40;

		h[0] = b[6];
		h[1] = 0;
		h[2] = 0xc2;
		h[3] = 4;
		h[4] = (uint8_t)(jl >> 24), h[5] = (uint8_t)(jl >> 16);
		h[6] = (uint8_t)(jl >> 8), h[7] = (uint8_t)jl;
		b[6] = TG_EXT6_HOP;
		b += TG_EXT6_LEN;
	}
	for (i = 0; i < s->n_ext6; i++) {
		uint8_t next = i + 1 < s->n_ext6 ? s->ext6[i + 1] : TG_IPPROTO_TCP;
		write_ext6(b + 40 + i * TG_EXT6_LEN, s->ext6[i], next);
	}
}

void tg_ip_write(uint8_t *buf, const struct tg_addr *src,
                 const struct tg_addr *dst, const struct tg_seg *s,
                 size_t l4_len)
{
	if (src->family == 6)
		write_ipv6(buf, src, dst, s, l4_len);
	else
		write_ipv4(buf, src, dst, s, l4_len);
}
