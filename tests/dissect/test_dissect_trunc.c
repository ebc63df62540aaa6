/* \summary: truncation sweep: every prefix of every valid frame, exact-size buffers */
#include <stdio.h>

#include "dissect_test.h"

struct sweep_case {
	const char *name;
	int dlt;
	struct frame f;
	size_t link_min; /* bytes the link layer needs */
	size_t l3_off;   /* start of the IP header */
	size_t l4_off;   /* start of the TCP header */
	size_t ip_end;   /* l3_off + IP datagram length */
};

static struct sweep_case *case_new(struct sweep_case *c, size_t *n, const char *name,
                                   int dlt, const void *link, size_t link_len)
{
	struct sweep_case *sc = &c[(*n)++];

	memset(sc, 0, sizeof(*sc));
	sc->name = name;
	sc->dlt = dlt;
	frame_cat(&sc->f, link, link_len);
	sc->link_min = link_len != 0 ? link_len : 1;
	sc->l3_off = link_len;
	return sc;
}

static void case_ip(struct sweep_case *sc, const void *ip, size_t len, size_t tcp_off)
{
	frame_cat(&sc->f, ip, len);
	sc->l4_off = sc->l3_off + tcp_off;
	sc->ip_end = sc->f.len;
}

#define MAX_CASES 32

