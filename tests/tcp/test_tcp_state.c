/* \summary: unit tests: both endpoints' RFC 793 states, segment by segment, on every path */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frames.h"
#include "tcpscope/units.h"

#define SYN TS_TCP_SYN
#define ACK TS_TCP_ACK
#define FIN TS_TCP_FIN
#define RST TS_TCP_RST
#define PSH TS_TCP_PSH

#define ST(f, c, s) do { \
	assert_string_equal(ts_tcp_state_name((f)->cli.state), ts_tcp_state_name(TS_ST_##c)); \
	assert_string_equal(ts_tcp_state_name((f)->srv.state), ts_tcp_state_name(TS_ST_##s)); \
} while (0)

/* Every state change, in order, per endpoint. */
struct trlog {
	enum ts_tcp_state cli[32], srv[32];
	unsigned ncli, nsrv;
};

static void record(void *ctx, const struct ts_flow *f, bool client, enum ts_tcp_state from,
                   enum ts_tcp_state to, const struct timespec *ts, uint64_t idx)
{
	struct trlog *l = ctx;
	(void)f, (void)from, (void)ts, (void)idx;
	if (client && l->ncli < 32)
		l->cli[l->ncli++] = to;
	else if (!client && l->nsrv < 32)
		l->srv[l->nsrv++] = to;
}

struct fx {
	struct ts_analyzer an;
	struct tf_conn c;
	struct trlog log;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct ts_analyzer_config cfg;
	ts_analyzer_config_default(&cfg);
	cfg.on_transition = record;
	cfg.ctx = &x->log;
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

/* Client ISN 1000, server ISN 5000, handshake at t = 0 .. 0.002. */
static struct ts_flow *handshake(struct fx *x)
{
	TF_C(&x->c, 0, .flags = SYN, .seq = 1000, .mss = 1460, .sackok = true, .has_wscale = true, .wscale = 7);
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460, .sackok = true,
	     .has_wscale = true, .wscale = 7);
	TF_C(&x->c, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, ESTABLISHED, ESTABLISHED);
	return f;
}

static void assert_path(const enum ts_tcp_state *got, unsigned n, const enum ts_tcp_state *want, unsigned m)
{
	assert_int_equal(n, m);
	for (unsigned i = 0; i < m; i++)
		assert_string_equal(ts_tcp_state_name(got[i]), ts_tcp_state_name(want[i]));
}
#define PATH(got, n, ...) do { \
	static const enum ts_tcp_state w_[] = { __VA_ARGS__ }; \
	assert_path(got, n, w_, sizeof(w_) / sizeof(w_[0])); \
} while (0)

static void test_normal_open(void **state)
{
	struct fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000, .mss = 1460);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, SYN_SENT, UNKNOWN); /* the server's state shows only in its answer */
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1400);
	/* The client's receipt of the SYN-ACK shows in its ACK. */
	ST(f, SYN_SENT, SYN_RECEIVED);
	TF_C(&x->c, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	ST(f, ESTABLISHED, ESTABLISHED);
	ts_analyzer_finish(&x->an);
	assert_string_equal(ts_handshake_name(f->handshake), ts_handshake_name(TS_HS_COMPLETE));
	assert_true(f->cli.active_open);
	assert_false(f->cli.passive_open);
	assert_true(f->srv.passive_open);
	assert_false(f->srv.active_open);
	assert_int_equal(ts_flow_effective_mss(f), 1400);
	PATH(x->log.cli, x->log.ncli, TS_ST_SYN_SENT, TS_ST_ESTABLISHED);
	PATH(x->log.srv, x->log.nsrv, TS_ST_SYN_RECEIVED, TS_ST_ESTABLISHED);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->active_opens, 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->passive_opens, 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->current, 1);
}

