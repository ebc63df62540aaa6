/* \summary: unit tests: the flow index, the slab and the archive of packed flows */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tcpscope/block_alloc.h"
#include "tcpscope/flow_archive.h"
#include "tcpscope/flow_index.h"

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static struct ts_flow *index_find(const struct ts_flow_index *x, uint64_t hash, const struct ts_flow *want)
{
	for (size_t i = hash & x->mask; x->slots[i].flow; i = (i + 1) & x->mask)
		if (x->slots[i].hash == hash && x->slots[i].flow == want)
			return x->slots[i].flow;
	return NULL;
}

/* Random adds and removes against a plain list of what should be there. Many
 * hashes share their low bits, so probe runs are long and wrap around the
 * end: removal must shift exactly the entries that can move. */
static void test_index_against_reference(void **state)
{
	(void)state;
	enum { N = 5000 };
	static char storage[N]; /* &storage[i]: distinct addresses, never dereferenced */
	uint64_t hashes[N];
	bool in[N] = { false };
	struct ts_flow_index x;
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	ts_flow_index_init(&x);
#define fake(i) ((struct ts_flow *)(void *)&storage[(i)])
	for (int i = 0; i < N; i++) {
		uint64_t r = next_rand(&seed);
		hashes[i] = i % 3 ? r : (r & ~(uint64_t)0xff) | 0xfe; /* a third collide near the end */
	}
	size_t count = 0;
	for (int step = 0; step < 200000; step++) {
		int k = (int)(next_rand(&seed) % N);
		if (in[k]) {
			ts_flow_index_remove(&x, hashes[k], fake(k));
			in[k] = false;
			count--;
		} else {
			assert_int_equal(ts_flow_index_add(&x, hashes[k], fake(k)), 0);
			in[k] = true;
			count++;
		}
		assert_int_equal(x.count, count);
		if (step % 997 == 0)
			for (int i = 0; i < N; i++)
				assert_int_equal(index_find(&x, hashes[i], fake(i)) != NULL, in[i]);
	}
	/* At most half full, and every entry reachable from its home slot. */
	assert_true(2 * x.count <= x.mask + 1);
	for (int i = 0; i < N; i++)
		assert_int_equal(index_find(&x, hashes[i], fake(i)) != NULL, in[i]);
	ts_flow_index_free(&x);
#undef fake
}

static void test_slab_reuses_and_zeroes(void **state)
{
	(void)state;
	struct ts_slab s;
	ts_slab_init(&s, 100);
	assert_int_equal(s.slot_size, 112);

	char *a = ts_slab_alloc(&s), *b = ts_slab_alloc(&s);
	assert_non_null(a);
	assert_int_equal(b - a, 112);
	assert_int_equal((uintptr_t)a % 16, 0);
	memset(a, 0xab, 100);
	ts_slab_free(&s, a);
	char *c = ts_slab_alloc(&s);
	assert_ptr_equal(c, a); /* the freed slot first */
	for (int i = 0; i < 100; i++)
		assert_int_equal(c[i], 0);
	/* More than one block: each slot follows the one before it, except
	 * where a second block begins. */
	char *prev = b, *first_block = s.blocks;
	size_t jumps = 0;
	for (size_t i = 0; i < TS_BLOCK_BYTES / 112 + 10; i++) {
		char *p = ts_slab_alloc(&s);
		assert_non_null(p);
		if (p != prev + 112) {
			jumps++;
			assert_ptr_not_equal(s.blocks, first_block);
			assert_true(p > (char *)s.blocks && p < (char *)s.blocks + 128); /* the new block's first slot */
		}
		prev = p;
	}
	assert_int_equal(jumps, 1);
	size_t blocks = 0;
	for (void *blk = s.blocks; blk; blk = *(void **)blk)
		blocks++;
	assert_int_equal(blocks, 2);
	ts_slab_release(&s); /* LeakSanitizer checks every block went */
	assert_null(s.blocks);
}

static struct ts_flow sample_flow(uint64_t id, uint16_t port)
{
	struct ts_flow f;
	memset(&f, 0, sizeof(f));
	f.id = id;
	f.key.af = 4;
	f.key.lo_addr[0] = 10;
	f.key.lo_addr[3] = 1;
	f.key.hi_addr[0] = 10;
	f.key.hi_addr[3] = 2;
	f.key.lo_port = port;
	f.key.hi_port = 80;
	f.first = (struct timespec){ 1700000000, 123456789 };
	f.last = (struct timespec){ 1700000007, 5 };
	f.has_syn_ts = true;
	f.syn_ns = 1700000000123456789ll;
	f.cli.st.packets = 3;
	f.cli.st.bytes = 180;
	f.cli.mss = 1460;
	f.cli.has_mss = true;
	f.cli.state = 10;
	f.cli.isn = 12345; /* live-tracking only: not kept */
	f.srv.st.packets = 1;
	f.handshake = TS_HS_REFUSED;
	return f;
}