static size_t build_cases(struct sweep_case *c)
{
	static const uint8_t vlan[] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1,
	                                0x81, 0x00, 0x00, 0x64, 0x08, 0x00 };
	static const uint8_t qinq[] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1,
	                                0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x01, 0x23,
	                                0x86, 0xdd };
	static const uint8_t snap[] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1,
	                                0x00, 0x44, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	static const uint8_t sll[] = { 0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00 };
	static const uint8_t sll2[] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6,
	                                2, 0, 0, 0, 0, 1, 0, 0 };
	static const uint8_t null_le6[] = { 28, 0, 0, 0 };
	static const uint8_t null_be4[] = { 0, 0, 0, 2 };
	static const uint8_t loop4[] = { 0, 0, 0, 2 };
	static const uint8_t ack40[] = {
		0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0, 0,
		10, 0, 0, 2, 10, 0, 0, 1,
		0x00, 0x50, 0xc3, 0x50, 0x00, 0x00, 0x00, 0x10, 0x01, 0x02, 0x03, 0x05,
		0x50, 0x10, 0x01, 0x00, 0, 0, 0, 0,
	};
	static const uint8_t pad[6] = { 0 };
	static const uint8_t v6ext[32] = { 43, 0, 1, 4, 0, 0, 0, 0,
	                                   60, 0, 4, 0, 0, 0, 0, 0,
	                                   6, 1, 1, 12 };
	static const uint8_t v6frag[8] = { 6, 0, 0, 0, 1, 2, 3, 4 }; /* atomic (RFC 6946) */
	static const uint8_t v6ah[24] = { 6, 4 };
	static const uint8_t ra[4] = { 0x94, 0x04, 0, 0 };
	struct sweep_case *sc;
	struct frame ip;
	size_t n = 0;

	sc = case_new(c, &n, "eth/ipv4 syn", DLT_EN10MB, eth_hdr_ipv4, 14);
	case_ip(sc, ipv4_syn, sizeof(ipv4_syn), 20);
	sc = case_new(c, &n, "eth/ipv6 syn", DLT_EN10MB, eth_hdr_ipv6, 14);
	case_ip(sc, ipv6_syn, sizeof(ipv6_syn), 40);
	sc = case_new(c, &n, "vlan/ipv4 data", DLT_EN10MB, vlan, sizeof(vlan));
	case_ip(sc, ipv4_data, sizeof(ipv4_data), 20);
	sc = case_new(c, &n, "qinq/ipv6 syn", DLT_EN10MB, qinq, sizeof(qinq));
	case_ip(sc, ipv6_syn, sizeof(ipv6_syn), 40);
	sc = case_new(c, &n, "llc-snap/ipv4 syn", DLT_EN10MB, snap, sizeof(snap));
	case_ip(sc, ipv4_syn, sizeof(ipv4_syn), 20);
	sc = case_new(c, &n, "eth/ipv4 ack padded", DLT_EN10MB, eth_hdr_ipv4, 14);
	case_ip(sc, ack40, sizeof(ack40), 20);
	frame_cat(&sc->f, pad, sizeof(pad));
	sc = case_new(c, &n, "sll/ipv4 data", DLT_LINUX_SLL, sll, sizeof(sll));
	case_ip(sc, ipv4_data, sizeof(ipv4_data), 20);
	sc = case_new(c, &n, "sll2/ipv6 syn", DLT_LINUX_SLL2, sll2, sizeof(sll2));
	case_ip(sc, ipv6_syn, sizeof(ipv6_syn), 40);
	sc = case_new(c, &n, "raw/ipv4 syn", DLT_RAW, NULL, 0);
	case_ip(sc, ipv4_syn, sizeof(ipv4_syn), 20);
	sc = case_new(c, &n, "raw/ipv6 syn", DLT_RAW, NULL, 0);
	case_ip(sc, ipv6_syn, sizeof(ipv6_syn), 40);
	sc = case_new(c, &n, "linktype101/ipv4 data", 101, NULL, 0);
	case_ip(sc, ipv4_data, sizeof(ipv4_data), 20);
	sc = case_new(c, &n, "ipv4/ipv4 data", DLT_IPV4, NULL, 0);
	case_ip(sc, ipv4_data, sizeof(ipv4_data), 20);
	sc = case_new(c, &n, "ipv6/ipv6 syn", DLT_IPV6, NULL, 0);
	case_ip(sc, ipv6_syn, sizeof(ipv6_syn), 40);
	sc = case_new(c, &n, "null le/ipv6 syn", DLT_NULL, null_le6, 4);
	case_ip(sc, ipv6_syn, sizeof(ipv6_syn), 40);
	sc = case_new(c, &n, "null be/ipv4 data", DLT_NULL, null_be4, 4);
	case_ip(sc, ipv4_data, sizeof(ipv4_data), 20);
	sc = case_new(c, &n, "loop/ipv4 syn", DLT_LOOP, loop4, 4);
	case_ip(sc, ipv4_syn, sizeof(ipv4_syn), 20);

	/* IPv4 with a Router Alert option */
	ip.len = 0;
	frame_cat(&ip, ipv4_data, 20);
	frame_cat(&ip, ra, sizeof(ra));
	frame_cat(&ip, ipv4_data + 20, sizeof(ipv4_data) - 20);
	ip.b[0] = 0x46;
	ip.b[3] = (uint8_t)ip.len;
	sc = case_new(c, &n, "raw/ipv4 options data", DLT_RAW, NULL, 0);
	case_ip(sc, ip.b, ip.len, 24);

	/* IPv4 with DF (fragments go to reassembly, see test_ip_reassembly) */
	ip.len = 0;
	frame_cat(&ip, ipv4_data, sizeof(ipv4_data));
	ip.b[6] = 0x40;
	sc = case_new(c, &n, "eth/ipv4 don't fragment", DLT_EN10MB, eth_hdr_ipv4, 14);
	case_ip(sc, ip.b, ip.len, 20);

	/* IPv6 hop-by-hop + routing + destination options */
	ip.len = 0;
	frame_cat(&ip, ipv6_syn, 40);
	frame_cat(&ip, v6ext, sizeof(v6ext));
	frame_cat(&ip, ipv6_syn + 40, 40);
	ip.b[5] = 72;
	ip.b[6] = 0;
	sc = case_new(c, &n, "eth/ipv6 ext chain", DLT_EN10MB, eth_hdr_ipv6, 14);
	case_ip(sc, ip.b, ip.len, 72);

	/* IPv6 atomic fragment: a fragment header, yet the whole datagram */
	ip.len = 0;
	frame_cat(&ip, ipv6_syn, 40);
	frame_cat(&ip, v6frag, sizeof(v6frag));
	frame_cat(&ip, ipv6_syn + 40, 40);
	ip.b[5] = 48;
	ip.b[6] = 44;
	sc = case_new(c, &n, "raw/ipv6 atomic fragment", DLT_RAW, NULL, 0);
	case_ip(sc, ip.b, ip.len, 48);

	/* IPv6 AH + data segment (the TCP part of ipv4_data) */
	ip.len = 0;
	frame_cat(&ip, ipv6_syn, 40);
	frame_cat(&ip, v6ah, sizeof(v6ah));
	frame_cat(&ip, ipv4_data + 20, sizeof(ipv4_data) - 20);
	ip.b[5] = (uint8_t)(ip.len - 40);
	ip.b[6] = 51;
	sc = case_new(c, &n, "raw/ipv6 ah data", DLT_RAW, NULL, 0);
	case_ip(sc, ip.b, ip.len, 64);

	assert_true(n <= MAX_CASES);
	return n;
}

static void assert_same_segment(const struct ts_decoded *a, const struct ts_decoded *b)
{
	assert_int_equal(a->af, b->af);
	assert_int_equal(a->ttl, b->ttl);
	assert_memory_equal(a->src, b->src, 16);
	assert_memory_equal(a->dst, b->dst, 16);
	assert_int_equal(a->ip_id, b->ip_id);
	assert_int_equal(a->ip_len, b->ip_len);
	assert_int_equal(a->l4_len, b->l4_len);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->ack, b->ack);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->window, b->window);
	assert_int_equal(a->tcp_hlen, b->tcp_hlen);
	assert_int_equal(a->payload_len, b->payload_len);
	assert_int_equal(a->vlan_count, b->vlan_count);
	assert_int_equal(a->vlan[0], b->vlan[0]);
	assert_int_equal(a->vlan[1], b->vlan[1]);
}

