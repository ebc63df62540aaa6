/* \summary: syslog output: non-blocking delivery to /dev/log, UDP or TCP, with bounded reconnects */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "syslog_target.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

#define QUEUE_BYTES (32 * (TS_SYSLOG_MSG_MAX + 8))
#define QUEUE_FRAMES 128

/*
 * TCP bytes the kernel did not take yet. Frames are kept whole so that a
 * lost connection drops at most the one frame already partly sent: a new
 * connection must start at a frame boundary.
 */
struct tcp_queue {
	char data[QUEUE_BYTES];
	size_t len;                    /* bytes queued */
	size_t sent;                   /* bytes of data[] the kernel took */
	size_t frame_end[QUEUE_FRAMES];
	unsigned frames;
};

struct ts_syslog {
	struct ts_syslog_target target;
	struct ts_syslog_origin origin;
	char hostname[256];
	int fd;                        /* -1 when not connected */
	int64_t retry_at_ms;           /* no connection attempt before (monotonic) */
	int retry_ms;                  /* current back-off */
	uint64_t failures;
	struct tcp_queue q;
};

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * TS_MSEC_PER_SEC + t.tv_nsec / TS_NSEC_PER_MSEC;
}

int ts_syslog_parse_facility(const char *name)
{
	if (!name)
		return -1;
	if (strcmp(name, "daemon") == 0)
		return TS_SYSLOG_FAC_DAEMON;
	if (strncmp(name, "local", 5) == 0 && name[5] >= '0' && name[5] <= '7' && name[6] == '\0')
		return TS_SYSLOG_FAC_LOCAL0 + (name[5] - '0');
	return -1;
}

static bool facility_allowed(int f)
{
	return f == TS_SYSLOG_FAC_DAEMON || (f >= TS_SYSLOG_FAC_LOCAL0 && f <= TS_SYSLOG_FAC_LOCAL7);
}

struct ts_syslog *ts_syslog_open(const char *target, int facility, char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_syslog *s;

	if (!facility_allowed(facility)) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "syslog: facility %d is not daemon or local0..local7",
		         facility);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "syslog: out of memory");
		return NULL;
	}
	if (ts_syslog_target_parse(target, &s->target, errbuf) < 0) {
		free(s);
		return NULL;
	}
	if (gethostname(s->hostname, sizeof(s->hostname) - 1) < 0)
		s->hostname[0] = '\0'; /* formatted as "-" */
	s->origin.facility = facility;
	s->origin.hostname = s->hostname;
	s->origin.procid = (long)getpid();
	s->fd = -1;
	s->retry_ms = TS_SYSLOG_RETRY_MIN_MS;
	return s;
}

uint64_t ts_syslog_failures(const struct ts_syslog *s)
{
	return s->failures;
}

