/* \summary: unit tests: canonical keys, seeded hash, ids, listing, victims, retire and free */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pcap/dlt.h>

#include "frames.h"
#include "tcpscope/flow_table.h"
#include "tcpscope/flow_view.h"

static struct ts_decoded decoded(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct ts_decoded d;
	memset(&d, 0, sizeof(d));
	d.af = strchr(src, ':') ? 6 : 4;
	assert_int_equal(inet_pton(d.af == 6 ? AF_INET6 : AF_INET, src, d.src), 1);
	assert_int_equal(inet_pton(d.af == 6 ? AF_INET6 : AF_INET, dst, d.dst), 1);
	d.sport = sport;
	d.dport = dport;
	return d;
}

static void make_key(struct ts_flow_key *k, const char *src, uint16_t sport, const char *dst,
                     uint16_t dport, bool *from_lo)
{
	struct ts_decoded d = decoded(src, sport, dst, dport);
	memset(k, 0xAA, sizeof(*k)); /* garbage the builder must overwrite */
	*from_lo = ts_flow_key_make(k, &d);
}

static void test_canonical_key(void **state)
{
	(void)state;
	struct ts_flow_key a, b;
	bool a_lo, b_lo;
	static const uint8_t zero[16] = { 0 };

	make_key(&a, "10.0.0.2", 80, "10.0.0.1", 40000, &a_lo);
	make_key(&b, "10.0.0.1", 40000, "10.0.0.2", 80, &b_lo);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(a_lo != b_lo);
	assert_true(b_lo); /* 10.0.0.1 is the lower address */
	assert_int_equal(a.lo_port, 40000);
	assert_int_equal(a.hi_port, 80);
	/* Padding and the unused IPv4 address bytes are zero: the key is hashed as bytes. */
	assert_memory_equal(a.ctx, zero, sizeof(a.ctx));
	assert_memory_equal(a.lo_addr + 4, zero, 12);
	assert_memory_equal(a.hi_addr + 4, zero, 12);

	/* Same address both ways (loopback): the lower port is lo. */
	make_key(&a, "127.0.0.1", 5000, "127.0.0.1", 4000, &a_lo);
	make_key(&b, "127.0.0.1", 4000, "127.0.0.1", 5000, &b_lo);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_false(a_lo);
	assert_true(b_lo);

	make_key(&a, "2001:db8::2", 443, "2001:db8::1", 50000, &a_lo);
	make_key(&b, "2001:db8::1", 50000, "2001:db8::2", 443, &b_lo);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.af, 6);
	assert_memory_equal(a.ctx, zero, sizeof(a.ctx));
}

static void test_seeded_hash(void **state)
{
	(void)state;
	struct ts_flow_key a, b, c;
	bool lo;

	make_key(&a, "10.0.0.1", 40000, "10.0.0.2", 80, &lo);
	make_key(&b, "10.0.0.2", 80, "10.0.0.1", 40000, &lo);
	make_key(&c, "10.0.0.1", 40001, "10.0.0.2", 80, &lo);
	assert_int_equal(ts_flow_key_hash(&a, 1), ts_flow_key_hash(&b, 1));
	assert_int_equal(ts_flow_key_hash(&a, 77), ts_flow_key_hash(&b, 77));
	assert_int_not_equal(ts_flow_key_hash(&a, 1), ts_flow_key_hash(&a, 2));
	assert_int_not_equal(ts_flow_key_hash(&a, 1), ts_flow_key_hash(&c, 1));
	/* The low bits (bucket index) change with the seed too. */
	unsigned differ = 0;
	for (uint64_t s = 1; s <= 16; s++)
		differ += (ts_flow_key_hash(&a, s) & 0xff) != (ts_flow_key_hash(&a, s + 100) & 0xff);
	assert_true(differ >= 12);
}

static struct ts_flow *add_flow(struct ts_flow_table *t, uint16_t port)
{
	struct ts_flow_key k;
	bool lo;
	make_key(&k, "10.0.0.1", port, "10.0.0.2", 80, &lo);
	uint64_t hv = ts_flow_key_hash(&k, t->seed);
	assert_null(ts_flow_table_find(t, &k, hv));
	struct ts_flow *f = ts_flow_table_add(t, &k, hv);
	assert_non_null(f);
	assert_ptr_equal(ts_flow_table_find(t, &k, hv), f);
	return f;
}

