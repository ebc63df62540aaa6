/* \summary: command-line parsing and --help */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_filter.h"
#include "cli.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

enum {
	OPT_FORMAT = 256, OPT_COLOR, OPT_FLOWS, OPT_TOP, OPT_STALL, OPT_TIME_WAIT, OPT_OOO,
	OPT_MAX_FLOWS, OPT_IDLE, OPT_HOST, OPT_TRACE, OPT_EXPLAIN, OPT_THREADS, OPT_MIN_SEV, OPT_FAIL_ON, OPT_EXPECT,
	OPT_FORBID, OPT_NO_PROMISC, OPT_IMMEDIATE, OPT_BUFFER, OPT_DURATION, OPT_SEED,
	OPT_RETX_WARN, OPT_RETX_ERR, OPT_RETX_MIN, OPT_TW_PILEUP, OPT_SYN_FLOOD, OPT_SYN_RATE, OPT_REPORT_FLOWS, OPT_ZW_MIN,
	OPT_SYSLOG, OPT_FACILITY, OPT_INTERVAL, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_USER, OPT_WRITE_ALL,
	OPT_ALL_ANOMALIES, OPT_SCAN_TARGETS, OPT_SCAN_WINDOW, OPT_VXLAN_PORT,
	OPT_COMPACT,
};

static const struct option long_opts[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "interface", required_argument, NULL, 'i' },
	{ "filter", required_argument, NULL, 'f' },
	{ "snaplen", required_argument, NULL, 's' },
	{ "count", required_argument, NULL, 'c' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "stall-timeout", required_argument, NULL, OPT_STALL },
	{ "time-wait", required_argument, NULL, OPT_TIME_WAIT },
	{ "ooo-window", required_argument, NULL, OPT_OOO },
	{ "zero-window-min", required_argument, NULL, OPT_ZW_MIN },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "vxlan-port", required_argument, NULL, OPT_VXLAN_PORT },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "trace-flow", required_argument, NULL, OPT_TRACE },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "min-severity", required_argument, NULL, OPT_MIN_SEV },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "forbid", required_argument, NULL, OPT_FORBID },
	{ "no-promisc", no_argument, NULL, OPT_NO_PROMISC },
	{ "immediate", no_argument, NULL, OPT_IMMEDIATE },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "retrans-warn", required_argument, NULL, OPT_RETX_WARN },
	{ "retrans-err", required_argument, NULL, OPT_RETX_ERR },
	{ "retrans-min-segments", required_argument, NULL, OPT_RETX_MIN },
	{ "time-wait-pileup", required_argument, NULL, OPT_TW_PILEUP },
	{ "syn-flood-threshold", required_argument, NULL, OPT_SYN_FLOOD },
	{ "syn-rate", required_argument, NULL, OPT_SYN_RATE },
	{ "port-scan-threshold", required_argument, NULL, OPT_SCAN_TARGETS },
	{ "port-scan-window", required_argument, NULL, OPT_SCAN_WINDOW },
	{ "all-anomalies", no_argument, NULL, OPT_ALL_ANOMALIES },
	{ "report-flows", required_argument, NULL, OPT_REPORT_FLOWS },
	{ "syslog", optional_argument, NULL, OPT_SYSLOG },
	{ "facility", required_argument, NULL, OPT_FACILITY },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "user", required_argument, NULL, OPT_USER },
	{ "write", required_argument, NULL, 'w' },
	{ "write-all", no_argument, NULL, OPT_WRITE_ALL },
	{ "list-interfaces", no_argument, NULL, 'D' },
	{ "compact", no_argument, NULL, OPT_COMPACT },
	{ NULL, 0, NULL, 0 },
};

