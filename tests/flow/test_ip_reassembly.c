/* \summary: unit tests: IP reassembly order, overlaps, timeouts, caps, limits, snaplen, decode */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pcap/dlt.h>

#include "tcpscope/ip_reassembly.h"
#include "tcpscope/units.h"

#define SEG_PAYLOAD 1400
#define L4_LEN (20 + SEG_PAYLOAD)

/* The TCP segment all fragments carry pieces of: header, then filler
 * that tells every byte's position. */
static uint8_t l4[L4_LEN];

static void make_l4(void)
{
	memset(l4, 0, 20);
	l4[0] = 0x9c, l4[1] = 0x40;             /* 40000 */
	l4[2] = 0x00, l4[3] = 0x50;             /* 80 */
	l4[4] = 0, l4[5] = 0, l4[6] = 0x03, l4[7] = 0xe9; /* seq 1001 */
	l4[12] = 0x50;                          /* data offset 5 */
	l4[13] = 0x18;                          /* PSH ACK */
	l4[14] = 0xff, l4[15] = 0xff;
	for (size_t i = 20; i < L4_LEN; i++)
		l4[i] = (uint8_t)('a' + i % 26);
}

struct frag {
	uint8_t b[1600];
	size_t len;
};

/* An IPv4 fragment of l4 [off, off + len), IP ID id, from src_last. */
static void frag4(struct frag *f, uint16_t id, size_t off, size_t len, bool more, uint8_t src_last)
{
	uint16_t fo = (uint16_t)(off / 8 | (more ? 0x2000 : 0));

	memset(f->b, 0, 20);
	f->b[0] = 0x45;
	f->b[2] = (uint8_t)((20 + len) >> 8), f->b[3] = (uint8_t)(20 + len);
	f->b[4] = (uint8_t)(id >> 8), f->b[5] = (uint8_t)id;
	f->b[6] = (uint8_t)(fo >> 8), f->b[7] = (uint8_t)fo;
	f->b[8] = 64;
	f->b[9] = 6;
	f->b[12] = 10, f->b[15] = src_last;
	f->b[16] = 10, f->b[19] = 2;
	memcpy(f->b + 20, l4 + off, len);
	f->len = 20 + len;
}

/* The same as an IPv6 fragment (fragment header right after the header). */
static void frag6(struct frag *f, uint32_t id, size_t off, size_t len, bool more)
{
	uint16_t fo = (uint16_t)(off | (more ? 1 : 0));

	memset(f->b, 0, 48);
	f->b[0] = 0x60;
	f->b[4] = (uint8_t)((8 + len) >> 8), f->b[5] = (uint8_t)(8 + len);
	f->b[6] = 44;
	f->b[7] = 64;
	f->b[8] = 0x20, f->b[9] = 0x01, f->b[23] = 1;
	f->b[24] = 0x20, f->b[25] = 0x01, f->b[39] = 2;
	f->b[40] = 6;
	f->b[42] = (uint8_t)(fo >> 8), f->b[43] = (uint8_t)fo;
	f->b[44] = (uint8_t)(id >> 24), f->b[45] = (uint8_t)(id >> 16);
	f->b[46] = (uint8_t)(id >> 8), f->b[47] = (uint8_t)id;
	memcpy(f->b + 48, l4 + off, len);
	f->len = 48 + len;
}

/* Decode the frame as the analyzer does and hand the fragment over; the
 * first caplen bytes are captured (0: all). */
static int feed_cap(struct ts_reasm *r, const struct frag *f, int64_t t_ns, size_t caplen,
                    struct ts_view *out)
{
	struct ts_pkt pkt = { .caplen = (uint32_t)(caplen ? caplen : f->len), .wirelen = (uint32_t)f->len,
	                      .linktype = DLT_RAW, .data = f->b };
	struct timespec ts = { .tv_sec = (time_t)(t_ns / TS_NSEC_PER_SEC), .tv_nsec = (long)(t_ns % TS_NSEC_PER_SEC) };
	struct ts_decoded d;
	enum ts_decode_reason why;

	memset(&d, 0, sizeof(d));
	enum ts_drc rc = ts_decode_packet(&pkt, &d, &why);
	assert_int_equal(rc, TS_D_SKIP);
	assert_true(why == TS_DR_IPV4_FRAGMENT || why == TS_DR_IPV6_FRAGMENT);
	return ts_reasm_add(r, &d, &ts, out);
}