static void test_rfc793_example(void **state)
{
	struct fx *x = *state;

	/* RFC 793 3.4 figure 7: A SEQ=100 SYN; B SEQ=300 ACK=101 SYN,ACK; A SEQ=101 ACK=301. */
	TF_C(&x->c, 0, .flags = SYN, .seq = 100);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, SYN_SENT, UNKNOWN);
	assert_int_equal(f->cli.isn, 100);
	TF_S(&x->c, 0.01, .flags = SYN | ACK, .seq = 300, .ack = 101);
	ST(f, SYN_SENT, SYN_RECEIVED);
	assert_int_equal(f->srv.isn, 300);
	TF_C(&x->c, 0.02, .flags = ACK, .seq = 101, .ack = 301);
	ST(f, ESTABLISHED, ESTABLISHED);
	/* A SEQ=101 ACK=301 with 10 bytes of data: still established, nothing resent. */
	TF_C(&x->c, 0.03, .flags = ACK | PSH, .seq = 101, .ack = 301, .len = 10);
	ST(f, ESTABLISHED, ESTABLISHED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->handshake, TS_HS_COMPLETE);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(f->cli.snd_max, 111);
}

/* A wrong ACK in the SYN-ACK does not establish the client. */
static void test_synack_with_wrong_ack(void **state)
{
	struct fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 100);
	struct ts_flow *f = tf_only_flow(&x->an);
	TF_S(&x->c, 0.01, .flags = SYN | ACK, .seq = 300, .ack = 100);
	ST(f, SYN_SENT, SYN_RECEIVED);
}

static void test_simultaneous_open(void **state)
{
	struct fx *x = *state;
	tf_conn_init(&x->c, &x->an, "10.0.0.1", 5000, "10.0.0.2", 6000);

	TF_C(&x->c, 0, .flags = SYN, .seq = 100);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, SYN_SENT, UNKNOWN);
	TF_S(&x->c, 0.0001, .flags = SYN, .seq = 300); /* SYN crossing SYN */
	ST(f, SYN_RECEIVED, SYN_SENT);
	TF_S(&x->c, 0.01, .flags = SYN | ACK, .seq = 300, .ack = 101);
	ST(f, ESTABLISHED, SYN_RECEIVED);
	TF_C(&x->c, 0.0101, .flags = SYN | ACK, .seq = 100, .ack = 301);
	ST(f, ESTABLISHED, ESTABLISHED);
	ts_analyzer_finish(&x->an);
	PATH(x->log.cli, x->log.ncli, TS_ST_SYN_SENT, TS_ST_SYN_RECEIVED, TS_ST_ESTABLISHED);
	PATH(x->log.srv, x->log.nsrv, TS_ST_SYN_SENT, TS_ST_SYN_RECEIVED, TS_ST_ESTABLISHED);
	assert_int_equal(f->handshake, TS_HS_SIMULTANEOUS_OPEN);
	assert_int_equal(tf_count(f, TS_AN_SIMULTANEOUS_OPEN), 1);
	/* Linux: ActiveOpens on both sides, no PassiveOpens; the SYN-ACK is no resend. */
	assert_true(f->cli.active_open && f->srv.active_open);
	assert_false(f->cli.passive_open || f->srv.passive_open);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs + ts_endpoint_rare(&f->srv)->retx_segs, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->syn_retrans + ts_endpoint_rare(&f->srv)->syn_retrans, 0);
	assert_int_equal(f->cli.out_segs, 1);
	assert_int_equal(f->srv.out_segs, 1);
	const struct ts_host *a = tf_host(&x->an, "10.0.0.1"), *b = tf_host(&x->an, "10.0.0.2");
	assert_int_equal(a->active_opens, 1);
	assert_int_equal(b->active_opens, 1);
	assert_int_equal(a->passive_opens + b->passive_opens, 0);
}

