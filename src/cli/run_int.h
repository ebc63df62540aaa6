/* \summary: state of one run shared by the setup (run.c) and the read loop (run_loop.c) */
#ifndef TCPSCOPE_RUN_INT_H
#define TCPSCOPE_RUN_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "tcpscope/explain.h"
#include "tcpscope/live_parallel.h"
#include "tcpscope/parallel.h"
#include "tcpscope/segment_log.h"
#include "progress.h"
#include "tcpscope/live_report.h"
#include "output_file.h"
#include "packet_writer.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

#define TS_RUN_SIGNAL_POLL_NS 100000000   /* signals are looked at ten times a second */
#define TS_RUN_STALL_TICK_NS TS_NSEC_PER_SEC   /* live stall checks once a second */

struct run_state {
	struct ts_cli *cli;
	struct ts_analyzer *an;
	struct ts_capture *cap;
	struct ts_syslog *syslog;
	struct ts_segment_log *segments; /* --format html: segments for the graphs */
	struct ts_explain explain;       /* --explain FLOW */
	struct ts_parallel *par;         /* --threads N: sharded analysis, or NULL */
	struct ts_live_parallel *lpar;   /* -i with --threads N: fanout captures, or NULL */
	FILE *out;
	struct ts_output output;    /* -o: where out goes, renamed into place at the end */
	bool write_failed;          /* the reporter could not write all of the report */
	struct ts_packet_writer writer; /* -w FILE */
	bool json;                  /* periodic records as JSON Lines */
	bool color;
	int sigfd;
	bool stop;
	int stop_signal;            /* the signal that ended the run, 0 if none */
	bool interim_wanted;        /* SIGUSR1 arrived */
	bool live_idle;             /* the last live read found nothing waiting */
	bool truncated;
	bool read_error;
	char error[TS_ERRBUF_SIZE];
	uint64_t packets;           /* packets fed to the analyzer */
	struct timespec started;    /* wall clock at the start */
	int64_t next_poll_ns, next_tick_ns, next_interval_ns, deadline_ns; /* CLOCK_MONOTONIC */
	struct ts_live_mark mark;   /* start of the current --interval */
	struct ts_progress progress;
};

#endif
