/* \summary: unit tests: stalls with durations, handshake and MSS findings, per-flow and host thresholds */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frames.h"
#include "tcpscope/live_tick.h"
#include "tcpscope/units.h"

#define SYN TS_TCP_SYN
#define ACK TS_TCP_ACK
#define FIN TS_TCP_FIN
#define RST TS_TCP_RST
#define PSH TS_TCP_PSH

struct fx {
	struct ts_analyzer an;
	struct tf_conn c;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct ts_analyzer_config cfg;
	ts_analyzer_config_default(&cfg);
	cfg.stall_timeout = 5;
	tf_analyzer(&x->an, &cfg);
	tf_conn_init(&x->c, &x->an, "10.0.0.1", 40000, "10.0.0.2", 80);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	ts_analyzer_free(&x->an);
	free(x);
	return 0;
}

static struct ts_flow *handshake_on(struct tf_conn *c, double t, uint16_t cmss, uint16_t smss)
{
	TF_C(c, t, .flags = SYN, .seq = 1000, .mss = cmss);
	TF_S(c, t + 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = smss);
	TF_C(c, t + 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	size_t n = 0;
	struct ts_flow **v = tf_flows(c->an, &n);
	struct ts_flow *f = v[n - 1];
	free(v);
	return f;
}

static struct ts_flow *handshake(struct fx *x)
{
	return handshake_on(&x->c, 0, 1460, 1460);
}

/* Time passes: a packet of an unrelated connection at t. */
static void tick(struct fx *x, double t)
{
	struct tf_conn o;
	tf_conn_init(&o, &x->an, "10.9.9.9", 1111, "10.9.9.8", 2222);
	TF_C(&o, t, .flags = ACK, .seq = 1, .ack = 1);
}

static int64_t ns(const struct timespec *t) { return ts_timespec_ns(t); }

static void test_close_wait_and_fin_wait_2_stalls(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_S(&x->c, 1.5, .flags = ACK, .seq = 5001, .ack = 1002);
	/* The server application never closes. */
	tick(x, 21.5);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->srv.state, TS_ST_CLOSE_WAIT);
	const struct ts_anomaly *cw = tf_find(f, TS_AN_CLOSE_WAIT_STALL);
	const struct ts_anomaly *fw2 = tf_find(f, TS_AN_FIN_WAIT_2_STALL);
	assert_non_null(cw);
	assert_non_null(fw2);
	assert_int_equal(cw->endpoint, TS_EP_SERVER);
	assert_int_equal(fw2->endpoint, TS_EP_CLIENT);
	assert_true(cw->has_duration && fw2->has_duration);
	assert_int_equal(ns(&cw->duration), 20ll * TS_NSEC_PER_SEC);
	assert_int_equal(ns(&fw2->duration), 20ll * TS_NSEC_PER_SEC);
	assert_int_equal(ns(&cw->ts), ns(&(struct timespec){ TF_T0 + 1, 500000000 }));
	assert_int_equal(tf_count(f, TS_AN_CLOSE_WAIT_STALL), 1);
}

/* Live: the clock finds the stall while it lasts (it is sent at once); the
 * final report still gives its whole length. */
static void test_live_stall_keeps_growing(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_S(&x->c, 1.5, .flags = ACK, .seq = 5001, .ack = 1002);
	struct timespec clock = { TF_T0 + 7, 500000000 }; /* 6 s into the stall */
	ts_live_check_stalls(&x->an, &clock);
	const struct ts_anomaly *cw = tf_find(f, TS_AN_CLOSE_WAIT_STALL);
	assert_non_null(cw);
	assert_int_equal(ns(&cw->duration), 6ll * TS_NSEC_PER_SEC);
	tick(x, 31.5);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_CLOSE_WAIT_STALL), 1);
	assert_int_equal(ns(&cw->duration), 30ll * TS_NSEC_PER_SEC);
}

