/* \summary: unaligned big/little-endian loads from packet bytes */
#ifndef TCPSCOPE_DISSECTORS_EXTRACT_H
#define TCPSCOPE_DISSECTORS_EXTRACT_H

#include <stdint.h>

/*
 * No bounds checks here: every caller has already compared the offset with the
 * length of its view, so p points at enough captured bytes.
 */
static inline uint16_t ts_get_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t ts_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t ts_get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

#endif
