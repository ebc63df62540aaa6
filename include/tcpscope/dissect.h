/* \summary: packet dissection: link layer -> IPv4/IPv6 -> TCP, bounds-checked */
#ifndef TCPSCOPE_DISSECT_H
#define TCPSCOPE_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/pkt.h"

/* Result of one dissector. Truncated is not the same as invalid. */
enum ts_drc {
	TS_D_OK = 0,      /* decoded; continue with the next layer */
	TS_D_TRUNC,       /* the capture ended before the header did */
	TS_D_INVALID,     /* the bytes contradict the protocol */
	TS_D_SKIP,        /* well formed, but not something we analyse (ARP, UDP...) */
	TS_D_UNSUPPORTED, /* a link type we cannot decode */
	TS_D_NEXT,        /* IP layers only: decoded, and what follows is a tunnel, not TCP */
};

/*
 * Why a packet was not analysed, or what was odd about it. Every reason has a
 * stable dotted name (ts_decode_reason_name) that appears in the summary.
 * The list is extended by the dissectors; TS_DR_COUNT stays last.
 */
enum ts_decode_reason {
	TS_DR_NONE = 0,
	TS_DR_LINK_UNSUPPORTED,   /* link.unsupported */
	TS_DR_TRUNC_LINK,         /* truncated.link */
	TS_DR_NOT_IP,             /* skipped.not_ip */
	TS_DR_TRUNC_IPV4,         /* truncated.ipv4_header */
	TS_DR_IPV4_BAD_VERSION,   /* ipv4.bad_version */
	TS_DR_IPV4_BAD_HLEN,      /* ipv4.bad_hlen */
	TS_DR_IPV4_BAD_LEN,       /* ipv4.bad_total_len */
	TS_DR_IPV4_FRAGMENT,      /* ipv4.fragment: a fragment, for reassembly (d->frag) */
	TS_DR_TRUNC_IPV6,         /* truncated.ipv6_header */
	TS_DR_IPV6_BAD_VERSION,   /* ipv6.bad_version */
	TS_DR_IPV6_EXT_LIMIT,     /* ipv6.ext_chain_too_long */
	TS_DR_IPV6_BAD_EXT,       /* ipv6.bad_ext_header */
	TS_DR_IPV6_FRAGMENT,      /* ipv6.fragment: a fragment, for reassembly (d->frag) */
	TS_DR_NOT_TCP,            /* skipped.not_tcp */
	TS_DR_TRUNC_TCP,          /* truncated.tcp_header */
	TS_DR_TCP_BAD_DOFF,       /* tcp.bad_data_offset */
	TS_DR_LINK_VLAN_LIMIT,    /* link.vlan_too_deep: a stack of more than TS_VLAN_MAX tags */
	TS_DR_LINK_BAD_IP_VERSION,/* link.bad_ip_version: raw link, nibble not 4/6 */
	TS_DR_IPV6_JUMBOGRAM,     /* ipv6.jumbogram: payload length 0 + hop-by-hop, no valid jumbo option */
	TS_DR_TCP_BAD_LEN,        /* tcp.bad_len: IP length too short for a TCP header */
	/* Encapsulations (dissectors/encap_*.c, tunnel_*.c) */
	TS_DR_ENCAP_TOO_DEEP,     /* encap.too_deep: more than TS_ENCAP_MAX_LAYERS */
	TS_DR_ENCAP_CONTEXT_LONG, /* encap.context_too_long: outer ids exceed TS_CTX_MAX */
	TS_DR_TRUNC_UDP,          /* truncated.udp_header */
	TS_DR_UDP_BAD_LEN,        /* udp.bad_len */
	TS_DR_TRUNC_GRE,          /* truncated.gre */
	TS_DR_GRE_BAD_VERSION,    /* gre.bad_version: not 0, nor 1 as PPTP uses it */
	TS_DR_GRE_ROUTING,        /* gre.routing: RFC 1701 source routing, not decoded */
	TS_DR_GRE_UNKNOWN_PROTO,  /* gre.unknown_proto */
	TS_DR_GRE_PPP_NOT_IP,     /* gre.ppp_not_ip: PPTP carrying LCP, compressed or encrypted PPP, or only an ack */
	TS_DR_TRUNC_ERSPAN,       /* truncated.erspan */
	TS_DR_ERSPAN_BAD_VERSION, /* erspan.bad_version */
	TS_DR_TRUNC_VXLAN,        /* truncated.vxlan */
	TS_DR_VXLAN_NO_VNI,       /* vxlan.no_vni: the I flag is clear */
	TS_DR_TRUNC_GENEVE,       /* truncated.geneve */
	TS_DR_GENEVE_BAD_VERSION, /* geneve.bad_version */
	TS_DR_GENEVE_UNKNOWN_PROTO, /* geneve.unknown_proto */
	TS_DR_TRUNC_GTPU,         /* truncated.gtpu */
	TS_DR_GTPU_BAD_VERSION,   /* gtpu.bad_version: not GTPv1 */
	TS_DR_GTPU_NOT_TPDU,      /* gtpu.not_tpdu: signalling, no user packet */
	TS_DR_GTPU_BAD_EXT,       /* gtpu.bad_ext_header */
	TS_DR_TRUNC_MPLS,         /* truncated.mpls */
	TS_DR_MPLS_TOO_DEEP,      /* mpls.too_deep: more than TS_MPLS_MAX labels */
	TS_DR_TRUNC_PPPOE,        /* truncated.pppoe */
	TS_DR_PPPOE_BAD_VERSION,  /* pppoe.bad_version */
	TS_DR_PPPOE_NOT_IP,       /* pppoe.not_ip: LCP, IPCP, ... */
	TS_DR_PPPOE_BAD_LEN,      /* pppoe.bad_len: shorter than its PPP protocol field */
	TS_DR_TRUNC_TEREDO,       /* truncated.teredo */
	TS_DR_TEREDO_NOT_IPV6,    /* teredo.not_ipv6 */
	TS_DR_TRUNC_VNTAG,        /* truncated.vntag */
	TS_DR_TRUNC_FABRICPATH,   /* truncated.fabricpath */
	TS_DR_TRUNC_NFLOG,        /* truncated.nflog */
	TS_DR_NFLOG_BAD_TLV,      /* nflog.bad_tlv */
	TS_DR_NFLOG_NO_PAYLOAD,   /* nflog.no_payload */
	TS_DR_TRUNC_IPOIB,        /* truncated.ipoib */
	TS_DR_TRUNC_FDDI,         /* truncated.fddi */
	TS_DR_IPIP_NOT_IP,        /* ipip.bad_inner_version */
	TS_DR_COUNT
};