/* A stall that ends is reported when it ends, with how long it lasted. */
static void test_stall_reported_when_it_ends(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_S(&x->c, 1.001, .flags = ACK, .seq = 5001, .ack = 1002);
	TF_S(&x->c, 11.001, .flags = FIN | ACK, .seq = 5001, .ack = 1002);
	assert_int_equal(tf_count(f, TS_AN_CLOSE_WAIT_STALL), 1);
	assert_int_equal(ns(&tf_find(f, TS_AN_CLOSE_WAIT_STALL)->duration), 10ll * TS_NSEC_PER_SEC);
	TF_C(&x->c, 11.002, .flags = ACK, .seq = 1002, .ack = 5002);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_FIN_WAIT_2_STALL), 1);
	assert_int_equal(ns(&tf_find(f, TS_AN_FIN_WAIT_2_STALL)->duration), 10001000000LL);
	assert_int_equal(tf_count(f, TS_AN_LAST_ACK_STALL), 0);
	assert_int_equal(tf_count(f, TS_AN_CLOSE_WAIT_STALL), 1);
}

static void test_short_close_is_no_stall(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_S(&x->c, 1.001, .flags = ACK, .seq = 5001, .ack = 1002);
	TF_S(&x->c, 5.9, .flags = FIN | ACK, .seq = 5001, .ack = 1002); /* 4.9 s < 5 s */
	TF_C(&x->c, 5.901, .flags = ACK, .seq = 1002, .ack = 5002);
	tick(x, 100);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->n_anomalies, 0);
}

static void test_fin_wait_1_stall(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_C(&x->c, 1.2, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_C(&x->c, 1.6, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	tick(x, 10);
	ts_analyzer_finish(&x->an);
	const struct ts_anomaly *a = tf_find(f, TS_AN_FIN_WAIT_1_STALL);
	assert_non_null(a);
	assert_int_equal(a->endpoint, TS_EP_CLIENT);
	assert_int_equal(a->value, 2); /* FIN retransmissions */
	assert_int_equal(ns(&a->duration), 9ll * TS_NSEC_PER_SEC);
	assert_int_equal(tf_count(f, TS_AN_CLOSE_WAIT_STALL), 0); /* the peer never got the FIN */
}

static void test_last_ack_stall(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_S(&x->c, 1.001, .flags = ACK, .seq = 5001, .ack = 1002);
	TF_S(&x->c, 1.002, .flags = FIN | ACK, .seq = 5001, .ack = 1002);
	TF_S(&x->c, 1.3, .flags = FIN | ACK, .seq = 5001, .ack = 1002);
	tick(x, 8.002);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->srv.state, TS_ST_LAST_ACK);
	const struct ts_anomaly *a = tf_find(f, TS_AN_LAST_ACK_STALL);
	assert_non_null(a);
	assert_int_equal(a->endpoint, TS_EP_SERVER);
	assert_int_equal(a->value, 1);
	assert_int_equal(ns(&a->duration), 7ll * TS_NSEC_PER_SEC);
}

static void test_closing_stall(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_S(&x->c, 1.0001, .flags = FIN | ACK, .seq = 5001, .ack = 1001);
	TF_C(&x->c, 1.001, .flags = ACK, .seq = 1002, .ack = 5002);
	/* The server's ACK of the client's FIN never comes. */
	tick(x, 7.001);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->cli.state, TS_ST_CLOSING);
	const struct ts_anomaly *a = tf_find(f, TS_AN_CLOSING_STALL);
	assert_non_null(a);
	assert_int_equal(a->endpoint, TS_EP_CLIENT);
	assert_int_equal(ns(&a->duration), 6ll * TS_NSEC_PER_SEC);
}