static void test_ids_and_sorted_listing(void **state)
{
	(void)state;
	struct ts_flow_table t;
	ts_flow_table_init(&t, 0, 99);

	struct ts_flow *f[5];
	for (int i = 0; i < 5; i++)
		f[i] = add_flow(&t, (uint16_t)(50000 - i * 7));
	for (int i = 0; i < 5; i++)
		assert_int_equal(f[i]->id, (uint64_t)i + 1);
	assert_int_equal(t.live, 5);
	assert_null(ts_flow_table_victim(&t)); /* unlimited */

	ts_flow_table_retire(&t, f[3]);
	ts_flow_table_retire(&t, f[1]);
	struct ts_flow_view v;
	assert_int_equal(ts_flow_view_build(&v, &t), 0);
	assert_int_equal(v.n, 5);
	for (size_t i = 0; i < v.n; i++) {
		assert_int_equal(ts_flow_view_id(&v, i), i + 1);
		/* Retired ones come back unpacked, the others as themselves. */
		assert_int_equal(ts_flow_view_live(&v, i) == NULL, i == 1 || i == 3);
		const struct ts_flow *got = ts_flow_view_get(&v, i);
		assert_int_equal(got->id, i + 1);
		assert_int_equal(got->key.lo_port, (uint16_t)(50000 - i * 7));
	}
	ts_flow_view_free(&v);
	ts_flow_table_free(&t);
}

static void test_victim_selection(void **state)
{
	(void)state;
	struct ts_flow_table t;
	ts_flow_table_init(&t, 3, 5);

	struct ts_flow *f1 = add_flow(&t, 1001);
	assert_null(ts_flow_table_victim(&t));
	struct ts_flow *f2 = add_flow(&t, 1002);
	struct ts_flow *f3 = add_flow(&t, 1003);
	/* At the cap with no closed flow: the least recently active one. */
	assert_ptr_equal(ts_flow_table_victim(&t), f1);
	ts_flow_table_touch(&t, f1, false);
	assert_ptr_equal(ts_flow_table_victim(&t), f2);
	assert_int_equal(t.evicted_open, 2);
	assert_int_equal(t.evicted_closed, 0);
	/* A closed flow goes first, even when it was touched last. */
	ts_flow_table_touch(&t, f3, true);
	assert_ptr_equal(ts_flow_table_victim(&t), f3);
	assert_int_equal(t.evicted_closed, 1);
	ts_flow_table_retire(&t, f3);
	assert_null(ts_flow_table_victim(&t));
	struct ts_flow *f4 = add_flow(&t, 1004);
	assert_ptr_equal(ts_flow_table_victim(&t), f2);
	ts_flow_table_retire(&t, f2);
	ts_flow_table_touch(&t, f4, false);
	add_flow(&t, 1005);
	assert_ptr_equal(ts_flow_table_victim(&t), f1);
	ts_flow_table_free(&t);
}

static void test_retire_keeps_flow_for_report(void **state)
{
	(void)state;
	struct ts_flow_table t;
	ts_flow_table_init(&t, 0, 5);

	struct ts_flow *f1 = add_flow(&t, 2001);
	struct ts_flow *f2 = add_flow(&t, 2002);
	f1->cli.st.packets = 7;
	f1->srv.mss = 1460;
	ts_flow_table_retire(&t, f1);
	assert_int_equal(t.live, 1);
	assert_int_equal(ts_flow_table_retired(&t), 1);
	assert_int_equal(ts_flow_table_count(&t), 2);
	/* Out of the hash: the same 4-tuple makes a new entry with a new id. */
	struct ts_flow *again = add_flow(&t, 2001);
	assert_int_equal(again->id, 3);
	struct ts_flow_view v;
	assert_int_equal(ts_flow_view_build(&v, &t), 0);
	assert_int_equal(v.n, 3);
	assert_null(ts_flow_view_live(&v, 0));
	const struct ts_flow *packed = ts_flow_view_get(&v, 0);
	assert_int_equal(packed->id, 1);
	assert_int_equal(packed->key.lo_port, 2001);
	assert_int_equal(packed->cli.st.packets, 7);
	assert_int_equal(packed->srv.mss, 1460);
	assert_ptr_equal(ts_flow_view_live(&v, 1), f2);
	assert_ptr_equal(ts_flow_view_live(&v, 2), again);
	ts_flow_view_free(&v);
	/* Free releases the live and the retired flows (LeakSanitizer checks). */
	ts_flow_table_free(&t);
	assert_null(t.all_head);
	assert_null(t.index.slots);
	assert_null(t.done.head);
	assert_int_equal(t.live, 0);
}

/* A sharded run's end: one table takes over another's live and packed flows
 * with their memory; the view sees all of them in id order. */
