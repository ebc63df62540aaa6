/* \summary: the command-line options, written once: names, letters, values and help */
#include <stdio.h>
#include <string.h>

#include "cli_options.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

/* The one place an option is declared. The parser (cli.c) gives each key
 * its meaning; doc/tcpscope.1 documents each entry under the synopsis
 * ts_cli_option_synopsis() makes, which the tests check both ways. */
static const struct ts_cli_option options[] = {
	{ 'r', "read", "FILE", TS_ARG_REQUIRED, TS_GROUP_INPUT,
	  "read a capture: pcap or pcapng, gzip-compressed or not,\n"
	  "'-' for stdin; several -r are one capture, read in\n"
	  "time order, by their first packet" },
	{ 'i', "interface", "IFACE", TS_ARG_REQUIRED, TS_GROUP_INPUT,
	  "capture live until SIGINT/SIGTERM, then report" },
	{ 'f', "filter", "EXPR", TS_ARG_REQUIRED, TS_GROUP_INPUT,
	  "BPF filter (pcap-filter(7)), e.g. 'tcp port 443';\n"
	  "as with tcpdump, the words after the options are one\n"
	  "too: tcpscope -r x.pcap tcp port 443" },
	{ 'n', NULL, NULL, TS_ARG_NONE, TS_GROUP_INPUT,
	  "accepted as tcpdump's: names are never looked up" },
	{ 'c', "count", "N", TS_ARG_REQUIRED, TS_GROUP_INPUT,
	  "stop after N packets (0: no limit)" },
	{ TS_OPT_DURATION, "duration", "SEC", TS_ARG_REQUIRED, TS_GROUP_INPUT,
	  "stop after SEC seconds (offline: of capture time,\n"
	  "live: of wall-clock time)" },

	{ 'D', "list-interfaces", NULL, TS_ARG_NONE, TS_GROUP_LIVE,
	  "list the interfaces a live capture can open" },
	{ 's', "snaplen", "N", TS_ARG_REQUIRED, TS_GROUP_LIVE,
	  "bytes kept per packet (at most and by default " TS_STR(TS_SNAPLEN_MAX) ";\n"
	  "0 is the most)" },
	{ TS_OPT_NO_PROMISC, "no-promisc", NULL, TS_ARG_NONE, TS_GROUP_LIVE,
	  "do not put the interface in promiscuous mode" },
	{ TS_OPT_IMMEDIATE, "immediate", NULL, TS_ARG_NONE, TS_GROUP_LIVE,
	  "deliver packets as they arrive" },
	{ TS_OPT_BUFFER, "buffer-size", "N", TS_ARG_REQUIRED, TS_GROUP_LIVE,
	  "kernel capture buffer in bytes" },
	{ TS_OPT_INTERVAL, "interval", "SEC", TS_ARG_REQUIRED, TS_GROUP_LIVE,
	  "every SEC seconds (0.1 or more) print a short report:\n"
	  "packets, active flows, new anomalies, capture drops" },
	{ TS_OPT_USER, "user", "NAME", TS_ARG_REQUIRED, TS_GROUP_LIVE,
	  "give up root for NAME once the capture is open" },

	{ TS_OPT_FORMAT, "format", "FMT", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "text (default), json (JSON Lines), csv or html" },
	{ 'o', "output", "FILE", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "write the report to FILE instead of stdout (never an\n"
	  "input; written aside, renamed into place when done)" },
	{ 'w', "write", "FILE", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "write the packets of the anomalous flows to FILE as\n"
	  "pcap, reading the files a second time (-i and -r -\n"
	  "need --write-all)" },
	{ TS_OPT_WRITE_ALL, "write-all", NULL, TS_ARG_NONE, TS_GROUP_OUTPUT,
	  "with -w: every packet read, written as it is read" },
	{ 'q', "quiet", NULL, TS_ARG_NONE, TS_GROUP_OUTPUT,
	  "summary only: header, hosts, anomalies (CSV: the\n"
	  "rows of the anomalous flows)" },
	{ TS_OPT_COMPACT, "compact", NULL, TS_ARG_NONE, TS_GROUP_OUTPUT,
	  "json: flow records leave out counters that are 0\n"
	  "and their anomaly list (the anomaly records name\n"
	  "the flow); every other field and record as usual" },
	{ TS_OPT_FLOWS, "flows", "WHICH", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "all, anomalous, or auto (default: anomalous past a\n"
	  "screenful in text)" },
	{ TS_OPT_TOP, "top", "N", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "text: top N flows by retransmission % (default 10)" },
	{ TS_OPT_COLOR, "color", "WHEN", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "auto (default: on a terminal, unless NO_COLOR is\n"
	  "set), always, never" },
	{ TS_OPT_HOST, "host", "ADDR", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "restrict the per-host view to ADDR" },
	{ TS_OPT_MIN_SEV, "min-severity", "SEV", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "list (and send to syslog) anomalies at SEV or worse\n"
	  "(default debug: all)" },
	{ TS_OPT_ALL_ANOMALIES, "all-anomalies", NULL, TS_ARG_NONE, TS_GROUP_OUTPUT,
	  "text: list every anomaly on its own line (by default\n"
	  "4 or more alike ones share one line with a count)" },
	{ TS_OPT_PROGRESS, "progress", NULL, TS_ARG_NONE, TS_GROUP_OUTPUT,
	  "show reading progress on stderr" },
	{ TS_OPT_NO_PROGRESS, "no-progress", NULL, TS_ARG_NONE, TS_GROUP_OUTPUT,
	  "never show it (default: only on a terminal, for\n"
	  "inputs of 4 MiB or more)" },
	{ TS_OPT_TRACE, "trace-flow", "ID", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "print every state change of flow ID on stderr" },
	{ TS_OPT_EXPLAIN, "explain", "ID", TS_ARG_REQUIRED, TS_GROUP_OUTPUT,
	  "print on stderr, for each retransmitted, out-of-order,\n"
	  "duplicate or probe segment of flow ID, the rule that\n"
	  "classified it and the numbers behind it" },

	{ TS_OPT_SYSLOG, "syslog", "TARGET", TS_ARG_OPTIONAL, TS_GROUP_SYSLOG,
	  "send to TARGET: /dev/log when omitted,\n"
	  "udp://HOST[:PORT], tcp://HOST[:PORT] (RFC 6587),\n"
	  "unix:PATH; PORT defaults to " TS_STR(TS_SYSLOG_DEFAULT_PORT) },
	{ TS_OPT_FACILITY, "facility", "NAME", TS_ARG_REQUIRED, TS_GROUP_SYSLOG,
	  "daemon (default) or local0 .. local7" },

	{ TS_OPT_THREADS, "threads", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "analyse on N (1 to 64) threads; the report is the\n"
	  "same as on one. SIGUSR1 sums the threads' figures.\n"
	  "Offline: the reading thread feeds the others\n"
	  "and analyses a smaller share itself (not with\n"
	  "--trace-flow, --explain, --syslog, --format html);\n"
	  "JSON and CSV records are formatted on N threads.\n"
	  "Live: N captures in a PACKET_FANOUT group, each\n"
	  "connection on one; --interval, --syslog,\n"
	  "--trace-flow, --explain, --format html and SIGUSR1\n"
	  "interim reports need one thread (the first four\n"
	  "make the run use one, with a notice). Default:\n"
	  "every online CPU offline, one thread live (a\n"
	  "watched server keeps its other cores) and with\n"
	  "--max-flows, --report-flows or --idle-timeout\n"
	  "(they apply per worker)" },
	{ TS_OPT_STALL, "stall-timeout", "SEC", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "CLOSE_WAIT, FIN_WAIT_1/2, LAST_ACK, CLOSING longer\n"
	  "than SEC is a stall (default 60)" },
	{ TS_OPT_TIME_WAIT, "time-wait", "SEC", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "TIME_WAIT length, 2 MSL (default 60, as Linux)" },
	{ TS_OPT_OOO, "ooo-window", "SEC", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "without IP-ID evidence, a hole filled within SEC (or\n"
	  "the handshake RTT, if longer) is out-of-order, not\n"
	  "a resend (default 0.003)" },
	{ TS_OPT_ZW_MIN, "zero-window-min", "SEC", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "zero window longer than SEC is a stall (default 1)" },
	{ TS_OPT_RETX_WARN, "retrans-warn", "PCT", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "retransmission_high warning above PCT (default 1;\n"
	  "not above --retrans-err)" },
	{ TS_OPT_RETX_ERR, "retrans-err", "PCT", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "retransmission_high err above PCT (default 5)" },
	{ TS_OPT_RETX_MIN, "retrans-min-segments", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "per-flow rate needs N data segments (100)" },
	{ TS_OPT_TW_PILEUP, "time-wait-pileup", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "TIME_WAIT connections per host to warn (500)" },
	{ TS_OPT_SYN_FLOOD, "syn-flood-threshold", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "half-open connections per port (100)" },
	{ TS_OPT_SYN_RATE, "syn-rate", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "unanswered SYNs per second from one source that\n"
	  "make a flood (100)" },
	{ TS_OPT_SCAN_TARGETS, "port-scan-threshold", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "one source's unanswered or refused SYNs to N\n"
	  "distinct host:port pairs make a port scan (25;\n"
	  "0 turns the check off)" },
	{ TS_OPT_SCAN_WINDOW, "port-scan-window", "SEC", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "... whose first probes fall within SEC (300)" },
	{ TS_OPT_MAX_FLOWS, "max-flows", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "track at most N connections; closed ones are\n"
	  "evicted first, every eviction is counted" },
	{ TS_OPT_REPORT_FLOWS, "report-flows", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "keep at most N finished connections for the final\n"
	  "report (default: all offline, 10000 live); the\n"
	  "others are counted, their findings kept" },
	{ TS_OPT_IDLE, "idle-timeout", "SEC", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "retire connections idle for SEC (default: never\n"
	  "offline, 3600 live)" },
	{ TS_OPT_SEED, "seed", "N", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "flow hash seed (default: random)" },
	{ TS_OPT_VXLAN_PORT, "vxlan-port", "PORT", TS_ARG_REQUIRED, TS_GROUP_ANALYSIS,
	  "UDP PORT also carries VXLAN (4789 always does);\n"
	  "repeat for up to 8 ports" },

	{ TS_OPT_FAIL_ON, "fail-on", "SEV", TS_ARG_REQUIRED, TS_GROUP_CHECKS,
	  "exit 3 if an anomaly at SEV or worse is found" },
	{ TS_OPT_EXPECT, "expect", "CODE[:N]", TS_ARG_REQUIRED, TS_GROUP_CHECKS,
	  "exit 3 unless CODE is found (exactly N times)" },
	{ TS_OPT_FORBID, "forbid", "CODE", TS_ARG_REQUIRED, TS_GROUP_CHECKS,
	  "exit 3 if CODE is found" },

	{ 'v', "verbose", NULL, TS_ARG_NONE, TS_GROUP_GENERAL,
	  "capture details on stderr (offline: the number of\n"
	  "analysis threads; live --threads: the fanout\n"
	  "group and each worker's packet count)" },
	{ 'h', "help", NULL, TS_ARG_NONE, TS_GROUP_GENERAL,
	  "this help" },
	{ 'V', "version", NULL, TS_ARG_NONE, TS_GROUP_GENERAL,
	  "the version" },
};

