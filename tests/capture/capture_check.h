/* \summary: test support: temporary files and collecting what a capture yields */
#ifndef TCPSCOPE_TEST_CAPTURE_CHECK_H
#define TCPSCOPE_TEST_CAPTURE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "tcpscope/capture.h"
#include "capture_writer.h"

#define CC_MAX_EVENTS 64

/* One result of ts_capture_next, packet data copied. */
struct cc_event {
	int ret;
	struct ts_pkt pkt;
	uint8_t data[128];
	char msg[TS_ERRBUF_SIZE];
	char source[64];
};

struct cc_run {
	struct cc_event ev[CC_MAX_EVENTS];
	size_t n;
	int packets;
	char open_error[TS_ERRBUF_SIZE];   /* set when open failed */
	struct ts_capture_stats stats;     /* at the end */
};

/* A fresh temporary directory; cc_path joins a name onto it. */
void cc_tmpdir_create(char dir[256]);
void cc_tmpdir_remove(const char *dir);
const char *cc_path(const char *dir, const char *name, char out[512]);

/* cmocka setup and teardown giving each test a struct cc_fixture with its
 * own temporary directory. */
struct cc_fixture {
	char dir[256];
};
int cc_fixture_setup(void **state);
int cc_fixture_teardown(void **state);

/*
 * Open paths with filter, call ts_capture_next until the final TS_CAP_EOF
 * (bounded), recording every result. Returns 0, or -1 when open failed.
 */
int cc_run_files(const char *const *paths, size_t n, const char *filter,
                 struct cc_run *run);

/*
 * The frames a file holding `linktype` frames (0: all) with the given
 * timestamp precision should yield, in order, as packets.
 */
size_t cc_expected(int linktype, bool micro, struct ts_pkt *out, size_t max);

/* cmocka-assert that run's packets equal expected[0..n) (data, lengths,
 * linktype, time); indexes are checked to be first_index, first_index+1... */
void cc_assert_packets(const struct cc_run *run, const struct ts_pkt *expected,
                       size_t n, uint64_t first_index);

/* Write a buffer plain (gz false) or gzip-compressed; asserts success. */
void cc_write(const char *path, const struct cw_buf *b, bool gz);

#endif
