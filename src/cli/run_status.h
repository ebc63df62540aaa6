/* \summary: the exit status of a run whose report was written */
#ifndef TCPSCOPE_RUN_STATUS_H
#define TCPSCOPE_RUN_STATUS_H

#include <stdbool.h>
#include <stdio.h>
#include "run_int.h"

/* The status of a run whose report was written: a read error, then an
 * interruption, a truncated input, nothing decodable, a missing --explain
 * flow, and last a failed check (from ts_checks_evaluate); what decided it
 * is said on err. */
enum ts_exit_status ts_run_report_status(const struct run_state *rs, const struct ts_report_input *in,
                                         bool check_failed, FILE *err);
const char *ts_run_signal_name(int sig);

#endif
