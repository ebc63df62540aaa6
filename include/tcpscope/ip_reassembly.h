/* \summary: IPv4/IPv6 fragment reassembly with bounded memory and packet-time timeouts */
#ifndef TCPSCOPE_IP_REASSEMBLY_H
#define TCPSCOPE_IP_REASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcpscope/dissect.h"
#include "tcpscope/units.h"
#include "tcpscope/ip_reassembly_stats.h"

/*
 * How long an incomplete datagram waits for its missing fragments, on packet
 * time: what the receiving Linux host waits (net.ipv4.ipfrag_time 30 s,
 * net.ipv6.ip6frag_time 60 s, the latter RFC 8200's value), so a datagram
 * the host gave up on is not analysed here either. RFC 791's 15 s is only a
 * suggested initial timer.
 */
#define TS_REASM_TIMEOUT4_NS (30ll * TS_NSEC_PER_SEC)
#define TS_REASM_TIMEOUT6_NS (60ll * TS_NSEC_PER_SEC)
/* Memory in flight, as Linux's ipfrag_high_thresh (4 MiB), and datagrams. */
#define TS_REASM_MAX_BYTES (4u << 20)
#define TS_REASM_MAX_DATAGRAMS 1024u
/* Distinct pieces of one datagram: 65535 bytes over the smallest IPv4 MTU
 * (68) take 1366; more is an attack (overlapping slivers). */
#define TS_REASM_MAX_PIECES 1400u
/* The largest datagram: 65535 bytes of IPv4 total length or IPv6 payload. */
#define TS_REASM_MAX_LEN 65535u

struct ts_reasm_dgram;

struct ts_reasm {
	struct ts_reasm_dgram **buckets;  /* allocated with the first fragment */
	size_t n_buckets;
	struct ts_reasm_dgram *oldest[2], *newest[2]; /* per family, by arrival */
	size_t n_dgrams, bytes;
	size_t max_bytes, max_dgrams;
	uint64_t seed;
	uint8_t *out;                     /* the last reassembled datagram */
	size_t out_cap;
	struct ts_reasm_stats st;
};

/* max_bytes / max_dgrams 0 take the defaults above. */
void ts_reasm_init(struct ts_reasm *r, size_t max_bytes, size_t max_dgrams, uint64_t seed);
void ts_reasm_free(struct ts_reasm *r);

enum ts_reasm_result {
	TS_REASM_COMPLETE = 1,   /* the datagram is whole: *dgram views it */
	TS_REASM_PENDING = 0,    /* waiting for more fragments */
	TS_REASM_DROPPED = -1,   /* the fragment or its datagram was dropped */
};

/*
 * Take in the fragment d describes (d->frag, set by the IP dissectors with
 * TS_DR_IPV4_FRAGMENT / TS_DR_IPV6_FRAGMENT). TS_REASM_COMPLETE when it
 * completed its datagram: *dgram then views the whole datagram rebuilt as one
 * unfragmented IP packet (valid until the next call that completes one, or
 * ts_reasm_free); TS_REASM_PENDING while it waits for more; TS_REASM_DROPPED
 * when the fragment or its datagram was dropped (counted in st), and when
 * memory runs out (counted as evicted).
 */
enum ts_reasm_result ts_reasm_add(struct ts_reasm *r, const struct ts_decoded *d,
                                  const struct timespec *now, struct ts_view *dgram);

/* Drop datagrams whose timeout has passed at now (packet time). */
void ts_reasm_expire(struct ts_reasm *r, const struct timespec *now);

/* The capture is over: count what is still waiting as incomplete (or timed
 * out, when its timeout passed before now) and free it. */
void ts_reasm_finish(struct ts_reasm *r, const struct timespec *now);

/*
 * Decode a rebuilt datagram (IPv4 or IPv6 header first) into out, as
 * ts_decode_packet would have decoded it unfragmented; the link-layer fields
 * of out (VLAN ids) are kept. Sets TS_DE_IP_FRAGMENT.
 */
enum ts_drc ts_reasm_decode(struct ts_view dgram, struct ts_decoded *out, enum ts_decode_reason *reason);

#endif
