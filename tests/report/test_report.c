/* \summary: unit tests: JSON Lines output and escaping, CSV quoting, text tables, check mode */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "frames.h"
#include "tcpscope/report.h"
#include "cli/checks.h"
#include "cli/cli.h"
#include "tcpscope/report_json.h"
#include "report/report_parallel.h"
#include "report/text_table.h"
/* The CSV field writer is file-local: test it where it lives. */
#include "report/report_csv.c"
#include "report/report_input.c"

#define SYN TS_TCP_SYN
#define ACK TS_TCP_ACK
#define FIN TS_TCP_FIN
#define RST TS_TCP_RST
#define PSH TS_TCP_PSH

struct fx {
	struct ts_analyzer an;
	struct ts_report_input in;
};

/* A connection with a resend that the server resets, and a refused one. */
static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct tf_conn c1, c2;

	tf_analyzer(&x->an, NULL);
	tf_conn_init(&c1, &x->an, "10.0.0.1", 40000, "10.0.0.2", 80);
	TF_C(&c1, 0, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&c1, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	TF_C(&c1, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	TF_C(&c1, 0.1, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100);
	TF_C(&c1, 0.4, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100);
	TF_S(&c1, 0.5, .flags = RST | ACK, .seq = 5001, .ack = 1101);
	tf_conn_init(&c2, &x->an, "2001:db8::1", 40001, "2001:db8::2", 81);
	TF_C(&c2, 1, .flags = SYN, .seq = 1000, .mss = 1440);
	TF_S(&c2, 1.001, .flags = RST | ACK, .seq = 0, .ack = 1001);
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_report_input_build(&x->in, &x->an, NULL), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	ts_report_input_free(&x->in);
	ts_analyzer_free(&x->an);
	free(x);
	return 0;
}

static char *render(const struct fx *x, const char *format, enum ts_flow_selection sel)
{
	struct tf_mem_out *m;
	FILE *o = tf_mem_open(&m);
	struct ts_report_opts opt = { .out = o, .flows = sel, .top = 10, .min_severity = TS_SEV_DEBUG };
	const struct ts_reporter_ops *ops = ts_reporter_find(format);
	assert_non_null(ops);
	assert_int_equal(ops->write(&x->in, &opt), 0);
	return tf_mem_close(m, o);
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_json_lines(void **state)
{
	struct fx *x = *state;
	char *out = render(x, "json", TS_FLOWS_ALL);

	/* One object per line, every line one object. */
	unsigned lines = 0;
	for (char *l = out, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		assert_non_null(nl);
		assert_int_equal(l[0], '{');
		assert_int_equal(nl[-1], '}');
		lines++;
	}
	assert_int_equal(count(out, "{\"type\":\"flow\""), 2);
	assert_int_equal(count(out, "{\"type\":\"summary\""), 1);
	assert_int_equal(count(out, "{\"type\":\"anomaly\""), x->in.n_anomalies);
	assert_int_equal(lines, 3 + x->in.n_anomalies);
	assert_non_null(strstr(out, "\"client\":\"10.0.0.1:40000\",\"server\":\"10.0.0.2:80\""));
	assert_non_null(strstr(out, "\"client\":\"[2001:db8::1]:40001\""));
	assert_non_null(strstr(out, "\"handshake\":\"refused\""));
	/* refused: the server's SYN was never seen, its MSS and the effective one unknown */
	assert_non_null(strstr(out, "\"mss\":{\"client\":1440,\"server\":null,\"effective\":null}"));
	/* 1 of 2 client data segments resent. */
	assert_non_null(strstr(out, "\"retrans_segments\":1,\"retrans_bytes\":100,\"retrans_pct\":50.00"));
	assert_non_null(strstr(out, "\"code\":\"reset\",\"severity\":\"notice\",\"severity_code\":5"));

	/* And a real JSON parser agrees, when one is at hand. */
	char path[] = "/tmp/tcpscope-json-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(out, f);
	fclose(f);
	if (system("python3 -c 'import sys' >/dev/null 2>&1") == 0) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd),
		         "python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' %s", path);
		assert_int_equal(system(cmd), 0);
	}
	unlink(path);
	free(out);
}