static void test_adopt_moves_everything(void **state)
{
	(void)state;
	struct ts_flow_table a, b;
	ts_flow_table_init(&a, 0, 5);
	ts_flow_table_init(&b, 0, 5);

	struct ts_flow *a1 = add_flow(&a, 3001); /* id 1 */
	struct ts_flow *a2 = add_flow(&a, 3002); /* id 2, retired */
	ts_flow_table_retire(&a, a2);
	b.next_id = 3;
	struct ts_flow *b3 = add_flow(&b, 3003); /* id 3 */
	struct ts_flow *b4 = add_flow(&b, 3004); /* id 4, retired below */
	struct ts_flow *b5 = add_flow(&b, 3005); /* id 5 */
	b4->cli.st.packets = 9;
	ts_flow_table_retire(&b, b4);
	ts_flow_table_touch(&b, b5, TS_LIST_DEAD);
	/* Counters are summed: both sides have some. */
	a.port_reuse = 1;
	a.evicted_idle = 4;
	a.unlisted = 2;
	b.port_reuse = 2;
	b.evicted_idle = 1;
	b.unlisted = 3;
	void *a_block = a.slab.blocks, *b_block = b.slab.blocks;

	assert_int_equal(ts_flow_table_adopt(&a, &b), 0);
	/* b is empty and owns nothing: its live flows now belong to a. */
	assert_int_equal(ts_flow_table_count(&b), 0);
	assert_null(b.all_head);
	assert_null(b.slab.blocks);
	assert_null(b.done.head);
	assert_int_equal(a.live, 3);
	assert_int_equal(ts_flow_table_retired(&a), 2);
	assert_int_equal(a.port_reuse, 3);
	assert_int_equal(a.next_id, 6); /* b's: above every id now in a */
	assert_int_equal(a.evicted_idle, 5);
	assert_int_equal(a.unlisted, 5);
	/* Both slabs' blocks, and only they, are in a's chain now. */
	int blocks = 0, found_a = 0, found_b = 0;
	for (void *blk = a.slab.blocks; blk; blk = *(void **)blk) {
		blocks++;
		found_a += blk == a_block;
		found_b += blk == b_block;
	}
	assert_int_equal(blocks, 2);
	assert_int_equal(found_a, 1);
	assert_int_equal(found_b, 1);
	/* The first-seen list and the LRU lists run on into b's flows. */
	assert_ptr_equal(a.all_head, a1);
	assert_ptr_equal(a1->all_next, b3);
	assert_ptr_equal(b3->all_prev, a1);
	assert_ptr_equal(a.lru_head[TS_LIST_DEAD], b5);
	assert_ptr_equal(a.all_tail, b5);
	assert_ptr_equal(a.lru_tail[TS_LIST_DEAD], b5);
	assert_ptr_equal(a.lru_tail[TS_LIST_OPEN], b3);
	assert_ptr_equal(b3->lru_prev, a1);

	struct ts_flow_view v;
	assert_int_equal(ts_flow_view_build(&v, &a), 0);
	assert_int_equal(v.n, 5);
	for (size_t i = 0; i < v.n; i++)
		assert_int_equal(ts_flow_view_get(&v, i)->key.lo_port, 3001 + i);
	assert_ptr_equal(ts_flow_view_live(&v, 4), b5);
	assert_int_equal(ts_flow_view_get(&v, 3)->cli.st.packets, 9);
	ts_flow_view_free(&v);
	/* A live flow can still leave a's table the usual way. */
	ts_flow_table_retire(&a, b3);
	assert_int_equal(a.live, 2);
	/* A table whose ids stop lower does not pull next_id down. */
	b.next_id = 2;
	assert_int_equal(ts_flow_table_adopt(&a, &b), 0);
	assert_int_equal(a.next_id, 6);
	ts_flow_table_free(&a);
	ts_flow_table_free(&b);
}

/* Through the pipeline: both directions are one flow; a cap retires and counts. */
static void test_analyzer_one_entry_and_cap(void **state)
{
	(void)state;
	struct ts_analyzer an;
	struct ts_analyzer_config cfg;
	ts_analyzer_config_default(&cfg);
	cfg.max_flows = 2;
	tf_analyzer(&an, &cfg);

	struct tf_conn c[3];
	for (int i = 0; i < 3; i++) {
		tf_conn_init(&c[i], &an, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2", 80);
		TF_C(&c[i], i, .flags = TS_TCP_SYN, .seq = 100);
		TF_S(&c[i], i + 0.001, .flags = TS_TCP_SYN | TS_TCP_ACK, .seq = 300, .ack = 101);
		TF_C(&c[i], i + 0.002, .flags = TS_TCP_ACK, .seq = 101, .ack = 301);
		assert_int_equal(an.flows.next_id, (uint64_t)i + 2);
	}
	assert_int_equal(an.flows.live, 2);
	assert_int_equal(an.flows.evicted_open, 1);
	ts_analyzer_finish(&an);
	size_t n = 0;
	struct ts_flow **v = tf_flows(&an, &n);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i]->id, i + 1);
		assert_int_equal(v[i]->cli.st.packets, 2);
		assert_int_equal(v[i]->srv.st.packets, 1);
	}
	assert_int_equal(an.flows.live, 2);
	assert_int_equal(ts_flow_table_retired(&an.flows), 1);
	free(v);
	/* Each flow folded into its hosts exactly once, the retired one included. */
	assert_int_equal(tf_host(&an, "10.0.0.2")->connections, 3);
	ts_analyzer_free(&an);
}

