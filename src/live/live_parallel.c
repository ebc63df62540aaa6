/* \summary: live capture on N workers: PACKET_FANOUT handles, one analyzer per thread, merged */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tcpscope/live_parallel.h"
#include "capture_fanout.h"
#include "tcpscope/live_tick.h"
#include "tcpscope/parallel.h"
#include "tcpscope/units.h"
#include "tcpscope/parallel_shard.h"

#define TS_LP_TICK_NS TS_NSEC_PER_SEC /* stall checks once a second, as one thread does */
#define TS_LP_BURST 256          /* packets read between two looks at the stop flag */

struct ts_lp_worker {
	struct ts_live_parallel *lp;
	struct ts_capture *cap;
	struct ts_analyzer an;
	pthread_t thread;
	bool an_ready, started;
	uint64_t fed, early;
	char error[TS_ERRBUF_SIZE];
};

struct ts_live_parallel {
	struct ts_analyzer *reader;
	struct ts_lp_worker *w;
	unsigned n, group;
	int64_t ready_ns;          /* CLOCK_REALTIME once every capture joined */
	uint64_t max_packets;
	int stop_fd;               /* eventfd, written once to wake every poll */
	atomic_bool stop;
	atomic_uint_fast64_t index; /* packets fed so far over all workers */
	bool finished;
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return ts_timespec_ns(&t);
}

struct ts_live_parallel *ts_live_parallel_open(const char *iface, const struct ts_capture_opts *opts,
                                               unsigned n, char errbuf[TS_ERRBUF_SIZE],
                                               char warnbuf[TS_ERRBUF_SIZE], bool *fanout_refused)
{
	struct ts_capture_opts o;
	struct ts_live_parallel *lp = calloc(1, sizeof(*lp));
	char warn[TS_ERRBUF_SIZE];

	warnbuf[0] = '\0';
	*fanout_refused = false;
	if (!lp || !n || !(lp->w = calloc(n, sizeof(*lp->w)))) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "cannot set up %u captures: out of memory", n);
		free(lp);
		return NULL;
	}
	lp->n = n;
	lp->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	atomic_init(&lp->stop, false);
	atomic_init(&lp->index, 0);
	if (lp->stop_fd < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (opts)
		o = *opts;
	else
		ts_capture_opts_default(&o);
	o.nonblocking = true; /* each worker waits in poll itself */
	/* Open and join one by one: a capture outside the group gets every
	 * packet, and its early ones are dropped by time below. */
	for (unsigned i = 0; i < n; i++) {
		struct ts_lp_worker *w = &lp->w[i];
		w->lp = lp;
		w->cap = ts_capture_open_live(iface, &o, errbuf, warn);
		if (!w->cap)
			goto fail;
		if (i == 0)
			snprintf(warnbuf, TS_ERRBUF_SIZE, "%s", warn);
		if (ts_capture_fanout_join(w->cap, i == 0, &lp->group, errbuf) < 0) {
			*fanout_refused = true;
			goto fail;
		}
	}
	lp->ready_ns = clock_ns(CLOCK_REALTIME);
	return lp;

fail:
	ts_live_parallel_free(lp);
	return NULL;
}

static void request_stop(struct ts_live_parallel *lp)
{
	uint64_t one = 1;

	if (atomic_exchange(&lp->stop, true))
		return;
	if (write(lp->stop_fd, &one, sizeof(one)) < 0) {
		/* the workers still see the flag within a tick */
	}
}

/* Read what is waiting. Returns false when the worker is to stop. */
static bool worker_read(struct ts_lp_worker *w)
{
	struct ts_live_parallel *lp = w->lp;
	struct ts_pkt pkt;
	char errbuf[TS_ERRBUF_SIZE];

	for (unsigned burst = 0;; burst++) {
		if (burst == TS_LP_BURST) {
			if (atomic_load_explicit(&lp->stop, memory_order_relaxed))
				return false;
			burst = 0;
		}
		int rc = ts_capture_next(w->cap, &pkt, errbuf);
		if (rc == TS_CAP_TIMEOUT)
			return true;
		if (rc == TS_CAP_EOF)
			return false;
		if (rc != TS_CAP_PACKET) {
			snprintf(w->error, sizeof(w->error), "%s", errbuf);
			request_stop(lp);
			return false;
		}
		if (ts_timespec_ns(&pkt.ts) < lp->ready_ns) {
			w->early++;
			continue;
		}
		/* One numbering over all workers: flows are ordered by it when
		 * merged, and -c counts every worker's packets. */
		uint64_t index = atomic_fetch_add(&lp->index, 1) + 1;
		if (lp->max_packets && index > lp->max_packets) {
			request_stop(lp);
			return false;
		}
		pkt.index = index;
		ts_analyzer_feed(&w->an, &pkt);
		w->fed++;
		if (index == lp->max_packets) {
			request_stop(lp);
			return false;
		}
	}
}

static void *worker_main(void *arg)
{
	struct ts_lp_worker *w = arg;
	struct ts_live_parallel *lp = w->lp;
	int64_t next_tick = clock_ns(CLOCK_MONOTONIC) + TS_LP_TICK_NS;
	struct pollfd p[2] = { { ts_capture_fd(w->cap), POLLIN, 0 }, { lp->stop_fd, POLLIN, 0 } };

	while (!atomic_load(&lp->stop)) {
		int64_t now = clock_ns(CLOCK_MONOTONIC);
		int timeout = next_tick <= now ? 0 : (int)((next_tick - now + TS_NSEC_PER_MSEC - 1) / TS_NSEC_PER_MSEC);
		int n = poll(p, 2, timeout);
		if (n < 0 && errno != EINTR) {
			snprintf(w->error, sizeof(w->error), "poll: %s", strerror(errno));
			request_stop(lp);
			break;
		}
		if (n > 0 && p[0].revents && !worker_read(w))
			break;
		now = clock_ns(CLOCK_MONOTONIC);
		if (now >= next_tick) {
			/* A connection stuck in CLOSE_WAIT sends nothing: only the
			 * clock says when its stall begins. */
			struct timespec wall;
			clock_gettime(CLOCK_REALTIME, &wall);
			ts_live_check_stalls(&w->an, &wall);
			next_tick = now + TS_LP_TICK_NS;
		}
	}
	return NULL;
}

