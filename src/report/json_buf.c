/* \summary: the JSON writer's record buffer and its appenders that are not inline */
#include <stdarg.h>
#include <stdbool.h>

#include "tcpscope/json_buf.h"

void ts_jbuf_flush(struct ts_jbuf *j)
{
	if (j->n)
		fwrite(j->b, 1, j->n, j->out);
	j->n = 0;
}

void ts_jbuf_raw_slow(struct ts_jbuf *j, const char *s, size_t n)
{
	if (j->n + n > sizeof(j->b)) {
		ts_jbuf_flush(j);
		if (n > sizeof(j->b)) {
			fwrite(s, 1, n, j->out);
			return;
		}
	}
	memcpy(j->b + j->n, s, n);
	j->n += n;
}

/* Two digits per step: half the divisions of one at a time. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";

/* How many decimal digits v has. */
static unsigned count_digits(uint64_t v)
{
	unsigned d = 1;

	for (; v >= 10000; v /= 10000)
		d += 4;
	if (v >= 100) {
		v /= 100;
		d += 2;
	}
	return d + (v >= 10);
}

/* v's digits, written backwards so that the last ends just before end. */
static void put_digits_back(char *end, uint64_t v)
{
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		*--end = digit_pairs[d + 1];
		*--end = digit_pairs[d];
	}
	if (v >= 10) {
		*--end = digit_pairs[v * 2 + 1];
		*--end = digit_pairs[v * 2];
	} else {
		*--end = (char)('0' + v);
	}
}

size_t ts_u64_str(char out[21], uint64_t v)
{
	unsigned n = count_digits(v);

	put_digits_back(out + n, v);
	out[n] = '\0';
	return n;
}

void ts_jbuf_u64_slow(struct ts_jbuf *j, uint64_t v)
{
	char tmp[21];

	if (sizeof(j->b) - j->n >= 20) { /* straight into the buffer */
		unsigned n = count_digits(v);
		put_digits_back(j->b + j->n + n, v);
		j->n += n;
		return;
	}
	ts_jbuf_raw(j, tmp, ts_u64_str(tmp, v));
}

void ts_jbuf_i64(struct ts_jbuf *j, int64_t v)
{
	if (v < 0) {
		TS_JLIT(j, "-");
		ts_jbuf_u64(j, (uint64_t)0 - (uint64_t)v);
		return;
	}
	ts_jbuf_u64(j, (uint64_t)v);
}

void ts_jbuf_time_slow(struct ts_jbuf *j, const struct timespec *t)
{
	ts_jbuf_printf(j, "%lld.%06ld", (long long)t->tv_sec, t->tv_nsec / TS_NSEC_PER_USEC);
}

void ts_jbuf_double(struct ts_jbuf *j, double v, int digits)
{
	ts_jbuf_printf(j, "%.*f", digits, v);
}

void ts_jbuf_seconds(struct ts_jbuf *j, uint64_t sec)
{
	if (!j->sec_len || sec != j->sec) {
		char tmp[21];
		j->sec_len = (uint8_t)ts_u64_str(tmp, sec);
		memcpy(j->sec_txt, tmp, sizeof(j->sec_txt));
		j->sec = sec;
	}
	if (sizeof(j->b) - j->n >= sizeof(j->sec_txt)) { /* a whole copy: no call for the length */
		memcpy(j->b + j->n, j->sec_txt, sizeof(j->sec_txt));
		j->n += j->sec_len;
		return;
	}
	ts_jbuf_raw(j, j->sec_txt, j->sec_len);
}

void ts_jbuf_frac6(struct ts_jbuf *j, unsigned us)
{
	char frac[7];

	frac[0] = '.';
	for (int i = 6; i >= 2; i -= 2, us /= 100) {
		frac[i] = digit_pairs[us % 100 * 2 + 1];
		frac[i - 1] = digit_pairs[us % 100 * 2];
	}
	ts_jbuf_raw(j, frac, sizeof(frac));
}

void ts_jbuf_str(struct ts_jbuf *j, const char *s)
{
	ts_jbuf_raw(j, s, strlen(s));
}

void ts_jbuf_pad(struct ts_jbuf *j, const char *s, size_t width)
{
	static const char spaces[] = "                                ";
	size_t n = strlen(s);

	ts_jbuf_raw(j, s, n);
	while (n < width) {
		size_t k = width - n < sizeof(spaces) - 1 ? width - n : sizeof(spaces) - 1;
		ts_jbuf_raw(j, spaces, k);
		n += k;
	}
}

void ts_jbuf_printf(struct ts_jbuf *j, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		ts_jbuf_raw(j, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Bytes a JSON string can carry as they are. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

#define TS_ONES 0x0101010101010101ull
#define TS_HIGHS 0x8080808080808080ull

/* Whether any of the 8 bytes of w needs escaping: below 0x20, 0x7f and up,
 * '"' or '\\'. Each test sets a byte's high bit exactly when it holds. */
static bool word_needs_escape(uint64_t w)
{
	uint64_t low = (w | TS_HIGHS) - 0x20 * TS_ONES;      /* high bit clear: < 0x20 */
	uint64_t high = (w & ~TS_HIGHS) + 0x01 * TS_ONES;    /* high bit set: 0x7f (or w's own) */
	uint64_t q = w ^ (0x22 * TS_ONES), b = w ^ (0x5c * TS_ONES);
	uint64_t zq = ((q | TS_HIGHS) - TS_ONES) | q;        /* high bit clear: q's byte was 0 */
	uint64_t zb = ((b | TS_HIGHS) - TS_ONES) | b;
	return ((~low | high | w | ~zq | ~zb) & TS_HIGHS) != 0;
}

/* Length of the run of plain bytes at p, of n: eight at a time. */
static size_t plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (word_needs_escape(w))
			break;
	}
	while (i < n && plain(p[i]))
		i++;
	return i;
}

size_t ts_json_plain_len(const char *s, size_t n)
{
	return plain_run((const unsigned char *)s, n);
}

void ts_jbuf_string(struct ts_jbuf *j, const char *s)
{
	TS_JLIT(j, "\"");
	ts_jbuf_escaped(j, s, strlen(s));
	TS_JLIT(j, "\"");
}

void ts_jbuf_escaped(struct ts_jbuf *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	while (n) {
		size_t run = plain_run(p, n);
		if (run)
			ts_jbuf_raw(j, (const char *)p, run);
		p += run;
		n -= run;
		if (!n)
			break;
		switch (*p) {
		case '"': TS_JLIT(j, "\\\""); break;
		case '\\': TS_JLIT(j, "\\\\"); break;
		case '\n': TS_JLIT(j, "\\n"); break;
		case '\r': TS_JLIT(j, "\\r"); break;
		case '\t': TS_JLIT(j, "\\t"); break;
		default: {
			const char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
			ts_jbuf_raw(j, esc, sizeof(esc));
		}
		}
		p++;
		n--;
	}
}
