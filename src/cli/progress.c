/* \summary: offline progress on stderr: bytes read of the total, packets/s, time left */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "tcpscope/analyzer.h"
#include "tcpscope/units.h"

static int64_t monotonic_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_timespec_ns(&t);
}

static void human_bytes(char *b, size_t n, uint64_t v)
{
	if (v >= (1ull << 30))
		snprintf(b, n, "%.1f GiB", (double)v / (double)(1ull << 30));
	else if (v >= (1ull << 20))
		snprintf(b, n, "%.1f MiB", (double)v / (double)(1ull << 20));
	else
		snprintf(b, n, "%.0f KiB", (double)v / 1024.0);
}

void ts_progress_start(struct ts_progress *p, enum ts_progress_mode mode, FILE *err,
                       const struct ts_capture_stats *st)
{
	p->err = err;
	p->tty = isatty(fileno(err));
	p->drawn = false;
	p->start_ns = p->last_ns = monotonic_ns();
	if (mode == TS_PROGRESS_ON)
		p->on = !st->live;
	else if (mode == TS_PROGRESS_OFF)
		p->on = false;
	else /* a total under a few MiB is read before a line would help; stdin has none */
		p->on = p->tty && !st->live && st->bytes_total >= TS_PROGRESS_MIN_BYTES;
}

static void draw(struct ts_progress *p, const struct ts_capture_stats *st, uint64_t packets, int64_t now)
{
	double secs = (double)(now - p->start_ns) / TS_NSEC_PER_SEC;
	char done[32], total[32], left[32] = "";
	double rate = secs > 0 ? (double)packets / secs : 0;

	human_bytes(done, sizeof(done), st->bytes_read);
	if (st->bytes_total) {
		double frac = (double)st->bytes_read / (double)st->bytes_total;
		human_bytes(total, sizeof(total), st->bytes_total);
		if (frac > 0.001 && frac < 1 && secs > 0) {
			long rem = (long)(secs / frac - secs + 0.5);
			snprintf(left, sizeof(left), ", %ld:%02ld left", rem / 60, rem % 60);
		}
		fprintf(p->err, "%stcpscope: %s of %s (%.0f%%), %.0f packets/s%s%s", p->tty ? "\r" : "", done,
		        total, 100.0 * frac, rate, left, p->tty ? "\033[K" : "\n");
	} else {
		fprintf(p->err, "%stcpscope: %s read, %.0f packets/s%s", p->tty ? "\r" : "", done, rate,
		        p->tty ? "\033[K" : "\n");
	}
	fflush(p->err);
	p->drawn = true;
}

void ts_progress_update(struct ts_progress *p, const struct ts_capture_stats *st, uint64_t packets, bool force)
{
	if (!p->on)
		return;
	int64_t now = monotonic_ns();
	if (!force && now - p->last_ns < TS_PROGRESS_PERIOD_NS)
		return;
	p->last_ns = now;
	draw(p, st, packets, now);
}

void ts_progress_end(struct ts_progress *p, const struct ts_capture_stats *st, uint64_t packets)
{
	if (!p->on)
		return;
	if (p->tty) {
		if (p->drawn)
			fputs("\r\033[K", p->err);
	} else {
		draw(p, st, packets, monotonic_ns());
	}
	fflush(p->err);
	p->on = false;
}