/* RFC 793 figure 8 order: each SYN-ACK before the other's. */
static void test_simultaneous_open_rfc_order(void **state)
{
	struct fx *x = *state;
	tf_conn_init(&x->c, &x->an, "10.0.0.1", 5000, "10.0.0.2", 6000);

	TF_C(&x->c, 0, .flags = SYN, .seq = 100);
	TF_S(&x->c, 0.0001, .flags = SYN, .seq = 300);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, SYN_RECEIVED, SYN_SENT);
	TF_C(&x->c, 0.01, .flags = SYN | ACK, .seq = 100, .ack = 301);
	ST(f, SYN_RECEIVED, ESTABLISHED);
	TF_S(&x->c, 0.0101, .flags = SYN | ACK, .seq = 300, .ack = 101);
	ST(f, ESTABLISHED, ESTABLISHED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->handshake, TS_HS_SIMULTANEOUS_OPEN);
	assert_false(f->cli.passive_open || f->srv.passive_open);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs + ts_endpoint_rare(&f->srv)->retx_segs, 0);
}

static void test_refused(void **state)
{
	struct fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, SYN_SENT, UNKNOWN);
	TF_S(&x->c, 0.0001, .flags = RST | ACK, .seq = 0, .ack = 1001);
	ST(f, CLOSED, CLOSED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->handshake, TS_HS_REFUSED);
	assert_int_equal(tf_count(f, TS_AN_CONNECTION_REFUSED), 1);
	assert_int_equal(tf_count(f, TS_AN_RESET), 0);
	assert_true(f->cli.attempt_failed);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->failed_attempts, 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->failed_attempts, 0);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->resets + tf_host(&x->an, "10.0.0.2")->resets, 0);
}

/* A RST/ACK whose ACK is not SYN + 1 cannot refuse the connection (RFC 793 p. 66). */
static void test_refusal_needs_matching_ack(void **state)
{
	struct fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	struct ts_flow *f = tf_only_flow(&x->an);
	TF_S(&x->c, 0.0001, .flags = RST | ACK, .seq = 0, .ack = 7777);
	assert_int_equal(f->cli.state, TS_ST_SYN_SENT);
	assert_int_equal(tf_count(f, TS_AN_OUT_OF_WINDOW_RST), 1);
}

static void test_unanswered_syn(void **state)
{
	struct fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	struct ts_flow *f = tf_only_flow(&x->an);
	for (int i = 1; i <= 3; i++) { /* Linux: the first SYN retries come 1 s apart */
		TF_C(&x->c, i, .flags = SYN, .seq = 1000);
		ST(f, SYN_SENT, UNKNOWN);
	}
	assert_int_equal(tf_only_flow(&x->an), f);
	ts_analyzer_finish(&x->an);
	ST(f, SYN_SENT, UNKNOWN);
	assert_int_equal(ts_endpoint_rare(&f->cli)->syn_retrans, 3);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 3);
	assert_int_equal(f->cli.out_segs, 1);
	assert_int_equal(f->cli.st.retrans_segments, 0); /* SYNs are counted apart from data */
	assert_int_equal(f->handshake, TS_HS_UNANSWERED);
	assert_int_equal(tf_count(f, TS_AN_SYN_UNANSWERED), 1);
}

static void test_half_open(void **state)
{
	struct fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001);
	struct ts_flow *f = tf_only_flow(&x->an);
	/* Nothing shows the client got the SYN-ACK (a spoofed source never does). */
	ST(f, SYN_SENT, SYN_RECEIVED);
	/* No ACK: Linux resends the SYN-ACK after 1 s. */
	TF_S(&x->c, 1.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001);
	ST(f, SYN_SENT, SYN_RECEIVED);
	ts_analyzer_finish(&x->an);
	ST(f, SYN_SENT, SYN_RECEIVED);
	assert_string_equal(ts_handshake_name(f->handshake), ts_handshake_name(TS_HS_HALF_OPEN));
	assert_int_equal(tf_count(f, TS_AN_HALF_OPEN), 1);
	assert_int_equal(ts_endpoint_rare(&f->srv)->syn_retrans, 1);
	assert_int_equal(ts_endpoint_rare(&f->srv)->retx_segs, 1);
	assert_int_equal(f->srv.out_segs, 2); /* every SYN-ACK counts in OutSegs */
	assert_false(f->srv.passive_open);
}