_Static_assert(sizeof(options) / sizeof(options[0]) <= TS_CLI_OPTIONS_MAX,
               "struct ts_getopt_tables is too small for the option table");

/* The two text columns of --help: the analysis thresholds' names are longer. */
#define COLUMN 25
#define COLUMN_WIDE 27

static const struct ts_cli_group groups[TS_GROUP_COUNT] = {
	[TS_GROUP_INPUT] = { "Input:", COLUMN, NULL },
	[TS_GROUP_LIVE] = { "Live capture:", COLUMN,
		"  SIGUSR1 prints an interim summary; SIGINT, SIGTERM or SIGHUP ends the run\n"
		"  and prints the final report. Offline, SIGINT, SIGTERM or SIGHUP stops the\n"
		"  reading: the report of what was read, marked interrupted (exit 5).\n" },
	[TS_GROUP_OUTPUT] = { "Output:", COLUMN, NULL },
	[TS_GROUP_SYSLOG] = { "Syslog (RFC 5424, one message per anomaly as it is found):", COLUMN, NULL },
	[TS_GROUP_ANALYSIS] = { "Analysis:", COLUMN_WIDE, NULL },
	[TS_GROUP_CHECKS] = { "Checks (for regression tests over captured traces):", COLUMN_WIDE, NULL },
	[TS_GROUP_GENERAL] = { NULL, COLUMN, NULL },
};

