/* \summary: one run: open the inputs, analyse, report, and say how it ended */
#ifndef TCPSCOPE_RUN_H
#define TCPSCOPE_RUN_H

#include "cli.h"

/* Run the analysis the options describe; returns the exit status. */
enum ts_exit_status ts_run(struct ts_cli *cli);

#endif