static int feed(struct ts_reasm *r, const struct frag *f, int64_t t_ns, struct ts_view *out)
{
	return feed_cap(r, f, t_ns, 0, out);
}

/* The datagram r completed, decoded as one TCP segment. */
static void assert_whole_segment(struct ts_view dgram, uint8_t af)
{
	struct ts_decoded d;
	enum ts_decode_reason why;

	memset(&d, 0, sizeof(d));
	assert_int_equal(ts_reasm_decode(dgram, &d, &why), TS_D_OK);
	assert_int_equal(d.af, af);
	assert_int_equal(d.sport, 40000);
	assert_int_equal(d.dport, 80);
	assert_int_equal(d.seq, 1001);
	assert_int_equal(d.payload_len, SEG_PAYLOAD);
	assert_int_equal(d.payload_captured, SEG_PAYLOAD);
	assert_memory_equal(d.payload, l4 + 20, SEG_PAYLOAD);
	assert_true(d.events & TS_DE_IP_FRAGMENT);
}

static int setup(void **state)
{
	struct ts_reasm *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	make_l4();
	ts_reasm_init(r, 0, 0, 42);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	ts_reasm_free(*state);
	free(*state);
	return 0;
}

static void test_in_order(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;

	frag4(&f, 7, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 7, 552, 552, true, 1);
	assert_int_equal(feed(r, &f, 1000, &v), 0);
	assert_int_equal(r->n_dgrams, 1);
	frag4(&f, 7, 1104, L4_LEN - 1104, false, 1);
	assert_int_equal(feed(r, &f, 2000, &v), 1);
	assert_int_equal(v.len, 20 + L4_LEN);
	assert_whole_segment(v, 4);
	assert_int_equal(r->st.fragments, 3);
	assert_int_equal(r->st.datagrams, 1);
	assert_int_equal(r->n_dgrams, 0);
	assert_int_equal(r->bytes, 0); /* everything held is given back */
}

static void test_out_of_order_and_ipv6(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;

	frag4(&f, 8, 1104, L4_LEN - 1104, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 8, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 8, 552, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 1);
	assert_whole_segment(v, 4);

	frag6(&f, 0xdeadbeef, 1232, L4_LEN - 1232, false);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag6(&f, 0xdeadbeef, 0, 1232, true);
	assert_int_equal(feed(r, &f, 0, &v), 1);
	assert_int_equal(v.len, 40 + L4_LEN); /* no fragment header any more */
	assert_whole_segment(v, 6);
	assert_int_equal(r->st.datagrams, 2);
	assert_int_equal(r->st.overlaps, 0);
}

static void test_overlap(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;

	/* the second piece starts 8 bytes early with the same bytes */
	frag4(&f, 9, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 9, 544, L4_LEN - 544, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), 1);
	assert_whole_segment(v, 4);
	assert_int_equal(r->st.overlaps, 1);
	assert_int_equal(r->st.overlap_mismatch, 0);

	/* now with other bytes: counted as worse, the first copy is kept */
	frag4(&f, 10, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 10, 544, L4_LEN - 544, false, 1);
	memset(f.b + 20, 'X', 8);
	assert_int_equal(feed(r, &f, 0, &v), 1);
	assert_whole_segment(v, 4);
	assert_int_equal(r->st.overlaps, 2);
	assert_int_equal(r->st.overlap_mismatch, 1);

	/* an exact copy of a piece is an overlap too; a piece inside two */
	frag4(&f, 11, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 11, 1104, L4_LEN - 1104, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 11, 0, 1200, true, 1); /* covers the first and fills the gap */
	assert_int_equal(feed(r, &f, 0, &v), 1);
	assert_whole_segment(v, 4);
	assert_int_equal(r->st.overlaps, 4);
	assert_int_equal(r->st.overlap_mismatch, 1);
}

