/* \summary: HTML report of real traces: well formed, self-contained, marks match the analysis */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html_check.h"
#include "tcpscope/analyzer.h"
#include "tcpscope/capture.h"
#include "tcpscope/report.h"
#include "tcpscope/segment_log.h"

static const char *pcaps_dir;   /* argv[1] */
static const char *big_pcap;    /* argv[2]: a generated 10,000-flow trace */

struct rendered {
	struct ts_analyzer an;
	struct ts_segment_log *log;
	struct ts_report_input in;
	char *html;
	size_t len;
};

static void render_path(struct rendered *r, const char *path)
{
	char errbuf[TS_ERRBUF_SIZE];
	struct ts_capture_opts copts;
	struct ts_analyzer_config cfg;
	struct ts_pkt pkt;

	memset(r, 0, sizeof(*r));
	ts_capture_opts_default(&copts);
	struct ts_capture *cap = ts_capture_open_files(&path, 1, &copts, errbuf);
	assert_non_null(cap);
	ts_analyzer_config_default(&cfg);
	r->log = ts_segment_log_new(NULL);
	assert_non_null(r->log);
	ts_segment_log_attach(r->log, &cfg);
	assert_int_equal(ts_analyzer_init(&r->an, &cfg), 0);
	while (ts_capture_next(cap, &pkt, errbuf) == TS_CAP_PACKET)
		ts_analyzer_feed(&r->an, &pkt);
	ts_capture_close(cap);
	ts_analyzer_finish(&r->an);
	assert_int_equal(ts_report_input_build(&r->in, &r->an, NULL), 0);
	r->in.inputs = &path;
	r->in.n_inputs = 1;
	r->in.segments = r->log;

	FILE *out = open_memstream(&r->html, &r->len);
	assert_non_null(out);
	struct ts_report_opts opts = { .out = out, .flows = TS_FLOWS_AUTO, .min_severity = TS_SEV_DEBUG };
	const struct ts_reporter_ops *ops = ts_reporter_find("html");
	assert_non_null(ops);
	assert_int_equal(ops->write(&r->in, &opts), 0);
	assert_int_equal(fclose(out), 0);
	r->in.inputs = NULL;
}

static void render(struct rendered *r, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/synth/%s", pcaps_dir, name);
	render_path(r, path);
}

static void rendered_free(struct rendered *r)
{
	ts_report_input_free(&r->in);
	ts_analyzer_free(&r->an);
	ts_segment_log_free(r->log);
	free(r->html);
}

static void assert_well_formed(const struct rendered *r)
{
	char err[160] = "";
	int rc = html_check_well_formed(r->html, r->len, err, sizeof(err));
	if (rc)
		fail_msg("not well formed: %s", err);
}

/* Nothing is fetched: no URL with a scheme, every href a fragment, no src. */
static void assert_self_contained(const struct rendered *r)
{
	assert_null(strstr(r->html, "http://"));
	assert_null(strstr(r->html, "https://"));
	assert_null(strstr(r->html, " src="));
	assert_null(strstr(r->html, "url("));
	assert_null(strstr(r->html, "@import"));
	for (const char *p = strstr(r->html, "href=\""); p; p = strstr(p + 1, "href=\""))
		assert_int_equal(p[6], '#');
}

/* A flow's section, [*begin, *end), or false when it has no graph. */
static bool flow_section(const struct rendered *r, uint64_t id, const char **begin, size_t *len)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "<section class=\"flow\" id=\"flow-%llu\">", (unsigned long long)id);
	const char *b = strstr(r->html, tag);
	if (!b)
		return false;
	const char *e = strstr(b, "</section>");
	assert_non_null(e);
	*begin = b;
	*len = (size_t)(e - b);
	return true;
}

static uint64_t retransmitted(const struct ts_flow *f)
{
	const struct ts_dir_stats cli = ts_endpoint_stats(&f->cli), srv = ts_endpoint_stats(&f->srv);
	const struct ts_dir_stats *c = &cli, *s = &srv;
	return (uint64_t)c->retrans_segments + c->syn_retrans + c->fin_retrans + s->retrans_segments +
	       s->syn_retrans + s->fin_retrans;
}

/* Every graphed flow shows one "retx" mark per retransmitted segment;
 * returns how many graphed flows had retransmissions. */
static size_t check_retx_marks(const struct rendered *r)
{
	size_t graphed = 0, with_retx = 0;

	for (size_t i = 0; i < r->in.n_flows; i++) {
		const struct ts_flow *f = ts_report_flow(&r->in, i);
		const char *sec;
		size_t len;
		if (!flow_section(r, f->id, &sec, &len))
			continue;
		graphed++;
		uint64_t want = retransmitted(f);
		size_t got = html_count_class(sec, len, "retx");
		if (got != want)
			fail_msg("flow %llu: %zu retx marks, %llu retransmitted segments", (unsigned long long)f->id, got,
			         (unsigned long long)want);
		with_retx += want > 0;
	}
	assert_true(graphed > 0);
	return with_retx;
}

