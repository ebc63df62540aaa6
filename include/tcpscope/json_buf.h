/* \summary: the JSON writer: a record buffer with fast appenders for keys, strings and numbers */
#ifndef TCPSCOPE_JSON_BUF_H
#define TCPSCOPE_JSON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tcpscope/units.h"

/* One output record is built here, then written with one fwrite: integer
 * fields are formatted without printf, which dominates big reports. Every
 * JSON the program writes (records, the summary, live reports) goes through
 * these appenders; CSV rows use the buffer and its number formatting too. */
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
void ts_jbuf_i64(struct ts_jbuf *j, int64_t v);
/* sec in decimal, as ts_jbuf_u64: a time's whole seconds. */
void ts_jbuf_seconds(struct ts_jbuf *j, uint64_t sec);
/* "." and the six digits of us (below 1000000): a time's microseconds. */
void ts_jbuf_frac6(struct ts_jbuf *j, unsigned us);
void ts_jbuf_str(struct ts_jbuf *j, const char *s); /* as it is */
/* s, then spaces up to width bytes: printf's "%-*s" */
void ts_jbuf_pad(struct ts_jbuf *j, const char *s, size_t width);
void ts_jbuf_printf(struct ts_jbuf *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string: quoted; '"', '\\', control characters and every byte
 * from 0x7f up escaped, so the output is ASCII whatever the input held. */
void ts_jbuf_string(struct ts_jbuf *j, const char *s);
void ts_jbuf_escaped(struct ts_jbuf *j, const char *s, size_t n); /* the same, without the quotes */
/* How many bytes at s (of n) go into a JSON string as they are. */
size_t ts_json_plain_len(const char *s, size_t n);
/* printf's "%.*f": the doubles a report prints are few (rates, seconds). */
void ts_jbuf_double(struct ts_jbuf *j, double v, int digits);

#define TS_JLIT(j, lit) ts_jbuf_raw((j), (lit), sizeof(lit) - 1)

static inline void ts_jbuf_bool(struct ts_jbuf *j, bool v)
{
	if (v)
		TS_JLIT(j, "true");
	else
		TS_JLIT(j, "false");
}

/* "name": with the name as it is: for the program's own identifiers (states,
 * anomaly codes, counter names), which never need escaping. */
static inline void ts_jbuf_name(struct ts_jbuf *j, const char *name)
{
	TS_JLIT(j, "\"");
	ts_jbuf_raw(j, name, strlen(name));
	TS_JLIT(j, "\":");
}

/* One member of an object of counters: "name":v, after a comma unless it is
 * the object's first (*first is then cleared). */
static inline void ts_jbuf_count(struct ts_jbuf *j, bool *first, const char *name, uint64_t v)
{
	if (!*first)
		TS_JLIT(j, ",");
	*first = false;
	ts_jbuf_name(j, name);
	ts_jbuf_u64(j, v);
}

/* Decimal fixed point from an integer count of 10^-digits units (digits
 * 1 to 7): no rounding but the caller's. */
static inline void ts_jbuf_fixed(struct ts_jbuf *j, int64_t units, unsigned digits)
{
	char frac[8];
	uint64_t u = units < 0 ? (uint64_t)0 - (uint64_t)units : (uint64_t)units;
	uint64_t scale = 1;

	for (unsigned i = 0; i < digits; i++)
		scale *= 10;
	if (units < 0)
		TS_JLIT(j, "-");
	ts_jbuf_u64(j, u / scale);
	frac[0] = '.';
	u %= scale;
	for (unsigned i = digits; i >= 1; i--, u /= 10)
		frac[i] = (char)('0' + u % 10);
	ts_jbuf_raw(j, frac, digits + 1);
}

void ts_jbuf_time_slow(struct ts_jbuf *j, const struct timespec *t);

/* Seconds with six decimals, printf's "%lld.%06ld" of seconds and
 * microseconds: every time in the JSON output, by hand. A corrupt record's
 * microseconds of 10^6 or more keep their six low digits, as flow records
 * have always written them. */
static inline void ts_jbuf_time(struct ts_jbuf *j, const struct timespec *t)
{
	long us = t->tv_nsec / TS_NSEC_PER_USEC;

	if (t->tv_sec < 0) {
		ts_jbuf_time_slow(j, t);
		return;
	}
	ts_jbuf_seconds(j, (uint64_t)t->tv_sec);
	if (us >= 0 && us < TS_USEC_PER_SEC) {
		ts_jbuf_frac6(j, (unsigned)us);
		return;
	}
	char frac[7]; /* not normalized: its last six digits, as always */
	frac[0] = '.';
	for (int i = 6; i >= 1; i--, us /= 10)
		frac[i] = (char)('0' + us % 10);
	ts_jbuf_raw(j, frac, 7);
}

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
