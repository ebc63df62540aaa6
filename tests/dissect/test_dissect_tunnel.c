/* \summary: IP-level tunnels: UDP to VXLAN, GENEVE, GTP-U and Teredo; GRE, WCCP, ERSPAN; IP in IP */
#include "encap_test.h"

static const uint8_t vxlan_ctx_5001[] = { TS_CTX_VXLAN, 0x00, 0x13, 0x89 };

static void build_vxlan(struct frame *f, uint16_t port, uint8_t flags, size_t *hdr)
{
	put_eth(f, 0x0800);
	size_t ip = put_ipv4(f, 17), udp = put_udp(f, 49153, port);
	*hdr = f->len;
	frame_byte(f, flags);
	frame_byte(f, 0), frame_be16(f, 0);
	frame_be32(f, 5001u << 8);
	put_inner_eth_syn(f);
	fix_udp(f, udp);
	fix_ipv4(f, ip);
}

static void test_vxlan(void **state)
{
	struct frame f = { .len = 0 };
	struct ts_decoded d;
	size_t hdr;

	(void)state;
	build_vxlan(&f, 4789, 0x08, &hdr);
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.ctx_len, sizeof(vxlan_ctx_5001));
	assert_memory_equal(d.ctx, vxlan_ctx_5001, sizeof(vxlan_ctx_5001));
	assert_true(has_encap(&d, TS_ENC_VXLAN));
	assert_true(has_encap(&d, TS_ENC_ETH_INNER));
	check_prefixes(&f, hdr, hdr + 8, TS_DR_TRUNC_VXLAN);
}

/* The outer header may be IPv6, with extension headers before UDP. */
static void test_vxlan_over_ipv6(void **state)
{
	static const uint8_t dstopts[8] = { 17, 0, 1, 4, 0, 0, 0, 0 }; /* next: UDP, PadN */
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	put_eth(&f, 0x86dd);
	size_t ip = put_ipv6(&f, 60);
	frame_cat(&f, dstopts, sizeof(dstopts));
	size_t udp = put_udp(&f, 49153, 4789);
	frame_be32(&f, 0x08000000);
	frame_be32(&f, 5001u << 8);
	put_inner_eth_syn(&f);
	fix_udp(&f, udp);
	fix_ipv6(&f, ip);
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_memory_equal(d.ctx, vxlan_ctx_5001, sizeof(vxlan_ctx_5001));
}

static void test_vxlan_no_vni(void **state)
{
	struct frame f = { .len = 0 };
	size_t hdr;

	(void)state;
	build_vxlan(&f, 4789, 0x00, &hdr);
	decode_fails(&f, TS_D_INVALID, TS_DR_VXLAN_NO_VNI);
}

/* Another port is UDP until it is configured. */
static void test_vxlan_configured_port(void **state)
{
	struct frame f = { .len = 0 };
	struct ts_decode_config cfg = { .n_vxlan_ports = 0 };
	struct ts_pkt pkt = { 0 };
	struct ts_decoded d;
	enum ts_decode_reason r;
	size_t hdr;

	(void)state;
	build_vxlan(&f, 8472, 0x08, &hdr);
	decode_fails(&f, TS_D_SKIP, TS_DR_NOT_TCP);
	pkt.linktype = DLT_EN10MB;
	pkt.data = f.b;
	pkt.caplen = pkt.wirelen = (uint32_t)f.len;
	assert_int_equal(ts_decode_packet_cfg(&pkt, &cfg, &d, &r), TS_D_SKIP);
	for (uint16_t p = 1; p <= TS_DECODE_MAX_VXLAN_PORTS; p++)
		assert_int_equal(ts_decode_config_add_vxlan_port(&cfg, p == 1 ? 8472 : p), 0);
	assert_int_equal(ts_decode_config_add_vxlan_port(&cfg, 8472), 0); /* already there */
	assert_int_equal(ts_decode_config_add_vxlan_port(&cfg, 9999), -1);
	assert_int_equal(ts_decode_packet_cfg(&pkt, &cfg, &d, &r), TS_D_OK);
	assert_int_equal(d.dport, 80);
}

