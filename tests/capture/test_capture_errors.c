/* \summary: tests: truncated, corrupt and foreign inputs give messages, never crashes */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture_check.h"

/* The results a run gave, in order, as a string: P packet, T truncated,
 * E error, F end of data. */
static void run_shape(const struct cc_run *run, char *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < run->n && k + 1 < max; i++) {
		switch (run->ev[i].ret) {
		case TS_CAP_PACKET: out[k++] = 'P'; break;
		case TS_CAP_TRUNCATED: out[k++] = 'T'; break;
		case TS_CAP_ERROR: out[k++] = 'E'; break;
		case TS_CAP_EOF: out[k++] = 'F'; break;
		default: out[k++] = '?'; break;
		}
	}
	out[k] = '\0';
}

static const struct cc_event *last_problem(const struct cc_run *run)
{
	for (size_t i = run->n; i-- > 0;) {
		if (run->ev[i].ret != TS_CAP_PACKET && run->ev[i].ret != TS_CAP_EOF)
			return &run->ev[i];
	}
	return NULL;
}

static void write_buf(struct cc_fixture *fx, const char *name, const uint8_t *data,
                      size_t len, bool gz, char path[512])
{
	struct cw_buf b = { 0 };

	cw_put(&b, data, len);
	cc_path(fx->dir, name, path);
	cc_write(path, &b, gz);
	cw_buf_free(&b);
}

/* A pcap cut inside its third record: two packets, truncated, end. */
static void test_pcap_cut_mid_record(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf b = { 0 }, full = { 0 };
	struct ts_pkt exp[8];
	struct cc_run run;
	char path[512], shape[32];
	const char *p;
	size_t n;

	/* all four frames as Ethernet so one file holds four records */
	struct cw_frame eth[4];

	for (size_t i = 0; i < nf && i < 4; i++) {
		eth[i] = f[i];
		eth[i].linktype = CW_LINKTYPE_EN10MB;
	}
	cw_pcap(&full, CW_PCAP_NS_LE, CW_LINKTYPE_EN10MB, eth, 4);
	/* header 24, records 16 + caplen each; cut 10 bytes into record 3 data */
	n = 24 + 16 + eth[0].caplen + 16 + eth[1].caplen + 16 + 10;
	cw_put(&b, full.data, n);
	p = cc_path(fx->dir, "cut.pcap", path);
	cc_write(p, &b, false);
	assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
	run_shape(&run, shape, sizeof(shape));
	assert_string_equal(shape, "PPTF");
	assert_non_null(strstr(run.ev[2].msg, p));
	assert_non_null(strstr(run.ev[2].msg, "truncated"));
	assert_non_null(strstr(run.ev[2].msg, "after packet 2"));
	n = cc_expected(CW_LINKTYPE_EN10MB, false, exp, 8);
	assert_int_equal(run.ev[0].pkt.caplen, exp[0].caplen);
	assert_memory_equal(run.ev[1].pkt.data, eth[1].data, eth[1].caplen);

	/* the same cut file followed by a good one: reading goes on */
	{
		char p2buf[512];
		const char *paths[2] = { p, cc_path(fx->dir, "good.pcap", p2buf) };

		cc_write(paths[1], &full, true);
		assert_int_equal(cc_run_files(paths, 2, NULL, &run), 0);
		run_shape(&run, shape, sizeof(shape));
		assert_string_equal(shape, "PPTPPPPF");
		assert_int_equal(run.ev[3].pkt.index, 3);
		assert_int_equal(run.ev[6].pkt.index, 6);
		assert_string_equal(run.ev[3].source, paths[1]);
	}
	cw_buf_free(&b);
	cw_buf_free(&full);
}

/* Offsets where a record ends in a pcap (header 24) or pcapng buffer, and
 * how many packets lie before each. */
static size_t record_ends(const struct cw_buf *b, bool pcapng, size_t *ends,
                          size_t *packets, size_t max)
{
	size_t off = pcapng ? 0 : 24, n = 0, np = 0;

	while (off < b->len && n < max) {
		const uint8_t *p = b->data + off;
		uint32_t len;

		if (pcapng) {
			len = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
			      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
			if (p[0] == 6)
				np++;
		} else {
			len = 16 + ((uint32_t)p[8] | (uint32_t)p[9] << 8);
			np++;
		}
		off += len;
		ends[n] = off;
		packets[n++] = np;
	}
	return n;
}

/* Every prefix of every format: the packets before the cut, then
 * truncated unless the cut is at a record boundary, then EOF. */
