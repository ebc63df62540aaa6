/* \summary: unit tests: port ranges, terminal width, wrapping, and grouping alike findings */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frames.h"
#include "tcpscope/report.h"
#include "report/anomaly_groups.h"
#include "tcpscope/port_set.h"
#include "report/text_wrap.h"

#define SYN TS_TCP_SYN
#define ACK TS_TCP_ACK
#define RST TS_TCP_RST

static void test_port_set_ranges(void **state)
{
	(void)state;
	uint16_t p[] = { 80, 3, 1, 2, 443, 80, 22, 444, 445, 65535 };
	char buf[128];

	size_t n = ts_port_set_normalize(p, sizeof(p) / sizeof(p[0]));
	assert_int_equal(n, 9);
	ts_port_set_format(p, n, 8, buf, sizeof(buf));
	assert_string_equal(buf, "1-3, 22, 80, 443-445, 65535");
	ts_port_set_format(p, n, 2, buf, sizeof(buf));
	assert_string_equal(buf, "1-3, 22, ... (9 ports)");
	/* Cut, never overrun, when the buffer is short. */
	ts_port_set_format(p, n, 8, buf, 8);
	assert_string_equal(buf, "1-3, 22");
	assert_int_equal(ts_port_set_normalize(p, 0), 0);
	ts_port_set_format(p, 0, 8, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_term_width_choice(void **state)
{
	(void)state;
	assert_int_equal(ts_term_width_of(1, 132, "100"), 132);  /* the terminal says */
	assert_int_equal(ts_term_width_of(1, 0, "100"), 100);    /* it cannot: COLUMNS */
	assert_int_equal(ts_term_width_of(0, 0, NULL), 80);      /* a pipe or a file */
	assert_int_equal(ts_term_width_of(0, 0, "120"), 120);
	assert_int_equal(ts_term_width_of(0, 0, "wide"), 80);
	assert_int_equal(ts_term_width_of(0, 0, "0"), 80);
	assert_int_equal(ts_term_width_of(0, 0, "99999"), 80);
	assert_int_equal(ts_term_width_of(0, 0, ""), 80);
}

static char *wrap(size_t col, const char *text, unsigned width, unsigned indent)
{
	struct tf_mem_out *m;
	FILE *o = tf_mem_open(&m);
	ts_wrap_write(o, col, text, width, indent);
	return tf_mem_close(m, o);
}

static void test_wrap_hanging_indent(void **state)
{
	(void)state;
	char *s = wrap(10, "the quick brown fox jumps over the lazy dog again and again", 40, 4);
	/* The first line continues the 10 columns already written. */
	assert_string_equal(s, "the quick brown fox jumps over\n"
	                       "    the lazy dog again and again\n");
	free(s);
	/* Every line within the width, nothing lost but the spaces it broke at. */
	s = wrap(0, "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk", 24, 2);
	assert_string_equal(s, "aaaa bbbb cccc dddd eeee\n  ffff gggg hhhh iiii\n  jjjj kkkk\n");
	free(s);
}

static void test_wrap_long_words_and_narrow(void **state)
{
	(void)state;
	/* A word that fits no line is cut where the line ends (moving it to the
	 * next line would gain nothing: it starts no further left there). */
	char *s = wrap(0, "x 0123456789012345678901234567890123456789", 30, 2);
	assert_string_equal(s, "x 0123456789012345678901234567\n  890123456789\n");
	free(s);
	/* A word that does not fit after the columns goes to the next line. */
	s = wrap(12, "short 2001:db8:1:2:3:4:5:6", 32, 4);
	assert_string_equal(s, "short\n    2001:db8:1:2:3:4:5:6\n");
	free(s);
	/* Fewer than TS_WRAP_MIN_TEXT columns after them: all on the next lines. */
	s = wrap(20, "short 2001:db8:1:2:3:4:5:6", 32, 4);
	assert_string_equal(s, "\n    short 2001:db8:1:2:3:4:5:6\n");
	free(s);
	/* Too narrow to be worth it: lines get TS_WRAP_MIN_TEXT columns. */
	s = wrap(0, "one two three four five six seven", 10, 4);
	assert_string_equal(s, "one two three four five\n    six seven\n");
	free(s);
	s = wrap(5, "", 80, 2);
	assert_string_equal(s, "\n");
	free(s);
}

struct fx {
	struct ts_analyzer an;
	struct ts_report_input in;
};

static int teardown(void **state)
{
	struct fx *x = *state;
	ts_report_input_free(&x->in);
	ts_analyzer_free(&x->an);
	free(x);
	return 0;
}

/* 10.0.0.1 probes 10.0.0.2 ports 1-6 in vain; 10.0.0.3 is refused twice by
 * 10.0.0.4:25 and once by :26; clients 10.1.0.1-5 are refused by 10.0.0.9:80. */
static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	double t = 0;

	tf_analyzer(&x->an, NULL);
	for (int i = 0; i < 6; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &x->an, "10.0.0.1", 40000, "10.0.0.2", (uint16_t)(1 + i));
		TF_C(&c, t += 0.01, .flags = SYN, .seq = 5, .mss = 1460);
	}
	for (int i = 0; i < 3; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &x->an, "10.0.0.3", (uint16_t)(41000 + i), "10.0.0.4", i < 2 ? 25 : 26);
		TF_C(&c, t += 0.01, .flags = SYN, .seq = 5, .mss = 1460);
		TF_S(&c, t += 0.001, .flags = RST | ACK, .seq = 0, .ack = 6);
	}
	for (int i = 0; i < 5; i++) {
		struct tf_conn c;
		char cli[32];
		snprintf(cli, sizeof(cli), "10.1.0.%d", i + 1);
		tf_conn_init(&c, &x->an, cli, 42000, "10.0.0.9", 80);
		TF_C(&c, t += 0.01, .flags = SYN, .seq = 5, .mss = 1460);
		TF_S(&c, t += 0.001, .flags = RST | ACK, .seq = 0, .ack = 6);
	}
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_report_input_build(&x->in, &x->an, NULL), 0);
	*state = x;
	return 0;
}