/* Soft findings: the packet is still analysed. Bit flags in ts_decoded.events. */
enum ts_decode_event {
	TS_DE_TCP_OPT_BAD_LEN   = 1u << 0, /* tcp.opt_bad_len */
	TS_DE_TCP_OPT_DUPLICATE = 1u << 1, /* tcp.opt_duplicate */
	TS_DE_TCP_OPT_TRUNC     = 1u << 2, /* truncated.tcp_options */
	TS_DE_IP_FRAGMENT       = 1u << 3, /* ip.fragment: a TCP segment reassembled from fragments */
	TS_DE_IP_LEN_BEYOND_CAP = 1u << 4, /* ip.len_beyond_caplen: snaplen cut (normal) */
	TS_DE_IPV4_BAD_CSUM     = 1u << 5, /* ipv4.bad_checksum: reserved, not checked yet */
	TS_DE_TIME_BACKWARDS    = 1u << 6, /* capture.time_backwards: counted per packet, not decoded */
	TS_DE_IP_TSO            = 1u << 7, /* ip.tso_super_segment: IP length 0 or a jumbo option */
	TS_DE_COUNT_BITS        = 8
};

#define TS_TCP_FIN 0x01
#define TS_TCP_SYN 0x02
#define TS_TCP_RST 0x04
#define TS_TCP_PSH 0x08
#define TS_TCP_ACK 0x10
#define TS_TCP_URG 0x20
#define TS_TCP_ECE 0x40
#define TS_TCP_CWR 0x80