static void test_close_from_client(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	ST(f, FIN_WAIT_1, ESTABLISHED); /* the server's receipt shows in its ACK */
	TF_S(&x->c, 1.001, .flags = ACK, .seq = 5001, .ack = 1002);
	ST(f, FIN_WAIT_2, CLOSE_WAIT);
	TF_S(&x->c, 1.5, .flags = FIN | ACK, .seq = 5001, .ack = 1002);
	ST(f, FIN_WAIT_2, LAST_ACK);
	TF_C(&x->c, 1.501, .flags = ACK, .seq = 1002, .ack = 5002);
	ST(f, TIME_WAIT, CLOSED);
	ts_analyzer_finish(&x->an);
	ST(f, TIME_WAIT, CLOSED); /* 2 MSL has not passed by the last packet */
	PATH(x->log.cli, x->log.ncli, TS_ST_SYN_SENT, TS_ST_ESTABLISHED, TS_ST_FIN_WAIT_1,
	     TS_ST_FIN_WAIT_2, TS_ST_TIME_WAIT);
	PATH(x->log.srv, x->log.nsrv, TS_ST_SYN_RECEIVED, TS_ST_ESTABLISHED, TS_ST_CLOSE_WAIT,
	     TS_ST_LAST_ACK, TS_ST_CLOSED);
	assert_int_equal(f->n_anomalies, 0);
	assert_false(f->cli.estab_reset || f->srv.estab_reset);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->states[TS_ST_TIME_WAIT], 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->current, 0);
}

static void test_close_from_server(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_S(&x->c, 1, .flags = FIN | ACK, .seq = 5001, .ack = 1001);
	ST(f, ESTABLISHED, FIN_WAIT_1);
	TF_C(&x->c, 1.001, .flags = ACK, .seq = 1001, .ack = 5002);
	ST(f, CLOSE_WAIT, FIN_WAIT_2);
	TF_C(&x->c, 1.2, .flags = FIN | ACK, .seq = 1001, .ack = 5002);
	ST(f, LAST_ACK, FIN_WAIT_2);
	TF_S(&x->c, 1.201, .flags = ACK, .seq = 5002, .ack = 1002);
	ST(f, CLOSED, TIME_WAIT);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->n_anomalies, 0);
}

/* FIN and ACK of the peer's FIN in one segment (the usual Linux close). */
static void test_close_fin_ack_combined(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	ST(f, FIN_WAIT_1, ESTABLISHED);
	TF_S(&x->c, 1.001, .flags = FIN | ACK, .seq = 5001, .ack = 1002);
	ST(f, FIN_WAIT_2, LAST_ACK);
	TF_C(&x->c, 1.002, .flags = ACK, .seq = 1002, .ack = 5002);
	ST(f, TIME_WAIT, CLOSED);
}

static void test_half_close(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001); /* shutdown(SHUT_WR) */
	TF_S(&x->c, 1.001, .flags = ACK, .seq = 5001, .ack = 1002);
	ST(f, FIN_WAIT_2, CLOSE_WAIT);
	/* The server still sends its answer. */
	TF_S(&x->c, 1.01, .flags = ACK | PSH, .seq = 5001, .ack = 1002, .len = 1000);
	ST(f, FIN_WAIT_2, CLOSE_WAIT);
	TF_C(&x->c, 1.011, .flags = ACK, .seq = 1002, .ack = 6001);
	TF_S(&x->c, 1.02, .flags = ACK | PSH, .seq = 6001, .ack = 1002, .len = 1000);
	TF_C(&x->c, 1.021, .flags = ACK, .seq = 1002, .ack = 7001);
	ST(f, FIN_WAIT_2, CLOSE_WAIT);
	TF_S(&x->c, 1.03, .flags = FIN | ACK, .seq = 7001, .ack = 1002);
	ST(f, FIN_WAIT_2, LAST_ACK);
	TF_C(&x->c, 1.031, .flags = ACK, .seq = 1002, .ack = 7002);
	ST(f, TIME_WAIT, CLOSED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_HALF_CLOSE), 1);
	assert_int_equal(f->srv.st.retrans_segments, 0);
	assert_int_equal(f->srv.st.data_segments, 2);
}

