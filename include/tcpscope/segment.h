/* \summary: one classified TCP segment, as observers (graphs, traces) see it */
#ifndef TCPSCOPE_SEGMENT_H
#define TCPSCOPE_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* How the classifier saw a segment; decided once, before the state machine. */
enum ts_seg_class {
	TS_SEG_CONTROL = 0,   /* no sequence space: pure ACK, RST */
	TS_SEG_NEW,           /* new data, SYN or FIN */
	TS_SEG_RETX,          /* carries bytes already sent */
	TS_SEG_RETX_UNSEEN,   /* fills a hole late: the original was never captured */
	TS_SEG_OUT_OF_ORDER,  /* fills a hole: an original that was delayed */
	TS_SEG_SPAN_DUP,      /* the same packet captured twice */
	TS_SEG_KEEPALIVE,
	TS_SEG_WINDOW_PROBE,
	TS_SEG_NET_DUP,       /* a copy the network made: an IP-ID already seen */
};

const char *ts_seg_class_name(enum ts_seg_class c);

/* Handed to an observer after each segment is processed. Sequence and ACK
 * numbers are relative to each side's ISN (or first seen sequence number). */
struct ts_segment_event {
	struct timespec ts;
	uint64_t flow_id;
	uint64_t pkt_index;
	bool from_client;
	bool retransmission;     /* counts as a retransmitted segment */
	uint8_t flags;           /* TS_TCP_* */
	uint8_t cls;             /* enum ts_seg_class */
	uint32_t seq, len, ack;  /* relative */
	uint32_t window;         /* advertised by the sender, scaled */
	/* Why the classifier decided so, for --explain. */
	const char *rule;        /* one phrase, static; NULL for plain new data and ACKs */
	const char *retx_kind;   /* "fast", "fast, in recovery", "timeout", "spurious" or NULL */
	int64_t hole_age_ns;     /* hole fills: how long the hole had been open, else -1 */
	int64_t since_prev_ns;   /* time since this sender's previous segment */
	uint16_t ip_id, newest_ip_id; /* IPv4 identification and the newest before it */
	uint32_t highest_sent;   /* relative: highest sequence sent before this segment */
	uint16_t peer_dup_acks;  /* duplicate ACKs the peer had sent in a row */
};

#endif
