/* \summary: finished flows kept for the report, packed without their zero bytes */
#ifndef TCPSCOPE_FLOW_ARCHIVE_H
#define TCPSCOPE_FLOW_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "tcpscope/flow.h"

/*
 * A capture of a million short connections must not keep a million 500-byte
 * flow records: a finished flow is packed into a few dozen bytes (most of its
 * figures are zero) and appended to large chunks, its findings and rare
 * figures inline, and its live record is freed for the next connection.
 * Records leave oldest first when a cap is set, so whole chunks are freed.
 */
struct ts_archive_chunk;

struct ts_archive_ref {
	uint64_t id;                  /* the flow's id (renumbered by a sharded run) */
	const uint8_t *rec;           /* its packed record */
};

struct ts_flow_archive {
	struct ts_archive_chunk *head, *tail; /* oldest first */
	struct ts_archive_ref *refs;  /* refs[first .. first + count), oldest first */
	size_t first, count, cap;
	size_t packed_bytes;          /* bytes of the records held */
};

void ts_flow_archive_init(struct ts_flow_archive *a);
void ts_flow_archive_free(struct ts_flow_archive *a);

/* Pack f (with its findings and rare figures) at the end. f is unchanged;
 * the caller frees it. Returns 0, or -1 when memory ran out. */
int ts_flow_archive_push(struct ts_flow_archive *a, const struct ts_flow *f);

/* The same, with up to four bits of the caller's (TS_ARCHIVE_MARKS) kept
 * beside the record: what a later pass over every flow wants to know
 * without unpacking each one. */
#define TS_ARCHIVE_MARKS 0x0f
int ts_flow_archive_push_marked(struct ts_flow_archive *a, const struct ts_flow *f, uint8_t marks);

/* The marks a record was pushed with. */
static inline uint8_t ts_flow_archive_marks(const struct ts_archive_ref *r)
{
	return (uint8_t)(r->rec[0] >> 4);
}

/* Forget the oldest record; its chunk is freed once all of its records are. */
void ts_flow_archive_drop_oldest(struct ts_flow_archive *a);

/* Move every record of src to the end of dst. Returns 0, or -1 (src kept). */
int ts_flow_archive_adopt(struct ts_flow_archive *dst, struct ts_flow_archive *src);

static inline struct ts_archive_ref *ts_flow_archive_ref(struct ts_flow_archive *a, size_t i)
{
	return &a->refs[a->first + i];
}

/* What a pass over every flow may read without unpacking one: the two end
 * states, the first packet's time, and per finding (in the flow's order)
 * its code, severity and time. */
struct ts_flow_digest {
	uint8_t cli_state, srv_state;
	unsigned n_anomalies;
	struct timespec first;
	struct ts_anomaly_digest {
		struct timespec ts;
		uint8_t code, severity;
	} an[TS_FLOW_MAX_ANOMALIES];
};

void ts_flow_archive_digest(const struct ts_archive_ref *r, struct ts_flow_digest *d);

/* Who opened a flow to whom, when, and how its handshake went: what a pass
 * over the connection attempts reads, from a record without unpacking it. */
struct ts_flow_brief {
	struct ts_flow_key key;
	struct timespec first;
	uint8_t handshake;           /* enum ts_handshake */
	bool client_is_lo, roles_known, simultaneous_open, cli_syn_seen;
};

void ts_flow_archive_brief(const struct ts_archive_ref *r, struct ts_flow_brief *b);
void ts_flow_brief_of(const struct ts_flow *f, struct ts_flow_brief *b);

/* Finding k of a record (k below its digest's count) and the record's
 * brief, without unpacking the flow: what a record of one finding reads. */
void ts_flow_archive_finding(const struct ts_archive_ref *r, unsigned k, struct ts_flow_brief *b,
                             struct ts_anomaly *an);

/* Room to unpack one record: the flow and what it points to. */
struct ts_flow_unpacked {
	struct ts_flow flow;
	struct ts_endpoint_rare rare[2];
	struct ts_anomaly anomalies[TS_FLOW_MAX_ANOMALIES];
};

/* Unpack a record into u; returns &u->flow, whose pointers lead into u. */
const struct ts_flow *ts_flow_archive_unpack(const struct ts_archive_ref *r, struct ts_flow_unpacked *u);

#endif
