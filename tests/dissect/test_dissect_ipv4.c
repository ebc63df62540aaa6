/* \summary: IPv4 dissector: check order, options, fragments, lengths, padding */
#include "dissect_test.h"

/* ipv4_data with one change at offset off */
static void data_with(struct frame *f, size_t off, uint8_t v)
{
	f->len = 0;
	frame_cat(f, ipv4_data, sizeof(ipv4_data));
	f->b[off] = v;
}

static void test_ipv4_fields(void **state)
{
	static const uint8_t src[16] = { 192, 168, 1, 10 };
	static const uint8_t dst[16] = { 192, 168, 1, 20 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	assert_int_equal(decode_exact(DLT_RAW, ipv4_data, sizeof(ipv4_data), &d, &r), TS_D_OK);
	assert_int_equal(d.af, 4);
	assert_int_equal(d.ttl, 63);
	assert_int_equal(d.ip_id, 7);
	assert_int_equal(d.ip_len, 62);
	assert_int_equal(d.l4_len, 42);
	assert_memory_equal(d.src, src, 16); /* bytes 4..15 reset from garbage */
	assert_memory_equal(d.dst, dst, 16);
	assert_int_equal(d.sport, 80);
	assert_int_equal(d.dport, 50000);
	assert_int_equal(d.seq, 0x0a0b0c0d);
	assert_int_equal(d.ack, 0x01020305);
	assert_int_equal(d.flags, TS_TCP_PSH | TS_TCP_ACK);
	assert_int_equal(d.window, 501);
	assert_int_equal(d.tcp_hlen, 32);
	assert_int_equal(d.payload_len, 10);
	assert_int_equal(d.payload_captured, 10);
	assert_non_null(d.payload);
	assert_memory_equal(d.payload, "0123456789", 10);
	assert_true(d.opts.has_timestamps);
	assert_int_equal(d.opts.tsval, 0x5678);
	assert_int_equal(d.opts.tsecr, 0x1234);
	assert_false(d.opts.has_mss);
	assert_int_equal(d.events, 0);
}

static void test_ipv4_with_options(void **state)
{
	/* IHL 6: Router Alert (94 04 00 00) before the TCP header */
	static const uint8_t ra[] = { 0x94, 0x04, 0x00, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	frame_cat(&f, ipv4_data, 20);
	frame_cat(&f, ra, sizeof(ra));
	frame_cat(&f, ipv4_data + 20, sizeof(ipv4_data) - 20);
	f.b[0] = 0x46;
	f.b[3] = (uint8_t)f.len; /* 66 */
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_OK);
	assert_int_equal(d.ip_len, 66);
	assert_int_equal(d.l4_len, 42);
	assert_int_equal(d.sport, 80);
	assert_int_equal(d.seq, 0x0a0b0c0d);
	assert_int_equal(d.payload_len, 10);
	assert_memory_equal(d.payload, "0123456789", 10);
}

static void test_ipv4_fragment_first(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	data_with(&f, 6, 0x20); /* MF, offset 0, DF cleared */
	/* left to reassembly: where its header and data are, and which part */
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_IPV4_FRAGMENT);
	assert_int_equal(d.frag.data - d.frag.hdr, 20);
	assert_int_equal(d.frag.hdr_len, 20);
	assert_int_equal(d.frag.len, f.len - 20);
	assert_int_equal(d.frag.captured, f.len - 20);
	assert_int_equal(d.frag.offset, 0);
	assert_int_equal(d.frag.more, 1);
	assert_int_equal(d.frag.proto, 6);
	assert_int_equal(d.frag.id, d.ip_id);
	/* the snaplen cut it: declared and captured part differ */
	assert_int_equal(decode_exact(DLT_RAW, f.b, 30, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_IPV4_FRAGMENT);
	assert_int_equal(d.frag.len, f.len - 20);
	assert_int_equal(d.frag.captured, 10);
}

static void test_ipv4_fragment_later(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	data_with(&f, 6, 0x20);
	f.b[7] = 0xb9; /* MF, offset 185 * 8 */
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_IPV4_FRAGMENT);
	assert_int_equal(d.frag.offset, 1480);
	assert_int_equal(d.frag.more, 1);

	data_with(&f, 6, 0x00);
	f.b[7] = 0x01; /* last fragment: MF clear, offset 8 */
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_IPV4_FRAGMENT);
	assert_int_equal(d.frag.offset, 8);
	assert_int_equal(d.frag.more, 0);

	f.b[9] = 17; /* a UDP fragment is not TCP first of all */
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_TCP);
}

/* Total length 0: a TSO super-segment, as long as the packet really is. */
static void test_ipv4_total_len_zero(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	data_with(&f, 6, 0x40);
	size_t len = f.len;
	f.b[2] = 0;
	f.b[3] = 0;
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_OK);
	assert_true(d.events & TS_DE_IP_TSO);
	assert_int_equal(d.ip_len, len);
	assert_int_equal(d.payload_len, 10);

	/* cut by the snaplen: the wire length says how long it was */
	struct ts_pkt pkt = { .caplen = (uint32_t)len - 4, .wirelen = (uint32_t)len + 1000,
	                      .linktype = DLT_RAW, .data = f.b };
	assert_int_equal(ts_decode_packet(&pkt, &d, &r), TS_D_OK);
	assert_true(d.events & TS_DE_IP_TSO);
	assert_int_equal(d.ip_len, len + 1000);
	assert_int_equal(d.payload_len, 1010);

	/* nothing after the header: still a bad length */
	assert_int_equal(decode_exact(DLT_RAW, f.b, 20, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV4_BAD_LEN);
}