static void test_timeouts(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;
	struct timespec t;

	frag4(&f, 12, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 5000000000ll, &v), 0);
	frag6(&f, 12, 0, 552, true);
	assert_int_equal(feed(r, &f, 5000000000ll, &v), 0);
	t = (struct timespec){ .tv_sec = 34, .tv_nsec = 999999999 };
	ts_reasm_expire(r, &t);
	assert_int_equal(r->n_dgrams, 2);
	t = (struct timespec){ .tv_sec = 35 };      /* IPv4: 30 s, as ipfrag_time */
	ts_reasm_expire(r, &t);
	assert_int_equal(r->st.timeouts, 1);
	assert_int_equal(r->n_dgrams, 1);
	/* its last piece now starts a new datagram, which never completes */
	frag4(&f, 12, 552, L4_LEN - 552, false, 1);
	assert_int_equal(feed(r, &f, 35000000000ll, &v), 0);
	t = (struct timespec){ .tv_sec = 65 };      /* IPv6: 60 s */
	ts_reasm_expire(r, &t);
	assert_int_equal(r->st.timeouts, 3);
	assert_int_equal(r->n_dgrams, 0);
	assert_int_equal(r->bytes, 0);

	/* at the end: what is left is incomplete unless its time is up */
	frag4(&f, 13, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 100000000000ll, &v), 0);
	frag4(&f, 14, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 120000000000ll, &v), 0);
	t = (struct timespec){ .tv_sec = 140 };
	ts_reasm_finish(r, &t);
	assert_int_equal(r->st.timeouts, 4);
	assert_int_equal(r->st.incomplete, 1);
	assert_int_equal(r->n_dgrams, 0);
}

static void test_datagram_cap(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;

	ts_reasm_free(r);
	ts_reasm_init(r, 0, 2, 1);
	for (uint16_t id = 1; id <= 3; id++) {
		frag4(&f, id, 0, 552, true, 1);
		assert_int_equal(feed(r, &f, id, &v), 0);
	}
	assert_int_equal(r->n_dgrams, 2);
	assert_int_equal(r->st.evicted, 1);
	/* the oldest went: its rest now waits alone, the newest completes */
	frag4(&f, 3, 552, L4_LEN - 552, false, 1);
	assert_int_equal(feed(r, &f, 10, &v), 1);
	frag4(&f, 1, 552, L4_LEN - 552, false, 1);
	assert_int_equal(feed(r, &f, 10, &v), 0);
	assert_int_equal(r->st.evicted, 1);
	assert_int_equal(r->st.datagrams, 1);
}

static void test_byte_cap(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;
	const size_t cap = 64 * 1024;

	ts_reasm_free(r);
	ts_reasm_init(r, cap, 0, 1);
	for (uint16_t id = 1; id <= 200; id++) {
		frag4(&f, id, 0, 1104, true, 1);
		assert_int_equal(feed(r, &f, id, &v), 0);
		assert_true(r->bytes <= cap);
	}
	assert_true(r->st.evicted > 0);
	assert_int_equal(r->st.evicted + r->n_dgrams, 200);
	/* the newest is kept and completes */
	frag4(&f, 200, 1104, L4_LEN - 1104, false, 1);
	assert_int_equal(feed(r, &f, 300, &v), 1);
	assert_whole_segment(v, 4);

	/* a cap below one datagram's bookkeeping keeps nothing */
	ts_reasm_free(r);
	ts_reasm_init(r, 100, 0, 1);
	frag4(&f, 1, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), -1);
	assert_int_equal(r->st.evicted, 1);
	assert_int_equal(r->n_dgrams, 0);
	assert_int_equal(r->bytes, 0);
}

static void test_limits(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;

	/* past 65535 bytes of datagram: the ping of death */
	frag4(&f, 20, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 20, 0, 100, false, 1);
	f.b[6] = 0x1f, f.b[7] = 0xff; /* offset 65528 */
	assert_int_equal(feed(r, &f, 0, &v), -1);
	assert_int_equal(r->st.too_large, 1);
	assert_int_equal(r->n_dgrams, 0); /* its datagram is dropped with it */

	/* a piece that is not the last must be a multiple of 8 long: IPv6
	 * drops it, IPv4 keeps the first 544 bytes (as Linux does) and waits
	 * for the 8 after them */
	frag6(&f, 21, 0, 550, true);
	assert_int_equal(feed(r, &f, 0, &v), -1);
	assert_int_equal(r->st.invalid, 1);
	frag4(&f, 21, 0, 550, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 21, 552, L4_LEN - 552, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 21, 544, 8, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 1);
	assert_whole_segment(v, 4);
	assert_int_equal(r->st.overlaps, 0);
	frag4(&f, 24, 0, 7, true, 1); /* nothing left */
	assert_int_equal(feed(r, &f, 0, &v), -1);
	assert_int_equal(r->st.invalid, 2);

	/* two different ends contradict each other */
	frag4(&f, 22, 1104, L4_LEN - 1104, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 22, 552, 552, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), -1);
	assert_int_equal(r->st.invalid, 3);
	assert_int_equal(r->n_dgrams, 0);

	/* data beyond the known end */
	frag4(&f, 23, 552, 552, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 23, 1104, 16, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), -1);
	assert_int_equal(r->st.invalid, 4);
	assert_int_equal(r->n_dgrams, 0);
	assert_int_equal(r->bytes, 0);
}