static void test_simultaneous_close(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	ST(f, FIN_WAIT_1, ESTABLISHED);
	TF_S(&x->c, 1.0001, .flags = FIN | ACK, .seq = 5001, .ack = 1001); /* FIN crossing FIN */
	ST(f, FIN_WAIT_1, FIN_WAIT_1);
	/* Each got the other's FIN in FIN_WAIT_1 (CLOSING) and acknowledges it. */
	TF_C(&x->c, 1.001, .flags = ACK, .seq = 1002, .ack = 5002);
	/* The server had the client's FIN before this ACK (it was sent first). */
	ST(f, CLOSING, TIME_WAIT);
	TF_S(&x->c, 1.0011, .flags = ACK, .seq = 5002, .ack = 1002);
	ST(f, TIME_WAIT, TIME_WAIT);
	ts_analyzer_finish(&x->an);
	PATH(x->log.cli, x->log.ncli, TS_ST_SYN_SENT, TS_ST_ESTABLISHED, TS_ST_FIN_WAIT_1,
	     TS_ST_CLOSING, TS_ST_TIME_WAIT);
	PATH(x->log.srv, x->log.nsrv, TS_ST_SYN_RECEIVED, TS_ST_ESTABLISHED, TS_ST_FIN_WAIT_1,
	     TS_ST_CLOSING, TS_ST_TIME_WAIT);
	assert_int_equal(tf_count(f, TS_AN_SIMULTANEOUS_CLOSE), 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->fin_retrans + ts_endpoint_rare(&f->srv)->fin_retrans, 0);
}

static void test_fin_lost_beyond_capture(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 1, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	ST(f, FIN_WAIT_1, ESTABLISHED);
	double t = 1;
	for (int i = 0; i < 4; i++) {
		t += 0.2 * (1 << i);
		TF_C(&x->c, t, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
		ST(f, FIN_WAIT_1, ESTABLISHED);
	}
	ts_analyzer_finish(&x->an);
	ST(f, FIN_WAIT_1, ESTABLISHED);
	assert_int_equal(ts_endpoint_rare(&f->cli)->fin_retrans, 4);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 4);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_false(f->cli.fin_acked);
}

static void test_rst_abort_from_client(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_C(&x->c, 0.5, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100);
	TF_C(&x->c, 1, .flags = RST | ACK, .seq = 1101, .ack = 5001);
	ST(f, CLOSED, CLOSED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_RESET), 1);
	const struct ts_anomaly *a = tf_find(f, TS_AN_RESET);
	assert_int_equal(a->endpoint, TS_EP_CLIENT);
	assert_int_equal(a->value, TS_ST_ESTABLISHED);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->resets, 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->resets, 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->current, 0);
}

static void test_rst_abort_from_server(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_S(&x->c, 1, .flags = RST | ACK, .seq = 5001, .ack = 1001);
	ST(f, CLOSED, CLOSED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_RESET), 1);
	assert_int_equal(tf_find(f, TS_AN_RESET)->endpoint, TS_EP_SERVER);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->resets, 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->resets, 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->failed_attempts, 0);
}

static void test_out_of_window_rst(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	/* 100 MB past what the server sent: beyond the client's 65535 << 7 window. */
	TF_S(&x->c, 1, .flags = RST, .seq = 5001 + 100000000);
	ST(f, ESTABLISHED, ESTABLISHED);
	TF_C(&x->c, 1.1, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 10);
	TF_S(&x->c, 1.2, .flags = ACK, .seq = 5001, .ack = 1011);
	ST(f, ESTABLISHED, ESTABLISHED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_OUT_OF_WINDOW_RST), 1);
	assert_int_equal(tf_count(f, TS_AN_RESET), 0);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->resets + tf_host(&x->an, "10.0.0.2")->resets, 0);
}

