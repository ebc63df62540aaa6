/* \summary: frames and helpers shared by the dissector unit tests */
#ifndef TCPSCOPE_TESTS_DISSECT_TEST_H
#define TCPSCOPE_TESTS_DISSECT_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pcap/dlt.h>

#include "tcpscope/dissect.h"

/* IPv4 10.0.0.1:50000 -> 10.0.0.2:80 SYN, Linux-style options. 60 bytes. */
static const uint8_t ipv4_syn[] = {
	0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	/* TCP: ports, seq 0x01020304, ack 0, doff 10, SYN, win 64240 */
	0xc3, 0x50, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
	/* MSS 1460, SACK_PERM, TS 0x1234/0, NOP, WS 7 */
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00, 0x12, 0x34,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

/* IPv4 192.168.1.10:80 -> 192.168.1.20:50000 PSH|ACK, TS, 10 payload bytes. */
static const uint8_t ipv4_data[] = {
	0x45, 0x00, 0x00, 0x3e, 0x00, 0x07, 0x40, 0x00, 0x3f, 0x06, 0x00, 0x00,
	0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14,
	0x00, 0x50, 0xc3, 0x50, 0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x02, 0x03, 0x05,
	0x80, 0x18, 0x01, 0xf5, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x56, 0x78, 0x00, 0x00, 0x12, 0x34,
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
};

/* IPv6 2001:db8::1 -> 2001:db8::2, hop limit 64, same TCP SYN. 80 bytes. */
static const uint8_t ipv6_syn[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x06, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0xc3, 0x50, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00, 0x12, 0x34,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

#define IPV4_SYN_TCP_OFF 20
#define IPV6_SYN_TCP_OFF 40

static const uint8_t eth_hdr_ipv4[] = {
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
};
static const uint8_t eth_hdr_ipv6[] = {
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x86, 0xdd,
};

struct frame {
	uint8_t b[2048];
	size_t len;
};

static inline void frame_cat(struct frame *f, const void *p, size_t n)
{
	assert_true(f->len + n <= sizeof(f->b));
	if (n == 0)
		return; /* p may be NULL */
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static inline void frame_byte(struct frame *f, uint8_t v)
{
	frame_cat(f, &v, 1);
}

static inline void frame_be16(struct frame *f, uint16_t v)
{
	frame_byte(f, (uint8_t)(v >> 8));
	frame_byte(f, (uint8_t)v);
}

/*
 * Decode a copy held in a buffer of exactly len bytes, so that AddressSanitizer
 * reports any read past the capture. out starts as garbage on purpose: the
 * decoder must set or reset everything a TS_D_OK result promises.
 */
static inline enum ts_drc decode_exact(int dlt, const uint8_t *bytes, size_t len,
                                       struct ts_decoded *out,
                                       enum ts_decode_reason *reason)
{
	uint8_t *copy = malloc(len);
	struct ts_pkt pkt = { 0 };
	enum ts_drc rc;

	assert_true(copy != NULL || len == 0);
	if (len != 0)
		memcpy(copy, bytes, len);
	pkt.caplen = (uint32_t)len;
	pkt.wirelen = (uint32_t)len;
	pkt.linktype = dlt;
	pkt.data = copy;
	memset(out, 0xa5, sizeof(*out));
	*reason = (enum ts_decode_reason)0x55;
	rc = ts_decode_packet(&pkt, out, reason);
	/* The exact-size copy catches over-reads while decoding; afterwards the
	 * payload is looked at in the caller's bytes, at the same offset. */
	if (rc == TS_D_OK && out->payload && out->payload >= copy && out->payload <= copy + len)
		out->payload = bytes + (out->payload - copy);
	free(copy);
	return rc;
}

/* The SYN options of ipv4_syn / ipv6_syn and its TCP fields. */
static inline void assert_syn_tcp(const struct ts_decoded *d)
{
	assert_int_equal(d->sport, 50000);
	assert_int_equal(d->dport, 80);
	assert_int_equal(d->seq, 0x01020304);
	assert_int_equal(d->ack, 0);
	assert_int_equal(d->flags, TS_TCP_SYN);
	assert_int_equal(d->window, 64240);
	assert_int_equal(d->tcp_hlen, 40);
	assert_int_equal(d->l4_len, 40);
	assert_int_equal(d->payload_len, 0);
	assert_int_equal(d->payload_captured, 0);
	assert_null(d->payload);
	assert_true(d->opts.has_mss);
	assert_int_equal(d->opts.mss, 1460);
	assert_true(d->opts.sack_permitted);
	assert_true(d->opts.has_timestamps);
	assert_int_equal(d->opts.tsval, 0x1234);
	assert_int_equal(d->opts.tsecr, 0);
	assert_true(d->opts.has_wscale);
	assert_int_equal(d->opts.wscale, 7);
	assert_int_equal(d->opts.sack_blocks, 0);
}

static inline void assert_ipv4_syn(const struct ts_decoded *d)
{
	static const uint8_t src[16] = { 10, 0, 0, 1 };
	static const uint8_t dst[16] = { 10, 0, 0, 2 };

	assert_int_equal(d->af, 4);
	assert_int_equal(d->ttl, 64);
	assert_int_equal(d->ip_id, 0x1c46);
	assert_int_equal(d->ip_len, 60);
	assert_memory_equal(d->src, src, 16);
	assert_memory_equal(d->dst, dst, 16);
	assert_syn_tcp(d);
}

static inline void assert_ipv6_syn(const struct ts_decoded *d)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	assert_int_equal(d->af, 6);
	assert_int_equal(d->ttl, 64);
	assert_int_equal(d->ip_id, 0);
	assert_int_equal(d->ip_len, 80);
	assert_memory_equal(d->src, src, 16);
	assert_memory_equal(d->dst, dst, 16);
	assert_syn_tcp(d);
}

#endif
