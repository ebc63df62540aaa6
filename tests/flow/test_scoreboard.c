/* \summary: unit tests: the seen-range scoreboard (new, overlap, hole fill, cap, ACK, wrap) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tcpscope/scoreboard.h"

static enum ts_sb_result add(struct ts_scoreboard *sb, uint32_t seq, uint32_t len, int64_t now)
{
	int64_t age = -1;
	return ts_scoreboard_add(sb, seq, len, now, &age);
}

static void assert_interval(struct ts_scoreboard *sb, unsigned i, uint32_t lo, uint32_t hi)
{
	assert_true(i < sb->n);
	assert_int_equal(ts_scoreboard_ranges(sb)[i].lo, lo);
	assert_int_equal(ts_scoreboard_ranges(sb)[i].hi, hi);
}

static void test_in_order_growth(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	memset(&sb, 0, sizeof(sb));

	assert_int_equal(add(&sb, 1000, 1, 0), TS_SB_NEW); /* the SYN */
	assert_int_equal(add(&sb, 1001, 100, 1), TS_SB_NEW);
	assert_int_equal(add(&sb, 1101, 1460, 2), TS_SB_NEW);
	assert_int_equal(sb.n, 1);
	assert_interval(&sb, 0, 1000, 2561);
	assert_int_equal(ts_scoreboard_max(&sb), 2561);
	ts_scoreboard_reset(&sb);
}

static void test_overlap_is_retransmission(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	memset(&sb, 0, sizeof(sb));

	add(&sb, 1000, 200, 0);
	/* Exactly the same bytes, a part of them, and a part reaching past the top. */
	assert_int_equal(add(&sb, 1000, 200, 1), TS_SB_OVERLAP);
	assert_int_equal(add(&sb, 1050, 50, 2), TS_SB_OVERLAP);
	assert_int_equal(sb.n, 1);
	assert_interval(&sb, 0, 1000, 1200);
	assert_int_equal(add(&sb, 1150, 100, 3), TS_SB_OVERLAP);
	assert_int_equal(sb.n, 1);
	assert_interval(&sb, 0, 1000, 1250);
	ts_scoreboard_reset(&sb);
}

static void test_hole_fill_with_age(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	memset(&sb, 0, sizeof(sb));
	int64_t age = -1;

	add(&sb, 1000, 100, 0);
	/* 1100..1200 is missed by the capture: the hole opens at t=1000 ns. */
	assert_int_equal(add(&sb, 1200, 100, 1000), TS_SB_NEW);
	assert_int_equal(sb.n, 2);
	/* Half the hole first: still a fill, the rest of the hole keeps its age. */
	assert_int_equal(ts_scoreboard_add(&sb, 1100, 50, 5000, &age), TS_SB_FILL);
	assert_int_equal(age, 4000);
	assert_int_equal(sb.n, 2);
	assert_interval(&sb, 0, 1000, 1150);
	assert_int_equal(ts_scoreboard_add(&sb, 1150, 50, 9000, &age), TS_SB_FILL);
	assert_int_equal(age, 8000);
	assert_int_equal(sb.n, 1);
	assert_interval(&sb, 0, 1000, 1300);
	/* Once filled, the same bytes are a retransmission. */
	assert_int_equal(add(&sb, 1100, 100, 10000), TS_SB_OVERLAP);
	ts_scoreboard_reset(&sb);
}

static void test_straddling_a_hole_overlaps(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	memset(&sb, 0, sizeof(sb));

	add(&sb, 1000, 100, 0);
	add(&sb, 1200, 100, 1);
	/* 1150..1250 carries 50 bytes already seen: a retransmission. */
	assert_int_equal(add(&sb, 1150, 100, 2), TS_SB_OVERLAP);
	assert_int_equal(sb.n, 2);
	assert_interval(&sb, 1, 1150, 1300);
	ts_scoreboard_reset(&sb);
}

static void test_inline_until_holes_pile_up(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	memset(&sb, 0, sizeof(sb));

	add(&sb, 0, 100, 0);
	add(&sb, 100, 100, 1); /* in order: the one inline interval grows */
	assert_int_equal(sb.n, 1);
	assert_int_equal(sb.cap, 0);
	assert_interval(&sb, 0, 0, 200);
	add(&sb, 300, 100, 2); /* the first hole moves the list to the heap */
	assert_int_equal(sb.n, 2);
	assert_int_equal(sb.cap, TS_SB_MAX);
	struct ts_sb_range *heap = sb.heap;
	add(&sb, 500, 100, 3); /* a second hole: the same heap block, no new move */
	assert_int_equal(sb.n, 3);
	assert_ptr_equal(sb.heap, heap);
	assert_interval(&sb, 0, 0, 200);
	assert_interval(&sb, 1, 300, 400);
	assert_interval(&sb, 2, 500, 600);
	ts_scoreboard_reset(&sb);
	assert_int_equal(sb.cap, 0);
	assert_int_equal(sb.n, 0);
	ts_scoreboard_reset(&sb);
}

