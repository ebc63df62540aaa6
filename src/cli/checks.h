/* \summary: --fail-on, --expect and --forbid, checked against the finished report */
#ifndef TCPSCOPE_CHECKS_H
#define TCPSCOPE_CHECKS_H

#include <stdbool.h>
#include <stdio.h>
#include "cli.h"
#include "tcpscope/report.h"

/* --fail-on, --expect, --forbid against the finished report: true when one
 * failed, and what failed is said on err. */
bool ts_checks_evaluate(const struct ts_cli *cli, const struct ts_report_input *in, FILE *err);

#endif