static void build_geneve(struct frame *f, uint8_t ver_optlen, uint16_t proto, size_t *hdr)
{
	put_eth(f, 0x0800);
	size_t ip = put_ipv4(f, 17), udp = put_udp(f, 49153, 6081);
	*hdr = f->len;
	frame_byte(f, ver_optlen);
	frame_byte(f, 0);
	frame_be16(f, proto);
	frame_be32(f, 77u << 8);
	for (unsigned i = 0; i < (ver_optlen & 0x3fu); i++)
		frame_be32(f, 0x01020304);
	if (proto == 0x6558)
		put_inner_eth_syn(f);
	else
		frame_cat(f, ipv4_syn, sizeof(ipv4_syn));
	fix_udp(f, udp);
	fix_ipv4(f, ip);
}

static void test_geneve(void **state)
{
	static const uint8_t ctx[] = { TS_CTX_GENEVE, 0, 0, 77 };
	struct frame f = { .len = 0 }, g = { .len = 0 }, h = { .len = 0 }, u = { .len = 0 };
	struct ts_decoded d;
	size_t hdr;

	(void)state;
	build_geneve(&f, 2, 0x6558, &hdr); /* two option words */
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_memory_equal(d.ctx, ctx, sizeof(ctx));
	check_prefixes(&f, hdr, hdr + 16, TS_DR_TRUNC_GENEVE);
	build_geneve(&g, 0, 0x0800, &hdr); /* IP straight after the header */
	decode_ok(&g, &d);
	assert_ipv4_syn(&d);
	assert_false(has_encap(&d, TS_ENC_ETH_INNER));
	build_geneve(&h, 0x40, 0x6558, &hdr);
	decode_fails(&h, TS_D_INVALID, TS_DR_GENEVE_BAD_VERSION);
	build_geneve(&u, 0, 0x1234, &hdr);
	decode_fails(&u, TS_D_SKIP, TS_DR_GENEVE_UNKNOWN_PROTO);
}

/* GTP-U with flags, message type and extension headers (each 4 bytes, n of them). */
static void build_gtpu(struct frame *f, uint8_t flags, uint8_t type, unsigned n_ext, uint8_t ext_len,
                       size_t *hdr)
{
	put_eth(f, 0x0800);
	size_t ip = put_ipv4(f, 17), udp = put_udp(f, 2152, 2152);
	*hdr = f->len;
	size_t opt = (flags & 0x07) ? 4 + n_ext * 4 : 0;
	frame_byte(f, flags);
	frame_byte(f, type);
	frame_be16(f, (uint16_t)(opt + sizeof(ipv4_syn)));
	frame_be32(f, 0x12345678);
	if (flags & 0x07) {
		frame_be16(f, 0);
		frame_byte(f, 0);
		frame_byte(f, n_ext ? 0x85 : 0);
		for (unsigned i = 0; i < n_ext; i++) {
			frame_byte(f, ext_len);
			frame_be16(f, 0x0009);
			frame_byte(f, i + 1 < n_ext ? 0x85 : 0);
		}
	}
	frame_cat(f, ipv4_syn, sizeof(ipv4_syn));
	fix_udp(f, udp);
	fix_ipv4(f, ip);
}