static const struct ts_cli_help_frame frame = {
	.header =
"Usage: tcpscope [OPTIONS] -r FILE [-r FILE...] [FILTER]\n"
"       tcpscope [OPTIONS] -i IFACE [FILTER]\n"
"       tcpscope -D\n"
"Follow every TCP connection through the RFC 793 states of both endpoints and\n"
"report handshakes, retransmissions, stalls and resets, per flow and per host.\n",
	.footer =
"Severities (RFC 5424): emerg alert crit err warning notice info debug.\n"
"Exit status: 0 fine, 1 usage error (also --explain of a flow the capture\n"
"does not have), 2 input or output error (also: no packet of a link type\n"
"tcpscope decodes), 3 check failed, 4 truncated input, 5 interrupted offline\n"
"(with 4 and 5 the report of what was read is still printed).\n"
"IP fragments are reassembled (waiting 30 s for IPv4, 60 s for IPv6, on packet\n"
"time) and TSO/GSO super-segments analysed by their real length.\n"
"See tcpscope(1) for the anomaly codes and the rules behind them.\n",
};

const struct ts_cli_option *ts_cli_options(size_t *count)
{
	*count = sizeof(options) / sizeof(options[0]);
	return options;
}

const struct ts_cli_option *ts_cli_option_by_key(int key)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].key == key)
			return &options[i];
	return NULL;
}