static void test_zero_window_stall(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 0.1, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100);
	TF_S(&x->c, 0.5, .flags = ACK, .seq = 5001, .ack = 1101, .window = TF_WIN_ZERO);
	TF_C(&x->c, 1, .flags = ACK, .seq = 1100, .ack = 5001);
	TF_S(&x->c, 3.5, .flags = ACK, .seq = 5001, .ack = 1101, .window = 4096);
	const struct ts_anomaly *a = tf_find(f, TS_AN_ZERO_WINDOW_STALL);
	assert_non_null(a);
	assert_int_equal(a->endpoint, TS_EP_SERVER);
	assert_int_equal(ns(&a->duration), 3ll * TS_NSEC_PER_SEC);
	/* A short one (0.5 s < 1 s) is not a stall. */
	TF_S(&x->c, 4, .flags = ACK, .seq = 5001, .ack = 1101, .window = TF_WIN_ZERO);
	TF_S(&x->c, 4.5, .flags = ACK, .seq = 5001, .ack = 1101, .window = 4096);
	/* One still closed at the end of the capture is measured to the end. */
	TF_C(&x->c, 5, .flags = ACK, .seq = 1101, .ack = 5001, .window = TF_WIN_ZERO);
	tick(x, 7);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_ZERO_WINDOW_STALL), 2);
	assert_int_equal(ts_endpoint_rare(&f->srv)->zero_window, 2);
	const struct ts_anomaly *b = &f->anomalies[f->n_anomalies - 1];
	for (unsigned i = 0; i < f->n_anomalies; i++)
		if (f->anomalies[i].code == TS_AN_ZERO_WINDOW_STALL && f->anomalies[i].endpoint == TS_EP_CLIENT)
			b = &f->anomalies[i];
	assert_int_equal(b->code, TS_AN_ZERO_WINDOW_STALL);
	assert_int_equal(b->endpoint, TS_EP_CLIENT);
	assert_int_equal(ns(&b->duration), 2ll * TS_NSEC_PER_SEC);
}

static void test_handshake_findings(void **state)
{
	struct fx *x = *state;
	struct tf_conn a, b, c;

	tf_conn_init(&a, &x->an, "10.0.0.1", 40001, "10.0.0.2", 80);
	tf_conn_init(&b, &x->an, "10.0.0.1", 40002, "10.0.0.2", 81);
	tf_conn_init(&c, &x->an, "10.0.0.1", 40003, "10.0.0.2", 82);
	TF_C(&a, 0, .flags = SYN, .seq = 1, .mss = 1460);
	TF_C(&a, 1, .flags = SYN, .seq = 1, .mss = 1460);
	TF_C(&b, 0, .flags = SYN, .seq = 1, .mss = 1460);
	TF_S(&b, 0.001, .flags = RST | ACK, .seq = 0, .ack = 2);
	TF_C(&c, 0, .flags = SYN, .seq = 1, .mss = 1460);
	TF_S(&c, 0.001, .flags = SYN | ACK, .seq = 9, .ack = 2, .mss = 1460);
	TF_S(&c, 1.001, .flags = SYN | ACK, .seq = 9, .ack = 2, .mss = 1460);
	ts_analyzer_finish(&x->an);
	size_t n = 0;
	struct ts_flow **v = tf_flows(&x->an, &n);
	assert_int_equal(n, 3);
	assert_int_equal(tf_count(v[0], TS_AN_SYN_UNANSWERED), 1);
	assert_int_equal(tf_find(v[0], TS_AN_SYN_UNANSWERED)->endpoint, TS_EP_CLIENT);
	assert_int_equal(tf_count(v[1], TS_AN_CONNECTION_REFUSED), 1);
	assert_int_equal(tf_find(v[1], TS_AN_CONNECTION_REFUSED)->endpoint, TS_EP_SERVER);
	assert_int_equal(tf_count(v[2], TS_AN_HALF_OPEN), 1);
	assert_int_equal(tf_find(v[2], TS_AN_HALF_OPEN)->endpoint, TS_EP_SERVER);
	for (int i = 0; i < 3; i++)
		assert_int_equal(v[i]->n_anomalies, 1);
	free(v);
}