void ts_cli_usage(FILE *out)
{
	fputs(
"Usage: tcpscope [OPTIONS] -r FILE [-r FILE...] [FILTER]\n"
"       tcpscope [OPTIONS] -i IFACE [FILTER]\n"
"       tcpscope -D\n"
"Follow every TCP connection through the RFC 793 states of both endpoints and\n"
"report handshakes, retransmissions, stalls and resets, per flow and per host.\n"
"\n"
"Input:\n"
"  -r, --read FILE        read a capture: pcap or pcapng, gzip-compressed or not,\n"
"                         '-' for stdin; several -r are one capture, read in\n"
"                         time order, by their first packet\n"
"  -i, --interface IFACE  capture live until SIGINT/SIGTERM, then report\n"
"  -f, --filter EXPR      BPF filter (pcap-filter(7)), e.g. 'tcp port 443';\n"
"                         as with tcpdump, the words after the options are one\n"
"                         too: tcpscope -r x.pcap tcp port 443\n"
"  -n                     accepted as tcpdump's: names are never looked up\n"
"  -c, --count N          stop after N packets (0: no limit)\n"
"      --duration SEC     stop after SEC seconds (offline: of capture time,\n"
"                         live: of wall-clock time)\n"
"\n"
"Live capture:\n"
"  -D, --list-interfaces  list the interfaces a live capture can open\n"
"  -s, --snaplen N        bytes kept per packet (at most and by default " TS_STR(TS_SNAPLEN_MAX) ";\n"
"                         0 is the most)\n"
"      --no-promisc       do not put the interface in promiscuous mode\n"
"      --immediate        deliver packets as they arrive\n"
"      --buffer-size N    kernel capture buffer in bytes\n"
"      --interval SEC     every SEC seconds (0.1 or more) print a short report:\n"
"                         packets, active flows, new anomalies, capture drops\n"
"      --user NAME        give up root for NAME once the capture is open\n"
"  SIGUSR1 prints an interim summary; SIGINT, SIGTERM or SIGHUP ends the run\n"
"  and prints the final report. Offline, SIGINT, SIGTERM or SIGHUP stops the\n"
"  reading: the report of what was read, marked interrupted (exit 5).\n"
"\n"
"Output:\n"
"      --format FMT       text (default), json (JSON Lines), csv or html\n"
"  -o, --output FILE      write the report to FILE instead of stdout (never an\n"
"                         input; written aside, renamed into place when done)\n"
"  -w, --write FILE       write the packets of the anomalous flows to FILE as\n"
"                         pcap, reading the files a second time (-i and -r -\n"
"                         need --write-all)\n"
"      --write-all        with -w: every packet read, written as it is read\n"
"  -q, --quiet            summary only: header, hosts, anomalies (CSV: the\n"
"                         rows of the anomalous flows)\n"
"      --compact          json: flow records leave out counters that are 0\n"
"                         and their anomaly list (the anomaly records name\n"
"                         the flow); every other field and record as usual\n"
"      --flows WHICH      all, anomalous, or auto (default: anomalous past a\n"
"                         screenful in text)\n"
"      --top N            text: top N flows by retransmission % (default 10)\n"
"      --color WHEN       auto (default: on a terminal, unless NO_COLOR is\n"
"                         set), always, never\n"
"      --host ADDR        restrict the per-host view to ADDR\n"
"      --min-severity SEV list (and send to syslog) anomalies at SEV or worse\n"
"                         (default debug: all)\n"
"      --all-anomalies    text: list every anomaly on its own line (by default\n"
"                         4 or more alike ones share one line with a count)\n"
"      --progress         show reading progress on stderr\n"
"      --no-progress      never show it (default: only on a terminal, for\n"
"                         inputs of 4 MiB or more)\n"
"      --trace-flow ID    print every state change of flow ID on stderr\n"
"      --explain ID       print on stderr, for each retransmitted, out-of-order,\n"
"                         duplicate or probe segment of flow ID, the rule that\n"
"                         classified it and the numbers behind it\n"
"\n"
"Syslog (RFC 5424, one message per anomaly as it is found):\n"
"      --syslog[=TARGET]  send to TARGET: /dev/log when omitted,\n"
"                         udp://HOST[:PORT], tcp://HOST[:PORT] (RFC 6587),\n"
"                         unix:PATH; PORT defaults to " TS_STR(TS_SYSLOG_DEFAULT_PORT) "\n"
"      --facility NAME    daemon (default) or local0 .. local7\n"
"\n"
"Analysis:\n"
"      --threads N          analyse on N (1 to 64) threads; the report is the\n"
"                           same as on one. SIGUSR1 sums the threads' figures.\n"
"                           Offline: the reading thread feeds the others\n"
"                           and analyses a smaller share itself (not with\n"
"                           --trace-flow, --explain, --syslog, --format html);\n"
"                           JSON and CSV records are formatted on N threads.\n"
"                           Live: N captures in a PACKET_FANOUT group, each\n"
"                           connection on one; --interval, --syslog,\n"
"                           --trace-flow, --explain, --format html and SIGUSR1\n"
"                           interim reports need one thread (the first four\n"
"                           make the run use one, with a notice). Default:\n"
"                           every online CPU offline, one thread live (a\n"
"                           watched server keeps its other cores) and with\n"
"                           --max-flows, --report-flows or --idle-timeout\n"
"                           (they apply per worker)\n"
"      --stall-timeout SEC  CLOSE_WAIT, FIN_WAIT_1/2, LAST_ACK, CLOSING longer\n"
"                           than SEC is a stall (default 60)\n"
"      --time-wait SEC      TIME_WAIT length, 2 MSL (default 60, as Linux)\n"
"      --ooo-window SEC     without IP-ID evidence, a hole filled within SEC (or\n"
"                           the handshake RTT, if longer) is out-of-order, not\n"
"                           a resend (default 0.003)\n"
"      --zero-window-min SEC  zero window longer than SEC is a stall (default 1)\n"
"      --retrans-warn PCT   retransmission_high warning above PCT (default 1;\n"
"                           not above --retrans-err)\n"
"      --retrans-err PCT    retransmission_high err above PCT (default 5)\n"
"      --retrans-min-segments N  per-flow rate needs N data segments (100)\n"
"      --time-wait-pileup N TIME_WAIT connections per host to warn (500)\n"
"      --syn-flood-threshold N  half-open connections per port (100)\n"
"      --syn-rate N         unanswered SYNs per second from one source that\n"
"                           make a flood (100)\n"
"      --port-scan-threshold N  one source's unanswered or refused SYNs to N\n"
"                           distinct host:port pairs make a port scan (25;\n"
"                           0 turns the check off)\n"
"      --port-scan-window SEC  ... whose first probes fall within SEC (300)\n"
"      --max-flows N        track at most N connections; closed ones are\n"
"                           evicted first, every eviction is counted\n"
"      --report-flows N     keep at most N finished connections for the final\n"
"                           report (default: all offline, 10000 live); the\n"
"                           others are counted, their findings kept\n"
"      --idle-timeout SEC   retire connections idle for SEC (default: never\n"
"                           offline, 3600 live)\n"
"      --seed N             flow hash seed (default: random)\n"
"      --vxlan-port PORT    UDP PORT also carries VXLAN (4789 always does);\n"
"                           repeat for up to 8 ports\n"
"\n"
"Checks (for regression tests over captured traces):\n"
"      --fail-on SEV        exit 3 if an anomaly at SEV or worse is found\n"
"      --expect CODE[:N]    exit 3 unless CODE is found (exactly N times)\n"
"      --forbid CODE        exit 3 if CODE is found\n"
"\n"
"  -v, --verbose          capture details on stderr (offline: the number of\n"
"                         analysis threads; live --threads: the fanout\n"
"                         group and each worker's packet count)\n"
"  -h, --help             this help\n"
"  -V, --version          the version\n"
"\n"
"Severities (RFC 5424): emerg alert crit err warning notice info debug.\n"
"Exit status: 0 fine, 1 usage error (also --explain of a flow the capture\n"
"does not have), 2 input or output error (also: no packet of a link type\n"
"tcpscope decodes), 3 check failed, 4 truncated input, 5 interrupted offline\n"
"(with 4 and 5 the report of what was read is still printed).\n"
"IP fragments are reassembled (waiting 30 s for IPv4, 60 s for IPv6, on packet\n"
"time) and TSO/GSO super-segments analysed by their real length.\n"
"See tcpscope(1) for the anomaly codes and the rules behind them.\n", out);
}

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "tcpscope: %s '%s': %s (see --help)\n", opt, val, why);
	return TS_EXIT_USAGE;
}

