/* \summary: the offline and single-capture read loop, and the signals that stop it */
#ifndef TCPSCOPE_RUN_LOOP_H
#define TCPSCOPE_RUN_LOOP_H

#include "run_int.h"

int ts_run_signals_open(void);
int ts_run_on_signal_wake(void *run_state);
void ts_run_read_loop(struct run_state *rs);

#endif
