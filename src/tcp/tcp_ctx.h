/* \summary: the segment in hand and the context the TCP engine's units pass each other */
#ifndef TCPSCOPE_TCP_CTX_H
#define TCPSCOPE_TCP_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "tcpscope/dissect.h"
#include "tcpscope/flow.h"
#include "tcpscope/segment.h"
#include "tcpscope/tcp_env.h"

struct ts_seg {
	const struct ts_decoded *d;
	struct timespec ts;
	int64_t ts_ns;
	uint64_t index;
	uint32_t seq, ack, len, seq_len; /* seq_len = payload + SYN + FIN */
	uint8_t flags;
	enum ts_seg_class cls;
	bool retx;            /* counts as a retransmitted segment (TcpRetransSegs) */
	bool sim_open_synack; /* the SYN-ACK of a simultaneous open */
	bool frame_seen;      /* a copy of a frame seen before: its IP-ID (IPv4), or its fingerprint */
	bool late_original;   /* a delayed original standing for the resend that came first */
	/* The evidence behind the class, for --explain. */
	const char *rule;
	const char *retx_kind;
	int64_t hole_age_ns;
	uint16_t newest_ip_id;
	uint32_t highest_sent;
	int64_t since_prev_ns;
};

struct ts_tcp_ctx {
	const struct ts_tcp_env *env;
	struct ts_flow *f;
	struct ts_seg *seg;
	struct ts_endpoint *snd, *rcv;
	bool from_client;
};

#endif
