/* \summary: layer-2 encapsulations (MPLS, PPPoE, VN-Tag, FabricPath), FDDI, IPoIB, NFLOG, and the decode bounds */
#include "encap_test.h"

static void put_mpls(struct frame *f, uint32_t label, bool bottom)
{
	frame_be32(f, label << 12 | (bottom ? 0x100u : 0) | 64);
}

static void test_mpls(void **state)
{
	struct frame f = { .len = 0 }, s6 = { .len = 0 }, pw = { .len = 0 }, nocw = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	put_eth(&f, 0x8847);
	put_mpls(&f, 100, false);
	put_mpls(&f, 200, true);
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_int_equal(d.ctx_len, 0); /* labels are per direction: no context */
	assert_true(has_encap(&d, TS_ENC_MPLS));
	check_prefixes(&f, 14, 23, TS_DR_TRUNC_MPLS);

	put_eth(&s6, 0x8848);
	put_mpls(&s6, 7, true);
	frame_cat(&s6, ipv6_syn, sizeof(ipv6_syn));
	decode_ok(&s6, &d);
	assert_ipv6_syn(&d);

	/* Pseudowire: control word (first nibble 0), then Ethernet in VLAN 300. */
	frame_cat(&pw, eth_hdr_ipv4, 12);
	frame_be16(&pw, 0x8100), frame_be16(&pw, 300), frame_be16(&pw, 0x8847);
	put_mpls(&pw, 16, true);
	frame_be32(&pw, 0);
	put_inner_eth_syn(&pw);
	decode_ok(&pw, &d);
	assert_ipv4_syn(&d);
	assert_true(has_encap(&d, TS_ENC_ETH_INNER));
	assert_int_equal(d.vlan_count, 1);
	assert_int_equal(d.vlan[0], 300);

	/* Without a control word: a destination MAC not starting with 0, 4 or 6. */
	put_eth(&nocw, 0x8847);
	put_mpls(&nocw, 16, true);
	static const uint8_t mac[] = { 0xa2, 0, 0, 0, 0, 2, 0xa2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	frame_cat(&nocw, mac, sizeof(mac));
	frame_cat(&nocw, ipv4_syn, sizeof(ipv4_syn));
	decode_ok(&nocw, &d);
	assert_ipv4_syn(&d);
}

static void test_mpls_too_deep(void **state)
{
	struct frame f = { .len = 0 }, ok = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	put_eth(&ok, 0x8847);
	for (int i = 0; i < TS_MPLS_MAX; i++)
		put_mpls(&ok, (uint32_t)(16 + i), i == TS_MPLS_MAX - 1);
	frame_cat(&ok, ipv4_syn, sizeof(ipv4_syn));
	decode_ok(&ok, &d);
	put_eth(&f, 0x8847);
	for (int i = 0; i <= TS_MPLS_MAX; i++)
		put_mpls(&f, (uint32_t)(16 + i), i == TS_MPLS_MAX);
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_fails(&f, TS_D_SKIP, TS_DR_MPLS_TOO_DEEP);
}

/* TS_PPP_COMPRESSED in proto writes the protocol field in one byte (RFC 1661). */
#define TS_PPP_COMPRESSED 0x10000u
static void build_pppoe(struct frame *f, uint8_t ver, uint8_t code, uint32_t proto, bool v6,
                        int len_adjust)
{
	const uint8_t *ip = v6 ? ipv6_syn : ipv4_syn;
	size_t iplen = v6 ? sizeof(ipv6_syn) : sizeof(ipv4_syn);
	bool compressed = (proto & TS_PPP_COMPRESSED) != 0;
	size_t plen = (compressed ? 1 : 2) + iplen;

	frame_cat(f, eth_hdr_ipv4, 12);
	frame_be16(f, 0x88a8), frame_be16(f, 100); /* over QinQ */
	frame_be16(f, 0x8100), frame_be16(f, 200);
	frame_be16(f, 0x8864);
	frame_byte(f, ver);
	frame_byte(f, code);
	frame_be16(f, 0x1234);
	frame_be16(f, (uint16_t)((int)plen + len_adjust));
	if (compressed)
		frame_byte(f, (uint8_t)proto);
	else
		frame_be16(f, (uint16_t)proto);
	frame_cat(f, ip, iplen);
	frame_be32(f, 0); /* Ethernet padding: cut by the session length */
}

static void test_pppoe(void **state)
{
	static const uint8_t ctx[] = { TS_CTX_VLAN, 0, 100, TS_CTX_VLAN, 0, 200 };
	struct frame f = { .len = 0 }, g = { .len = 0 }, c = { .len = 0 }, l = { .len = 0 },
	             v = { .len = 0 }, s = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	build_pppoe(&f, 0x11, 0, 0x0021, false, 0);
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_true(has_encap(&d, TS_ENC_PPPOE));
	assert_memory_equal(d.ctx, ctx, sizeof(ctx));
	check_prefixes(&f, 22, 30, TS_DR_TRUNC_PPPOE);
	build_pppoe(&g, 0x11, 0, 0x0057, true, 0);
	decode_ok(&g, &d);
	assert_ipv6_syn(&d);
	build_pppoe(&c, 0x11, 0, 0x21 | TS_PPP_COMPRESSED, false, 0); /* compressed protocol field */
	assert_int_equal(c.len, f.len - 1);
	decode_ok(&c, &d);
	assert_ipv4_syn(&d);
	build_pppoe(&l, 0x11, 0, 0xc021, false, 0);
	decode_fails(&l, TS_D_SKIP, TS_DR_PPPOE_NOT_IP);
	build_pppoe(&v, 0x11, 0x09, 0x0021, false, 0);
	decode_fails(&v, TS_D_INVALID, TS_DR_PPPOE_BAD_VERSION);
	build_pppoe(&s, 0x11, 0, 0x0021, false, -(int)sizeof(ipv4_syn) - 1);
	decode_fails(&s, TS_D_INVALID, TS_DR_PPPOE_BAD_LEN);
}

static void test_vntag(void **state)
{
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	put_eth(&f, 0x8926);
	frame_be32(&f, 0x80010002);
	frame_be16(&f, 0x0800);
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_true(has_encap(&d, TS_ENC_VNTAG));
	assert_int_equal(d.ctx_len, 0);
	check_prefixes(&f, 14, 20, TS_DR_TRUNC_VNTAG);
}

/* FabricPath's outer header names switches: what came before is dropped. */
static void test_fabricpath(void **state)
{
	struct frame f = { .len = 0 };
	struct ts_decoded d;

	(void)state;
	put_eth(&f, 0x8903);
	frame_be16(&f, 0x0401);
	frame_cat(&f, eth_hdr_ipv4, 12);
	frame_be16(&f, 0x8100), frame_be16(&f, 12), frame_be16(&f, 0x0800);
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	frame_be32(&f, 0); /* the copied FCS */
	decode_ok(&f, &d);
	assert_ipv4_syn(&d);
	assert_true(has_encap(&d, TS_ENC_FABRICPATH));
	assert_int_equal(d.ctx_len, 3);
	assert_int_equal(d.ctx[2], 12);
	check_prefixes(&f, 14, 16, TS_DR_TRUNC_FABRICPATH);
}

static void test_fddi(void **state)
{
	static const uint8_t hdr[] = { 0x50, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
	                               0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	struct frame f = { .len = 0 };
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	frame_cat(&f, hdr, sizeof(hdr));
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	assert_int_equal(decode_exact(DLT_FDDI, f.b, f.len, &d, &r), TS_D_OK);
	assert_ipv4_syn(&d);
	assert_true(has_encap(&d, TS_ENC_LLC_SNAP));
	assert_int_equal(decode_exact(DLT_FDDI, f.b, 12, &d, &r), TS_D_TRUNC);
	assert_int_equal(r, TS_DR_TRUNC_FDDI);
	f.b[0] = 0x41; /* an SMT frame */
	assert_int_equal(decode_exact(DLT_FDDI, f.b, f.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NOT_IP);
	assert_string_equal(ts_linktype_name(DLT_FDDI), "FDDI");
}

static void test_ipoib(void **state)
{
	struct frame rfc = { .len = 0 }, lnx = { .len = 0 };
	struct ts_decoded d;
	enum ts_decode_reason r;
	uint8_t addrs[40] = { [4] = 0xfe, [5] = 0x80 };

	(void)state;
	frame_be16(&rfc, 0x0800), frame_be16(&rfc, 0);
	frame_cat(&rfc, ipv4_syn, sizeof(ipv4_syn));
	assert_int_equal(decode_exact(242, rfc.b, rfc.len, &d, &r), TS_D_OK);
	assert_ipv4_syn(&d);
	frame_cat(&lnx, addrs, sizeof(addrs));
	frame_be16(&lnx, 0x86dd), frame_be16(&lnx, 0);
	frame_cat(&lnx, ipv6_syn, sizeof(ipv6_syn));
	assert_int_equal(decode_exact(242, lnx.b, lnx.len, &d, &r), TS_D_OK);
	assert_ipv6_syn(&d);
	assert_int_equal(decode_exact(242, rfc.b, 3, &d, &r), TS_D_TRUNC);
	assert_int_equal(r, TS_DR_TRUNC_IPOIB);
	assert_string_equal(ts_linktype_name(242), "IPOIB");
}

static void tlv16(struct frame *f, uint16_t v, bool big)
{
	if (big) {
		frame_be16(f, v);
	} else {
		frame_byte(f, (uint8_t)v);
		frame_byte(f, (uint8_t)(v >> 8));
	}
}

static void build_nflog(struct frame *f, bool big, bool with_payload)
{
	frame_byte(f, 2), frame_byte(f, 0), frame_be16(f, 0);
	tlv16(f, 8, big), tlv16(f, 1, big); /* NFULA_PACKET_HDR */
	frame_be16(f, 0x0800), frame_byte(f, 1), frame_byte(f, 0);
	tlv16(f, 7, big), tlv16(f, 10, big); /* NFULA_PREFIX "abc", padded to 8 */
	frame_cat(f, "abc\0", 4);
	if (with_payload) {
		tlv16(f, (uint16_t)(4 + sizeof(ipv4_syn)), big), tlv16(f, 9, big);
		frame_cat(f, ipv4_syn, sizeof(ipv4_syn));
	}
}

static void test_nflog(void **state)
{
	struct ts_decoded d;
	enum ts_decode_reason r;

	(void)state;
	for (int big = 0; big < 2; big++) {
		struct frame f = { .len = 0 };
		build_nflog(&f, big, true);
		assert_int_equal(decode_exact(239, f.b, f.len, &d, &r), TS_D_OK);
		assert_ipv4_syn(&d);
		for (size_t n = 0; n < 24; n++) {
			enum ts_drc rc = decode_exact(239, f.b, n, &d, &r);
			/* cut after a whole TLV (padded or not): no payload among them */
			if (n == 12 || n == 19 || n == 20) {
				assert_int_equal(rc, TS_D_SKIP);
				assert_int_equal(r, TS_DR_NFLOG_NO_PAYLOAD);
			} else {
				assert_int_equal(rc, TS_D_TRUNC);
				assert_int_equal(r, TS_DR_TRUNC_NFLOG);
			}
		}
	}
	struct frame np = { .len = 0 }, bad = { .len = 0 };
	build_nflog(&np, false, false);
	assert_int_equal(decode_exact(239, np.b, np.len, &d, &r), TS_D_SKIP);
	assert_int_equal(r, TS_DR_NFLOG_NO_PAYLOAD);
	build_nflog(&bad, false, true);
	bad.b[4] = 2; /* a TLV shorter than its own header */
	assert_int_equal(decode_exact(239, bad.b, bad.len, &d, &r), TS_D_INVALID);
	assert_int_equal(r, TS_DR_NFLOG_BAD_TLV);
	assert_string_equal(ts_linktype_name(239), "NFLOG");
}

/* TS_ENCAP_MAX_LAYERS headers decode; one more is the counted bound. */
static void test_depth_bound(void **state)
{
	struct ts_decoded d;

	(void)state;
	for (int extra = 0; extra < 2; extra++) {
		struct frame f = { .len = 0 };
		size_t at[TS_ENCAP_MAX_LAYERS + 1];
		int n = TS_ENCAP_MAX_LAYERS + extra;
		put_eth(&f, 0x0800);
		for (int i = 0; i < n; i++)
			at[i] = put_ipv4(&f, 4);
		frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
		for (int i = 0; i < n; i++)
			fix_ipv4(&f, at[i]);
		if (extra) {
			decode_fails(&f, TS_D_SKIP, TS_DR_ENCAP_TOO_DEEP);
		} else {
			decode_ok(&f, &d);
			assert_ipv4_syn(&d);
		}
	}
}

/* Outer ids beyond TS_CTX_MAX bytes are refused, not cut (a cut id would merge flows). */
static void test_context_bound(void **state)
{
	struct frame f = { .len = 0 };
	size_t ip[4], udp[4];

	(void)state;
	frame_cat(&f, eth_hdr_ipv4, 12);
	for (int i = 0; i < TS_VLAN_MAX; i++)
		frame_be16(&f, 0x8100), frame_be16(&f, (uint16_t)(i + 1));
	frame_be16(&f, 0x0800);
	for (int i = 0; i < 4; i++) { /* 24 + 4 x 4 bytes of VNIs, then an inner VLAN */
		ip[i] = put_ipv4(&f, 17);
		udp[i] = put_udp(&f, 1, 4789);
		frame_be32(&f, 0x08000000), frame_be32(&f, (uint32_t)(i + 1) << 8);
		frame_cat(&f, eth_hdr_ipv4, 12);
		if (i == 3)
			frame_be16(&f, 0x8100), frame_be16(&f, 9), frame_be16(&f, 0x0800);
		else
			frame_be16(&f, 0x0800);
	}
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	for (int i = 4; i-- > 0;) {
		fix_udp(&f, udp[i]);
		fix_ipv4(&f, ip[i]);
	}
	decode_fails(&f, TS_D_SKIP, TS_DR_ENCAP_CONTEXT_LONG);
}

static void test_encap_names(void **state)
{
	(void)state;
	for (unsigned i = 0; i < TS_ENC_COUNT; i++) {
		assert_non_null(ts_encap_name(i));
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(ts_encap_name(i), ts_encap_name(j));
	}
	assert_string_equal(ts_encap_name(TS_ENC_VXLAN), "vxlan");
	assert_string_equal(ts_encap_name(TS_ENC_COUNT), "encap.unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_mpls_too_deep),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_vntag),
		cmocka_unit_test(test_fabricpath),
		cmocka_unit_test(test_fddi),
		cmocka_unit_test(test_ipoib),
		cmocka_unit_test(test_nflog),
		cmocka_unit_test(test_depth_bound),
		cmocka_unit_test(test_context_bound),
		cmocka_unit_test(test_encap_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