static void test_gtpu(void **state)
{
	struct frame f = { .len = 0 }, g = { .len = 0 }, e = { .len = 0 }, z = { .len = 0 },
	             l = { .len = 0 }, v = { .len = 0 };
	struct ts_decoded d;
	size_t hdr;

	(void)state;
	build_gtpu(&f, 0x30, 0xff, 0, 1, &hdr); /* no optional fields */
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.ctx_len, 0); /* TEIDs differ per direction: no context */
	assert_true(has_encap(&d, TS_ENC_GTPU));
	check_prefixes(&f, hdr, hdr + 8, TS_DR_TRUNC_GTPU);
	build_gtpu(&g, 0x34, 0xff, 2, 1, &hdr); /* two extension headers */
	decode_ok(&g, &d);
	assert_ipv4_syn(&d);
	check_prefixes(&g, hdr, hdr + 20, TS_DR_TRUNC_GTPU);
	build_gtpu(&e, 0x32, 0x01, 0, 1, &hdr); /* echo request */
	decode_fails(&e, TS_D_SKIP, TS_DR_GTPU_NOT_TPDU);
	build_gtpu(&z, 0x34, 0xff, 1, 0, &hdr); /* extension of length 0 */
	decode_fails(&z, TS_D_INVALID, TS_DR_GTPU_BAD_EXT);
	build_gtpu(&l, 0x34, 0xff, 9, 1, &hdr); /* more extensions than the bound */
	decode_fails(&l, TS_D_INVALID, TS_DR_GTPU_BAD_EXT);
	build_gtpu(&v, 0x48, 0xff, 0, 1, &hdr); /* GTPv2 */
	decode_fails(&v, TS_D_INVALID, TS_DR_GTPU_BAD_VERSION);
}

static void build_teredo(struct frame *f, bool auth, bool origin, bool ipv6)
{
	put_eth(f, 0x0800);
	size_t ip = put_ipv4(f, 17), udp = put_udp(f, 3544, 40000);
	if (auth) {
		static const uint8_t a[] = { 0x00, 0x01, 2, 1, 'i', 'd', 'x', 1, 2, 3, 4, 5, 6, 7, 8, 0 };
		frame_cat(f, a, sizeof(a));
	}
	if (origin) {
		static const uint8_t o[] = { 0x00, 0x00, 0x63, 0xbf, 0x3e, 0xcc, 0x9b, 0xfe };
		frame_cat(f, o, sizeof(o));
	}
	if (ipv6)
		frame_cat(f, ipv6_syn, sizeof(ipv6_syn));
	else
		frame_cat(f, ipv4_syn, sizeof(ipv4_syn));
	fix_udp(f, udp);
	fix_ipv4(f, ip);
}

static void test_teredo(void **state)
{
	struct ts_decoded d;

	(void)state;
	for (int v = 0; v < 4; v++) {
		struct frame f = { .len = 0 };
		build_teredo(&f, v & 1, v & 2, true);
		decode_ok(&f, &d);
		assert_ipv6_syn(&d);
		assert_true(has_encap(&d, TS_ENC_TEREDO));
	}
	struct frame n = { .len = 0 };
	build_teredo(&n, false, true, false);
	decode_fails(&n, TS_D_SKIP, TS_DR_TEREDO_NOT_IPV6);
	struct frame a = { .len = 0 };
	build_teredo(&a, true, false, true);
	check_prefixes(&a, 42, 42 + 16, TS_DR_TRUNC_TEREDO);
}

/* UDP that is no tunnel is still just not TCP; broken UDP has its reasons. */
static void test_udp(void **state)
{
	struct frame f = { .len = 0 }, b = { .len = 0 };
	size_t ip, udp;

	(void)state;
	put_eth(&f, 0x0800);
	ip = put_ipv4(&f, 17);
	udp = put_udp(&f, 5353, 53);
	frame_be32(&f, 0);
	fix_udp(&f, udp);
	fix_ipv4(&f, ip);
	decode_fails(&f, TS_D_SKIP, TS_DR_NOT_TCP);
	check_prefixes(&f, 34, 42, TS_DR_TRUNC_UDP);
	put_eth(&b, 0x0800);
	ip = put_ipv4(&b, 17);
	put_udp(&b, 1, 4789);
	b.b[b.len - 3] = 4; /* length 4: shorter than the header */
	fix_ipv4(&b, ip);
	decode_fails(&b, TS_D_INVALID, TS_DR_UDP_BAD_LEN);
}

