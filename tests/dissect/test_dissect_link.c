/* \summary: link-layer dissectors: Ethernet/VLAN/QinQ, SLL, SLL2, raw, NULL, LOOP */
#include "dissect_test.h"

static void decode_frame_ok(int dlt, const struct frame *f, struct ts_decoded *d)
{
	enum ts_decode_reason r;

	assert_int_equal(decode_exact(dlt, f->b, f->len, d, &r), TS_D_OK);
	assert_int_equal(r, TS_DR_NONE);
}

static void test_eth_ipv4(void **state)
{
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	frame_cat(&f, eth_hdr_ipv4, sizeof(eth_hdr_ipv4));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_frame_ok(DLT_EN10MB, &f, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.vlan_count, 0);
	assert_int_equal(d.vlan[0], 0);
	assert_int_equal(d.vlan[1], 0);
	assert_int_equal(d.events, 0);
}

static void test_eth_ipv6(void **state)
{
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	frame_cat(&f, eth_hdr_ipv6, sizeof(eth_hdr_ipv6));
	frame_cat(&f, ipv6_syn, sizeof(ipv6_syn));
	decode_frame_ok(DLT_EN10MB, &f, &d);
	assert_ipv6_syn(&d);
	assert_int_equal(d.vlan_count, 0);
	assert_int_equal(d.events, 0);
}