static void test_snaplen(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;
	struct ts_decoded d;
	enum ts_decode_reason why;

	/* 96 bytes captured of each: the lengths still add up */
	frag4(&f, 30, 0, 552, true, 1);
	assert_int_equal(feed_cap(r, &f, 0, 96, &v), 0);
	frag4(&f, 30, 552, L4_LEN - 552, false, 1);
	assert_int_equal(feed_cap(r, &f, 0, 96, &v), 1);
	memset(&d, 0, sizeof(d));
	assert_int_equal(ts_reasm_decode(v, &d, &why), TS_D_OK);
	assert_int_equal(d.payload_len, SEG_PAYLOAD);
	assert_int_equal(d.payload_captured, 96 - 20 - 20);
	assert_int_equal(d.ip_len, 20 + L4_LEN);
	assert_true(d.events & TS_DE_IP_LEN_BEYOND_CAP);
}

static void test_keys_apart(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;

	/* the same id from two sources: two datagrams */
	frag4(&f, 40, 0, 552, true, 1);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	frag4(&f, 40, 552, L4_LEN - 552, false, 3);
	assert_int_equal(feed(r, &f, 0, &v), 0);
	assert_int_equal(r->n_dgrams, 2);
	frag4(&f, 40, 552, L4_LEN - 552, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), 1);
	assert_int_equal(r->n_dgrams, 1);
}

/* Slivers: a datagram in 8-byte fragments is still put together, but
 * no datagram may be held in more than TS_REASM_MAX_PIECES pieces. */
static void test_slivers(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;
	size_t off;

	for (off = 0; off + 8 < L4_LEN; off += 8) {
		frag4(&f, 50, off, 8, true, 1);
		assert_int_equal(feed(r, &f, 0, &v), 0);
	}
	frag4(&f, 50, off, L4_LEN - off, false, 1);
	assert_int_equal(feed(r, &f, 0, &v), 1);
	assert_whole_segment(v, 4);

	/* pieces with gaps between them, one more than allowed */
	for (unsigned i = 0; i <= TS_REASM_MAX_PIECES; i++) {
		frag4(&f, 51, 0, 8, true, 1);
		uint16_t fo = (uint16_t)(i * 2 | 0x2000); /* offset i * 16 */
		f.b[6] = (uint8_t)(fo >> 8), f.b[7] = (uint8_t)fo;
		int rc = feed(r, &f, 0, &v);
		assert_int_equal(rc, i < TS_REASM_MAX_PIECES ? 0 : -1);
	}
	assert_int_equal(r->st.invalid, 1);
	assert_int_equal(r->n_dgrams, 0);
	assert_int_equal(r->bytes, 0);
}

/* Every prefix of every fragment: counted or held, never read past. */
static void test_truncation_sweep(void **state)
{
	struct ts_reasm *r = *state;
	struct frag f;
	struct ts_view v;

	for (int fam = 4; fam <= 6; fam += 2) {
		size_t hdr = fam == 4 ? 20 : 48;
		for (size_t n = hdr; n <= hdr + 552; n++) {
			if (fam == 4)
				frag4(&f, (uint16_t)n, 0, 552, true, 1);
			else
				frag6(&f, (uint32_t)n, 0, 552, true);
			assert_int_equal(feed_cap(r, &f, 0, n, &v), 0);
			if (fam == 4)
				frag4(&f, (uint16_t)n, 552, L4_LEN - 552, false, 1);
			else
				frag6(&f, (uint32_t)n, 552, L4_LEN - 552, false);
			assert_int_equal(feed_cap(r, &f, 0, hdr, &v), 1);
			struct ts_decoded d;
			enum ts_decode_reason why;
			memset(&d, 0, sizeof(d));
			enum ts_drc rc = ts_reasm_decode(v, &d, &why);
			if (n < hdr + 20) {
				assert_int_equal(rc, TS_D_TRUNC);
				assert_int_equal(why, TS_DR_TRUNC_TCP);
			} else {
				assert_int_equal(rc, TS_D_OK);
				assert_int_equal(d.payload_len, SEG_PAYLOAD);
			}
		}
	}
	assert_int_equal(r->n_dgrams, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_and_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_datagram_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snaplen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slivers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation_sweep, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