static void test_mss_missing(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake_on(&x->c, 0, 0, 1460);

	TF_S(&x->c, 0.1, .flags = ACK | PSH, .seq = 5001, .ack = 1001, .len = 536);
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_flow_effective_mss(f), 536);
	assert_int_equal(tf_count(f, TS_AN_MSS_MISSING), 1);
	assert_int_equal(tf_find(f, TS_AN_MSS_MISSING)->endpoint, TS_EP_CLIENT);
	assert_int_equal(tf_count(f, TS_AN_SEGMENT_EXCEEDS_MSS), 0);
	assert_int_equal(tf_count(f, TS_AN_MSS_MISMATCH), 0);
}

static void test_mss_mismatch_and_oversized_segment(void **state)
{
	struct fx *x = *state;
	/* 1000 is neither 20 bytes off nor in the 1500-byte path's 1220..1460 */
	struct ts_flow *f = handshake_on(&x->c, 0, 1460, 1000);

	TF_C(&x->c, 0.1, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 1000);
	assert_int_equal(ts_endpoint_rare(&f->cli)->over_mss, 0);
	TF_C(&x->c, 0.2, .flags = ACK | PSH, .seq = 2001, .ack = 5001, .len = 1460);
	assert_int_equal(ts_endpoint_rare(&f->cli)->over_mss, 1);
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_flow_effective_mss(f), 1000);
	const struct ts_anomaly *m = tf_find(f, TS_AN_MSS_MISMATCH);
	assert_non_null(m);
	assert_int_equal(m->value, 1460);
	assert_int_equal(m->value2, 1000);
	const struct ts_anomaly *o = tf_find(f, TS_AN_SEGMENT_EXCEEDS_MSS);
	assert_non_null(o);
	assert_int_equal(o->endpoint, TS_EP_CLIENT);
	assert_int_equal(o->value, 1);
	assert_int_equal(tf_count(f, TS_AN_MSS_MISSING), 0);
}

/* IPv4 against IPv6 headers, tunnels, PPPoE and clamping are ordinary. */
static void test_mss_pairs(void **state)
{
	(void)state;
	assert_true(ts_mss_pair_ordinary(1460, 1440));  /* IPv4 / IPv6 */
	assert_true(ts_mss_pair_ordinary(1440, 1460));
	assert_true(ts_mss_pair_ordinary(1460, 1452));  /* PPPoE */
	assert_true(ts_mss_pair_ordinary(1460, 1380));  /* VPN, clamp */
	assert_true(ts_mss_pair_ordinary(1460, 1220));  /* IPv6 minimum MTU */
	assert_true(ts_mss_pair_ordinary(8960, 8940));  /* jumbo, v4 / v6 */
	assert_false(ts_mss_pair_ordinary(1460, 1219));
	assert_false(ts_mss_pair_ordinary(1460, 536));
	assert_false(ts_mss_pair_ordinary(8960, 1460)); /* jumbo against standard */
	assert_false(ts_mss_pair_ordinary(1480, 1380)); /* above the 1500-byte path */
}

/* n data segments from the client, the first `resent` of them sent twice. */
static void client_data(struct tf_conn *c, double t, unsigned n, unsigned resent)
{
	uint32_t seq = 1001;
	for (unsigned i = 0; i < n - resent; i++, seq += 100)
		TF_C(c, t + i * 0.001, .flags = ACK | PSH, .seq = seq, .ack = 5001, .len = 100);
	for (unsigned i = 0; i < resent; i++)
		TF_C(c, t + 1 + i * 0.001, .flags = ACK | PSH, .seq = 1001 + i * 100, .ack = 5001, .len = 100);
}

