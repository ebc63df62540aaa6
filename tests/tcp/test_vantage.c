/* \summary: unit tests: one-sided and mid-stream captures, what a flow says the capture saw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frames.h"
#include "tcpscope/scoreboard.h"

#define SYN TS_TCP_SYN
#define ACK TS_TCP_ACK
#define FIN TS_TCP_FIN
#define PSH TS_TCP_PSH

#define ST(f, c, s) do { \
	assert_string_equal(ts_tcp_state_name((f)->cli.state), ts_tcp_state_name(TS_ST_##c)); \
	assert_string_equal(ts_tcp_state_name((f)->srv.state), ts_tcp_state_name(TS_ST_##s)); \
} while (0)

/* Client ISN 1000, server ISN 5000; only the client's segments captured:
 * it ACKs the SYN-ACK, sends 200 bytes, ACKs 2800 server bytes, closes. */
static struct ts_flow *client_only_open(struct tf_fx *x)
{
	TF_C(&x->c, 0, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_C(&x->c, 0.010, .flags = ACK, .seq = 1001, .ack = 5001);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, ESTABLISHED, UNKNOWN);
	TF_C(&x->c, 0.011, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 200);
	TF_C(&x->c, 0.030, .flags = ACK, .seq = 1201, .ack = 7801);
	return f;
}

static void test_client_only_capture(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = client_only_open(x);

	TF_C(&x->c, 0.080, .flags = FIN | ACK, .seq = 1201, .ack = 7801);
	ST(f, FIN_WAIT_1, UNKNOWN);
	/* The server's FIN: the client's ACKs move by one. */
	TF_C(&x->c, 0.090, .flags = ACK, .seq = 1202, .ack = 7802);
	ST(f, TIME_WAIT, UNKNOWN);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->handshake, TS_HS_COMPLETE);
	assert_int_equal(tf_count(f, TS_AN_SYN_UNANSWERED), 0);
	assert_int_equal(f->n_anomalies, 0);
	assert_true(f->one_sided);
	struct ts_flow_visibility v = ts_flow_visibility(f);
	assert_true(v.c2s);
	assert_false(v.s2c);
	assert_false(v.handshake);
	assert_int_equal(v.unseen_acked_s2c, 2801); /* 2800 bytes and the FIN */
	assert_int_equal(v.unseen_acked_c2s, 0);
	assert_true(ts_flow_visibility_partial(&v));
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->active_opens, 1);
	assert_int_equal(tf_host(&x->an, "10.0.0.1")->failed_attempts, 0);
}

static void test_one_sided_close_raises_no_stall(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = client_only_open(x);

	/* Whether the silent server ever acknowledged the FIN cannot be seen. */
	TF_C(&x->c, 0.080, .flags = FIN | ACK, .seq = 1201, .ack = 7801);
	TF_C(&x->c, 200, .flags = ACK, .seq = 1202, .ack = 7801);
	ts_analyzer_finish(&x->an);
	ST(f, FIN_WAIT_1, UNKNOWN);
	assert_int_equal(tf_count(f, TS_AN_FIN_WAIT_1_STALL), 0);
	assert_int_equal(f->n_anomalies, 0);
}

static void test_fin_wait_1_stall_with_both_sides(void **state)
{
	struct tf_fx *x = *state;

	/* The same close with the server seen: the stall is real. */
	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001);
	TF_C(&x->c, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	TF_C(&x->c, 0.080, .flags = FIN | ACK, .seq = 1001, .ack = 5001);
	TF_C(&x->c, 200, .flags = ACK, .seq = 1002, .ack = 5001);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_false(f->one_sided);
	assert_int_equal(tf_count(f, TS_AN_FIN_WAIT_1_STALL), 1);
}

static void test_one_step_ack_alone_is_not_a_fin(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = client_only_open(x);

	/* One byte from the server looks like a FIN; the client keeps talking. */
	TF_C(&x->c, 0.040, .flags = ACK, .seq = 1201, .ack = 7802);
	TF_C(&x->c, 0.050, .flags = ACK | PSH, .seq = 1201, .ack = 7802, .len = 10);
	ST(f, ESTABLISHED, UNKNOWN);
}

