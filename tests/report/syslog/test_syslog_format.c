/* \summary: tests: RFC 5424 formatting of anomalies, escaping, framing, facilities */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syslog_check.h"
#include "tcpscope/report.h"
#include "tcpscope/syslog_format.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

static const struct ts_syslog_origin origin = {
	.facility = TS_SYSLOG_FAC_LOCAL0 + 3, .hostname = "probe-1.example.net", .procid = 4242,
};

static int format_parse(const struct ts_syslog_origin *o, const struct ts_flow *f,
                        const struct ts_anomaly *a, struct parsed_msg *m)
{
	char buf[TS_SYSLOG_MSG_MAX];
	int n = ts_syslog_format(o, f, a, buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	return parse_rfc5424(buf, (size_t)n, m);
}

static void test_pri_every_facility_and_severity(void **state)
{
	static const int facilities[] = { 0, 1, 3, 16, 17, 18, 19, 20, 21, 22, 23 };
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	struct parsed_msg m;

	(void)state;
	sample_flow(&f, 4);
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++) {
		for (int sev = 0; sev <= 7; sev++) {
			struct ts_syslog_origin o = origin;
			o.facility = facilities[i];
			a.severity = (uint8_t)sev;
			assert_int_equal(ts_syslog_pri(facilities[i], sev), (facilities[i] << 3) | sev);
			assert_int_equal(format_parse(&o, &f, &a, &m), 0);
			assert_int_equal(m.pri, facilities[i] * 8 + sev);
			assert_string_equal(parsed_param(&m, "severity"), ts_severity_name(sev));
		}
	}
	/* Edge values of the RFC's 0..191 range. */
	assert_int_equal(ts_syslog_pri(0, 0), 0);
	assert_int_equal(ts_syslog_pri(23, 7), 191);
	assert_int_equal(ts_syslog_pri(24, 0), -1);
	assert_int_equal(ts_syslog_pri(-1, 0), -1);
	assert_int_equal(ts_syslog_pri(3, 8), -1);
	assert_int_equal(ts_syslog_pri(3, -1), -1);
}

static void test_rejects_bad_severity_code_facility(void **state)
{
	struct ts_anomaly a = sample_close_wait();
	struct ts_syslog_origin o = origin;
	char buf[TS_SYSLOG_MSG_MAX];

	(void)state;
	a.severity = 8;
	assert_int_equal(ts_syslog_format(&o, NULL, &a, buf, sizeof(buf)), -EINVAL);
	a = sample_close_wait();
	a.code = TS_AN_COUNT;
	assert_int_equal(ts_syslog_format(&o, NULL, &a, buf, sizeof(buf)), -EINVAL);
	a = sample_close_wait();
	o.facility = 24;
	assert_int_equal(ts_syslog_format(&o, NULL, &a, buf, sizeof(buf)), -EINVAL);
}