static int parse_double(const char *opt, const char *s, double lo, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo)
		return bad(opt, s, "not a valid number");
	*out = v;
	return 0;
}

static int parse_u64(const char *opt, const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*s == '-')
		return bad(opt, s, "not a valid count");
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		return bad(opt, s, "not a valid count");
	*out = v;
	return 0;
}

static int anomaly_code(const char *name)
{
	for (int c = 0; c < TS_AN_COUNT; c++)
		if (strcmp(ts_anomaly_info((enum ts_anomaly_code)c)->code, name) == 0)
			return c;
	return -1;
}

static int add_check(struct ts_cli *cli, const char *opt, const char *arg, bool forbid)
{
	char name[64];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	struct ts_expectation e = { -1, -1, forbid };

	if (cli->n_checks == TS_MAX_CHECKS)
		return bad(opt, arg, "too many checks");
	if (n >= sizeof(name))
		return bad(opt, arg, "unknown anomaly code");
	memcpy(name, arg, n);
	name[n] = '\0';
	e.code = anomaly_code(name);
	if (e.code < 0)
		return bad(opt, arg, "unknown anomaly code");
	if (colon) {
		uint64_t v;
		if (forbid || parse_u64(opt, colon + 1, &v))
			return bad(opt, arg, "expected CODE or CODE:COUNT");
		e.count = (long)v;
	}
	cli->checks[cli->n_checks++] = e;
	return 0;
}