static void test_server_only_capture(void **state)
{
	struct tf_fx *x = *state;

	TF_S(&x->c, 0, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	struct ts_flow *f = tf_only_flow(&x->an);
	ST(f, UNKNOWN, SYN_RECEIVED);
	/* A bare ACK at the SYN-ACK's numbers could come from the request socket. */
	TF_S(&x->c, 0.005, .flags = ACK, .seq = 5001, .ack = 1001);
	ST(f, UNKNOWN, SYN_RECEIVED);
	/* An ACK of the client's request comes from the accepted connection. */
	TF_S(&x->c, 0.011, .flags = ACK, .seq = 5001, .ack = 1201);
	ST(f, UNKNOWN, ESTABLISHED);
	TF_S(&x->c, 0.012, .flags = ACK | PSH, .seq = 5001, .ack = 1201, .len = 1400);
	TF_S(&x->c, 0.070, .flags = ACK, .seq = 6401, .ack = 1202); /* the client's FIN */
	ST(f, UNKNOWN, ESTABLISHED);
	TF_S(&x->c, 0.071, .flags = FIN | ACK, .seq = 6401, .ack = 1202);
	ST(f, UNKNOWN, LAST_ACK);
	ts_analyzer_finish(&x->an);
	assert_true(f->srv.passive_open);
	assert_int_equal(f->handshake, TS_HS_COMPLETE);
	assert_int_equal(tf_count(f, TS_AN_HALF_OPEN), 0);
	assert_int_equal(tf_count(f, TS_AN_SEGMENT_EXCEEDS_MSS), 0);
	assert_true(f->one_sided);
	assert_int_equal(ts_flow_visibility(f).unseen_acked_c2s, 201);
}

static void test_unanswered_syn_is_not_one_sided(void **state)
{
	struct tf_fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	TF_C(&x->c, 1, .flags = SYN, .seq = 1000);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	ST(f, SYN_SENT, UNKNOWN);
	assert_false(f->one_sided);
	assert_int_equal(tf_count(f, TS_AN_SYN_UNANSWERED), 1);
}

static void test_acked_bytes_never_captured(void **state)
{
	struct tf_fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001);
	TF_C(&x->c, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	TF_C(&x->c, 0.003, .flags = ACK, .seq = 1001, .ack = 5001, .len = 100);
	/* 1101..1301 never captured, then more beyond the hole. */
	TF_C(&x->c, 0.004, .flags = ACK, .seq = 1301, .ack = 5001, .len = 100);
	TF_S(&x->c, 0.005, .flags = ACK, .seq = 5001, .ack = 1401);
	/* The server acknowledges 50 bytes beyond anything captured. */
	TF_S(&x->c, 0.006, .flags = ACK, .seq = 5001, .ack = 1451);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	struct ts_flow_visibility v = ts_flow_visibility(f);
	assert_int_equal(v.unseen_acked_c2s, 250);
	assert_int_equal(v.unseen_acked_s2c, 0);
	assert_true(v.handshake && v.c2s && v.s2c);
	assert_false(f->one_sided);
}

static void test_scoreboard_ack_returns_closed_holes(void **state)
{
	(void)state;
	struct ts_scoreboard sb;
	int64_t age = 0;
	memset(&sb, 0, sizeof(sb));

	ts_scoreboard_add(&sb, 1000, 100, 0, &age);
	ts_scoreboard_add(&sb, 1200, 100, 1, &age);
	ts_scoreboard_add(&sb, 1400, 100, 2, &age);
	assert_int_equal(ts_scoreboard_ack(&sb, 1150), 0); /* inside the first hole */
	assert_int_equal(ts_scoreboard_ack(&sb, 1500), 200);
	assert_int_equal(ts_scoreboard_ack(&sb, 1500), 0);
	ts_scoreboard_reset(&sb);
}

/* Handshake, then ten 100-byte segments with IP-IDs from a counter, each
 * acknowledged; returns the next sequence number, *id the next IP-ID. */
static uint32_t counted_transfer(struct tf_fx *x, uint16_t *id)
{
	TF_C(&x->c, 0, .flags = SYN, .seq = 1000, .ip_id = (*id)++);
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001);
	TF_C(&x->c, 0.002, .flags = ACK, .seq = 1001, .ack = 5001, .ip_id = (*id)++);
	uint32_t seq = 1001;
	for (int i = 0; i < 10; i++, seq += 100) {
		TF_C(&x->c, 0.003 + i * 0.001, .flags = ACK, .seq = seq, .ack = 5001, .len = 100, .ip_id = (*id)++);
		TF_S(&x->c, 0.0035 + i * 0.001, .flags = ACK, .seq = 5001, .ack = seq + 100);
	}
	return seq;
}

