/* \summary: tests: syslog delivery to collectors on loopback: UDP, TCP, unix, dead ones */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "syslog_check.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

#define WAIT_MS 3000

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * TS_MSEC_PER_SEC + t.tv_nsec / TS_NSEC_PER_MSEC;
}

static void sleep_ms(int ms)
{
	struct timespec t = { .tv_sec = ms / TS_MSEC_PER_SEC, .tv_nsec = (long)(ms % TS_MSEC_PER_SEC) * TS_NSEC_PER_MSEC };

	nanosleep(&t, NULL);
}

/* A socket bound to 127.0.0.1 on a free port; listening when backlog > 0. */
static int loopback_socket(int type, int backlog, uint16_t *port)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (backlog > 0)
		assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static int accept_within(int lfd, int ms)
{
	assert_true(readable(lfd, ms));
	int fd = accept(lfd, NULL, NULL);
	assert_true(fd >= 0);
	return fd;
}

static size_t recv_datagram(int fd, char *buf, size_t len)
{
	assert_true(readable(fd, WAIT_MS));
	ssize_t n = recv(fd, buf, len - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	return (size_t)n;
}

static void recv_exact(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		assert_true(readable(fd, WAIT_MS));
		ssize_t n = recv(fd, buf + got, len - got, 0);
		assert_true(n > 0);
		got += (size_t)n;
	}
}

/* One RFC 6587 octet-counted frame: "LEN SP MSG". Returns LEN. */
static size_t recv_frame(int fd, char *msg, size_t max)
{
	size_t len = 0, digits = 0;
	char c;

	for (;;) {
		recv_exact(fd, &c, 1);
		if (c == ' ')
			break;
		assert_true(c >= '0' && c <= '9');
		assert_false(digits == 0 && c == '0'); /* NONZERO-DIGIT first */
		len = len * 10 + (size_t)(c - '0');
		assert_true(++digits <= 5);
	}
	assert_true(digits > 0 && len < max);
	recv_exact(fd, msg, len);
	msg[len] = '\0';
	return len;
}

static struct ts_syslog *open_target(const char *fmt, uint16_t port, int facility)
{
	char target[128], err[TS_ERRBUF_SIZE] = "";

	snprintf(target, sizeof(target), fmt, port);
	struct ts_syslog *s = ts_syslog_open(target, facility, err);
	if (!s)
		fprintf(stderr, "%s\n", err);
	assert_non_null(s);
	return s;
}

static void check_close_wait(const char *msg, size_t len, int facility)
{
	struct parsed_msg m;
	char pid[16];

	assert_int_equal(parse_rfc5424(msg, len, &m), 0);
	assert_int_equal(m.pri, facility * 8 + TS_SEV_WARNING);
	assert_string_equal(m.timestamp, SAMPLE_TIME_TEXT);
	assert_string_equal(m.app_name, "tcpscope");
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	assert_string_equal(m.procid, pid);
	assert_string_equal(m.msgid, "close_wait_stall");
	assert_string_equal(parsed_param(&m, "client"), "192.0.2.10:40000");
	assert_string_equal(parsed_param(&m, "s2c_data"), "40");
}

static void test_udp_delivers(void **state)
{
	uint16_t port;
	int rx = loopback_socket(SOCK_DGRAM, 0, &port);
	struct ts_syslog *s = open_target("udp://127.0.0.1:%u", port, TS_SYSLOG_FAC_LOCAL0);
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	struct ts_anomaly h = sample_syn_flood("240 half-open");
	char buf[4096], host[256] = "";
	struct parsed_msg m;

	(void)state;
	sample_flow(&f, 4);
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), 0);
	assert_int_equal(ts_syslog_send_anomaly(s, NULL, &h), 0);

	size_t n = recv_datagram(rx, buf, sizeof(buf));
	check_close_wait(buf, n, TS_SYSLOG_FAC_LOCAL0);
	assert_int_equal(parse_rfc5424(buf, n, &m), 0);
	gethostname(host, sizeof(host) - 1);
	if (host[0] && !strchr(host, ' '))
		assert_string_equal(m.hostname, host);

	n = recv_datagram(rx, buf, sizeof(buf));
	assert_int_equal(parse_rfc5424(buf, n, &m), 0);
	assert_int_equal(m.pri, TS_SYSLOG_FAC_LOCAL0 * 8 + TS_SEV_CRIT);
	assert_string_equal(m.msgid, "syn_flood");
	assert_string_equal(parsed_param(&m, "host"), "2001:db8::1");
	assert_string_equal(parsed_param(&m, "detail"), "240 half-open");

	assert_int_equal(ts_syslog_failures(s), 0);
	ts_syslog_close(s);
	close(rx);
}

