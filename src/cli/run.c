/* \summary: run one analysis: open the inputs and sinks, feed the analyzer, report, check */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "privdrop.h"
#include "run_fanout.h"
#include "run_int.h"
#include "run.h"
#include "run_loop.h"
#include "run_status.h"
#include "run_write.h"
#include "tcpscope/capture.h"

static void trace_transition(void *ctx, const struct ts_flow *f, bool client, enum ts_tcp_state from,
                             enum ts_tcp_state to, const struct timespec *ts, uint64_t index)
{
	const struct run_state *rs = ctx;
	char when[48], who[80];

	if (f->id != rs->cli->trace_flow)
		return;
	ts_format_time(ts, when, sizeof(when));
	ts_flow_format_endpoint(f, client, who, sizeof(who));
	fprintf(stderr, "trace #%llu %s %s %s: %s -> %s", (unsigned long long)f->id, when,
	        client ? "client" : "server", who, ts_tcp_state_name(from), ts_tcp_state_name(to));
	if (index)
		fprintf(stderr, " (packet %llu)", (unsigned long long)index);
	fputc('\n', stderr);
}

/* Each finding goes to syslog as it is made; a collector that is down only
 * counts failures (the sink never blocks for long). */
static void syslog_anomaly(void *ctx, const struct ts_flow *f, const struct ts_anomaly *a)
{
	struct run_state *rs = ctx;

	if (rs->syslog && a->severity <= rs->cli->rep.min_severity)
		(void)ts_syslog_send_anomaly(rs->syslog, f, a);
}

/* The analyzer configuration is completed here, right before ts_analyzer_init:
 * the hooks that feed the optional outputs are installed on it. */
static void prepare_analyzer_config(struct run_state *rs, struct ts_analyzer_config *cfg)
{
	cfg->ctx = rs;
	if (rs->cli->trace_flow)
		cfg->on_transition = trace_transition;
	if (rs->syslog)
		cfg->on_anomaly = syslog_anomaly;
	/* The HTML report draws every flow's segments: record them. */
	if (ts_reporter_find(rs->cli->format)->draws_segments) {
		rs->segments = ts_segment_log_new(NULL);
		if (rs->segments)
			ts_segment_log_attach(rs->segments, cfg);
	}
	if (rs->cli->explain_flow)
		ts_explain_install(&rs->explain, cfg, rs->cli->explain_flow, stderr);
}

/* The default number of threads: every online CPU, at most 64. */
static unsigned online_cpus(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus < 1 ? 1 : cpus > 64 ? 64 : (unsigned)cpus;
}

/* Workers run no observers and no live timers: shard only a plain offline
 * analysis, by default on every online CPU. Limits that apply per worker (the
 * flow caps, the idle timeout) cut other connections at other times than
 * one table would: by default such runs stay on one thread, so that a report
 * does not depend on the machine. Returns the number of workers to use (0:
 * this thread alone). */
static unsigned workers_for(const struct run_state *rs, const struct ts_analyzer_config *cfg)
{
	const struct ts_cli *cli = rs->cli;
	unsigned n = cli->threads;

	if (!n) {
		n = online_cpus();
		if (cfg->max_flows || cfg->max_report_flows || cfg->idle_timeout > 0)
			n = 1;
	}
	if (n <= 1 || cli->iface || cfg->on_transition || cfg->on_anomaly || cfg->on_segment)
		return 0;
	return n;
}

/* Threads that format the report: the analysis is over, so offline every
 * online CPU, unless --threads says; live, the watched server keeps its
 * cores. The report is the same on any number. */
static unsigned report_threads(const struct ts_cli *cli)
{
	if (cli->threads)
		return cli->threads;
	return cli->iface ? 1 : online_cpus();
}

static struct ts_capture *open_capture(struct ts_cli *cli, char errbuf[TS_ERRBUF_SIZE])
{
	if (cli->iface) {
		char warn[TS_ERRBUF_SIZE] = "";
		cli->cap.nonblocking = true; /* the read loop waits in poll itself */
		struct ts_capture *c = ts_capture_open_live(cli->iface, &cli->cap, errbuf, warn);
		if (c && warn[0])
			fprintf(stderr, "tcpscope: warning: %s\n", warn);
		return c;
	}
	/* A terminal is not a capture, and a read of it would wait for ever. */
	for (size_t i = 0; i < cli->n_inputs; i++) {
		if (!strcmp(cli->inputs[i], "-") && isatty(STDIN_FILENO)) {
			snprintf(errbuf, TS_ERRBUF_SIZE, "-r -: standard input is a terminal, not a capture "
			         "(pipe one in: tcpdump -w - | tcpscope -r -)");
			return NULL;
		}
	}
	return ts_capture_open_files(cli->inputs, cli->n_inputs, &cli->cap, errbuf);
}

/* Open what the run reads from and writes to, then give up root. */
static enum ts_exit_status run_open(struct run_state *rs)
{
	struct ts_cli *cli = rs->cli;
	char errbuf[TS_ERRBUF_SIZE];