#define TS_TCP_MAX_SACK 4
#define TS_VLAN_MAX 8              /* 802.1Q/802.1ad tags per stack; more: link.vlan_too_deep */
#define TS_MPLS_MAX 8              /* MPLS labels per stack; more: mpls.too_deep */
#define TS_ENCAP_MAX_LAYERS 16     /* headers between link and TCP; more: encap.too_deep */
#define TS_CTX_MAX 40              /* bytes of outer identity (struct ts_decoded.ctx) */
#define TS_DECODE_MAX_VXLAN_PORTS 8
#define TS_IPV6_MAX_EXT_HEADERS 8  /* longer chains: TS_DR_IPV6_EXT_LIMIT */

struct ts_tcp_opts {
	bool has_mss, has_wscale, sack_permitted, has_timestamps;
	uint16_t mss;
	uint8_t wscale;
	uint8_t sack_blocks;                    /* number of valid entries below */
	uint32_t sack[TS_TCP_MAX_SACK][2];      /* [left, right) edges */
	uint32_t tsval, tsecr;
};

/*
 * Encapsulations a packet went through, bits in ts_decoded.encaps; each has a
 * stable name (ts_encap_name) for the per-capture counts.
 */
enum ts_encap {
	TS_ENC_VLAN = 0,   /* vlan */
	TS_ENC_MPLS,       /* mpls */
	TS_ENC_PPPOE,      /* pppoe */
	TS_ENC_LLC_SNAP,   /* llc_snap */
	TS_ENC_GRE,        /* gre */
	TS_ENC_ERSPAN,     /* erspan */
	TS_ENC_WCCP,       /* wccp */
	TS_ENC_VXLAN,      /* vxlan */
	TS_ENC_GENEVE,     /* geneve */
	TS_ENC_GTPU,       /* gtpu */
	TS_ENC_IPIP,       /* ip_in_ip: IPv4 or IPv6 inside IPv4 or IPv6 (4, 41) */
	TS_ENC_TEREDO,     /* teredo */
	TS_ENC_VNTAG,      /* vntag */
	TS_ENC_FABRICPATH, /* fabricpath */
	TS_ENC_ETH_INNER,  /* inner_ethernet: an Ethernet frame inside a tunnel */
	TS_ENC_PPTP,       /* pptp: enhanced GRE (version 1) carrying PPP */
	TS_ENC_COUNT
};

/*
 * Kinds of outer identity recorded in ts_decoded.ctx, as (kind, value) with
 * the value in network order: VLAN id 2 bytes, VNIs 3, GRE key 4. Only ids
 * both directions share: MPLS labels and GTP TEIDs are chosen per direction,
 * so they would split one connection in two. Mirror wrappers (ERSPAN,
 * FabricPath) clear what came before them: the copy belongs to the
 * conversation it copies.
 */
enum ts_ctx_kind {
	TS_CTX_VLAN = 1,
	TS_CTX_VXLAN,
	TS_CTX_GENEVE,
	TS_CTX_GRE_KEY,
};

/* Decoder settings from the command line. */
struct ts_decode_config {
	uint16_t vxlan_ports[TS_DECODE_MAX_VXLAN_PORTS]; /* besides 4789 */
	uint8_t n_vxlan_ports;
};

/*
 * A fragment of an IP datagram carrying TCP, as the IP dissectors leave it
 * for reassembly: where the header and this fragment's data are in the
 * packet, and which datagram and part it is.
 */
struct ts_ip_frag {
	const uint8_t *hdr;         /* the IPv4 header, or the IPv6 fixed header */
	const uint8_t *data;        /* first byte of this fragment's data */
	uint32_t id;                /* IPv4 identification, IPv6 fragment id */
	uint32_t len;               /* data bytes the header declares */
	uint32_t captured;          /* data bytes in the capture (<= len) */
	uint16_t offset;            /* in bytes */
	uint8_t hdr_len;            /* IPv4 header length, 40 for IPv6 */
	uint8_t more;               /* MF / M flag */
	uint8_t proto;              /* 6 */
};