static void test_tcp_octet_counting(void **state)
{
	uint16_t port;
	int lfd = loopback_socket(SOCK_STREAM, 4, &port);
	struct ts_syslog *s = open_target("tcp://127.0.0.1:%u", port, TS_SYSLOG_FAC_DAEMON);
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	struct ts_anomaly h = sample_syn_flood("a \"quoted\" ] detail\n");
	char msg[4096];
	struct parsed_msg m;

	(void)state;
	sample_flow(&f, 6);
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), 0);
	assert_int_equal(ts_syslog_send_anomaly(s, NULL, &h), 0);
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), 0);
	assert_int_equal(ts_syslog_flush(s, 1000), 0);

	int c = accept_within(lfd, WAIT_MS);
	size_t n = recv_frame(c, msg, sizeof(msg));
	assert_int_equal(n, strlen(msg));
	assert_int_equal(parse_rfc5424(msg, n, &m), 0);
	assert_int_equal(m.pri, 3 * 8 + 4);
	assert_string_equal(m.msgid, "close_wait_stall");
	assert_string_equal(parsed_param(&m, "client"), "[2001:db8::10]:40000");

	n = recv_frame(c, msg, sizeof(msg));
	assert_int_equal(parse_rfc5424(msg, n, &m), 0);
	assert_int_equal(m.pri, 3 * 8 + 2);
	assert_string_equal(m.msgid, "syn_flood");
	assert_string_equal(parsed_param(&m, "detail"), "a \"quoted\" ] detail?");

	n = recv_frame(c, msg, sizeof(msg));
	assert_int_equal(parse_rfc5424(msg, n, &m), 0);
	assert_string_equal(m.msgid, "close_wait_stall");

	assert_int_equal(ts_syslog_failures(s), 0);
	ts_syslog_close(s);
	/* Nothing after the last frame: the stream ends cleanly. */
	assert_true(readable(c, WAIT_MS));
	assert_int_equal(recv(c, msg, 1, 0), 0);
	close(c);
	close(lfd);
}

static void test_tcp_dead_collector_then_back(void **state)
{
	uint16_t port;
	/* Bound but not listening: connections to it are refused. */
	int lfd = loopback_socket(SOCK_STREAM, 0, &port);
	struct ts_syslog *s = open_target("tcp://127.0.0.1:%u", port, TS_SYSLOG_FAC_LOCAL0 + 5);
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	char msg[4096];

	(void)state;
	sample_flow(&f, 4);
	int64_t t0 = now_ms();
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), -ECONNREFUSED);
	/* Within the back-off no new attempt is made. */
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), -ENOTCONN);
	assert_int_equal(ts_syslog_failures(s), 2);
	assert_true(now_ms() - t0 < TS_SYSLOG_RETRY_MIN_MS);

	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), -ENOTCONN);
	assert_int_equal(ts_syslog_failures(s), 3);
	sleep_ms(TS_SYSLOG_RETRY_MIN_MS + 100);
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), 0);
	assert_int_equal(ts_syslog_flush(s, 1000), 0);

	int c = accept_within(lfd, WAIT_MS);
	size_t n = recv_frame(c, msg, sizeof(msg));
	check_close_wait(msg, n, TS_SYSLOG_FAC_LOCAL0 + 5);
	assert_int_equal(ts_syslog_failures(s), 3);
	ts_syslog_close(s);
	close(c);
	close(lfd);
}

