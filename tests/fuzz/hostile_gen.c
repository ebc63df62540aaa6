/* \summary: write the hostile capture files that tests/fuzz/hostile.sh feeds to tcpscope */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <zlib.h>

#define LINKTYPE_RAW 101
#define SYN_FLOOD_DEFAULT 1000000u

/* Deterministic, so a failure names a file that can be regenerated. */
struct rng {
	uint64_t s;
};

static uint32_t rng_next(struct rng *r)
{
	r->s = r->s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(r->s >> 32);
}

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static size_t put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
	return 4;
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* IPv4 header for a TCP payload of l4_len bytes. */
static size_t ipv4_header(uint8_t *p, uint32_t src, uint32_t dst, size_t l4_len)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(20 + l4_len));
	put16(p + 4, 1);
	p[6] = 0x40;
	p[8] = 64;
	p[9] = 6;
	put32(p + 12, src);
	put32(p + 16, dst);
	return 20;
}

/* TCP header; doff is the raw data offset nibble, opts fill doff*4-20 bytes. */
static size_t tcp_header(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                         uint8_t flags, uint8_t doff)
{
	memset(p, 0, 20);
	put16(p, sport);
	put16(p + 2, dport);
	put32(p + 4, seq);
	put32(p + 8, ack);
	p[12] = (uint8_t)(doff << 4);
	p[13] = flags;
	put16(p + 14, 65535);
	return 20;
}

struct dumper {
	pcap_t *dead;
	pcap_dumper_t *d;
};

static int dumper_open(struct dumper *w, const char *dir, const char *name, int dlt, int snaplen)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	w->dead = pcap_open_dead(dlt, snaplen);
	if (!w->dead)
		return -1;
	w->d = pcap_dump_open(w->dead, path);
	if (!w->d) {
		fprintf(stderr, "hostile_gen: %s: %s\n", path, pcap_geterr(w->dead));
		pcap_close(w->dead);
		return -1;
	}
	return 0;
}

static void dumper_write(struct dumper *w, uint32_t sec, uint32_t usec, const uint8_t *pkt,
                         size_t caplen, size_t wirelen)
{
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)caplen, .len = (bpf_u_int32)wirelen };

	h.ts.tv_sec = sec;
	h.ts.tv_usec = usec;
	pcap_dump((u_char *)w->d, &h, pkt);
}

static int dumper_close(struct dumper *w)
{
	int rc = pcap_dump_flush(w->d);
	pcap_dump_close(w->d);
	pcap_close(w->dead);
	return rc;
}

/* One SYN for every option length 0..255, with kinds taking turns. */
static int gen_tcp_options(const char *dir)
{
	static const uint8_t kinds[] = { 2, 3, 4, 5, 8, 30, 34, 254 };
	struct dumper w;
	uint8_t pkt[80];

	if (dumper_open(&w, dir, "tcp-options.pcap", DLT_RAW, 65535) < 0)
		return -1;
	for (unsigned len = 0; len < 256; len++) {
		size_t n = ipv4_header(pkt, 0x0a000001, 0x0a000002, 60);
		n += tcp_header(pkt + n, (uint16_t)(1024 + len), 80, 1000, 0, 0x02, 15);
		memset(pkt + n, 1, 40); /* NOPs after the option under test */
		pkt[n] = kinds[len % sizeof(kinds)];
		pkt[n + 1] = (uint8_t)len;
		n += 40;
		dumper_write(&w, 1700000000, len, pkt, n, n);
	}
	return dumper_close(&w);
}

