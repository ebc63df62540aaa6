/* \summary: the table of command-line options: getopt_long's tables and --help are made from it */
#ifndef TCPSCOPE_CLI_OPTIONS_H
#define TCPSCOPE_CLI_OPTIONS_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* Keys of the options that have no short letter (an option with one is
 * keyed by its letter); above 255 so that they never collide with one. */
enum ts_opt_key {
	TS_OPT_FORMAT = 256, TS_OPT_COLOR, TS_OPT_FLOWS, TS_OPT_TOP, TS_OPT_STALL, TS_OPT_TIME_WAIT,
	TS_OPT_OOO, TS_OPT_MAX_FLOWS, TS_OPT_IDLE, TS_OPT_HOST, TS_OPT_TRACE, TS_OPT_EXPLAIN,
	TS_OPT_THREADS, TS_OPT_MIN_SEV, TS_OPT_FAIL_ON, TS_OPT_EXPECT, TS_OPT_FORBID,
	TS_OPT_NO_PROMISC, TS_OPT_IMMEDIATE, TS_OPT_BUFFER, TS_OPT_DURATION, TS_OPT_SEED,
	TS_OPT_RETX_WARN, TS_OPT_RETX_ERR, TS_OPT_RETX_MIN, TS_OPT_TW_PILEUP, TS_OPT_SYN_FLOOD,
	TS_OPT_SYN_RATE, TS_OPT_REPORT_FLOWS, TS_OPT_ZW_MIN, TS_OPT_SYSLOG, TS_OPT_FACILITY,
	TS_OPT_INTERVAL, TS_OPT_PROGRESS, TS_OPT_NO_PROGRESS, TS_OPT_USER, TS_OPT_WRITE_ALL,
	TS_OPT_ALL_ANOMALIES, TS_OPT_SCAN_TARGETS, TS_OPT_SCAN_WINDOW, TS_OPT_VXLAN_PORT,
	TS_OPT_COMPACT,
};

enum ts_opt_arg {
	TS_ARG_NONE,
	TS_ARG_REQUIRED,
	TS_ARG_OPTIONAL, /* only as --name=VALUE, as getopt_long takes it */
};

/* The groups of --help, in the order printed. */
enum ts_opt_group {
	TS_GROUP_INPUT,
	TS_GROUP_LIVE,
	TS_GROUP_OUTPUT,
	TS_GROUP_SYSLOG,
	TS_GROUP_ANALYSIS,
	TS_GROUP_CHECKS,
	TS_GROUP_GENERAL,
	TS_GROUP_COUNT,
};

struct ts_cli_option {
	int key;                /* the short letter, or a TS_OPT_* for an option without one */
	const char *name;       /* the long name without "--"; NULL for a letter alone */
	const char *metavar;    /* what --help and the man page call the value; NULL without one */
	enum ts_opt_arg arg;
	enum ts_opt_group group;
	const char *help;       /* --help's text, its lines split by '\n' */
};

struct ts_cli_group {
	const char *heading;    /* "Input:"; NULL for the group without a heading */
	int column;             /* where the option's text starts */
	const char *note;       /* printed as is after the group's options, or NULL */
};

/* --help outside the option groups. */
struct ts_cli_help_frame {
	const char *header;     /* usage and what tcpscope does */
	const char *footer;     /* severities, exit statuses, where to read more */
};

#define TS_CLI_OPTIONS_MAX 96

/* Everything getopt_long needs, made from the table. */
struct ts_getopt_tables {
	struct option longs[TS_CLI_OPTIONS_MAX + 1];    /* ended by a zeroed entry */
	char shorts[1 + 3 * TS_CLI_OPTIONS_MAX + 1];    /* ':' first: a missing value is told apart */
};

/* The options, in --help order; *count is set to their number. */
const struct ts_cli_option *ts_cli_options(size_t *count);
/* The option getopt_long returned key for, or NULL. */
const struct ts_cli_option *ts_cli_option_by_key(int key);
/* The short letter, or 0. */
char ts_cli_option_letter(const struct ts_cli_option *o);
/* The option as --help and the man page show it: "-r, --read FILE",
 * "--syslog[=TARGET]", "-n". Returns its length, or -1 when it does not fit. */
int ts_cli_option_synopsis(const struct ts_cli_option *o, char *buf, size_t size);

const struct ts_cli_group *ts_cli_group(enum ts_opt_group group);
const struct ts_cli_help_frame *ts_cli_help_frame(void);

void ts_getopt_tables_build(struct ts_getopt_tables *t);

#endif