static void test_eth_one_vlan(void **state)
{
	/* PCP 7 + VID 100: only the low 12 bits are the id */
	static const uint8_t tag[] = { 0x81, 0x00, 0xe0, 0x64, 0x08, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;
	struct ts_view next;
	uint16_t proto = 0;
	enum ts_decode_reason r = TS_DR_NONE;

	(void)state;
	frame_cat(&f, eth_hdr_ipv4, 12);
	frame_cat(&f, tag, sizeof(tag));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_frame_ok(DLT_EN10MB, &f, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.vlan_count, 1);
	assert_int_equal(d.vlan[0], 100);
	assert_int_equal(d.vlan[1], 0);

	/* the link dissector alone: payload starts after 18 bytes */
	memset(&d, 0, sizeof(d));
	assert_int_equal(ts_dissect_eth((struct ts_view){ f.b, f.len }, &d, &next,
	                                &proto, &r), TS_D_OK);
	assert_int_equal(proto, 0x0800);
	assert_ptr_equal(next.p, f.b + 18);
	assert_int_equal(next.len, f.len - 18);
}

static void test_eth_qinq(void **state)
{
	/* 802.1ad outer VID 10, 802.1Q inner PCP 5 VID 0x123, IPv6 */
	static const uint8_t tags[] = { 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00,
	                                0xa1, 0x23, 0x86, 0xdd };
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	frame_cat(&f, eth_hdr_ipv6, 12);
	frame_cat(&f, tags, sizeof(tags));
	frame_cat(&f, ipv6_syn, sizeof(ipv6_syn));
	decode_frame_ok(DLT_EN10MB, &f, &d);
	assert_ipv6_syn(&d);
	assert_int_equal(d.vlan_count, 2);
	assert_int_equal(d.vlan[0], 10);
	assert_int_equal(d.vlan[1], 0x123);
}

static void test_eth_qinq_9100(void **state)
{
	static const uint8_t tags[] = { 0x91, 0x00, 0x0f, 0xfe, 0x81, 0x00,
	                                0x00, 0x01, 0x08, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	frame_cat(&f, eth_hdr_ipv4, 12);
	frame_cat(&f, tags, sizeof(tags));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_frame_ok(DLT_EN10MB, &f, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.vlan_count, 2);
	assert_int_equal(d.vlan[0], 0xffe);
	assert_int_equal(d.vlan[1], 1);
}

static void test_eth_three_tags_decoded(void **state)
{
	static const uint8_t tags[] = { 0x88, 0xa8, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02,
	                                0x81, 0x00, 0x00, 0x03, 0x08, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	frame_cat(&f, eth_hdr_ipv4, 12);
	frame_cat(&f, tags, sizeof(tags));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	assert_int_equal(decode_exact(DLT_EN10MB, f.b, f.len, &d, &r), TS_D_OK);
	assert_int_equal(d.vlan_count, 3);
	assert_int_equal(d.vlan[0], 1);
	assert_int_equal(d.vlan[2], 3);
	/* each tag is outer identity: kind + 2 bytes */
	assert_int_equal(d.ctx_len, 9);
	assert_int_equal(d.ctx[0], TS_CTX_VLAN);
	assert_int_equal(d.ctx[8], 3);
	assert_true(d.encaps & (1u << TS_ENC_VLAN));
}

/* TS_VLAN_MAX tags decode; one more is the counted limit. */
static void test_eth_nine_tags_skipped(void **state)
{
	static const uint8_t tag[] = { 0x81, 0x00, 0x00, 0x05 };
	static const uint8_t ipv4_type[] = { 0x08, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	frame_cat(&f, eth_hdr_ipv4, 12);
	for (int i = 0; i < TS_VLAN_MAX; i++)
		frame_cat(&f, tag, sizeof(tag));
	frame_cat(&f, ipv4_type, sizeof(ipv4_type));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	assert_int_equal(decode_exact(DLT_EN10MB, f.b, f.len, &d, &r), TS_D_OK);
	assert_int_equal(d.vlan_count, TS_VLAN_MAX);

	f.len = 12;
	for (int i = 0; i < TS_VLAN_MAX + 1; i++)
		frame_cat(&f, tag, sizeof(tag));
	frame_cat(&f, ipv4_type, sizeof(ipv4_type));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	assert_int_equal(decode_exact(DLT_EN10MB, f.b, f.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_LINK_VLAN_LIMIT);
}

static void test_eth_llc_snap(void **state)
{
	/* 802.3 length field, then AA AA 03 00 00 00 08 00 */
	static const uint8_t snap[] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	frame_cat(&f, eth_hdr_ipv4, 12);
	frame_be16(&f, (uint16_t)(sizeof(snap) + sizeof(ipv4_syn)));
	frame_cat(&f, snap, sizeof(snap));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_frame_ok(DLT_EN10MB, &f, &d);
	assert_ipv4_syn(&d);
}

static void test_eth_not_ip(void **state)
{
	/* ARP ethertype, and an 802.3 frame with a plain LLC header (STP) */
	static const uint8_t arp[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	                               0x02, 0, 0, 0, 0, 1, 0x08, 0x06,
	                               0x00, 0x01, 0x08, 0x00, 0x06, 0x04 };
	static const uint8_t stp[] = { 0x01, 0x80, 0xc2, 0, 0, 0,
	                               0x02, 0, 0, 0, 0, 1, 0x00, 0x26,
	                               0x42, 0x42, 0x03, 0x00, 0x00 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	assert_int_equal(decode_exact(DLT_EN10MB, arp, sizeof(arp), &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_IP);
	assert_int_equal(decode_exact(DLT_EN10MB, stp, sizeof(stp), &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_IP);
}

static void test_eth_padding_removed(void **state)
{
	/* bare ACK: IPv4 total length 40, padded to the 60-byte Ethernet minimum */
	static const uint8_t ack[] = {
		0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0, 0,
		10, 0, 0, 2, 10, 0, 0, 1,
		0x00, 0x50, 0xc3, 0x50, 0x00, 0x00, 0x00, 0x10, 0x01, 0x02, 0x03, 0x05,
		0x50, 0x10, 0x01, 0x00, 0, 0, 0, 0,
	};
	static const uint8_t pad[6] = { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	frame_cat(&f, eth_hdr_ipv4, sizeof(eth_hdr_ipv4));
	frame_cat(&f, ack, sizeof(ack));
	frame_cat(&f, pad, sizeof(pad));
	assert_int_equal(f.len, 60);
	decode_frame_ok(DLT_EN10MB, &f, &d);
	assert_int_equal(d.ip_len, 40);
	assert_int_equal(d.flags, TS_TCP_ACK);
	assert_int_equal(d.seq, 0x10);
	assert_int_equal(d.tcp_hlen, 20);
	assert_int_equal(d.payload_len, 0);
	assert_int_equal(d.payload_captured, 0);
	assert_null(d.payload);
	assert_int_equal(d.events, 0);
	assert_false(d.opts.has_mss || d.opts.has_wscale || d.opts.has_timestamps ||
	             d.opts.sack_permitted);
}

static void test_eth_ipv6_trailer_removed(void **state)
{
	/* a 4-byte trailer (e.g. a kept FCS) after an IPv6 segment with data */
	static const uint8_t fcs[4] = { 1, 2, 3, 4 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	frame_cat(&f, eth_hdr_ipv6, sizeof(eth_hdr_ipv6));
	frame_cat(&f, ipv6_syn, sizeof(ipv6_syn));
	frame_cat(&f, fcs, sizeof(fcs));
	decode_frame_ok(DLT_EN10MB, &f, &d);
	assert_ipv6_syn(&d);
}

static void test_sll(void **state)
{
	static const uint8_t sll[] = { 0x00, 0x00, 0x00, 0x01, 0x00, 0x06,
	                               0x02, 0, 0, 0, 0, 0x01, 0, 0, 0x08, 0x00 };
	static const uint8_t sll_vlan[] = { 0x00, 0x04, 0x00, 0x01, 0x00, 0x06,
	                                    0x02, 0, 0, 0, 0, 0x01, 0, 0, 0x81, 0x00,
	                                    0x00, 0x2a, 0x08, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	frame_cat(&f, sll, sizeof(sll));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_frame_ok(DLT_LINUX_SLL, &f, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.vlan_count, 0);

	f.len = 0;
	frame_cat(&f, sll_vlan, sizeof(sll_vlan));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_frame_ok(DLT_LINUX_SLL, &f, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.vlan_count, 1);
	assert_int_equal(d.vlan[0], 42);
}

static void test_sll_not_ip(void **state)
{
	/* protocol 0x0004: 802.2 LLC frames */
	static const uint8_t llc[] = { 0x00, 0x00, 0x00, 0x01, 0x00, 0x06,
	                               0x02, 0, 0, 0, 0, 0x01, 0, 0, 0x00, 0x04,
	                               0x42, 0x42, 0x03 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	assert_int_equal(decode_exact(DLT_LINUX_SLL, llc, sizeof(llc), &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_IP);
}

static void test_sll2(void **state)
{
	static const uint8_t sll2[] = { 0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	                                0x00, 0x01, 0x00, 0x06,
	                                0x02, 0, 0, 0, 0, 0x01, 0, 0 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;
	struct ts_view next;
	uint16_t proto = 0;
	enum ts_decode_reason r = TS_DR_NONE;

	(void)state;
	frame_cat(&f, sll2, sizeof(sll2));
	frame_cat(&f, ipv6_syn, sizeof(ipv6_syn));
	decode_frame_ok(DLT_LINUX_SLL2, &f, &d);
	assert_ipv6_syn(&d);

	memset(&d, 0, sizeof(d));
	assert_int_equal(ts_dissect_sll2((struct ts_view){ f.b, f.len }, &d, &next,
	                                 &proto, &r), TS_D_OK);
	assert_int_equal(proto, 0x86dd);
	assert_ptr_equal(next.p, f.b + 20);
}

static void test_raw(void **state)
{
	struct ts_decoded d;
	enum ts_decode_reason r;
	static const uint8_t junk[] = { 0x50, 0, 0, 0 };

	(void)state;
	assert_int_equal(decode_exact(DLT_RAW, ipv4_syn, sizeof(ipv4_syn), &d, &r), TS_D_OK);
	assert_ipv4_syn(&d);
	assert_int_equal(decode_exact(DLT_RAW, ipv6_syn, sizeof(ipv6_syn), &d, &r), TS_D_OK);
	assert_ipv6_syn(&d);
	/* LINKTYPE_RAW as stored in files, for callers that did not map it */
	assert_int_equal(decode_exact(101, ipv4_syn, sizeof(ipv4_syn), &d, &r), TS_D_OK);
	assert_ipv4_syn(&d);
	assert_int_equal(decode_exact(101, ipv6_syn, sizeof(ipv6_syn), &d, &r), TS_D_OK);
	assert_ipv6_syn(&d);
	assert_int_equal(decode_exact(DLT_IPV4, ipv4_syn, sizeof(ipv4_syn), &d, &r), TS_D_OK);
	assert_ipv4_syn(&d);
	assert_int_equal(decode_exact(DLT_IPV6, ipv6_syn, sizeof(ipv6_syn), &d, &r), TS_D_OK);
	assert_ipv6_syn(&d);

	/* DLT_IPV4 promises IPv4: an IPv6 packet is a bad IPv4 version */
	assert_int_equal(decode_exact(DLT_IPV4, ipv6_syn, sizeof(ipv6_syn), &d, &r),
	                 TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV4_BAD_VERSION);
	assert_int_equal(decode_exact(DLT_IPV6, ipv4_syn, sizeof(ipv4_syn), &d, &r),
	                 TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV6_BAD_VERSION);
	assert_int_equal(decode_exact(DLT_RAW, junk, sizeof(junk), &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_LINK_BAD_IP_VERSION);
}

static void null_case(int dlt, const uint8_t hdr[4], const uint8_t *ip, size_t iplen,
                      int af)
{
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	frame_cat(&f, hdr, 4);
	frame_cat(&f, ip, iplen);
	decode_frame_ok(dlt, &f, &d);
	if (af == 4)
		assert_ipv4_syn(&d);
	else
		assert_ipv6_syn(&d);
}

static void test_null_both_orders(void **state)
{
	static const uint8_t inet_le[4] = { 2, 0, 0, 0 };
	static const uint8_t inet_be[4] = { 0, 0, 0, 2 };
	static const uint8_t linux6_le[4] = { 10, 0, 0, 0 };
	static const uint8_t bsd6_be[4] = { 0, 0, 0, 24 };
	static const uint8_t freebsd6_le[4] = { 28, 0, 0, 0 };
	static const uint8_t darwin6_be[4] = { 0, 0, 0, 30 };
	static const uint8_t ipx[4] = { 23, 0, 0, 0 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	null_case(DLT_NULL, inet_le, ipv4_syn, sizeof(ipv4_syn), 4);
	null_case(DLT_NULL, inet_be, ipv4_syn, sizeof(ipv4_syn), 4);
	null_case(DLT_NULL, linux6_le, ipv6_syn, sizeof(ipv6_syn), 6);
	null_case(DLT_NULL, bsd6_be, ipv6_syn, sizeof(ipv6_syn), 6);
	null_case(DLT_NULL, freebsd6_le, ipv6_syn, sizeof(ipv6_syn), 6);
	null_case(DLT_NULL, darwin6_be, ipv6_syn, sizeof(ipv6_syn), 6);
	assert_int_equal(decode_exact(DLT_NULL, ipx, sizeof(ipx), &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_IP);
}

static void test_loop(void **state)
{
	static const uint8_t inet[4] = { 0, 0, 0, 2 };
	static const uint8_t darwin6[4] = { 0, 0, 0, 30 };
	static const uint8_t freebsd6[4] = { 0, 0, 0, 28 };

	(void)state;
	null_case(DLT_LOOP, inet, ipv4_syn, sizeof(ipv4_syn), 4);
	null_case(DLT_LOOP, darwin6, ipv6_syn, sizeof(ipv6_syn), 6);
	null_case(DLT_LOOP, freebsd6, ipv6_syn, sizeof(ipv6_syn), 6);
}

static void test_unsupported_link(void **state)
{
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	assert_null(ts_dissector_for_dlt(DLT_IEEE802_11_RADIO));
	assert_non_null(ts_dissector_for_dlt(DLT_EN10MB));
	assert_int_equal(decode_exact(DLT_IEEE802_11_RADIO, ipv4_syn, sizeof(ipv4_syn),
	                              &d, &r), TS_D_UNSUPPORTED);
	assert_int_equal(r, TS_DR_LINK_UNSUPPORTED);
}

static void test_vlan_reset_between_packets(void **state)
{
	static const uint8_t tag[] = { 0x81, 0x00, 0x00, 0x07, 0x08, 0x00 };
	struct frame tagged = { .len = 0 }, plain = { .len = 0 };
	struct ts_pkt pkt = { 0 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	frame_cat(&tagged, eth_hdr_ipv4, 12);
	frame_cat(&tagged, tag, sizeof(tag));
	frame_cat(&tagged, ipv4_data, sizeof(ipv4_data));
	frame_cat(&plain, eth_hdr_ipv4, sizeof(eth_hdr_ipv4));
	frame_cat(&plain, ipv4_data, sizeof(ipv4_data));

	/* the same ts_decoded reused, as the analyzer does */
	pkt.linktype = DLT_EN10MB;
	pkt.data = tagged.b;
	pkt.caplen = (uint32_t)tagged.len;
	memset(&d, 0, sizeof(d));
	assert_int_equal(ts_decode_packet(&pkt, &d, &r), TS_D_OK);
	assert_int_equal(d.vlan_count, 1);
	pkt.data = plain.b;
	pkt.caplen = (uint32_t)plain.len;
	assert_int_equal(ts_decode_packet(&pkt, &d, &r), TS_D_OK);
	assert_int_equal(d.vlan_count, 0);
	assert_int_equal(d.vlan[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_ipv4),
		cmocka_unit_test(test_eth_ipv6),
		cmocka_unit_test(test_eth_one_vlan),
		cmocka_unit_test(test_eth_qinq),
		cmocka_unit_test(test_eth_qinq_9100),
		cmocka_unit_test(test_eth_three_tags_decoded),
		cmocka_unit_test(test_eth_nine_tags_skipped),
		cmocka_unit_test(test_eth_llc_snap),
		cmocka_unit_test(test_eth_not_ip),
		cmocka_unit_test(test_eth_padding_removed),
		cmocka_unit_test(test_eth_ipv6_trailer_removed),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_sll_not_ip),
		cmocka_unit_test(test_sll2),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_null_both_orders),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_unsupported_link),
		cmocka_unit_test(test_vlan_reset_between_packets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