/* A flow comes back with every figure the report reads, its findings and
 * its rare part; what only live tracking needs is dropped. */
static void test_archive_round_trip(void **state)
{
	(void)state;
	struct ts_flow_archive a;
	ts_flow_archive_init(&a);

	struct ts_flow f = sample_flow(7, 40000);
	struct ts_anomaly an[2] = { ts_anomaly_new(TS_AN_CONNECTION_REFUSED, TS_EP_SERVER, &f.last),
		                    ts_anomaly_new(TS_AN_RESET, TS_EP_SERVER, &f.first) };
	an[1].value = 4;
	f.anomalies = an;
	f.n_anomalies = f.cap_anomalies = 2;
	struct ts_endpoint_rare rare = { .retrans_bytes = 99, .fast_retrans = 2, .retx_seq = 777 };
	f.srv.rare = &rare;
	assert_int_equal(ts_flow_archive_push(&a, &f), 0);
	assert_int_equal(a.count, 1);
	assert_true(a.packed_bytes < sizeof(struct ts_flow) / 3);

	struct ts_flow_unpacked u;
	const struct ts_flow *g = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 0), &u);
	assert_int_equal(g->id, 7);
	assert_memory_equal(&g->key, &f.key, sizeof(f.key));
	assert_int_equal(g->first.tv_sec, f.first.tv_sec);
	assert_int_equal(g->first.tv_nsec, f.first.tv_nsec);
	assert_int_equal(g->last.tv_sec, f.last.tv_sec);
	assert_int_equal(g->last.tv_nsec, f.last.tv_nsec);
	assert_int_equal(g->syn_ns, f.syn_ns);
	assert_int_equal(g->cli.st.packets, 3);
	assert_int_equal(g->cli.st.bytes, 180);
	assert_int_equal(g->cli.mss, 1460);
	assert_true(g->cli.has_mss);
	assert_int_equal(g->cli.state, 10);
	assert_int_equal(g->handshake, TS_HS_REFUSED);
	assert_int_equal(g->cli.isn, 0);
	assert_null(g->cli.rare);
	assert_non_null(g->srv.rare);
	assert_int_equal(g->srv.rare->retrans_bytes, 99);
	assert_int_equal(g->srv.rare->fast_retrans, 2);
	assert_int_equal(g->srv.rare->retx_seq, 0);
	assert_int_equal(g->n_anomalies, 2);
	assert_int_equal(g->anomalies[0].code, TS_AN_CONNECTION_REFUSED);
	assert_int_equal(g->anomalies[0].ts.tv_sec, f.last.tv_sec);
	assert_int_equal(g->anomalies[1].code, TS_AN_RESET);
	assert_int_equal(g->anomalies[1].value, 4);
	assert_int_equal(g->anomalies[1].ts.tv_nsec, f.first.tv_nsec);
	ts_flow_archive_free(&a);
}

/* Dropping the oldest records frees whole chunks; adopting keeps order. */
static void test_archive_drop_and_adopt(void **state)
{
	(void)state;
	struct ts_flow_archive a, b;
	ts_flow_archive_init(&a);
	ts_flow_archive_init(&b);

	enum { N = 400000 }; /* several chunks: alike flows pack into a few bytes each */
	for (uint64_t i = 1; i <= N; i++) {
		struct ts_flow f = sample_flow(i, (uint16_t)i);
		assert_int_equal(ts_flow_archive_push(&a, &f), 0);
	}
	assert_ptr_not_equal(a.head, a.tail);
	size_t before = a.packed_bytes;
	for (int i = 0; i < N - 10; i++)
		ts_flow_archive_drop_oldest(&a);
	assert_int_equal(a.count, 10);
	assert_true(a.packed_bytes < before / 2); /* the emptied chunks were freed */
	struct ts_flow_unpacked u;
	assert_int_equal(ts_flow_archive_unpack(ts_flow_archive_ref(&a, 0), &u)->id, N - 9);

	struct ts_flow f = sample_flow(N + 1, 1);
	assert_int_equal(ts_flow_archive_push(&b, &f), 0);
	assert_int_equal(ts_flow_archive_adopt(&a, &b), 0);
	assert_int_equal(a.count, 11);
	assert_int_equal(b.count, 0);
	const struct ts_flow *last = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 10), &u);
	assert_int_equal(last->id, N + 1);
	assert_int_equal(last->key.lo_port, 1);
	ts_flow_archive_free(&a);
	ts_flow_archive_free(&b);
}

