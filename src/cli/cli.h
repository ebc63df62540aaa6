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
#include "exit_status.h"
#include "progress.h"


#define TS_MAX_INPUTS 256
#define TS_MAX_THREADS 64
#define TS_MAX_CHECKS 64

/* --color auto|always|never */
enum ts_color_mode {
	TS_COLOR_AUTO = 0,       /* a terminal, a format that colours, no NO_COLOR */
	TS_COLOR_ALWAYS,
	TS_COLOR_NEVER,
};

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
	enum ts_color_mode color_mode;
	enum ts_progress_mode progress_mode;
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

/* Parse argv. Returns TS_EXIT_OK, or TS_EXIT_USAGE with a message on stderr. */
enum ts_exit_status ts_cli_parse(struct ts_cli *cli, int argc, char **argv);
/* Free what ts_cli_parse allocated. */
void ts_cli_free(struct ts_cli *cli);

#endif
