/* \summary: canonical flow keys, endpoint formatting, effective MSS */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "tcpscope/flow_key.h"
#include "tcpscope/flow.h"

bool ts_flow_key_make(struct ts_flow_key *k, const struct ts_decoded *d)
{
	size_t alen = d->af == 6 ? 16 : 4;
	int c;
	if (alen == 4) {
		/* Byte order compares as the numbers in network order do. */
		uint32_t s, t;
		memcpy(&s, d->src, 4);
		memcpy(&t, d->dst, 4);
		s = ntohl(s);
		t = ntohl(t);
		c = (s > t) - (s < t);
	} else {
		c = memcmp(d->src, d->dst, alen);
	}
	bool src_is_lo = c < 0 || (c == 0 && d->sport <= d->dport);

	memset(k, 0, sizeof(*k));
	k->af = d->af;
	if (src_is_lo) {
		memcpy(k->lo_addr, d->src, alen);
		memcpy(k->hi_addr, d->dst, alen);
		k->lo_port = d->sport;
		k->hi_port = d->dport;
	} else {
		memcpy(k->lo_addr, d->dst, alen);
		memcpy(k->hi_addr, d->src, alen);
		k->lo_port = d->dport;
		k->hi_port = d->sport;
	}
	return src_is_lo;
}

/* "a.b.c.d:port" without printf: reports name millions of endpoints. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";

/* v (below 65536) in decimal at out, two digits at a time; returns its length. */
static size_t put_decimal(char *out, unsigned v)
{
	if (v < 10) {
		out[0] = (char)('0' + v);
		return 1;
	}
	if (v < 100) {
		memcpy(out, digit_pairs + 2 * v, 2);
		return 2;
	}
	if (v < 1000) {
		out[0] = (char)('0' + v / 100);
		memcpy(out + 1, digit_pairs + 2 * (v % 100), 2);
		return 3;
	}
	size_t n = 0;
	if (v >= 10000) {
		out[n++] = (char)('0' + v / 10000);
		v %= 10000;
	}
	memcpy(out + n, digit_pairs + 2 * (v / 100), 2);
	memcpy(out + n + 2, digit_pairs + 2 * (v % 100), 2);
	return n + 4;
}

static size_t format_v4_endpoint(const uint8_t addr[16], uint16_t port, char *buf)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		n += put_decimal(buf + n, addr[i]);
		buf[n++] = i < 3 ? '.' : ':';
	}
	n += put_decimal(buf + n, port);
	buf[n] = '\0';
	return n;
}

size_t ts_format_addr(uint8_t af, const uint8_t addr[16], char *buf, size_t len)
{
	if (af == 4 && len >= sizeof("255.255.255.255")) {
		size_t n = 0;
		for (int i = 0; i < 4; i++) {
			n += put_decimal(buf + n, addr[i]);
			buf[n++] = '.';
		}
		buf[--n] = '\0'; /* no dot after the last */
		return n;
	}
	if (!inet_ntop(af == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len)) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	return strlen(buf);
}

size_t ts_flow_format_endpoint(const struct ts_flow *f, bool client, char *buf, size_t len)
{
	bool lo = client == f->client_is_lo;
	const uint8_t *addr = lo ? f->key.lo_addr : f->key.hi_addr;
	uint16_t port = lo ? f->key.lo_port : f->key.hi_port;
	char a[64];

	if (f->key.af == 4 && len >= sizeof("255.255.255.255:65535"))
		return format_v4_endpoint(addr, port, buf);
	ts_format_addr(f->key.af, addr, a, sizeof(a));
	int n = f->key.af == 6 ? snprintf(buf, len, "[%s]:%u", a, port)
	                       : snprintf(buf, len, "%s:%u", a, port);
	return n < 0 ? 0 : (size_t)n;
}

/* RFC 9293: what a side that sent no MSS option is assumed to accept. */
#define TS_MSS_DEFAULT 536

/* The smaller announced MSS, 536 for a SYN without the option (RFC 9293).
 * A side whose SYN was not seen may have announced less: then unknown. */
uint16_t ts_flow_effective_mss(const struct ts_flow *f)
{
	if (!f->cli.syn_seen || !f->srv.syn_seen)
		return 0;
	uint16_t c = f->cli.has_mss ? f->cli.mss : TS_MSS_DEFAULT;
	uint16_t s = f->srv.has_mss ? f->srv.mss : TS_MSS_DEFAULT;
	return c < s ? c : s;
}

/*
 * Each side announces its own link's MTU less the IP and TCP headers, so two
 * values differ for ordinary reasons: 20 bytes between an IPv4 and an IPv6
 * header (or one IP-in-IP tunnel), and on the common 1500-byte path, PPPoE,
 * VPN and tunnel overheads or a middlebox clamping the MSS, all of which
 * leave it between 1220 (IPv6's minimum MTU of 1280) and 1460.
 */
bool ts_mss_pair_ordinary(uint16_t a, uint16_t b)
{
	uint16_t lo = a < b ? a : b, hi = a < b ? b : a;
	return hi - lo <= 20 || (lo >= 1220 && hi <= 1460);
}
