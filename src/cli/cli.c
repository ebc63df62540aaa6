/* \summary: command-line parsing: each option of the table given its meaning */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/capture_filter.h"
#include "cli.h"
#include "cli_options.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

static enum ts_exit_status bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "tcpscope: %s '%s': %s (see --help)\n", opt, val, why);
	return TS_EXIT_USAGE;
}

static enum ts_exit_status parse_double(const char *opt, const char *s, double lo, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo)
		return bad(opt, s, "not a valid number");
	*out = v;
	return TS_EXIT_OK;
}

static enum ts_exit_status parse_u64(const char *opt, const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*s == '-')
		return bad(opt, s, "not a valid count");
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		return bad(opt, s, "not a valid count");
	*out = v;
	return TS_EXIT_OK;
}

static int anomaly_code(const char *name)
{
	for (int c = 0; c < TS_AN_COUNT; c++)
		if (strcmp(ts_anomaly_info((enum ts_anomaly_code)c)->code, name) == 0)
			return c;
	return -1;
}

static enum ts_exit_status add_check(struct ts_cli *cli, const char *opt, const char *arg, bool forbid)
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
	return TS_EXIT_OK;
}

static enum ts_exit_status parse_severity(const char *opt, const char *s, int *out)
{
	int v = ts_severity_parse(s);
	if (v < 0)
		return bad(opt, s, "not an RFC 5424 severity (emerg ... debug)");
	*out = v;
	return TS_EXIT_OK;
}

/* Give option o, with its value arg, its meaning. Messages name the option
 * by its long name, from the table. */
static enum ts_exit_status parse_one(struct ts_cli *cli, const struct ts_cli_option *o, const char *arg)
{
	char opt[48];
	uint64_t u;
	enum ts_exit_status rc = TS_EXIT_OK;

