/* \summary: -w without --write-all: the packets of the anomalous flows, by a second pass */
#ifndef TCPSCOPE_RUN_WRITE_H
#define TCPSCOPE_RUN_WRITE_H

#include "run_int.h"
#include "tcpscope/errbuf.h"

/* After the analysis. 0, or -1 with errbuf filled. */
int ts_run_write_anomalous(struct run_state *rs, const struct ts_report_input *in, char errbuf[TS_ERRBUF_SIZE]);

#endif
