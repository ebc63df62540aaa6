/* \summary: bounds-checked pcapng reader: sections, interfaces of any link type, EPB/SPB/PB */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/capture_linktype.h"
#include "capture_pcapng.h"
#include "capture_stream.h"
#include "tcpscope/units.h"

#define PCAPNG_BT_SHB 0x0A0D0D0Au
#define PCAPNG_BT_IDB 0x00000001u
#define PCAPNG_BT_PB  0x00000002u   /* obsolete Packet Block */
#define PCAPNG_BT_SPB 0x00000003u
#define PCAPNG_BT_EPB 0x00000006u
#define PCAPNG_BOM    0x1A2B3C4Du

#define PCAPNG_OPT_ENDOFOPT   0
#define PCAPNG_OPT_IF_TSRESOL 9
#define PCAPNG_OPT_IF_TSOFFSET 14

/* A bigger block is refused: no real packet or metadata block is that big. */
#define PCAPNG_MAX_BLOCK   (256u * 1024u * 1024u)
#define PCAPNG_MAX_IFACES  65536u
#define PCAPNG_MIN_BLOCK   12u   /* type, length, trailing length */
#define PCAPNG_SHB_MIN     28u
#define PCAPNG_MAX_SEC     (UINT64_C(1) << 33)

struct pcapng_iface {
	int dlt;
	uint32_t snaplen;
	uint64_t units_per_sec;
	int64_t tsoffset;
};

struct pcapng_reader {
	struct ts_stream *s;
	bool swapped;
	struct pcapng_iface *ifaces;
	size_t n_ifaces;
	size_t consumed;        /* block still in the stream buffer, to drop */
	const uint8_t *block;   /* the current block, borrowed from the stream */
	uint32_t block_type;
	uint32_t block_len;
	bool pending;           /* block read at open time, not yet handled */
};

static uint16_t rd16(const struct pcapng_reader *r, const uint8_t *p)
{
	return r->swapped ? (uint16_t)(p[0] << 8 | p[1])
	                  : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const struct pcapng_reader *r, const uint8_t *p)
{
	if (r->swapped)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const struct pcapng_reader *r, const uint8_t *p)
{
	uint64_t a = rd32(r, p), b = rd32(r, p + 4);

	return r->swapped ? a << 32 | b : b << 32 | a;
}

/*
 * Read the next whole block into r->block. Returns TS_CAP_PACKET when one is
 * there, TS_CAP_EOF at a clean end, TS_CAP_TRUNCATED or TS_CAP_ERROR.
 */
static enum ts_capture_result pcapng_read_block(struct pcapng_reader *r, char errbuf[TS_ERRBUF_SIZE])
{
	const uint8_t *p;
	size_t got;
	uint32_t type, len, trailer;

	ts_stream_consume(r->s, r->consumed);
	r->consumed = 0;
	got = ts_stream_peek(r->s, 12, &p);
	if (got == 0 && ts_stream_error(r->s) == NULL)
		return TS_CAP_EOF;
	if (got < 8)
		goto short_read;
	type = rd32(r, p);
	if (type == PCAPNG_BT_SHB) {
		/* a new section may change the byte order */
		if (got < 12)
			goto short_read;
		if (memcmp(p + 8, "\x4d\x3c\x2b\x1a", 4) == 0) {
			r->swapped = false;
		} else if (memcmp(p + 8, "\x1a\x2b\x3c\x4d", 4) == 0) {
			r->swapped = true;
		} else {
			snprintf(errbuf, TS_ERRBUF_SIZE,
			         "pcapng: bad byte-order magic in section header");
			return TS_CAP_ERROR;
		}
	}
	len = rd32(r, p + 4);
	if (len < PCAPNG_MIN_BLOCK || len % 4 != 0 ||
	    (type == PCAPNG_BT_SHB && len < PCAPNG_SHB_MIN)) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "pcapng: invalid length %" PRIu32 " of block type 0x%08" PRIx32,
		         len, type);
		return TS_CAP_ERROR;
	}
	if (len > PCAPNG_MAX_BLOCK) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "pcapng: block type 0x%08" PRIx32 " of %" PRIu32
		         " bytes is larger than the %u-byte limit",
		         type, len, PCAPNG_MAX_BLOCK);
		return TS_CAP_ERROR;
	}
	got = ts_stream_peek(r->s, len, &p);
	if (got < len) {
		if (ts_stream_error(r->s) != NULL)
			goto short_read;
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "truncated pcapng block; tried to read %" PRIu32
		         " bytes, only got %zu", len, got);
		return TS_CAP_TRUNCATED;
	}
	trailer = rd32(r, p + len - 4);
	if (trailer != len) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "pcapng: block length %" PRIu32 " and trailing length %"
		         PRIu32 " differ", len, trailer);
		return TS_CAP_ERROR;
	}
	r->block = p;
	r->block_type = type;
	r->block_len = len;
	r->consumed = len;
	return TS_CAP_PACKET;

