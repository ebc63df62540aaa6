/* \summary: tracegen: TCP option encoders (MSS, window scale, SACK, timestamps, raw) */
#include <string.h>

#include "tracegen.h"

static int room(size_t len, size_t n)
{
	return len + n <= TG_MAX_TCP_OPTS ? 0 : -1;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int tg_opt_mss(uint8_t *opts, size_t *len, uint16_t mss)
{
	const uint8_t b[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };
	return tg_opt_raw(opts, len, b, sizeof b);
}

int tg_opt_wscale(uint8_t *opts, size_t *len, uint8_t shift)
{
	const uint8_t b[3] = { 3, 3, shift };
	return tg_opt_raw(opts, len, b, sizeof b);
}

int tg_opt_sackok(uint8_t *opts, size_t *len)
{
	const uint8_t b[2] = { 4, 2 };
	return tg_opt_raw(opts, len, b, sizeof b);
}

int tg_opt_sack(uint8_t *opts, size_t *len, const uint32_t *edges, size_t n)
{
	uint8_t b[2 + 8 * 4];
	size_t i;

	if (n == 0 || n > 8 || n % 2)
		return -1;
	b[0] = 5;
	b[1] = (uint8_t)(2 + 4 * n);
	for (i = 0; i < n; i++)
		put32(b + 2 + 4 * i, edges[i]);
	return tg_opt_raw(opts, len, b, 2 + 4 * n);
}

int tg_opt_timestamps(uint8_t *opts, size_t *len, uint32_t val, uint32_t ecr)
{
	uint8_t b[10] = { 8, 10 };

	put32(b + 2, val);
	put32(b + 6, ecr);
	return tg_opt_raw(opts, len, b, sizeof b);
}

int tg_opt_raw(uint8_t *opts, size_t *len, const uint8_t *bytes, size_t n)
{
	if (room(*len, n) < 0)
		return -1;
	memcpy(opts + *len, bytes, n);
	*len += n;
	return 0;
}