static void test_retransmission_high(void **state)
{
	struct fx *x = *state;
	/* For flows (the TCP engine's threshold) and hosts alike. */
	x->an.tcp.cfg.retrans_min_segments = 20;
	x->an.cfg.retrans_min_segments = 20;
	struct tf_conn b, c, d;

	/* 2 of 20 (10 %): above the err threshold (5 %). */
	struct ts_flow *f = handshake(x);
	client_data(&x->c, 0.1, 20, 2);
	/* 5 of 19: a high rate, but too few segments to judge. */
	tf_conn_init(&b, &x->an, "10.0.0.3", 40000, "10.0.0.2", 80);
	struct ts_flow *g = handshake_on(&b, 0, 1460, 1460);
	client_data(&b, 0.1, 19, 5);
	/* 1 of 50 (2 %): a warning. */
	tf_conn_init(&c, &x->an, "10.0.0.4", 40000, "10.0.0.2", 80);
	struct ts_flow *h = handshake_on(&c, 0, 1460, 1460);
	client_data(&c, 0.1, 50, 1);
	/* 1 of 100 (1 %): not above 1 %. */
	tf_conn_init(&d, &x->an, "10.0.0.5", 40000, "10.0.0.2", 80);
	struct ts_flow *k = handshake_on(&d, 0, 1460, 1460);
	client_data(&d, 0.1, 100, 1);
	ts_analyzer_finish(&x->an);

	const struct ts_anomaly *a = tf_find(f, TS_AN_RETRANSMISSION_HIGH);
	assert_non_null(a);
	assert_int_equal(a->endpoint, TS_EP_CLIENT);
	assert_int_equal(a->severity, TS_SEV_ERR);
	assert_int_equal(a->value, 2);
	assert_int_equal(a->value2, 1000); /* 10.00 % */
	assert_int_equal(tf_count(g, TS_AN_RETRANSMISSION_HIGH), 0);
	const struct ts_anomaly *w = tf_find(h, TS_AN_RETRANSMISSION_HIGH);
	assert_non_null(w);
	assert_int_equal(w->severity, TS_SEV_WARNING);
	assert_int_equal(w->value2, 200);
	assert_int_equal(tf_count(k, TS_AN_RETRANSMISSION_HIGH), 0);

	/* Per host, netstat's way: retransmitted / sent. 10.0.0.1 sent SYN, ACK
	 * and 18 new segments (20) and resent 2: 10 %. 10.0.0.3 sent only 16. */
	const struct ts_host *h1 = tf_host(&x->an, "10.0.0.1");
	assert_int_equal(h1->segments_sent, 20);
	assert_int_equal(h1->segments_retransmitted, 2);
	unsigned host_findings = tf_host_count(&x->an, TS_AN_RETRANSMISSION_HIGH);
	const struct ts_anomaly *ha = tf_host_find(&x->an, TS_AN_RETRANSMISSION_HIGH);
	assert_non_null(ha);
	uint8_t want[16] = { 10, 0, 0, 1 };
	assert_memory_equal(ha->host_addr, want, 16);
	assert_int_equal(ha->value, 2);
	assert_int_equal(ha->value2, 1000);
	assert_int_equal(ha->severity, TS_SEV_ERR);
	/* 10.0.0.4: 1 of 51 (1.96 %) also qualifies; 10.0.0.3 and .5 do not. */
	assert_int_equal(host_findings, 2);
}

static void close_by_client(struct tf_conn *c, double t)
{
	TF_C(c, t, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_S(c, t + 0.001, .flags = FIN | ACK, .seq = 5001, .ack = 1002);
	TF_C(c, t + 0.002, .flags = ACK, .seq = 1002, .ack = 5002);
}

static void time_wait_run(struct fx *x, unsigned conns)
{
	x->an.cfg.time_wait_pileup = 3;
	for (unsigned i = 0; i < conns; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &x->an, "10.0.0.1", (uint16_t)(41000 + i), "10.0.0.2", 80);
		handshake_on(&c, i, 1460, 1460);
		close_by_client(&c, i + 0.5);
	}
	ts_analyzer_finish(&x->an);
}

