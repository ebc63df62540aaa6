/* \summary: port scans: one source probing many ports or hosts, mostly in vain */
#ifndef TCPSCOPE_PORT_SCAN_H
#define TCPSCOPE_PORT_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/flow_view.h"

/* A source found scanning, with what it probed over the whole capture. */
struct ts_port_scan {
	uint8_t af, addr[16];
	uint64_t targets;            /* distinct (host, port) pairs probed in vain */
	uint64_t unanswered, refused; /* of those, by the first probe's outcome */
	uint64_t answered;           /* distinct targets that answered with SYN-ACK */
	uint64_t hosts;              /* distinct hosts among the targets */
	uint64_t window_targets;     /* most first probes within one --port-scan-window */
	struct timespec first, last; /* first and last failed probe */
	char *detail;                /* "SYNs to 1994 ports of 10.0.0.9 (1-1994) ..." (malloc) */
};

/*
 * Finds the scanners among the sources of the flows: a source scans when its
 * first probes of at least cfg.port_scan_targets distinct (host, port) pairs
 * whose SYNs went unanswered or were refused fall within cfg.port_scan_window
 * seconds, and such targets are at least as many as those that answered.
 * Returns the scanners in the order of their first failed probe (*n of them,
 * to free with ts_port_scans_free), or NULL with *n = 0 when there are none
 * or memory ran out (counted in a->alloc_failures).
 */
struct ts_port_scan *ts_port_scans_find(struct ts_analyzer *a, struct ts_flow_view *flows, size_t *n);

/* Whether af/addr is among the scanners. */
bool ts_port_scans_has(const struct ts_port_scan *s, size_t n, uint8_t af, const uint8_t addr[16]);

/* Frees the list and the details not handed over (detail set to NULL). */
void ts_port_scans_free(struct ts_port_scan *s, size_t n);

#endif