/* Everything the analyzer needs from one TCP/IP packet. */
struct ts_decoded {
	uint8_t af;                 /* 4 or 6 */
	uint8_t ttl;                /* TTL or hop limit */
	uint8_t src[16], dst[16];   /* IPv4 uses the first 4 bytes, rest zero */
	uint16_t ip_id;             /* IPv4 identification, 0 for IPv6 */
	uint32_t ip_len;            /* IP datagram length from the IP header */
	uint32_t l4_len;            /* TCP header + payload as the IP header(s) declare;
	                             * for a first fragment only this fragment's */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;              /* TS_TCP_* */
	uint16_t window;            /* raw, unscaled */
	uint8_t tcp_hlen;           /* bytes, options included */
	uint32_t payload_len;       /* from the IP header, not from caplen */
	uint32_t payload_captured;  /* how much of the payload is in the capture */
	const uint8_t *payload;     /* first captured payload byte (may be none) */
	struct ts_tcp_opts opts;
	uint32_t events;            /* TS_DE_* */
	uint16_t vlan[TS_VLAN_MAX]; /* the first VLAN ids, outermost first; 0 when untagged */
	uint8_t vlan_count;
	uint32_t wire_beyond_cap;   /* bytes the capture cut off the packet's end */
	struct ts_ip_frag frag;     /* set with TS_DR_IPV4/IPV6_FRAGMENT only */
	uint8_t ctx_len;            /* bytes used in ctx; 0: no outer identity */
	uint16_t encaps;            /* 1 << TS_ENC_*: what the packet went through */
	uint8_t ctx[TS_CTX_MAX];    /* (kind, value) records, outermost first */
};

/* Cursor that one layer hands to the next: bounds come from caplen. */
struct ts_view {
	const uint8_t *p;
	size_t len;
};

/*
 * Shared dissector signature: read the header at in, fill out, narrow next to
 * the layer's payload, set *reason on anything but TS_D_OK. No I/O, no globals.
 */
typedef enum ts_drc (*ts_dissect_fn)(struct ts_view in, struct ts_decoded *out,
                                     struct ts_view *next, uint16_t *next_proto,
                                     enum ts_decode_reason *reason);

/*
 * Link dissectors: next_proto is an ethertype (0x0800, 0x86dd, ...).
 * ts_dissect_raw looks at the version nibble; raw4/raw6 are DLT_IPV4/DLT_IPV6.
 * ts_dissect_null reads the family in host order (either order accepted),
 * ts_dissect_loop in network order.
 */
enum ts_drc ts_dissect_eth(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason);
enum ts_drc ts_dissect_sll(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason);
enum ts_drc ts_dissect_sll2(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason);
enum ts_drc ts_dissect_raw(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason);
enum ts_drc ts_dissect_raw4(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason);
enum ts_drc ts_dissect_raw6(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason);
enum ts_drc ts_dissect_null(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason);
enum ts_drc ts_dissect_loop(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason);

/*
 * IP dissectors: fill af, ttl, addresses, ip_id, ip_len, l4_len and narrow
 * next to min(captured, declared) L4 bytes (frame padding is cut off).
 * TS_D_OK is TCP; the protocols that may tunnel it (UDP, GRE, IPv4 and IPv6
 * in IP) are TS_D_NEXT, so plain TCP takes no extra test; anything else is
 * TS_D_SKIP / TS_DR_NOT_TCP. next_proto is the IP protocol.
 * A fragment of a TCP datagram is TS_D_SKIP with TS_DR_IPV4_FRAGMENT or
 * TS_DR_IPV6_FRAGMENT and out->frag filled: ts_reasm_add puts it together
 * (tunnels are not reassembled: a first fragment is decoded as far as it goes).
 * A TSO/GSO super-segment (IPv4 total length 0, IPv6 payload length 0 with
 * or without a jumbo payload option) takes its length from the packet
 * (captured plus out->wire_beyond_cap) or the jumbo option: TS_DE_IP_TSO.
 */