/* One frame, freed as soon as it is fed, as a capture's buffer may be. */
static void feed_frame(struct ts_analyzer *an, const struct tf_seg *s, double t, bool ahead)
{
	uint8_t *buf = malloc(TF_FRAME_MAX);
	assert_non_null(buf);
	size_t n = tf_build(s, buf, TF_FRAME_MAX);
	struct ts_pkt pkt = { .ts = tf_time(t), .caplen = (uint32_t)n, .wirelen = (uint32_t)n,
		              .linktype = DLT_EN10MB, .data = buf, .index = an->dec.packets + 1 };
	if (ahead)
		ts_analyzer_feed_ahead(an, &pkt);
	else
		ts_analyzer_feed(an, &pkt);
	free(buf);
}

/* Feeding ahead: segments wait two packets (the capture's buffer may be gone
 * by then), and a flush gives exactly what feeding one by one gives. */
static void test_feed_ahead_lags_then_matches(void **state)
{
	(void)state;
	struct ts_analyzer now, later;
	tf_analyzer(&now, NULL);
	tf_analyzer(&later, NULL);
	const struct tf_seg segs[] = {
		{ .src = "10.0.0.1", .dst = "10.0.0.2", .sport = 40000, .dport = 80, .flags = TS_TCP_SYN, .seq = 100 },
		{ .src = "10.0.0.2", .dst = "10.0.0.1", .sport = 80, .dport = 40000,
		  .flags = TS_TCP_SYN | TS_TCP_ACK, .seq = 300, .ack = 101 },
		{ .src = "10.0.0.1", .dst = "10.0.0.2", .sport = 40000, .dport = 80, .flags = TS_TCP_ACK,
		  .seq = 101, .ack = 301 },
		{ .src = "10.0.0.1", .dst = "10.0.0.2", .sport = 40000, .dport = 80,
		  .flags = TS_TCP_ACK | TS_TCP_PSH, .seq = 101, .ack = 301, .len = 100 },
	};
	for (size_t i = 0; i < 3; i++) {
		feed_frame(&now, &segs[i], 0.001 * (double)i, false);
		feed_frame(&later, &segs[i], 0.001 * (double)i, true);
	}
	/* Counted on arrival, analysed two packets later. */
	assert_int_equal(later.dec.packets, 3);
	assert_int_equal(later.n_pending, 2);
	struct ts_flow *f = later.flows.all_head;
	assert_non_null(f);
	assert_int_equal(f->cli.st.packets + f->srv.st.packets, 1);
	assert_int_equal(f->cli.state, TS_ST_SYN_SENT);

	feed_frame(&now, &segs[3], 0.003, false);
	feed_frame(&later, &segs[3], 0.003, true);
	ts_analyzer_flush(&later);
	assert_int_equal(later.n_pending, 0);
	struct ts_flow *g = now.flows.all_head;
	assert_int_equal(f->cli.state, TS_ST_ESTABLISHED);
	assert_int_equal(f->srv.state, g->srv.state);
	assert_int_equal(f->cli.st.packets, g->cli.st.packets);
	assert_int_equal(f->cli.st.payload_bytes, 100);
	assert_int_equal(f->srv.st.packets, g->srv.st.packets);
	assert_int_equal(f->handshake, g->handshake);
	assert_int_equal(f->has_ack_ts, g->has_ack_ts);
	assert_int_equal(f->ack_ns, g->ack_ns);
	ts_analyzer_free(&now);
	ts_analyzer_free(&later);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_key),
		cmocka_unit_test(test_seeded_hash),
		cmocka_unit_test(test_ids_and_sorted_listing),
		cmocka_unit_test(test_victim_selection),
		cmocka_unit_test(test_feed_ahead_lags_then_matches),
		cmocka_unit_test(test_retire_keeps_flow_for_report),
		cmocka_unit_test(test_adopt_moves_everything),
		cmocka_unit_test(test_analyzer_one_entry_and_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
