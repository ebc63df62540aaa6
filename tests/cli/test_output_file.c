/* \summary: tests: report and packet files that never overwrite an input and appear whole */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include "tcpscope/capture_filter.h"
#include "cli/output_file.h"
#include "cli/packet_writer.h"
#include "tcpscope/capture.h"

struct fixture {
	char dir[128];
	char input[256];
};

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_file(const char *path, const char *text)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, text);
}

/* Entries in dir other than . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ts-output.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->input, sizeof(fx->input), "%s/in.pcap", fx->dir);
	put_file(fx->input, "the input\n");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void test_input_refused_by_any_name(void **state)
{
	struct fixture *fx = *state;
	const char *inputs[] = { "/nonexistent/first.pcap", fx->input };
	char other[300], dotted[300], errbuf[TS_ERRBUF_SIZE];
	struct ts_output o;

	snprintf(other, sizeof(other), "%s/link.pcap", fx->dir);
	snprintf(dotted, sizeof(dotted), "%s/./in.pcap", fx->dir);
	assert_int_equal(link(fx->input, other), 0);
	assert_int_equal(ts_output_open(&o, fx->input, inputs, 2, false, errbuf), TS_OUTPUT_IS_INPUT);
	assert_non_null(strstr(errbuf, "refusing to overwrite"));
	assert_int_equal(ts_output_open(&o, other, inputs, 2, false, errbuf), TS_OUTPUT_IS_INPUT);
	assert_int_equal(ts_output_open(&o, dotted, inputs, 2, true, errbuf), TS_OUTPUT_IS_INPUT);
	expect_file(fx->input, "the input\n");
	assert_int_equal(entries(fx->dir), 2);
}

static void test_written_aside_then_renamed(void **state)
{
	struct fixture *fx = *state;
	const char *inputs[] = { fx->input };
	char path[300], errbuf[TS_ERRBUF_SIZE];
	struct ts_output o;

	snprintf(path, sizeof(path), "%s/report.txt", fx->dir);
	put_file(path, "old report\n");
	assert_int_equal(ts_output_open(&o, path, inputs, 1, false, errbuf), TS_OUTPUT_OK);
	assert_non_null(o.tmp_path);
	fputs("new report\n", o.f);
	fflush(o.f);
	/* until the commit the final name holds the old report, whole */
	expect_file(path, "old report\n");
	assert_int_equal(entries(fx->dir), 3);
	assert_int_equal(ts_output_commit(&o, errbuf), 0);
	expect_file(path, "new report\n");
	assert_int_equal(entries(fx->dir), 2);
	/* an aborted run leaves the report it found */
	assert_int_equal(ts_output_open(&o, path, inputs, 1, false, errbuf), TS_OUTPUT_OK);
	fputs("half a rep", o.f);
	ts_output_abort(&o);
	expect_file(path, "new report\n");
	assert_int_equal(entries(fx->dir), 2);
}

static void test_write_error_is_reported(void **state)
{
	const char *inputs[] = { ((struct fixture *)*state)->input };
	char errbuf[TS_ERRBUF_SIZE];
	struct ts_output o;

	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_int_equal(ts_output_open(&o, "/dev/full", inputs, 1, false, errbuf), TS_OUTPUT_OK);
	assert_null(o.tmp_path); /* a device is written in place */
	fputs("anything\n", o.f);
	assert_int_equal(ts_output_commit(&o, errbuf), -1);
	assert_non_null(strstr(errbuf, "/dev/full: No space left on device"));
}

static void test_packets_round_trip(void **state)
{
	struct fixture *fx = *state;
	const char *inputs[] = { fx->input };
	char path[300], errbuf[TS_ERRBUF_SIZE];
	struct ts_packet_writer w;
	uint8_t frame[60];

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;
	snprintf(path, sizeof(path), "%s/out.pcap", fx->dir);
	assert_int_equal(ts_packet_writer_open(&w, path, inputs, 1, false, errbuf), TS_OUTPUT_OK);
	struct ts_pkt p = { .ts = { 1700000000, 123456789 }, .caplen = 60, .wirelen = 1514,
	                    .linktype = DLT_EN10MB, .data = frame };
	ts_packet_writer_put(&w, &p);
	p.ts.tv_nsec = 999;
	p.caplen = 20;
	ts_packet_writer_put(&w, &p);
	p.linktype = DLT_RAW; /* a pcap file holds one link type */
	ts_packet_writer_put(&w, &p);
	assert_int_equal(ts_packet_writer_close(&w, errbuf), 0);
	assert_int_equal(w.written, 2);
	assert_int_equal(w.other_link, 1);

	/* read back by the capture layer (and so by libpcap's format) */
	struct ts_capture_opts opts;
	const char *paths[] = { path };
	struct ts_pkt got;
	ts_capture_opts_default(&opts);
	struct ts_capture *c = ts_capture_open_files(paths, 1, &opts, errbuf);
	assert_non_null(c);
	assert_int_equal(ts_capture_next(c, &got, errbuf), TS_CAP_PACKET);
	assert_int_equal(got.ts.tv_sec, 1700000000);
	assert_int_equal(got.ts.tv_nsec, 123456789);
	assert_int_equal(got.caplen, 60);
	assert_int_equal(got.wirelen, 1514);
	assert_int_equal(got.linktype, DLT_EN10MB);
	assert_memory_equal(got.data, frame, 60);
	assert_int_equal(ts_capture_next(c, &got, errbuf), TS_CAP_PACKET);
	assert_int_equal(got.ts.tv_nsec, 999);
	assert_int_equal(got.caplen, 20);
	assert_int_equal(ts_capture_next(c, &got, errbuf), TS_CAP_EOF);
	ts_capture_close(c);
}

static void test_empty_packet_file_is_a_capture(void **state)
{
	struct fixture *fx = *state;
	const char *inputs[] = { fx->input };
	char path[300], errbuf[TS_ERRBUF_SIZE];
	struct ts_packet_writer w;
	struct stat st;

	snprintf(path, sizeof(path), "%s/none.pcap", fx->dir);
	assert_int_equal(ts_packet_writer_open(&w, path, inputs, 1, false, errbuf), TS_OUTPUT_OK);
	assert_int_equal(ts_packet_writer_close(&w, errbuf), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 24); /* the file header alone */
}

static void test_filter_check(void **state)
{
	char errbuf[TS_ERRBUF_SIZE];

	(void)state;
	assert_int_equal(ts_capture_filter_check("tcp port 80 and not host 10.0.0.4", errbuf), 0);
	assert_int_equal(ts_capture_filter_check("ether host 00:11:22:33:44:55", errbuf), 0);
	assert_int_equal(ts_capture_filter_check("tcp port", errbuf), -1);
	assert_non_null(strstr(errbuf, "syntax error"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_input_refused_by_any_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written_aside_then_renamed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packets_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_packet_file_is_a_capture, setup, teardown),
		cmocka_unit_test(test_filter_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