short_read:
	if (ts_stream_error(r->s) != NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s", ts_stream_error(r->s));
		return ts_stream_truncated(r->s) ? TS_CAP_TRUNCATED : TS_CAP_ERROR;
	}
	snprintf(errbuf, TS_ERRBUF_SIZE,
	         "truncated pcapng block header; only got %zu bytes", got);
	return TS_CAP_TRUNCATED;
}

static int pcapng_section(struct pcapng_reader *r, char errbuf[TS_ERRBUF_SIZE])
{
	const uint8_t *body = r->block + 8;
	uint16_t major = rd16(r, body + 4), minor = rd16(r, body + 6);

	if (major != 1) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "pcapng: unsupported version %u.%u", major, minor);
		return TS_CAP_ERROR;
	}
	/* interfaces are numbered per section */
	free(r->ifaces);
	r->ifaces = NULL;
	r->n_ifaces = 0;
	return 0;
}

static int pcapng_tsresol(struct pcapng_iface *ifc, uint8_t v,
                          char errbuf[TS_ERRBUF_SIZE])
{
	unsigned exp = v & 0x7f;
	uint64_t units = 1;

	if (v & 0x80) {
		if (exp > 63)
			goto bad;
		units <<= exp;
	} else {
		if (exp > 19)
			goto bad;
		while (exp-- > 0)
			units *= 10;
	}
	ifc->units_per_sec = units;
	return 0;
bad:
	snprintf(errbuf, TS_ERRBUF_SIZE,
	         "pcapng: unsupported if_tsresol 0x%02x", v);
	return TS_CAP_ERROR;
}

static int pcapng_interface(struct pcapng_reader *r, char errbuf[TS_ERRBUF_SIZE])
{
	const uint8_t *body = r->block + 8;
	size_t body_len = r->block_len - PCAPNG_MIN_BLOCK;
	struct pcapng_iface ifc = { .units_per_sec = TS_USEC_PER_SEC };
	struct pcapng_iface *grown;
	size_t off = 8;

	if (body_len < 8) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "pcapng: interface description block too short");
		return TS_CAP_ERROR;
	}
	if (r->n_ifaces >= PCAPNG_MAX_IFACES) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "pcapng: more than %u interfaces", PCAPNG_MAX_IFACES);
		return TS_CAP_ERROR;
	}
	ifc.dlt = ts_capture_linktype_to_dlt(rd16(r, body));
	ifc.snaplen = rd32(r, body + 4);
	while (off + 4 <= body_len) {
		uint16_t code = rd16(r, body + off);
		uint16_t olen = rd16(r, body + off + 2);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;
		const uint8_t *val = body + off + 4;

		if (code == PCAPNG_OPT_ENDOFOPT)
			break;
		if (padded > body_len - off - 4) {
			snprintf(errbuf, TS_ERRBUF_SIZE,
			         "pcapng: interface option %u overruns its block", code);
			return TS_CAP_ERROR;
		}
		if (code == PCAPNG_OPT_IF_TSRESOL && olen == 1) {
			if (pcapng_tsresol(&ifc, val[0], errbuf) < 0)
				return TS_CAP_ERROR;
		} else if (code == PCAPNG_OPT_IF_TSOFFSET && olen == 8) {
			ifc.tsoffset = (int64_t)rd64(r, val);
		}
		off += 4 + padded;
	}
	grown = realloc(r->ifaces, (r->n_ifaces + 1) * sizeof(*grown));
	if (grown == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "out of memory");
		return TS_CAP_ERROR;
	}
	r->ifaces = grown;
	r->ifaces[r->n_ifaces++] = ifc;
	return 0;
}