static int parse_severity(const char *opt, const char *s, int *out)
{
	int v = ts_severity_parse(s);
	if (v < 0)
		return bad(opt, s, "not an RFC 5424 severity (emerg ... debug)");
	*out = v;
	return 0;
}

static int parse_one(struct ts_cli *cli, int c, const char *arg)
{
	uint64_t u;
	int rc = 0;

	switch (c) {
	case 'r':
		if (cli->n_inputs == TS_MAX_INPUTS)
			return bad("-r", arg, "too many inputs");
		cli->inputs[cli->n_inputs++] = arg;
		break;
	case 'i': cli->iface = arg; break;
	case 'f': cli->cap.filter = arg; break;
	case 's':
		if ((rc = parse_u64("--snaplen", arg, &u)))
			break;
		if (u > TS_SNAPLEN_MAX)
			return bad("--snaplen", arg, "above the maximum of " TS_STR(TS_SNAPLEN_MAX) " bytes");
		cli->cap.snaplen = u == 0 ? TS_SNAPLEN_MAX : (int)u; /* 0: the maximum, as tcpdump */
		break;
	case 'c': rc = parse_u64("--count", arg, &cli->max_packets); break;
	case 'o': cli->output = arg; break;
	case 'q': cli->rep.quiet = true; break;
	case 'n': break; /* tcpdump's "no name lookups": tcpscope never resolves names */
	case 'D': cli->list_interfaces = true; break;
	case 'w': cli->write_path = arg; break;
	case OPT_WRITE_ALL: cli->write_all = true; break;
	case OPT_COMPACT: cli->rep.compact = true; break;
	case 'v': cli->verbose = true; break;
	case 'h': cli->help = true; break;
	case 'V': cli->version = true; break;
	case OPT_FORMAT:
		if (!ts_reporter_find(arg))
			return bad("--format", arg, "expected text, json, csv or html");
		cli->format = arg;
		break;
	case OPT_COLOR:
		if (!strcmp(arg, "auto")) cli->color_mode = 0;
		else if (!strcmp(arg, "always")) cli->color_mode = 1;
		else if (!strcmp(arg, "never")) cli->color_mode = 2;
		else return bad("--color", arg, "expected auto, always or never");
		break;
	case OPT_FLOWS:
		if (!strcmp(arg, "all")) cli->rep.flows = TS_FLOWS_ALL;
		else if (!strcmp(arg, "anomalous")) cli->rep.flows = TS_FLOWS_ANOMALOUS;
		else if (!strcmp(arg, "auto")) cli->rep.flows = TS_FLOWS_AUTO;
		else return bad("--flows", arg, "expected all, anomalous or auto");
		break;
	case OPT_TOP:
		if (!(rc = parse_u64("--top", arg, &u)))
			cli->rep.top = u > 100000 ? 100000 : (unsigned)u;
		break;
	case OPT_STALL: rc = parse_double("--stall-timeout", arg, 0, &cli->an.stall_timeout); break;
	case OPT_TIME_WAIT: rc = parse_double("--time-wait", arg, 0, &cli->an.time_wait); break;
	case OPT_OOO: rc = parse_double("--ooo-window", arg, 0, &cli->an.ooo_window); break;
	case OPT_ZW_MIN: rc = parse_double("--zero-window-min", arg, 0, &cli->an.zero_window_min); break;
	case OPT_IDLE: rc = parse_double("--idle-timeout", arg, 0, &cli->an.idle_timeout); break;
	case OPT_DURATION: rc = parse_double("--duration", arg, 0, &cli->duration); break;
	case OPT_RETX_WARN: rc = parse_double("--retrans-warn", arg, 0, &cli->an.retrans_warn_pct); break;
	case OPT_RETX_ERR: rc = parse_double("--retrans-err", arg, 0, &cli->an.retrans_err_pct); break;
	case OPT_RETX_MIN:
		if (!(rc = parse_u64("--retrans-min-segments", arg, &u)))
			cli->an.retrans_min_segments = (uint32_t)(u > UINT32_MAX ? UINT32_MAX : u);
		break;
	case OPT_TW_PILEUP:
		if (!(rc = parse_u64("--time-wait-pileup", arg, &u)))
			cli->an.time_wait_pileup = (uint32_t)(u > UINT32_MAX ? UINT32_MAX : u);
		break;
	case OPT_REPORT_FLOWS:
		if (!(rc = parse_u64("--report-flows", arg, &u)))
			cli->an.max_report_flows = (size_t)u;
		break;
	case OPT_SYN_RATE: rc = parse_double("--syn-rate", arg, 0, &cli->an.syn_rate); break;
	case OPT_SYN_FLOOD:
		if (!(rc = parse_u64("--syn-flood-threshold", arg, &u)))
			cli->an.syn_flood_half_open = (uint32_t)(u > UINT32_MAX ? UINT32_MAX : u);
		break;
	case OPT_SCAN_TARGETS:
		if (!(rc = parse_u64("--port-scan-threshold", arg, &u)))
			cli->an.port_scan_targets = (uint32_t)(u > UINT32_MAX ? UINT32_MAX : u);
		break;
	case OPT_SCAN_WINDOW: rc = parse_double("--port-scan-window", arg, 0, &cli->an.port_scan_window); break;
	case OPT_ALL_ANOMALIES: cli->rep.all_anomalies = true; break;
	case OPT_MAX_FLOWS:
		if (!(rc = parse_u64("--max-flows", arg, &u)))
			cli->an.max_flows = (size_t)u;
		break;
	case OPT_SEED: rc = parse_u64("--seed", arg, &cli->an.seed); break;
	case OPT_VXLAN_PORT:
		if ((rc = parse_u64("--vxlan-port", arg, &u)))
			break;
		if (u == 0 || u > TS_PORT_MAX)
			return bad("--vxlan-port", arg, "not a UDP port (1-" TS_STR(TS_PORT_MAX) ")");
		if (ts_decode_config_add_vxlan_port(&cli->an.decode, (uint16_t)u) < 0)
			return bad("--vxlan-port", arg, "more than 8 VXLAN ports");
		break;
	case OPT_HOST: {
		unsigned char addr[16];
		if (inet_pton(AF_INET, arg, addr) != 1 && inet_pton(AF_INET6, arg, addr) != 1)
			return bad("--host", arg, "not an IPv4 or IPv6 address");
		cli->host = arg;
		break;
	}
	case OPT_TRACE: rc = parse_u64("--trace-flow", arg, &cli->trace_flow); break;
	case OPT_EXPLAIN: rc = parse_u64("--explain", arg, &cli->explain_flow); break;
	case OPT_THREADS:
		if ((rc = parse_u64("--threads", arg, &u)))
			break;
		if (u < 1 || u > TS_MAX_THREADS)
			return bad("--threads", arg, "expected 1 to 64");
		cli->threads = (unsigned)u;
		break;
	case OPT_MIN_SEV: rc = parse_severity("--min-severity", arg, &cli->rep.min_severity); break;
	case OPT_FAIL_ON: rc = parse_severity("--fail-on", arg, &cli->fail_on); break;
	case OPT_EXPECT: rc = add_check(cli, "--expect", arg, false); break;
	case OPT_FORBID: rc = add_check(cli, "--forbid", arg, true); break;
	case OPT_SYSLOG:
		cli->syslog = true;
		cli->syslog_target = arg ? arg : "";
		break;
	case OPT_FACILITY:
		cli->facility = ts_syslog_parse_facility(arg);
		if (cli->facility < 0)
			return bad("--facility", arg, "expected daemon or local0 .. local7");
		break;
	case OPT_INTERVAL:
		rc = parse_double("--interval", arg, 0, &cli->interval);
		if (!rc && cli->interval < 0.1)
			return bad("--interval", arg, "shorter than 0.1 s");
		break;
	case OPT_PROGRESS: cli->progress_mode = 1; break;
	case OPT_NO_PROGRESS: cli->progress_mode = 2; break;
	case OPT_USER:
		if (!*arg)
			return bad("--user", arg, "empty user name");
		cli->user = arg;
		break;
	case OPT_NO_PROMISC: cli->cap.promisc = false; break;
	case OPT_IMMEDIATE: cli->cap.immediate = true; break;
	case OPT_BUFFER:
		if (!(rc = parse_u64("--buffer-size", arg, &u)))
			cli->cap.buffer_size = u > INT32_MAX ? INT32_MAX : (int)u;
		break;
	default:
		return TS_EXIT_USAGE;
	}
	return rc;
}

