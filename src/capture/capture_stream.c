/* \summary: buffered stream over a descriptor with peek, gzip through zlib inflate */

/*
 * The format is sniffed from the first bytes, and on a pipe those bytes are
 * gone from the descriptor once read. gzdopen() could not be given them back,
 * so gzip is decoded here with inflate() fed from the same buffer: the
 * sniffed prefix is decompressed first, then the rest of the descriptor.
 * Concatenated members are read like gzread() does. Nothing touches disk.
 */
#include "capture_stream.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#define TS_STREAM_CHUNK   (256u * 1024u)  /* read(2) and inflate granularity */
#define TS_STREAM_ZIN     (128u * 1024u)  /* compressed input buffer */

struct ts_stream {
	int fd;
	struct ts_stream_wake wake; /* reads also wait for it (ts_stream_set_wake) */
	bool owns_fd;
	bool eof;              /* no more data will come */
	bool truncated;        /* ... because a gzip member was cut */
	char err[TS_ERRBUF_SIZE];
	uint8_t *buf;          /* data as the reader sees it */
	size_t cap, pos, len;  /* unread bytes are buf[pos..len) */
	uint64_t raw_in;       /* bytes read from fd */
	bool gz;
	bool z_ready;
	bool fd_eof;
	z_stream z;
	uint8_t *zin;
};

struct ts_stream *ts_stream_open(int fd, bool owns_fd)
{
	struct ts_stream *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->fd = fd;
	s->owns_fd = owns_fd;
	return s;
}

void ts_stream_set_wake(struct ts_stream *s, const struct ts_stream_wake *w)
{
	s->wake = *w;
}

/* Wait for data on fd or for wake_fd; false when woken (recorded). */
static bool stream_wait(struct ts_stream *s)
{
	struct pollfd p[2] = { { s->fd, POLLIN, 0 }, { s->wake.fd, POLLIN, 0 } };

	for (;;) {
		int n = poll(p, 2, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || p[0].revents)
			return true; /* read(2) says what is wrong, if anything */
		if (p[1].revents && s->wake.fn(s->wake.ctx)) {
			snprintf(s->err, sizeof(s->err), "interrupted");
			s->eof = true;
			return false;
		}
	}
}

void ts_stream_release_fd(struct ts_stream *s)
{
	s->owns_fd = false;
}

static void stream_fail(struct ts_stream *s, const char *what, int errnum)
{
	char tmp[128];
	const char *msg = strerror_r(errnum, tmp, sizeof(tmp));

	snprintf(s->err, sizeof(s->err), "%s: %s", what, msg);
	s->eof = true;
}

/* read(2) into dst; returns bytes, 0 at end of file, -1 on error (recorded). */
static ssize_t stream_read_fd(struct ts_stream *s, uint8_t *dst, size_t n)
{
	ssize_t r;

	if (s->fd_eof)
		return 0;
	if (s->wake.fn && !stream_wait(s))
		return -1;
	do {
		r = read(s->fd, dst, n);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		stream_fail(s, "read error", errno);
		return -1;
	}
	if (r == 0)
		s->fd_eof = true;
	s->raw_in += (uint64_t)r;
	return r;
}

/* Room for at least `want` unread bytes (want > unread); false on no memory. */
static bool stream_make_room(struct ts_stream *s, size_t want)
{
	size_t unread = s->len - s->pos;
	size_t missing = want - unread;
	size_t target, limit;
	uint8_t *grown;

	if (s->pos > 0 && (s->pos == s->len || s->cap - s->len < missing)) {
		memmove(s->buf, s->buf + s->pos, unread);
		s->len = unread;
		s->pos = 0;
	}
	if (s->cap - s->len >= missing || s->cap - s->len >= TS_STREAM_CHUNK / 4)
		return true;
	target = s->len + (missing > TS_STREAM_CHUNK ? missing : TS_STREAM_CHUNK);
	/* grow at most by doubling: the buffer follows the data that arrived */
	limit = s->cap < TS_STREAM_CHUNK ? TS_STREAM_CHUNK : 2 * s->cap;
	if (target > limit)
		target = limit;
	/* target >= TS_STREAM_CHUNK: both terms above are at least that */
	grown = realloc(s->buf, target); /* NOLINT(clang-analyzer-optin.portability.UnixAPI) */
	if (grown == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		s->eof = true;
		return false;
	}
	s->buf = grown;
	s->cap = target;
	return true;
}

static void stream_fill_raw(struct ts_stream *s)
{
	ssize_t r = stream_read_fd(s, s->buf + s->len, s->cap - s->len);

	if (r <= 0)
		s->eof = true;
	else
		s->len += (size_t)r;
}

/* Refill zin when empty; false when nothing more can come. */
static bool stream_feed_z(struct ts_stream *s)
{
	ssize_t r;

	if (s->z.avail_in > 0)
		return true;
	r = stream_read_fd(s, s->zin, TS_STREAM_ZIN);
	if (r <= 0)
		return false;
	s->z.next_in = s->zin;
	s->z.avail_in = (uInt)r;
	return true;
}

