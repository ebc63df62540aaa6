/* \summary: tracegen: shared types of the deterministic pcap trace generator */
#ifndef TRACEGEN_H
#define TRACEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TG_ERRBUF_SIZE 512
#define TG_MAX_FRAME 200000       /* largest frame the builder writes (BIG TCP) */
#define TG_MAX_FRAGS 64           /* fragments one datagram may be split into */
#define TG_MAX_TCP_OPTS 40
#define TG_MAX_EXT6 4
#define TG_NAME_MAX 32
#define TG_DEFAULT_SNAPLEN 262144

enum tg_link_kind {
	TG_LINK_EN10MB,
	TG_LINK_VLAN,
	TG_LINK_QINQ,
	TG_LINK_SLL,
	TG_LINK_SLL2,
	TG_LINK_RAW,
	TG_LINK_NULL,
	TG_LINK_IEEE802_11,
	TG_LINK_FDDI,
	TG_LINK_IPOIB,
	TG_LINK_NFLOG,
};

struct tg_link {
	enum tg_link_kind kind;
	uint16_t vlan_outer;  /* vlan ID, or the outer tag of qinq */
	uint16_t vlan_inner;  /* inner tag of qinq */
};

struct tg_addr {
	int family;           /* 4 or 6 */
	uint8_t ip[16];       /* IPv4 uses the first 4 bytes */
	uint16_t port;
};

enum tg_frag {
	TG_FRAG_NONE,
	TG_FRAG_FIRST,        /* MF set, offset 0: the rest never shows up */
	TG_FRAG_LATER,        /* a non-first fragment (no TCP header in it) */
	TG_FRAG_SPLIT,        /* the datagram split into frag_size pieces */
};

enum tg_ext6 {
	TG_EXT6_HOP = 0,      /* IPv6 next-header values */
	TG_EXT6_ROUTE = 43,
	TG_EXT6_DEST = 60,
};

/* One TCP segment, as it will be put on the wire. */
struct tg_seg {
	uint8_t flags;                  /* TS_TCP_* bit values */
	uint32_t seq, ack;
	uint16_t win, urp;
	uint8_t opts[TG_MAX_TCP_OPTS];
	size_t optlen;                  /* padded to 4 by the builder */
	int doff;                       /* forced data offset field, -1 = real */
	uint32_t payload_len;
	uint16_t ipid;
	uint8_t ttl;
	enum tg_frag frag;
	uint16_t frag_size;             /* TG_FRAG_SPLIT: bytes per fragment */
	uint16_t frag_offset;           /* TG_FRAG_LATER: byte offset */
	uint8_t frag_order[TG_MAX_FRAGS]; /* TG_FRAG_SPLIT: pieces in the order sent */
	size_t n_frag_order;            /* 0 = all, in order */
	uint16_t frag_overlap;          /* each piece after the first starts this much earlier */
	bool frag_overlap_differs;      /* ... with other bytes in the overlap */
	bool iplen0;                    /* IPv4 total / IPv6 payload length 0 (TSO) */
	bool jumbo;                     /* IPv6 hop-by-hop jumbo payload option */
	uint8_t ext6[TG_MAX_EXT6];      /* enum tg_ext6 values in order */
	size_t n_ext6;
};

#define TG_TCP_FIN 0x01
#define TG_TCP_SYN 0x02
#define TG_TCP_RST 0x04
#define TG_TCP_PSH 0x08
#define TG_TCP_ACK 0x10
#define TG_TCP_URG 0x20
#define TG_TCP_ECE 0x40
#define TG_TCP_CWR 0x80

/* ---- build_encap.c: layers between the link header and the IP packet ---- */
#define TG_MAX_ENCAP 24
#define TG_ENCAP_HEADROOM 1024 /* bytes in front of the IP packet for headers */

enum tg_encap_kind {
	TG_ENC_VLAN, TG_ENC_QINQ, TG_ENC_MPLS, TG_ENC_PWCW, TG_ENC_PPPOE, TG_ENC_VNTAG,
	TG_ENC_FABRICPATH, TG_ENC_GRE, TG_ENC_GRE_SEQ, TG_ENC_GRE_CSUM, TG_ENC_WCCP,
	TG_ENC_ERSPAN1, TG_ENC_ERSPAN2, TG_ENC_ERSPAN3, TG_ENC_VXLAN, TG_ENC_GENEVE,
	TG_ENC_GTPU, TG_ENC_TEREDO, TG_ENC_IPIP, TG_ENC_IP6IP, TG_ENC_PPTP,
};

struct tg_encap_layer {
	enum tg_encap_kind kind;
	uint32_t arg[2];
	bool has_arg[2];
};

/* Outermost first, as written after the link header. */
struct tg_encap {
	struct tg_encap_layer v[TG_MAX_ENCAP];
	size_t n;
};

