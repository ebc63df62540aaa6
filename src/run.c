/* \summary: run one analysis: open the inputs, feed the analyzer, report, check */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli.h"
#include "tcpscope/capture.h"
#include "tcpscope/segment_log.h"

struct run_state {
	struct ts_cli *cli;
	int sigfd;
	bool stop;
	bool truncated;
	bool read_error;
	char error[TS_ERRBUF_SIZE];
};

static void trace_transition(void *ctx, const struct ts_flow *f, bool client, enum ts_tcp_state from,
                             enum ts_tcp_state to, const struct timespec *ts, uint64_t index)
{
	const struct ts_cli *cli = ctx;
	char when[48], who[80];

	if (f->id != cli->trace_flow)
		return;
	ts_format_time(ts, when, sizeof(when));
	ts_flow_format_endpoint(f, client, who, sizeof(who));
	fprintf(stderr, "trace #%llu %s %s %s: %s -> %s", (unsigned long long)f->id, when,
	        client ? "client" : "server", who, ts_tcp_state_name(from), ts_tcp_state_name(to));
	if (index)
		fprintf(stderr, " (packet %llu)", (unsigned long long)index);
	fputc('\n', stderr);
}

/* SIGINT/SIGTERM end the run with a report, through a signalfd: no handler,
 * no global flag. */
static int signals_open(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void signals_poll(struct run_state *rs, struct ts_capture *cap)
{
	struct signalfd_siginfo si;

	if (rs->sigfd < 0)
		return;
	while (read(rs->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM) {
			rs->stop = true;
			ts_capture_break(cap);
		}
	}
}

static struct ts_capture *open_capture(struct ts_cli *cli, char errbuf[TS_ERRBUF_SIZE])
{
	if (cli->iface) {
		char warn[TS_ERRBUF_SIZE] = "";
		struct ts_capture *c = ts_capture_open_live(cli->iface, &cli->cap, errbuf, warn);
		if (c && warn[0])
			fprintf(stderr, "tcpscope: warning: %s\n", warn);
		return c;
	}
	return ts_capture_open_files(cli->inputs, cli->n_inputs, &cli->cap, errbuf);
}

static void read_loop(struct run_state *rs, struct ts_capture *cap, struct ts_analyzer *an)
{
	struct ts_cli *cli = rs->cli;
	struct ts_pkt pkt;
	char errbuf[TS_ERRBUF_SIZE];
	uint64_t n = 0;
	int64_t stop_at_ns = 0;

	while (!rs->stop) {
		int rc = ts_capture_next(cap, &pkt, errbuf);
		if (rc == TS_CAP_PACKET) {
			if (cli->duration > 0 && !stop_at_ns)
				stop_at_ns = ts_timespec_ns(&pkt.ts) + (int64_t)(cli->duration * 1e9);
			if (stop_at_ns && ts_timespec_ns(&pkt.ts) > stop_at_ns)
				break;
			ts_analyzer_feed(an, &pkt);
			if (++n == cli->max_packets)
				break;
			if ((n & 4095) == 0)
				signals_poll(rs, cap);
			continue;
		}
		if (rc == TS_CAP_TIMEOUT) {
			signals_poll(rs, cap);
			continue;
		}
		if (rc == TS_CAP_EOF)
			break;
		fprintf(stderr, "tcpscope: %s\n", errbuf);
		if (!rs->error[0])
			snprintf(rs->error, sizeof(rs->error), "%s", errbuf);
		if (rc == TS_CAP_TRUNCATED) {
			rs->truncated = true;
		} else {
			rs->read_error = true;
			if (cli->iface)
				break;
		}
	}
}

static FILE *open_output(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "tcpscope: %s: %s\n", path, strerror(errno));
	return f;
}

int ts_run(struct ts_cli *cli)
{
	struct run_state rs = { .cli = cli, .sigfd = signals_open() };
	char errbuf[TS_ERRBUF_SIZE];
	struct ts_analyzer an;
	int status = TS_EXIT_OK;

	if (cli->trace_flow) {
		cli->an.on_transition = trace_transition;
		cli->an.ctx = cli;
	}
	struct ts_capture *cap = open_capture(cli, errbuf);
	if (!cap) {
		fprintf(stderr, "tcpscope: %s\n", errbuf);
		if (rs.sigfd >= 0)
			close(rs.sigfd);
		return TS_EXIT_INPUT;
	}
	FILE *out = open_output(cli->output);
	if (!out) {
		ts_capture_close(cap);
		if (rs.sigfd >= 0)
			close(rs.sigfd);
		return TS_EXIT_INPUT;
	}
	/* The HTML report draws every flow's segments: record them. */
	struct ts_segment_log *segments = NULL;
	if (!strcmp(cli->format, "html")) {
		segments = ts_segment_log_new(NULL);
		if (segments)
			ts_segment_log_attach(segments, &cli->an);
	}

	ts_analyzer_init(&an, &cli->an);
	read_loop(&rs, cap, &an);

	struct ts_report_input in;
	struct ts_capture_stats st;
	memset(&st, 0, sizeof(st));
	ts_capture_stats(cap, &st);
	if (st.bad_records && ts_capture_bad_record_reason(cap))
		fprintf(stderr, "tcpscope: warning: %llu records skipped; the last: %s\n",
		        (unsigned long long)st.bad_records, ts_capture_bad_record_reason(cap));
	ts_analyzer_finish(&an);
	int rc = ts_report_input_build(&in, &an, cli->host);
	if (rc == -2) {
		fprintf(stderr, "tcpscope: --host '%s': not an IPv4 or IPv6 address\n", cli->host);
		status = TS_EXIT_USAGE;
	} else if (rc < 0) {
		fprintf(stderr, "tcpscope: out of memory while building the report\n");
		status = TS_EXIT_INPUT;
	} else {
		const char *name = cli->iface ? cli->iface : NULL;
		in.inputs = name ? &cli->iface : cli->inputs;
		in.n_inputs = name ? 1 : cli->n_inputs;
		in.cap = st;
		in.truncated = rs.truncated;
		in.error = rs.error[0] ? rs.error : NULL;
		in.segments = segments;
		cli->rep.out = out;
		cli->rep.color = cli->color_mode == 1 ||
		                 (cli->color_mode == 0 && isatty(fileno(out)) && !strcmp(cli->format, "text"));
		if (ts_reporter_find(cli->format)->write(&in, &cli->rep) < 0) {
			fprintf(stderr, "tcpscope: writing the report failed\n");
			status = TS_EXIT_INPUT;
		}
		int check = ts_checks_evaluate(cli, &in, stderr);
		if (rs.read_error)
			status = TS_EXIT_INPUT;
		else if (rs.truncated)
			status = TS_EXIT_TRUNCATED;
		else if (check && status == TS_EXIT_OK)
			status = TS_EXIT_CHECK;
	}
	ts_report_input_free(&in);
	if (out != stdout && fclose(out) != 0)
		status = status ? status : TS_EXIT_INPUT;
	else if (out == stdout)
		fflush(stdout);
	ts_capture_close(cap);
	ts_analyzer_free(&an);
	ts_segment_log_free(segments);
	if (rs.sigfd >= 0)
		close(rs.sigfd);
	return status;
}