/* Long options that "--NAME" (up to any '=') abbreviates. */
static int long_prefix_matches(const char *given)
{
	if (strncmp(given, "--", 2) != 0)
		return 0;
	size_t n = strcspn(given + 2, "=");
	int matches = 0;
	for (const struct option *o = long_opts; o->name; o++)
		matches += !strncmp(o->name, given + 2, n);
	return matches;
}

/* getopt's own messages start with argv[0], a path; ours always say "tcpscope:". */
static int option_error(int c, int argc, char **argv)
{
	const char *given = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (c == ':')
		fprintf(stderr, "tcpscope: option '%s' needs a value (see --help)\n", given);
	else if (optopt && optopt < 256 && given[0] == '-' && given[1] != '-')
		fprintf(stderr, "tcpscope: unknown option '-%c' (see --help)\n", optopt);
	else if (long_prefix_matches(given) > 1)
		fprintf(stderr, "tcpscope: ambiguous option '%s': it starts several options (see --help)\n", given);
	else
		fprintf(stderr, "tcpscope: unknown option '%s' (see --help)\n", given);
	return TS_EXIT_USAGE;
}

/* The words after the options are one BPF filter, as with tcpdump and
 * tshark: "tcpscope -r x.pcap tcp port 80". */
static int trailing_filter(struct ts_cli *cli, int first, int argc, char **argv)
{
	size_t len = 0;

	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (cli->cap.filter) {
		fprintf(stderr, "tcpscope: unexpected argument '%s': the filter is already given with -f; "
		                "give it one way\n", argv[first]);
		return TS_EXIT_USAGE;
	}
	char *expr = malloc(len);
	if (!expr) {
		fputs("tcpscope: out of memory\n", stderr);
		return TS_EXIT_USAGE;
	}
	size_t off = 0;
	for (int i = first; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (i > first)
			expr[off++] = ' ';
		memcpy(expr + off, argv[i], n);
		off += n;
	}
	expr[off] = '\0';
	cli->filter_owned = expr;
	cli->cap.filter = expr;
	cli->filter_trailing = true;
	return 0;
}