static void test_ipv4_not_tcp(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	data_with(&f, 9, 17);
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_TCP);
	data_with(&f, 9, 1);
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_TCP);
}

static void test_ipv4_check_order(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;
	struct ts_view next;
	uint16_t proto;

	(void)state;
	/* fewer than 20 bytes beats everything, even a wrong version */
	data_with(&f, 0, 0x55);
	memset(&d, 0, sizeof(d));
	assert_int_equal(ts_dissect_ipv4((struct ts_view){ f.b, 19 }, &d, &next, &proto, &r),
	                 TS_D_TRUNC);
	assert_int_equal(r, TS_DR_TRUNC_IPV4);
	assert_int_equal(ts_dissect_ipv4((struct ts_view){ f.b, f.len }, &d, &next, &proto, &r),
	                 TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV4_BAD_VERSION);

	data_with(&f, 0, 0x44); /* IHL 4 = 16 bytes */
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV4_BAD_HLEN);

	data_with(&f, 0, 0x4f); /* IHL 15 = 60 bytes, only 40 captured */
	assert_int_equal(decode_exact(DLT_RAW, f.b, 40, &d, &r), TS_D_TRUNC);
	assert_int_equal(r, TS_DR_TRUNC_IPV4);

	data_with(&f, 3, 19); /* total length below the header length */
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_IPV4_BAD_LEN);
}

static void test_ipv4_snaplen_cut(void **state)
{
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	/* 4 of the 10 payload bytes captured */
	assert_int_equal(decode_exact(DLT_RAW, ipv4_data, 56, &d, &r), TS_D_OK);
	assert_int_equal(d.ip_len, 62);
	assert_int_equal(d.payload_len, 10);
	assert_int_equal(d.payload_captured, 4);
	assert_memory_equal(d.payload, "0123", 4);
	assert_int_equal(d.events, TS_DE_IP_LEN_BEYOND_CAP);

	/* capture ends right after the TCP header */
	assert_int_equal(decode_exact(DLT_RAW, ipv4_data, 52, &d, &r), TS_D_OK);
	assert_int_equal(d.payload_len, 10);
	assert_int_equal(d.payload_captured, 0);
	assert_null(d.payload);
	assert_int_equal(d.events, TS_DE_IP_LEN_BEYOND_CAP);
}

static void test_ipv4_padding_in_raw(void **state)
{
	/* bytes after total_len never count as payload, whatever the link */
	struct frame f = { .len = 0 };
	static const uint8_t extra[7] = { 'x', 'x', 'x', 'x', 'x', 'x', 'x' };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	frame_cat(&f, ipv4_data, sizeof(ipv4_data));
	frame_cat(&f, extra, sizeof(extra));
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_OK);
	assert_int_equal(d.payload_len, 10);
	assert_int_equal(d.payload_captured, 10);
	assert_int_equal(d.events, 0);
}

static void test_ipv4_view_narrowed(void **state)
{
	static const uint8_t extra[7] = { 0 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;
	struct ts_view next;
	uint16_t proto = 0;
	enum ts_decode_reason r = TS_DR_NONE;

	(void)state;
	frame_cat(&f, ipv4_data, sizeof(ipv4_data));
	frame_cat(&f, extra, sizeof(extra));
	memset(&d, 0, sizeof(d));
	/* padding: the view ends at total_len */
	assert_int_equal(ts_dissect_ipv4((struct ts_view){ f.b, f.len }, &d, &next,
	                                 &proto, &r), TS_D_OK);
	assert_int_equal(proto, 6);
	assert_ptr_equal(next.p, f.b + 20);
	assert_int_equal(next.len, 42);
	assert_int_equal(d.l4_len, 42);
	/* snaplen cut: the view ends at the capture, l4_len stays declared */
	d.events = 0;
	assert_int_equal(ts_dissect_ipv4((struct ts_view){ f.b, 50 }, &d, &next,
	                                 &proto, &r), TS_D_OK);
	assert_int_equal(next.len, 30);
	assert_int_equal(d.l4_len, 42);
	assert_int_equal(d.events, TS_DE_IP_LEN_BEYOND_CAP);
}

static void test_ipv4_total_too_short_for_tcp(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	data_with(&f, 3, 30); /* 10 bytes of L4, all of them captured */
	assert_int_equal(decode_exact(DLT_RAW, f.b, 30, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_TCP_BAD_LEN);
	/* the same with Ethernet padding behind it */
	assert_int_equal(decode_exact(DLT_RAW, f.b, f.len, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_TCP_BAD_LEN);
	/* 10 of 20 declared L4 bytes captured: a cut, not a contradiction */
	data_with(&f, 3, 40);
	assert_int_equal(decode_exact(DLT_RAW, f.b, 30, &d, &r), TS_D_TRUNC);
	assert_int_equal(r, TS_DR_TRUNC_TCP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_fields),
		cmocka_unit_test(test_ipv4_with_options),
		cmocka_unit_test(test_ipv4_fragment_first),
		cmocka_unit_test(test_ipv4_fragment_later),
		cmocka_unit_test(test_ipv4_total_len_zero),
		cmocka_unit_test(test_ipv4_not_tcp),
		cmocka_unit_test(test_ipv4_check_order),
		cmocka_unit_test(test_ipv4_snaplen_cut),
		cmocka_unit_test(test_ipv4_padding_in_raw),
		cmocka_unit_test(test_ipv4_view_narrowed),
		cmocka_unit_test(test_ipv4_total_too_short_for_tcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