static void test_tcp_close_with_dead_collector_is_quick(void **state)
{
	uint16_t port;
	int lfd = loopback_socket(SOCK_STREAM, 0, &port);
	struct ts_syslog *s = open_target("tcp://127.0.0.1:%u", port, TS_SYSLOG_FAC_DAEMON);
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();

	(void)state;
	sample_flow(&f, 4);
	int64_t t0 = now_ms();
	for (int i = 0; i < 50; i++)
		assert_true(ts_syslog_send_anomaly(s, &f, &a) < 0);
	assert_int_equal(ts_syslog_failures(s), 50);
	ts_syslog_close(s);
	assert_true(now_ms() - t0 < 500);
	close(lfd);
}

static void test_tcp_collector_drops_connection(void **state)
{
	uint16_t port;
	int lfd = loopback_socket(SOCK_STREAM, 4, &port);
	struct ts_syslog *s = open_target("tcp://127.0.0.1:%u", port, TS_SYSLOG_FAC_DAEMON);
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	char msg[4096];

	(void)state;
	sample_flow(&f, 4);
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), 0);
	int c = accept_within(lfd, WAIT_MS);
	size_t n = recv_frame(c, msg, sizeof(msg));
	check_close_wait(msg, n, 3);
	close(c); /* the collector restarts */
	sleep_ms(50);

	/* The closed stream is noticed before writing: the message goes out on a
	 * new connection instead of into a dead one. */
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &a), 0);
	c = accept_within(lfd, WAIT_MS);
	n = recv_frame(c, msg, sizeof(msg));
	check_close_wait(msg, n, 3);
	assert_int_equal(ts_syslog_failures(s), 0);
	ts_syslog_close(s);
	close(c);
	close(lfd);
}

static void test_tcp_collector_not_reading(void **state)
{
	uint16_t port;
	int lfd = loopback_socket(SOCK_STREAM, 4, &port);
	struct ts_syslog *s = open_target("tcp://127.0.0.1:%u", port, TS_SYSLOG_FAC_DAEMON);
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();
	int first_error = 0, sent = 0;

	(void)state;
	sample_flow(&f, 4);
	int64_t t0 = now_ms();
	for (int i = 0; i < 100000 && !first_error; i++) {
		int rc = ts_syslog_send_anomaly(s, &f, &a);
		if (rc < 0)
			first_error = rc;
		else
			sent++;
	}
	/* The kernel buffers fill, the queue fills, then messages are dropped
	 * without waiting for the collector. */
	assert_int_equal(first_error, -ENOBUFS);
	assert_true(sent > 0);
	assert_int_equal(ts_syslog_failures(s), 1);
	assert_true(now_ms() - t0 < 10000);

	t0 = now_ms();
	assert_int_equal(ts_syslog_flush(s, 100), -ETIMEDOUT);
	assert_true(now_ms() - t0 < 1000);
	assert_true(ts_syslog_failures(s) > 1); /* the queued frames */
	ts_syslog_close(s);
	close(lfd);
}

static void test_unix_datagram_and_restart(void **state)
{
	char dir[] = "/tmp/ts-syslog-XXXXXX", path[64], target[80];
	struct sockaddr_un a;
	struct ts_flow f;
	struct ts_anomaly an = sample_close_wait();
	char buf[4096], err[TS_ERRBUF_SIZE];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(target, sizeof(target), "unix:%s", path);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, path);
	sample_flow(&f, 4);

	int rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	struct ts_syslog *s = ts_syslog_open(target, TS_SYSLOG_FAC_LOCAL0 + 7, err);
	assert_non_null(s);
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &an), 0);
	size_t n = recv_datagram(rx, buf, sizeof(buf));
	check_close_wait(buf, n, 23);

	/* The daemon restarts: a new socket at the same path. */
	close(rx);
	unlink(path);
	rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(ts_syslog_send_anomaly(s, &f, &an), 0);
	n = recv_datagram(rx, buf, sizeof(buf));
	check_close_wait(buf, n, 23);
	assert_int_equal(ts_syslog_failures(s), 0);

	/* The daemon is gone. */
	close(rx);
	unlink(path);
	assert_true(ts_syslog_send_anomaly(s, &f, &an) < 0);
	assert_true(ts_syslog_send_anomaly(s, &f, &an) < 0);
	assert_int_equal(ts_syslog_failures(s), 2);
	ts_syslog_close(s);
	rmdir(dir);
}