	if (cli->syslog) {
		rs->syslog = ts_syslog_open(cli->syslog_target, cli->facility, errbuf);
		if (!rs->syslog) {
			fprintf(stderr, "tcpscope: --syslog: %s\n", errbuf);
			return TS_EXIT_USAGE;
		}
	}
	unsigned live_workers = ts_run_live_workers(cli, stderr);
	if (live_workers) {
		char warn[TS_ERRBUF_SIZE];
		bool refused;
		rs->lpar = ts_live_parallel_open(cli->iface, &cli->cap, live_workers, errbuf, warn, &refused);
		if (!rs->lpar && !refused) {
			fprintf(stderr, "tcpscope: %s\n", errbuf);
			return TS_EXIT_INPUT;
		}
		if (!rs->lpar)
			fprintf(stderr, "tcpscope: %s; capturing on one thread\n", errbuf);
		else if (warn[0])
			fprintf(stderr, "tcpscope: warning: %s\n", warn);
	}
	if (!rs->lpar)
		rs->cap = open_capture(cli, errbuf);
	if (!rs->cap && !rs->lpar) {
		fprintf(stderr, "tcpscope: %s\n", errbuf);
		return TS_EXIT_INPUT;
	}
	/* After dropping root the directory may not let us rename: write in place. */
	enum ts_output_result rc = ts_output_open(&rs->output, cli->output, cli->inputs, cli->n_inputs,
	                                          cli->user != NULL, errbuf);
	if (rc != TS_OUTPUT_OK) {
		fprintf(stderr, "tcpscope: %s\n", errbuf);
		return rc == TS_OUTPUT_IS_INPUT ? TS_EXIT_USAGE : TS_EXIT_INPUT;
	}
	rs->out = rs->output.f;
	if (cli->write_path) {
		rc = ts_packet_writer_open(&rs->writer, cli->write_path, cli->inputs, cli->n_inputs, cli->user != NULL,
		                           errbuf);
		if (rc != TS_OUTPUT_OK) {
			fprintf(stderr, "tcpscope: -w: %s\n", errbuf);
			return rc == TS_OUTPUT_IS_INPUT ? TS_EXIT_USAGE : TS_EXIT_INPUT;
		}
	}
	if (cli->user && ts_privileges_drop(cli->user, errbuf) < 0) {
		fprintf(stderr, "tcpscope: %s\n", errbuf);
		return TS_EXIT_USAGE;
	}
	const struct ts_reporter_ops *reporter = ts_reporter_find(cli->format);

	rs->json = reporter->interval_json;
	/* NO_COLOR (no-color.org), set and not empty, turns the automatic
	 * colour off; --color always still wins. */
	const char *no_color = getenv("NO_COLOR");
	rs->color = cli->color_mode == TS_COLOR_ALWAYS ||
	            (cli->color_mode == TS_COLOR_AUTO && isatty(fileno(rs->out)) && reporter->colors &&
	             !(no_color && *no_color));
	return TS_EXIT_OK;
}

static enum ts_exit_status run_report(struct run_state *rs)
{
	struct ts_cli *cli = rs->cli;
	struct ts_report_input in;
	struct ts_capture_stats st;
	enum ts_exit_status status = TS_EXIT_OK;

	memset(&st, 0, sizeof(st));
	if (rs->cap)
		ts_capture_stats(rs->cap, &st);
	if (st.bad_records && ts_capture_bad_record_reason(rs->cap))
		fprintf(stderr, "tcpscope: warning: %llu records skipped; the last: %s\n",
		        (unsigned long long)st.bad_records, ts_capture_bad_record_reason(rs->cap));
	if (rs->lpar) {
		if (ts_run_fanout_finish(rs, &st) < 0)
			rs->an->alloc_failures++;
	} else if (rs->par) {
		if (ts_parallel_finish(rs->par) < 0)
			rs->an->alloc_failures++;
	} else {
		ts_analyzer_finish(rs->an);
	}
	if (rs->syslog)
		(void)ts_syslog_flush(rs->syslog, TS_SYSLOG_CLOSE_FLUSH_MS);
	enum ts_report_input_result built = ts_report_input_build(&in, rs->an, cli->host);
	if (built == TS_REPORT_INPUT_BAD_HOST) {
		fprintf(stderr, "tcpscope: --host '%s': not an IPv4 or IPv6 address\n", cli->host);
		status = TS_EXIT_USAGE;
	} else if (built != TS_REPORT_INPUT_OK) {
		fprintf(stderr, "tcpscope: out of memory while building the report\n");
		status = TS_EXIT_INPUT;
	} else {
		in.inputs = cli->iface ? &cli->iface : cli->inputs;
		in.n_inputs = cli->iface ? 1 : cli->n_inputs;
		in.cap = st;
		in.truncated = rs->truncated;
		in.error = rs->error[0] ? rs->error : NULL;
		if (!cli->iface && rs->stop_signal)
			in.interrupted = ts_run_signal_name(rs->stop_signal);
		in.segments = rs->segments;
		if (rs->syslog) {
			in.syslog_target = cli->syslog_target;
			in.syslog_failures = ts_syslog_failures(rs->syslog);
		}
		cli->rep.out = rs->out;
		cli->rep.color = rs->color;
		cli->rep.threads = report_threads(cli);
		if (ts_reporter_find(cli->format)->write(&in, &cli->rep) < 0)
			rs->write_failed = true;
		bool check_failed = ts_checks_evaluate(cli, &in, stderr);
		status = ts_run_report_status(rs, &in, check_failed, stderr);
		char errbuf[TS_ERRBUF_SIZE];
		if (cli->write_path && !cli->write_all && ts_run_write_anomalous(rs, &in, errbuf) < 0) {
			fprintf(stderr, "tcpscope: -w: %s\n", errbuf);
			ts_packet_writer_abort(&rs->writer);
			status = TS_EXIT_INPUT;
		}
	}
	ts_report_input_free(&in);
	return status;
}

