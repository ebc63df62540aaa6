/* \summary: test support: write one set of frames as pcap, pcapng and gzip */
#ifndef TCPSCOPE_TEST_CAPTURE_WRITER_H
#define TCPSCOPE_TEST_CAPTURE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CW_LINKTYPE_EN10MB    1
#define CW_LINKTYPE_LINUX_SLL 113

struct cw_frame {
	int linktype;
	uint64_t ts_ns;         /* nanoseconds since the epoch */
	uint32_t wirelen;
	uint32_t caplen;
	const uint8_t *data;
};

/* The reference frames: Ethernet/IPv4/TCP and Linux SLL/IPv4/TCP, mixed. */
size_t cw_frames(const struct cw_frame **out);

/* A growable byte buffer the formats are built in. */
struct cw_buf {
	uint8_t *data;
	size_t len, cap;
};
void cw_buf_free(struct cw_buf *b);
void cw_put(struct cw_buf *b, const void *p, size_t n);

enum cw_pcap_kind {
	CW_PCAP_US_LE,
	CW_PCAP_US_BE,
	CW_PCAP_NS_LE,
	CW_PCAP_NS_BE,
};

/* Classic pcap holding the frames of one link type. */
void cw_pcap(struct cw_buf *b, enum cw_pcap_kind kind, int linktype,
             const struct cw_frame *f, size_t n);

/* pcapng building blocks; be = big-endian section. */
void cw_pcapng_shb(struct cw_buf *b, bool be);
/* tsresol < 0 omits the option (microseconds) */
void cw_pcapng_idb(struct cw_buf *b, bool be, uint16_t linktype,
                   uint32_t snaplen, int tsresol, int64_t tsoffset);
void cw_pcapng_epb(struct cw_buf *b, bool be, uint32_t iface, uint64_t ts,
                   const uint8_t *data, uint32_t caplen, uint32_t wirelen);
void cw_pcapng_block(struct cw_buf *b, bool be, uint32_t type,
                     const void *body, size_t len);

/*
 * All frames in one section: interface 0 is EN10MB, interface 1 LINUX_SLL,
 * both with if_tsresol 9 (nanoseconds).
 */
void cw_pcapng(struct cw_buf *b, bool be, const struct cw_frame *f, size_t n);

/* Write b to path, plain or gzip-compressed (zlib gzopen). 0 or -1. */
int cw_write_file(const char *path, const struct cw_buf *b);
int cw_write_gzip(const char *path, const struct cw_buf *b);

#endif