static void test_resend_before_its_delayed_original(void **state)
{
	struct tf_fx *x = *state;
	uint16_t id = 100;
	uint32_t seq = counted_transfer(x, &id);

	/* The next original (IP-ID id) is held up; a fast resend (id + 1)
	 * comes first, 50 ms on, and looks new; the original follows. */
	TF_C(&x->c, 0.063, .flags = ACK, .seq = seq, .ack = 5001, .len = 100, .ip_id = (uint16_t)(id + 1));
	TF_S(&x->c, 0.064, .flags = ACK, .seq = 5001, .ack = seq + 100);
	TF_C(&x->c, 0.100, .flags = ACK, .seq = seq, .ack = 5001, .len = 100, .ip_id = id);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->cli.st.retrans_segments, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->spurious_retrans, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->out_of_order, 0);
}

static void test_resend_of_a_lost_tail(void **state)
{
	struct tf_fx *x = *state;
	uint16_t id = 100;
	uint32_t seq = counted_transfer(x, &id);

	/* The last original (IP-ID id) never reached the capture; its resend
	 * (id + 1) comes a timeout later and continues what was acknowledged. */
	TF_C(&x->c, 0.215, .flags = ACK, .seq = seq, .ack = 5001, .len = 100, .ip_id = (uint16_t)(id + 1));
	TF_S(&x->c, 0.216, .flags = ACK, .seq = 5001, .ack = seq + 100);
	/* The original turns up after all: a delayed original, no second count. */
	TF_C(&x->c, 0.300, .flags = ACK, .seq = seq, .ack = 5001, .len = 100, .ip_id = id);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->unseen_original, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->out_of_order, 1);
}

static void test_new_data_after_a_pause_is_not_a_resend(void **state)
{
	struct tf_fx *x = *state;
	uint16_t id = 100;
	uint32_t seq = counted_transfer(x, &id);

	/* A pause with no IP-ID skipped, and a skipped IP-ID with no pause:
	 * new data both times. */
	TF_C(&x->c, 0.500, .flags = ACK, .seq = seq, .ack = 5001, .len = 100, .ip_id = id++);
	TF_S(&x->c, 0.501, .flags = ACK, .seq = 5001, .ack = seq + 100);
	id++;
	TF_C(&x->c, 0.502, .flags = ACK, .seq = seq + 100, .ack = 5001, .len = 100, .ip_id = id);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 0);
}

static void test_delayed_original_into_a_hole_is_not_a_resend(void **state)
{
	struct tf_fx *x = *state;
	uint16_t id = 100;
	uint32_t seq = counted_transfer(x, &id);

	/* Reordered by the network: the later segment first. */
	TF_C(&x->c, 0.100, .flags = ACK, .seq = seq + 100, .ack = 5001, .len = 100, .ip_id = (uint16_t)(id + 1));
	TF_C(&x->c, 0.101, .flags = ACK, .seq = seq, .ack = 5001, .len = 100, .ip_id = id);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->out_of_order, 1);
}

