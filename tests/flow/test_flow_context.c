/* \summary: outer contexts: interning, formatting, and flows told apart by them */
#include "../dissect/dissect_test.h"
#include "frames.h"

#include "tcpscope/analyzer.h"
#include "tcpscope/flow_context.h"

static void test_intern(void **state)
{
	static const uint8_t a[] = { TS_CTX_VLAN, 0, 10 }, b[] = { TS_CTX_VLAN, 0, 20 };
	struct ts_ctx_table t;
	struct ts_ctx_entry e;

	(void)state;
	ts_ctx_table_init(&t);
	uint32_t ia = ts_ctx_intern(&t, a, sizeof(a)), ib = ts_ctx_intern(&t, b, sizeof(b));
	assert_int_equal(ia, 1);
	assert_int_equal(ib, 2);
	assert_int_equal(ts_ctx_intern(&t, a, sizeof(a)), ia);
	assert_int_equal(ts_ctx_intern(&t, a, 0), 0);
	assert_int_equal(ts_ctx_intern(&t, a, TS_CTX_MAX + 1), 0);
	/* enough to grow the index several times: ids stay put */
	for (uint32_t i = 0; i < 1000; i++) {
		uint8_t k[5] = { TS_CTX_GRE_KEY, (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		assert_int_equal(ts_ctx_intern(&t, k, sizeof(k)), i + 3);
	}
	assert_int_equal(ts_ctx_intern(&t, b, sizeof(b)), ib);
	assert_true(ts_ctx_get(&t, ib, &e));
	assert_int_equal(e.len, sizeof(b));
	assert_memory_equal(e.bytes, b, sizeof(b));
	assert_false(ts_ctx_get(&t, 0, &e));
	assert_false(ts_ctx_get(&t, 1003, &e));
	assert_non_null(ts_ctx_peek(&t, 1002));
	assert_null(ts_ctx_peek(&t, 1003));
	assert_int_equal(t.failures, 0);
	ts_ctx_table_free(&t);
}

static void test_format(void **state)
{
	static const uint8_t bytes[] = { TS_CTX_VLAN, 0, 100, TS_CTX_VLAN, 0, 200,
	                                 TS_CTX_VXLAN, 0, 0x13, 0x89, TS_CTX_GRE_KEY, 0, 0, 1, 0,
	                                 TS_CTX_GENEVE, 0, 0, 7 };
	struct ts_ctx_entry e = { .len = sizeof(bytes) };
	char buf[128], tiny[12];

	(void)state;
	memcpy(e.bytes, bytes, sizeof(bytes));
	ts_ctx_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "vlan 100/200 vni 5001 gre_key 256 geneve_vni 7");
	/* a short buffer gets a cut, terminated string */
	assert_int_equal(ts_ctx_format(&e, tiny, sizeof(tiny)), sizeof(tiny) - 1);
	assert_string_equal(tiny, "vlan 100/20");
	/* bytes no dissector writes are not walked past */
	e.bytes[0] = 99;
	assert_false(ts_ctx_walk(&e, NULL, NULL));
	e.bytes[0] = TS_CTX_VLAN;
	e.len = 2;
	assert_false(ts_ctx_walk(&e, NULL, NULL));
}

static void feed_tagged(struct ts_analyzer *an, int vlan, double t)
{
	struct frame f = { .len = 0 };
	struct ts_pkt pkt = { 0 };

	frame_cat(&f, eth_hdr_ipv4, 12);
	if (vlan >= 0) {
		frame_be16(&f, 0x8100);
		frame_be16(&f, (uint16_t)vlan);
	}
	frame_be16(&f, 0x0800);
	frame_cat(&f, ipv4_syn, sizeof(ipv4_syn));
	pkt.ts = tf_time(t);
	pkt.caplen = pkt.wirelen = (uint32_t)f.len;
	pkt.linktype = DLT_EN10MB;
	pkt.data = f.b;
	pkt.index = 1;
	ts_analyzer_feed(an, &pkt);
}

/* One SYN on VLAN 10, 20 and untagged: three conversations; a resend joins its own. */
static void test_vlans_are_flows(void **state)
{
	struct ts_analyzer an;
	size_t n;

	(void)state;
	tf_analyzer(&an, NULL);
	feed_tagged(&an, 10, 0.0);
	feed_tagged(&an, 20, 0.0001);
	feed_tagged(&an, -1, 0.0002);
	feed_tagged(&an, 10, 1.0);
	ts_analyzer_flush(&an);
	struct ts_flow **flows = tf_flows(&an, &n);
	assert_int_equal(n, 3);
	uint32_t ctx[3];
	for (size_t i = 0; i < n; i++)
		ctx[i] = ts_flow_key_ctx(&flows[i]->key);
	assert_int_not_equal(ctx[0], 0);
	assert_int_not_equal(ctx[1], 0);
	assert_int_not_equal(ctx[0], ctx[1]);
	assert_int_equal(ctx[2], 0);
	assert_int_equal(flows[0]->cli.st.packets, 2);
	assert_int_equal(ts_endpoint_rare(&flows[0]->cli)->syn_retrans, 1);
	assert_int_equal(flows[1]->cli.st.packets, 1);
	assert_int_equal(an.dec.encap[TS_ENC_VLAN], 3);
	free(flows);
	ts_analyzer_free(&an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_vlans_are_flows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
