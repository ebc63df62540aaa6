/* \summary: tests: live capture on loopback (needs root; skipped otherwise) */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "tcpscope/capture.h"
#include "tcpscope/units.h"

#define LIVE_DATAGRAMS 3

static bool can_capture(void)
{
	return geteuid() == 0;
}

/* A port unlikely to carry other traffic during the test. */
static uint16_t test_port(void)
{
	return (uint16_t)(40000 + getpid() % 20000);
}

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / TS_NSEC_PER_SEC;
}

/* Does the frame (Ethernet on lo) carry IPv4 with this protocol and port? */
static bool frame_matches(const struct ts_pkt *p, uint8_t proto, uint16_t port)
{
	const uint8_t *ip;
	size_t hl;

	if (p->caplen < 14 + 20 + 4 || p->data[12] != 0x08 || p->data[13] != 0x00)
		return false;
	ip = p->data + 14;
	hl = (size_t)(ip[0] & 0x0f) * 4;
	if (ip[9] != proto || p->caplen < 14 + hl + 4)
		return false;
	return ((ip[hl + 2] << 8) | ip[hl + 3]) == port ||
	       ((ip[hl] << 8) | ip[hl + 1]) == port;
}

static void test_live_loopback(void **state)
{
	uint16_t port = test_port();
	struct sockaddr_in dst = loopback(port);
	struct ts_capture_opts opts;
	struct ts_capture_stats st;
	struct ts_capture *c;
	char errbuf[TS_ERRBUF_SIZE], warnbuf[TS_ERRBUF_SIZE], filter[64];
	int udp, lst, tcp, udp_seen = 0, tcp_seen = 0;
	double deadline;

	(void)state;
	if (!can_capture())
		skip();
	ts_capture_opts_default(&opts);
	snprintf(filter, sizeof(filter), "port %u", port);
	opts.filter = filter;
	opts.timeout_ms = 50;
	c = ts_capture_open_live("lo", &opts, errbuf, warnbuf);
	if (c == NULL)
		fail_msg("open lo: %s", errbuf);
	assert_string_equal(ts_capture_source_name(c), "lo");
	assert_true(ts_capture_fd(c) >= 0);

	udp = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(udp >= 0);
	for (int i = 0; i < LIVE_DATAGRAMS; i++)
		assert_int_equal(sendto(udp, "tcpscope", 8, 0,
		                        (struct sockaddr *)&dst, sizeof(dst)), 8);
	/* a TCP handshake to a listener on the same port */
	lst = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lst >= 0);
	assert_int_equal(setsockopt(lst, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 },
	                            sizeof(int)), 0);
	assert_int_equal(bind(lst, (struct sockaddr *)&dst, sizeof(dst)), 0);
	assert_int_equal(listen(lst, 1), 0);
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(tcp, (struct sockaddr *)&dst, sizeof(dst)), 0);

	deadline = now_s() + 5.0;
	while ((udp_seen < LIVE_DATAGRAMS || tcp_seen < 3) && now_s() < deadline) {
		struct ts_pkt p;
		int r = ts_capture_next(c, &p, errbuf);

		if (r == TS_CAP_TIMEOUT)
			continue;
		if (r != TS_CAP_PACKET)
			fail_msg("next: %d %s", r, errbuf);
		assert_int_equal(p.linktype, DLT_EN10MB);
		assert_true(p.caplen <= p.wirelen);
		assert_true(p.ts.tv_nsec >= 0 && p.ts.tv_nsec < TS_NSEC_PER_SEC);
		assert_true(p.index >= 1);
		/* the kernel filter lets only our port through */
		if (frame_matches(&p, IPPROTO_UDP, port))
			udp_seen++;
		else if (frame_matches(&p, IPPROTO_TCP, port))
			tcp_seen++;
		else
			fail_msg("frame %llu does not match the filter",
			         (unsigned long long)p.index);
	}
	assert_int_equal(udp_seen, LIVE_DATAGRAMS);
	assert_true(tcp_seen >= 3);   /* SYN, SYN-ACK, ACK */
	assert_int_equal(ts_capture_stats(c, &st), 0);
	assert_true(st.live);
	assert_true(st.received >= (uint64_t)(udp_seen + tcp_seen));

	/* after a break the read ends */
	ts_capture_break(c);
	{
		struct ts_pkt p;

		assert_int_equal(ts_capture_next(c, &p, errbuf), TS_CAP_EOF);
	}
	close(tcp);
	close(lst);
	close(udp);
	ts_capture_close(c);
}

static void test_live_errors(void **state)
{
	struct ts_capture_opts opts;
	struct ts_capture *c;
	char errbuf[TS_ERRBUF_SIZE], warnbuf[TS_ERRBUF_SIZE];

	(void)state;
	if (!can_capture())
		skip();
	ts_capture_opts_default(&opts);
	c = ts_capture_open_live("tcpscope-none0", &opts, errbuf, warnbuf);
	assert_null(c);
	assert_non_null(strstr(errbuf, "tcpscope-none0"));
	opts.filter = "tcp and";
	c = ts_capture_open_live("lo", &opts, errbuf, warnbuf);
	assert_null(c);
	assert_non_null(strstr(errbuf, "syntax error"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_loopback),
		cmocka_unit_test(test_live_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
