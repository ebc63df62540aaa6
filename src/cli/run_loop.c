/* \summary: the read loop: feed packets, watch signals, live clock ticks, offline progress */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "run_loop.h"
#include "tcpscope/live_tick.h"
#include "tcpscope/units.h"

static int64_t monotonic_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_timespec_ns(&t);
}

/* SIGINT, SIGTERM and SIGHUP end the run with a report, SIGUSR1 asks for an
 * interim one, all through a signalfd: no handler, no global flag. */
int ts_run_signals_open(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void signals_poll(struct run_state *rs)
{
	struct signalfd_siginfo si;

	if (rs->sigfd < 0)
		return;
	while (read(rs->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP) {
			rs->stop = true;
			if (!rs->stop_signal)
				rs->stop_signal = (int)si.ssi_signo;
			ts_capture_break(rs->cap);
		} else if (si.ssi_signo == SIGUSR1) {
			rs->interim_wanted = true;
		}
	}
}

static void live_extra(struct run_state *rs, struct ts_live_extra *x, struct ts_capture_stats *st)
{
	memset(st, 0, sizeof(*st));
	ts_capture_stats(rs->cap, st);
	x->cap = st;
	x->syslog = rs->syslog != NULL;
	x->syslog_failures = rs->syslog ? ts_syslog_failures(rs->syslog) : 0;
	x->json = rs->json;
	x->color = rs->color;
}

static void add_worker(void *ctx, const struct ts_analyzer *w)
{
	ts_interim_figures_add(ctx, w, false);
}

/* With --threads the flows are the workers': each catches up first. */
static void interim_figures(struct run_state *rs, struct ts_interim_figures *fig)
{
	memset(fig, 0, sizeof(*fig));
	ts_analyzer_flush(rs->an);
	ts_interim_figures_add(fig, rs->an, true);
	if (rs->par)
		ts_parallel_visit(rs->par, add_worker, fig);
}

static void interim_report(struct run_state *rs)
{
	struct ts_live_extra x;
	struct ts_capture_stats st;
	struct ts_interim_figures fig;
	struct timespec wall;

	if (!rs->interim_wanted)
		return;
	rs->interim_wanted = false;
	clock_gettime(CLOCK_REALTIME, &wall);
	live_extra(rs, &x, &st);
	interim_figures(rs, &fig);
	ts_live_report_interim(rs->out, &fig, &rs->started, &wall, &x);
}

/* Work driven by the clock rather than by packets: signals, live stall
 * checks, --interval reports, the live --duration. */
static void housekeeping(struct run_state *rs)
{
	struct ts_cli *cli = rs->cli;
	int64_t now = monotonic_ns();
	struct timespec wall;

	if (now >= rs->next_poll_ns) {
		rs->next_poll_ns = now + TS_RUN_SIGNAL_POLL_NS;
		signals_poll(rs);
	}
	if (!cli->iface)
		goto interim;
	if (rs->deadline_ns && now >= rs->deadline_ns) {
		rs->stop = true;
		return;
	}
	if (now >= rs->next_tick_ns || (rs->next_interval_ns && now >= rs->next_interval_ns)) {
		clock_gettime(CLOCK_REALTIME, &wall);
		ts_live_check_stalls(rs->an, &wall);
		rs->next_tick_ns = now + TS_RUN_STALL_TICK_NS;
	}
	if (rs->next_interval_ns && now >= rs->next_interval_ns) {
		struct ts_live_extra x;
		struct ts_capture_stats st;
		clock_gettime(CLOCK_REALTIME, &wall);
		live_extra(rs, &x, &st);
		ts_live_report_interval(rs->out, rs->an, &rs->mark, &wall, &x);
		ts_live_mark_take(&rs->mark, rs->an, &st, &wall);
		/* keep the cadence; after a long stall start over from now */
		rs->next_interval_ns += (int64_t)(cli->interval * TS_NSEC_PER_SEC);
		if (rs->next_interval_ns <= now)
			rs->next_interval_ns = now + (int64_t)(cli->interval * TS_NSEC_PER_SEC);
	}
interim:
	interim_report(rs);
}

/* A read of a silent pipe waits for the signals too (ts_capture_opts.on_wake):
 * the run stops, or prints its interim report, there. Nonzero: stop. */
int ts_run_on_signal_wake(void *ctx)
{
	struct run_state *rs = ctx;

	signals_poll(rs);
	if (!rs->stop)
		interim_report(rs);
	return rs->stop;
}

static int64_t min_pos(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/*
 * Live: libpcap's read blocks until a packet arrives, indefinitely on a quiet
 * interface (TPACKET_V3 wakes up only for a filled or timed-out block). Wait
 * here instead, for a packet, a signal or the next clock event, and read only
 * when the capture is readable, so that the read never blocks.
 * Returns true when a read will not block.
 */
static bool live_wait(struct run_state *rs)
{
	int fd = ts_capture_fd(rs->cap);
	if (fd < 0)
		return true;
	int64_t now = monotonic_ns();
	int64_t next = min_pos(min_pos(rs->next_poll_ns, rs->next_tick_ns),
	                       min_pos(rs->next_interval_ns, rs->deadline_ns));
	int timeout = next <= now ? 0 : (int)((next - now + TS_NSEC_PER_MSEC - 1) / TS_NSEC_PER_MSEC);
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { rs->sigfd, POLLIN, 0 } };

	int n = poll(p, rs->sigfd >= 0 ? 2 : 1, timeout);
	if (n > 0 && rs->sigfd >= 0 && p[1].revents)
		signals_poll(rs);
	return n > 0 && p[0].revents;
}

static void loop_start(struct run_state *rs)
{
	struct ts_cli *cli = rs->cli;
	struct ts_capture_stats st;
	int64_t now = monotonic_ns();

	clock_gettime(CLOCK_REALTIME, &rs->started);
	rs->live_idle = true;
	memset(&st, 0, sizeof(st));
	ts_capture_stats(rs->cap, &st);
	rs->next_poll_ns = now + TS_RUN_SIGNAL_POLL_NS;
	rs->next_tick_ns = now + TS_RUN_STALL_TICK_NS;
	if (cli->iface && cli->interval > 0)
		rs->next_interval_ns = now + (int64_t)(cli->interval * TS_NSEC_PER_SEC);
	if (cli->iface && cli->duration > 0)
		rs->deadline_ns = now + (int64_t)(cli->duration * TS_NSEC_PER_SEC);
	ts_live_mark_take(&rs->mark, rs->an, &st, &rs->started);
	ts_progress_start(&rs->progress, cli->progress_mode, stderr, &st);
}

void ts_run_read_loop(struct run_state *rs)
{
	struct ts_cli *cli = rs->cli;
	struct ts_capture_stats st;
	struct ts_pkt pkt;
	char errbuf[TS_ERRBUF_SIZE];
	int64_t stop_at_ns = 0;

	loop_start(rs);
	while (!rs->stop) {
		if (cli->iface) {
			/* Packets are read while they come; only when none is waiting
			 * does the loop sleep in poll (signals, timers, the capture). */
			if (rs->live_idle) {
				bool ready = live_wait(rs);
				housekeeping(rs);
				if (!ready || rs->stop)
					continue;
				rs->live_idle = false;
			} else if ((rs->packets & 255) == 0) {
				housekeeping(rs);
				if (rs->stop)
					continue;
			}
		}
		int rc = ts_capture_next(rs->cap, &pkt, errbuf);
		if (rc == TS_CAP_PACKET) {
			/* offline, --duration counts capture time; live, housekeeping
			 * watches the wall clock */
			if (!cli->iface && cli->duration > 0 && !stop_at_ns)
				stop_at_ns = ts_timespec_ns(&pkt.ts) + (int64_t)(cli->duration * TS_NSEC_PER_SEC);
			if (stop_at_ns && ts_timespec_ns(&pkt.ts) > stop_at_ns)
				break;
			if (cli->write_all)
				ts_packet_writer_put(&rs->writer, &pkt);
			if (rs->par)
				ts_parallel_feed(rs->par, &pkt);
			else if (cli->iface)
				ts_analyzer_feed(rs->an, &pkt); /* live: findings as they happen */
			else
				ts_analyzer_feed_ahead(rs->an, &pkt);
			if (++rs->packets == cli->max_packets)
				break;
			if (!cli->iface && (rs->packets & 1023) == 0) {
				ts_analyzer_flush(rs->an);
				housekeeping(rs);
				if (rs->progress.on) {
					ts_capture_stats(rs->cap, &st);
					ts_progress_update(&rs->progress, &st, rs->packets, false);
				}
			}
			continue;
		}
		if (rc == TS_CAP_TIMEOUT) {
			rs->live_idle = true;
			if (!cli->iface) {
				ts_analyzer_flush(rs->an);
				housekeeping(rs);
			}
			continue;
		}
		if (rc == TS_CAP_EOF)
			break;
		/* a read that a stop signal interrupted is no error */
		signals_poll(rs);
		if (rs->stop)
			break;
		fprintf(stderr, "%stcpscope: %s\n", rs->progress.on && rs->progress.tty ? "\r\033[K" : "", errbuf);
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
	/* offline, a stop signal that came with the last packets still counts:
	 * the report says it was interrupted */
	if (!cli->iface)
		signals_poll(rs);
	ts_analyzer_flush(rs->an);
	memset(&st, 0, sizeof(st));
	ts_capture_stats(rs->cap, &st);
	ts_progress_end(&rs->progress, &st, rs->packets);
}
