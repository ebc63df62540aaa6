/* \summary: live capture on several workers: what may run sharded, and the waiting main thread */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "run_fanout.h"
#include "tcpscope/units.h"

/*
 * -i with --threads N: N PACKET_FANOUT captures, one worker thread each.
 * What needs the whole picture while the capture runs stays on one thread:
 * --interval and --syslog report from the one analyzer as findings come,
 * --trace-flow, --explain and the HTML report's segment log observe every
 * packet in order. Returns the number of workers (0: one thread).
 */
unsigned ts_run_live_workers(const struct ts_cli *cli, FILE *err)
{
	const char *why = NULL;
	char format[64];

	if (!cli->iface || cli->threads <= 1)
		return 0;
	if (cli->interval > 0)
		why = "--interval";
	else if (cli->syslog)
		why = "--syslog";
	else if (cli->trace_flow)
		why = "--trace-flow";
	else if (cli->explain_flow)
		why = "--explain";
	else if (cli->format && ts_reporter_find(cli->format)->single_thread) {
		snprintf(format, sizeof(format), "--format %s", cli->format);
		why = format;
	}
	else if (cli->write_path)
		why = "-w";
	if (why) {
		fprintf(err, "tcpscope: %s reports from one thread: capturing on one thread, --threads ignored\n",
		        why);
		return 0;
	}
	return cli->threads;
}

static int64_t monotonic_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_timespec_ns(&t);
}

static void fanout_signals(struct run_state *rs)
{
	struct signalfd_siginfo si;

	if (rs->sigfd < 0)
		return;
	while (read(rs->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP)
			ts_live_parallel_stop(rs->lpar);
		else if (si.ssi_signo == SIGUSR1)
			fprintf(stderr, "tcpscope: no interim report with --threads: the workers' "
			                "results are merged at the end\n");
	}
}

/* The workers read and analyse; this thread waits for a signal, the
 * --duration deadline, or the workers stopping on their own (-c reached,
 * a read error). */
void ts_run_fanout_loop(struct run_state *rs)
{
	const struct ts_cli *cli = rs->cli;
	int64_t deadline = cli->duration > 0 ? monotonic_ns() + (int64_t)(cli->duration * TS_NSEC_PER_SEC) : 0;

	clock_gettime(CLOCK_REALTIME, &rs->started);
	if (cli->verbose)
		fprintf(stderr, "tcpscope: %s: %u workers in PACKET_FANOUT group %u\n", cli->iface,
		        ts_live_parallel_workers(rs->lpar), ts_live_parallel_group(rs->lpar));
	while (!ts_live_parallel_stopping(rs->lpar)) {
		int timeout = -1;
		if (deadline) {
			int64_t now = monotonic_ns();
			if (now >= deadline)
				break;
			timeout = (int)((deadline - now + TS_NSEC_PER_MSEC - 1) / TS_NSEC_PER_MSEC);
		}
		struct pollfd p[2] = { { ts_live_parallel_fd(rs->lpar), POLLIN, 0 }, { rs->sigfd, POLLIN, 0 } };
		(void)poll(p, rs->sigfd >= 0 ? 2 : 1, timeout);
		fanout_signals(rs);
	}
	ts_live_parallel_stop(rs->lpar);
}

/* Join and merge the workers; their read error, if any, becomes the run's. */
int ts_run_fanout_finish(struct run_state *rs, struct ts_capture_stats *st)
{
	int rc = ts_live_parallel_finish(rs->lpar);
	const char *err = ts_live_parallel_error(rs->lpar);

	ts_live_parallel_stats(rs->lpar, st);
	rs->packets = rs->an->dec.packets;
	if (err) {
		fprintf(stderr, "tcpscope: %s\n", err);
		snprintf(rs->error, sizeof(rs->error), "%s", err);
		rs->read_error = true;
	}
	if (rs->cli->verbose) {
		for (unsigned i = 0; i < ts_live_parallel_workers(rs->lpar); i++) {
			uint64_t fed, early;
			ts_live_parallel_worker_counts(rs->lpar, i, &fed, &early);
			fprintf(stderr, "tcpscope: worker %u: %llu packets (%llu captured before the group was whole, dropped)\n",
			        i, (unsigned long long)fed, (unsigned long long)early);
		}
	}
	return rc;
}
