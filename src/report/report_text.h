/* \summary: the text reporter: summary, tables and grouped anomalies for a terminal */
#ifndef TCPSCOPE_REPORT_TEXT_H
#define TCPSCOPE_REPORT_TEXT_H

#include "tcpscope/report.h"

extern const struct ts_reporter_ops ts_reporter_text;

#endif