/* RFC 5961: the server sent 1000 bytes the client has not acknowledged yet;
 * its RST at the client's last ACK (5001) is exact and obeyed. */
static void test_rst_at_last_ack_is_obeyed(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_S(&x->c, 0.5, .flags = ACK | PSH, .seq = 5001, .ack = 1001, .len = 1000);
	TF_C(&x->c, 0.6, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 10);
	TF_S(&x->c, 0.7, .flags = RST, .seq = 5001);
	ST(f, CLOSED, CLOSED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_OUT_OF_WINDOW_RST), 0);
	assert_int_equal(tf_count(f, TS_AN_RST_IN_WINDOW), 0);
	assert_int_equal(tf_count(f, TS_AN_RESET), 1);
}

/* In the window but not exact: the client is not reset and answers with a
 * challenge ACK; the server, already gone, answers that with an exact RST. */
static void test_rst_in_window_gets_a_challenge_ack(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	TF_S(&x->c, 1, .flags = RST, .seq = 5001 + 3000);
	ST(f, ESTABLISHED, CLOSED);
	TF_C(&x->c, 1.1, .flags = ACK, .seq = 1001, .ack = 5001);
	ST(f, ESTABLISHED, CLOSED);
	assert_int_equal(ts_endpoint_rare(&f->srv)->rst_in_window, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->challenge_acks, 1);
	TF_S(&x->c, 1.2, .flags = RST, .seq = 5001);
	ST(f, CLOSED, CLOSED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_RST_IN_WINDOW), 1);
	assert_int_equal(tf_find(f, TS_AN_RST_IN_WINDOW)->value, 1);
	assert_int_equal(tf_find(f, TS_AN_RST_IN_WINDOW)->value2, 1);
	assert_int_equal(tf_count(f, TS_AN_OUT_OF_WINDOW_RST), 0);
	assert_int_equal(tf_count(f, TS_AN_RESET), 1);
}

static void close_from_client(struct fx *x, double t)
{
	TF_C(&x->c, t, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_S(&x->c, t + 0.001, .flags = FIN | ACK, .seq = 5001, .ack = 1002);
	TF_C(&x->c, t + 0.002, .flags = ACK, .seq = 1002, .ack = 5002);
}

static void test_time_wait_ends_on_later_packet(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	close_from_client(x, 1);
	ST(f, TIME_WAIT, CLOSED);
	int64_t tw_start = f->cli.state_since_ns;
	/* A stray duplicate ACK before 2 MSL keeps it in TIME_WAIT... */
	TF_S(&x->c, 30, .flags = FIN | ACK, .seq = 5001, .ack = 1002);
	ST(f, TIME_WAIT, CLOSED);
	/* ...after 2 MSL (60 s) it is gone, ended at exactly 2 MSL. */
	TF_S(&x->c, 70, .flags = ACK, .seq = 5002, .ack = 1002);
	ST(f, CLOSED, CLOSED);
	assert_int_equal(f->cli.state_since_ns - tw_start, 60ll * TS_NSEC_PER_SEC);
}

static void test_time_wait_ends_at_finish(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	close_from_client(x, 1);
	/* Another connection keeps the capture going past 2 MSL. */
	struct tf_conn other;
	tf_conn_init(&other, &x->an, "10.0.0.3", 40000, "10.0.0.2", 80);
	TF_C(&other, 61.5, .flags = SYN, .seq = 1);
	ST(f, TIME_WAIT, CLOSED);
	ts_analyzer_finish(&x->an);
	ST(f, CLOSED, CLOSED);
}

static void test_time_wait_config(void **state)
{
	struct fx *x = *state;
	x->an.tcp.cfg.time_wait = 5;
	struct ts_flow *f = handshake(x);

	close_from_client(x, 1);
	TF_S(&x->c, 5.5, .flags = ACK, .seq = 5002, .ack = 1002);
	ST(f, TIME_WAIT, CLOSED);
	TF_S(&x->c, 6.5, .flags = ACK, .seq = 5002, .ack = 1002);
	ST(f, CLOSED, CLOSED);
}

static void test_port_reuse(void **state)
{
	struct fx *x = *state;
	struct ts_flow *f = handshake(x);

	close_from_client(x, 1);
	ST(f, TIME_WAIT, CLOSED);
	/* The same 4-tuple, a new ISN: a new connection. */
	TF_C(&x->c, 2, .flags = SYN, .seq = 900000);
	/* The old one was retired (packed for the report), the new one is live. */
	size_t n = 0;
	struct ts_flow **v = tf_flows(&x->an, &n);
	assert_int_equal(n, 2);
	struct ts_flow *g = v[1];
	ST(v[0], CLOSED, CLOSED);
	assert_true(v[0]->reused);
	assert_int_equal(v[0]->id, 1);
	free(v);
	ST(g, SYN_SENT, UNKNOWN);
	assert_int_equal(g->cli.isn, 900000);
	TF_S(&x->c, 2.001, .flags = SYN | ACK, .seq = 777, .ack = 900001);
	TF_C(&x->c, 2.002, .flags = ACK, .seq = 900001, .ack = 778);
	ST(g, ESTABLISHED, ESTABLISHED);
	v = tf_flows(&x->an, &n);
	assert_int_equal(n, 2); /* the handshake went to the new flow, no third one */
	assert_ptr_equal(v[1], g);
	free(v);
	assert_int_equal(x->an.flows.port_reuse, 1);
	assert_int_equal(tf_count(g, TS_AN_PORT_REUSE), 1);
	assert_int_equal(ts_endpoint_rare(&g->cli)->syn_retrans, 0);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->active_opens, 2);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->passive_opens, 2);
}