static void assert_same_opts(const struct ts_tcp_opts *a, const struct ts_tcp_opts *b)
{
	assert_int_equal(a->has_mss, b->has_mss);
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->has_wscale, b->has_wscale);
	assert_int_equal(a->wscale, b->wscale);
	assert_int_equal(a->sack_permitted, b->sack_permitted);
	assert_int_equal(a->has_timestamps, b->has_timestamps);
	assert_int_equal(a->tsval, b->tsval);
	assert_int_equal(a->tsecr, b->tsecr);
	assert_int_equal(a->sack_blocks, b->sack_blocks);
}

static void sweep_one(const struct sweep_case *sc)
{
	struct ts_decoded full, d;
	enum ts_decode_reason r;
	size_t n, hdr_end, got;

	assert_int_equal(decode_exact(sc->dlt, sc->f.b, sc->f.len, &full, &r), TS_D_OK);
	assert_int_equal(full.events & (TS_DE_TCP_OPT_TRUNC | TS_DE_IP_LEN_BEYOND_CAP), 0);
	hdr_end = sc->l4_off + full.tcp_hlen;

	for (n = 0; n < sc->f.len; n++) {
		enum ts_drc rc = decode_exact(sc->dlt, sc->f.b, n, &d, &r);
		uint32_t want_events = full.events;

		if (n < sc->l4_off + 20) {
			if (rc != TS_D_TRUNC)
				fail_msg("%s: prefix %zu gave %d (%s)", sc->name, n, rc,
				         ts_decode_reason_name(r));
			if (n < sc->link_min)
				assert_int_equal(r, TS_DR_TRUNC_LINK);
			else if (n < sc->l4_off)
				assert_int_equal(r, full.af == 4 ? TS_DR_TRUNC_IPV4
				                                 : TS_DR_TRUNC_IPV6);
			else
				assert_int_equal(r, TS_DR_TRUNC_TCP);
			continue;
		}
		if (rc != TS_D_OK)
			fail_msg("%s: prefix %zu gave %d (%s)", sc->name, n, rc,
			         ts_decode_reason_name(r));
		assert_int_equal(r, TS_DR_NONE);
		assert_same_segment(&d, &full);
		if (n < sc->ip_end)
			want_events |= TS_DE_IP_LEN_BEYOND_CAP;
		if (n < hdr_end)
			want_events |= TS_DE_TCP_OPT_TRUNC;
		else
			assert_same_opts(&d.opts, &full.opts);
		assert_int_equal(d.events, want_events);
		got = n > hdr_end ? n - hdr_end : 0;
		if (got > full.payload_captured)
			got = full.payload_captured;
		assert_int_equal(d.payload_captured, got);
		if (got == 0)
			assert_null(d.payload);
	}
}

static void test_truncation_sweep(void **state)
{
	static struct sweep_case cases[MAX_CASES];
	size_t n = build_cases(cases), i;

	(void)state;
	for (i = 0; i < n; i++)
		sweep_one(&cases[i]);
}

/*
 * Frames that end in SKIP or INVALID: every prefix must still be safe (ASan
 * checks the reads) and never pass as a TCP segment before its TCP header.
 */
static void test_prefixes_of_odd_frames(void **state)
{
	struct frame f;
	struct ts_decoded d;
	enum ts_decode_reason r;
	size_t i, n;
	int variant;

	(void)state;
	for (variant = 0; variant < 5; variant++) {
		f.len = 0;
		switch (variant) {
		case 0: /* 101 destination-options headers */
			frame_cat(&f, ipv6_syn, 40);
			f.b[4] = (uint8_t)((101 * 8 + 40) >> 8);
			f.b[5] = (uint8_t)(101 * 8 + 40);
			f.b[6] = 60;
			for (i = 0; i < 101; i++) {
				const uint8_t h[8] = { i == 100 ? 6 : 60, 0, 1, 4 };

				frame_cat(&f, h, sizeof(h));
			}
			frame_cat(&f, ipv6_syn + 40, 40);
			break;
		case 1: /* IPv4 later fragment */
			frame_cat(&f, ipv4_data, sizeof(ipv4_data));
			f.b[6] = 0x20;
			f.b[7] = 0x10;
			break;
		case 2: /* bad option lengths */
			frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
			f.b[41] = 0;
			break;
		case 3: /* option length running past the header */
			frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
			f.b[41] = 40;
			break;
		default: /* data offset 15 in a 40-byte segment */
			frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
			f.b[32] = 0xf2;
			break;
		}
		for (n = 0; n <= f.len; n++) {
			enum ts_drc rc = decode_exact(DLT_RAW, f.b, n, &d, &r);

			assert_true(rc <= TS_D_UNSUPPORTED);
			assert_true((unsigned)r < TS_DR_COUNT);
			if (variant == 0 || variant == 1)
				assert_int_not_equal(rc, TS_D_OK);
			if (variant == 4 && n >= 40)
				assert_int_equal(rc, TS_D_INVALID);
			if ((variant == 2 || variant == 3) && n >= 42)
				assert_true(rc == TS_D_OK &&
				            (d.events & TS_DE_TCP_OPT_BAD_LEN));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_prefixes_of_odd_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
