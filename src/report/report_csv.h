/* \summary: the CSV reporter: one row per flow */
#ifndef TCPSCOPE_REPORT_CSV_H
#define TCPSCOPE_REPORT_CSV_H

#include "tcpscope/report.h"

extern const struct ts_reporter_ops ts_reporter_csv;

#endif