static void disconnect(struct ts_syslog *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Waits at most timeout_ms for fd to become writable; 0, or -ETIMEDOUT / -errno. */
static int wait_writable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int64_t deadline = now_ms() + timeout_ms;
	int rc;

	for (;;) {
		int left = (int)(deadline - now_ms());
		rc = poll(&p, 1, left > 0 ? left : 0);
		if (rc >= 0 || errno != EINTR)
			break;
	}
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

/*
 * Opens the socket and connects it, waiting at most TS_SYSLOG_CONNECT_MS.
 * A failure postpones the next attempt by the current back-off, which
 * doubles up to TS_SYSLOG_RETRY_MAX_MS; force skips the back-off once (a
 * unix socket whose daemon restarted is reconnected at once).
 */
static int ensure_connected(struct ts_syslog *s, bool force)
{
	const struct ts_syslog_target *t = &s->target;
	int64_t now = now_ms();
	int type = t->transport == TS_SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
	int err = 0;

	if (s->fd >= 0)
		return 0;
	if (!force && now < s->retry_at_ms)
		return -ENOTCONN;
	s->fd = socket(t->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		err = errno;
	} else if (connect(s->fd, (const struct sockaddr *)&t->addr, t->addr_len) < 0) {
		err = errno;
		if (err == EINPROGRESS || err == EINTR) {
			socklen_t l = sizeof(err);
			int rc = wait_writable(s->fd, TS_SYSLOG_CONNECT_MS);
			if (rc < 0)
				err = -rc;
			else if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
				err = errno;
		}
	}
	if (err) {
		disconnect(s);
		s->retry_at_ms = now + s->retry_ms;
		s->retry_ms = s->retry_ms * 2 > TS_SYSLOG_RETRY_MAX_MS ? TS_SYSLOG_RETRY_MAX_MS
		                                                       : s->retry_ms * 2;
		return -err;
	}
	s->retry_ms = TS_SYSLOG_RETRY_MIN_MS;
	return 0;
}

/* ---- TCP stream ---- */

/* A syslog collector never writes to us: readable means closed or reset. */
static bool tcp_peer_gone(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	if (n == 0)
		return true;
	return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

/* Forgets the frames wholly handed to the kernel. */
static void queue_trim(struct tcp_queue *q)
{
	unsigned done = 0;

	while (done < q->frames && q->frame_end[done] <= q->sent)
		done++;
	if (done == 0)
		return;
	size_t cut = q->frame_end[done - 1];
	memmove(q->data, q->data + cut, q->len - cut);
	q->len -= cut;
	q->sent -= cut;
	q->frames -= done;
	for (unsigned i = 0; i < q->frames; i++)
		q->frame_end[i] = q->frame_end[i + done] - cut;
}

/* After a lost connection: a partly sent frame cannot be resumed. */
static void queue_drop_partial(struct ts_syslog *s)
{
	struct tcp_queue *q = &s->q;

	if (q->sent > 0 && q->frames > 0) {
		q->sent = q->frame_end[0];
		queue_trim(q);
		s->failures++;
	}
	q->sent = 0;
}

/* Writes what the socket takes now. 0 (maybe bytes left), or -errno: link lost. */
static int queue_flush(struct ts_syslog *s)
{
	struct tcp_queue *q = &s->q;
	int err = 0;

	while (q->sent < q->len) {
		ssize_t n = send(s->fd, q->data + q->sent, q->len - q->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				err = -errno;
			break;
		}
		q->sent += (size_t)n;
	}
	queue_trim(q);
	if (err) {
		disconnect(s);
		queue_drop_partial(s);
	}
	return err;
}

static int queue_push(struct tcp_queue *q, const char *msg, size_t len)
{
	if (q->frames == QUEUE_FRAMES)
		return -ENOBUFS;
	int n = ts_syslog_frame(msg, len, q->data + q->len, sizeof(q->data) - q->len);
	if (n < 0)
		return -ENOBUFS;
	q->len += (size_t)n;
	q->frame_end[q->frames++] = q->len;
	return 0;
}

static int send_tcp(struct ts_syslog *s, const char *msg, size_t len)
{
	int rc;

	if (s->fd >= 0 && tcp_peer_gone(s->fd)) {
		disconnect(s);
		queue_drop_partial(s);
	}
	rc = ensure_connected(s, false);
	if (rc < 0)
		return rc;
	if (queue_flush(s) < 0)
		return -ENOTCONN; /* the next call reconnects, after the back-off */
	rc = queue_push(&s->q, msg, len);
	if (rc < 0)
		return rc; /* the collector is not reading: drop rather than block */
	queue_flush(s); /* on failure the frame stays queued for the next connection */
	return 0;
}

/* ---- datagrams ---- */

static bool dgram_busy(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == EMSGSIZE;
}

static int send_dgram(struct ts_syslog *s, const char *msg, size_t len)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int rc = ensure_connected(s, attempt > 0);
		if (rc < 0)
			return rc;
		if (send(s->fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return 0;
		int err = errno;
		if (dgram_busy(err) || attempt > 0)
			return -err; /* the receiver is busy or the message too big: drop it */
		if (err == ECONNREFUSED && s->target.transport == TS_SYSLOG_UDP) {
			/* The port unreachable was for an earlier datagram, lost too. */
			s->failures++;
			continue;
		}
		/* The local daemon went away, perhaps restarted: reconnect once now. */
		disconnect(s);
	}
	return -ENOTCONN;
}

int ts_syslog_send_anomaly(struct ts_syslog *s, const struct ts_flow *flow,
                           const struct ts_anomaly *a)
{
	char msg[TS_SYSLOG_MSG_MAX];
	int n = ts_syslog_format(&s->origin, flow, a, msg, sizeof(msg));
	int rc;

	if (n < 0)
		rc = n;
	else if (s->target.transport == TS_SYSLOG_TCP)
		rc = send_tcp(s, msg, (size_t)n);
	else
		rc = send_dgram(s, msg, (size_t)n);
	if (rc < 0)
		s->failures++;
	return rc;
}

int ts_syslog_flush(struct ts_syslog *s, int timeout_ms)
{
	struct tcp_queue *q = &s->q;
	int64_t deadline = now_ms() + timeout_ms;
	int rc = 0;

	if (s->target.transport != TS_SYSLOG_TCP || q->frames == 0)
		return 0;
	while (q->frames > 0) {
		int left = (int)(deadline - now_ms());
		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		rc = ensure_connected(s, true);
		if (rc == 0)
			rc = queue_flush(s);
		if (rc == 0 && q->frames > 0)
			rc = wait_writable(s->fd, left);
		if (rc < 0)
			break;
	}
	if (q->frames > 0) {
		s->failures += q->frames;
		q->frames = 0;
		q->len = q->sent = 0;
	}
	return rc;
}

void ts_syslog_close(struct ts_syslog *s)
{
	if (!s)
		return;
	ts_syslog_flush(s, TS_SYSLOG_CLOSE_FLUSH_MS);
	disconnect(s);
	free(s);
}
