/* \summary: classic pcap files mapped into memory: records read in place, no copy */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcpscope/capture_linktype.h"
#include "capture_mmap.h"
#include "tcpscope/units.h"

/* Larger records are refused as libpcap refuses them (its usual maximum). */
#define TS_MMAP_MAX_CAPLEN ((uint32_t)TS_SNAPLEN_MAX)
/* Pages already read are unmapped in steps of this size, so a file of many
 * gigabytes does not pile up in the resident set. */
#define TS_MMAP_RELEASE_STEP (16u << 20)

struct ts_mmap_file {
	const uint8_t *base;
	size_t size, off;
	size_t released;        /* bytes from the start already given back */
	bool swapped, nano;
	uint32_t snaplen;
	int dlt;
	int fd;
};

static uint32_t rd32(const struct ts_mmap_file *m, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return m->swapped ? __builtin_bswap32(v) : v;
}

static enum ts_capture_result mmap_next(struct ts_capture_source *src, struct ts_pkt *out, char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_mmap_file *m = src->priv;
	size_t left = m->size - m->off;

	if (left == 0)
		return TS_CAP_EOF;
	if (left < 16) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "truncated dump file; tried to read 16 header bytes, only got %zu",
		         left);
		m->off = m->size;
		return TS_CAP_TRUNCATED;
	}
	const uint8_t *h = m->base + m->off;
	uint32_t sec = rd32(m, h), frac = rd32(m, h + 4), caplen = rd32(m, h + 8), len = rd32(m, h + 12);
	if (caplen > TS_MMAP_MAX_CAPLEN) {
		/* libpcap's words, so a file reads the same whichever path opened it */
		if (caplen > m->snaplen)
			snprintf(errbuf, TS_ERRBUF_SIZE, "invalid packet capture length %u, bigger than snaplen of %u",
			         caplen, m->snaplen);
		else
			snprintf(errbuf, TS_ERRBUF_SIZE, "invalid packet capture length %u, bigger than maximum of %u",
			         caplen, TS_MMAP_MAX_CAPLEN);
		m->off = m->size;
		return TS_CAP_ERROR;
	}
	if (left - 16 < caplen) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "truncated dump file; tried to read %u captured bytes, only got %zu",
		         caplen, left - 16);
		m->off = m->size;
		return TS_CAP_TRUNCATED;
	}
	/* Records before this one are no longer borrowed by anyone. */
	if (m->off - m->released >= 2 * TS_MMAP_RELEASE_STEP) {
		size_t upto = (m->off - TS_MMAP_RELEASE_STEP) & ~((size_t)getpagesize() - 1);
		madvise((void *)(m->base + m->released), upto - m->released, MADV_DONTNEED);
		m->released = upto;
	}
	m->off += 16 + (size_t)caplen;
	out->ts.tv_sec = sec;
	out->ts.tv_nsec = m->nano ? (long)frac : (long)frac * TS_NSEC_PER_USEC;
	/* A record longer than the file's snapshot length is cut to it, as libpcap does. */
	out->caplen = m->snaplen && caplen > m->snaplen ? m->snaplen : caplen;
	out->wirelen = len;
	out->linktype = m->dlt;
	out->data = h + 16;
	return TS_CAP_PACKET;
}

static int mmap_stats(struct ts_capture_source *src, struct ts_capture_stats *out)
{
	const struct ts_mmap_file *m = src->priv;
	out->bytes_read = m->off;
	return 0;
}

static void mmap_close(struct ts_capture_source *src)
{
	struct ts_mmap_file *m = src->priv;

	if (!m)
		return;
	munmap((void *)m->base, m->size);
	close(m->fd);
	free(m);
	src->priv = NULL;
}

/* Applies to a regular, uncompressed classic pcap file at offset 0 whose
 * descriptor the source may own; anything else is left to libpcap. */
static enum ts_capture_open_result mmap_open(struct ts_capture_source *src,
                                             const struct ts_capture_open_args *a,
                                             char errbuf[TS_ERRBUF_SIZE])
{
	int fd = a->fd;
	struct stat st;

	errbuf[0] = '\0';   /* nothing here fails with a reason: libpcap words the errors */
	/* the mapping outlives the call: only a descriptor the source keeps */
	if (a->stream != NULL || !a->owns_fd)
		return TS_OPEN_NOT_MINE;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 24 || lseek(fd, 0, SEEK_CUR) != 0)
		return TS_OPEN_NOT_MINE;
	size_t size = (size_t)st.st_size;
	const uint8_t *base = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (base == MAP_FAILED)
		return TS_OPEN_NOT_MINE;
	uint32_t magic;
	memcpy(&magic, base, 4);
	struct ts_mmap_file m = { .base = base, .size = size, .off = 24, .fd = fd };
	switch (magic) {
	case 0xa1b2c3d4: break;
	case 0xa1b23c4d: m.nano = true; break;
	case 0xd4c3b2a1: m.swapped = true; break;
	case 0x4d3cb2a1: m.swapped = m.nano = true; break;
	default:
		munmap((void *)base, size);
		return TS_OPEN_NOT_MINE; /* anything unusual: libpcap reads it and words its errors */
	}
	uint16_t major;
	memcpy(&major, base + 4, 2);
	if (m.swapped)
		major = __builtin_bswap16(major);
	uint32_t linktype = rd32(&m, base + 20) & 0x03ffffff;
	m.snaplen = rd32(&m, base + 16);
	if (major != 2 || m.snaplen == 0) {
		munmap((void *)base, size);
		return TS_OPEN_NOT_MINE;
	}
	m.dlt = ts_capture_linktype_to_dlt(linktype);
	struct ts_mmap_file *priv = malloc(sizeof(*priv));
	if (!priv) {
		munmap((void *)base, size);
		return TS_OPEN_NOT_MINE;
	}
	*priv = m;
	madvise((void *)base, size, MADV_SEQUENTIAL);
	src->ops = &ts_capture_mmap_ops;
	src->priv = priv;
	src->first_linktype = m.dlt;
	return TS_OPEN_OK;
}

const struct ts_capture_ops ts_capture_mmap_ops = {
	.name = "pcap-mmap",
	.open = mmap_open,
	.next = mmap_next,
	.stats = mmap_stats,
	.close = mmap_close,
};
