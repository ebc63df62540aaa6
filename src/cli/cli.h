/* \summary: command-line options of tcpscope */
#ifndef TCPSCOPE_CLI_H
#define TCPSCOPE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/capture.h"
#include "tcpscope/report.h"
#include "tcpscope/units.h"

/* Exit statuses, as documented in --help and the man page. */
enum ts_exit {
	TS_EXIT_OK = 0,
	TS_EXIT_USAGE = 1,
	TS_EXIT_INPUT = 2,
	TS_EXIT_CHECK = 3,
	TS_EXIT_TRUNCATED = 4,
	TS_EXIT_INTERRUPTED = 5, /* offline run ended by SIGINT/SIGTERM: partial report */
};

#define TS_MAX_INPUTS 256
#define TS_MAX_THREADS 64
#define TS_MAX_CHECKS 64

struct ts_expectation {
	int code;          /* enum ts_anomaly_code */
	long count;        /* exact count, or -1 for "at least one" */
	bool forbid;
};

struct ts_cli {
	const char *inputs[TS_MAX_INPUTS];
	size_t n_inputs;
	const char *iface;
	const char *format;
	const char *output;
	const char *host;
	struct ts_capture_opts cap;
	struct ts_analyzer_config an;
	struct ts_report_opts rep;
	int color_mode;              /* 0 auto, 1 always, 2 never */
	int progress_mode;           /* 0 auto (a terminal and a large input), 1 on, 2 off */
	bool syslog;                 /* --syslog given */
	const char *syslog_target;   /* "" = the local daemon (/dev/log) */
	int facility;                /* syslog facility code, default daemon */
	double interval;             /* live: seconds between periodic reports, 0 = none */
	const char *user;            /* --user: drop root to this account */
	uint64_t trace_flow;         /* 0 = off */
	uint64_t explain_flow;       /* --explain: 0 = off */
	unsigned threads;            /* --threads: workers (1 = this thread alone, 0 = not given:
	                              * every CPU offline, one thread live) */
	bool verbose;                /* -v: capture details on stderr */
	uint64_t max_packets;        /* -c, 0 = no limit */
	double duration;             /* --duration, 0 = no limit */
	int fail_on;                 /* severity, -1 = off */
	struct ts_expectation checks[TS_MAX_CHECKS];
	size_t n_checks;
	const char *write_path;      /* -w FILE: packets of anomalous flows as pcap */
	bool write_all;              /* --write-all: every packet read, not only those */
	char *filter_owned;          /* the filter joined from the trailing words */
	bool filter_trailing;        /* the filter came after the options */
	bool list_interfaces;        /* -D */
	bool help, version;
};

/* Parse argv. Returns 0, or TS_EXIT_USAGE with a message on stderr. */
int ts_cli_parse(struct ts_cli *cli, int argc, char **argv);
void ts_cli_usage(FILE *out);
/* Free what ts_cli_parse allocated. */
void ts_cli_free(struct ts_cli *cli);

/* Run the analysis the options describe; returns the exit status. */
int ts_run(struct ts_cli *cli);

/* Give up root for user: supplementary groups, gid, uid, and check that
 * root cannot be regained. 0, or -1 with errbuf filled. */
int ts_privileges_drop(const char *user, char errbuf[TS_ERRBUF_SIZE]);

/* --fail-on, --expect, --forbid against the finished report. */
int ts_checks_evaluate(const struct ts_cli *cli, const struct ts_report_input *in, FILE *err);

#endif
