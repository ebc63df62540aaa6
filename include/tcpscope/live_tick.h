/* \summary: live stall detection: every tracked flow checked against the wall clock */
#ifndef TCPSCOPE_LIVE_TICK_H
#define TCPSCOPE_LIVE_TICK_H

#include <stddef.h>
#include <time.h>

#include "tcpscope/analyzer.h"

/*
 * Offline, the packets are the only clock. Live, a connection stuck in
 * CLOSE_WAIT sends nothing, so no packet would ever say that the stall
 * timeout has passed: check every tracked flow against the wall clock.
 * Returns the number of flows looked at.
 */
size_t ts_live_check_stalls(struct ts_analyzer *an, const struct timespec *now);

#endif
