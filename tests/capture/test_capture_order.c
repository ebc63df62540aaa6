/* \summary: unit tests: several offline inputs are read in time order */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture_check.h"
#include "tcpscope/units.h"

/* The reference frames of one link type, all moved by shift_ns. */
static void write_shifted(const char *path, int linktype, int64_t shift_ns, bool gz)
{
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_frame *g = calloc(nf, sizeof(*g));
	size_t k = 0;
	struct cw_buf b = { 0 };

	assert_non_null(g);
	for (size_t i = 0; i < nf; i++) {
		if (f[i].linktype != linktype)
			continue;
		g[k] = f[i];
		g[k++].ts_ns = (uint64_t)((int64_t)f[i].ts_ns + shift_ns);
	}
	cw_pcap(&b, CW_PCAP_NS_LE, linktype, g, k);
	cc_write(path, &b, gz);
	cw_buf_free(&b);
	free(g);
}

static int64_t ts_of(const struct cc_event *e)
{
	return (int64_t)e->pkt.ts.tv_sec * TS_NSEC_PER_SEC + e->pkt.ts.tv_nsec;
}

/* Rotated files named newest first are read oldest first; the packet index
 * still counts across the inputs in reading order. */
static void test_later_file_named_first(void **state)
{
	struct cc_fixture *fx = *state;
	char pa[512], pb[512];
	const char *paths[2] = { cc_path(fx->dir, "late.pcap.gz", pa), cc_path(fx->dir, "early.pcap", pb) };
	struct cc_run run;

	write_shifted(paths[0], CW_LINKTYPE_EN10MB, 3600000000000, true);
	write_shifted(paths[1], CW_LINKTYPE_EN10MB, 0, false);
	assert_int_equal(cc_run_files(paths, 2, NULL, &run), 0);
	assert_true(run.packets >= 2);
	assert_string_equal(run.ev[0].source, paths[1]);
	assert_string_equal(run.ev[run.packets - 1].source, paths[0]);
	for (int i = 1; i < run.packets; i++) {
		assert_true(ts_of(&run.ev[i]) >= ts_of(&run.ev[i - 1]));
		assert_int_equal(run.ev[i].pkt.index, (uint64_t)i + 1);
	}
}

/* Inputs that start at the same time keep the order they were given in; one
 * that cannot be opened keeps its place, and its error comes there. */
static void test_ties_and_unreadable_keep_their_places(void **state)
{
	struct cc_fixture *fx = *state;
	char pa[512], pc[512], pd[512];
	const char *paths[4] = { cc_path(fx->dir, "c.pcap", pc), "/nonexistent/x.pcap",
		                 cc_path(fx->dir, "a.pcap", pa), cc_path(fx->dir, "d.pcap", pd) };
	struct cc_run run;

	write_shifted(paths[0], CW_LINKTYPE_EN10MB, 2000000000, false);
	write_shifted(paths[2], CW_LINKTYPE_EN10MB, 0, false);
	write_shifted(paths[3], CW_LINKTYPE_EN10MB, 0, false);
	assert_int_equal(cc_run_files(paths, 4, NULL, &run), 0);
	/* a, then the unreadable one where it was named, then d, then c */
	assert_string_equal(run.ev[0].source, paths[2]);
	size_t err = 0;
	while (err < run.n && run.ev[err].ret == TS_CAP_PACKET)
		err++;
	assert_true(err < run.n);
	assert_non_null(strstr(run.ev[err].msg, paths[1]));
	assert_string_equal(run.ev[err + 1].source, paths[3]);
	assert_string_equal(run.ev[run.packets].source, paths[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_later_file_named_first, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ties_and_unreadable_keep_their_places, cc_fixture_setup,
		                                cc_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