/* Interface time units since the epoch -> timespec, without overflow. */
static void pcapng_time(const struct pcapng_iface *ifc, uint64_t t,
                        struct timespec *out)
{
	uint64_t units = ifc->units_per_sec;
	uint64_t sec = t / units, frac = t % units;

	if (units <= TS_NSEC_PER_SEC) {
		frac = frac * TS_NSEC_PER_SEC / units;
	} else {
		/* keep frac * 1e9 below 2^64; the bits dropped are below 1 ns */
		while (units >= (UINT64_C(1) << 32)) {
			units >>= 1;
			frac >>= 1;
		}
		frac = frac * TS_NSEC_PER_SEC / units;
	}
	/* A corrupt resolution or offset can put the time anywhere in 64 bits;
	 * keep it within 0..2^33 s (year 2242) so that nanosecond arithmetic
	 * on packet times cannot overflow. */
	int64_t off = ifc->tsoffset;
	if (sec > PCAPNG_MAX_SEC)
		sec = PCAPNG_MAX_SEC;
	if (off < 0 && (uint64_t)-(off + 1) >= sec)
		sec = 0;
	else if (off < 0)
		sec -= (uint64_t)-(off + 1) + 1;
	else
		sec = (uint64_t)off >= PCAPNG_MAX_SEC - sec ? PCAPNG_MAX_SEC : sec + (uint64_t)off;
	out->tv_sec = (time_t)sec;
	out->tv_nsec = (long)frac;
}

static enum ts_capture_result pcapng_packet(struct pcapng_reader *r, struct ts_pkt *out,
                                            char errbuf[TS_ERRBUF_SIZE])
{
	const uint8_t *body = r->block + 8;
	size_t body_len = r->block_len - PCAPNG_MIN_BLOCK;
	const struct pcapng_iface *ifc;
	uint32_t iface, caplen, wirelen;
	uint64_t ts = 0;
	size_t hdr;

	switch (r->block_type) {
	case PCAPNG_BT_EPB:
	case PCAPNG_BT_PB:
		hdr = 20;
		if (body_len < hdr)
			goto too_short;
		iface = r->block_type == PCAPNG_BT_EPB ? rd32(r, body)
		                                       : rd16(r, body);
		ts = (uint64_t)rd32(r, body + 4) << 32 | rd32(r, body + 8);
		caplen = rd32(r, body + 12);
		wirelen = rd32(r, body + 16);
		if (caplen > body_len - hdr) {
			snprintf(errbuf, TS_ERRBUF_SIZE,
			         "pcapng: captured length %" PRIu32
			         " exceeds its block (%zu bytes of room)",
			         caplen, body_len - hdr);
			return TS_CAP_ERROR;
		}
		break;
	default: /* PCAPNG_BT_SPB */
		hdr = 4;
		if (body_len < hdr)
			goto too_short;
		iface = 0;
		wirelen = rd32(r, body);
		caplen = wirelen;
		if (r->n_ifaces > 0 && r->ifaces[0].snaplen != 0 &&
		    caplen > r->ifaces[0].snaplen)
			caplen = r->ifaces[0].snaplen;
		if (caplen > body_len - hdr)
			caplen = (uint32_t)(body_len - hdr);
		break;
	}
	if (iface >= r->n_ifaces) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "pcapng: packet on interface %" PRIu32
		         " which has no description block; skipped", iface);
		return TS_CAP_BAD_RECORD;
	}
	ifc = &r->ifaces[iface];
	pcapng_time(ifc, ts, &out->ts);
	out->caplen = caplen;
	out->wirelen = wirelen;
	/* iface < n_ifaces, so ifaces is allocated */
	out->linktype = ifc->dlt; /* NOLINT(clang-analyzer-core.NullDereference) */
	out->data = body + hdr;
	return TS_CAP_PACKET;

