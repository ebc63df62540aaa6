/* \summary: IPv6 dissector: extension-header walk, limits, fragments, lengths */
#include "dissect_test.h"

#define TCP_SYN (ipv6_syn + IPV6_SYN_TCP_OFF)
#define TCP_SYN_LEN 40

/* Fixed header of ipv6_syn with another next header and payload length. */
static void v6_header(struct frame *f, uint8_t nh, uint16_t plen)
{
	f->len = 0;
	frame_cat(f, ipv6_syn, 40);
	f->b[4] = (uint8_t)(plen >> 8);
	f->b[5] = (uint8_t)plen;
	f->b[6] = nh;
}

/* An 8-byte extension header of options: next header, length 0, PadN 4. */
static void ext8(struct frame *f, uint8_t nh)
{
	const uint8_t h[8] = { nh, 0, 0x01, 0x04, 0, 0, 0, 0 };

	frame_cat(f, h, sizeof(h));
}

static enum ts_drc decode6(const struct frame *f, struct ts_decoded *d,
                           enum ts_decode_reason *r)
{
	return decode_exact(DLT_RAW, f->b, f->len, d, r);
}

static void test_ipv6_plain(void **state)
{
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	assert_int_equal(decode_exact(DLT_RAW, ipv6_syn, sizeof(ipv6_syn), &d, &r), TS_D_OK);
	assert_ipv6_syn(&d);
	assert_int_equal(d.events, 0);
}

static void test_ipv6_hbh_routing_dstopts(void **state)
{
	static const uint8_t hbh[8] = { 43, 0, 0x01, 0x04, 0, 0, 0, 0 };
	static const uint8_t rh[8] = { 60, 0, 4, 0, 0, 0, 0, 0 };
	static const uint8_t dst[16] = { 6, 1, 0x01, 0x0c };
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	v6_header(&f, 0, 32 + TCP_SYN_LEN);
	frame_cat(&f, hbh, sizeof(hbh));
	frame_cat(&f, rh, sizeof(rh));
	frame_cat(&f, dst, sizeof(dst));
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	assert_int_equal(decode6(&f, &d, &r), TS_D_OK);
	assert_int_equal(d.ip_len, 40 + 32 + 40);
	assert_int_equal(d.l4_len, 40);
	assert_int_equal(d.payload_len, 0);
	assert_syn_tcp(&d);
}

static void test_ipv6_ah_and_mobility(void **state)
{
	/* AH length 4 means (4 + 2) * 4 = 24 bytes; mobility is (0 + 1) * 8 */
	static const uint8_t ah[24] = { 135, 4 };
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	v6_header(&f, 51, 24 + 8 + TCP_SYN_LEN);
	frame_cat(&f, ah, sizeof(ah));
	ext8(&f, 6);
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	assert_int_equal(decode6(&f, &d, &r), TS_D_OK);
	assert_int_equal(d.l4_len, 40);
	assert_syn_tcp(&d);
}

static void test_ipv6_not_tcp(void **state)
{
	static const uint8_t next[] = { 17, 50, 59, 58 };
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(next); i++) {
		v6_header(&f, next[i], TCP_SYN_LEN);
		frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
		assert_int_equal(decode6(&f, &d, &r), TS_D_SKIP);
		assert_int_equal(r, TS_DR_NOT_TCP);
	}
	/* No Next Header after a destination-options header */
	v6_header(&f, 60, 8);
	ext8(&f, 59);
	assert_int_equal(decode6(&f, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_TCP);
}

static void ext_chain(struct frame *f, unsigned n)
{
	unsigned i;

	v6_header(f, 60, (uint16_t)(n * 8 + TCP_SYN_LEN));
	for (i = 0; i < n; i++)
		ext8(f, i + 1 == n ? 6 : 60);
	frame_cat(f, TCP_SYN, TCP_SYN_LEN);
}