enum ts_drc ts_dissect_ipv4(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason);
enum ts_drc ts_dissect_ipv6(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason);

/*
 * TCP: reads out->l4_len (set by the IP layer) as the declared segment length.
 * Resets out->opts; next is the captured payload.
 */
enum ts_drc ts_dissect_tcp(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason);

/*
 * Encapsulation dissectors. The ethertype-keyed ones (VLAN, MPLS, PPPoE,
 * VN-Tag, FabricPath, ERSPAN, inner Ethernet) give an ethertype in
 * next_proto; TS_PROTO_ETHERNET means an Ethernet frame follows.
 * ts_dissect_udp sets out->sport/dport for the port dispatch in decode.c.
 */
#define TS_PROTO_ETHERNET 0x6558 /* Transparent Ethernet Bridging (RFC 1701) */
#define TS_DISSECT_DECL(name)                                                    \
	enum ts_drc name(struct ts_view in, struct ts_decoded *out,                  \
	                 struct ts_view *next, uint16_t *next_proto,                 \
	                 enum ts_decode_reason *reason)
TS_DISSECT_DECL(ts_dissect_vlan);
TS_DISSECT_DECL(ts_dissect_mpls);
TS_DISSECT_DECL(ts_dissect_pppoe);
TS_DISSECT_DECL(ts_dissect_vntag);
TS_DISSECT_DECL(ts_dissect_fabricpath);
TS_DISSECT_DECL(ts_dissect_eth_inner);
TS_DISSECT_DECL(ts_dissect_gre);
TS_DISSECT_DECL(ts_dissect_erspan2);
TS_DISSECT_DECL(ts_dissect_erspan3);
TS_DISSECT_DECL(ts_dissect_udp);
TS_DISSECT_DECL(ts_dissect_vxlan);
TS_DISSECT_DECL(ts_dissect_geneve);
TS_DISSECT_DECL(ts_dissect_gtpu);
TS_DISSECT_DECL(ts_dissect_teredo);
TS_DISSECT_DECL(ts_dissect_fddi);
TS_DISSECT_DECL(ts_dissect_ipoib);
TS_DISSECT_DECL(ts_dissect_nflog);

/* The link dissector for a DLT (or LINKTYPE_RAW), NULL when unsupported. */
ts_dissect_fn ts_dissector_for_dlt(int dlt);

/*
 * Decode a whole packet. Returns TS_D_OK only for a TCP segment. Only events,
 * wire_beyond_cap, the VLAN, context and encapsulation fields are reset up front; on anything but TS_D_OK the fields of
 * layers that were not reached keep older values and must not be used.
 */
enum ts_drc ts_decode_packet(const struct ts_pkt *pkt, struct ts_decoded *out,
                             enum ts_decode_reason *reason);
/* The same with decoder settings (NULL: the defaults). */
enum ts_drc ts_decode_packet_cfg(const struct ts_pkt *pkt, const struct ts_decode_config *cfg,
                                 struct ts_decoded *out, enum ts_decode_reason *reason);
/* Adds a UDP port that carries VXLAN. Returns -1 when the list is full. */
int ts_decode_config_add_vxlan_port(struct ts_decode_config *cfg, uint16_t port);

const char *ts_decode_reason_name(enum ts_decode_reason r); /* never NULL */
/* bit index 0..TS_DE_COUNT_BITS-1; "decode.unknown" outside */
const char *ts_decode_event_name(unsigned bit);
/* "vlan", "vxlan", ...; "encap.unknown" outside 0..TS_ENC_COUNT-1 */
const char *ts_encap_name(unsigned e);
/* "EN10MB", ..., or "DLT_<n>" for 0 <= n < 600, else "DLT_unknown" */
const char *ts_linktype_name(int dlt);

#endif
