/* \summary: TCP dissector: header fields, every option, bad/duplicate/cut options */
#include "dissect_test.h"

/*
 * A segment 1234 -> 5678, seq 1000, ack 2000, ACK, window 0xffff, with the
 * given options (a multiple of 4 bytes) and payload.
 */
static size_t tcp_segment(uint8_t *out, const uint8_t *opt, size_t optlen,
                          size_t payload)
{
	static const uint8_t hdr[20] = { 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0x03, 0xe8,
	                                 0, 0, 0x07, 0xd0, 0x50, 0x10, 0xff, 0xff };
	size_t i;

	assert_int_equal(optlen % 4, 0);
	memcpy(out, hdr, sizeof(hdr));
	out[12] = (uint8_t)((20 + optlen) / 4 << 4);
	if (optlen != 0)
		memcpy(out + 20, opt, optlen);
	for (i = 0; i < payload; i++)
		out[20 + optlen + i] = (uint8_t)('a' + i % 26);
	return 20 + optlen + payload;
}

/*
 * Run ts_dissect_tcp on the first caplen bytes (an exact-size copy) of a
 * segment whose IP layer declared l4 bytes.
 */
static enum ts_drc tcp_decode(const uint8_t *seg, size_t caplen, size_t l4,
                              struct ts_decoded *d, enum ts_decode_reason *r)
{
	uint8_t *copy = malloc(caplen);
	struct ts_view next;
	uint16_t proto;
	enum ts_drc rc;

	assert_true(copy != NULL || caplen == 0);
	if (caplen != 0)
		memcpy(copy, seg, caplen);
	memset(d, 0xa5, sizeof(*d));
	d->events = 0;
	d->l4_len = (uint32_t)l4;
	*r = TS_DR_NONE;
	rc = ts_dissect_tcp((struct ts_view){ copy, caplen }, d, &next, &proto, r);
	if (rc == TS_D_OK && d->payload_captured != 0) {
		assert_ptr_equal(d->payload, copy + d->tcp_hlen);
		assert_ptr_equal(next.p, d->payload);
		assert_int_equal(next.len, d->payload_captured);
	} else if (rc == TS_D_OK) {
		assert_null(d->payload);
		assert_int_equal(next.len, 0);
	}
	free(copy);
	/* point into the caller's bytes, which outlive the copy */
	if (rc == TS_D_OK && d->payload_captured != 0)
		d->payload = seg + d->tcp_hlen;
	return rc;
}

static enum ts_drc tcp_opts_decode(const uint8_t *opt, size_t optlen,
                                   struct ts_decoded *d)
{
	uint8_t seg[80];
	size_t n = tcp_segment(seg, opt, optlen, 0);
	enum ts_decode_reason r;

	return tcp_decode(seg, n, n, d, &r);
}

static void test_tcp_fields_no_options(void **state)
{
	uint8_t seg[64];
	size_t n = tcp_segment(seg, NULL, 0, 7);
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	assert_int_equal(tcp_decode(seg, n, n, &d, &r), TS_D_OK);
	assert_int_equal(d.sport, 1234);
	assert_int_equal(d.dport, 5678);
	assert_int_equal(d.seq, 1000);
	assert_int_equal(d.ack, 2000);
	assert_int_equal(d.flags, TS_TCP_ACK);
	assert_int_equal(d.window, 0xffff);
	assert_int_equal(d.tcp_hlen, 20);
	assert_int_equal(d.payload_len, 7);
	assert_int_equal(d.payload_captured, 7);
	assert_int_equal(d.events, 0);
	assert_false(d.opts.has_mss || d.opts.has_wscale || d.opts.has_timestamps ||
	             d.opts.sack_permitted);
	assert_int_equal(d.opts.sack_blocks, 0);
}

static void test_tcp_all_flags(void **state)
{
	uint8_t seg[20];
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	tcp_segment(seg, NULL, 0, 0);
	seg[13] = 0xff;
	seg[12] |= 0x01; /* the NS bit is not part of flags */
	assert_int_equal(tcp_decode(seg, 20, 20, &d, &r), TS_D_OK);
	assert_int_equal(d.flags, TS_TCP_FIN | TS_TCP_SYN | TS_TCP_RST | TS_TCP_PSH |
	                          TS_TCP_ACK | TS_TCP_URG | TS_TCP_ECE | TS_TCP_CWR);
}

