/* \summary: unit tests: the capture-duplicate fingerprint cache */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tcpscope/dup_cache.h"

static struct ts_dup_fingerprint base_fp(void)
{
	struct ts_dup_fingerprint fp;
	memset(&fp, 0, sizeof(fp));
	fp.flow_id = 7;
	fp.seq = 1001;
	fp.ack = 5001;
	fp.seq_len = 1000;
	fp.tsval = 123456;
	fp.window = 502;
	fp.ip_id = 4242;
	fp.flags = 0x18;
	fp.ttl = 64;
	fp.from_client = 1;
	fp.has_tsval = 1;
	return fp;
}

static void test_second_sight_is_a_copy(void **state)
{
	(void)state;
	struct ts_dup_cache c;
	memset(&c, 0, sizeof(c));
	struct ts_dup_fingerprint fp = base_fp();
	uint64_t h = ts_dup_fingerprint_hash(&fp);

	assert_false(ts_dup_cache_check_insert(&c, h));
	assert_true(ts_dup_cache_check_insert(&c, h));
	assert_true(ts_dup_cache_check_insert(&c, h));
	ts_dup_cache_free(&c);
	assert_null(c.slot);
}

/* Each field that a resend or another flow changes gives another fingerprint. */
static void test_every_field_counts(void **state)
{
	(void)state;
	struct ts_dup_fingerprint a = base_fp();
	uint64_t h = ts_dup_fingerprint_hash(&a);
	struct ts_dup_fingerprint v[11];
	for (int i = 0; i < 11; i++)
		v[i] = a;
	v[0].flow_id++;
	v[1].seq++;
	v[2].ack++;
	v[3].seq_len++;
	v[4].tsval++;
	v[5].window++;
	v[6].ip_id++;
	v[7].flags ^= 1;
	v[8].ttl--;
	v[9].from_client = 0;
	v[10].has_tsval = 0;
	for (int i = 0; i < 11; i++)
		assert_true(ts_dup_fingerprint_hash(&v[i]) != h);
	assert_true(ts_dup_fingerprint_hash(&a) != 0);
}

/* A copy whose original was pushed out of its slot is missed, never invented:
 * after the slot is taken by another fingerprint the first one is new again. */
static void test_overwritten_slot_is_forgotten(void **state)
{
	(void)state;
	struct ts_dup_cache c;
	memset(&c, 0, sizeof(c));
	uint64_t h1 = 0x0000010000000001ull, h2 = 0x0000010000000002ull; /* same slot */

	assert_false(ts_dup_cache_check_insert(&c, h1));
	assert_false(ts_dup_cache_check_insert(&c, h2));
	assert_false(ts_dup_cache_check_insert(&c, h1));
	assert_true(ts_dup_cache_check_insert(&c, h1));
	/* a hash of 0 is stored as 1, not as an empty slot */
	assert_false(ts_dup_cache_check_insert(&c, 0));
	assert_true(ts_dup_cache_check_insert(&c, 1));
	ts_dup_cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_sight_is_a_copy),
		cmocka_unit_test(test_every_field_counts),
		cmocka_unit_test(test_overwritten_slot_is_forgotten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
