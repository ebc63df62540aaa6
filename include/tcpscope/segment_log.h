/* \summary: segment log: per-flow segment events kept compactly for graphs, bounded in memory */
#ifndef TCPSCOPE_SEGMENT_LOG_H
#define TCPSCOPE_SEGMENT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/segment.h"

/*
 * Every segment event is offered to the log; it keeps, per flow, all the
 * notable ones (retransmissions, out-of-order, SYN, FIN, RST) up to
 * max_notable and a stride sample of the others, per direction and per
 * data/ACK: when max_ordinary of them are held, every other one of the
 * largest such category is dropped and its stride doubles. RTT samples
 * are taken while recording, from every event, so decimation does not bias
 * them. A byte budget bounds the whole log; what it refuses is counted.
 */
struct ts_segment_log_limits {
	uint32_t max_ordinary;   /* plain data segments and ACKs per flow (2048) */
	uint32_t max_notable;    /* retransmissions, SYN/FIN/RST... per flow (2048) */
	uint32_t max_rtt;        /* RTT samples per flow (1024) */
	size_t max_bytes;        /* whole log (128 MiB) */
};

/* One kept segment; sequence numbers relative as in struct ts_segment_event. */
struct ts_segment_record {
	int64_t ts_ns;
	uint32_t seq, len, ack, window;
	uint8_t flags;           /* TS_TCP_* */
	uint8_t cls;             /* enum ts_seg_class */
	bool from_client;
	bool retransmission;
};

/* Time from a data segment (or SYN/FIN) to the first ACK covering it. */
struct ts_segment_rtt {
	int64_t ts_ns;           /* when the covering ACK was seen */
	uint32_t rtt_us;
	bool from_client;        /* direction of the data that was timed */
};

/* A read-only view of one flow's log. */
struct ts_segment_flow_view {
	const struct ts_segment_record *rec; /* in capture order */
	size_t n_rec;
	const struct ts_segment_rtt *rtt;
	size_t n_rtt;
	uint64_t seen;           /* events offered for this flow */
	uint64_t dropped;        /* events refused: caps or the byte budget */
	uint32_t stride;         /* largest stride: 1 = every plain event kept */
	bool notable_capped;     /* some notable events were not kept */
};

struct ts_segment_log_stats {
	uint64_t events;         /* offered */
	uint64_t kept;           /* held now */
	uint64_t flows;          /* flows with a log */
	uint64_t budget_drops;   /* events refused for lack of budget (or memory) */
	size_t bytes;            /* memory held */
};

struct ts_segment_log;

void ts_segment_log_limits_default(struct ts_segment_log_limits *l);

/* NULL limits take the defaults. Returns NULL when out of memory. */
struct ts_segment_log *ts_segment_log_new(const struct ts_segment_log_limits *limits);
void ts_segment_log_free(struct ts_segment_log *log);

/* The analyzer's segment hook (ts_segment_fn); ctx is the log. */
void ts_segment_log_record(void *ctx, const struct ts_flow *f, const struct ts_segment_event *ev);

/* Point cfg's segment hook at the log. */
void ts_segment_log_attach(struct ts_segment_log *log, struct ts_analyzer_config *cfg);

/* Fill *view for a flow id; returns -1 (view zeroed) when nothing was logged. */
int ts_segment_log_view(const struct ts_segment_log *log, uint64_t flow_id,
                        struct ts_segment_flow_view *view);

void ts_segment_log_stats(const struct ts_segment_log *log, struct ts_segment_log_stats *st);

/* True for the events the log always keeps. */
bool ts_segment_is_notable(uint8_t flags, uint8_t cls, bool retransmission);

#endif
