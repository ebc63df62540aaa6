/* \summary: stable names of decode reasons, events and link types */
#include <ctype.h>
#include <stdio.h>

#include "dissect_test.h"

/* lower-case words joined by dots: "truncated.tcp_header" */
static void assert_dotted(const char *name)
{
	const char *c;
	int dots = 0;

	assert_non_null(name);
	assert_true(name[0] != '\0' && name[0] != '.');
	for (c = name; *c != '\0'; c++) {
		if (*c == '.') {
			assert_true(c[1] != '\0' && c[1] != '.');
			dots++;
			continue;
		}
		if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_'))
			fail_msg("bad character in \"%s\"", name);
	}
	assert_true(dots >= 1);
}

static void test_reason_names(void **state)
{
	unsigned i, j;

	(void)state;
	for (i = 0; i < TS_DR_COUNT; i++) {
		assert_dotted(ts_decode_reason_name((enum ts_decode_reason)i));
		for (j = 0; j < i; j++)
			if (strcmp(ts_decode_reason_name((enum ts_decode_reason)i),
			           ts_decode_reason_name((enum ts_decode_reason)j)) == 0)
				fail_msg("reasons %u and %u share \"%s\"", i, j,
				         ts_decode_reason_name((enum ts_decode_reason)i));
	}
	assert_string_equal(ts_decode_reason_name(TS_DR_TRUNC_TCP), "truncated.tcp_header");
	assert_string_equal(ts_decode_reason_name(TS_DR_IPV4_BAD_LEN), "ipv4.bad_total_len");
	assert_string_equal(ts_decode_reason_name(TS_DR_IPV6_EXT_LIMIT),
	                    "ipv6.ext_chain_too_long");
	assert_string_equal(ts_decode_reason_name(TS_DR_LINK_UNSUPPORTED), "link.unsupported");
	assert_string_equal(ts_decode_reason_name(TS_DR_COUNT), "decode.unknown");
	assert_string_equal(ts_decode_reason_name((enum ts_decode_reason)-1),
	                    "decode.unknown");
}

static void test_event_names(void **state)
{
	unsigned i, j;

	(void)state;
	for (i = 0; i < TS_DE_COUNT_BITS; i++) {
		assert_dotted(ts_decode_event_name(i));
		for (j = 0; j < i; j++)
			assert_true(strcmp(ts_decode_event_name(i), ts_decode_event_name(j)) != 0);
	}
	assert_string_equal(ts_decode_event_name(0), "tcp.opt_bad_len");
	assert_string_equal(ts_decode_event_name(2), "truncated.tcp_options");
	assert_string_equal(ts_decode_event_name(3), "ip.fragment");
	assert_string_equal(ts_decode_event_name(TS_DE_COUNT_BITS), "decode.unknown");
	/* the bit positions of the flags */
	assert_int_equal(TS_DE_TCP_OPT_DUPLICATE, 1u << 1);
	assert_int_equal(TS_DE_IPV4_BAD_CSUM, 1u << 5);
	assert_int_equal(TS_DE_TIME_BACKWARDS, 1u << 6);
	assert_string_equal(ts_decode_event_name(6), "capture.time_backwards");
	assert_int_equal(TS_DE_IP_TSO, 1u << (TS_DE_COUNT_BITS - 1));
	assert_string_equal(ts_decode_event_name(7), "ip.tso_super_segment");
}

static void test_linktype_names(void **state)
{
	char want[32];
	int dlt;

	(void)state;
	assert_string_equal(ts_linktype_name(DLT_EN10MB), "EN10MB");
	assert_string_equal(ts_linktype_name(DLT_LINUX_SLL), "LINUX_SLL");
	assert_string_equal(ts_linktype_name(DLT_LINUX_SLL2), "LINUX_SLL2");
	assert_string_equal(ts_linktype_name(DLT_RAW), "RAW");
	assert_string_equal(ts_linktype_name(101), "RAW");
	assert_string_equal(ts_linktype_name(DLT_IPV4), "IPV4");
	assert_string_equal(ts_linktype_name(DLT_IPV6), "IPV6");
	assert_string_equal(ts_linktype_name(DLT_NULL), "NULL");
	assert_string_equal(ts_linktype_name(DLT_LOOP), "LOOP");
	assert_string_equal(ts_linktype_name(-1), "DLT_unknown");
	assert_string_equal(ts_linktype_name(600), "DLT_unknown");
	assert_string_equal(ts_linktype_name(1 << 20), "DLT_unknown");
	/* every value without a name reads as its number */
	for (dlt = 0; dlt < 600; dlt++) {
		const char *name = ts_linktype_name(dlt);

		assert_non_null(name);
		if (strncmp(name, "DLT_", 4) != 0)
			continue;
		snprintf(want, sizeof(want), "DLT_%d", dlt);
		assert_string_equal(name, want);
	}
	assert_string_equal(ts_linktype_name(147), "DLT_147");
	assert_string_equal(ts_linktype_name(7), "DLT_7");
	assert_string_equal(ts_linktype_name(599), "DLT_599");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_event_names),
		cmocka_unit_test(test_linktype_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