static void test_rto_backoff(void **state)
{
	struct rendered r;
	(void)state;

	render(&r, "retx_rto_backoff.pcap");
	assert_well_formed(&r);
	assert_self_contained(&r);
	assert_int_equal(check_retx_marks(&r), 1);
	assert_non_null(strstr(r.html, "rto_backoff"));
	assert_non_null(strstr(r.html, "<span class=\"sev sev4\">warning</span>"));
	/* No stall in this trace: no shading. */
	assert_int_equal(html_count_class(r.html, r.len, "stall"), 1); /* the legend swatch only */
	rendered_free(&r);
}

/* Two VNIs, one 5-tuple: two rows, each server named with its VNI. */
static void test_context_in_flows_table(void **state)
{
	struct rendered r;
	(void)state;

	render(&r, "encap_vxlan_two_vni.pcap");
	assert_well_formed(&r);
	assert_non_null(strstr(r.html, "10.0.0.2:80 <span class=\"note\">vni 5001</span>"));
	assert_non_null(strstr(r.html, "10.0.0.2:80 <span class=\"note\">vni 5002</span>"));
	rendered_free(&r);
}

static void test_close_wait_stall(void **state)
{
	struct rendered r;
	const char *sec = NULL;
	size_t len = 0;
	(void)state;

	render(&r, "close_wait_stall.pcap");
	assert_well_formed(&r);
	assert_self_contained(&r);
	assert_true(flow_section(&r, 1, &sec, &len));
	/* CLOSE_WAIT on the server and FIN_WAIT_2 on the client: each stall is
	 * shaded on the flow's graph. */
	assert_true(html_count_class(sec, len, "stall") >= 2);
	const char *rect = strstr(sec, "<rect class=\"stall\"");
	assert_non_null(rect);
	long width = strtol(strstr(rect, "width=\"") + 7, NULL, 10);
	/* The stall is 90 of the graph's 90.07 s: nearly the whole plot width. */
	assert_true(width > 600);
	assert_non_null(strstr(sec, "close_wait_stall"));
	/* Flow 2 has no stall. */
	assert_true(flow_section(&r, 2, &sec, &len));
	assert_int_equal(html_count_class(sec, len, "stall"), 0);
	rendered_free(&r);
}

static void test_many_connections_loss(void **state)
{
	struct rendered r;
	(void)state;

	render(&r, "many_connections_loss.pcap");
	assert_well_formed(&r);
	assert_self_contained(&r);
	assert_true(check_retx_marks(&r) >= 10);
	assert_non_null(strstr(r.html, "data-graphs=\"50\""));
	assert_non_null(strstr(r.html, "<table class=\"sortable\" id=\"flows-table\">"));
	/* Graphs follow the table's order: the first row's flow is the first graph. */
	static const char link[] = "<a href=\"#flow-", section[] = "<section class=\"flow\" id=\"flow-";
	const char *table = strstr(r.html, "id=\"flows-table\"");
	assert_non_null(table);
	const char *row = strstr(table, link);
	const char *graph = strstr(r.html, section);
	assert_non_null(row);
	assert_non_null(graph);
	uint64_t first_row = strtoull(row + strlen(link), NULL, 10);
	assert_true(first_row > 0);
	assert_int_equal(first_row, strtoull(graph + strlen(section), NULL, 10));
	/* ... and it is an anomalous flow, the table's first group. */
	assert_true(ts_flow_is_anomalous(ts_report_flow(&r.in, first_row - 1)));
	rendered_free(&r);
}

static void test_big_trace_size(void **state)
{
	struct rendered r;
	(void)state;

	if (!big_pcap)
		skip();
	render_path(&r, big_pcap);
	assert_true(r.in.n_flows >= 10000);
	assert_well_formed(&r);
	assert_self_contained(&r);
	assert_true(r.len < 2u * 1024 * 1024);
	assert_non_null(strstr(r.html, "Showing 1000 of "));
	assert_int_equal(html_count_class(r.html, r.len, "flow"), 50);
	rendered_free(&r);
}

static void test_checker_rejects(void **state)
{
	static const char *const bad[] = {
		"<div><p>x</div></p>", "<div>", "<p a=b></p>", "<p>a & b</p>", "<svg><path d=\"M0 0\"></svg>",
	};
	static const char good[] = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/><style>a>b{}</style>"
	                           "</head><body><p>&amp; &#39;</p><svg><path d=\"M0 0\"/></svg>"
	                           "<script>if(1<2){}</script></body></html>";
	char err[160];
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(html_check_well_formed(bad[i], strlen(bad[i]), err, sizeof(err)), -1);
	assert_int_equal(html_check_well_formed(good, strlen(good), err, sizeof(err)), 0);
	assert_int_equal(html_count_class("<a class=\"x retx\"></a><b class=\"retxx\"></b>", 45, "retx"), 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_rejects),
		cmocka_unit_test(test_rto_backoff),
		cmocka_unit_test(test_close_wait_stall),
		cmocka_unit_test(test_context_in_flows_table),
		cmocka_unit_test(test_many_connections_loss),
		cmocka_unit_test(test_big_trace_size),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s PCAPS_DIR [BIG.pcap]\n", argv[0]);
		return 2;
	}
	pcaps_dir = argv[1];
	big_pcap = argc > 2 ? argv[2] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