static void test_tcp_syn_options(void **state)
{
	/* MSS 65495, NOP, WS 14, SACK_PERM, TS 0xdeadbeef/0x01020304, EOL + pad */
	static const uint8_t opt[] = { 0x02, 0x04, 0xff, 0xd7, 0x01, 0x03, 0x03, 0x0e,
	                               0x04, 0x02, 0x08, 0x0a, 0xde, 0xad, 0xbe, 0xef,
	                               0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00 };
	struct ts_decoded d;

	(void)state;
	assert_int_equal(tcp_opts_decode(opt, sizeof(opt), &d), TS_D_OK);
	assert_int_equal(d.tcp_hlen, 44);
	assert_true(d.opts.has_mss);
	assert_int_equal(d.opts.mss, 65495);
	assert_true(d.opts.has_wscale);
	assert_int_equal(d.opts.wscale, 14);
	assert_true(d.opts.sack_permitted);
	assert_true(d.opts.has_timestamps);
	assert_int_equal(d.opts.tsval, 0xdeadbeef);
	assert_int_equal(d.opts.tsecr, 0x01020304);
	assert_int_equal(d.opts.sack_blocks, 0);
	assert_int_equal(d.events, 0);
}

static void test_tcp_sack_blocks(void **state)
{
	/* NOP NOP TS, then 3 SACK blocks, NOP NOP: 12 + 26 + 2 = 40 */
	static const uint8_t opt3[] = {
		0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06,
		0x05, 0x1a,
		0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00,
		0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x10,
		0x80, 0x00, 0x00, 0x00, 0x80, 0x00, 0x05, 0xb4,
		0x01, 0x01,
	};
	/* NOP NOP, 4 SACK blocks: 2 + 34 = 36, EOL + pad */
	static const uint8_t opt4[] = {
		0x01, 0x01, 0x05, 0x22,
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
		0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,
		0x00, 0x00, 0x00, 0x00,
	};
	struct ts_decoded d;
	unsigned i;

	(void)state;
	assert_int_equal(tcp_opts_decode(opt3, sizeof(opt3), &d), TS_D_OK);
	assert_true(d.opts.has_timestamps);
	assert_int_equal(d.opts.tsval, 5);
	assert_int_equal(d.opts.tsecr, 6);
	assert_int_equal(d.opts.sack_blocks, 3);
	assert_int_equal(d.opts.sack[0][0], 0x1000);
	assert_int_equal(d.opts.sack[0][1], 0x2000);
	assert_int_equal(d.opts.sack[1][0], 0xffffff00u);
	assert_int_equal(d.opts.sack[1][1], 0x10); /* wraps around zero */
	assert_int_equal(d.opts.sack[2][0], 0x80000000u);
	assert_int_equal(d.opts.sack[2][1], 0x800005b4u);
	assert_int_equal(d.events, 0);

	assert_int_equal(tcp_opts_decode(opt4, sizeof(opt4), &d), TS_D_OK);
	assert_int_equal(d.opts.sack_blocks, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(d.opts.sack[i][0], 2 * i + 1);
		assert_int_equal(d.opts.sack[i][1], 2 * i + 2);
	}
	assert_int_equal(d.events, 0);
}

static void test_tcp_unknown_option_skipped(void **state)
{
	/* TFO cookie (34, len 10), then MSS */
	static const uint8_t opt[] = { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8,
	                               0x02, 0x04, 0x02, 0x18 };
	uint8_t padded[16] = { 0 };
	struct ts_decoded d;

	(void)state;
	memcpy(padded, opt, sizeof(opt));
	assert_int_equal(tcp_opts_decode(padded, sizeof(padded), &d), TS_D_OK);
	assert_true(d.opts.has_mss);
	assert_int_equal(d.opts.mss, 536);
	assert_int_equal(d.events, 0);
}

static void test_tcp_eol_stops(void **state)
{
	/* EOL, then bytes that would be an MSS: they are padding */
	static const uint8_t opt[] = { 0x00, 0x02, 0x04, 0x05, 0xb4, 0, 0, 0 };
	struct ts_decoded d;

	(void)state;
	assert_int_equal(tcp_opts_decode(opt, sizeof(opt), &d), TS_D_OK);
	assert_false(d.opts.has_mss);
	assert_int_equal(d.events, 0);
}