static void test_timestamp(void **state)
{
	char buf[64];
	struct timespec t = { .tv_sec = SAMPLE_SEC, .tv_nsec = SAMPLE_NSEC };

	(void)state;
	assert_int_equal(ts_syslog_timestamp(&t, buf, sizeof(buf)), strlen(SAMPLE_TIME_TEXT));
	assert_string_equal(buf, SAMPLE_TIME_TEXT);

	t.tv_sec = 0;
	t.tv_nsec = 999999999L; /* truncated, never rounded up into the next second */
	ts_syslog_timestamp(&t, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.999999Z");

	t.tv_sec = 253402300799LL; /* the last second RFC 3339 can write */
	t.tv_nsec = 1000;
	ts_syslog_timestamp(&t, buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31T23:59:59.000001Z");

	t.tv_sec = 253402300800LL;
	ts_syslog_timestamp(&t, buf, sizeof(buf));
	assert_string_equal(buf, "-");

	t.tv_sec = SAMPLE_SEC;
	t.tv_nsec = TS_NSEC_PER_SEC;
	ts_syslog_timestamp(&t, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	t.tv_nsec = -1;
	ts_syslog_timestamp(&t, buf, sizeof(buf));
	assert_string_equal(buf, "-");

	/* Too small a buffer gives the NILVALUE, never a cut time. */
	t.tv_nsec = 0;
	assert_int_equal(ts_syslog_timestamp(&t, buf, 20), 1);
	assert_string_equal(buf, "-");
}

static void test_header_fields(void **state)
{
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	struct parsed_msg m;
	char pid[16];

	(void)state;
	sample_flow(&f, 4);
	assert_int_equal(format_parse(&origin, &f, &a, &m), 0);
	assert_int_equal(m.pri, 19 * 8 + TS_SEV_WARNING);
	assert_string_equal(m.timestamp, SAMPLE_TIME_TEXT);
	assert_string_equal(m.hostname, "probe-1.example.net");
	assert_string_equal(m.app_name, "tcpscope");
	snprintf(pid, sizeof(pid), "%ld", origin.procid);
	assert_string_equal(m.procid, pid);
	assert_string_equal(m.msgid, "close_wait_stall");
	assert_string_equal(m.sd_id, "tcpscope@32473");

	/* Missing hostname and pid are NILVALUEs; a hostile hostname stays one token. */
	struct ts_syslog_origin o = { .facility = 3, .hostname = NULL, .procid = 0 };
	assert_int_equal(format_parse(&o, &f, &a, &m), 0);
	assert_string_equal(m.hostname, "-");
	assert_string_equal(m.procid, "-");
	o.hostname = "";
	assert_int_equal(format_parse(&o, &f, &a, &m), 0);
	assert_string_equal(m.hostname, "-");
	o.hostname = "evil host\n<13>1 x";
	assert_int_equal(format_parse(&o, &f, &a, &m), 0);
	assert_string_equal(m.hostname, "evil_host_<13>1_x");
	char longname[400];
	memset(longname, 'h', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	o.hostname = longname;
	assert_int_equal(format_parse(&o, &f, &a, &m), 0);
	assert_int_equal(strlen(m.hostname), 255);
}

static void test_msgid_every_code(void **state)
{
	struct timespec ts = { .tv_sec = SAMPLE_SEC, .tv_nsec = 0 };
	struct ts_flow f;
	struct parsed_msg m;

	(void)state;
	sample_flow(&f, 4);
	for (int c = 0; c < TS_AN_COUNT; c++) {
		struct ts_anomaly a = ts_anomaly_new((enum ts_anomaly_code)c, TS_EP_CLIENT, &ts);
		const char *code = ts_anomaly_info((enum ts_anomaly_code)c)->code;
		assert_int_equal(format_parse(&origin, &f, &a, &m), 0);
		assert_string_equal(m.msgid, code);
		assert_true(strlen(m.msgid) <= 32);
		assert_int_equal(m.pri, origin.facility * 8 + ts_anomaly_info((enum ts_anomaly_code)c)->severity);
	}
}

static void test_flow_params(void **state)
{
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	struct parsed_msg m;

	(void)state;
	sample_flow(&f, 4);
	assert_int_equal(format_parse(&origin, &f, &a, &m), 0);
	assert_string_equal(parsed_param(&m, "flow"), "7");
	assert_string_equal(parsed_param(&m, "client"), "192.0.2.10:40000");
	assert_string_equal(parsed_param(&m, "server"), "198.51.100.20:80");
	assert_string_equal(parsed_param(&m, "endpoint"), "server");
	assert_string_equal(parsed_param(&m, "severity"), "warning");
	assert_string_equal(parsed_param(&m, "duration"), "12.500000");
	assert_string_equal(parsed_param(&m, "value"), "0");
	assert_null(parsed_param(&m, "value2"));
	assert_string_equal(parsed_param(&m, "c2s_retrans"), "3");
	assert_string_equal(parsed_param(&m, "c2s_data"), "120");
	assert_string_equal(parsed_param(&m, "s2c_retrans"), "1");
	assert_string_equal(parsed_param(&m, "s2c_data"), "40");
	assert_null(parsed_param(&m, "host"));
	assert_null(parsed_param(&m, "port"));
	assert_null(parsed_param(&m, "detail"));

	/* Server as the key's lo side: roles, not key order, decide the direction. */
	f.client_is_lo = false;
	assert_int_equal(format_parse(&origin, &f, &a, &m), 0);
	assert_string_equal(parsed_param(&m, "client"), "198.51.100.20:80");
	assert_string_equal(parsed_param(&m, "server"), "192.0.2.10:40000");
	assert_string_equal(parsed_param(&m, "c2s_data"), "120");

	/* MSG is the report's sentence, unchanged. */
	struct ts_report_anomaly ra = { .flow = &f, .a = &a };
	char sentence[1024];
	ts_anomaly_message(&ra, sentence, sizeof(sentence));
	assert_string_equal(m.msg, sentence);
	assert_non_null(strstr(m.msg, "CLOSE_WAIT for 12.5 s"));

	/* No endpoint, no duration, a second figure. */
	a.endpoint = TS_EP_NONE;
	a.has_duration = 0;
	a.value = 5;
	a.value2 = 250;
	assert_int_equal(format_parse(&origin, &f, &a, &m), 0);
	assert_null(parsed_param(&m, "endpoint"));
	assert_null(parsed_param(&m, "duration"));
	assert_string_equal(parsed_param(&m, "value"), "5");
	assert_string_equal(parsed_param(&m, "value2"), "250");
}

static void test_ipv6_flow_escapes_bracket(void **state)
{
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	struct parsed_msg m;
	char buf[TS_SYSLOG_MSG_MAX];

	(void)state;
	sample_flow(&f, 6);
	int n = ts_syslog_format(&origin, &f, &a, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "client=\"[2001:db8::10\\]:40000\""));
	assert_int_equal(parse_rfc5424(buf, (size_t)n, &m), 0);
	assert_string_equal(parsed_param(&m, "client"), "[2001:db8::10]:40000");
	assert_string_equal(parsed_param(&m, "server"), "[2001:db8::20]:80");
}

static void test_host_level_params_and_hostile_detail(void **state)
{
	const char *detail = "say \"hi\" \\ ] [x=\"1\"] \\\n\x01\xff end\\";
	struct ts_anomaly a = sample_syn_flood(detail);
	struct parsed_msg m;

	(void)state;
	assert_int_equal(format_parse(&origin, NULL, &a, &m), 0);
	assert_string_equal(m.msgid, "syn_flood");
	assert_int_equal(m.pri, 19 * 8 + TS_SEV_CRIT);
	assert_string_equal(parsed_param(&m, "host"), "2001:db8::1");
	assert_string_equal(parsed_param(&m, "port"), "443");
	assert_string_equal(parsed_param(&m, "value"), "250");
	/* Control and non-ASCII bytes become '?', the rest survives escaping. */
	assert_string_equal(parsed_param(&m, "detail"), "say \"hi\" \\ ] [x=\"1\"] \\??? end\\");
	assert_null(parsed_param(&m, "flow"));
	assert_null(parsed_param(&m, "client"));
	assert_null(parsed_param(&m, "c2s_data"));
	assert_null(parsed_param(&m, "endpoint"));
	assert_non_null(strstr(m.msg, "server 2001:db8::1 port 443"));
	assert_non_null(strstr(m.msg, "end\\"));
	assert_null(strchr(m.msg, '\n'));

	/* Port 0 means no port. */
	a.port = 0;
	a.host_af = 4;
	memset(a.host_addr, 0, sizeof(a.host_addr));
	a.host_addr[0] = 10;
	a.host_addr[3] = 2;
	assert_int_equal(format_parse(&origin, NULL, &a, &m), 0);
	assert_string_equal(parsed_param(&m, "host"), "10.0.0.2");
	assert_null(parsed_param(&m, "port"));
}

static void test_escape_value(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(ts_syslog_escape_value("plain", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "plain");
	ts_syslog_escape_value("a\"b\\c]d[e=f", buf, sizeof(buf));
	assert_string_equal(buf, "a\\\"b\\\\c\\]d[e=f");
	ts_syslog_escape_value("\t\r\n\x7f\x80", buf, sizeof(buf));
	assert_string_equal(buf, "?????");
	ts_syslog_escape_value("", buf, sizeof(buf));
	assert_string_equal(buf, "");

	/* Truncation never splits an escape pair (a lone '\' would eat the quote). */
	assert_int_equal(ts_syslog_escape_value("ab\\", buf, 4), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(ts_syslog_escape_value("ab\\", buf, 5), 4);
	assert_string_equal(buf, "ab\\\\");
	assert_int_equal(ts_syslog_escape_value("]]]]]]", buf, 6), 4);
	assert_string_equal(buf, "\\]\\]");
	assert_int_equal(ts_syslog_escape_value("x", buf, 1), 0);
	assert_string_equal(buf, "");
}

static void test_long_hostile_detail_stays_parseable(void **state)
{
	char detail[3000];
	struct parsed_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(detail) - 1; i++)
		detail[i] = "\\]\""[i % 3];
	detail[sizeof(detail) - 1] = '\0';
	struct ts_anomaly a = sample_syn_flood(detail);
	char buf[TS_SYSLOG_MSG_MAX];
	int n = ts_syslog_format(&origin, NULL, &a, buf, sizeof(buf));
	assert_true(n > 0 && n < TS_SYSLOG_MSG_MAX);
	assert_int_equal(parse_rfc5424(buf, (size_t)n, &m), 0);
	const char *d = parsed_param(&m, "detail");
	assert_non_null(d);
	assert_true(strlen(d) > 64);
	assert_int_equal(strncmp(d, detail, strlen(d)), 0);
}

static void test_small_buffers(void **state)
{
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	char full[TS_SYSLOG_MSG_MAX], buf[TS_SYSLOG_MSG_MAX];
	struct parsed_msg m;

	(void)state;
	sample_flow(&f, 6);
	int n = ts_syslog_format(&origin, &f, &a, full, sizeof(full));
	assert_true(n > 0);
	size_t sd_end = (size_t)(strstr(full, "\"] ") - full) + 2;

	for (size_t len = 0; len <= (size_t)n + 1; len++) {
		int r = ts_syslog_format(&origin, &f, &a, buf, len);
		if (len <= sd_end) {
			assert_int_equal(r, -ENOSPC);
			continue;
		}
		/* Header and SD whole, MSG cut to fit. */
		assert_true(r >= (int)sd_end && (size_t)r < len);
		assert_int_equal(strncmp(buf, full, (size_t)r), 0);
		assert_int_equal(parse_rfc5424(buf, (size_t)r, &m), 0);
	}
}

static void test_octet_counting_frame(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(ts_syslog_frame("<14>1 - - - - - -", 17, out, sizeof(out)), 20);
	assert_memory_equal(out, "17 <14>1 - - - - - -", 20);
	assert_int_equal(ts_syslog_frame("", 0, out, sizeof(out)), 2);
	assert_memory_equal(out, "0 ", 2);

	char big[1234];
	memset(big, 'x', sizeof(big));
	char frame[1300];
	assert_int_equal(ts_syslog_frame(big, sizeof(big), frame, sizeof(frame)), 5 + 1234);
	assert_memory_equal(frame, "1234 ", 5);
	assert_memory_equal(frame + 5, big, sizeof(big));
	/* exactly fitting, then one short */
	assert_int_equal(ts_syslog_frame(big, sizeof(big), frame, 5 + 1234), 5 + 1234);
	assert_int_equal(ts_syslog_frame(big, sizeof(big), frame, 5 + 1233), -ENOSPC);
	assert_int_equal(ts_syslog_frame(big, sizeof(big), frame, 3), -ENOSPC);
}

static void test_parse_facility(void **state)
{
	(void)state;
	assert_int_equal(ts_syslog_parse_facility("daemon"), 3);
	for (int i = 0; i <= 7; i++) {
		char name[8];
		snprintf(name, sizeof(name), "local%d", i);
		assert_int_equal(ts_syslog_parse_facility(name), 16 + i);
	}
	assert_int_equal(ts_syslog_parse_facility("local8"), -1);
	assert_int_equal(ts_syslog_parse_facility("local"), -1);
	assert_int_equal(ts_syslog_parse_facility("local01"), -1);
	assert_int_equal(ts_syslog_parse_facility("kern"), -1);
	assert_int_equal(ts_syslog_parse_facility("user"), -1);
	assert_int_equal(ts_syslog_parse_facility("daemon "), -1);
	assert_int_equal(ts_syslog_parse_facility(""), -1);
	assert_int_equal(ts_syslog_parse_facility(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pri_every_facility_and_severity),
		cmocka_unit_test(test_rejects_bad_severity_code_facility),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_msgid_every_code),
		cmocka_unit_test(test_flow_params),
		cmocka_unit_test(test_ipv6_flow_escapes_bracket),
		cmocka_unit_test(test_host_level_params_and_hostile_detail),
		cmocka_unit_test(test_escape_value),
		cmocka_unit_test(test_long_hostile_detail_stays_parseable),
		cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_octet_counting_frame),
		cmocka_unit_test(test_parse_facility),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