static void test_every_prefix(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);

	for (int kind = 0; kind < 4; kind++) {
		struct cw_buf full = { 0 };
		bool pcapng = kind & 1, gz = kind & 2;
		size_t ends[16], before[16], n_ends;
		char path[512];
		int opened = 0;

		if (pcapng)
			cw_pcapng(&full, false, f, nf);
		else
			cw_pcap(&full, CW_PCAP_US_LE, CW_LINKTYPE_EN10MB, f, nf);
		n_ends = record_ends(&full, pcapng, ends, before, 16);
		assert_int_equal(ends[n_ends - 1], full.len);
		for (size_t len = 0; len <= full.len; len++) {
			struct cc_run run;
			const char *p;
			char shape[32];
			size_t np, k, want = 0;
			bool boundary = false;

			write_buf(fx, "prefix", full.data, len, gz, path);
			p = path;
			for (k = 0; k < n_ends && ends[k] <= len; k++) {
				want = before[k];
				boundary = ends[k] == len;
			}
			if (cc_run_files(&p, 1, NULL, &run) < 0) {
				/* only a cut file header (or section and interfaces) */
				assert_non_null(strstr(run.open_error, p));
				assert_int_equal(want, 0);
				continue;
			}
			opened++;
			run_shape(&run, shape, sizeof(shape));
			np = strspn(shape, "P");
			assert_int_equal(np, want);
			if (boundary || (!pcapng && len == 24)) {
				assert_string_equal(shape + np, "F");
			} else {
				assert_string_equal(shape + np, "TF");
				assert_non_null(strstr(run.ev[np].msg, "truncated"));
			}
		}
		assert_true(opened > 0);
		cw_buf_free(&full);
	}
}

static void expect_open_error(struct cc_fixture *fx, const char *name,
                              const uint8_t *data, size_t len, bool gz,
                              const char *needle)
{
	char path[512];
	const char *p;
	struct cc_run run;

	write_buf(fx, name, data, len, gz, path);
	p = path;
	assert_int_equal(cc_run_files(&p, 1, NULL, &run), -1);
	assert_non_null(strstr(run.open_error, p));
	if (strstr(run.open_error, needle) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", run.open_error, needle);
}

static void test_not_captures(void **state)
{
	struct cc_fixture *fx = *state;
	uint8_t junk[4096];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (uint8_t)(x >> 16);
	}
	junk[0] = 'R';   /* not by chance a magic number */
	expect_open_error(fx, "empty", junk, 0, false, "empty file");
	expect_open_error(fx, "empty.gz", junk, 0, true, "empty file");
	expect_open_error(fx, "random", junk, sizeof(junk), false,
	                  "unknown file format");
	expect_open_error(fx, "random.gz", junk, sizeof(junk), true,
	                  "unknown file format");
	expect_open_error(fx, "short", (const uint8_t *)"\xd4\xc3", 2, false,
	                  "too short");
	{
		struct cc_run run;
		const char *p = "/nonexistent/capture.pcap";

		assert_int_equal(cc_run_files(&p, 1, NULL, &run), -1);
		assert_non_null(strstr(run.open_error, p));
		assert_non_null(strstr(run.open_error, "No such file"));
		p = fx->dir;
		assert_int_equal(cc_run_files(&p, 1, NULL, &run), -1);
		assert_non_null(strstr(run.open_error, "directory"));
	}
}

/* A later input that does not open: reported, and reading goes on. */
static void test_later_file_fails(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf b = { 0 };
	char pa[512], pc[512], shape[32];
	const char *paths[3] = { cc_path(fx->dir, "a.pcapng", pa),
	                         "/nonexistent/b.pcap",
	                         cc_path(fx->dir, "c.pcapng.gz", pc) };
	struct cc_run run;

	cw_pcapng(&b, false, f, nf);
	cc_write(paths[0], &b, false);
	cc_write(paths[2], &b, true);
	assert_int_equal(cc_run_files(paths, 3, NULL, &run), 0);
	run_shape(&run, shape, sizeof(shape));
	assert_string_equal(shape, "PPPPEPPPPF");
	assert_non_null(strstr(run.ev[4].msg, paths[1]));
	assert_int_equal(run.ev[5].pkt.index, 5);
	assert_int_equal(run.stats.bytes_total, 0);   /* one size is unknown */
	cw_buf_free(&b);
}