	snprintf(opt, sizeof(opt), "--%s", o->name ? o->name : "");
	switch (o->key) {
	case 'r':
		if (cli->n_inputs == TS_MAX_INPUTS)
			return bad("-r", arg, "too many inputs");
		cli->inputs[cli->n_inputs++] = arg;
		break;
	case 'i': cli->iface = arg; break;
	case 'f': cli->cap.filter = arg; break;
	case 's':
		if ((rc = parse_u64(opt, arg, &u)))
			break;
		if (u > TS_SNAPLEN_MAX)
			return bad(opt, arg, "above the maximum of " TS_STR(TS_SNAPLEN_MAX) " bytes");
		cli->cap.snaplen = u == 0 ? TS_SNAPLEN_MAX : (int)u; /* 0: the maximum, as tcpdump */
		break;
	case 'c': rc = parse_u64(opt, arg, &cli->max_packets); break;
	case 'o': cli->output = arg; break;
	case 'q': cli->rep.quiet = true; break;
	case 'n': break; /* tcpdump's "no name lookups": tcpscope never resolves names */
	case 'D': cli->list_interfaces = true; break;
	case 'w': cli->write_path = arg; break;
	case TS_OPT_WRITE_ALL: cli->write_all = true; break;
	case TS_OPT_COMPACT: cli->rep.compact = true; break;
	case 'v': cli->verbose = true; break;
	case 'h': cli->help = true; break;
	case 'V': cli->version = true; break;
	case TS_OPT_FORMAT:
		if (!ts_reporter_find(arg))
			return bad(opt, arg, "expected text, json, csv or html");
		cli->format = arg;
		break;
	case TS_OPT_COLOR:
		if (!strcmp(arg, "auto")) cli->color_mode = TS_COLOR_AUTO;
		else if (!strcmp(arg, "always")) cli->color_mode = TS_COLOR_ALWAYS;
		else if (!strcmp(arg, "never")) cli->color_mode = TS_COLOR_NEVER;
		else return bad(opt, arg, "expected auto, always or never");
		break;
	case TS_OPT_FLOWS:
		if (!strcmp(arg, "all")) cli->rep.flows = TS_FLOWS_ALL;
		else if (!strcmp(arg, "anomalous")) cli->rep.flows = TS_FLOWS_ANOMALOUS;
		else if (!strcmp(arg, "auto")) cli->rep.flows = TS_FLOWS_AUTO;
		else return bad(opt, arg, "expected all, anomalous or auto");
		break;
	case TS_OPT_TOP:
		if (!(rc = parse_u64(opt, arg, &u)))
			cli->rep.top = u > 100000 ? 100000 : (unsigned)u;
		break;
	case TS_OPT_STALL: rc = parse_double(opt, arg, 0, &cli->an.stall_timeout); break;
	case TS_OPT_TIME_WAIT: rc = parse_double(opt, arg, 0, &cli->an.time_wait); break;
	case TS_OPT_OOO: rc = parse_double(opt, arg, 0, &cli->an.ooo_window); break;
	case TS_OPT_ZW_MIN: rc = parse_double(opt, arg, 0, &cli->an.zero_window_min); break;
	case TS_OPT_IDLE: rc = parse_double(opt, arg, 0, &cli->an.idle_timeout); break;
	case TS_OPT_DURATION: rc = parse_double(opt, arg, 0, &cli->duration); break;
	case TS_OPT_RETX_WARN: rc = parse_double(opt, arg, 0, &cli->an.retrans_warn_pct); break;
	case TS_OPT_RETX_ERR: rc = parse_double(opt, arg, 0, &cli->an.retrans_err_pct); break;
	case TS_OPT_RETX_MIN:
		if (!(rc = parse_u64(opt, arg, &u)))
			cli->an.retrans_min_segments = (uint32_t)(u > UINT32_MAX ? UINT32_MAX : u);
		break;
	case TS_OPT_TW_PILEUP:
		if (!(rc = parse_u64(opt, arg, &u)))
			cli->an.time_wait_pileup = (uint32_t)(u > UINT32_MAX ? UINT32_MAX : u);
		break;
	case TS_OPT_REPORT_FLOWS:
		if (!(rc = parse_u64(opt, arg, &u)))
			cli->an.max_report_flows = (size_t)u;
		break;
	case TS_OPT_SYN_RATE: rc = parse_double(opt, arg, 0, &cli->an.syn_rate); break;
	case TS_OPT_SYN_FLOOD:
		if (!(rc = parse_u64(opt, arg, &u)))
			cli->an.syn_flood_half_open = (uint32_t)(u > UINT32_MAX ? UINT32_MAX : u);
		break;
	case TS_OPT_SCAN_TARGETS:
		if (!(rc = parse_u64(opt, arg, &u)))
			cli->an.port_scan_targets = (uint32_t)(u > UINT32_MAX ? UINT32_MAX : u);
		break;
	case TS_OPT_SCAN_WINDOW: rc = parse_double(opt, arg, 0, &cli->an.port_scan_window); break;
	case TS_OPT_ALL_ANOMALIES: cli->rep.all_anomalies = true; break;
	case TS_OPT_MAX_FLOWS:
		if (!(rc = parse_u64(opt, arg, &u)))
			cli->an.max_flows = (size_t)u;
		break;
	case TS_OPT_SEED: rc = parse_u64(opt, arg, &cli->an.seed); break;
	case TS_OPT_VXLAN_PORT:
		if ((rc = parse_u64(opt, arg, &u)))
			break;
		if (u == 0 || u > TS_PORT_MAX)
			return bad(opt, arg, "not a UDP port (1-" TS_STR(TS_PORT_MAX) ")");
		if (ts_decode_config_add_vxlan_port(&cli->an.decode, (uint16_t)u) < 0)
			return bad(opt, arg, "more than 8 VXLAN ports");
		break;
	case TS_OPT_HOST: {
		unsigned char addr[16];
		if (inet_pton(AF_INET, arg, addr) != 1 && inet_pton(AF_INET6, arg, addr) != 1)
			return bad(opt, arg, "not an IPv4 or IPv6 address");
		cli->host = arg;
		break;
	}
	case TS_OPT_TRACE: rc = parse_u64(opt, arg, &cli->trace_flow); break;
	case TS_OPT_EXPLAIN: rc = parse_u64(opt, arg, &cli->explain_flow); break;
	case TS_OPT_THREADS:
		if ((rc = parse_u64(opt, arg, &u)))
			break;
		if (u < 1 || u > TS_MAX_THREADS)
			return bad(opt, arg, "expected 1 to 64");
		cli->threads = (unsigned)u;
		break;
	case TS_OPT_MIN_SEV: rc = parse_severity(opt, arg, &cli->rep.min_severity); break;
	case TS_OPT_FAIL_ON: rc = parse_severity(opt, arg, &cli->fail_on); break;
	case TS_OPT_EXPECT: rc = add_check(cli, opt, arg, false); break;
	case TS_OPT_FORBID: rc = add_check(cli, opt, arg, true); break;
	case TS_OPT_SYSLOG:
		cli->syslog = true;
		cli->syslog_target = arg ? arg : "";
		break;
	case TS_OPT_FACILITY:
		cli->facility = ts_syslog_parse_facility(arg);
		if (cli->facility < 0)
			return bad(opt, arg, "expected daemon or local0 .. local7");
		break;
	case TS_OPT_INTERVAL:
		rc = parse_double(opt, arg, 0, &cli->interval);
		if (!rc && cli->interval < 0.1)
			return bad(opt, arg, "shorter than 0.1 s");
		break;
	case TS_OPT_PROGRESS: cli->progress_mode = TS_PROGRESS_ON; break;
	case TS_OPT_NO_PROGRESS: cli->progress_mode = TS_PROGRESS_OFF; break;
	case TS_OPT_USER:
		if (!*arg)
			return bad(opt, arg, "empty user name");
		cli->user = arg;
		break;
	case TS_OPT_NO_PROMISC: cli->cap.promisc = false; break;
	case TS_OPT_IMMEDIATE: cli->cap.immediate = true; break;
	case TS_OPT_BUFFER:
		if (!(rc = parse_u64(opt, arg, &u)))
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
	size_t count;
	const struct ts_cli_option *options = ts_cli_options(&count);
	for (size_t i = 0; i < count; i++)
		matches += options[i].name && !strncmp(options[i].name, given + 2, n);
	return matches;
}

/* getopt's own messages start with argv[0], a path; ours always say "tcpscope:". */
static enum ts_exit_status option_error(int c, int argc, char **argv)
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
static enum ts_exit_status trailing_filter(struct ts_cli *cli, int first, int argc, char **argv)
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
	return TS_EXIT_OK;
}

