/* \summary: tracegen: token parsers (integers, decimal seconds, endpoints, hex) */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracegen.h"

int tg_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "12", "0.5", "1700000000.000001" -> nanoseconds; up to 9 decimals. */
int tg_parse_seconds_ns(const char *s, int64_t *out)
{
	int64_t sec = 0, frac = 0;
	int digits = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p) && *p != '.')
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (sec > (INT64_MAX / 1000000000 - 9) / 10)
			return -1;
		sec = sec * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (++digits > 9)
				return -1;
			frac = frac * 10 + (*p - '0');
		}
	}
	if (*p != '\0' || (p == s + 1 && s[0] == '.'))
		return -1;
	for (; digits < 9; digits++)
		frac *= 10;
	*out = sec * 1000000000 + frac;
	return 0;
}

/* "10.0.0.1:80" or "[2001:db8::1]:80" */
int tg_parse_endpoint(const char *s, struct tg_addr *out)
{
	char host[64];
	const char *port;
	uint64_t v;
	size_t n;

	memset(out, 0, sizeof *out);
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return -1;
		n = (size_t)(close - s - 1);
		if (n >= sizeof host)
			return -1;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, out->ip) != 1)
			return -1;
		out->family = 6;
		port = close + 2;
	} else {
		const char *colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		n = (size_t)(colon - s);
		if (n >= sizeof host)
			return -1;
		memcpy(host, s, n);
		host[n] = '\0';
		if (inet_pton(AF_INET, host, out->ip) != 1)
			return -1;
		out->family = 4;
		port = colon + 1;
	}
	if (tg_parse_u64(port, 65535, &v) < 0)
		return -1;
	out->port = (uint16_t)v;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex digit pairs; ':' and '.' may separate bytes for readability. */
int tg_parse_hex(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t k = 0;

	while (*s) {
		int hi, lo;
		if (*s == ':' || *s == '.') {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0 || k == max)
			return -1;
		out[k++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*n = k;
	return 0;
}
