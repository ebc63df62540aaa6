/* \summary: tests: every file format yields the same packets; stdin; several files */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture_check.h"

/* Write the frames of one link type as classic pcap `kind`, read them back. */
static void check_pcap(struct cc_fixture *fx, enum cw_pcap_kind kind, bool gz)
{
	static const int linktypes[] = { CW_LINKTYPE_EN10MB, CW_LINKTYPE_LINUX_SLL };
	bool micro = kind == CW_PCAP_US_LE || kind == CW_PCAP_US_BE;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);

	for (size_t i = 0; i < 2; i++) {
		struct cw_buf b = { 0 };
		struct ts_pkt exp[8];
		struct cc_run run;
		char path[512];
		const char *p = cc_path(fx->dir, gz ? "t.pcap.gz" : "t.pcap", path);
		size_t n;

		cw_pcap(&b, kind, linktypes[i], f, nf);
		cc_write(p, &b, gz);
		cw_buf_free(&b);
		assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
		n = cc_expected(linktypes[i], micro, exp, 8);
		assert_int_equal(n, 2);
		cc_assert_packets(&run, exp, n, 1);
		assert_int_equal(run.n, n + 1);   /* packets, then EOF */
		assert_string_equal(run.ev[0].source, p);
	}
}

static void test_pcap_us_le(void **state) { check_pcap(*state, CW_PCAP_US_LE, false); }
static void test_pcap_us_be(void **state) { check_pcap(*state, CW_PCAP_US_BE, false); }
static void test_pcap_ns_le(void **state) { check_pcap(*state, CW_PCAP_NS_LE, false); }
static void test_pcap_ns_be(void **state) { check_pcap(*state, CW_PCAP_NS_BE, false); }
static void test_pcap_us_le_gz(void **state) { check_pcap(*state, CW_PCAP_US_LE, true); }
static void test_pcap_us_be_gz(void **state) { check_pcap(*state, CW_PCAP_US_BE, true); }
static void test_pcap_ns_le_gz(void **state) { check_pcap(*state, CW_PCAP_NS_LE, true); }

static void check_pcapng(struct cc_fixture *fx, bool be, bool gz)
{
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf b = { 0 };
	struct ts_pkt exp[8];
	struct cc_run run;
	char path[512];
	const char *p = cc_path(fx->dir, gz ? "t.pcapng.gz" : "t.pcapng", path);
	size_t n;

	cw_pcapng(&b, be, f, nf);
	cc_write(p, &b, gz);
	cw_buf_free(&b);
	assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
	n = cc_expected(0, false, exp, 8);
	assert_int_equal(n, nf);
	cc_assert_packets(&run, exp, n, 1);
	assert_int_equal(run.n, n + 1);
	/* both link types are really there */
	assert_int_equal(run.ev[0].pkt.linktype, DLT_EN10MB);
	assert_int_equal(run.ev[1].pkt.linktype, DLT_LINUX_SLL);
}

static void test_pcapng_le(void **state) { check_pcapng(*state, false, false); }
static void test_pcapng_be(void **state) { check_pcapng(*state, true, false); }
static void test_pcapng_le_gz(void **state) { check_pcapng(*state, false, true); }
static void test_pcapng_be_gz(void **state) { check_pcapng(*state, true, true); }

/* Ethernet frames in one file, SLL frames in another: one capture. */
static void test_two_files_continue_index(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf a = { 0 }, b = { 0 };
	struct ts_pkt exp[8];
	struct cc_run run;
	char pa[512], pb[512];
	const char *paths[2] = { cc_path(fx->dir, "a.pcap", pa),
	                         cc_path(fx->dir, "b.pcap.gz", pb) };
	size_t n;

	cw_pcap(&a, CW_PCAP_NS_LE, CW_LINKTYPE_EN10MB, f, nf);
	cw_pcap(&b, CW_PCAP_NS_BE, CW_LINKTYPE_LINUX_SLL, f, nf);
	cc_write(paths[0], &a, false);
	cc_write(paths[1], &b, true);
	assert_int_equal(cc_run_files(paths, 2, NULL, &run), 0);
	n = cc_expected(CW_LINKTYPE_EN10MB, false, exp, 8);
	n += cc_expected(CW_LINKTYPE_LINUX_SLL, false, exp + n, 8 - n);
	cc_assert_packets(&run, exp, n, 1);
	assert_int_equal(run.n, n + 1);
	assert_string_equal(run.ev[0].source, paths[0]);
	assert_string_equal(run.ev[n - 1].source, paths[1]);
	/* progress: at the end everything was read */
	{
		struct stat sa, sb;

		assert_int_equal(stat(paths[0], &sa), 0);
		assert_int_equal(stat(paths[1], &sb), 0);
		assert_int_equal(run.stats.bytes_total,
		                 (uint64_t)(sa.st_size + sb.st_size));
		assert_int_equal(run.stats.bytes_read, run.stats.bytes_total);
		assert_false(run.stats.live);
	}
	cw_buf_free(&a);
	cw_buf_free(&b);
}

