/* \summary: per-host netstat -s figures, folded from finished flows */
#ifndef TCPSCOPE_HOSTS_H
#define TCPSCOPE_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "tcpscope/flow.h"

/* Linux MIB names: TcpActiveOpens ... TcpRetransSegs. */
struct ts_host {
	uint8_t af;
	uint8_t addr[16];
	uint64_t active_opens, passive_opens, failed_attempts, resets, current;
	uint64_t segments_received, segments_sent, segments_retransmitted;
	uint64_t retrans_lost_estimate; /* resends that never reached the capture point */
	uint64_t ipid_not_per_socket;   /* connections whose IP-IDs refute a per-socket counter */
	uint64_t connections;
	uint64_t syns_unanswered;     /* SYNs it sent for connections that never completed nor were refused */
	uint64_t states[TS_ST_COUNT];
	uint64_t first_seen;         /* lowest flow id it took part in: stable order */
};

/*
 * Hosts in the order they were added (v), found through an open-addressing
 * index: each slot holds the upper half of the host's hash beside its place
 * in v, so a probe compares a host's record only when the hash matches.
 * The index is at most half full; a flow's end costs two probes.
 */
struct ts_hosts {
	struct ts_host **v;          /* v[0 .. n): table order */
	size_t n, cap;
	uint64_t *slots;             /* (hash >> 32) << 32 | (place in v + 1); 0 = empty */
	size_t mask;                 /* slots - 1 (a power of two), 0 before the first host */
	uint64_t seed;               /* of the hash: a source cannot aim at slots */
	size_t max_hosts;            /* 0 = unlimited */
	uint64_t unlisted;           /* endpoints not folded because the table was full */
	struct ts_host *recent[2];   /* the last host folded as a flow's lo and hi address */
};

void ts_hosts_init(struct ts_hosts *h);
static inline size_t ts_hosts_count(const struct ts_hosts *h) { return h->n; }
/* The i-th host in table order (the order they were first folded). */
static inline struct ts_host *ts_hosts_at(const struct ts_hosts *h, size_t i) { return h->v[i]; }
void ts_hosts_free(struct ts_hosts *h);

/* Fold both endpoints of a flow into their hosts; a host that would exceed
 * max_hosts is counted in unlisted instead. Returns -1 on allocation failure. */
int ts_hosts_add_flow(struct ts_hosts *h, const struct ts_flow *f);

/* Add every host of src into dst (sums; the lower first_seen). Hosts dst
 * lacks are moved, not copied: src keeps only what was summed. */
void ts_hosts_merge(struct ts_hosts *dst, struct ts_hosts *src);

/* Rewrite each host's first_seen through map (flow ids renumbered). */
void ts_hosts_renumber(struct ts_hosts *h, uint64_t (*map)(void *ctx, uint64_t id), void *ctx);

/* Sort hosts into order of first appearance. */
void ts_hosts_sort(const struct ts_host **v, size_t n);

/* Hosts in order of first appearance. Caller frees the array. */
struct ts_host **ts_hosts_sorted(const struct ts_hosts *h, size_t *count);

/* retrans_pct = retransmitted / sent x 100, netstat's way (0 when nothing sent). */
double ts_host_retrans_pct(const struct ts_host *h);

struct ts_host *ts_hosts_find(const struct ts_hosts *h, uint8_t af, const uint8_t addr[16]);

#endif