/* A filter that compiles for none of the common link types is a usage
 * error, said before any input is opened. */
static int check_filter(const struct ts_cli *cli, char **argv, int first)
{
	char errbuf[TS_ERRBUF_SIZE];

	if (!cli->cap.filter || ts_capture_filter_check(cli->cap.filter, errbuf) == 0)
		return 0;
	if (!cli->filter_trailing) {
		fprintf(stderr, "tcpscope: -f: %s\n", errbuf);
		return TS_EXIT_USAGE;
	}
	const char *a = argv[first];
	if (strstr(a, "://") || !strncmp(a, "unix:", 5))
		fprintf(stderr, "tcpscope: unexpected argument '%s': a syslog target is given as --syslog=TARGET\n", a);
	else
		fprintf(stderr, "tcpscope: arguments after the options are a BPF filter (pcap-filter(7)), "
		                "and '%s' is not one: %s%s\n", cli->cap.filter, errbuf,
		        !cli->n_inputs && !cli->iface ? "; to read a capture give -r FILE" : "");
	return TS_EXIT_USAGE;
}

/* Offline inputs that can be read again: no standard input. */
static bool files_only(const struct ts_cli *cli)
{
	if (cli->iface)
		return false;
	for (size_t i = 0; i < cli->n_inputs; i++)
		if (!strcmp(cli->inputs[i], "-"))
			return false;
	return true;
}

