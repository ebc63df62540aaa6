/* \summary: open one offline input, sniff its magic bytes and pick the reader */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_input.h"
#include "capture_mmap.h"
#include "capture_pcap.h"
#include "capture_pcapng.h"

enum ts_input_format { TS_FMT_UNKNOWN, TS_FMT_PCAP, TS_FMT_PCAPNG };

/* Magic numbers as the first four bytes appear in the file. */
static const struct {
	uint8_t magic[4];
	enum ts_input_format format;
} input_magics[] = {
	{ { 0xd4, 0xc3, 0xb2, 0xa1 }, TS_FMT_PCAP },    /* µs, little-endian */
	{ { 0xa1, 0xb2, 0xc3, 0xd4 }, TS_FMT_PCAP },    /* µs, big-endian */
	{ { 0x4d, 0x3c, 0xb2, 0xa1 }, TS_FMT_PCAP },    /* ns, little-endian */
	{ { 0xa1, 0xb2, 0x3c, 0x4d }, TS_FMT_PCAP },    /* ns, big-endian */
	{ { 0x34, 0xcd, 0xb2, 0xa1 }, TS_FMT_PCAP },    /* Kuznetsov, LE */
	{ { 0xa1, 0xb2, 0xcd, 0x34 }, TS_FMT_PCAP },    /* Kuznetsov, BE */
	{ { 0x0a, 0x0d, 0x0d, 0x0a }, TS_FMT_PCAPNG },  /* section header */
};

static enum ts_input_format input_format(const uint8_t *p)
{
	for (size_t i = 0; i < sizeof(input_magics) / sizeof(input_magics[0]); i++) {
		if (memcmp(p, input_magics[i].magic, 4) == 0)
			return input_magics[i].format;
	}
	return TS_FMT_UNKNOWN;
}

static int input_fail_errno(const char *what, int errnum,
                            char errbuf[TS_ERRBUF_SIZE])
{
	char tmp[128];

	snprintf(errbuf, TS_ERRBUF_SIZE, "%s%s",
	         what, strerror_r(errnum, tmp, sizeof(tmp)));
	return -1;
}

/* Sniff the format of s and hand it to a reader (which then owns s). */
static int input_open_stream(struct ts_capture_source *src, struct ts_stream *s,
                             int fd, off_t start, bool owns_fd,
                             char errbuf[TS_ERRBUF_SIZE])
{
	const uint8_t *p;
	size_t got = ts_stream_peek(s, 4, &p);
	enum ts_input_format fmt;

	if (got >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		if (ts_stream_enable_gzip(s) < 0) {
			snprintf(errbuf, TS_ERRBUF_SIZE, "cannot start gzip decoder");
			goto fail;
		}
		got = ts_stream_peek(s, 4, &p);
	}
	if (got < 4) {
		if (ts_stream_error(s) != NULL)
			snprintf(errbuf, TS_ERRBUF_SIZE, "%s", ts_stream_error(s));
		else if (got == 0)
			snprintf(errbuf, TS_ERRBUF_SIZE, "empty file");
		else
			snprintf(errbuf, TS_ERRBUF_SIZE,
			         "too short to be a capture file (%zu bytes)", got);
		goto fail;
	}
	fmt = input_format(p);
	if (fmt == TS_FMT_PCAPNG)
		return ts_capture_pcapng_ops.open(src, &(struct ts_capture_open_args){
		                                       .stream = s, .fd = -1 }, errbuf);
	if (fmt == TS_FMT_UNKNOWN) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "unknown file format (first bytes %02x %02x %02x %02x)%s",
		         p[0], p[1], p[2], p[3],
		         ts_stream_is_gzip(s) ? " inside gzip" : "");
		goto fail;
	}
	/* plain seekable pcap: libpcap reads the file itself, fastest */
	if (!ts_stream_is_gzip(s) && start >= 0 &&
	    lseek(fd, start, SEEK_SET) == start) {
		struct ts_capture_open_args plain = { .fd = fd, .owns_fd = owns_fd };

		ts_stream_release_fd(s);
		ts_stream_close(s);
		/* Mapped and read in place when it can be; libpcap otherwise. */
		if (ts_capture_mmap_ops.open(src, &plain, errbuf) == TS_OPEN_OK)
			return 0;
		return ts_capture_pcap_ops.open(src, &plain, errbuf);
	}
	return ts_capture_pcap_ops.open(src, &(struct ts_capture_open_args){
	                                    .stream = s, .fd = -1 }, errbuf);

fail:
	ts_stream_close(s);
	return -1;
}

int ts_capture_input_open(struct ts_capture_source *src, const char *path,
                          const struct ts_stream_wake *wake, char errbuf[TS_ERRBUF_SIZE])
{
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct ts_stream *s;
	struct stat st;
	off_t start = -1;
	int ret;

	if (fd < 0)
		return input_fail_errno("", errno, errbuf);
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(errbuf, TS_ERRBUF_SIZE, "is a directory");
			goto fail;
		}
		if (S_ISREG(st.st_mode))
			start = lseek(fd, 0, SEEK_CUR);
	}
	/* the stream closes fd, never stdin's */
	s = ts_stream_open(fd, !is_stdin);
	if (s == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "out of memory");
		goto fail;
	}
	/* a pipe can stay silent for ever: its reads wait for the wake fd too */
	if (start < 0 && wake->fn)
		ts_stream_set_wake(s, wake);
	ret = input_open_stream(src, s, fd, start, !is_stdin, errbuf);
	return ret;

fail:
	if (!is_stdin)
		close(fd);
	return -1;
}