/* Parses tokens like "vlan:10" "vxlan:5001"; 0, or -1 with msg set. */
int tg_encap_parse(struct tg_encap *e, char **tok, size_t n, char *msg, size_t msglen);
/* Wraps the packet at buf[*off..*off+*len) (ethertype *type) in e's layers,
 * writing headers before it; updates the three. 0 or -1 with err set. */
int tg_encap_wrap(const struct tg_encap *e, uint8_t *buf, size_t *off, size_t *len,
                  uint16_t *type, bool from_client, uint16_t ipid, char *err, size_t errlen);

/* ---- checksum.c ---- */
uint32_t tg_sum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t tg_sum_fold(uint32_t sum);

/* ---- build_link.c ---- */
int tg_link_dlt(const struct tg_link *l);
/* Writes the link header for an IP packet of the family; from_client picks
 * the MAC/direction fields. Returns its length. buf needs 64 bytes. */
size_t tg_link_write(const struct tg_link *l, int family, bool from_client,
                     uint8_t *buf);
/* The same for any ethertype and a payload of payload_len bytes (NFLOG
 * records it); raw, null and NFLOG links carry only IPv4 and IPv6
 * (tg_link_carries). */
size_t tg_link_write_type(const struct tg_link *l, uint16_t etype, size_t payload_len,
                          bool from_client, uint8_t *buf);
bool tg_link_carries(const struct tg_link *l, uint16_t etype);

/* ---- build_ip.c ---- */
size_t tg_ip_header_len(int family, const struct tg_seg *s);
/* Writes the IP header (and IPv6 extension headers) for l4_len bytes of TCP. */
void tg_ip_write(uint8_t *buf, const struct tg_addr *src,
                 const struct tg_addr *dst, const struct tg_seg *s,
                 size_t l4_len);
/* The IPv4 header checksum over hlen bytes, written in place. */
void tg_ipv4_checksum(uint8_t *ip, size_t hlen);

/* ---- build_tcp.c ---- */
size_t tg_tcp_header_len(const struct tg_seg *s);
/* Writes header, options and filler payload; fills at most fill_max payload
 * bytes (the rest is cut by the snaplen anyway) and computes the checksum
 * over what was written. Returns the full TCP length. */
size_t tg_tcp_write(uint8_t *buf, const struct tg_addr *src,
                    const struct tg_addr *dst, const struct tg_seg *s,
                    size_t fill_max);
/* Filler byte for sequence number seq: retransmissions repeat the bytes. */
static inline uint8_t tg_filler_byte(uint32_t seq)
{
	return (uint8_t)('a' + seq % 26u);
}

/* ---- tcpopt.c: option encoders, each returns 0 or -1 when full ---- */
int tg_opt_mss(uint8_t *opts, size_t *len, uint16_t mss);
int tg_opt_wscale(uint8_t *opts, size_t *len, uint8_t shift);
int tg_opt_sackok(uint8_t *opts, size_t *len);
int tg_opt_sack(uint8_t *opts, size_t *len, const uint32_t *edges, size_t n);
int tg_opt_timestamps(uint8_t *opts, size_t *len, uint32_t val, uint32_t ecr);
int tg_opt_raw(uint8_t *opts, size_t *len, const uint8_t *bytes, size_t n);

/* ---- writer.c ---- */
struct tg_writer;
struct tg_writer *tg_writer_open(const char *path, int dlt, uint32_t snaplen,
                                 bool nano, char errbuf[TG_ERRBUF_SIZE]);
/* ts_ns: nanoseconds since the epoch. caplen 0 = min(wirelen, snaplen). */
int tg_writer_put(struct tg_writer *w, int64_t ts_ns, const uint8_t *frame,
                  uint32_t wirelen, uint32_t caplen);
uint64_t tg_writer_count(const struct tg_writer *w);
uint32_t tg_writer_snaplen(const struct tg_writer *w);
int tg_writer_close(struct tg_writer *w, char errbuf[TG_ERRBUF_SIZE]);

/* ---- frame.c: link + IP + TCP into one buffer, then to the writer ---- */
struct tg_framer {
	struct tg_link link;
	struct tg_writer *w;
	uint8_t frame[TG_MAX_FRAME];
	uint8_t scratch[TG_MAX_FRAME];  /* fragments */
};
/* The same inside encapsulation layers, and again mirror_after_ns later
 * inside the mirror layers when mirror is not NULL (no fragments). */
int tg_framer_emit_wrapped(struct tg_framer *f, int64_t ts_ns, bool from_client,
                           const struct tg_addr *src, const struct tg_addr *dst,
                           const struct tg_seg *s, uint32_t caplen, int64_t dup_after_ns,
                           const struct tg_encap *encap, const struct tg_encap *mirror,
                           int64_t mirror_after_ns, char errbuf[TG_ERRBUF_SIZE]);