/* After a member ended: another member follows, or the data is over. */
static void stream_next_member(struct ts_stream *s)
{
	if (!stream_feed_z(s)) {
		s->eof = true;
		return;
	}
	if (s->z.avail_in < 2 && s->z.next_in[0] == 0x1f) {
		/* the magic may straddle two reads */
		memmove(s->zin, s->z.next_in, s->z.avail_in);
		s->z.next_in = s->zin;
		ssize_t r = stream_read_fd(s, s->zin + s->z.avail_in,
		                           TS_STREAM_ZIN - s->z.avail_in);
		if (r > 0)
			s->z.avail_in += (uInt)r;
	}
	if (s->z.avail_in >= 2 && s->z.next_in[0] == 0x1f &&
	    s->z.next_in[1] == 0x8b) {
		inflateReset(&s->z);
		return;
	}
	/* like gzread: bytes after the last member that are not gzip are ignored */
	s->z.avail_in = 0;
	s->eof = true;
}

static void stream_fill_gz(struct ts_stream *s)
{
	size_t before = s->len;

	while (s->len == before && !s->eof) {
		int ret;

		if (s->z.avail_in == 0 && !stream_feed_z(s)) {
			if (s->err[0] == '\0') {
				snprintf(s->err, sizeof(s->err),
				         "gzip: unexpected end of compressed data");
				s->truncated = true;
			}
			s->eof = true;
			break;
		}
		s->z.next_out = s->buf + s->len;
		s->z.avail_out = (uInt)(s->cap - s->len);
		ret = inflate(&s->z, Z_NO_FLUSH);
		s->len = s->cap - s->z.avail_out;
		if (ret == Z_STREAM_END) {
			stream_next_member(s);
		} else if (ret == Z_OK || ret == Z_BUF_ERROR) {
			continue;
		} else {
			snprintf(s->err, sizeof(s->err), "gzip: %s",
			         s->z.msg != NULL ? s->z.msg : zError(ret));
			s->eof = true;
		}
	}
}

size_t ts_stream_peek(struct ts_stream *s, size_t n, const uint8_t **p)
{
	while (s->len - s->pos < n && !s->eof) {
		if (!stream_make_room(s, n))
			break;
		if (s->gz)
			stream_fill_gz(s);
		else
			stream_fill_raw(s);
	}
	*p = s->buf != NULL ? s->buf + s->pos : NULL;
	return s->len - s->pos < n ? s->len - s->pos : n;
}

void ts_stream_consume(struct ts_stream *s, size_t n)
{
	s->pos += n;
}

size_t ts_stream_read(struct ts_stream *s, void *dst, size_t n)
{
	uint8_t *out = dst;
	size_t done = 0;

	while (done < n) {
		const uint8_t *p;
		size_t want = n - done < TS_STREAM_CHUNK ? n - done : TS_STREAM_CHUNK;
		size_t got = ts_stream_peek(s, want, &p);

		if (got == 0)
			break;
		/* peek sets p whenever it returns bytes */
		memcpy(out + done, p, got); /* NOLINT(clang-analyzer-core.NonNullParamChecker) */
		ts_stream_consume(s, got);
		done += got;
	}
	return done;
}

int ts_stream_enable_gzip(struct ts_stream *s)
{
	size_t unread = s->len - s->pos;

	if (s->gz)
		return 0;
	s->zin = malloc(TS_STREAM_ZIN > unread ? TS_STREAM_ZIN : unread);
	if (s->zin == NULL)
		return -1;
	if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
		free(s->zin);
		s->zin = NULL;
		return -1;
	}
	s->z_ready = true;
	memcpy(s->zin, s->buf + s->pos, unread);
	s->z.next_in = s->zin;
	s->z.avail_in = (uInt)unread;
	s->pos = s->len = 0;
	s->eof = false;
	s->gz = true;
	return 0;
}

bool ts_stream_is_gzip(const struct ts_stream *s)
{
	return s->gz;
}

const char *ts_stream_error(const struct ts_stream *s)
{
	return s->err[0] != '\0' ? s->err : NULL;
}

bool ts_stream_truncated(const struct ts_stream *s)
{
	return s->truncated;
}

uint64_t ts_stream_offset(const struct ts_stream *s)
{
	if (s->gz)
		return s->raw_in - s->z.avail_in;
	return s->raw_in - (s->len - s->pos);
}

/* stdio takes short reads: hand over what has arrived rather than wait for
 * a whole buffer, so a pipe's packets are analysed as they come. */
static ssize_t stream_cookie_read(void *cookie, char *buf, size_t size)
{
	struct ts_stream *s = cookie;
	const uint8_t *p;
	size_t got = size ? ts_stream_peek(s, 1, &p) : 0;

	if (got && p) {
		got = s->len - s->pos < size ? s->len - s->pos : size;
		memcpy(buf, p, got);
		ts_stream_consume(s, got);
	}

	if (got == 0 && ts_stream_error(s) != NULL) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)got;
}

static int stream_cookie_close(void *cookie)
{
	(void)cookie;
	return 0;
}

FILE *ts_stream_fopen(struct ts_stream *s)
{
	static const cookie_io_functions_t io = {
		.read = stream_cookie_read,
		.close = stream_cookie_close,
	};

	return fopencookie(s, "rb", io);
}

void ts_stream_close(struct ts_stream *s)
{
	if (s == NULL)
		return;
	if (s->z_ready)
		inflateEnd(&s->z);
	if (s->owns_fd)
		close(s->fd);
	free(s->zin);
	free(s->buf);
	free(s);
}
