/* \summary: a record buffer with fast appenders for JSON output */
#ifndef TCPSCOPE_JSON_BUF_H
#define TCPSCOPE_JSON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* One output record is built here, then written with one fwrite: integer
 * fields are formatted without printf, which dominates big reports. */
struct ts_jbuf {
	char b[65536];
	size_t n;
	FILE *out;
	bool skip_zero;              /* TS_JU leaves out fields whose value is 0 */
	/* The last seconds ts_jbuf_seconds wrote, and their digits: the times
	 * of one capture mostly share them. */
	uint8_t sec_len;             /* 0: none yet */
	char sec_txt[20];
	uint64_t sec;
};

static inline void ts_jbuf_init(struct ts_jbuf *j, FILE *out)
{
	j->n = 0;
	j->out = out;
	j->skip_zero = false;
	j->sec_len = 0;
}

void ts_jbuf_flush(struct ts_jbuf *j);
void ts_jbuf_raw_slow(struct ts_jbuf *j, const char *s, size_t n);

/* Inline, so that literals are copied with a constant length. */
static inline void ts_jbuf_raw(struct ts_jbuf *j, const char *s, size_t n)
{
	if (n <= sizeof(j->b) - j->n) {
		memcpy(j->b + j->n, s, n);
		j->n += n;
		return;
	}
	ts_jbuf_raw_slow(j, s, n);
}

void ts_jbuf_u64_slow(struct ts_jbuf *j, uint64_t v);
/* v in decimal at out, NUL-terminated; returns its length (at most 20). */
size_t ts_u64_str(char out[21], uint64_t v);

/* Most counters in a report are 0 or a single digit. */
static inline void ts_jbuf_u64(struct ts_jbuf *j, uint64_t v)
{
	if (v < 10 && j->n < sizeof(j->b)) {
		j->b[j->n++] = (char)('0' + v);
		return;
	}
	ts_jbuf_u64_slow(j, v);
}
/* sec in decimal, as ts_jbuf_u64: a time's whole seconds. */
void ts_jbuf_seconds(struct ts_jbuf *j, uint64_t sec);
/* "." and the six digits of us (below 1000000): a time's microseconds. */
void ts_jbuf_frac6(struct ts_jbuf *j, unsigned us);
void ts_jbuf_str(struct ts_jbuf *j, const char *s); /* as it is */
/* s, then spaces up to width bytes: printf's "%-*s" */
void ts_jbuf_pad(struct ts_jbuf *j, const char *s, size_t width);
void ts_jbuf_printf(struct ts_jbuf *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ts_jbuf_string(struct ts_jbuf *j, const char *s); /* quoted, escaped like ts_json_string */
void ts_jbuf_escaped(struct ts_jbuf *j, const char *s, size_t n); /* the same, without the quotes */
/* How many bytes at s (of n) go into a JSON string as they are. */
size_t ts_json_plain_len(const char *s, size_t n);

#define TS_JLIT(j, lit) ts_jbuf_raw((j), (lit), sizeof(lit) - 1)
/* ,"name":<integer>, or nothing for 0 when the buffer skips zeros */
#define TS_JU(j, name, v)                                                                                \
	do {                                                                                             \
		uint64_t ts_ju_v_ = (uint64_t)(v);                                                       \
		if (ts_ju_v_ || !(j)->skip_zero) {                                                       \
			TS_JLIT((j), ",\"" name "\":");                                                   \
			ts_jbuf_u64((j), ts_ju_v_);                                                      \
		}                                                                                        \
	} while (0)

#endif
