/* \summary: buffered byte stream over a descriptor, optionally gunzipped, with peek */
#ifndef TCPSCOPE_CAPTURE_STREAM_H
#define TCPSCOPE_CAPTURE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpscope/capture.h"

struct ts_stream;

/* Wrap fd (closed by ts_stream_close when owns_fd). NULL on no memory. */
struct ts_stream *ts_stream_open(int fd, bool owns_fd);

/* The descriptor is handed on: ts_stream_close will not close it. */
/* What a read also waits for: when fd is readable fn(ctx) runs, and a
 * nonzero return fails the read with "interrupted". */
struct ts_stream_wake {
	int fd;
	int (*fn)(void *ctx);   /* NULL: reads just block */
	void *ctx;
};
void ts_stream_set_wake(struct ts_stream *s, const struct ts_stream_wake *w);
void ts_stream_release_fd(struct ts_stream *s);

/*
 * Make up to n bytes contiguous and return how many there are (fewer only at
 * the end of the data or on an error). *p stays valid until the next call
 * other than ts_stream_consume. The buffer grows only as data arrives, so a
 * length claimed by garbage never becomes a large allocation by itself.
 */
size_t ts_stream_peek(struct ts_stream *s, size_t n, const uint8_t **p);

/* Drop n bytes that a peek returned. */
void ts_stream_consume(struct ts_stream *s, size_t n);

/* Copy up to n bytes; fewer only at the end of the data or on an error. */
size_t ts_stream_read(struct ts_stream *s, void *dst, size_t n);

/*
 * From now on decompress: the bytes still buffered and the rest of the
 * descriptor are a gzip stream (several members allowed). Returns 0 or -1.
 */
int ts_stream_enable_gzip(struct ts_stream *s);
bool ts_stream_is_gzip(const struct ts_stream *s);

/* Why reading stopped early: NULL at a clean end of data. */
const char *ts_stream_error(const struct ts_stream *s);
/* The error means the data ended too early (cut gzip member). */
bool ts_stream_truncated(const struct ts_stream *s);

/* Bytes of the underlying file consumed so far (compressed offset). */
uint64_t ts_stream_offset(const struct ts_stream *s);

/*
 * A FILE* reading from the stream (fopencookie), for libpcap. fclose() on it
 * does not close the stream.
 */
FILE *ts_stream_fopen(struct ts_stream *s);

void ts_stream_close(struct ts_stream *s);

#endif
