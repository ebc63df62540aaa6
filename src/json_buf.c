/* \summary: record buffer with fast appenders for the JSON reporter */
#include <stdarg.h>
#include <stdbool.h>

#include "json_buf.h"

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

void ts_jbuf_u64_slow(struct ts_jbuf *j, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ts_jbuf_raw(j, tmp + i, sizeof(tmp) - i);
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

void ts_jbuf_string(struct ts_jbuf *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	TS_JLIT(j, "\"");
	for (;;) {
		const unsigned char *run = p;
		while (plain(*p))
			p++;
		if (p > run)
			ts_jbuf_raw(j, (const char *)run, (size_t)(p - run));
		if (!*p)
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
	}
	TS_JLIT(j, "\"");
}
