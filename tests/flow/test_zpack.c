/* \summary: unit tests: the archive's zero-byte elision against random sparse bytes */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "flow/flow_archive.c"

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Buffers of every length up to 700 with a varying share of non-zero
 * bytes (none, some, whole words of them) come back byte for byte, packed
 * alone or against a base, and unpacking reads exactly what packing wrote. */
static void test_round_trip(void **state)
{
	(void)state;
	uint8_t in[700], part[700], base[700], packed[1000], out[700];
	uint64_t rng = 88172645463325252ull;

	for (size_t i = 0; i < sizeof(base); i++) {
		uint64_t r = next(&rng);
		base[i] = (r & 3) ? (uint8_t)(r >> 8) : 0;
	}

	for (size_t n = 1; n <= sizeof(in); n++) {
		for (unsigned density = 0; density <= 8; density += 2) {
			for (size_t i = 0; i < n; i++) {
				uint64_t r = next(&rng);
				in[i] = (r & 7) < density ? (uint8_t)(r >> 8 | 1) : 0;
				if (density == 8 && (r >> 20 & 1))
					in[i] = 0x80; /* only the high bit */
			}
			assert_true(zpack_bound(n) <= sizeof(packed));
			memcpy(part, in, n);
			size_t len = zpack(packed, part, NULL, n);
			assert_true(len <= zpack_bound(n));
			memset(out, 0xaa, sizeof(out));
			assert_int_equal(zunpack(out, n, packed, NULL), len);
			assert_memory_equal(out, in, n);
			/* Against a base: the difference is packed, the part comes back. */
			memcpy(part, in, n);
			len = zpack(packed, part, base, n);
			assert_true(len <= zpack_bound(n));
			memset(out, 0xaa, sizeof(out));
			assert_int_equal(zunpack(out, n, packed, base), len);
			assert_memory_equal(out, in, n);
			memcpy(part, base, n);
			assert_int_equal(zpack(packed, part, base, n), (n + 63) / 64); /* the base itself: only empty groups */
		}
	}
}

/* A byte mask per word: which bytes are not zero. */
static void test_nonzero_bytes(void **state)
{
	(void)state;
	assert_int_equal(nonzero_bytes(0), 0);
	assert_int_equal(nonzero_bytes(1), 0x01);
	assert_int_equal(nonzero_bytes(0x80), 0x01);
	assert_int_equal(nonzero_bytes(0xff00000000000000ull), 0x80);
	assert_int_equal(nonzero_bytes(0x0100000000008000ull), 0x82);
	assert_int_equal(nonzero_bytes(UINT64_MAX), 0xff);
	assert_int_equal(nonzero_bytes(0x7f007f007f007f00ull), 0xaa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_nonzero_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