/* What fill appends to a fresh record buffer, as a string. */
static char *jbuf_out(void (*fill)(struct ts_jbuf *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	assert_non_null(o);
	struct ts_jbuf *j = malloc(sizeof(*j));
	assert_non_null(j);
	ts_jbuf_init(j, o);
	fill(j, arg);
	ts_jbuf_flush(j);
	free(j);
	fclose(o);
	return buf;
}

static void fill_string(struct ts_jbuf *j, const void *arg) { ts_jbuf_string(j, arg); }
static void fill_u64(struct ts_jbuf *j, const void *arg) { ts_jbuf_u64(j, *(const uint64_t *)arg); }
static void fill_i64(struct ts_jbuf *j, const void *arg) { ts_jbuf_i64(j, *(const int64_t *)arg); }
static void fill_pad(struct ts_jbuf *j, const void *arg) { ts_jbuf_pad(j, arg, 40); }
static void fill_time(struct ts_jbuf *j, const void *arg) { ts_jbuf_time(j, arg); }
static void fill_frac6(struct ts_jbuf *j, const void *arg) { ts_jbuf_frac6(j, *(const unsigned *)arg); }
static void fill_seconds(struct ts_jbuf *j, const void *arg)
{
	for (const uint64_t *v = arg; *v != 1; v++) {
		ts_jbuf_seconds(j, *v);
		TS_JLIT(j, " ");
	}
}

static char *json_string(const char *s)
{
	return jbuf_out(fill_string, s);
}

static void test_json_string_escaping(void **state)
{
	(void)state;
	char *s = json_string("plain text: 1.2.3.4:80");
	assert_string_equal(s, "\"plain text: 1.2.3.4:80\"");
	free(s);
	s = json_string("q\"b\\s/ n\nr\rt\t");
	assert_string_equal(s, "\"q\\\"b\\\\s/ n\\nr\\rt\\t\"");
	free(s);
	s = json_string("\x01\x1f\x7f");
	assert_string_equal(s, "\"\\u0001\\u001f\\u007f\"");
	free(s);
	/* Bytes from a hostile capture (not UTF-8) come out as pure ASCII;
	 * valid UTF-8 too, byte by byte, so no reader has to decode it. */
	s = json_string("\xc3\xa9\xff\x80");
	assert_string_equal(s, "\"\\u00c3\\u00a9\\u00ff\\u0080\"");
	free(s);
	s = json_string("");
	assert_string_equal(s, "\"\"");
	free(s);
}

/* The rule the writer implements, one byte at a time: the oracle for its
 * eight-bytes-at-a-time scan. */
static char *json_string_oracle(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char *out = malloc(strlen(s) * 6 + 3), *o = out;

	assert_non_null(out);
	*o++ = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *esc = *p == '"' ? "\\\"" : *p == '\\' ? "\\\\" : *p == '\n' ? "\\n"
		                : *p == '\r' ? "\\r" : *p == '\t' ? "\\t" : NULL;
		if (esc) {
			memcpy(o, esc, 2);
			o += 2;
		} else if (*p < 0x20 || *p >= 0x7f) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[*p >> 4];
			o[5] = hex[*p & 15];
			o += 6;
		} else {
			*o++ = (char)*p;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* Every byte value at every place of a word, and a second one further on. */
static void test_jbuf_string_matches(void **state)
{
	(void)state;
	char s[41];
	for (int c = 1; c < 256; c++) {
		for (size_t at = 0; at < 17; at++) {
			memset(s, 'a', sizeof(s) - 1);
			s[sizeof(s) - 1] = '\0';
			s[at] = (char)c;
			s[at + 20] = (char)c;
			char *want = json_string_oracle(s), *got = json_string(s);
			assert_string_equal(got, want);
			free(want);
			free(got);
		}
	}
}

/* Integers without printf, and "%-40s" padding, as printf writes them. */
static void test_jbuf_numbers_and_padding(void **state)
{
	(void)state;
	static const uint64_t values[] = { 0, 7, 9, 10, 42, 99, 100, 101, 999, 1000, 9999, 10000, 99999, 100000,
		                           65535, 99999999, 100000000, 1234567890123ull, 9999999999999999999ull,
		                           10000000000000000000ull, UINT64_MAX };
	char want[64], str[21];
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(want, sizeof(want), "%llu", (unsigned long long)values[i]);
		char *got = jbuf_out(fill_u64, &values[i]);
		assert_string_equal(got, want);
		free(got);
		assert_int_equal(ts_u64_str(str, values[i]), strlen(want));
		assert_string_equal(str, want);
	}
	/* Seconds repeat from one time to the next: the digits kept are the
	 * right ones whatever comes. */
	static const uint64_t secs[] = { 1700000000, 1700000000, 5, 5, 0, 1700000001, UINT64_MAX, 1700000001, 1 };
	char *got_secs = jbuf_out(fill_seconds, secs);
	assert_string_equal(got_secs, "1700000000 1700000000 5 5 0 1700000001 18446744073709551615 1700000001 ");
	free(got_secs);
	static const unsigned micros[] = { 0, 5, 10, 99, 100, 123456, 999999 };
	for (size_t i = 0; i < sizeof(micros) / sizeof(micros[0]); i++) {
		snprintf(want, sizeof(want), ".%06u", micros[i]);
		char *got = jbuf_out(fill_frac6, &micros[i]);
		assert_string_equal(got, want);
		free(got);
	}
	static const int64_t signed_values[] = { 0, 5, -1, -10, 123456789, -987654321012ll, INT64_MAX, INT64_MIN };
	for (size_t i = 0; i < sizeof(signed_values) / sizeof(signed_values[0]); i++) {
		snprintf(want, sizeof(want), "%lld", (long long)signed_values[i]);
		char *got = jbuf_out(fill_i64, &signed_values[i]);
		assert_string_equal(got, want);
		free(got);
	}
	static const char *const texts[] = { "", "tcp.connection_refused", "0123456789012345678901234567890123456789",
		                             "longer than the forty bytes of the column, not cut" };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		snprintf(want, sizeof(want), "%-40s", texts[i]);
		char *got = jbuf_out(fill_pad, texts[i]);
		assert_string_equal(got, want);
		free(got);
	}
}