too_short:
	snprintf(errbuf, TS_ERRBUF_SIZE,
	         "pcapng: packet block type %" PRIu32 " too short", r->block_type);
	return TS_CAP_ERROR;
}

static enum ts_capture_result pcapng_next(struct ts_capture_source *src, struct ts_pkt *out,
                                          char errbuf[TS_ERRBUF_SIZE])
{
	struct pcapng_reader *r = src->priv;

	for (;;) {
		int ret;

		if (r->pending) {
			r->pending = false;
		} else {
			ret = pcapng_read_block(r, errbuf);
			if (ret != TS_CAP_PACKET)
				return ret;
		}
		switch (r->block_type) {
		case PCAPNG_BT_SHB:
			ret = pcapng_section(r, errbuf);
			break;
		case PCAPNG_BT_IDB:
			ret = pcapng_interface(r, errbuf);
			break;
		case PCAPNG_BT_EPB:
		case PCAPNG_BT_SPB:
		case PCAPNG_BT_PB:
			return pcapng_packet(r, out, errbuf);
		default:
			ret = 0;   /* NRB, ISB, DSB, custom...: not needed here */
			break;
		}
		if (ret < 0)
			return ret;
	}
}

static int pcapng_stats(struct ts_capture_source *src,
                        struct ts_capture_stats *out)
{
	struct pcapng_reader *r = src->priv;

	out->bytes_read = ts_stream_offset(r->s);
	return 0;
}

static void pcapng_close(struct ts_capture_source *src)
{
	struct pcapng_reader *r = src->priv;

	if (r == NULL)
		return;
	ts_stream_close(r->s);
	free(r->ifaces);
	free(r);
	src->priv = NULL;
}


/*
 * Read the section header and the blocks up to the first interface, so the
 * first link type is known (for compiling the filter) before any packet.
 */
static int pcapng_start(struct pcapng_reader *r, char errbuf[TS_ERRBUF_SIZE])
{
	int ret = pcapng_read_block(r, errbuf);

	if (ret == TS_CAP_EOF) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "empty file");
		return -1;
	}
	if (ret != TS_CAP_PACKET)
		return -1;
	if (r->block_type != PCAPNG_BT_SHB) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "pcapng: file does not start with a section header");
		return -1;
	}
	if (pcapng_section(r, errbuf) < 0)
		return -1;
	while (r->n_ifaces == 0) {
		ret = pcapng_read_block(r, errbuf);
		if (ret == TS_CAP_EOF)
			return 0;
		if (ret != TS_CAP_PACKET)
			return -1;
		if (r->block_type == PCAPNG_BT_IDB) {
			if (pcapng_interface(r, errbuf) < 0)
				return -1;
		} else if (r->block_type == PCAPNG_BT_SHB) {
			if (pcapng_section(r, errbuf) < 0)
				return -1;
		} else {
			r->pending = true;   /* handled by the first next() */
			return 0;
		}
	}
	return 0;
}

static enum ts_capture_open_result pcapng_open(struct ts_capture_source *src,
                                               const struct ts_capture_open_args *a,
                                               char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_stream *s = a->stream;
	struct pcapng_reader *r;

	if (s == NULL)
		return TS_OPEN_NOT_MINE;
	r = calloc(1, sizeof(*r));

	if (r == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "out of memory");
		ts_stream_close(s);
		return TS_OPEN_FAILED;
	}
	r->s = s;
	src->priv = r;
	src->ops = &ts_capture_pcapng_ops;
	if (pcapng_start(r, errbuf) < 0) {
		pcapng_close(src);
		src->ops = NULL;
		return TS_OPEN_FAILED;
	}
	src->first_linktype = r->n_ifaces > 0 ? r->ifaces[0].dlt : -1;
	return TS_OPEN_OK;
}

const struct ts_capture_ops ts_capture_pcapng_ops = {
	.name = "pcapng",
	.open = pcapng_open,
	.next = pcapng_next,
	.stats = pcapng_stats,
	.close = pcapng_close,
};