int ts_cli_parse(struct ts_cli *cli, int argc, char **argv)
{
	memset(cli, 0, sizeof(*cli));
	ts_capture_opts_default(&cli->cap);
	ts_analyzer_config_default(&cli->an);
	cli->format = "text";
	cli->rep.top = 10;
	cli->rep.min_severity = TS_SEV_DEBUG;
	cli->fail_on = -1;
	cli->facility = TS_SYSLOG_FAC_DAEMON;

	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:i:f:s:c:o:w:qnDvhV", long_opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return option_error(c, argc, argv);
		int rc = parse_one(cli, c, optarg);
		if (rc)
			return rc;
	}
	if (cli->help || cli->version || cli->list_interfaces)
		return 0;
	int first = optind;
	if (optind < argc) {
		int rc = trailing_filter(cli, optind, argc, argv);
		if (rc)
			return rc;
	}
	int rc = check_filter(cli, argv, first);
	if (rc)
		return rc;
	if (!cli->n_inputs && !cli->iface) {
		fputs("tcpscope: nothing to read: give -r FILE or -i IFACE (see --help)\n", stderr);
		return TS_EXIT_USAGE;
	}
	if (cli->n_inputs && cli->iface) {
		fputs("tcpscope: -r and -i cannot be combined\n", stderr);
		return TS_EXIT_USAGE;
	}
	if (cli->interval > 0 && !cli->iface) {
		fputs("tcpscope: --interval needs a live capture (-i IFACE)\n", stderr);
		return TS_EXIT_USAGE;
	}
	if (cli->an.retrans_warn_pct > cli->an.retrans_err_pct) {
		fprintf(stderr, "tcpscope: --retrans-warn %g is above --retrans-err %g: the warning must come first\n",
		        cli->an.retrans_warn_pct, cli->an.retrans_err_pct);
		return TS_EXIT_USAGE;
	}
	if (cli->write_all && !cli->write_path) {
		fputs("tcpscope: --write-all needs -w FILE\n", stderr);
		return TS_EXIT_USAGE;
	}
	if (cli->write_path && !cli->write_all && !files_only(cli)) {
		fputs("tcpscope: -w FILE writes the anomalous flows' packets by reading the files a second time: "
		      "with -i or -r - give --write-all (every packet)\n", stderr);
		return TS_EXIT_USAGE;
	}
	if (cli->write_path && !strcmp(cli->write_path, "-") && (!cli->output || !strcmp(cli->output, "-"))) {
		fputs("tcpscope: -w - and the report would both go to standard output: give -o FILE\n", stderr);
		return TS_EXIT_USAGE;
	}
	if (cli->write_path && cli->output && !strcmp(cli->write_path, cli->output) && strcmp(cli->output, "-") != 0) {
		fputs("tcpscope: -w and -o name the same file\n", stderr);
		return TS_EXIT_USAGE;
	}
	/* A live run lasts for weeks: finished connections are reported through
	 * syslog and the periodic reports as they happen, and only the most
	 * recent ones are kept for the final report, so memory stays flat. */
	if (cli->iface && cli->an.idle_timeout == 0)
		cli->an.idle_timeout = 3600;
	if (cli->iface && !cli->an.max_report_flows && !cli->an.max_flows)
		cli->an.max_report_flows = 10000;
	if (cli->iface && !cli->an.max_hosts && !cli->an.max_flows)
		cli->an.max_hosts = 100000;
	return 0;
}

void ts_cli_free(struct ts_cli *cli)
{
	free(cli->filter_owned);
	cli->filter_owned = NULL;
	cli->cap.filter = NULL;
}