/* Times are printf's "%lld.%06ld" of seconds and microseconds, negative
 * ones too; microseconds past 10^6 (a corrupt record) keep six digits. */
static void test_jbuf_time(void **state)
{
	(void)state;
	static const struct timespec times[] = {
		{ 0, 0 }, { 1700000000, 999 }, { 1700000000, 1000 }, { 1, 999999999 }, { 42, 500000 },
		{ -1, 0 }, { -5, 250000000 },
	};
	char want[64];
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		snprintf(want, sizeof(want), "%lld.%06ld", (long long)times[i].tv_sec, times[i].tv_nsec / 1000);
		char *got = jbuf_out(fill_time, &times[i]);
		assert_string_equal(got, want);
		free(got);
	}
	const struct timespec corrupt = { 3, 4294967295000l };
	char *got = jbuf_out(fill_time, &corrupt);
	assert_string_equal(got, "3.967295");
	free(got);
}

/* Fixed point, doubles, booleans, names and counter objects nested. */
static void fill_mixed(struct ts_jbuf *j, const void *arg)
{
	static const uint64_t states[TS_ST_COUNT] = { [TS_ST_ESTABLISHED] = 3, [TS_ST_TIME_WAIT] = 12 };
	bool first = true;

	(void)arg;
	TS_JLIT(j, "{\"fixed\":[");
	ts_jbuf_fixed(j, 0, 2);
	TS_JLIT(j, ",");
	ts_jbuf_fixed(j, 12345, 2);
	TS_JLIT(j, ",");
	ts_jbuf_fixed(j, -1, 6);
	TS_JLIT(j, ",");
	ts_jbuf_fixed(j, 1000000, 6);
	TS_JLIT(j, "],\"double\":[");
	ts_jbuf_double(j, 2.0 / 3.0, 3);
	TS_JLIT(j, ",");
	ts_jbuf_double(j, 0.05, 1);
	TS_JLIT(j, ",");
	ts_jbuf_double(j, -1.5, 0);
	TS_JLIT(j, "],\"bool\":[");
	ts_jbuf_bool(j, true);
	TS_JLIT(j, ",");
	ts_jbuf_bool(j, false);
	TS_JLIT(j, "],");
	ts_jbuf_name(j, "counts");
	TS_JLIT(j, "{");
	ts_jbuf_count(j, &first, "a", 0);
	ts_jbuf_count(j, &first, "b", 20);
	TS_JLIT(j, ",\"empty\":{}},\"states\":");
	ts_json_states(j, states);
	TS_JU(j, "u", 7);
	j->skip_zero = true;
	TS_JU(j, "zero_left_out", 0);
	TS_JU(j, "kept", 1);
	TS_JLIT(j, "}");
}