static void test_midstream_first_segment_below_acked(void **state)
{
	struct tf_fx *x = *state;

	/* The capture starts with the client acknowledging server bytes
	 * 70000..71000; the server then sends 70000..71000 again. */
	TF_C(&x->c, 0, .flags = ACK, .seq = 9000, .ack = 71000);
	TF_S(&x->c, 0.2, .flags = ACK | PSH, .seq = 70000, .ack = 9000, .len = 1000);
	TF_S(&x->c, 0.21, .flags = ACK | PSH, .seq = 71000, .ack = 9000, .len = 1000);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_true(f->midstream);
	assert_int_equal(f->srv.st.retrans_segments, 1);
	assert_int_equal(ts_endpoint_rare(&f->srv)->spurious_retrans, 1);
	assert_false(f->one_sided);
	assert_int_equal(ts_flow_visibility(f).unseen_acked_s2c, 0);
}

static void test_midstream_partial_resend_then_ack(void **state)
{
	struct tf_fx *x = *state;

	/* The client acknowledges up to 70000 (sent before the capture began),
	 * then 70000..71000, which the capture does not hold; the server
	 * resends 70000..70500 only, then goes on from 71000: 500 bytes were
	 * acknowledged and never captured. */
	TF_C(&x->c, 0, .flags = ACK, .seq = 9000, .ack = 70000);
	TF_C(&x->c, 0.1, .flags = ACK, .seq = 9000, .ack = 71000);
	TF_S(&x->c, 0.2, .flags = ACK | PSH, .seq = 70000, .ack = 9000, .len = 500);
	TF_S(&x->c, 0.21, .flags = ACK | PSH, .seq = 71000, .ack = 9000, .len = 1000);
	TF_C(&x->c, 0.22, .flags = ACK, .seq = 9000, .ack = 72000);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_int_equal(f->srv.st.retrans_segments, 1);
	assert_int_equal(ts_flow_visibility(f).unseen_acked_s2c, 500);
}

static void test_synack_answering_a_resent_syn(void **state)
{
	struct tf_fx *x = *state;

	/* The first SYN-ACK was lost before the client's capture; the server's
	 * timer resend and its answer to the resent SYN arrive 50 us apart,
	 * alike to the byte (IP-ID 0, as Linux sends them). */
	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	TF_C(&x->c, 1, .flags = SYN, .seq = 1000);
	TF_S(&x->c, 1.0001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .ip_id = 0xffff);
	TF_S(&x->c, 1.00015, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .ip_id = 0xffff);
	TF_C(&x->c, 1.0002, .flags = ACK, .seq = 1001, .ack = 5001);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_endpoint_rare(&f->srv)->span_duplicates, 0);
	assert_int_equal(ts_endpoint_rare(&f->srv)->retx_segs, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 1);
}

static void test_synack_copied_by_the_network(void **state)
{
	struct tf_fx *x = *state;

	/* One SYN, one SYN-ACK copied by a SPAN port: no resend. */
	TF_C(&x->c, 0, .flags = SYN, .seq = 1000);
	TF_S(&x->c, 0.0001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .ip_id = 0xffff);
	TF_S(&x->c, 0.00015, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .ip_id = 0xffff);
	struct ts_flow *f = tf_only_flow(&x->an);
	ts_analyzer_finish(&x->an);
	assert_int_equal(ts_endpoint_rare(&f->srv)->span_duplicates, 1);
	assert_int_equal(ts_endpoint_rare(&f->srv)->retx_segs, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tf_fx_setup, tf_fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_client_only_capture),
		T(test_one_sided_close_raises_no_stall),
		T(test_fin_wait_1_stall_with_both_sides),
		T(test_one_step_ack_alone_is_not_a_fin),
		T(test_server_only_capture),
		T(test_unanswered_syn_is_not_one_sided),
		T(test_acked_bytes_never_captured),
		T(test_scoreboard_ack_returns_closed_holes),
		T(test_resend_before_its_delayed_original),
		T(test_resend_of_a_lost_tail),
		T(test_new_data_after_a_pause_is_not_a_resend),
		T(test_delayed_original_into_a_hole_is_not_a_resend),
		T(test_midstream_first_segment_below_acked),
		T(test_midstream_partial_resend_then_ack),
		T(test_synack_answering_a_resent_syn),
		T(test_synack_copied_by_the_network),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