static const struct ts_anomaly_group *group_with(const struct ts_anomaly_groups *g, const char *text)
{
	for (size_t k = 0; k < g->n_groups; k++) {
		char buf[512];
		ts_anomaly_group_describe(g, &g->groups[k], buf, sizeof(buf));
		if (strstr(buf, text))
			return &g->groups[k];
	}
	return NULL;
}

static void test_groups_by_hosts_and_by_port(void **state)
{
	struct fx *x = *state;
	struct ts_anomaly_groups g;

	assert_int_equal(x->in.n_anomalies, 6 + 3 + 5);
	assert_int_equal(ts_anomaly_groups_build(&g, &x->in, TS_SEV_DEBUG, 4), 0);
	assert_int_equal(g.n_groups, 2);
	assert_int_equal(g.grouped, 11);
	const struct ts_anomaly_group *scan = group_with(&g, "client end of 6 flows from 10.0.0.1 to 10.0.0.2 ports 1-6");
	const struct ts_anomaly_group *flood = group_with(&g, "server end of 5 flows from 5 clients to 10.0.0.9:80");
	assert_non_null(scan);
	assert_non_null(flood);
	assert_true(scan->by_pair);
	assert_false(flood->by_pair);
	assert_int_equal(scan->count, 6);
	assert_int_equal(flood->clients, 5);
	/* Members in report order; only the first one leads. */
	size_t leads = 0, members = 0;
	for (size_t i = 0; i < x->in.n_anomalies; i++) {
		bool lead;
		const struct ts_anomaly_group *gr = ts_anomaly_group_of(&g, i, &lead);
		if (!gr) {
			struct ts_report_anomaly ra = ts_report_anomaly(&x->in, i);
			assert_int_equal(ra.a->code, TS_AN_CONNECTION_REFUSED); /* 10.0.0.3's three */
			continue;
		}
		members++;
		leads += lead;
		if (lead)
			assert_int_equal(ts_anomaly_group_item(&g, gr, 0)->pos, i);
	}
	assert_int_equal(members, 11);
	assert_int_equal(leads, 2);
	for (size_t k = 0; k < g.n_groups; k++)
		for (size_t m = 1; m < g.groups[k].count; m++)
			assert_true(ts_anomaly_group_item(&g, &g.groups[k], m - 1)->pos <
			            ts_anomaly_group_item(&g, &g.groups[k], m)->pos);
	ts_anomaly_groups_free(&g);
}