static void test_jbuf_values_and_nesting(void **state)
{
	(void)state;
	char *got = jbuf_out(fill_mixed, NULL);
	assert_string_equal(got, "{\"fixed\":[0.00,123.45,-0.000001,1.000000],\"double\":[0.667,0.1,-2],"
	                         "\"bool\":[true,false],\"counts\":{\"a\":0,\"b\":20,\"empty\":{}},"
	                         "\"states\":{\"ESTABLISHED\":3,\"TIME_WAIT\":12},\"u\":7,\"kept\":1}");
	free(got);
}

static void fill_context(struct ts_jbuf *j, const void *arg) { ts_json_context(j, arg); }

/* A flow's outer context: each kind once, in kind order, values outermost first. */
static void test_json_context(void **state)
{
	static const uint8_t bytes[] = { TS_CTX_VLAN, 0, 100, TS_CTX_VLAN, 0, 200,
	                                 TS_CTX_VXLAN, 0, 0x13, 0x89, TS_CTX_GRE_KEY, 0, 0, 1, 0,
	                                 TS_CTX_GENEVE, 0, 0, 7 };
	struct ts_ctx_entry e = { .len = sizeof(bytes) };

	(void)state;
	memcpy(e.bytes, bytes, sizeof(bytes));
	char *got = jbuf_out(fill_context, &e);
	assert_string_equal(got, "{\"vlan\":[100,200],\"vni\":[5001],\"geneve_vni\":[7],\"gre_key\":[256]}");
	free(got);
	e.len = 0;
	got = jbuf_out(fill_context, &e);
	assert_string_equal(got, "{}");
	free(got);
}

/* Anomalies in severity order, then by time whatever the flow order: here
 * a later flow's finding comes first within its severity, and the result
 * is what sorting every ref with the report's own comparison gives. */