/* Data offsets 0..4 (below the header), and 15 where the segment is shorter. */
static int gen_data_offsets(const char *dir)
{
	struct dumper w;
	uint8_t pkt[80];

	if (dumper_open(&w, dir, "tcp-data-offset.pcap", DLT_RAW, 65535) < 0)
		return -1;
	for (uint8_t doff = 0; doff < 5; doff++) {
		size_t n = ipv4_header(pkt, 0x0a000001, 0x0a000002, 40);
		n += tcp_header(pkt + n, 2000, 80, 1, 1, 0x10, doff);
		memset(pkt + n, 'x', 20);
		n += 20;
		dumper_write(&w, 1700000000, doff, pkt, n, n);
	}
	/* doff 15 claims 60 header bytes; the IP length leaves 20 */
	size_t n = ipv4_header(pkt, 0x0a000001, 0x0a000002, 20);
	n += tcp_header(pkt + n, 2000, 80, 1, 1, 0x10, 15);
	dumper_write(&w, 1700000000, 10, pkt, n, n);
	/* doff 15 with a long enough IP length, but the capture ends after 20 */
	n = ipv4_header(pkt, 0x0a000001, 0x0a000002, 60);
	n += tcp_header(pkt + n, 2000, 80, 1, 1, 0x10, 15);
	dumper_write(&w, 1700000000, 11, pkt, n, n + 40);
	return dumper_close(&w);
}

/* 100 destination-options headers between IPv6 and TCP. */
static int gen_ipv6_chain(const char *dir)
{
	enum { N_EXT = 100 };
	struct dumper w;
	uint8_t pkt[40 + N_EXT * 8 + 20];
	size_t l4 = N_EXT * 8 + 20;

	if (dumper_open(&w, dir, "ipv6-ext-chain.pcap", DLT_RAW, 65535) < 0)
		return -1;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	put16(pkt + 4, (uint16_t)l4);
	pkt[6] = 60; /* destination options */
	pkt[7] = 64;
	pkt[8] = 0x20;
	pkt[9] = 0x01;
	pkt[23] = 1;
	pkt[24] = 0x20;
	pkt[25] = 0x01;
	pkt[39] = 2;
	for (int i = 0; i < N_EXT; i++) {
		uint8_t *e = pkt + 40 + i * 8;
		e[0] = i == N_EXT - 1 ? 6 : 60;
		e[1] = 0;     /* 8 bytes */
		e[2] = 1;     /* PadN over the rest */
		e[3] = 4;
	}
	tcp_header(pkt + 40 + N_EXT * 8, 3000, 80, 1, 0, 0x02, 5);
	dumper_write(&w, 1700000000, 0, pkt, sizeof(pkt), sizeof(pkt));
	return dumper_close(&w);
}

/* n SYNs from random addresses and ports to one server, 10 us apart. */
static int gen_syn_flood(const char *dir, uint32_t n)
{
	struct dumper w;
	struct rng r = { 42 };
	uint8_t pkt[40];

	if (dumper_open(&w, dir, "syn-flood.pcap", DLT_RAW, 65535) < 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t src = rng_next(&r) | 0x01000000u;
		size_t len = ipv4_header(pkt, src, 0xc0a80001, 20);
		len += tcp_header(pkt + len, (uint16_t)(rng_next(&r) | 1024), 443, rng_next(&r), 0, 0x02, 5);
		dumper_write(&w, 1700000000 + i / 100000, (i % 100000) * 10, pkt, len, len);
	}
	return dumper_close(&w);
}

/* A small complete connection; also the base of the malformed files below. */
static size_t conversation(uint8_t *buf, size_t cap)
{
	static const struct { uint8_t flags; uint32_t seq, ack; uint16_t len; bool c2s; } segs[] = {
		{ 0x02, 100, 0, 0, true }, { 0x12, 900, 101, 0, false }, { 0x10, 101, 901, 0, true },
		{ 0x18, 101, 901, 300, true }, { 0x10, 901, 401, 0, false },
		{ 0x11, 401, 901, 0, true }, { 0x11, 901, 402, 0, false }, { 0x10, 402, 902, 0, true },
	};
	size_t off = 24;

	memset(buf, 0, 24);
	le32(buf, 0xa1b2c3d4);
	buf[4] = 2;
	buf[6] = 4;
	le32(buf + 16, 65535);
	le32(buf + 20, LINKTYPE_RAW);
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		size_t len = 40 + segs[i].len;
		if (off + 16 + len > cap)
			break;
		le32(buf + off, 1700000000);
		le32(buf + off + 4, (uint32_t)i * 1000);
		le32(buf + off + 8, (uint32_t)len);
		le32(buf + off + 12, (uint32_t)len);
		uint8_t *p = buf + off + 16;
		uint32_t a = 0x0a000001, b = 0x0a000002;
		ipv4_header(p, segs[i].c2s ? a : b, segs[i].c2s ? b : a, 20 + segs[i].len);
		tcp_header(p + 20, segs[i].c2s ? 40000 : 80, segs[i].c2s ? 80 : 40000, segs[i].seq,
		           segs[i].ack, segs[i].flags, 5);
		memset(p + 40, 'd', segs[i].len);
		off += 16 + len;
	}
	return off;
}