/* Builds and writes one segment (several frames when split into fragments).
 * caplen 0 = the writer's snaplen. dup_after_ns >= 0 writes the same frame
 * again that much later (a SPAN duplicate). */
int tg_framer_emit(struct tg_framer *f, int64_t ts_ns, bool from_client,
                   const struct tg_addr *src, const struct tg_addr *dst,
                   const struct tg_seg *s, uint32_t caplen,
                   int64_t dup_after_ns, char errbuf[TG_ERRBUF_SIZE]);

/* ---- flow.c: named endpoint pairs and per-direction sequence tracking ---- */
struct tg_half {
	uint32_t isn;
	uint32_t next;      /* highest sequence number sent + 1 */
	uint32_t rcv;       /* what the peer has received in order */
	uint16_t ipid;
};

struct tg_flow {
	char name[TG_NAME_MAX];
	struct tg_addr client, server;
	struct tg_half c2s, s2c;
	struct tg_encap encap;      /* `encap NAME ...`: every packet inside these */
	struct tg_encap mirror;     /* `mirror NAME DELAY ...`: and a copy in these */
	int64_t mirror_after_ns;    /* -1: no mirror copy */
};

struct tg_flows {
	struct tg_flow *v;
	size_t n, cap;
};

void tg_flows_init(struct tg_flows *t);
void tg_flows_free(struct tg_flows *t);
struct tg_flow *tg_flows_find(struct tg_flows *t, const char *name);
/* Adds or replaces a flow (a redefinition starts the tracking anew). */
struct tg_flow *tg_flows_put(struct tg_flows *t, const char *name);
void tg_flow_reset(struct tg_flow *f, uint32_t isn_client, uint32_t isn_server);
/* Sequence space a segment occupies: payload plus one for SYN and for FIN. */
uint32_t tg_seg_space(const struct tg_seg *s);
/* Account one segment sent on half snd; delivered says whether the peer
 * got it (not for a segment lost before the receiver). */
void tg_half_sent(struct tg_half *snd, const struct tg_seg *s, bool delivered);
/* An explicit ACK for half h: the data up to ack has arrived (and was sent). */
void tg_half_acked(struct tg_half *h, uint32_t ack);

/* ---- lex.c: small parsers for tokens ---- */
int tg_parse_u64(const char *s, uint64_t max, uint64_t *out);
int tg_parse_seconds_ns(const char *s, int64_t *out);   /* "1.25" -> ns */
int tg_parse_endpoint(const char *s, struct tg_addr *out);
int tg_parse_hex(const char *s, uint8_t *out, size_t max, size_t *n);

/* splitmix64: deterministic, seeded, state owned by the caller */
static inline uint64_t tg_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- bulk.c: benchmark traffic ---- */
struct tg_bulk_opts {
	uint64_t flows;
	uint64_t packets;       /* total, shared among the flows */
	unsigned retx_permille; /* data segments sent twice, per 1000 */
	uint64_t seed;
	uint64_t concurrent;    /* flows in progress at once */
	uint32_t segment;       /* payload bytes per data segment */
	uint64_t gap_ns;        /* packets gap_ns to 2 x gap_ns apart */
};
struct tg_short_opts {
	uint64_t connections;
	unsigned refused_permille;
	uint64_t concurrent;
	uint64_t seed;
	uint64_t gap_ns;        /* packets gap_ns to 2 x gap_ns apart */
};
void tg_bulk_opts_default(struct tg_bulk_opts *o);
void tg_short_opts_default(struct tg_short_opts *o);
/* Both start at *ts_ns and leave it at the last packet's time. */
int tg_bulk_write(struct tg_framer *f, const struct tg_bulk_opts *o,
                  int64_t *ts_ns, char errbuf[TG_ERRBUF_SIZE]);
int tg_short_write(struct tg_framer *f, const struct tg_short_opts *o,
                   int64_t *ts_ns, char errbuf[TG_ERRBUF_SIZE]);

/* ---- scenario.c / scenario_line.c: the text format (FORMAT.md) ---- */
struct tg_scenario;
/* Reads a whole scenario; name is used in error messages ("name:LINE: ..."). */
struct tg_scenario *tg_scenario_new(const char *name, char errbuf[TG_ERRBUF_SIZE]);
int tg_scenario_load(struct tg_scenario *sc, FILE *in, char errbuf[TG_ERRBUF_SIZE]);
/* Runs the loaded lines, writing to path. Returns 0 or -1 with errbuf set
 * ("name:LINE: message"). */
int tg_scenario_run(struct tg_scenario *sc, const char *path,
                    char errbuf[TG_ERRBUF_SIZE]);
void tg_scenario_free(struct tg_scenario *sc);

#endif
