/* \summary: alike findings grouped for the text report: one line for a flood of them */
#ifndef TCPSCOPE_ANOMALY_GROUPS_H
#define TCPSCOPE_ANOMALY_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/report.h"

/* Fewer alike findings than this are listed one by one: two or three are
 * read at a glance, and a count would hide which flows they are. */
#define TS_GROUP_MIN 4

#define TS_GROUP_NONE UINT32_MAX

/* One flow finding as the grouping sees it. */
struct ts_group_item {
	uint8_t code, severity, endpoint, af;
	uint8_t cli[16], srv[16];    /* client and server hosts */
	uint16_t cli_port, srv_port;
	uint32_t pos;                /* in the report's anomaly order */
	int64_t ts_ns;
	int64_t duration_ns;         /* -1 without a duration */
	uint32_t group;              /* its group, or TS_GROUP_NONE */
	uint32_t run[2], run_size[2]; /* its run of alike findings [0] to its server port, [1] between its hosts */
	bool preferred;              /* the kind of run it joins first: 1 between its hosts */
};

/*
 * Findings of one code and severity at the same end of their flows, either
 * between the same two hosts (by_pair: a scan, a client retrying), or, of the
 * rest, to the same server port from several clients (a flood).
 */
struct ts_anomaly_group {
	bool by_pair;
	size_t first, count;         /* members[first .. first + count), in report order */
	uint64_t clients;            /* distinct client hosts */
	int64_t first_ns, last_ns;   /* earliest and latest finding */
	int64_t min_duration_ns, max_duration_ns; /* -1 when none has a duration */
};

struct ts_anomaly_groups {
	struct ts_group_item *items; /* one per flow finding considered */
	size_t n_items;
	uint32_t *group_of;          /* per report anomaly: its group, or TS_GROUP_NONE */
	size_t n_anomalies;
	struct ts_anomaly_group *groups;
	size_t n_groups;
	uint32_t *members;           /* indices into items, group by group */
	uint64_t grouped;            /* findings that are in a group */
};

/*
 * Groups the flow findings of in at or above min_severity (host-level ones
 * never are) in runs of at least min_count. Returns 0, or -1 when memory ran
 * out (g is then empty: every finding is listed on its own).
 */
int ts_anomaly_groups_build(struct ts_anomaly_groups *g, const struct ts_report_input *in, int min_severity,
                            unsigned min_count);
void ts_anomaly_groups_free(struct ts_anomaly_groups *g);

/* The group of report anomaly i, or NULL; *leads tells whether i is its
 * first member (where the group is shown). */
const struct ts_anomaly_group *ts_anomaly_group_of(const struct ts_anomaly_groups *g, size_t i, bool *leads);

/* Member k of a group. */
static inline const struct ts_group_item *ts_anomaly_group_item(const struct ts_anomaly_groups *g,
                                                                const struct ts_anomaly_group *gr, size_t k)
{
	return &g->items[g->members[gr->first + k]];
}

/* "client end of 1989 flows from 10.0.0.5 to 10.0.0.9 ports 1-1994": what
 * the group holds, without times. */
size_t ts_anomaly_group_describe(const struct ts_anomaly_groups *g, const struct ts_anomaly_group *gr,
                                 char *buf, size_t len);

#endif