static void build_gre(struct frame *f, uint16_t flags, uint16_t proto, size_t *hdr)
{
	put_eth(f, 0x0800);
	size_t ip = put_ipv4(f, 47);
	*hdr = f->len;
	frame_be16(f, flags);
	frame_be16(f, proto);
	if (flags & 0x8000)
		frame_be32(f, 0);
	if (flags & 0x2000)
		frame_be32(f, 0xcafe0001);
	if (flags & 0x1000)
		frame_be32(f, 7);
	if (proto == 0x6558)
		put_inner_eth_syn(f);
	else
		frame_cat(f, ipv4_syn, sizeof(ipv4_syn));
	fix_ipv4(f, ip);
}

static void test_gre(void **state)
{
	static const uint8_t key_ctx[] = { TS_CTX_GRE_KEY, 0xca, 0xfe, 0x00, 0x01 };
	struct frame p = { .len = 0 }, k = { .len = 0 }, t = { .len = 0 }, v = { .len = 0 },
	             r = { .len = 0 }, u = { .len = 0 };
	struct ts_decoded d;
	size_t hdr;

	(void)state;
	build_gre(&p, 0, 0x0800, &hdr);
	decode_ok(&p, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.ctx_len, 0);
	assert_true(has_encap(&d, TS_ENC_GRE));
	build_gre(&k, 0xb000, 0x0800, &hdr); /* checksum, key, sequence */
	decode_ok(&k, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.ctx_len, sizeof(key_ctx));
	assert_memory_equal(d.ctx, key_ctx, sizeof(key_ctx));
	check_prefixes(&k, hdr, hdr + 16, TS_DR_TRUNC_GRE);
	build_gre(&t, 0x2000, 0x6558, &hdr); /* bridged Ethernet */
	decode_ok(&t, &d);
	assert_ipv4_syn(&d);
	assert_true(has_encap(&d, TS_ENC_ETH_INNER));
	build_gre(&v, 0x0001, 0x0800, &hdr);
	decode_fails(&v, TS_D_INVALID, TS_DR_GRE_BAD_VERSION);
	build_gre(&r, 0x4000, 0x0800, &hdr);
	decode_fails(&r, TS_D_SKIP, TS_DR_GRE_ROUTING);
	build_gre(&u, 0, 0x1234, &hdr);
	decode_fails(&u, TS_D_SKIP, TS_DR_GRE_UNKNOWN_PROTO);
}

/* PPTP: GRE version 1, key = payload length + call id, PPP before IP. */
static void build_pptp(struct frame *f, bool acfc, uint16_t ppp, bool ack, size_t *hdr)
{
	put_eth(f, 0x0800);
	size_t ip = put_ipv4(f, 47);
	*hdr = f->len;
	frame_be16(f, (uint16_t)(0x3001 | (ack ? 0x0080 : 0)));
	frame_be16(f, 0x880b);
	size_t len_at = f->len;
	frame_be16(f, 0);
	frame_be16(f, 0x4242); /* call id */
	frame_be32(f, 1);      /* sequence */
	if (ack)
		frame_be32(f, 0);
	size_t start = f->len;
	if (!acfc)
		frame_byte(f, 0xff), frame_byte(f, 0x03);
	frame_be16(f, ppp);
	frame_cat(f, ipv4_syn, sizeof(ipv4_syn));
	size_t plen = f->len - start;
	f->b[len_at] = (uint8_t)(plen >> 8);
	f->b[len_at + 1] = (uint8_t)plen;
	fix_ipv4(f, ip);
}

static void test_pptp(void **state)
{
	struct frame f = { .len = 0 }, c = { .len = 0 }, m = { .len = 0 }, a = { .len = 0 };
	struct ts_decoded d;
	size_t hdr;

	(void)state;
	build_pptp(&f, false, 0x0021, false, &hdr);
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_true(has_encap(&d, TS_ENC_PPTP));
	assert_int_equal(d.ctx_len, 0); /* call ids are per direction */
	check_prefixes(&f, hdr, hdr + 16, TS_DR_TRUNC_GRE);
	build_pptp(&c, true, 0x0021, true, &hdr); /* no address/control, with an ack */
	decode_ok(&c, &d);
	assert_ipv4_syn(&d);
	build_pptp(&m, false, 0x00fd, false, &hdr); /* MPPE: encrypted */
	decode_fails(&m, TS_D_SKIP, TS_DR_GRE_PPP_NOT_IP);
	/* an acknowledgment alone: payload length 0 */
	put_eth(&a, 0x0800);
	size_t ip = put_ipv4(&a, 47);
	frame_be16(&a, 0x2081), frame_be16(&a, 0x880b), frame_be16(&a, 0), frame_be16(&a, 0x4242);
	frame_be32(&a, 5);
	fix_ipv4(&a, ip);
	decode_fails(&a, TS_D_SKIP, TS_DR_GRE_PPP_NOT_IP);
	a.b[hdr + 3] = 0x0b - 1; /* version 1 must carry PPP */
	decode_fails(&a, TS_D_INVALID, TS_DR_GRE_BAD_VERSION);
}