/* The host findings' view goes to the report while it lists the table's
 * flows, and not once a flow came after it. */
static void test_findings_view_kept_while_current(void **state)
{
	struct fx *x = *state;

	handshake(x);
	ts_analyzer_host_findings(&x->an);
	struct ts_flow_view *v = ts_analyzer_take_view(&x->an);
	assert_non_null(v);
	assert_int_equal(v->n, 1);
	assert_null(ts_analyzer_take_view(&x->an)); /* taken */
	ts_flow_view_free(v);
	free(v);

	ts_analyzer_host_findings(&x->an);
	tick(x, 1);
	assert_null(ts_analyzer_take_view(&x->an));
}

static void test_time_wait_pileup(void **state)
{
	struct fx *x = *state;

	time_wait_run(x, 4);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->states[TS_ST_TIME_WAIT], 4);
	assert_int_equal(tf_host_count(&x->an, TS_AN_TIME_WAIT_PILEUP), 1);
	const struct ts_anomaly *a = tf_host_find(&x->an, TS_AN_TIME_WAIT_PILEUP);
	assert_int_equal(a->value, 4);
	uint8_t want[16] = { 10, 0, 0, 1 };
	assert_memory_equal(a->host_addr, want, 16);
}

static void test_time_wait_at_threshold_is_fine(void **state)
{
	struct fx *x = *state;

	time_wait_run(x, 3);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->states[TS_ST_TIME_WAIT], 3);
	assert_int_equal(tf_host_count(&x->an, TS_AN_TIME_WAIT_PILEUP), 0);
}

static void test_syn_flood(void **state)
{
	struct fx *x = *state;
	x->an.cfg.syn_flood_half_open = 10;
	char addr[32];

	/* 12 spoofed sources: SYN, SYN-ACK, never an ACK. */
	for (int i = 0; i < 12; i++) {
		struct tf_conn c;
		snprintf(addr, sizeof(addr), "192.0.2.%d", i + 1);
		tf_conn_init(&c, &x->an, addr, (uint16_t)(30000 + i), "10.0.0.2", 80);
		TF_C(&c, i * 0.01, .flags = SYN, .seq = 77, .mss = 1460);
		TF_S(&c, i * 0.01 + 0.0001, .flags = SYN | ACK, .seq = 99, .ack = 78, .mss = 1460);
	}
	/* A real client completes its handshake on the same port. */
	handshake(x);
	/* 5 half-open connections to another port: under the threshold. */
	for (int i = 0; i < 5; i++) {
		struct tf_conn c;
		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		tf_conn_init(&c, &x->an, addr, 30000, "10.0.0.2", 443);
		TF_C(&c, i * 0.01, .flags = SYN, .seq = 77, .mss = 1460);
		TF_S(&c, i * 0.01 + 0.0001, .flags = SYN | ACK, .seq = 99, .ack = 78, .mss = 1460);
	}
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_host_count(&x->an, TS_AN_SYN_FLOOD), 1);
	const struct ts_anomaly *a = tf_host_find(&x->an, TS_AN_SYN_FLOOD);
	assert_int_equal(a->value, 12);
	assert_int_equal(a->port, 80);
	assert_int_equal(a->value2, 12); /* none of the sources resent its SYN */
	uint8_t want[16] = { 10, 0, 0, 2 };
	assert_memory_equal(a->host_addr, want, 16);
	assert_non_null(a->detail);
	assert_non_null(strstr(a->detail, "12 sources"));
}

/* SYNs never answered: spoofed sources send each once (a flood the server
 * does not even answer); real clients of a dead server send theirs again. */