static void test_udp_port_unreachable_counted(void **state)
{
	uint16_t port;
	int tmp = loopback_socket(SOCK_DGRAM, 0, &port);
	close(tmp); /* nothing listens there now */
	struct ts_syslog *s = open_target("udp://127.0.0.1:%u", port, TS_SYSLOG_FAC_DAEMON);
	struct ts_flow f;
	struct ts_anomaly a = sample_close_wait();

	(void)state;
	sample_flow(&f, 4);
	for (int i = 0; i < 5; i++) {
		int rc = ts_syslog_send_anomaly(s, &f, &a);
		assert_true(rc == 0 || rc == -ECONNREFUSED);
		sleep_ms(20);
	}
	/* ICMP port unreachable came back for the datagrams sent before. */
	assert_true(ts_syslog_failures(s) >= 1);
	assert_true(ts_syslog_failures(s) <= 5);
	ts_syslog_close(s);
}

static void test_open_errors(void **state)
{
	static const char *const bad_targets[] = {
		"ftp://127.0.0.1:514", "udp://", "udp://127.0.0.1:0", "udp://127.0.0.1:65536",
		"tcp://127.0.0.1:51x", "tcp://127.0.0.1:", "udp://[::1", "udp://[::1]x", "udp://[]:514",
		"unix:", "udp://127.0.0.1:-1", "127.0.0.1:514",
	};
	static const char *const good_targets[] = {
		"udp://127.0.0.1", "udp://127.0.0.1:5514", "tcp://[::1]:6514", "udp://::1",
		"udp://localhost:514", "unix:/nonexistent/dir/log", "", NULL,
	};
	char err[TS_ERRBUF_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_targets) / sizeof(bad_targets[0]); i++) {
		err[0] = '\0';
		assert_null(ts_syslog_open(bad_targets[i], TS_SYSLOG_FAC_DAEMON, err));
		assert_true(strlen(err) > 0);
	}
	for (size_t i = 0; i < sizeof(good_targets) / sizeof(good_targets[0]); i++) {
		struct ts_syslog *s = ts_syslog_open(good_targets[i], TS_SYSLOG_FAC_DAEMON, err);
		if (!s)
			fprintf(stderr, "%s: %s\n", good_targets[i] ? good_targets[i] : "NULL", err);
		assert_non_null(s);
		assert_int_equal(ts_syslog_failures(s), 0);
		ts_syslog_close(s); /* nothing sent: no connection made */
	}
	static const int bad_facilities[] = { -1, 0, 1, 2, 4, 15, 24, 100 };
	for (size_t i = 0; i < sizeof(bad_facilities) / sizeof(bad_facilities[0]); i++) {
		err[0] = '\0';
		assert_null(ts_syslog_open("udp://127.0.0.1:514", bad_facilities[i], err));
		assert_non_null(strstr(err, "facility"));
	}
	ts_syslog_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_delivers),
		cmocka_unit_test(test_tcp_octet_counting),
		cmocka_unit_test(test_tcp_dead_collector_then_back),
		cmocka_unit_test(test_tcp_close_with_dead_collector_is_quick),
		cmocka_unit_test(test_tcp_collector_drops_connection),
		cmocka_unit_test(test_tcp_collector_not_reading),
		cmocka_unit_test(test_unix_datagram_and_restart),
		cmocka_unit_test(test_udp_port_unreachable_counted),
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
