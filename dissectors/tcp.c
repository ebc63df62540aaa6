/* \summary: TCP header and options (MSS, window scale, SACK, timestamps) */
#include <string.h>

#include "tcpscope/dissect.h"
#include "extract.h"

#define TCP_MIN_HLEN 20

enum tcp_opt_kind {
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
	TCPOPT_WSCALE = 3,
	TCPOPT_SACK_PERMITTED = 4,
	TCPOPT_SACK = 5,
	TCPOPT_TIMESTAMP = 8,
};

#define TCPOLEN_MSS            4
#define TCPOLEN_WSCALE         3
#define TCPOLEN_SACK_PERMITTED 2
#define TCPOLEN_SACK_BLOCK     8
#define TCPOLEN_TIMESTAMP      10

/*
 * One option whose length byte has been checked against the header. Returns
 * false when its length does not fit its kind, which ends the walk. Repeated
 * MSS/WS/TS keep the first value, as a receiving stack would.
 */
static bool tcp_option(uint8_t kind, uint8_t len, const uint8_t *v,
                       struct ts_decoded *out)
{
	struct ts_tcp_opts *o = &out->opts;

	switch (kind) {
	case TCPOPT_MSS:
		if (len != TCPOLEN_MSS)
			return false;
		if (o->has_mss) {
			out->events |= TS_DE_TCP_OPT_DUPLICATE;
			break;
		}
		o->has_mss = true;
		o->mss = ts_get_be16(v);
		break;
	case TCPOPT_WSCALE:
		if (len != TCPOLEN_WSCALE)
			return false;
		if (o->has_wscale) {
			out->events |= TS_DE_TCP_OPT_DUPLICATE;
			break;
		}
		o->has_wscale = true;
		o->wscale = v[0]; /* raw: values above 14 are the analyzer's call */
		break;
	case TCPOPT_SACK_PERMITTED:
		if (len != TCPOLEN_SACK_PERMITTED)
			return false;
		o->sack_permitted = true;
		break;
	case TCPOPT_SACK: {
		unsigned n, i;

		if (len < 2 + TCPOLEN_SACK_BLOCK ||
		    (len - 2) % TCPOLEN_SACK_BLOCK != 0)
			return false;
		n = (unsigned)(len - 2) / TCPOLEN_SACK_BLOCK;
		if (n > TS_TCP_MAX_SACK) /* cannot fit in 40 option bytes */
			n = TS_TCP_MAX_SACK;
		for (i = 0; i < n; i++) {
			o->sack[i][0] = ts_get_be32(v + i * TCPOLEN_SACK_BLOCK);
			o->sack[i][1] = ts_get_be32(v + i * TCPOLEN_SACK_BLOCK + 4);
		}
		o->sack_blocks = (uint8_t)n;
		break;
	}
	case TCPOPT_TIMESTAMP:
		if (len != TCPOLEN_TIMESTAMP)
			return false;
		if (o->has_timestamps) {
			out->events |= TS_DE_TCP_OPT_DUPLICATE;
			break;
		}
		o->has_timestamps = true;
		o->tsval = ts_get_be32(v);
		o->tsecr = ts_get_be32(v + 4);
		break;
	default:
		break; /* unknown kinds are skipped by their length */
	}
	return true;
}

/*
 * Walk the option area: optlen bytes declared by the data offset, of which
 * caplen are captured. A length that breaks the TLV framing stops the walk
 * (TS_DE_TCP_OPT_BAD_LEN); running into the capture end sets OPT_TRUNC.
 */
static void tcp_options(const uint8_t *opt, size_t optlen, size_t caplen,
                        struct ts_decoded *out)
{
	size_t off = 0;

	while (off < caplen) {
		uint8_t kind = opt[off], len;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (caplen - off < 2) {
			/* the length byte is inside the header iff it was cut */
			out->events |= caplen < optlen ? TS_DE_TCP_OPT_TRUNC
			                               : TS_DE_TCP_OPT_BAD_LEN;
			return;
		}
		len = opt[off + 1];
		if (len < 2 || len > optlen - off) {
			out->events |= TS_DE_TCP_OPT_BAD_LEN;
			return;
		}
		if (len > caplen - off) {
			out->events |= TS_DE_TCP_OPT_TRUNC;
			return;
		}
		if (!tcp_option(kind, len, opt + off + 2, out)) {
			out->events |= TS_DE_TCP_OPT_BAD_LEN;
			return;
		}
		off += len;
	}
	if (caplen < optlen)
		out->events |= TS_DE_TCP_OPT_TRUNC;
}

enum ts_drc ts_dissect_tcp(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason)
{
	const uint8_t *p = in.p;
	size_t l4 = out->l4_len, hlen, cap_hlen, cap;

	/* Short and complete means the IP length is wrong; short and cut is TRUNC. */
	if (in.len < TCP_MIN_HLEN && in.len < l4) {
		*reason = TS_DR_TRUNC_TCP;
		return TS_D_TRUNC;
	}
	if (l4 < TCP_MIN_HLEN) {
		*reason = TS_DR_TCP_BAD_LEN;
		return TS_D_INVALID;
	}
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen < TCP_MIN_HLEN || hlen > l4) {
		*reason = TS_DR_TCP_BAD_DOFF;
		return TS_D_INVALID;
	}

	out->sport = ts_get_be16(p);
	out->dport = ts_get_be16(p + 2);
	out->seq = ts_get_be32(p + 4);
	out->ack = ts_get_be32(p + 8);
	out->flags = p[13];
	out->window = ts_get_be16(p + 14);
	out->tcp_hlen = (uint8_t)hlen;

	memset(&out->opts, 0, sizeof(out->opts));
	cap_hlen = in.len < hlen ? in.len : hlen;
	if (hlen > TCP_MIN_HLEN)
		tcp_options(p + TCP_MIN_HLEN, hlen - TCP_MIN_HLEN,
		            cap_hlen - TCP_MIN_HLEN, out);

	out->payload_len = (uint32_t)(l4 - hlen);
	cap = in.len - cap_hlen;
	if (cap > out->payload_len)
		cap = out->payload_len;
	out->payload_captured = (uint32_t)cap;
	out->payload = cap != 0 ? p + hlen : NULL;
	next->p = p + cap_hlen;
	next->len = cap;
	*next_proto = 0;
	return TS_D_OK;
}
