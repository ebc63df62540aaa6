/* \summary: frame builders shared by the encapsulation dissector tests */
#ifndef TCPSCOPE_TESTS_ENCAP_TEST_H
#define TCPSCOPE_TESTS_ENCAP_TEST_H

#include "dissect_test.h"

static inline void frame_be32(struct frame *f, uint32_t v)
{
	frame_be16(f, (uint16_t)(v >> 16));
	frame_be16(f, (uint16_t)v);
}

static inline void put_eth(struct frame *f, uint16_t type)
{
	frame_cat(f, eth_hdr_ipv4, 12);
	frame_be16(f, type);
}

/* An outer IPv4 header; fix_len() writes its total length once the rest is in. */
static inline size_t put_ipv4(struct frame *f, uint8_t proto)
{
	static const uint8_t h[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, 0, 0, 0,
	                               10, 255, 0, 1, 10, 255, 0, 2 };
	size_t at = f->len;

	frame_cat(f, h, sizeof(h));
	f->b[at + 9] = proto;
	return at;
}

static inline void fix_ipv4(struct frame *f, size_t at)
{
	size_t n = f->len - at;

	f->b[at + 2] = (uint8_t)(n >> 8);
	f->b[at + 3] = (uint8_t)n;
}

static inline size_t put_ipv6(struct frame *f, uint8_t nh)
{
	uint8_t h[40] = { 0x60, 0, 0, 0, 0, 0, nh, 64, 0xfd, [23] = 1, [24] = 0xfd, [39] = 2 };
	size_t at = f->len;

	frame_cat(f, h, sizeof(h));
	return at;
}

static inline void fix_ipv6(struct frame *f, size_t at)
{
	size_t n = f->len - at - 40;

	f->b[at + 4] = (uint8_t)(n >> 8);
	f->b[at + 5] = (uint8_t)n;
}

static inline size_t put_udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	size_t at = f->len;

	frame_be16(f, sport);
	frame_be16(f, dport);
	frame_be32(f, 0);
	return at;
}

static inline void fix_udp(struct frame *f, size_t at)
{
	size_t n = f->len - at;

	f->b[at + 4] = (uint8_t)(n >> 8);
	f->b[at + 5] = (uint8_t)n;
}

/* The inner frame most tunnels carry: Ethernet, then ipv4_syn. */
static inline void put_inner_eth_syn(struct frame *f)
{
	frame_cat(f, eth_hdr_ipv4, sizeof(eth_hdr_ipv4));
	frame_cat(f, ipv4_syn, sizeof(ipv4_syn));
}

static inline void decode_ok(const struct frame *f, struct ts_decoded *d)
{
	enum ts_decode_reason r;

	assert_int_equal(decode_exact(DLT_EN10MB, f->b, f->len, d, &r), TS_D_OK);
	assert_int_equal(r, TS_DR_NONE);
}

static inline void decode_fails(const struct frame *f, enum ts_drc rc, enum ts_decode_reason want)
{
	struct ts_decoded d;
	enum ts_decode_reason r;

	assert_int_equal(decode_exact(DLT_EN10MB, f->b, f->len, &d, &r), rc);
	assert_int_equal(r, want);
}

/*
 * Every cut of the frame before min_ok bytes fails with a reason, none reads
 * out of bounds (decode_exact's copy is exactly that long), and cuts inside
 * the tunnel header (from hdr_at to hdr_end) give the tunnel's truncation.
 */
static inline void check_prefixes(const struct frame *f, size_t hdr_at, size_t hdr_end,
                                  enum ts_decode_reason trunc)
{
	struct ts_decoded d;
	enum ts_decode_reason r;

	for (size_t n = 0; n < f->len; n++) {
		enum ts_drc rc = decode_exact(DLT_EN10MB, f->b, n, &d, &r);
		if (rc != TS_D_OK)
			assert_true(r != TS_DR_NONE && (unsigned)r < TS_DR_COUNT);
		if (n >= hdr_at && n < hdr_end) {
			assert_int_equal(rc, TS_D_TRUNC);
			assert_int_equal(r, trunc);
		}
	}
}

static inline bool has_encap(const struct ts_decoded *d, enum ts_encap e)
{
	return (d->encaps & (1u << e)) != 0;
}

#endif
