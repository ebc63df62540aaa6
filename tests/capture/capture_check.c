/* \summary: test support: temporary files and collecting what a capture yields */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include "capture_check.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "tcpscope/units.h"

void cc_tmpdir_create(char dir[256])
{
	const char *base = getenv("TMPDIR");

	snprintf(dir, 256, "%s/tcpscope-capture-XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(dir));
}

void cc_tmpdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		unlink(cc_path(dir, e->d_name, p));
	}
	closedir(d);
	rmdir(dir);
}

const char *cc_path(const char *dir, const char *name, char out[512])
{
	snprintf(out, 512, "%s/%s", dir, name);
	return out;
}

int cc_run_files(const char *const *paths, size_t n, const char *filter,
                 struct cc_run *run)
{
	struct ts_capture_opts opts;
	struct ts_capture *c;
	char errbuf[TS_ERRBUF_SIZE];

	memset(run, 0, sizeof(*run));
	ts_capture_opts_default(&opts);
	opts.filter = filter;
	c = ts_capture_open_files(paths, n, &opts, errbuf);
	if (c == NULL) {
		assert_true(errbuf[0] != '\0');
		snprintf(run->open_error, sizeof(run->open_error), "%s", errbuf);
		return -1;
	}
	for (;;) {
		struct cc_event *e = &run->ev[run->n];
		int ret;

		assert_true(run->n < CC_MAX_EVENTS);
		memset(e, 0, sizeof(*e));
		ret = ts_capture_next(c, &e->pkt, errbuf);
		e->ret = ret;
		snprintf(e->source, sizeof(e->source), "%s",
		         ts_capture_source_name(c));
		if (ret == TS_CAP_PACKET) {
			assert_true(e->pkt.caplen <= sizeof(e->data));
			memcpy(e->data, e->pkt.data, e->pkt.caplen);
			e->pkt.data = e->data;
			run->packets++;
		} else {
			e->pkt.data = NULL;
			snprintf(e->msg, sizeof(e->msg), "%s", errbuf);
		}
		run->n++;
		if (ret == TS_CAP_EOF)
			break;
		/* errors must say something; a timeout cannot happen offline */
		assert_int_not_equal(ret, TS_CAP_TIMEOUT);
		if (ret != TS_CAP_PACKET)
			assert_true(errbuf[0] != '\0');
	}
	/* EOF is sticky */
	{
		struct ts_pkt p;

		assert_int_equal(ts_capture_next(c, &p, errbuf), TS_CAP_EOF);
	}
	assert_int_equal(ts_capture_stats(c, &run->stats), 0);
	ts_capture_close(c);
	return 0;
}

static int cc_dlt(int linktype)
{
	return linktype == CW_LINKTYPE_EN10MB ? DLT_EN10MB : DLT_LINUX_SLL;
}

size_t cc_expected(int linktype, bool micro, struct ts_pkt *out, size_t max)
{
	const struct cw_frame *f;
	size_t n = cw_frames(&f), k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		uint64_t ns = f[i].ts_ns;

		if (linktype != 0 && f[i].linktype != linktype)
			continue;
		if (micro)
			ns -= ns % TS_NSEC_PER_USEC;
		memset(&out[k], 0, sizeof(out[k]));
		out[k].ts.tv_sec = (time_t)(ns / TS_NSEC_PER_SEC);
		out[k].ts.tv_nsec = (long)(ns % TS_NSEC_PER_SEC);
		out[k].caplen = f[i].caplen;
		out[k].wirelen = f[i].wirelen;
		out[k].linktype = cc_dlt(f[i].linktype);
		out[k].data = f[i].data;
		k++;
	}
	return k;
}

void cc_assert_packets(const struct cc_run *run, const struct ts_pkt *expected,
                       size_t n, uint64_t first_index)
{
	size_t k = 0;

	for (size_t i = 0; i < run->n; i++) {
		const struct ts_pkt *got = &run->ev[i].pkt;

		if (run->ev[i].ret != TS_CAP_PACKET)
			continue;
		assert_true(k < n);
		assert_int_equal(got->index, first_index + k);
		assert_int_equal(got->caplen, expected[k].caplen);
		assert_int_equal(got->wirelen, expected[k].wirelen);
		assert_int_equal(got->linktype, expected[k].linktype);
		assert_int_equal(got->ts.tv_sec, expected[k].ts.tv_sec);
		assert_int_equal(got->ts.tv_nsec, expected[k].ts.tv_nsec);
		assert_memory_equal(got->data, expected[k].data, got->caplen);
		k++;
	}
	assert_int_equal(k, n);
}

void cc_write(const char *path, const struct cw_buf *b, bool gz)
{
	assert_int_equal(gz ? cw_write_gzip(path, b) : cw_write_file(path, b), 0);
}

int cc_fixture_setup(void **state)
{
	struct cc_fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	cc_tmpdir_create(fx->dir);
	*state = fx;
	return 0;
}

int cc_fixture_teardown(void **state)
{
	struct cc_fixture *fx = *state;

	cc_tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}