static void test_anomaly_order(void **state)
{
	(void)state;
	struct ts_analyzer an;
	struct ts_report_input in;
	struct tf_conn c1, c2, c3;

	tf_analyzer(&an, NULL);
	tf_conn_init(&c1, &an, "10.0.0.1", 40000, "10.0.0.2", 80);
	TF_C(&c1, 0, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&c1, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	TF_C(&c1, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	tf_conn_init(&c2, &an, "10.0.0.3", 40000, "10.0.0.2", 81);
	TF_C(&c2, 1, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&c2, 1.001, .flags = RST | ACK, .seq = 0, .ack = 1001);
	tf_conn_init(&c3, &an, "10.0.0.4", 40000, "10.0.0.2", 81);
	TF_C(&c3, 2, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&c3, 2.001, .flags = RST | ACK, .seq = 0, .ack = 1001);
	TF_S(&c1, 3, .flags = RST | ACK, .seq = 5001, .ack = 1001); /* flow 1's reset, after both refusals */
	ts_analyzer_finish(&an);
	assert_int_equal(ts_report_input_build(&in, &an, NULL), 0);
	assert_true(in.n_anomalies >= 3);
	struct ts_anomaly_ref *want = malloc(in.n_anomalies * sizeof(*want));
	assert_non_null(want);
	memcpy(want, in.anomalies, in.n_anomalies * sizeof(*want));
	qsort(want, in.n_anomalies, sizeof(*want), by_severity_then_time);
	/* Field by field: the records' padding bytes are never written. */
	for (size_t i = 0; i < in.n_anomalies; i++) {
		assert_int_equal(in.anomalies[i].ts_ns, want[i].ts_ns);
		assert_int_equal(in.anomalies[i].flow, want[i].flow);
		assert_int_equal(in.anomalies[i].index, want[i].index);
		assert_int_equal(in.anomalies[i].severity, want[i].severity);
		assert_int_equal(in.anomalies[i].code, want[i].code);
	}
	bool reset_after_refusals = false;
	for (size_t i = 1; i < in.n_anomalies; i++)
		reset_after_refusals |= in.anomalies[i].flow == 0 && in.anomalies[i - 1].flow == 2 &&
		                        in.anomalies[i].severity == in.anomalies[i - 1].severity;
	assert_true(reset_after_refusals); /* flow 1 (index 0) after flow 3 (index 2) */
	free(want);
	ts_report_input_free(&in);
	ts_analyzer_free(&an);
}

static void fill_csv(struct ts_jbuf *j, const void *arg) { csv_field(j, arg); }

static char *csv(const char *field)
{
	return jbuf_out(fill_csv, field);
}

static void test_csv_quoting(void **state)
{
	(void)state;
	char *s = csv("10.0.0.1:80");
	assert_string_equal(s, "10.0.0.1:80");
	free(s);
	s = csv("a,b");
	assert_string_equal(s, "\"a,b\"");
	free(s);
	s = csv("say \"hi\"");
	assert_string_equal(s, "\"say \"\"hi\"\"\"");
	free(s);
	s = csv("two\nlines\r\n");
	assert_string_equal(s, "\"two\nlines\r\n\"");
	free(s);
	s = csv("\"\"");
	assert_string_equal(s, "\"\"\"\"\"\"");
	free(s);
	s = csv("");
	assert_string_equal(s, "");
	free(s);
}

static void test_csv_report(void **state)
{
	struct fx *x = *state;
	char *out = render(x, "csv", TS_FLOWS_ALL);

	/* Header and one row per flow, CRLF line ends, the same column count. */
	assert_int_equal(count(out, "\r\n"), 3);
	assert_int_equal(strncmp(out, "id,client,server,", 17), 0);
	char *row1 = strstr(out, "\r\n") + 2;
	char *row2 = strstr(row1, "\r\n") + 2;
	unsigned cols[3] = { 0 };
	const char *starts[3] = { out, row1, row2 };
	for (int r = 0; r < 3; r++)
		for (const char *p = starts[r]; *p != '\r'; p++)
			cols[r] += *p == ',';
	assert_int_equal(cols[0], cols[1]);
	assert_int_equal(cols[0], cols[2]);
	assert_int_equal(strncmp(row1, "1,10.0.0.1:40000,10.0.0.2:80,", 29), 0);
	assert_int_equal(strncmp(row2, "2,[2001:db8::1]:40001,[2001:db8::2]:81,", 39), 0);
	free(out);
}

static void test_text_table_alignment(void **state)
{
	(void)state;
	struct ts_text_table t;
	ts_table_init(&t, 3);
	t.right[1] = true;
	static const char *const r0[] = { "HOST", "SENT", "STATES" };
	static const char *const r1[] = { "10.0.0.1", "12", "ESTABLISHED 1" };
	static const char *const r2[] = { "2001:db8::1", "1234", "TIME_WAIT 3" };
	ts_table_row(&t, r0);
	ts_table_row(&t, r1);
	ts_table_row(&t, r2);
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	ts_table_print(&t, o, "  ");
	fclose(o);
	assert_string_equal(buf,
		"  HOST         SENT  STATES\n"
		"  10.0.0.1       12  ESTABLISHED 1\n"
		"  2001:db8::1  1234  TIME_WAIT 3\n");
	free(buf);
	ts_table_free(&t);
}

static void test_text_report_mentions_findings(void **state)
{
	struct fx *x = *state;
	char *out = render(x, "text", TS_FLOWS_ALL);
	assert_non_null(strstr(out, "10.0.0.1"));
	assert_non_null(strstr(out, "reset"));
	assert_non_null(strstr(out, "connection_refused"));
	free(out);
}

/* Parse a command line, evaluate the checks; returns the verdict. */
static int check(const struct fx *x, char *arg1, char *arg2, char *arg3, char *arg4, char **err)
{
	char *argv[8] = { "tcpscope", "-r", "x.pcap" };
	int argc = 3;
	char *args[4] = { arg1, arg2, arg3, arg4 };
	for (int i = 0; i < 4 && args[i]; i++)
		argv[argc++] = args[i];
	struct ts_cli cli;
	assert_int_equal(ts_cli_parse(&cli, argc, argv), 0);
	size_t len = 0;
	FILE *e = open_memstream(err, &len);
	int rc = ts_checks_evaluate(&cli, &x->in, e);
	fclose(e);
	return rc;
}

static void test_check_mode(void **state)
{
	struct fx *x = *state;
	char *err = NULL;

	assert_int_equal(x->an.anomaly_counts[TS_AN_RESET], 1);
	assert_int_equal(x->an.anomaly_counts[TS_AN_CONNECTION_REFUSED], 1);

	assert_int_equal(check(x, "--expect", "reset:1", "--forbid", "syn_flood", &err), 0);
	assert_string_equal(err, "");
	free(err);
	assert_int_equal(check(x, "--expect", "reset", NULL, NULL, &err), 0);
	free(err);
	assert_int_equal(check(x, "--expect", "reset:2", NULL, NULL, &err), 1);
	assert_non_null(strstr(err, "reset expected 2 times, found 1"));
	free(err);
	assert_int_equal(check(x, "--expect", "reset:0", NULL, NULL, &err), 1);
	assert_non_null(strstr(err, "reset expected 0 times, found 1"));
	free(err);
	assert_int_equal(check(x, "--expect", "syn_flood", NULL, NULL, &err), 1);
	assert_non_null(strstr(err, "syn_flood expected, not found"));
	free(err);
	assert_int_equal(check(x, "--expect", "syn_flood:0", NULL, NULL, &err), 0);
	free(err);
	assert_int_equal(check(x, "--forbid", "connection_refused", NULL, NULL, &err), 1);
	assert_non_null(strstr(err, "connection_refused found 1 times, forbidden"));
	free(err);
	/* Both findings are notices: --fail-on warning passes, notice fails. */
	assert_int_equal(check(x, "--fail-on", "warning", NULL, NULL, &err), 0);
	free(err);
	assert_int_equal(check(x, "--fail-on", "notice", NULL, NULL, &err), 1);
	assert_non_null(strstr(err, "at or above notice"));
	free(err);
}

static void test_check_mode_bad_arguments(void **state)
{
	(void)state;
	struct ts_cli cli;
	char *bad1[] = { "tcpscope", "-r", "x.pcap", "--expect", "no_such_code" };
	char *bad2[] = { "tcpscope", "-r", "x.pcap", "--forbid", "reset:1" };
	char *bad3[] = { "tcpscope", "-r", "x.pcap", "--expect", "reset:-1" };
	char *bad4[] = { "tcpscope", "-r", "x.pcap", "--fail-on", "loud" };
	assert_int_equal(ts_cli_parse(&cli, 5, bad1), TS_EXIT_USAGE);
	assert_int_equal(ts_cli_parse(&cli, 5, bad2), TS_EXIT_USAGE);
	assert_int_equal(ts_cli_parse(&cli, 5, bad3), TS_EXIT_USAGE);
	assert_int_equal(ts_cli_parse(&cli, 5, bad4), TS_EXIT_USAGE);
	char *good[] = { "tcpscope", "-r", "x.pcap", "--expect", "reset:3", "--fail-on", "err" };
	assert_int_equal(ts_cli_parse(&cli, 7, good), 0);
	assert_int_equal(cli.n_checks, 1);
	assert_int_equal(cli.checks[0].code, TS_AN_RESET);
	assert_int_equal(cli.checks[0].count, 3);
	assert_int_equal(cli.fail_on, TS_SEV_ERR);
}

/* A line per flow or anomaly, from what the formatting thread reads. */
static void flow_line(const struct ts_report_input *in, size_t i, struct ts_jbuf *j, const void *ctx)
{
	(void)ctx;
	const struct ts_flow *f = ts_report_flow(in, i);
	ts_jbuf_printf(j, "flow %llu port %u packets %llu findings %u\n", (unsigned long long)f->id,
	               f->key.lo_port, (unsigned long long)f->cli.st.packets, f->n_anomalies);
}

static void anomaly_line(const struct ts_report_input *in, size_t i, struct ts_jbuf *j, const void *ctx)
{
	(void)ctx;
	struct ts_report_anomaly ra = ts_report_anomaly(in, i);
	ts_jbuf_printf(j, "anomaly %d of flow %llu\n", ra.a->code, ra.flow ? (unsigned long long)ra.flow->id : 0ull);
}

static char *records(const struct ts_report_input *in, size_t n, unsigned threads, size_t chunk, ts_record_fn fn)
{
	struct tf_mem_out *m;
	FILE *o = tf_mem_open(&m);
	assert_int_equal(ts_report_records(in, n, threads, chunk, fn, NULL, o), 0);
	return tf_mem_close(m, o);
}

/* Records formatted on several threads come out as from one, whatever the
 * split: rounds with a short last one, chunks of one, more threads asked
 * for than there are whole chunks (fewer run), and flows both still live
 * and packed (unpacked by each thread). */
static void test_records_on_threads(void **state)
{
	(void)state;
	struct ts_analyzer an;
	struct ts_report_input in;
	tf_analyzer(&an, NULL);
	for (int i = 0; i < 41; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &an, "10.0.0.1", (uint16_t)(30000 + i), "10.0.0.2", 80);
		TF_C(&c, i, .flags = SYN, .seq = 1000, .mss = 1460);
		TF_S(&c, i + 0.001, .flags = RST | ACK, .seq = 0, .ack = 1001);
	}
	ts_analyzer_finish(&an);
	assert_int_equal(ts_report_input_build(&in, &an, NULL), 0);
	assert_int_equal(in.n_flows, 41);
	assert_true(ts_flow_table_retired(&an.flows) > 0 && an.flows.live > 0);

	char *flows1 = records(&in, in.n_flows, 1, 4096, flow_line);
	char *anomalies1 = records(&in, in.n_anomalies, 1, 4096, anomaly_line);
	assert_int_equal(count(flows1, "flow "), 41);
	assert_int_equal(count(anomalies1, "anomaly "), in.n_anomalies);
	static const struct { unsigned threads; size_t chunk; } splits[] = {
		{ 2, 1 }, { 2, 3 }, { 3, 7 }, { 5, 4 }, { 8, 20 }, { 64, 1 },
	};
	for (size_t k = 0; k < sizeof(splits) / sizeof(splits[0]); k++) {
		char *f = records(&in, in.n_flows, splits[k].threads, splits[k].chunk, flow_line);
		char *a = records(&in, in.n_anomalies, splits[k].threads, splits[k].chunk, anomaly_line);
		assert_string_equal(f, flows1);
		assert_string_equal(a, anomalies1);
		free(f);
		free(a);
	}
	char *none = records(&in, 0, 4, 1, flow_line);
	assert_string_equal(none, "");
	free(none);
	free(flows1);
	free(anomalies1);
	ts_report_input_free(&in);
	ts_analyzer_free(&an);
}

/*
 * JSON anomaly records of archived flows format their message from a flow
 * that holds only its id, key and roles (ts_flow_view_finding): a message
 * that reads any other figure of the flow must be named by
 * ts_anomaly_message_reads_figures, or its record would show zeros. Every
 * code, from both endpoints, against a flow that has figures.
 */
static void test_anomaly_message_reads_only_key_and_roles(void **state)
{
	(void)state;
	struct ts_analyzer an;
	struct tf_conn c;

	tf_analyzer(&an, NULL);
	tf_conn_init(&c, &an, "10.0.0.1", 40000, "10.0.0.2", 80);
	TF_C(&c, 0, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_C(&c, 1, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&c, 1.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1400);
	TF_C(&c, 1.002, .flags = ACK, .seq = 1001, .ack = 5001);
	TF_C(&c, 1.1, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100);
	TF_C(&c, 1.5, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100);
	const struct ts_flow *full = tf_only_flow(&an);
	struct ts_flow *light = calloc(1, sizeof(*light));
	assert_non_null(light);
	light->key = full->key;
	light->id = full->id;
	light->client_is_lo = full->client_is_lo;
	light->roles_known = full->roles_known;

	unsigned differ = 0;
	for (unsigned code = 0; code < TS_AN_COUNT; code++) {
		for (int ep = TS_EP_CLIENT; ep <= TS_EP_SERVER; ep++) {
			struct ts_anomaly a = ts_anomaly_new((enum ts_anomaly_code)code, (enum ts_anomaly_endpoint)ep,
			                                     &full->first);
			a.value = 7;
			a.value2 = 350;
			a.has_duration = 1;
			a.duration = (struct timespec){ .tv_sec = 2 };
			char want[512], got[512];
			ts_anomaly_message(&(struct ts_report_anomaly){ full, &a }, want, sizeof(want));
			ts_anomaly_message(&(struct ts_report_anomaly){ light, &a }, got, sizeof(got));
			if (strcmp(want, got) == 0)
				continue;
			differ++;
			if (!ts_anomaly_message_reads_figures((uint8_t)code))
				fail_msg("%s: message reads the flow's figures: \"%s\" from the flow, \"%s\" "
				         "from its key and roles", ts_anomaly_info((enum ts_anomaly_code)code)->code,
				         want, got);
		}
	}
	/* syn_unanswered counts the flow's SYNs: the check sees such a read. */
	assert_true(differ > 0);
	free(light);
	ts_analyzer_free(&an);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_json_lines),
		cmocka_unit_test(test_json_string_escaping),
		cmocka_unit_test(test_anomaly_message_reads_only_key_and_roles),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_anomaly_order),
		cmocka_unit_test(test_jbuf_string_matches),
		cmocka_unit_test(test_jbuf_numbers_and_padding),
		cmocka_unit_test(test_jbuf_time),
		cmocka_unit_test(test_jbuf_values_and_nesting),
		cmocka_unit_test(test_json_context),
		T(test_csv_report),
		cmocka_unit_test(test_text_table_alignment),
		T(test_text_report_mentions_findings),
		T(test_check_mode),
		cmocka_unit_test(test_check_mode_bad_arguments),
		cmocka_unit_test(test_records_on_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