static void test_ipv6_ext_limit(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	ext_chain(&f, TS_IPV6_MAX_EXT_HEADERS);
	assert_int_equal(decode6(&f, &d, &r), TS_D_OK);
	assert_int_equal(d.l4_len, 40);
	assert_syn_tcp(&d);

	ext_chain(&f, TS_IPV6_MAX_EXT_HEADERS + 1);
	assert_int_equal(decode6(&f, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_IPV6_EXT_LIMIT);

	ext_chain(&f, 101);
	assert_int_equal(f.len, 40 + 101 * 8 + 40);
	assert_int_equal(decode6(&f, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_IPV6_EXT_LIMIT);
}

static void test_ipv6_ext_beyond_payload_len(void **state)
{
	/* a 16-byte hop-by-hop header in an 8-byte payload, all captured */
	static const uint8_t hbh16[16] = { 6, 1, 0x01, 0x0c };
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	v6_header(&f, 0, 8);
	frame_cat(&f, hbh16, sizeof(hbh16));
	assert_int_equal(decode6(&f, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV6_BAD_EXT);

	/* not even room for next header and length */
	v6_header(&f, 60, 1);
	frame_byte(&f, 6);
	assert_int_equal(decode6(&f, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV6_BAD_EXT);
}

static void test_ipv6_ext_beyond_caplen(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	ext_chain(&f, 3);
	/* snaplen ends inside the third header */
	assert_int_equal(decode_exact(DLT_RAW, f.b, 40 + 20, &d, &r), TS_D_TRUNC);
	assert_int_equal(r, TS_DR_TRUNC_IPV6);
	assert_int_equal(decode_exact(DLT_RAW, f.b, 40 + 17, &d, &r), TS_D_TRUNC);
	assert_int_equal(r, TS_DR_TRUNC_IPV6);
}

static void test_ipv6_fragments(void **state)
{
	static const uint8_t first[8] = { 6, 0, 0x00, 0x01, 0xca, 0xfe, 0xba, 0xbe };
	static const uint8_t later[8] = { 6, 0, 0x05, 0xc8, 0xca, 0xfe, 0xba, 0xbe };
	static const uint8_t atomic[8] = { 6, 0, 0x00, 0x00, 0xca, 0xfe, 0xba, 0xbe };
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	v6_header(&f, 44, 8 + TCP_SYN_LEN);
	frame_cat(&f, first, sizeof(first));
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	/* left to reassembly, with the id and next header of the fragment header */
	assert_int_equal(decode6(&f, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_IPV6_FRAGMENT);
	assert_int_equal(d.frag.id, 0xcafebabe);
	assert_int_equal(d.frag.offset, 0);
	assert_int_equal(d.frag.more, 1);
	assert_int_equal(d.frag.proto, 6);
	assert_int_equal(d.frag.hdr_len, 40);
	assert_int_equal(d.frag.len, TCP_SYN_LEN);
	assert_int_equal(d.frag.captured, TCP_SYN_LEN);
	assert_int_equal(d.frag.data - d.frag.hdr, 48);

	memcpy(f.b + 40, later, sizeof(later));
	assert_int_equal(decode6(&f, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_IPV6_FRAGMENT);
	assert_int_equal(d.frag.offset, 0x5c8 & 0xfff8);
	assert_int_equal(d.frag.more, 0);
	f.b[40] = 17; /* later fragment of UDP */
	assert_int_equal(decode6(&f, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_TCP);

	/* offset 0 and no more fragments: a whole datagram, not a fragment */
	memcpy(f.b + 40, atomic, sizeof(atomic));
	assert_int_equal(decode6(&f, &d, &r), TS_D_OK);
	assert_int_equal(d.events, 0);
}

/* BIG TCP: payload length 0, the length in a hop-by-hop jumbo option
 * (RFC 2675), or in the packet itself when there is no hop-by-hop header. */
static void test_ipv6_super_segments(void **state)
{
	static const uint8_t hop_jumbo[8] = { 6, 0, 0xc2, 4, 0x00, 0x01, 0x00, 0x28 };
	static const uint8_t hop_small[8] = { 6, 0, 0xc2, 4, 0x00, 0x00, 0xff, 0xff };
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	v6_header(&f, 0, 0);
	frame_cat(&f, hop_jumbo, sizeof(hop_jumbo));
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	assert_int_equal(decode6(&f, &d, &r), TS_D_OK);
	assert_true(d.events & TS_DE_IP_TSO);
	assert_true(d.events & TS_DE_IP_LEN_BEYOND_CAP); /* 65576 declared, 48 here */
	assert_int_equal(d.ip_len, 40 + 65576);
	assert_int_equal(d.l4_len, 65576 - 8);
	assert_int_equal(d.payload_len, 65576 - 8 - TCP_SYN_LEN);

	/* a jumbo option below 65536 is not a jumbogram (RFC 2675) */
	v6_header(&f, 0, 0);
	frame_cat(&f, hop_small, sizeof(hop_small));
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	assert_int_equal(decode6(&f, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV6_JUMBOGRAM);

	/* no hop-by-hop header: the packet's length */
	v6_header(&f, 6, 0);
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	assert_int_equal(decode6(&f, &d, &r), TS_D_OK);
	assert_true(d.events & TS_DE_IP_TSO);
	assert_int_equal(d.l4_len, TCP_SYN_LEN);
}

static void test_ipv6_bad_headers(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	assert_int_equal(decode_exact(DLT_RAW, ipv6_syn, 39, &d, &r), TS_D_TRUNC);
	assert_int_equal(r, TS_DR_TRUNC_IPV6);

	/* jumbogram without a jumbo payload option: its length is unknown */
	v6_header(&f, 0, 0);
	ext8(&f, 6);
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	assert_int_equal(decode6(&f, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV6_JUMBOGRAM);

	/* payload length 0 claims no TCP header at all */
	v6_header(&f, 6, 0);
	assert_int_equal(decode6(&f, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_TCP_BAD_LEN);
}

static void test_ipv6_snaplen_and_trailer(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	/* 40 + 40 TCP + 100 payload declared, capture ends 30 bytes into the payload */
	v6_header(&f, 6, TCP_SYN_LEN + 100);
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	frame_cat(&f, "abcdefghijklmnopqrstuvwxyz0123", 30);
	assert_int_equal(decode6(&f, &d, &r), TS_D_OK);
	assert_int_equal(d.ip_len, 180);
	assert_int_equal(d.payload_len, 100);
	assert_int_equal(d.payload_captured, 30);
	assert_memory_equal(d.payload, "abcdefghijklmnopqrstuvwxyz0123", 30);
	assert_int_equal(d.events, TS_DE_IP_LEN_BEYOND_CAP);

	/* declared 5 payload bytes, 30 present: the rest is trailer */
	f.b[5] = TCP_SYN_LEN + 5;
	assert_int_equal(decode6(&f, &d, &r), TS_D_OK);
	assert_int_equal(d.payload_len, 5);
	assert_int_equal(d.payload_captured, 5);
	assert_int_equal(d.events, 0);
}

static void test_ipv6_view_narrowed(void **state)
{
	struct frame f;
	struct ts_decoded d;
	struct ts_view next;
	uint16_t proto = 0;
	enum ts_decode_reason r = TS_DR_NONE;

	(void)state;
	v6_header(&f, 60, 8 + TCP_SYN_LEN);
	ext8(&f, 6);
	frame_cat(&f, TCP_SYN, TCP_SYN_LEN);
	frame_cat(&f, "trailer", 7);
	memset(&d, 0, sizeof(d));
	assert_int_equal(ts_dissect_ipv6((struct ts_view){ f.b, f.len }, &d, &next,
	                                 &proto, &r), TS_D_OK);
	assert_int_equal(proto, 6);
	assert_ptr_equal(next.p, f.b + 48);
	assert_int_equal(next.len, TCP_SYN_LEN);
	assert_int_equal(d.l4_len, TCP_SYN_LEN);
	assert_int_equal(d.ip_len, 40 + 8 + TCP_SYN_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_plain),
		cmocka_unit_test(test_ipv6_hbh_routing_dstopts),
		cmocka_unit_test(test_ipv6_ah_and_mobility),
		cmocka_unit_test(test_ipv6_not_tcp),
		cmocka_unit_test(test_ipv6_ext_limit),
		cmocka_unit_test(test_ipv6_ext_beyond_payload_len),
		cmocka_unit_test(test_ipv6_ext_beyond_caplen),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_ipv6_super_segments),
		cmocka_unit_test(test_ipv6_bad_headers),
		cmocka_unit_test(test_ipv6_snaplen_and_trailer),
		cmocka_unit_test(test_ipv6_view_narrowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