static void test_syn_flood_unanswered(void **state)
{
	struct fx *x = *state;
	x->an.cfg.syn_flood_half_open = 10;
	char addr[32];

	for (int i = 0; i < 12; i++) {
		struct tf_conn c;
		snprintf(addr, sizeof(addr), "192.0.2.%d", i + 1);
		tf_conn_init(&c, &x->an, addr, (uint16_t)(30000 + i), "10.0.0.2", 80);
		TF_C(&c, i * 0.01, .flags = SYN, .seq = 77, .mss = 1460);
	}
	for (int i = 0; i < 12; i++) {
		struct tf_conn c;
		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		tf_conn_init(&c, &x->an, addr, 30000, "10.0.0.2", 443);
		TF_C(&c, i * 0.01, .flags = SYN, .seq = 77, .mss = 1460);
		TF_C(&c, i * 0.01 + 1, .flags = SYN, .seq = 77, .mss = 1460);
	}
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_host_count(&x->an, TS_AN_SYN_FLOOD), 1);
	const struct ts_anomaly *a = tf_host_find(&x->an, TS_AN_SYN_FLOOD);
	assert_int_equal(a->port, 80);
	assert_int_equal(a->value, 12);
	assert_non_null(strstr(a->detail, "12 never answered"));
}

/* One source sending unanswered SYNs fast to a few servers (fewer than
 * make a flood on any one port) is a flood source; a busy client whose
 * connections all complete is not. */
static void test_syn_flood_source_rate(void **state)
{
	struct fx *x = *state;
	x->an.cfg.syn_flood_half_open = 100;
	x->an.cfg.syn_rate = 100;

	for (int i = 0; i < 150; i++) {
		struct tf_conn c;
		char dst[32];
		snprintf(dst, sizeof(dst), "10.1.0.%d", i % 3 + 1);
		tf_conn_init(&c, &x->an, "203.0.113.9", (uint16_t)(20000 + i), dst, 80);
		TF_C(&c, i * 0.005, .flags = SYN, .seq = 5, .mss = 1460);
	}
	for (int i = 0; i < 150; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &x->an, "198.51.100.7", (uint16_t)(40000 + i), "10.0.0.2", 443);
		TF_C(&c, i * 0.005, .flags = SYN, .seq = 5, .mss = 1460);
		TF_S(&c, i * 0.005 + 0.0001, .flags = SYN | ACK, .seq = 9, .ack = 6, .mss = 1460);
		TF_C(&c, i * 0.005 + 0.0002, .flags = ACK, .seq = 6, .ack = 10);
	}
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_host_count(&x->an, TS_AN_SYN_FLOOD), 1);
	const struct ts_anomaly *a = tf_host_find(&x->an, TS_AN_SYN_FLOOD);
	uint8_t want[16] = { 203, 0, 113, 9 };
	assert_memory_equal(a->host_addr, want, 16);
	assert_int_equal(a->value, 150);
	assert_int_equal(a->endpoint, TS_EP_CLIENT);
}

/* One source probing many hosts (or ports) in vain: a port scan, not a SYN
 * flood, however fast it goes. */
static void test_port_scan_not_flood(void **state)
{
	struct fx *x = *state;
	x->an.cfg.syn_flood_half_open = 100;
	x->an.cfg.syn_rate = 100;

	for (int i = 0; i < 150; i++) {
		struct tf_conn c;
		char dst[32];
		snprintf(dst, sizeof(dst), "10.1.0.%d", i + 1);
		tf_conn_init(&c, &x->an, "203.0.113.9", 20000, dst, i < 100 ? 80 : 443);
		TF_C(&c, i * 0.005, .flags = SYN, .seq = 5, .mss = 1460);
		if (i % 10 == 9) /* some refuse */
			TF_S(&c, i * 0.005 + 0.0001, .flags = RST | ACK, .seq = 0, .ack = 6);
	}
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_host_count(&x->an, TS_AN_SYN_FLOOD), 0);
	assert_int_equal(tf_host_count(&x->an, TS_AN_PORT_SCAN), 1);
	const struct ts_anomaly *a = tf_host_find(&x->an, TS_AN_PORT_SCAN);
	uint8_t want[16] = { 203, 0, 113, 9 };
	assert_memory_equal(a->host_addr, want, 16);
	assert_int_equal(a->value, 150);
	assert_int_equal(a->value2, 150);
	assert_int_equal(a->severity, TS_SEV_WARNING);
	assert_non_null(strstr(a->detail, "probed 150 host:port pairs on 150 hosts (ports 80, 443)"));
	assert_non_null(strstr(a->detail, "135 unanswered, 15 refused, 0 answered"));
}