/* A filter that compiles for none of the common link types is a usage
 * error, said before any input is opened. */
static enum ts_exit_status check_filter(const struct ts_cli *cli, char **argv, int first)
{
	char errbuf[TS_ERRBUF_SIZE];

	if (!cli->cap.filter || ts_capture_filter_check(cli->cap.filter, errbuf) == 0)
		return TS_EXIT_OK;
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

enum ts_exit_status ts_cli_parse(struct ts_cli *cli, int argc, char **argv)
{
	memset(cli, 0, sizeof(*cli));
	ts_capture_opts_default(&cli->cap);
	ts_analyzer_config_default(&cli->an);
	cli->format = "text";
	cli->rep.top = 10;
	cli->rep.min_severity = TS_SEV_DEBUG;
	cli->fail_on = -1;
	cli->facility = TS_SYSLOG_FAC_DAEMON;

	struct ts_getopt_tables getopt_tables;
	ts_getopt_tables_build(&getopt_tables);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, getopt_tables.shorts, getopt_tables.longs, NULL)) != -1) {
		const struct ts_cli_option *o = ts_cli_option_by_key(c);
		if (c == '?' || c == ':' || !o)
			return option_error(c, argc, argv);
		enum ts_exit_status rc = parse_one(cli, o, optarg);
		if (rc)
			return rc;
	}
	if (cli->help || cli->version || cli->list_interfaces)
		return TS_EXIT_OK;
	int first = optind;
	if (optind < argc) {
		enum ts_exit_status rc = trailing_filter(cli, optind, argc, argv);
		if (rc)
			return rc;
	}
	enum ts_exit_status rc = check_filter(cli, argv, first);
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
	return TS_EXIT_OK;
}

void ts_cli_free(struct ts_cli *cli)
{
	free(cli->filter_owned);
	cli->filter_owned = NULL;
	cli->cap.filter = NULL;
}
