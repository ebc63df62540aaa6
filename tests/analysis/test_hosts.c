/* \summary: unit tests: the per-host netstat -s view (opens, failures, resets, segments) */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frames.h"

#define SYN TS_TCP_SYN
#define ACK TS_TCP_ACK
#define FIN TS_TCP_FIN
#define RST TS_TCP_RST
#define PSH TS_TCP_PSH

static void handshake(struct tf_conn *c, double t)
{
	TF_C(c, t, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(c, t + 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	TF_C(c, t + 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
}

static void run(struct ts_analyzer *an)
{
	struct tf_conn c1, c2, c3, c4;

	/* 1: data with one resend, a resent SYN-ACK, an orderly close by the client.
	 * Client sends 8 segments (1 resent), the server 4 (1 resent SYN-ACK). */
	tf_conn_init(&c1, an, "10.0.0.1", 40000, "10.0.0.2", 80);
	TF_C(&c1, 0, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&c1, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	TF_S(&c1, 1.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	TF_C(&c1, 1.002, .flags = ACK, .seq = 1001, .ack = 5001);
	TF_C(&c1, 1.01, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100);
	TF_C(&c1, 1.011, .flags = ACK | PSH, .seq = 1101, .ack = 5001, .len = 100);
	TF_C(&c1, 1.3, .flags = ACK | PSH, .seq = 1101, .ack = 5001, .len = 100);
	TF_S(&c1, 1.301, .flags = ACK | PSH, .seq = 5001, .ack = 1201, .len = 50);
	TF_C(&c1, 1.302, .flags = ACK, .seq = 1201, .ack = 5051);
	TF_C(&c1, 2, .flags = FIN | ACK, .seq = 1201, .ack = 5051);
	TF_S(&c1, 2.001, .flags = FIN | ACK, .seq = 5051, .ack = 1202);
	TF_C(&c1, 2.002, .flags = ACK, .seq = 1202, .ack = 5052);

	/* 2: refused (1 segment each way). */
	tf_conn_init(&c2, an, "10.0.0.1", 40001, "10.0.0.2", 81);
	TF_C(&c2, 3, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&c2, 3.001, .flags = RST | ACK, .seq = 0, .ack = 1001);

	/* 3: established and left open (2 + 1). */
	tf_conn_init(&c3, an, "10.0.0.1", 40002, "10.0.0.2", 80);
	handshake(&c3, 4);

	/* 4: the server aborts an established connection (2 + 2). */
	tf_conn_init(&c4, an, "10.0.0.1", 40003, "10.0.0.2", 80);
	handshake(&c4, 5);
	TF_S(&c4, 5.5, .flags = RST | ACK, .seq = 5001, .ack = 1001);

	ts_analyzer_finish(an);
}

static void test_netstat_view(void **state)
{
	(void)state;
	struct ts_analyzer an;
	tf_analyzer(&an, NULL);
	run(&an);

	const struct ts_host *a = tf_host(&an, "10.0.0.1");
	const struct ts_host *b = tf_host(&an, "10.0.0.2");
	assert_int_equal(a->connections, 4);
	assert_int_equal(b->connections, 4);

	assert_int_equal(a->active_opens, 4); /* connect() counts even when refused */
	assert_int_equal(a->passive_opens, 0);
	assert_int_equal(b->active_opens, 0);
	assert_int_equal(b->passive_opens, 3);

	assert_int_equal(a->failed_attempts, 1);
	assert_int_equal(b->failed_attempts, 0);
	assert_int_equal(a->resets, 1); /* EstabResets: both ends of connection 4 */
	assert_int_equal(b->resets, 1);
	assert_int_equal(a->current, 1);
	assert_int_equal(b->current, 1);

	/* OutSegs without retransmissions: 7 + 1 + 2 + 2 for the client. */
	assert_int_equal(a->segments_sent, 12);
	assert_int_equal(a->segments_retransmitted, 1);
	/* The server: every SYN-ACK counts, the resent one too; RSTs count. */
	assert_int_equal(b->segments_sent, 4 + 1 + 1 + 2);
	assert_int_equal(b->segments_retransmitted, 1);
	/* InSegs: everything captured towards the host. */
	assert_int_equal(a->segments_received, 4 + 1 + 1 + 2);
	assert_int_equal(b->segments_received, 8 + 1 + 2 + 2);
	assert_true(ts_host_retrans_pct(a) > 8.333 && ts_host_retrans_pct(a) < 8.334);

	assert_int_equal(a->states[TS_ST_TIME_WAIT], 1);
	assert_int_equal(a->states[TS_ST_CLOSED], 2);
	assert_int_equal(a->states[TS_ST_ESTABLISHED], 1);
	assert_int_equal(b->states[TS_ST_CLOSED], 3);
	assert_int_equal(b->states[TS_ST_ESTABLISHED], 1);

	size_t n = 0;
	struct ts_host **v = ts_hosts_sorted(&an.hosts, &n);
	assert_non_null(v);
	assert_int_equal(n, 2);
	assert_int_equal(v[0]->first_seen, 1);
	assert_int_equal(v[1]->first_seen, 1);
	free(v);
	ts_analyzer_free(&an);
}

static void test_host_order_and_ipv6(void **state)
{
	(void)state;
	struct ts_analyzer an;
	tf_analyzer(&an, NULL);
	struct tf_conn c1, c2;

	tf_conn_init(&c1, &an, "10.0.0.1", 40000, "10.0.0.2", 80);
	handshake(&c1, 0);
	tf_conn_init(&c2, &an, "2001:db8::5", 40000, "2001:db8::6", 443);
	handshake(&c2, 1);
	ts_analyzer_finish(&an);
	size_t n = 0;
	struct ts_host **v = ts_hosts_sorted(&an.hosts, &n);
	assert_int_equal(n, 4);
	assert_int_equal(v[2]->af, 6);
	assert_int_equal(v[3]->af, 6);
	assert_int_equal(v[2]->first_seen, 2);
	free(v);
	const struct ts_host *h = tf_host(&an, "2001:db8::6");
	assert_int_equal(h->passive_opens, 1);
	assert_int_equal(h->segments_received, 2);
	assert_int_equal(h->segments_sent, 1);
	assert_true(ts_host_retrans_pct(h) == 0.0);
	ts_analyzer_free(&an);
}

/* A completed handshake from client:port to server:80 at time t. */
static void completed(struct ts_analyzer *an, const char *client, uint16_t port, const char *server, double t)
{
	struct tf_conn c;

	tf_conn_init(&c, an, client, port, server, 80);
	handshake(&c, t);
}

/* Completed handshakes client -> server, one per entry from port0 on and
 * a second apart from t0 on, then the analysis finished: hosts are folded
 * in flow order, each flow's lower address first. */
struct handshake_pair {
	const char *client, *server;
};

static void analyse_handshakes(struct ts_analyzer *an, const struct handshake_pair *c, size_t n, uint16_t port0,
                               double t0)
{
	tf_analyzer(an, NULL);
	for (size_t i = 0; i < n; i++)
		completed(an, c[i].client, (uint16_t)(port0 + i), c[i].server, t0 + (double)i);
	ts_analyzer_finish(an);
}

/* Merging a worker's hosts: a host both know is summed, those only the
 * worker knows move over whole (the walk goes on past each). */
static void test_merge_sums_and_moves(void **state)
{
	(void)state;
	static const struct handshake_pair in_a[] = { { "10.0.0.1", "10.0.0.2" } };
	/* b's hosts in table order: .3 and .4 (a lacks them), .2 (shared), .5 */
	static const struct handshake_pair in_b[] = {
		{ "10.0.0.3", "10.0.0.4" }, { "10.0.0.5", "10.0.0.2" }, { "10.0.0.5", "10.0.0.2" }
	};
	struct ts_analyzer a, b;
	analyse_handshakes(&a, in_a, 1, 40000, 0);
	analyse_handshakes(&b, in_b, 3, 40001, 1);
	const struct ts_host *moved3 = tf_host(&b, "10.0.0.3"), *moved5 = tf_host(&b, "10.0.0.5");

	ts_hosts_merge(&a.hosts, &b.hosts);
	assert_int_equal(ts_hosts_count(&a.hosts), 5);
	const struct ts_host *server = tf_host(&a, "10.0.0.2");
	assert_int_equal(server->passive_opens, 3);
	assert_int_equal(server->current, 3);
	assert_int_equal(server->segments_received, 6);
	assert_int_equal(server->connections, 3);
	assert_ptr_equal(tf_host(&a, "10.0.0.3"), moved3); /* the same records */
	assert_ptr_equal(tf_host(&a, "10.0.0.5"), moved5);
	assert_int_equal(moved5->active_opens, 2);
	assert_non_null(tf_host(&a, "10.0.0.4"));
	assert_null(tf_host_lookup(&b, "10.0.0.3"));
	assert_null(tf_host_lookup(&b, "10.0.0.5"));
	assert_non_null(tf_host_lookup(&b, "10.0.0.2")); /* summed, stays with b */
	assert_int_equal(a.hosts.unlisted, 0);
	ts_analyzer_free(&b);
	ts_analyzer_free(&a);
}

/* A cap reached part-way: the first host d has that c lacks moves, the
 * others are counted by their connections. */
static void test_merge_cap_part_way(void **state)
{
	(void)state;
	static const struct handshake_pair in_c[] = { { "10.0.0.1", "10.0.0.2" } };
	static const struct handshake_pair in_d[] = { { "10.0.0.6", "10.0.0.7" }, { "10.0.0.8", "10.0.0.9" } };
	struct ts_analyzer c, d;
	analyse_handshakes(&c, in_c, 1, 40000, 0);
	analyse_handshakes(&d, in_d, 2, 40001, 1);
	c.hosts.max_hosts = 3;

	ts_hosts_merge(&c.hosts, &d.hosts);
	assert_int_equal(ts_hosts_count(&c.hosts), 3);
	assert_non_null(tf_host_lookup(&c, "10.0.0.6"));
	assert_null(tf_host_lookup(&c, "10.0.0.7"));
	assert_null(tf_host_lookup(&c, "10.0.0.8"));
	assert_null(tf_host_lookup(&c, "10.0.0.9"));
	assert_int_equal(c.hosts.unlisted, 3);
	ts_analyzer_free(&c);
	ts_analyzer_free(&d); /* frees the hosts that were not taken */
}

/* Into an empty table the whole table moves, unless it is over the cap:
 * then hosts move in table order until the cap, and the rest are counted
 * by their connections. */
static void test_merge_whole_table(void **state)
{
	(void)state;
	/* Table order .1 (1 connection), .2 (3), .3 (1), .4 (1), .5 (2). */
	static const struct handshake_pair in_a[] = {
		{ "10.0.0.1", "10.0.0.2" }, { "10.0.0.3", "10.0.0.4" }, { "10.0.0.5", "10.0.0.2" }, { "10.0.0.5", "10.0.0.2" }
	};
	struct ts_analyzer a;
	analyse_handshakes(&a, in_a, 4, 40000, 0);
	struct ts_host **table = a.hosts.v;

	struct ts_hosts empty;
	ts_hosts_init(&empty);
	ts_hosts_merge(&empty, &a.hosts);
	assert_ptr_equal(empty.v, table); /* the same array: nothing copied */
	assert_int_equal(ts_hosts_count(&a.hosts), 0);
	assert_null(ts_hosts_find(&a.hosts, 4, (const uint8_t[16]){ 10, 0, 0, 1 }));
	assert_int_equal(ts_hosts_count(&empty), 5);

	struct ts_hosts small;
	ts_hosts_init(&small);
	small.max_hosts = 2;
	ts_hosts_merge(&small, &empty);
	assert_int_equal(ts_hosts_count(&small), 2);
	uint8_t first[16] = { 10, 0, 0, 1 }, second[16] = { 10, 0, 0, 2 };
	assert_non_null(ts_hosts_find(&small, 4, first));
	assert_non_null(ts_hosts_find(&small, 4, second));
	assert_int_equal(ts_hosts_count(&empty), 3); /* not taken: freed with it */
	assert_int_equal(small.unlisted, 4);         /* .3, .4 and .5's connections */
	ts_hosts_free(&small);
	ts_hosts_free(&empty);
	ts_analyzer_free(&a);
}

/* Thousands of hosts: the index grows many times over, probes run past
 * taken slots, and every host is found again, in the order it came. */
static void test_many_hosts(void **state)
{
	(void)state;
	enum { FLOWS = 5000 };
	struct ts_hosts h;
	struct ts_flow f;
	ts_hosts_init(&h);
	h.seed = 12345;
	for (unsigned i = 0; i < FLOWS; i++) {
		memset(&f, 0, sizeof(f));
		f.id = i + 1;
		f.key.af = 4;
		f.key.lo_addr[0] = 10; /* clients 10.x.y.z, all to one server */
		f.key.lo_addr[1] = (uint8_t)(i >> 16);
		f.key.lo_addr[2] = (uint8_t)(i >> 8);
		f.key.lo_addr[3] = (uint8_t)i;
		f.key.hi_addr[0] = 192;
		f.key.hi_addr[3] = 10;
		f.client_is_lo = true;
		assert_int_equal(ts_hosts_add_flow(&h, &f), 0);
	}
	assert_int_equal(ts_hosts_count(&h), FLOWS + 1);
	uint8_t server[16] = { 192, 0, 0, 10 };
	assert_ptr_equal(ts_hosts_find(&h, 4, server), ts_hosts_at(&h, 1)); /* second in the first flow */
	assert_int_equal(ts_hosts_find(&h, 4, server)->connections, FLOWS);
	for (unsigned i = 0; i < FLOWS; i++) {
		uint8_t a[16] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		const struct ts_host *x = ts_hosts_find(&h, 4, a);
		assert_non_null(x);
		assert_ptr_equal(x, ts_hosts_at(&h, i ? i + 1 : 0));
		assert_int_equal(x->first_seen, i + 1);
		assert_int_equal(x->connections, 1);
	}
	uint8_t absent[16] = { 10, 1, 0, 0 };
	assert_null(ts_hosts_find(&h, 4, absent));
	assert_null(ts_hosts_find(&h, 6, server)); /* the same bytes, another family */
	ts_hosts_free(&h);
	assert_int_equal(ts_hosts_count(&h), 0);
	assert_null(ts_hosts_find(&h, 4, server));
}

/* Nothing sent: netstat's rate is 0, not a division by zero. */
static void test_retrans_pct_without_segments(void **state)
{
	(void)state;
	struct ts_host h;
	memset(&h, 0, sizeof(h));
	assert_true(ts_host_retrans_pct(&h) == 0.0);
	h.segments_sent = 26058;
	h.segments_retransmitted = 15; /* the netstat -s example: under 1 % */
	assert_true(ts_host_retrans_pct(&h) > 0.057 && ts_host_retrans_pct(&h) < 0.058);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netstat_view),
		cmocka_unit_test(test_host_order_and_ipv6),
		cmocka_unit_test(test_retrans_pct_without_segments),
		cmocka_unit_test(test_merge_sums_and_moves),
		cmocka_unit_test(test_merge_cap_part_way),
		cmocka_unit_test(test_merge_whole_table),
		cmocka_unit_test(test_many_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