static int write_file(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		fprintf(stderr, "hostile_gen: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* Offset of record k (0-based) of a file from conversation(). */
static size_t record_offset(const uint8_t *buf, unsigned k)
{
	size_t off = 24;

	for (unsigned i = 0; i < k; i++)
		off += 16 + (size_t)(buf[off + 8] | buf[off + 9] << 8 | buf[off + 10] << 16 |
		                     (uint32_t)buf[off + 11] << 24);
	return off;
}

static int gen_pcap_records(const char *dir)
{
	uint8_t buf[4096];
	size_t len = conversation(buf, sizeof(buf));
	int rc = 0;

	rc |= write_file(dir, "good.pcap", buf, len);
	/* snaplen 64, record 4 claims (and holds) 340 bytes */
	uint8_t small[4096];
	memcpy(small, buf, len);
	le32(small + 16, 64);
	rc |= write_file(dir, "caplen-over-snaplen.pcap", small, len);
	/* record 4 claims 4 GB */
	memcpy(small, buf, len);
	le32(small + record_offset(buf, 3) + 8, 0xffffffffu);
	rc |= write_file(dir, "caplen-4g.pcap", small, len);
	/* cut 10 bytes into record 5's data */
	rc |= write_file(dir, "cut-mid-record.pcap", buf, record_offset(buf, 4) + 16 + 10);
	return rc;
}

/* pcapng: little-endian blocks appended to buf. */
static size_t ng_block(uint8_t *buf, size_t off, uint32_t type, const uint8_t *body, size_t blen)
{
	size_t padded = (blen + 3) & ~(size_t)3;

	le32(buf + off, type);
	le32(buf + off + 4, (uint32_t)(padded + 12));
	memcpy(buf + off + 8, body, blen);
	memset(buf + off + 8 + blen, 0, padded - blen);
	le32(buf + off + 8 + padded, (uint32_t)(padded + 12));
	return off + padded + 12;
}

static size_t ng_header(uint8_t *buf)
{
	uint8_t shb[16] = { 0 }, idb[8] = { 0 };

	le32(shb, 0x1a2b3c4d);
	shb[4] = 1;
	memset(shb + 8, 0xff, 8);
	size_t off = ng_block(buf, 0, 0x0a0d0d0a, shb, sizeof(shb));
	idb[0] = LINKTYPE_RAW;
	le32(idb + 4, 65535);
	return ng_block(buf, off, 1, idb, sizeof(idb));
}

/* Enhanced packet block with packet k of the conversation. */
static size_t ng_epb(uint8_t *buf, size_t off, const uint8_t *conv, unsigned k, uint32_t iface)
{
	uint8_t body[512];
	size_t rec = record_offset(conv, k);
	uint32_t caplen = conv[rec + 8] | conv[rec + 9] << 8;
	uint64_t t = 1700000000ull * 1000000 + k * 1000;

	le32(body, iface);
	le32(body + 4, (uint32_t)(t >> 32));
	le32(body + 8, (uint32_t)t);
	le32(body + 12, caplen);
	le32(body + 16, caplen);
	memcpy(body + 20, conv + rec + 16, caplen);
	return ng_block(buf, off, 6, body, 20 + caplen);
}

static int gen_pcapng(const char *dir)
{
	uint8_t conv[4096], buf[8192];
	size_t off, mark;
	int rc = 0;
	static const uint8_t junk[13] = "unknown block";

	conversation(conv, sizeof(conv));
	/* unknown block types between packets: skipped */
	off = ng_header(buf);
	off = ng_epb(buf, off, conv, 0, 0);
	off = ng_block(buf, off, 0x0badbeef, junk, sizeof(junk));
	off = ng_epb(buf, off, conv, 1, 0);
	off = ng_block(buf, off, 0x40000bad, junk, 4);
	off = ng_epb(buf, off, conv, 2, 0);
	rc |= write_file(dir, "pcapng-unknown-blocks.pcapng", buf, off);
	/* a packet on interface 7, which no IDB described */
	off = ng_header(buf);
	off = ng_epb(buf, off, conv, 0, 0);
	off = ng_epb(buf, off, conv, 1, 7);
	off = ng_epb(buf, off, conv, 2, 0);
	rc |= write_file(dir, "pcapng-undescribed-iface.pcapng", buf, off);
	/* bad lengths on the second packet block */
	static const struct { const char *name; int field; uint32_t value; } bad[] = {
		{ "pcapng-len-unaligned.pcapng", 4, 0 /* +1 */ },
		{ "pcapng-len-short.pcapng", 4, 8 },
		{ "pcapng-len-huge.pcapng", 4, 0xfffffff0u },
		{ "pcapng-len-trailer.pcapng", -1, 0 },
		{ "pcapng-caplen-huge.pcapng", 20, 0xffffff00u },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		off = ng_header(buf);
		off = ng_epb(buf, off, conv, 0, 0);
		mark = off;
		off = ng_epb(buf, off, conv, 1, 0);
		off = ng_epb(buf, off, conv, 2, 0);
		uint32_t blen = buf[mark + 4] | buf[mark + 5] << 8;
		if (bad[i].field < 0)
			le32(buf + mark + blen - 4, blen + 4);
		else
			le32(buf + mark + bad[i].field, bad[i].value ? bad[i].value : blen + 1);
		rc |= write_file(dir, bad[i].name, buf, off);
	}
	return rc;
}

/* gzip copies of good.pcap with a flipped body byte and a wrong CRC. */
static int gen_gzip(const char *dir)
{
	uint8_t conv[4096], gz[8192];
	size_t len = conversation(conv, sizeof(conv));
	z_stream z;
	int rc = 0;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = conv;
	z.avail_in = (uInt)len;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		return -1;
	}
	size_t glen = z.total_out;
	deflateEnd(&z);
	rc |= write_file(dir, "good.pcap.gz", gz, glen);
	gz[glen / 2] ^= 0x5a;
	rc |= write_file(dir, "gzip-bad-body.pcap.gz", gz, glen);
	gz[glen / 2] ^= 0x5a;
	gz[glen - 8] ^= 0xff; /* CRC32 */
	rc |= write_file(dir, "gzip-bad-crc.pcap.gz", gz, glen);
	gz[glen - 8] ^= 0xff;
	gz[glen - 1] ^= 0x01; /* ISIZE */
	rc |= write_file(dir, "gzip-bad-isize.pcap.gz", gz, glen);
	gz[glen - 1] ^= 0x01;
	rc |= write_file(dir, "gzip-no-trailer.pcap.gz", gz, glen - 8);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: hostile_gen DIR [SYN_FLOOD_PACKETS]\n");
		return 1;
	}
	const char *dir = argv[1];
	uint32_t syns = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : SYN_FLOOD_DEFAULT;
	int rc = gen_tcp_options(dir) | gen_data_offsets(dir) | gen_ipv6_chain(dir) |
	         gen_pcap_records(dir) | gen_pcapng(dir) | gen_gzip(dir) | gen_syn_flood(dir, syns);
	return rc ? 1 : 0;
}