static void test_syn_retransmission_is_not_reuse(void **state)
{
	struct fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	TF_C(&x->c, 1, .flags = SYN, .seq = 1000);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, SYN_SENT, UNKNOWN);
	assert_int_equal(ts_endpoint_rare(&f->cli)->syn_retrans, 1);
	assert_int_equal(x->an.flows.port_reuse, 0);
	TF_S(&x->c, 1.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001);
	TF_C(&x->c, 1.002, .flags = ACK, .seq = 1001, .ack = 5001);
	ST(f, ESTABLISHED, ESTABLISHED);
	assert_int_equal(tf_only_flow(&x->an), f);
}

static void test_sequence_wraparound(void **state)
{
	struct fx *x = *state;
	const uint32_t isn = 0xFFFFFF00u;

	TF_C(&x->c, 0, .flags = SYN, .seq = isn, .mss = 1460);
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 0xFFFFFFF0u, .ack = isn + 1, .mss = 1460);
	TF_C(&x->c, 0.002, .flags = ACK, .seq = isn + 1, .ack = 0xFFFFFFF1u);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, ESTABLISHED, ESTABLISHED);
	uint32_t seq = isn + 1;
	for (int i = 0; i < 6; i++) { /* 6 x 100 bytes: crosses 2^32 on the way */
		TF_C(&x->c, 0.01 + i * 0.01, .flags = ACK | PSH, .seq = seq, .ack = 0xFFFFFFF1u, .len = 100);
		seq += 100;
		TF_S(&x->c, 0.011 + i * 0.01, .flags = ACK, .seq = 0xFFFFFFF1u, .ack = seq);
		ST(f, ESTABLISHED, ESTABLISHED);
	}
	/* Server data crossing 2^32 as well. */
	TF_S(&x->c, 0.1, .flags = ACK | PSH, .seq = 0xFFFFFFF1u, .ack = seq, .len = 100);
	TF_C(&x->c, 0.101, .flags = ACK, .seq = seq, .ack = 0xFFFFFFF1u + 100);
	TF_C(&x->c, 0.2, .flags = FIN | ACK, .seq = seq, .ack = 0xFFFFFFF1u + 100);
	ST(f, FIN_WAIT_1, ESTABLISHED);
	TF_S(&x->c, 0.201, .flags = FIN | ACK, .seq = 0xFFFFFFF1u + 100, .ack = seq + 1);
	ST(f, FIN_WAIT_2, LAST_ACK);
	TF_C(&x->c, 0.202, .flags = ACK, .seq = seq + 1, .ack = 0xFFFFFFF1u + 101);
	ST(f, TIME_WAIT, CLOSED);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->cli.st.data_segments, 6);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(f->srv.st.retrans_segments, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs + ts_endpoint_rare(&f->srv)->retx_segs, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->keepalives + ts_endpoint_rare(&f->srv)->keepalives, 0);
	assert_int_equal(f->n_anomalies, 0);
}