/* Each bad length: flagged, the walk stops, later options are not read. */
static void test_tcp_bad_option_lengths(void **state)
{
	static const uint8_t len0[] = { 0x08, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01 };
	static const uint8_t len1[] = { 0x08, 0x01, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01 };
	/* MSS first, then a timestamp claiming 10 bytes with 6 left */
	static const uint8_t past_end[] = { 0x02, 0x04, 0x05, 0xb4,
	                                    0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1 };
	/* a kind in the last byte, no room for its length */
	static const uint8_t kind_last[] = { 0x01, 0x01, 0x01, 0x02 };
	/* MSS of length 3, window scale of length 4, SACK of length 2 and 9 */
	static const uint8_t mss3[] = { 0x02, 0x03, 0x05, 0x03, 0x03, 0x07, 0x01, 0x01 };
	static const uint8_t ws4[] = { 0x03, 0x04, 0x07, 0x00, 0x02, 0x04, 0x05, 0xb4 };
	static const uint8_t sack2[] = { 0x05, 0x02, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01 };
	static const uint8_t sack9[] = { 0x05, 0x09, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 };
	static const uint8_t sackp3[] = { 0x04, 0x03, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x00 };
	static const uint8_t ts9[] = { 0x08, 0x09, 0, 0, 0, 1, 0, 0, 0, 0x01, 0x01, 0x01 };
	struct ts_decoded d;

	(void)state;
	assert_int_equal(tcp_opts_decode(len0, sizeof(len0), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_false(d.opts.has_mss);
	assert_false(d.opts.has_timestamps);

	assert_int_equal(tcp_opts_decode(len1, sizeof(len1), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_false(d.opts.has_mss);

	assert_int_equal(tcp_opts_decode(past_end, sizeof(past_end), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_true(d.opts.has_mss);
	assert_int_equal(d.opts.mss, 1460);
	assert_false(d.opts.has_timestamps);

	assert_int_equal(tcp_opts_decode(kind_last, sizeof(kind_last), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_false(d.opts.has_mss);

	assert_int_equal(tcp_opts_decode(mss3, sizeof(mss3), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_false(d.opts.has_mss);
	assert_false(d.opts.has_wscale);

	assert_int_equal(tcp_opts_decode(ws4, sizeof(ws4), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_false(d.opts.has_wscale);
	assert_false(d.opts.has_mss);

	assert_int_equal(tcp_opts_decode(sack2, sizeof(sack2), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_int_equal(d.opts.sack_blocks, 0);
	assert_false(d.opts.has_mss);

	assert_int_equal(tcp_opts_decode(sack9, sizeof(sack9), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_int_equal(d.opts.sack_blocks, 0);

	assert_int_equal(tcp_opts_decode(sackp3, sizeof(sackp3), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_false(d.opts.sack_permitted);
	assert_false(d.opts.has_mss);

	assert_int_equal(tcp_opts_decode(ts9, sizeof(ts9), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_BAD_LEN);
	assert_false(d.opts.has_timestamps);
}

static void test_tcp_duplicates(void **state)
{
	static const uint8_t mss[] = { 0x02, 0x04, 0x05, 0xb4, 0x02, 0x04, 0x02, 0x18 };
	static const uint8_t ws[] = { 0x03, 0x03, 0x02, 0x03, 0x03, 0x09, 0x01, 0x01 };
	static const uint8_t ts[] = { 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,
	                              0x08, 0x0a, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0 };
	struct ts_decoded d;

	(void)state;
	assert_int_equal(tcp_opts_decode(mss, sizeof(mss), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_DUPLICATE);
	assert_true(d.opts.has_mss);
	assert_int_equal(d.opts.mss, 1460); /* the first one counts */

	assert_int_equal(tcp_opts_decode(ws, sizeof(ws), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_DUPLICATE);
	assert_int_equal(d.opts.wscale, 2);

	assert_int_equal(tcp_opts_decode(ts, sizeof(ts), &d), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_DUPLICATE);
	assert_int_equal(d.opts.tsval, 1);
	assert_int_equal(d.opts.tsecr, 2);
}

static void test_tcp_data_offset(void **state)
{
	uint8_t seg[80];
	size_t n;
	struct ts_decoded d;
	enum ts_decode_reason r;
	unsigned doff;

	(void)state;
	n = tcp_segment(seg, NULL, 0, 40);
	for (doff = 0; doff < 5; doff++) {
		seg[12] = (uint8_t)(doff << 4);
		assert_int_equal(tcp_decode(seg, n, n, &d, &r), TS_D_INVALID);
		assert_int_equal(r, TS_DR_TCP_BAD_DOFF);
	}
	/* 60-byte header in a 30-byte segment, all of it captured */
	seg[12] = 0xf0;
	assert_int_equal(tcp_decode(seg, 30, 30, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_TCP_BAD_DOFF);
	/* ... and also when the capture was cut: the IP length decides */
	assert_int_equal(tcp_decode(seg, 24, 30, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_TCP_BAD_DOFF);
	/* exactly the segment length: a header with no payload */
	seg[12] = 0x60;
	seg[20] = 0x01; seg[21] = 0x01; seg[22] = 0x01; seg[23] = 0x00;
	assert_int_equal(tcp_decode(seg, 24, 24, &d, &r), TS_D_OK);
	assert_int_equal(d.tcp_hlen, 24);
	assert_int_equal(d.payload_len, 0);
}

static void test_tcp_short(void **state)
{
	uint8_t seg[20];
	struct ts_decoded d;
	enum ts_decode_reason r;
	size_t n;

	(void)state;
	tcp_segment(seg, NULL, 0, 0);
	for (n = 0; n < 20; n++) {
		assert_int_equal(tcp_decode(seg, n, 20, &d, &r), TS_D_TRUNC);
		assert_int_equal(r, TS_DR_TRUNC_TCP);
		/* the IP header says the segment is that short: not a cut */
		assert_int_equal(tcp_decode(seg, n, n, &d, &r), TS_D_INVALID);
		assert_int_equal(r, TS_DR_TCP_BAD_LEN);
	}
}

static void test_tcp_options_cut_by_caplen(void **state)
{
	/* the SYN of ipv4_syn: MSS at 20, SACK_PERM at 24, TS at 26, NOP 36, WS 37 */
	const uint8_t *syn = ipv4_syn + IPV4_SYN_TCP_OFF;
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	assert_int_equal(tcp_decode(syn, 30, 40, &d, &r), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_TRUNC);
	assert_int_equal(d.tcp_hlen, 40);
	assert_true(d.opts.has_mss);
	assert_int_equal(d.opts.mss, 1460);
	assert_true(d.opts.sack_permitted);
	assert_false(d.opts.has_timestamps);
	assert_false(d.opts.has_wscale);
	assert_int_equal(d.payload_len, 0);
	assert_int_equal(d.payload_captured, 0);

	/* cut between the kind and the length of the timestamp option */
	assert_int_equal(tcp_decode(syn, 27, 40, &d, &r), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_TRUNC);
	assert_true(d.opts.sack_permitted);

	/* cut at an option boundary, before NOP + WS */
	assert_int_equal(tcp_decode(syn, 36, 40, &d, &r), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_TRUNC);
	assert_true(d.opts.has_timestamps);
	assert_false(d.opts.has_wscale);

	/* only the fixed header */
	assert_int_equal(tcp_decode(syn, 20, 40, &d, &r), TS_D_OK);
	assert_int_equal(d.events, TS_DE_TCP_OPT_TRUNC);
	assert_false(d.opts.has_mss);
	assert_int_equal(d.sport, 50000);
	assert_int_equal(d.seq, 0x01020304);
}

static void test_tcp_payload_cut(void **state)
{
	uint8_t seg[80];
	size_t n = tcp_segment(seg, NULL, 0, 26);
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	/* 1000 bytes declared by IP, 26 captured */
	assert_int_equal(tcp_decode(seg, n, 20 + 1000, &d, &r), TS_D_OK);
	assert_int_equal(d.payload_len, 1000);
	assert_int_equal(d.payload_captured, 26);
	assert_memory_equal(d.payload, "abcdefghijklmnopqrstuvwxyz", 26);
	/* more captured than declared: only the declared bytes are payload */
	assert_int_equal(tcp_decode(seg, n, 20 + 5, &d, &r), TS_D_OK);
	assert_int_equal(d.payload_len, 5);
	assert_int_equal(d.payload_captured, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_fields_no_options),
		cmocka_unit_test(test_tcp_all_flags),
		cmocka_unit_test(test_tcp_syn_options),
		cmocka_unit_test(test_tcp_sack_blocks),
		cmocka_unit_test(test_tcp_unknown_option_skipped),
		cmocka_unit_test(test_tcp_eol_stops),
		cmocka_unit_test(test_tcp_bad_option_lengths),
		cmocka_unit_test(test_tcp_duplicates),
		cmocka_unit_test(test_tcp_data_offset),
		cmocka_unit_test(test_tcp_short),
		cmocka_unit_test(test_tcp_options_cut_by_caplen),
		cmocka_unit_test(test_tcp_payload_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