/* Parts are packed as differences from the first of their kind in the
 * chunk: flows unlike that one, and like it, come back as they were. */
static void test_archive_base_difference(void **state)
{
	(void)state;
	struct ts_flow_archive a;
	ts_flow_archive_init(&a);
	struct ts_flow f = sample_flow(1, 40000), g = sample_flow(2, 40001), h = sample_flow(3, 40002);
	g.key.af = 6;
	memset(g.key.lo_addr, 0x20, 16);
	g.first = (struct timespec){ 5, 6 };
	g.last = (struct timespec){ 9, 999999999 };
	g.has_syn_ts = false;
	g.syn_ns = 0;
	g.cli.st.packets = 0;
	g.cli.st.bytes = 1ull << 40;
	g.cli.has_mss = false;
	g.cli.mss = 0;
	g.srv.wscale = 7;
	g.handshake = TS_HS_COMPLETE;
	g.client_is_lo = g.roles_known = g.cli.syn_seen = true;
	h.simultaneous_open = true;
	struct ts_endpoint_rare r1 = { .retrans_bytes = 5, .dup_acks = 3 }, r2 = { .fast_retrans = 9 };
	struct ts_anomaly an1 = ts_anomaly_new(TS_AN_RESET, TS_EP_CLIENT, &f.first);
	struct ts_anomaly an2 = ts_anomaly_new(TS_AN_CONNECTION_REFUSED, TS_EP_SERVER, &g.last);
	an1.value = 12;
	an2.port = 443;
	f.cli.rare = &r1;
	f.anomalies = &an1;
	f.n_anomalies = f.cap_anomalies = 1;
	g.srv.rare = &r2;
	g.anomalies = &an2;
	g.n_anomalies = g.cap_anomalies = 1;
	assert_int_equal(ts_flow_archive_push(&a, &f), 0);
	assert_int_equal(ts_flow_archive_push(&a, &g), 0);
	size_t two = a.packed_bytes;
	assert_int_equal(ts_flow_archive_push(&a, &h), 0);
	assert_true(a.packed_bytes - two < 32); /* h differs from f in its id and a port */

	struct ts_flow_unpacked u;
	const struct ts_flow *x = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 1), &u);
	assert_int_equal(x->id, 2);
	assert_memory_equal(&x->key, &g.key, sizeof(g.key));
	assert_int_equal(x->first.tv_sec, 5);
	assert_int_equal(x->last.tv_nsec, 999999999);
	assert_false(x->has_syn_ts);
	assert_int_equal(x->cli.st.packets, 0);
	assert_int_equal(x->cli.st.bytes, 1ull << 40);
	assert_false(x->cli.has_mss);
	assert_int_equal(x->srv.wscale, 7);
	assert_int_equal(x->handshake, TS_HS_COMPLETE);
	assert_null(x->cli.rare);
	assert_int_equal(x->srv.rare->fast_retrans, 9);
	assert_int_equal(x->srv.rare->retrans_bytes, 0);
	assert_int_equal(x->anomalies[0].code, TS_AN_CONNECTION_REFUSED);
	assert_int_equal(x->anomalies[0].port, 443);
	assert_int_equal(x->anomalies[0].value, 0);
	/* The brief, without unpacking: key, roles, first packet, handshake. */
	struct ts_flow_brief b;
	ts_flow_archive_brief(ts_flow_archive_ref(&a, 1), &b);
	assert_memory_equal(&b.key, &g.key, sizeof(g.key));
	assert_int_equal(b.first.tv_sec, 5);
	assert_int_equal(b.first.tv_nsec, 6);
	assert_int_equal(b.handshake, TS_HS_COMPLETE);
	assert_true(b.client_is_lo);
	assert_true(b.roles_known);
	assert_true(b.cli_syn_seen);
	assert_false(b.simultaneous_open);
	ts_flow_archive_brief(ts_flow_archive_ref(&a, 2), &b);
	assert_memory_equal(&b.key, &h.key, sizeof(h.key));
	assert_int_equal(b.first.tv_nsec, h.first.tv_nsec);
	assert_int_equal(b.handshake, TS_HS_REFUSED);
	assert_false(b.client_is_lo);
	assert_false(b.roles_known);
	assert_false(b.cli_syn_seen);
	assert_true(b.simultaneous_open);
	x = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 0), &u);
	assert_int_equal(x->cli.rare->dup_acks, 3);
	assert_int_equal(x->anomalies[0].value, 12);
	assert_int_equal(x->cli.st.bytes, 180);
	x = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 2), &u);
	assert_int_equal(x->key.lo_port, 40002);
	assert_int_equal(x->syn_ns, h.syn_ns);
	assert_null(x->cli.rare);
	assert_int_equal(x->n_anomalies, 0);
	ts_flow_archive_free(&a);
}