struct pipe_writer {
	int fd;
	const uint8_t *data;
	size_t len;
};

static void *pipe_writer_run(void *arg)
{
	struct pipe_writer *w = arg;
	size_t off = 0;

	/* small writes so the reader sees the data arrive in pieces */
	while (off < w->len) {
		size_t n = w->len - off < 7 ? w->len - off : 7;
		ssize_t r = write(w->fd, w->data + off, n);

		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(w->fd);
	return NULL;
}

/* Read `content` as "-" from a pipe (pipe true) or a regular file on fd 0. */
static void run_stdin(struct cc_fixture *fx, const struct cw_buf *content, bool gz,
                      bool pipe_input, struct cc_run *run)
{
	const char *dash = "-";
	int saved = dup(0);
	pthread_t th;
	struct pipe_writer w = { 0 };
	char path[512];
	const char *p = cc_path(fx->dir, "stdin.bin", path);
	struct cw_buf file = { 0 };

	assert_true(saved >= 0);
	/* the bytes as they would be on disk, compressed or not */
	cc_write(p, content, gz);
	{
		FILE *fp = fopen(p, "rb");
		uint8_t chunk[4096];
		size_t r;

		assert_non_null(fp);
		while ((r = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			cw_put(&file, chunk, r);
		fclose(fp);
	}
	if (pipe_input) {
		int fds[2];

		assert_int_equal(pipe(fds), 0);
		assert_int_equal(dup2(fds[0], 0), 0);
		close(fds[0]);
		w.fd = fds[1];
		w.data = file.data;
		w.len = file.len;
		assert_int_equal(pthread_create(&th, NULL, pipe_writer_run, &w), 0);
	} else {
		int fd = open(p, O_RDONLY);

		assert_true(fd >= 0);
		assert_int_equal(dup2(fd, 0), 0);
		close(fd);
	}
	assert_int_equal(cc_run_files(&dash, 1, NULL, run), 0);
	if (pipe_input)
		pthread_join(th, NULL);
	/* fd 0 is still open: the capture must not have closed it */
	assert_true(fcntl(0, F_GETFD) >= 0);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	cw_buf_free(&file);
}

static void test_stdin_formats(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);

	for (int variant = 0; variant < 8; variant++) {
		bool pcapng = variant & 1, gz = variant & 2, pipe_input = variant & 4;
		struct cw_buf b = { 0 };
		struct ts_pkt exp[8];
		struct cc_run run;
		size_t n;

		if (pcapng) {
			cw_pcapng(&b, false, f, nf);
			n = cc_expected(0, false, exp, 8);
		} else {
			cw_pcap(&b, CW_PCAP_NS_BE, CW_LINKTYPE_LINUX_SLL, f, nf);
			n = cc_expected(CW_LINKTYPE_LINUX_SLL, false, exp, 8);
		}
		run_stdin(fx, &b, gz, pipe_input, &run);
		cc_assert_packets(&run, exp, n, 1);
		assert_int_equal(run.n, n + 1);
		assert_string_equal(run.ev[0].source, "-");
		cw_buf_free(&b);
	}
}

/* A pcapng with what the reference writer does not produce. */
static void test_pcapng_variants(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	struct cw_buf b = { 0 }, body = { 0 };
	struct cc_run run;
	char path[512];
	const char *p = cc_path(fx->dir, "v.pcapng", path);
	uint8_t spb[4 + 64];
	uint32_t wl;

	cw_frames(&f);
	wl = f[0].wirelen;

	/* section 1, big-endian: µs interface with a 100 s offset */
	cw_pcapng_shb(&b, true);
	cw_pcapng_idb(&b, true, CW_LINKTYPE_EN10MB, 20, -1, 100);
	cw_pcapng_epb(&b, true, 0, 1500000ull, f[0].data, 20, f[0].wirelen);
	/* simple packet block: interface 0, cut to its snaplen of 20 */
	spb[0] = (uint8_t)(wl >> 24);
	spb[1] = (uint8_t)(wl >> 16);
	spb[2] = (uint8_t)(wl >> 8);
	spb[3] = (uint8_t)wl;
	memcpy(spb + 4, f[0].data, f[0].caplen);
	cw_pcapng_block(&b, true, 3, spb, 4 + f[0].caplen);
	/* section 2, little-endian: interfaces numbered anew, 2^-20 s units */
	cw_pcapng_shb(&b, false);
	cw_pcapng_idb(&b, false, CW_LINKTYPE_LINUX_SLL, 0, 0x80 | 20, 0);
	/* obsolete packet block: 16-bit interface id, 16-bit drop count */
	{
		uint8_t hdr[20] = { 0 };
		uint64_t ts = (3ull << 20) | (1u << 19);   /* 3.5 s */

		hdr[4] = (uint8_t)(ts >> 32);
		hdr[8] = (uint8_t)ts;
		hdr[9] = (uint8_t)(ts >> 8);
		hdr[10] = (uint8_t)(ts >> 16);
		hdr[11] = (uint8_t)(ts >> 24);
		hdr[12] = (uint8_t)f[1].caplen;
		hdr[16] = (uint8_t)f[1].wirelen;
		cw_put(&body, hdr, sizeof(hdr));
		cw_put(&body, f[1].data, f[1].caplen);
		cw_pcapng_block(&b, false, 2, body.data, body.len);
	}
	cc_write(p, &b, false);
	assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
	assert_int_equal(run.packets, 3);
	assert_int_equal(run.ev[0].pkt.ts.tv_sec, 101);
	assert_int_equal(run.ev[0].pkt.ts.tv_nsec, 500000000);
	assert_int_equal(run.ev[0].pkt.caplen, 20);
	assert_int_equal(run.ev[0].pkt.wirelen, f[0].wirelen);
	assert_int_equal(run.ev[1].pkt.caplen, 20);
	assert_int_equal(run.ev[1].pkt.wirelen, f[0].wirelen);
	assert_int_equal(run.ev[1].pkt.linktype, DLT_EN10MB);
	assert_memory_equal(run.ev[1].pkt.data, f[0].data, 20);
	assert_int_equal(run.ev[2].pkt.linktype, DLT_LINUX_SLL);
	assert_int_equal(run.ev[2].pkt.ts.tv_sec, 3);
	assert_int_equal(run.ev[2].pkt.ts.tv_nsec, 500000000);
	assert_int_equal(run.ev[2].pkt.caplen, f[1].caplen);
	assert_memory_equal(run.ev[2].pkt.data, f[1].data, f[1].caplen);
	cw_buf_free(&b);
	cw_buf_free(&body);
}

/* Two gzip members back to back (cat a.gz b.gz) are one stream. */
static void test_gzip_members(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf b = { 0 }, first = { 0 }, second = { 0 }, joined = { 0 };
	struct ts_pkt exp[8];
	struct cc_run run;
	char pa[512], pb[512], pj[512];
	const char *p = cc_path(fx->dir, "joined.pcapng.gz", pj);
	size_t half, n;

	cw_pcapng(&b, false, f, nf);
	half = b.len / 2;   /* split inside a block on purpose */
	cw_put(&first, b.data, half);
	cw_put(&second, b.data + half, b.len - half);
	cc_write(cc_path(fx->dir, "a.gz", pa), &first, true);
	cc_write(cc_path(fx->dir, "b.gz", pb), &second, true);
	for (int i = 0; i < 2; i++) {
		FILE *fp = fopen(i == 0 ? pa : pb, "rb");
		uint8_t chunk[4096];
		size_t r;

		assert_non_null(fp);
		while ((r = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			cw_put(&joined, chunk, r);
		fclose(fp);
	}
	cc_write(p, &joined, false);
	assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
	n = cc_expected(0, false, exp, 8);
	cc_assert_packets(&run, exp, n, 1);
	assert_int_equal(run.n, n + 1);
	cw_buf_free(&b);
	cw_buf_free(&first);
	cw_buf_free(&second);
	cw_buf_free(&joined);
}

/* ts_capture_break ends an offline read too. */
static void test_break_offline(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf b = { 0 };
	char path[512], errbuf[TS_ERRBUF_SIZE];
	const char *p = cc_path(fx->dir, "brk.pcapng", path);
	struct ts_capture *c;
	struct ts_pkt pkt;

	cw_pcapng(&b, false, f, nf);
	cc_write(p, &b, false);
	cw_buf_free(&b);
	c = ts_capture_open_files(&p, 1, NULL, errbuf);
	assert_non_null(c);
	assert_int_equal(ts_capture_fd(c), -1);
	assert_int_equal(ts_capture_next(c, &pkt, errbuf), TS_CAP_PACKET);
	ts_capture_break(c);
	assert_int_equal(ts_capture_next(c, &pkt, errbuf), TS_CAP_EOF);
	ts_capture_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pcap_us_le, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcap_us_be, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcap_ns_le, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcap_ns_be, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcap_us_le_gz, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcap_us_be_gz, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcap_ns_le_gz, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_le, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_be, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_le_gz, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_be_gz, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_two_files_continue_index, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_stdin_formats, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_variants, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_gzip_members, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_break_offline, cc_fixture_setup, cc_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
