/* \summary: test support: build Ethernet/IPv4|IPv6/TCP frames and feed them to the analyzer */
#ifndef TCPSCOPE_TESTS_CORE_FRAMES_H
#define TCPSCOPE_TESTS_CORE_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpscope/analyzer.h"

#define TF_FRAME_MAX 10000   /* Ethernet + IP + TCP + the largest payload used */
#define TF_WIN_ZERO 0x10000u /* window field value for an explicit zero window */
#define TF_T0 1700000000     /* epoch second that test time 0.0 maps to */

/* One TCP segment as it appears on the wire. Zeroed fields mean "absent". */
struct tf_seg {
	uint8_t af;                  /* 4 (also when 0) or 6 */
	const char *src, *dst;       /* addresses as text */
	uint16_t sport, dport;
	uint8_t flags;               /* TS_TCP_* */
	uint32_t seq, ack;
	uint32_t window;             /* 0 -> 65535; TF_WIN_ZERO for 0 */
	uint32_t len;                /* payload bytes (zero-filled) */
	uint16_t mss;                /* MSS option when non-zero */
	bool has_wscale;
	uint8_t wscale;
	bool sackok;
	uint16_t ip_id;
	bool more_fragments;         /* IPv4 MF bit: a first fragment */
	uint32_t sack_left, sack_right; /* one SACK block when right != 0 */
};

/* Write the frame; returns its length, 0 when it does not fit. */
size_t tf_build(const struct tf_seg *s, uint8_t *buf, size_t cap);

/* Build and feed one frame at test time t (seconds after TF_T0). */
void tf_feed(struct ts_analyzer *an, const struct tf_seg *s, double t);

struct timespec tf_time(double t);

/* A conversation between a client and a server; fills in addresses, ports
 * and a fresh IP-ID per packet so that no two sends look like one frame. */
struct tf_conn {
	struct ts_analyzer *an;
	uint8_t af;
	const char *cli, *srv;
	uint16_t cport, sport;
	uint16_t ip_id;
};

void tf_conn_init(struct tf_conn *c, struct ts_analyzer *an, const char *cli, uint16_t cport,
                  const char *srv, uint16_t sport);

/* Send s (flags, seq, ack, len, options) from the client or the server. */
void tf_send(struct tf_conn *c, bool from_client, double t, struct tf_seg s);

#define TF_C(c, t, ...) tf_send((c), true, (t), (struct tf_seg){ __VA_ARGS__ })
#define TF_S(c, t, ...) tf_send((c), false, (t), (struct tf_seg){ __VA_ARGS__ })

/* Analyzer with the default configuration and a fixed seed. */
void tf_analyzer(struct ts_analyzer *an, struct ts_analyzer_config *cfg_or_null);

/* Every flow sorted by id; the caller frees the array. Asserts on failure. */
struct ts_flow **tf_flows(struct ts_analyzer *an, size_t *n);
/* The one flow the analyzer holds (asserts there is exactly one). */
struct ts_flow *tf_only_flow(struct ts_analyzer *an);

/* Findings of one code on a flow, or among the host-level ones. */
unsigned tf_count(const struct ts_flow *f, enum ts_anomaly_code code);
const struct ts_anomaly *tf_find(const struct ts_flow *f, enum ts_anomaly_code code);
unsigned tf_host_count(const struct ts_analyzer *an, enum ts_anomaly_code code);
const struct ts_anomaly *tf_host_find(const struct ts_analyzer *an, enum ts_anomaly_code code);

/* Host figures by address text; asserts the host exists. */
const struct ts_host *tf_host(const struct ts_analyzer *an, const char *addr);
/* The same, or NULL when an has no such host. */
const struct ts_host *tf_host_lookup(const struct ts_analyzer *an, const char *addr);

/* The fixture most engine tests share: an analyzer with the default
 * configuration and one connection 10.0.0.1:40000 > 10.0.0.2:80 on it. */
struct tf_fx {
	struct ts_analyzer an;
	struct tf_conn c;
};
int tf_fx_setup(void **state);
int tf_fx_teardown(void **state);

/*
 * A memory stream for a report, its buffer pointer on the heap: with
 * open_memstream on a local, gcc -O3 takes pointers into the returned text
 * for pointers into the caller's frame (-Wdangling-pointer). tf_mem_close
 * closes the stream and returns the text (free it).
 */
struct tf_mem_out;
FILE *tf_mem_open(struct tf_mem_out **m);
char *tf_mem_close(struct tf_mem_out *m, FILE *o);

#endif