/* The report reaches its name only when all of it was written. */
static void run_close(struct run_state *rs, enum ts_exit_status *status)
{
	char errbuf[TS_ERRBUF_SIZE];

	if (rs->output.f && (rs->write_failed || ts_output_commit(&rs->output, errbuf) < 0)) {
		if (rs->write_failed) {
			ts_output_abort(&rs->output);
			snprintf(errbuf, sizeof(errbuf), "%s: writing the report failed",
			         rs->cli->output && strcmp(rs->cli->output, "-") != 0 ? rs->cli->output : "standard output");
		}
		fprintf(stderr, "tcpscope: %s\n", errbuf);
		if (*status == TS_EXIT_OK || *status == TS_EXIT_CHECK || *status == TS_EXIT_TRUNCATED)
			*status = TS_EXIT_INPUT;
	}
	if (rs->writer.other_link)
		fprintf(stderr, "tcpscope: -w: %llu packets of another link type than the first were not written "
		                "(a pcap file holds one)\n", (unsigned long long)rs->writer.other_link);
	if (rs->writer.out.f && ts_packet_writer_close(&rs->writer, errbuf) < 0) {
		fprintf(stderr, "tcpscope: -w: %s\n", errbuf);
		if (*status == TS_EXIT_OK || *status == TS_EXIT_CHECK || *status == TS_EXIT_TRUNCATED)
			*status = TS_EXIT_INPUT;
	}
	if (rs->cap)
		ts_capture_close(rs->cap);
	ts_syslog_close(rs->syslog);
	ts_segment_log_free(rs->segments);
	ts_parallel_free(rs->par);
	ts_live_parallel_free(rs->lpar);
	if (rs->sigfd >= 0)
		close(rs->sigfd);

}

enum ts_exit_status ts_run(struct ts_cli *cli)
{
	struct run_state rs;
	struct ts_analyzer an;

	memset(&rs, 0, sizeof(rs));
	rs.cli = cli;
	rs.an = &an;
	rs.sigfd = ts_run_signals_open();
	if (!cli->iface && rs.sigfd >= 0) {
		cli->cap.on_wake = ts_run_on_signal_wake;
		cli->cap.wake_ctx = &rs;
		cli->cap.wake_fd = rs.sigfd;
	}
	enum ts_exit_status status = run_open(&rs);
	if (status != TS_EXIT_OK) {
		run_close(&rs, &status);
		return status;
	}
	prepare_analyzer_config(&rs, &cli->an);
	if (ts_analyzer_init(&an, &cli->an) < 0) {
		fprintf(stderr, "tcpscope: out of memory\n");
		status = TS_EXIT_INPUT;
		run_close(&rs, &status);
		return status;
	}
	unsigned workers = workers_for(&rs, &cli->an);
	if (workers) {
		char err[TS_ERRBUF_SIZE];
		rs.par = ts_parallel_start(&an, workers, err);
		if (!rs.par)
			fprintf(stderr, "tcpscope: %s; analysing on one thread\n", err);
	}
	if (cli->verbose && !cli->iface) {
		unsigned threads = rs.par ? workers : 1;
		fprintf(stderr, "tcpscope: analysing on %u thread%s\n", threads, threads == 1 ? "" : "s");
	}
	if (rs.lpar) {
		char err[TS_ERRBUF_SIZE];
		if (ts_live_parallel_start(rs.lpar, &an, cli->max_packets, err) < 0) {
			fprintf(stderr, "tcpscope: %s\n", err);
			status = TS_EXIT_INPUT;
			run_close(&rs, &status);
			ts_analyzer_free(&an);
			return status;
		}
		ts_run_fanout_loop(&rs);
	} else {
		ts_run_read_loop(&rs);
	}
	status = run_report(&rs);
	run_close(&rs, &status);
	ts_analyzer_free(&an);
	return status;
}