/* Record lengths from garbage are errors, not allocations. */
static void test_huge_caplen(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	char path[512], shape[32];
	const char *p = path;
	struct cc_run run;

	for (int variant = 0; variant < 2; variant++) {
		struct cw_buf b = { 0 };

		cw_pcap(&b, CW_PCAP_US_LE, CW_LINKTYPE_EN10MB, f, nf);
		/* caplen of the first record: 4 GiB - 1, or just above snaplen */
		memcpy(b.data + 24 + 8, variant == 0 ? "\xff\xff\xff\xff"
		                                    : "\x01\x00\x04\x00", 4);
		write_buf(fx, "huge.pcap", b.data, b.len, variant == 1, path);
		assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
		run_shape(&run, shape, sizeof(shape));
		assert_string_equal(shape, "EF");
		assert_non_null(strstr(run.ev[0].msg, p));
		assert_non_null(strstr(run.ev[0].msg, "after packet 0"));
		cw_buf_free(&b);
	}
	/* pcapng: caplen larger than the block, and a block over the limit */
	{
		struct cw_buf b = { 0 };
		size_t epb;

		cw_pcapng(&b, false, f, nf);
		epb = b.len;
		cw_pcapng_epb(&b, false, 0, 0, f[0].data, f[0].caplen, f[0].wirelen);
		memcpy(b.data + epb + 8 + 12, "\xff\xff\xff\xff", 4);
		write_buf(fx, "huge.pcapng", b.data, b.len, false, path);
		assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
		run_shape(&run, shape, sizeof(shape));
		assert_string_equal(shape, "PPPPEF");
		assert_non_null(strstr(run.ev[4].msg, "captured length"));
		assert_non_null(strstr(run.ev[4].msg, "after packet 4"));
		memcpy(b.data + epb + 4, "\x00\x00\x00\x40", 4);   /* 1 GiB */
		write_buf(fx, "huge.pcapng", b.data, b.len, false, path);
		assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
		run_shape(&run, shape, sizeof(shape));
		assert_string_equal(shape, "PPPPEF");
		assert_non_null(strstr(run.ev[4].msg, "limit"));
		cw_buf_free(&b);
	}
}

static void pcapng_with_block(struct cw_buf *b, const struct cw_frame *f,
                              size_t nf, size_t *block_at)
{
	cw_pcapng(b, false, f, 2);
	*block_at = b->len;
	cw_pcapng_epb(b, false, 0, f[2].ts_ns, f[2].data, f[2].caplen,
	              f[2].wirelen);
	cw_pcapng_epb(b, false, 1, f[nf - 1].ts_ns, f[nf - 1].data,
	              f[nf - 1].caplen, f[nf - 1].wirelen);
}