/* Endpoint text without printf: every address byte and the ports at each
 * digit count, as printf writes them. */
static void test_endpoint_text(void **state)
{
	(void)state;
	static const unsigned ports[] = { 0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 54321, 65535 };
	struct ts_flow f;
	memset(&f, 0, sizeof(f));
	f.key.af = 4;
	f.client_is_lo = true;
	for (unsigned b = 0; b < 256; b++) {
		for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
			uint8_t a[4] = { (uint8_t)b, (uint8_t)(255 - b), (uint8_t)(b / 3), (uint8_t)(b % 10) };
			memcpy(f.key.lo_addr, a, 4);
			f.key.lo_port = (uint16_t)ports[i];
			char want[32], got[80];
			snprintf(want, sizeof(want), "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], ports[i]);
			assert_int_equal(ts_flow_format_endpoint(&f, true, got, sizeof(got)), strlen(want));
			assert_string_equal(got, want);
			ts_format_addr(4, f.key.lo_addr, got, sizeof(got));
			*strrchr(want, ':') = '\0';
			assert_string_equal(got, want);
		}
	}
}

/* Marks come back as pushed, beside records with and without rare parts,
 * and leave the records themselves as they were. */
static void test_archive_marks(void **state)
{
	(void)state;
	struct ts_flow_archive a;
	ts_flow_archive_init(&a);
	struct ts_flow f = sample_flow(1, 40000), g = sample_flow(2, 40001);
	struct ts_endpoint_rare rare = { .retrans_bytes = 5 };
	g.cli.rare = &rare;
	g.srv.rare = &rare;
	assert_int_equal(ts_flow_archive_push_marked(&a, &f, 0x0f), 0);
	assert_int_equal(ts_flow_archive_push_marked(&a, &g, 0x5), 0);
	assert_int_equal(ts_flow_archive_push(&a, &f), 0);
	assert_int_equal(ts_flow_archive_marks(ts_flow_archive_ref(&a, 0)), 0x0f);
	assert_int_equal(ts_flow_archive_marks(ts_flow_archive_ref(&a, 1)), 0x5);
	assert_int_equal(ts_flow_archive_marks(ts_flow_archive_ref(&a, 2)), 0);
	struct ts_flow_unpacked u;
	const struct ts_flow *h = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 0), &u);
	assert_null(h->cli.rare); /* the marks are not taken for parts */
	assert_null(h->srv.rare);
	assert_int_equal(h->cli.st.packets, 3);
	h = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 1), &u);
	assert_non_null(h->cli.rare);
	assert_non_null(h->srv.rare);
	assert_int_equal(h->srv.rare->retrans_bytes, 5);
	ts_flow_archive_free(&a);
}

/* The digest gives a flow's end states and findings without unpacking it,
 * the same as the unpacked flow, for times before, at and long after its
 * first packet and for one with no findings. */
