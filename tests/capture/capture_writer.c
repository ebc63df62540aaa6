/* \summary: test support: write one set of frames as pcap, pcapng and gzip */
#include "capture_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "tcpscope/units.h"

/* Ethernet, IPv4 10.0.0.1:40000 -> 10.0.0.2:80, TCP SYN with MSS 1460. */
static const uint8_t eth_syn[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x26, 0xc9,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x02, 0xfa, 0xf0, 0x5b, 0x7e, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4,
};

/* Linux cooked, IPv4 10.0.0.2:80 -> 10.0.0.1:40000, TCP SYN-ACK. */
static const uint8_t sll_synack[] = {
	0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x26, 0xca,
	0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01,
	0x00, 0x50, 0x9c, 0x40, 0x00, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x03, 0xe9,
	0x60, 0x12, 0xfa, 0xf0, 0x51, 0x9e, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4,
};

/* Ethernet, ACK with 8 bytes of data "GET / \r\n". */
static const uint8_t eth_data[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x30, 0x00, 0x02, 0x40, 0x00, 0x40, 0x06, 0x26, 0xc4,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe9, 0x00, 0x00, 0x07, 0xd1,
	0x50, 0x18, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
	'G', 'E', 'T', ' ', '/', ' ', '\r', '\n',
};

/* Linux cooked, FIN-ACK from the server; captured with a snaplen of 40. */
static const uint8_t sll_fin[] = {
	0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x28, 0x00, 0x03, 0x40, 0x00, 0x40, 0x06, 0x26, 0xcb,
	0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01,
	0x00, 0x50, 0x9c, 0x40, 0x00, 0x00, 0x07, 0xd1, 0x00, 0x00, 0x03, 0xf1,
	0x50, 0x11, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
};

/* Times have sub-microsecond digits so precision loss would show. */
static const struct cw_frame frames[] = {
	{ CW_LINKTYPE_EN10MB, 1700000000123456789ull, sizeof(eth_syn),
	  sizeof(eth_syn), eth_syn },
	{ CW_LINKTYPE_LINUX_SLL, 1700000000223456001ull, sizeof(sll_synack),
	  sizeof(sll_synack), sll_synack },
	{ CW_LINKTYPE_EN10MB, 1700000001000000999ull, sizeof(eth_data),
	  sizeof(eth_data), eth_data },
	{ CW_LINKTYPE_LINUX_SLL, 1700000002999999999ull, sizeof(sll_fin) + 20,
	  40, sll_fin },
};

size_t cw_frames(const struct cw_frame **out)
{
	*out = frames;
	return sizeof(frames) / sizeof(frames[0]);
}