static void test_midstream_pickup(void **state)
{
	struct fx *x = *state;

	/* The capture starts in the middle: the server speaks first. */
	TF_S(&x->c, 0, .flags = ACK | PSH, .seq = 70000, .ack = 9000, .len = 500);
	struct ts_flow *f = tf_only_flow(&x->an);
	assert_true(f->midstream);
	char buf[64];
	ts_flow_format_endpoint(f, false, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.2:80"); /* roles by the well-known port */
	ts_flow_format_endpoint(f, true, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1:40000");
	ST(f, UNKNOWN, ESTABLISHED);
	TF_C(&x->c, 0.001, .flags = ACK, .seq = 9000, .ack = 70500);
	ST(f, ESTABLISHED, ESTABLISHED);
	TF_S(&x->c, 0.01, .flags = ACK | PSH, .seq = 70500, .ack = 9000, .len = 500);
	TF_C(&x->c, 0.011, .flags = ACK, .seq = 9000, .ack = 71000);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->handshake, TS_HS_MIDSTREAM);
	assert_int_equal(f->srv.st.retrans_segments, 0);
	assert_false(f->cli.active_open || f->srv.passive_open);
	assert_int_equal(tf_count(f, TS_AN_MSS_MISSING), 0);
}

static void test_ipv6_open_and_close(void **state)
{
	struct fx *x = *state;
	tf_conn_init(&x->c, &x->an, "2001:db8::1", 40000, "2001:db8::2", 443);

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000, .mss = 1440);
	struct ts_flow *f = tf_only_flow(&x->an);
	assert_int_equal(f->key.af, 6);
	ST(f, SYN_SENT, UNKNOWN);
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1440);
	TF_C(&x->c, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	ST(f, ESTABLISHED, ESTABLISHED);
	close_from_client(x, 1);
	ST(f, TIME_WAIT, CLOSED);
	char buf[80];
	ts_flow_format_endpoint(f, false, buf, sizeof(buf));
	assert_string_equal(buf, "[2001:db8::2]:443");
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_flow_effective_mss(f), 1440);
	assert_int_equal(f->n_anomalies, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_normal_open),
		T(test_rfc793_example),
		T(test_synack_with_wrong_ack),
		T(test_simultaneous_open),
		T(test_simultaneous_open_rfc_order),
		T(test_refused),
		T(test_refusal_needs_matching_ack),
		T(test_unanswered_syn),
		T(test_half_open),
		T(test_close_from_client),
		T(test_close_from_server),
		T(test_close_fin_ack_combined),
		T(test_half_close),
		T(test_simultaneous_close),
		T(test_fin_lost_beyond_capture),
		T(test_rst_abort_from_client),
		T(test_rst_abort_from_server),
		T(test_out_of_window_rst),
		T(test_rst_at_last_ack_is_obeyed),
		T(test_rst_in_window_gets_a_challenge_ack),
		T(test_time_wait_ends_on_later_packet),
		T(test_time_wait_ends_at_finish),
		T(test_time_wait_config),
		T(test_port_reuse),
		T(test_syn_retransmission_is_not_reuse),
		T(test_sequence_wraparound),
		T(test_midstream_pickup),
		T(test_ipv6_open_and_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