static void test_archive_digest(void **state)
{
	(void)state;
	struct ts_flow_archive a;
	ts_flow_archive_init(&a);
	struct ts_flow f = sample_flow(3, 40000), g = sample_flow(4, 40001);
	f.srv.state = TS_ST_TIME_WAIT;
	struct ts_anomaly an[3] = { ts_anomaly_new(TS_AN_CONNECTION_REFUSED, TS_EP_SERVER, &f.first),
		                    ts_anomaly_new(TS_AN_RESET, TS_EP_CLIENT, &(struct timespec){ 1699999990, 999999999 }),
		                    ts_anomaly_new(TS_AN_PORT_REUSE, TS_EP_CLIENT, &(struct timespec){ 4102444800, 1 }) };
	an[1].severity = TS_SEV_ERR;
	f.anomalies = an;
	f.n_anomalies = f.cap_anomalies = 3;
	g.first = (struct timespec){ 0, 0 };
	g.cli.state = TS_ST_UNKNOWN;
	assert_int_equal(ts_flow_archive_push(&a, &f), 0);
	assert_int_equal(ts_flow_archive_push(&a, &g), 0);

	struct ts_flow_digest d;
	ts_flow_archive_digest(ts_flow_archive_ref(&a, 0), &d);
	assert_int_equal(d.cli_state, 10);
	assert_int_equal(d.srv_state, TS_ST_TIME_WAIT);
	assert_int_equal(d.first.tv_sec, 1700000000);
	assert_int_equal(d.first.tv_nsec, 123456789);
	assert_int_equal(d.n_anomalies, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(d.an[i].code, an[i].code);
		assert_int_equal(d.an[i].severity, an[i].severity);
		assert_int_equal(d.an[i].ts.tv_sec, an[i].ts.tv_sec);
		assert_int_equal(d.an[i].ts.tv_nsec, an[i].ts.tv_nsec);
	}
	struct ts_flow_unpacked u;
	const struct ts_flow *h = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 0), &u);
	assert_int_equal(h->srv.state, TS_ST_TIME_WAIT);
	assert_int_equal(h->first.tv_nsec, 123456789);
	assert_int_equal(h->syn_ns, f.syn_ns);
	assert_int_equal(h->n_anomalies, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(h->anomalies[i].code, an[i].code);
		assert_int_equal(h->anomalies[i].severity, an[i].severity);
		assert_int_equal(h->anomalies[i].endpoint, an[i].endpoint);
		assert_int_equal(h->anomalies[i].ts.tv_sec, an[i].ts.tv_sec);
		assert_int_equal(h->anomalies[i].ts.tv_nsec, an[i].ts.tv_nsec);
	}
	ts_flow_archive_digest(ts_flow_archive_ref(&a, 1), &d);
	assert_int_equal(d.cli_state, TS_ST_UNKNOWN);
	assert_int_equal(d.first.tv_sec, 0);
	assert_int_equal(d.n_anomalies, 0);
	h = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 1), &u);
	assert_int_equal(h->last.tv_sec, 1700000007);
	ts_flow_archive_free(&a);
}

/* One finding and its flow's key and roles without unpacking the flow: the
 * same as the unpacked flow's, whichever finding, with rare parts after. */
static void test_archive_finding(void **state)
{
	(void)state;
	struct ts_flow_archive a;
	ts_flow_archive_init(&a);
	struct ts_flow f = sample_flow(5, 40002);
	struct ts_endpoint_rare rare = { 0 };
	rare.syn_retrans = 2;
	f.srv.rare = &rare;
	struct ts_anomaly an[3] = { ts_anomaly_new(TS_AN_CONNECTION_REFUSED, TS_EP_SERVER, &f.first),
		                    ts_anomaly_new(TS_AN_RESET, TS_EP_CLIENT, &(struct timespec){ 1699999990, 999999999 }),
		                    ts_anomaly_new(TS_AN_PORT_REUSE, TS_EP_NONE, &(struct timespec){ 4102444800, 1 }) };
	an[1].severity = TS_SEV_ERR;
	an[1].value = 7;
	an[2].value2 = 9;
	f.anomalies = an;
	f.n_anomalies = f.cap_anomalies = 3;
	assert_int_equal(ts_flow_archive_push(&a, &f), 0);

	struct ts_flow_unpacked u;
	const struct ts_flow *h = ts_flow_archive_unpack(ts_flow_archive_ref(&a, 0), &u);
	assert_non_null(h->srv.rare);
	assert_int_equal(h->srv.rare->syn_retrans, 2);
	for (unsigned k = 0; k < 3; k++) {
		struct ts_flow_brief b;
		struct ts_anomaly x;
		ts_flow_archive_finding(ts_flow_archive_ref(&a, 0), k, &b, &x);
		assert_memory_equal(&x, &h->anomalies[k], sizeof(x));
		assert_memory_equal(&b.key, &f.key, sizeof(b.key));
		assert_int_equal(b.client_is_lo, f.client_is_lo);
		assert_int_equal(b.roles_known, f.roles_known);
		assert_int_equal(b.first.tv_sec, f.first.tv_sec);
		assert_int_equal(b.first.tv_nsec, f.first.tv_nsec);
	}
	ts_flow_archive_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_against_reference),
		cmocka_unit_test(test_slab_reuses_and_zeroes),
		cmocka_unit_test(test_archive_round_trip),
		cmocka_unit_test(test_archive_marks),
		cmocka_unit_test(test_archive_base_difference),
		cmocka_unit_test(test_endpoint_text),
		cmocka_unit_test(test_archive_digest),
		cmocka_unit_test(test_archive_finding),
		cmocka_unit_test(test_archive_drop_and_adopt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