/* Probes of one target repeated, or mostly answered, or spread out in time
 * beyond the window: no scan. Exactly the threshold within it: a scan. */
static void test_port_scan_thresholds(void **state)
{
	struct fx *x = *state;
	x->an.cfg.port_scan_targets = 25;
	x->an.cfg.port_scan_window = 10;

	/* 60 SYNs to one dead port: one target. */
	for (int i = 0; i < 60; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &x->an, "192.0.2.1", (uint16_t)(30000 + i), "10.2.0.1", 8080);
		TF_C(&c, i * 0.01, .flags = SYN, .seq = 5, .mss = 1460);
	}
	/* 30 ports in vain, 31 answered: mostly answered. */
	for (int i = 0; i < 61; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &x->an, "192.0.2.2", 30000, "10.2.0.2", (uint16_t)(1 + i));
		TF_C(&c, i * 0.01, .flags = SYN, .seq = 5, .mss = 1460);
		if (i >= 30) {
			TF_S(&c, i * 0.01 + 0.0001, .flags = SYN | ACK, .seq = 9, .ack = 6, .mss = 1460);
			TF_C(&c, i * 0.01 + 0.0002, .flags = ACK, .seq = 6, .ack = 10);
		}
	}
	/* 40 ports, one every 0.5 s: at most 21 within 10 s. */
	for (int i = 0; i < 40; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &x->an, "192.0.2.3", 30000, "10.2.0.3", (uint16_t)(1 + i));
		TF_C(&c, i * 0.5, .flags = SYN, .seq = 5, .mss = 1460);
	}
	/* 25 ports within 10 s exactly, then quiet: a scan. */
	for (int i = 0; i < 25; i++) {
		struct tf_conn c;
		tf_conn_init(&c, &x->an, "192.0.2.4", 30000, "10.2.0.4", (uint16_t)(100 + 2 * i));
		TF_C(&c, 20 + i * (10.0 / 24), .flags = SYN, .seq = 5, .mss = 1460);
	}
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_host_count(&x->an, TS_AN_PORT_SCAN), 1);
	const struct ts_anomaly *a = tf_host_find(&x->an, TS_AN_PORT_SCAN);
	uint8_t want[16] = { 192, 0, 2, 4 };
	assert_memory_equal(a->host_addr, want, 16);
	assert_int_equal(a->value, 25);
	assert_non_null(strstr(a->detail, "probed 25 ports of 10.2.0.4 (100, 102, 104, 106, ... (25 ports))"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_close_wait_and_fin_wait_2_stalls),
		T(test_stall_reported_when_it_ends),
		T(test_short_close_is_no_stall),
		T(test_fin_wait_1_stall),
		T(test_last_ack_stall),
		T(test_closing_stall),
		T(test_zero_window_stall),
		T(test_handshake_findings),
		T(test_mss_missing),
		T(test_mss_mismatch_and_oversized_segment),
		cmocka_unit_test(test_mss_pairs),
		T(test_retransmission_high),
		T(test_findings_view_kept_while_current),
		T(test_time_wait_pileup),
		T(test_time_wait_at_threshold_is_fine),
		T(test_syn_flood),
		T(test_syn_flood_unanswered),
		T(test_live_stall_keeps_growing),
		T(test_syn_flood_source_rate),
		T(test_port_scan_not_flood),
		T(test_port_scan_thresholds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
