/* \summary: live capture on several workers (PACKET_FANOUT): the loop and the finish */
#ifndef TCPSCOPE_RUN_FANOUT_H
#define TCPSCOPE_RUN_FANOUT_H

#include <stdio.h>
#include "run_int.h"

unsigned ts_run_live_workers(const struct ts_cli *cli, FILE *err);
void ts_run_fanout_loop(struct run_state *rs);
int ts_run_fanout_finish(struct run_state *rs, struct ts_capture_stats *st);

#endif