static void test_wccp(void **state)
{
	struct frame v2 = { .len = 0 }, v1 = { .len = 0 };
	struct ts_decoded d;
	size_t ip;

	(void)state;
	put_eth(&v2, 0x0800);
	ip = put_ipv4(&v2, 47);
	frame_be16(&v2, 0), frame_be16(&v2, 0x883e);
	frame_be32(&v2, 0x00000000); /* redirect header */
	frame_cat(&v2, ipv4_syn, sizeof(ipv4_syn));
	fix_ipv4(&v2, ip);
	decode_ok(&v2, &d);
	assert_ipv4_syn(&d);
	assert_true(has_encap(&d, TS_ENC_WCCP));
	put_eth(&v1, 0x0800);
	ip = put_ipv4(&v1, 47);
	frame_be16(&v1, 0), frame_be16(&v1, 0x883e);
	frame_cat(&v1, ipv4_syn, sizeof(ipv4_syn));
	fix_ipv4(&v1, ip);
	decode_ok(&v1, &d);
	assert_ipv4_syn(&d);
}

/* Aruba access points send 802.11 QoS data frames with LLC/SNAP over GRE. */
static void test_gre_aruba(void **state)
{
	static const uint8_t wlan[] = { 0x88, 0x01, 0, 0, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 7,
	                                1, 2, 3, 4, 5, 8, 0, 0, 0, 0, /* QoS control */
	                                0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	struct frame f = { .len = 0 }, e = { .len = 0 };
	struct ts_decoded d;
	size_t ip;

	(void)state;
	put_eth(&f, 0x0800);
	ip = put_ipv4(&f, 47);
	frame_be16(&f, 0), frame_be16(&f, 0x8210);
	frame_cat(&f, wlan, sizeof(wlan));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	fix_ipv4(&f, ip);
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	check_prefixes(&f, 38, 38 + sizeof(wlan), TS_DR_TRUNC_GRE);
	e = f;
	e.b[39] |= 0x40; /* protected: encrypted, not readable */
	decode_fails(&e, TS_D_SKIP, TS_DR_NOT_IP);
}

static void build_erspan(struct frame *f, int type, uint8_t version_nibble, bool subheader,
                         size_t *hdr)
{
	put_eth(f, 0x0800);
	size_t ip = put_ipv4(f, 47);
	frame_be16(f, type == 1 ? 0x2000 : 0x3000); /* key (dropped: a mirror), sequence for II/III */
	frame_be16(f, type == 3 ? 0x22eb : 0x88be);
	frame_be32(f, 42);
	if (type != 1)
		frame_be32(f, 9);
	*hdr = f->len;
	if (type == 2) {
		frame_be16(f, (uint16_t)(version_nibble << 12 | 10));
		frame_be16(f, 0x0007);
		frame_be32(f, 0);
	} else if (type == 3) {
		frame_be16(f, (uint16_t)(version_nibble << 12));
		frame_be16(f, 0x0007);
		frame_be32(f, 0x11223344);
		frame_be16(f, 0);
		frame_be16(f, subheader ? 1 : 0);
		if (subheader)
			frame_be32(f, 0), frame_be32(f, 0);
	}
	frame_cat(f, eth_hdr_ipv4, 12);
	frame_be16(f, 0x8100), frame_be16(f, 55), frame_be16(f, 0x0800); /* mirrored VLAN 55 */
	frame_cat(f, ipv4_syn, sizeof(ipv4_syn));
	fix_ipv4(f, ip);
}

/* The mirror's transport (GRE key) is dropped; the mirrored frame's VLAN is kept. */
static void test_erspan(void **state)
{
	static const uint8_t ctx[] = { TS_CTX_VLAN, 0, 55 };
	struct ts_decoded d;
	size_t hdr;

	(void)state;
	for (int type = 1; type <= 3; type++) {
		for (int sub = 0; sub < (type == 3 ? 2 : 1); sub++) {
			struct frame f = { .len = 0 };
			build_erspan(&f, type, type == 3 ? 2 : 1, sub, &hdr);
			decode_ok(&f, &d);
			assert_ipv4_syn(&d);
			assert_true(has_encap(&d, TS_ENC_ERSPAN));
			assert_int_equal(d.ctx_len, sizeof(ctx));
			assert_memory_equal(d.ctx, ctx, sizeof(ctx));
			if (type == 2)
				check_prefixes(&f, hdr, hdr + 8, TS_DR_TRUNC_ERSPAN);
			if (type == 3)
				check_prefixes(&f, hdr, hdr + (sub ? 20 : 12), TS_DR_TRUNC_ERSPAN);
		}
	}
	struct frame b2 = { .len = 0 }, b3 = { .len = 0 };
	build_erspan(&b2, 2, 2, false, &hdr);
	decode_fails(&b2, TS_D_INVALID, TS_DR_ERSPAN_BAD_VERSION);
	build_erspan(&b3, 3, 1, false, &hdr);
	decode_fails(&b3, TS_D_INVALID, TS_DR_ERSPAN_BAD_VERSION);
}

static void test_ip_in_ip(void **state)
{
	struct ts_decoded d;

	(void)state;
	for (int outer6 = 0; outer6 < 2; outer6++) {
		for (int inner6 = 0; inner6 < 2; inner6++) {
			struct frame f = { .len = 0 };
			uint8_t proto = inner6 ? 41 : 4;
			put_eth(&f, outer6 ? 0x86dd : 0x0800);
			size_t ip = outer6 ? put_ipv6(&f, proto) : put_ipv4(&f, proto);
			if (inner6)
				frame_cat(&f, ipv6_syn, sizeof(ipv6_syn));
			else
				frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
			if (outer6)
				fix_ipv6(&f, ip);
			else
				fix_ipv4(&f, ip);
			decode_ok(&f, &d);
			if (inner6)
				assert_ipv6_syn(&d);
			else
				assert_ipv4_syn(&d);
			assert_true(has_encap(&d, TS_ENC_IPIP));
		}
	}
	struct frame b = { .len = 0 };
	put_eth(&b, 0x0800);
	size_t ip = put_ipv4(&b, 4);
	frame_cat(&b, ipv6_syn, sizeof(ipv6_syn)); /* protocol 4 says IPv4 */
	fix_ipv4(&b, ip);
	decode_fails(&b, TS_D_INVALID, TS_DR_IPIP_NOT_IP);
	struct frame e = { .len = 0 };
	put_eth(&e, 0x0800);
	ip = put_ipv4(&e, 41);
	fix_ipv4(&e, ip);
	decode_fails(&e, TS_D_TRUNC, TS_DR_TRUNC_IPV6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vxlan),
		cmocka_unit_test(test_vxlan_over_ipv6),
		cmocka_unit_test(test_vxlan_no_vni),
		cmocka_unit_test(test_vxlan_configured_port),
		cmocka_unit_test(test_geneve),
		cmocka_unit_test(test_gtpu),
		cmocka_unit_test(test_teredo),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_gre),
		cmocka_unit_test(test_pptp),
		cmocka_unit_test(test_wccp),
		cmocka_unit_test(test_gre_aruba),
		cmocka_unit_test(test_erspan),
		cmocka_unit_test(test_ip_in_ip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