int ts_live_parallel_start(struct ts_live_parallel *lp, struct ts_analyzer *reader, uint64_t max_packets,
                           char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_analyzer_config cfg;

	lp->reader = reader;
	lp->max_packets = max_packets;
	ts_parallel_worker_config(reader, lp->n, &cfg);
	for (unsigned i = 0; i < lp->n; i++) {
		struct ts_lp_worker *w = &lp->w[i];
		if (ts_analyzer_init(&w->an, &cfg) < 0) {
			snprintf(errbuf, TS_ERRBUF_SIZE, "worker %u: out of memory", i);
			goto fail;
		}
		w->an_ready = true;
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			snprintf(errbuf, TS_ERRBUF_SIZE, "cannot start worker %u", i);
			goto fail;
		}
		w->started = true;
	}
	return 0;

fail:
	request_stop(lp);
	for (unsigned i = 0; i < lp->n; i++) {
		if (lp->w[i].started)
			pthread_join(lp->w[i].thread, NULL);
		lp->w[i].started = false;
	}
	return -1;
}

int ts_live_parallel_fd(const struct ts_live_parallel *lp)
{
	return lp->stop_fd;
}

bool ts_live_parallel_stopping(const struct ts_live_parallel *lp)
{
	return atomic_load(&lp->stop);
}

void ts_live_parallel_stop(struct ts_live_parallel *lp)
{
	request_stop(lp);
}

/* What a single reader would have counted itself: packets, bytes and the
 * time span (decode counts are merged with the flows). */
static void add_read_counts(struct ts_analyzer *r, const struct ts_analyzer *w)
{
	r->dec.packets += w->dec.packets;
	r->dec.bytes += w->dec.bytes;
	if (!w->have_ts)
		return;
	if (!r->have_ts || ts_timespec_ns(&w->first) < ts_timespec_ns(&r->first))
		r->first = w->first;
	if (!r->have_ts || ts_timespec_ns(&w->last) > ts_timespec_ns(&r->last))
		r->last = w->last;
	r->have_ts = true;
}

int ts_live_parallel_finish(struct ts_live_parallel *lp)
{
	struct ts_analyzer *r = lp->reader;
	int rc = 0;

	request_stop(lp);
	for (unsigned i = 0; i < lp->n; i++) {
		if (lp->w[i].started)
			pthread_join(lp->w[i].thread, NULL);
		lp->w[i].started = false;
	}
	if (lp->finished || !r)
		return 0;
	lp->finished = true;
	/* The whole run's first and last packet first: every worker's flows
	 * are finished against the last packet of all. */
	for (unsigned i = 0; i < lp->n; i++)
		if (lp->w[i].an_ready)
			add_read_counts(r, &lp->w[i].an);
	for (unsigned i = 0; i < lp->n; i++)
		if (lp->w[i].an_ready && ts_parallel_merge_worker(r, &lp->w[i].an) < 0)
			rc = -1;
	if (ts_parallel_merge_end(r) < 0)
		rc = -1;
	return rc;
}

const char *ts_live_parallel_error(const struct ts_live_parallel *lp)
{
	for (unsigned i = 0; i < lp->n; i++)
		if (lp->w[i].error[0])
			return lp->w[i].error;
	return NULL;
}

void ts_live_parallel_stats(struct ts_live_parallel *lp, struct ts_capture_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->live = true;
	for (unsigned i = 0; i < lp->n; i++) {
		struct ts_capture_stats st;
		if (!lp->w[i].cap || ts_capture_stats(lp->w[i].cap, &st) < 0)
			continue;
		out->received += st.received > lp->w[i].early ? st.received - lp->w[i].early : 0;
		out->dropped += st.dropped;
		if (st.if_dropped > out->if_dropped)
			out->if_dropped = st.if_dropped;
		out->bad_records += st.bad_records;
	}
}

unsigned ts_live_parallel_group(const struct ts_live_parallel *lp)
{
	return lp->group;
}

unsigned ts_live_parallel_workers(const struct ts_live_parallel *lp)
{
	return lp->n;
}

void ts_live_parallel_worker_counts(const struct ts_live_parallel *lp, unsigned i, uint64_t *fed,
                                    uint64_t *early)
{
	*fed = i < lp->n ? lp->w[i].fed : 0;
	*early = i < lp->n ? lp->w[i].early : 0;
}

void ts_live_parallel_free(struct ts_live_parallel *lp)
{
	if (!lp)
		return;
	if (lp->w) {
		if (lp->stop_fd >= 0)
			request_stop(lp);
		for (unsigned i = 0; i < lp->n; i++) {
			struct ts_lp_worker *w = &lp->w[i];
			if (w->started)
				pthread_join(w->thread, NULL);
			if (w->an_ready)
				ts_analyzer_free(&w->an);
			if (w->cap)
				ts_capture_close(w->cap);
		}
	}
	if (lp->stop_fd >= 0)
		close(lp->stop_fd);
	free(lp->w);
	free(lp);
}