static void test_groups_threshold_and_severity(void **state)
{
	struct fx *x = *state;
	struct ts_anomaly_groups g;

	/* Three alike ones make a group only when the threshold is three. */
	assert_int_equal(ts_anomaly_groups_build(&g, &x->in, TS_SEV_DEBUG, 3), 0);
	assert_int_equal(g.n_groups, 3);
	assert_non_null(group_with(&g, "server end of 3 flows from 10.0.0.3 to 10.0.0.4 ports 25-26"));
	ts_anomaly_groups_free(&g);
	/* Findings below --min-severity are not there to group. */
	assert_int_equal(ts_anomaly_groups_build(&g, &x->in, TS_SEV_WARNING, 4), 0);
	assert_int_equal(g.n_groups, 1);
	assert_non_null(group_with(&g, "10.0.0.2 ports 1-6"));
	ts_anomaly_groups_free(&g);
}

static char *render(const struct fx *x, bool all, unsigned width)
{
	struct tf_mem_out *m;
	FILE *o = tf_mem_open(&m);
	struct ts_report_opts opt = { .out = o, .quiet = true, .top = 10, .min_severity = TS_SEV_DEBUG,
		                      .all_anomalies = all, .width = width };
	assert_int_equal(ts_reporter_find("text")->write(&x->in, &opt), 0);
	return tf_mem_close(m, o);
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static size_t longest_line(const char *s)
{
	size_t best = 0;
	while (*s) {
		size_t n = strcspn(s, "\n");
		best = n > best ? n : best;
		s += n + (s[n] == '\n');
	}
	return best;
}

static void test_text_report_groups_and_fits(void **state)
{
	struct fx *x = *state;
	char *out = render(x, false, 80);
	const char *anomalies = strstr(out, "\nAnomalies (14; 11 alike ones in 2 groups");

	assert_non_null(anomalies);
	assert_int_equal(count(out, "syn_unanswered"), 1);     /* one line for the six */
	assert_non_null(strstr(out, "x6 "));
	assert_non_null(strstr(out, "x5 "));
	assert_int_equal(count(out, "e.g. #"), 6);              /* three examples of each */
	assert_int_equal(count(out, "... and 3 more"), 1);
	assert_int_equal(count(out, "... and 2 more"), 1);
	assert_true(longest_line(anomalies) <= 80);
	free(out);
	out = render(x, true, 60);
	anomalies = strstr(out, "\nAnomalies (14)\n");
	assert_non_null(anomalies);
	assert_int_equal(count(out, "e.g. #"), 0);
	assert_int_equal(count(out, "connection_refused  #"), 8);
	assert_true(longest_line(anomalies) <= 60);
	assert_null(strstr(anomalies, " \n"));               /* the sentence on its own lines */
	assert_non_null(strstr(anomalies, "  notice   connection_refused  #7      -\n           server "));
	free(out);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_set_ranges),
		cmocka_unit_test(test_term_width_choice),
		cmocka_unit_test(test_wrap_hanging_indent),
		cmocka_unit_test(test_wrap_long_words_and_narrow),
		T(test_groups_by_hosts_and_by_port),
		T(test_groups_threshold_and_severity),
		T(test_text_report_groups_and_fits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
