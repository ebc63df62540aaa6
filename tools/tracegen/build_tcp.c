/* \summary: tracegen: TCP header, options padding, filler payload and checksum */
#include <string.h>

#include "tracegen.h"

#define TG_IPPROTO_TCP 6

/* Two periods of the filler so any 26-byte run can be copied in one go. */
static const uint8_t filler_pattern[52] =
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

size_t tg_tcp_header_len(const struct tg_seg *s)
{
	return 20 + ((s->optlen + 3) & ~(size_t)3);
}

static void fill_payload(uint8_t *p, uint32_t seq, size_t n)
{
	size_t pos = seq % 26u;

	while (n > 0) {
		size_t chunk = n < 26 ? n : 26;
		memcpy(p, filler_pattern + pos, chunk);
		p += chunk;
		n -= chunk;
	}
}

static uint32_t pseudo_sum(const struct tg_addr *src, const struct tg_addr *dst,
                           size_t tcp_len)
{
	uint8_t tail[8] = { 0 };
	size_t alen = src->family == 6 ? 16 : 4;
	uint32_t sum = tg_sum_add(0, src->ip, alen);

	sum = tg_sum_add(sum, dst->ip, alen);
	if (src->family == 6) {
		put32(tail, (uint32_t)tcp_len);
		tail[7] = TG_IPPROTO_TCP;
		return tg_sum_add(sum, tail, 8);
	}
	tail[1] = TG_IPPROTO_TCP;
	put16(tail + 2, (uint16_t)tcp_len);
	return tg_sum_add(sum, tail, 4);
}

size_t tg_tcp_write(uint8_t *buf, const struct tg_addr *src,
                    const struct tg_addr *dst, const struct tg_seg *s,
                    size_t fill_max)
{
	size_t hlen = tg_tcp_header_len(s);
	size_t total = hlen + s->payload_len;
	size_t fill = s->payload_len < fill_max ? s->payload_len : fill_max;
	unsigned doff = s->doff >= 0 ? (unsigned)s->doff : (unsigned)(hlen / 4);
	uint32_t sum;

	put16(buf, src->port);
	put16(buf + 2, dst->port);
	put32(buf + 4, s->seq);
	put32(buf + 8, s->ack);
	buf[12] = (uint8_t)((doff & 0x0f) << 4);
	buf[13] = s->flags;
	put16(buf + 14, s->win);
	put16(buf + 16, 0);
	put16(buf + 18, s->urp);
	memcpy(buf + 20, s->opts, s->optlen);
	memset(buf + 20 + s->optlen, 0, hlen - 20 - s->optlen); /* EOL padding */
	fill_payload(buf + hlen, s->seq, fill);
	/* A payload cut by the snaplen cannot be checked by any reader, so the
	 * sum covers what is written (all of it whenever the frame is whole). */
	sum = pseudo_sum(src, dst, total);
	sum = tg_sum_add(sum, buf, hlen + fill);
	put16(buf + 16, tg_sum_fold(sum));
	return total;
}