char ts_cli_option_letter(const struct ts_cli_option *o)
{
	return o->key > 0 && o->key < 256 ? (char)o->key : 0;
}

int ts_cli_option_synopsis(const struct ts_cli_option *o, char *buf, size_t size)
{
	char letter = ts_cli_option_letter(o);
	char letter_part[8] = "";
	const char *value_open = "", *value_close = "";

	if (letter)
		snprintf(letter_part, sizeof(letter_part), o->name ? "-%c, " : "-%c", letter);
	if (o->metavar)
		value_open = o->arg == TS_ARG_OPTIONAL ? "[=" : " ";
	if (o->metavar && o->arg == TS_ARG_OPTIONAL)
		value_close = "]";
	int n = snprintf(buf, size, "%s%s%s%s%s%s", letter_part, o->name ? "--" : "",
	                 o->name ? o->name : "", value_open, o->metavar ? o->metavar : "", value_close);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

const struct ts_cli_group *ts_cli_group(enum ts_opt_group group)
{
	return group < TS_GROUP_COUNT ? &groups[group] : NULL;
}

const struct ts_cli_help_frame *ts_cli_help_frame(void)
{
	return &frame;
}

void ts_getopt_tables_build(struct ts_getopt_tables *t)
{
	static const int has_arg[] = {
		[TS_ARG_NONE] = no_argument,
		[TS_ARG_REQUIRED] = required_argument,
		[TS_ARG_OPTIONAL] = optional_argument,
	};
	static const char *const colons[] = {
		[TS_ARG_NONE] = "", [TS_ARG_REQUIRED] = ":", [TS_ARG_OPTIONAL] = "::",
	};
	size_t n_long = 0, n_short = 0;

	memset(t, 0, sizeof(*t));
	t->shorts[n_short++] = ':';
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		const struct ts_cli_option *o = &options[i];
		char letter = ts_cli_option_letter(o);
		if (o->name)
			t->longs[n_long++] = (struct option){ o->name, has_arg[o->arg], NULL, o->key };
		if (letter) {
			t->shorts[n_short++] = letter;
			for (const char *c = colons[o->arg]; *c; c++)
				t->shorts[n_short++] = *c;
		}
	}
}