static void test_full_list_forgets_oldest_hole(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	memset(&sb, 0, sizeof(sb));

	/* TS_SB_MAX intervals [200 i, 200 i + 100), each hole opened at time i. */
	for (unsigned i = 0; i < TS_SB_MAX; i++)
		assert_int_equal(add(&sb, 200 * i, 100, i), TS_SB_NEW);
	assert_int_equal(sb.n, TS_SB_MAX);
	assert_int_equal(add(&sb, 200 * TS_SB_MAX, 100, TS_SB_MAX), TS_SB_NEW);
	assert_int_equal(sb.n, TS_SB_MAX);
	/* The oldest hole merged into the first interval. */
	assert_interval(&sb, 0, 0, 300);
	assert_interval(&sb, 1, 400, 500);
	assert_interval(&sb, TS_SB_MAX - 1, 200 * TS_SB_MAX, 200 * TS_SB_MAX + 100);
	/* Bytes of the forgotten hole count as seen. */
	assert_int_equal(add(&sb, 150, 10, TS_SB_MAX + 1), TS_SB_OVERLAP);
	/* A hole still remembered is a fill, aged from when it opened (time 2). */
	int64_t age = -1;
	assert_int_equal(ts_scoreboard_add(&sb, 300, 100, 10, &age), TS_SB_FILL);
	assert_int_equal(age, 10 - 2);
	ts_scoreboard_reset(&sb);
}

static void test_ack_closes_holes(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	memset(&sb, 0, sizeof(sb));

	add(&sb, 1000, 100, 0);
	add(&sb, 1200, 100, 1);
	add(&sb, 1400, 100, 2);
	assert_int_equal(sb.n, 3);
	/* ACK 1199 does not cover the hole 1100..1200 entirely. */
	ts_scoreboard_ack(&sb, 1199);
	assert_int_equal(sb.n, 3);
	/* ACK 1200: the receiver has every byte below it: the hole was filled. */
	ts_scoreboard_ack(&sb, 1200);
	assert_int_equal(sb.n, 2);
	assert_interval(&sb, 0, 1000, 1300);
	ts_scoreboard_ack(&sb, 1500);
	assert_int_equal(sb.n, 1);
	assert_interval(&sb, 0, 1000, 1500);
	/* Resending acknowledged bytes of a closed hole is a retransmission. */
	assert_int_equal(add(&sb, 1300, 100, 3), TS_SB_OVERLAP);
	ts_scoreboard_reset(&sb);
}

static void test_wraparound(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	memset(&sb, 0, sizeof(sb));
	int64_t age = -1;

	assert_int_equal(add(&sb, 0xFFFFFF00u, 0x80, 0), TS_SB_NEW);
	assert_int_equal(add(&sb, 0xFFFFFF80u, 0x100, 1), TS_SB_NEW); /* crosses 2^32 */
	assert_int_equal(sb.n, 1);
	assert_interval(&sb, 0, 0xFFFFFF00u, 0x80);
	assert_int_equal(add(&sb, 0x80, 0x100, 2), TS_SB_NEW);
	assert_int_equal(sb.n, 1);
	assert_interval(&sb, 0, 0xFFFFFF00u, 0x180);
	assert_int_equal(add(&sb, 0xFFFFFFF0u, 0x20, 3), TS_SB_OVERLAP);
	assert_int_equal(sb.n, 1);

	/* A hole that spans 2^32. */
	struct ts_scoreboard w;
	memset(&w, 0, sizeof(w));
	add(&w, 0xFFFFFF00u, 0x80, 0);
	assert_int_equal(add(&w, 0x10, 0x10, 100), TS_SB_NEW);
	assert_int_equal(w.n, 2);
	assert_int_equal(ts_scoreboard_add(&w, 0xFFFFFF80u, 0x90, 300, &age), TS_SB_FILL);
	assert_int_equal(age, 200);
	assert_int_equal(w.n, 1);
	assert_interval(&w, 0, 0xFFFFFF00u, 0x20);

	/* An ACK past 2^32 closes a hole below it. */
	ts_scoreboard_reset(&w);
	add(&w, 0xFFFFFF00u, 0x80, 0);
	add(&w, 0x10, 0x10, 1);
	ts_scoreboard_ack(&w, 0x10);
	assert_int_equal(w.n, 1);
	assert_interval(&w, 0, 0xFFFFFF00u, 0x20);
	ts_scoreboard_reset(&w);
	ts_scoreboard_reset(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_growth),
		cmocka_unit_test(test_overlap_is_retransmission),
		cmocka_unit_test(test_hole_fill_with_age),
		cmocka_unit_test(test_straddling_a_hole_overlaps),
		cmocka_unit_test(test_inline_until_holes_pile_up),
		cmocka_unit_test(test_full_list_forgets_oldest_hole),
		cmocka_unit_test(test_ack_closes_holes),
		cmocka_unit_test(test_wraparound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
