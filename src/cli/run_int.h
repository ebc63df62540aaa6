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
#include "live/live.h"
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

/* run_loop.c */
int ts_run_signals_open(void);
int ts_run_on_signal_wake(void *run_state);
void ts_run_read_loop(struct run_state *rs);

/* run_status.c: the status of a run whose report was written: a read error,
 * then an interruption, a truncated input, nothing decodable, a missing
 * --explain flow, and last a failed check; what decided it is said on err. */
int ts_run_report_status(const struct run_state *rs, const struct ts_report_input *in, int check, FILE *err);
const char *ts_run_signal_name(int sig);

/* run_write.c: -w without --write-all, after the analysis. 0, or -1 with errbuf. */
int ts_run_write_anomalous(struct run_state *rs, const struct ts_report_input *in, char errbuf[TS_ERRBUF_SIZE]);

/* run_fanout.c: live capture on several workers (rs->lpar) */
unsigned ts_run_live_workers(const struct ts_cli *cli, FILE *err);
void ts_run_fanout_loop(struct run_state *rs);
int ts_run_fanout_finish(struct run_state *rs, struct ts_capture_stats *st);

#endif