static void test_pcapng_bad_blocks(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	char path[512], shape[32];
	const char *p = path;
	struct cc_run run;
	static const struct {
		const char *len;       /* little-endian length to write */
		bool trailer;          /* into the trailing copy instead */
		const char *needle;
	} cases[] = {
		{ "\x0a\x00\x00\x00", false, "invalid length 10" },
		{ "\x0e\x00\x00\x00", false, "invalid length 14" },
		{ "\x00\x00\x00\x00", false, "invalid length 0" },
		{ "\x04\x00\x00\x00", true, "trailing length 4 differ" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cw_buf b = { 0 };
		size_t at, blen;

		pcapng_with_block(&b, f, nf, &at);
		blen = (size_t)b.data[at + 4] | (size_t)b.data[at + 5] << 8;
		memcpy(b.data + at + (cases[i].trailer ? blen - 4 : 4),
		       cases[i].len, 4);
		write_buf(fx, "bad.pcapng", b.data, b.len, false, path);
		assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
		run_shape(&run, shape, sizeof(shape));
		assert_string_equal(shape, "PPEF");
		if (strstr(run.ev[2].msg, cases[i].needle) == NULL)
			fail_msg("\"%s\" lacks \"%s\"", run.ev[2].msg, cases[i].needle);
		assert_non_null(strstr(run.ev[2].msg, "after packet 2"));
		cw_buf_free(&b);
	}
}

/* Unknown blocks are skipped; a packet on an undescribed interface is a
 * counted bad record and reading goes on. */
static void test_pcapng_skips(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf b = { 0 };
	char path[512], shape[32];
	const char *p = path;
	struct cc_run run;
	static const uint8_t custom[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const uint8_t isb[12] = { 0 };

	cw_pcapng_shb(&b, false);
	cw_pcapng_block(&b, false, 0x00000BAD, custom, sizeof(custom));
	cw_pcapng_idb(&b, false, CW_LINKTYPE_EN10MB, 0, 9, 0);
	cw_pcapng_epb(&b, false, 0, f[0].ts_ns, f[0].data, f[0].caplen,
	              f[0].wirelen);
	cw_pcapng_block(&b, false, 0x00000005, isb, sizeof(isb));
	cw_pcapng_epb(&b, false, 7, f[2].ts_ns, f[2].data, f[2].caplen,
	              f[2].wirelen);
	cw_pcapng_block(&b, false, 0x40000BAD, custom, 4);
	cw_pcapng_epb(&b, false, 0, f[2].ts_ns, f[2].data, f[2].caplen,
	              f[2].wirelen);
	write_buf(fx, "skip.pcapng", b.data, b.len, false, path);
	assert_int_equal(cc_run_files(&p, 1, NULL, &run), 0);
	run_shape(&run, shape, sizeof(shape));
	assert_string_equal(shape, "PPF");
	assert_int_equal(run.ev[0].pkt.index, 1);
	assert_int_equal(run.ev[1].pkt.index, 2);
	assert_memory_equal(run.ev[1].pkt.data, f[2].data, f[2].caplen);
	assert_int_equal(run.stats.bad_records, 1);
	{
		char errbuf[TS_ERRBUF_SIZE];
		struct ts_capture *c = ts_capture_open_files(&p, 1, NULL, errbuf);
		struct ts_pkt pkt;
		const char *why;

		assert_non_null(c);
		assert_null(ts_capture_bad_record_reason(c));
		while (ts_capture_next(c, &pkt, errbuf) == TS_CAP_PACKET)
			;
		why = ts_capture_bad_record_reason(c);
		assert_non_null(why);
		assert_non_null(strstr(why, "interface 7"));
		assert_non_null(strstr(why, p));
		ts_capture_close(c);
	}
	(void)nf;
	cw_buf_free(&b);
}

/* Flip each byte of a gzip file in turn: never a crash, never a hang, and
 * every run ends in EOF after at most one problem. */
static void test_gzip_corruption(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf plain = { 0 }, gz = { 0 };
	char path[512];
	const char *p = path;
	int trailer_errors = 0;

	cw_pcapng(&plain, false, f, nf);
	cc_path(fx->dir, "ref.gz", path);
	cc_write(path, &plain, true);
	{
		FILE *fp = fopen(path, "rb");
		uint8_t chunk[4096];
		size_t r;

		assert_non_null(fp);
		while ((r = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			cw_put(&gz, chunk, r);
		fclose(fp);
	}
	for (size_t i = 10; i < gz.len; i++) {
		struct cc_run run;
		char shape[32];
		size_t np;

		gz.data[i] ^= 0x55;
		write_buf(fx, "bad.gz", gz.data, gz.len, false, path);
		gz.data[i] ^= 0x55;
		if (cc_run_files(&p, 1, NULL, &run) < 0)
			continue;
		run_shape(&run, shape, sizeof(shape));
		np = strspn(shape, "P");
		assert_true(shape[np] == 'F' ||
		            ((shape[np] == 'E' || shape[np] == 'T') &&
		             strcmp(shape + np + 1, "F") == 0));
		/* the 8-byte trailer (CRC, length) is checked */
		if (i >= gz.len - 8) {
			assert_int_equal(np, nf);
			assert_int_equal(shape[np], 'E');
			assert_non_null(strstr(last_problem(&run)->msg, "gzip"));
			trailer_errors++;
		}
	}
	assert_int_equal(trailer_errors, 8);
	/* cut the compressed file anywhere: truncated, never a clean end */
	for (size_t len = 4; len < gz.len; len++) {
		struct cc_run run;
		char shape[32];
		size_t np;

		write_buf(fx, "cut.gz", gz.data, len, false, path);
		if (cc_run_files(&p, 1, NULL, &run) < 0)
			continue;
		run_shape(&run, shape, sizeof(shape));
		np = strspn(shape, "P");
		assert_string_equal(shape + np, "TF");
		assert_non_null(strstr(run.ev[np].msg, "gzip"));
	}
	cw_buf_free(&plain);
	cw_buf_free(&gz);
}

/* Overwrite each byte of a pcapng in turn (0x00, 0xff, 0x80): the reader
 * stays within its blocks and every run ends in EOF after at most one
 * problem. */
static void test_pcapng_corruption(void **state)
{
	struct cc_fixture *fx = *state;
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf b = { 0 };
	static const uint8_t values[] = { 0x00, 0xff, 0x80 };
	char path[512];
	const char *p = path;

	cw_pcapng(&b, true, f, nf);
	for (size_t i = 0; i < b.len; i++) {
		uint8_t saved = b.data[i];

		for (size_t v = 0; v < sizeof(values); v++) {
			struct cc_run run;
			char shape[32];
			size_t np;

			b.data[i] = values[v];
			write_buf(fx, "flip.pcapng", b.data, b.len, false, path);
			if (cc_run_files(&p, 1, NULL, &run) < 0)
				continue;
			run_shape(&run, shape, sizeof(shape));
			np = strspn(shape, "P");
			assert_true(np <= nf);
			assert_true(strcmp(shape + np, "F") == 0 ||
			            strcmp(shape + np, "EF") == 0 ||
			            strcmp(shape + np, "TF") == 0);
		}
		b.data[i] = saved;
	}
	cw_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pcap_cut_mid_record, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_every_prefix, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_not_captures, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_later_file_fails, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_huge_caplen, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_bad_blocks, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_skips, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_gzip_corruption, cc_fixture_setup, cc_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_corruption, cc_fixture_setup, cc_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