void cw_buf_free(struct cw_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void cw_put(struct cw_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (b->data == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void put16(struct cw_buf *b, bool be, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	if (be) {
		x[0] = (uint8_t)(v >> 8);
		x[1] = (uint8_t)v;
	}
	cw_put(b, x, 2);
}

static void put32(struct cw_buf *b, bool be, uint32_t v)
{
	uint8_t x[4];

	for (int i = 0; i < 4; i++)
		x[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	cw_put(b, x, 4);
}

static void put64(struct cw_buf *b, bool be, uint64_t v)
{
	put32(b, be, (uint32_t)(be ? v >> 32 : v));
	put32(b, be, (uint32_t)(be ? v : v >> 32));
}

void cw_pcap(struct cw_buf *b, enum cw_pcap_kind kind, int linktype,
             const struct cw_frame *f, size_t n)
{
	bool be = kind == CW_PCAP_US_BE || kind == CW_PCAP_NS_BE;
	bool ns = kind == CW_PCAP_NS_LE || kind == CW_PCAP_NS_BE;

	put32(b, be, ns ? 0xa1b23c4d : 0xa1b2c3d4);
	put16(b, be, 2);
	put16(b, be, 4);
	put32(b, be, 0);
	put32(b, be, 0);
	put32(b, be, TS_SNAPLEN_MAX);
	put32(b, be, (uint32_t)linktype);
	for (size_t i = 0; i < n; i++) {
		uint64_t sec = f[i].ts_ns / TS_NSEC_PER_SEC;
		uint64_t frac = f[i].ts_ns % TS_NSEC_PER_SEC;

		if (f[i].linktype != linktype)
			continue;
		put32(b, be, (uint32_t)sec);
		put32(b, be, (uint32_t)(ns ? frac : frac / TS_NSEC_PER_USEC));
		put32(b, be, f[i].caplen);
		put32(b, be, f[i].wirelen);
		cw_put(b, f[i].data, f[i].caplen);
	}
}

static const uint8_t zeros[8];

void cw_pcapng_block(struct cw_buf *b, bool be, uint32_t type,
                     const void *body, size_t len)
{
	size_t pad = (4 - len % 4) % 4;
	uint32_t total = (uint32_t)(12 + len + pad);

	put32(b, be, type);
	put32(b, be, total);
	cw_put(b, body, len);
	cw_put(b, zeros, pad);
	put32(b, be, total);
}

void cw_pcapng_shb(struct cw_buf *b, bool be)
{
	struct cw_buf body = { 0 };

	put32(&body, be, 0x1A2B3C4D);
	put16(&body, be, 1);
	put16(&body, be, 0);
	put64(&body, be, UINT64_MAX);   /* section length not given */
	cw_pcapng_block(b, be, 0x0A0D0D0A, body.data, body.len);
	cw_buf_free(&body);
}

void cw_pcapng_idb(struct cw_buf *b, bool be, uint16_t linktype,
                   uint32_t snaplen, int tsresol, int64_t tsoffset)
{
	struct cw_buf body = { 0 };

	put16(&body, be, linktype);
	put16(&body, be, 0);
	put32(&body, be, snaplen);
	if (tsresol >= 0) {
		uint8_t v[4] = { (uint8_t)tsresol, 0, 0, 0 };

		put16(&body, be, 9);
		put16(&body, be, 1);
		cw_put(&body, v, 4);
	}
	if (tsoffset != 0) {
		put16(&body, be, 14);
		put16(&body, be, 8);
		put64(&body, be, (uint64_t)tsoffset);
	}
	put16(&body, be, 0);
	put16(&body, be, 0);
	cw_pcapng_block(b, be, 1, body.data, body.len);
	cw_buf_free(&body);
}

void cw_pcapng_epb(struct cw_buf *b, bool be, uint32_t iface, uint64_t ts,
                   const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct cw_buf body = { 0 };

	put32(&body, be, iface);
	put32(&body, be, (uint32_t)(ts >> 32));
	put32(&body, be, (uint32_t)ts);
	put32(&body, be, caplen);
	put32(&body, be, wirelen);
	cw_put(&body, data, caplen);
	cw_pcapng_block(b, be, 6, body.data, body.len);
	cw_buf_free(&body);
}

void cw_pcapng(struct cw_buf *b, bool be, const struct cw_frame *f, size_t n)
{
	cw_pcapng_shb(b, be);
	cw_pcapng_idb(b, be, CW_LINKTYPE_EN10MB, TS_SNAPLEN_MAX, 9, 0);
	cw_pcapng_idb(b, be, CW_LINKTYPE_LINUX_SLL, TS_SNAPLEN_MAX, 9, 0);
	for (size_t i = 0; i < n; i++)
		cw_pcapng_epb(b, be, f[i].linktype == CW_LINKTYPE_EN10MB ? 0 : 1,
		              f[i].ts_ns, f[i].data, f[i].caplen, f[i].wirelen);
}

int cw_write_file(const char *path, const struct cw_buf *b)
{
	FILE *fp = fopen(path, "wb");
	int ret = 0;

	if (fp == NULL)
		return -1;
	if (b->len > 0 && fwrite(b->data, 1, b->len, fp) != b->len)
		ret = -1;
	if (fclose(fp) != 0)
		ret = -1;
	return ret;
}

int cw_write_gzip(const char *path, const struct cw_buf *b)
{
	gzFile gz = gzopen(path, "wb");
	int ret = 0;

	if (gz == NULL)
		return -1;
	if (b->len > 0 && gzwrite(gz, b->data, (unsigned)b->len) != (int)b->len)
		ret = -1;
	if (gzclose(gz) != Z_OK)
		ret = -1;
	return ret;
}
