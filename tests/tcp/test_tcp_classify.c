/* \summary: unit tests: retransmissions, probes, SPAN duplicates, out-of-order, dup ACKs, back-off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frames.h"
#include "tcpscope/report.h"

#define SYN TS_TCP_SYN
#define ACK TS_TCP_ACK
#define FIN TS_TCP_FIN
#define PSH TS_TCP_PSH

/* Client ISN 1000, server ISN 5000; handshake RTT 2 ms (t = 0 .. 0.002). */
static struct ts_flow *handshake(struct tf_fx *x)
{
	TF_C(&x->c, 0, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&x->c, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	TF_C(&x->c, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	return tf_only_flow(&x->an);
}

static void cdata(struct tf_fx *x, double t, uint32_t seq, uint32_t len)
{
	TF_C(&x->c, t, .flags = ACK | PSH, .seq = seq, .ack = 5001, .len = len);
}

static void sack(struct tf_fx *x, double t, uint32_t ack)
{
	TF_S(&x->c, t, .flags = ACK, .seq = 5001, .ack = ack);
}

static void test_data_retransmission(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	cdata(x, 0.1, 1001, 100);
	cdata(x, 0.11, 1101, 100);
	/* In-order data needs none of the rarely set figures: nothing allocated. */
	assert_null(f->cli.rare);
	assert_int_equal(ts_endpoint_rare(&f->cli)->rto_retrans, 0);
	sack(x, 0.12, 1101);
	cdata(x, 0.4, 1101, 100); /* the second segment again, after an RTO */
	sack(x, 0.41, 1201);
	assert_non_null(f->cli.rare);
	const struct ts_dir_stats cli = ts_endpoint_stats(&f->cli), *st = &cli;
	assert_int_equal(st->data_segments, 3);
	assert_int_equal(st->retrans_segments, 1);
	assert_int_equal(st->retrans_bytes, 100);
	assert_int_equal(st->rto_retrans, 1);
	assert_int_equal(st->fast_retrans + st->spurious_retrans + st->unseen_original, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 1);
	/* SYN, ACK, two new data segments; the resend is not in OutSegs. */
	assert_int_equal(f->cli.out_segs, 4);
	assert_int_equal(f->srv.st.retrans_segments, 0);
	assert_int_equal(ts_endpoint_rare(&f->srv)->retx_segs, 0);
	assert_true(ts_pct(st->retrans_segments, st->data_segments) > 33.33 &&
	            ts_pct(st->retrans_segments, st->data_segments) < 33.34);
}

/* A resend that also carries new bytes is still one retransmitted segment. */
static void test_partial_overlap_is_retransmission(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	cdata(x, 0.1, 1001, 100);
	cdata(x, 0.5, 1051, 100); /* repacketized: 50 old bytes, 50 new ones */
	assert_int_equal(f->cli.st.retrans_segments, 1);
	assert_int_equal(f->cli.snd_max, 1151);
}

static void test_syn_and_fin_retransmissions_apart(void **state)
{
	struct tf_fx *x = *state;

	TF_C(&x->c, 0, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_C(&x->c, 1, .flags = SYN, .seq = 1000, .mss = 1460);
	TF_S(&x->c, 1.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	TF_S(&x->c, 2.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1460);
	TF_C(&x->c, 2.002, .flags = ACK, .seq = 1001, .ack = 5001);
	struct ts_flow *f = tf_only_flow(&x->an);
	cdata(x, 2.1, 1001, 10);
	TF_C(&x->c, 3, .flags = FIN | ACK, .seq = 1011, .ack = 5001);
	TF_C(&x->c, 3.3, .flags = FIN | ACK, .seq = 1011, .ack = 5001);
	TF_S(&x->c, 3.301, .flags = FIN | ACK, .seq = 5001, .ack = 1012);
	TF_C(&x->c, 3.302, .flags = ACK, .seq = 1012, .ack = 5002);
	assert_int_equal(ts_endpoint_rare(&f->cli)->syn_retrans, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->fin_retrans, 1);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 2);
	/* SYN, ACK, data, FIN, ACK. */
	assert_int_equal(f->cli.out_segs, 5);
	assert_int_equal(ts_endpoint_rare(&f->srv)->syn_retrans, 1);
	assert_int_equal(ts_endpoint_rare(&f->srv)->retx_segs, 1);
	/* Linux counts every SYN-ACK in OutSegs, the resent one too. */
	assert_int_equal(f->srv.out_segs, 3);
	assert_int_equal(f->cli.state, TS_ST_TIME_WAIT);
}

static void test_keepalive_is_not_retransmission(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	cdata(x, 0.1, 1001, 100);
	sack(x, 0.101, 1101);
	/* Linux keep-alive: seq = snd_nxt - 1, no data; BSD ones carry one old byte. */
	TF_C(&x->c, 7200, .flags = ACK, .seq = 1100, .ack = 5001);
	sack(x, 7200.001, 1101);
	TF_C(&x->c, 7275, .flags = ACK, .seq = 1100, .ack = 5001, .len = 1);
	sack(x, 7275.001, 1101);
	assert_int_equal(ts_endpoint_rare(&f->cli)->keepalives, 2);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->window_probes, 0);
	/* The answers repeat the same ACK but nothing is outstanding: no dup ACKs. */
	assert_int_equal(ts_endpoint_rare(&f->srv)->dup_acks, 0);
	assert_int_equal(f->cli.state, TS_ST_ESTABLISHED);
}

static void test_zero_window_probe_is_not_retransmission(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	cdata(x, 0.1, 1001, 100);
	TF_S(&x->c, 0.101, .flags = ACK, .seq = 5001, .ack = 1101, .window = TF_WIN_ZERO);
	for (int i = 0; i < 3; i++) {
		TF_C(&x->c, 0.3 + 0.2 * (1 << i), .flags = ACK, .seq = 1100, .ack = 5001);
		TF_S(&x->c, 0.301 + 0.2 * (1 << i), .flags = ACK, .seq = 5001, .ack = 1101, .window = TF_WIN_ZERO);
	}
	TF_S(&x->c, 2, .flags = ACK, .seq = 5001, .ack = 1101, .window = 65535);
	cdata(x, 2.001, 1101, 100);
	assert_int_equal(ts_endpoint_rare(&f->cli)->window_probes, 3);
	assert_int_equal(ts_endpoint_rare(&f->cli)->keepalives, 0);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 0);
	assert_int_equal(ts_endpoint_rare(&f->srv)->zero_window, 1);
}

static void test_span_duplicate(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	/* The same frame twice, 20 us apart, same IP-ID: a SPAN port copy. */
	TF_C(&x->c, 0.1, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100, .ip_id = 4242);
	TF_C(&x->c, 0.10002, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100, .ip_id = 4242);
	assert_int_equal(ts_endpoint_rare(&f->cli)->span_duplicates, 1);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(f->cli.st.data_segments, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 0);
	/* The same bytes with a new IP-ID are a real resend, however soon. */
	TF_C(&x->c, 0.10004, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100, .ip_id = 4243);
	assert_int_equal(ts_endpoint_rare(&f->cli)->span_duplicates, 1);
	assert_int_equal(f->cli.st.retrans_segments, 1);
	/* The receiver saw one segment from each copy pair: InSegs counts it once. */
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->segments_received, 2 + 2);
}

/* A switch loop delivers copies: the IP-ID of the original, however late. */
static void test_network_copy_is_no_retransmission(void **state)
{
	struct tf_fx *x = *state;
	x->c.ip_id = 1990; /* the sender's counter runs on into the data below */
	struct ts_flow *f = handshake(x);

	for (uint32_t i = 0; i < 10; i++)
		TF_C(&x->c, 0.1 + i * 0.0001, .flags = ACK, .seq = 1001 + i * 100, .ack = 5001, .len = 100,
		     .ip_id = (uint16_t)(2000 + i));
	sack(x, 0.102, 2001);
	/* The newest segment again 2 ms on, after the peer's ACK; an older one later. */
	TF_C(&x->c, 0.104, .flags = ACK, .seq = 1901, .ack = 5001, .len = 100, .ip_id = 2009);
	TF_C(&x->c, 0.107, .flags = ACK, .seq = 1401, .ack = 5001, .len = 100, .ip_id = 2004);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->span_duplicates, 0);
	/* The same bytes with a new IP-ID: a resend. */
	TF_C(&x->c, 0.3, .flags = ACK, .seq = 1401, .ack = 5001, .len = 100, .ip_id = 2010);
	assert_int_equal(f->cli.st.retrans_segments, 1);
	/* The receiver got every copy: SYN, ACK, 10 segments, 2 copies, 1 resend. */
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_host(&x->an, "10.0.0.2")->segments_received, 15);
}

/* Held back by the network: its IP-ID fills the gap it left behind. */
static void test_delayed_original_is_no_lost_resend(void **state)
{
	struct tf_fx *x = *state;
	x->c.ip_id = 2990;
	struct ts_flow *f = handshake(x);

	for (uint32_t i = 0; i < 10; i++)
		TF_C(&x->c, 0.1 + i * 0.0001, .flags = ACK, .seq = 1001 + i * 100, .ack = 5001, .len = 100,
		     .ip_id = (uint16_t)(3000 + i));
	for (uint32_t i = 11; i < 14; i++)
		TF_C(&x->c, 0.1 + i * 0.0001, .flags = ACK, .seq = 1001 + i * 100, .ack = 5001, .len = 100,
		     .ip_id = (uint16_t)(3000 + i));
	assert_int_equal(ts_endpoint_lost_retrans_estimate(&f->cli), 1); /* IP-ID 3010 missing */
	TF_C(&x->c, 0.1015, .flags = ACK, .seq = 2001, .ack = 5001, .len = 100, .ip_id = 3010);
	assert_int_equal(ts_endpoint_rare(&f->cli)->out_of_order, 1);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(ts_endpoint_lost_retrans_estimate(&f->cli), 0);
	/* A number that never comes is still a resend lost on the way. */
	TF_C(&x->c, 0.102, .flags = ACK, .seq = 2401, .ack = 5001, .len = 100, .ip_id = 3015);
	assert_int_equal(ts_endpoint_lost_retrans_estimate(&f->cli), 1);
}

/* IPv6 has no IP-ID: pure ACKs of one recovery differ in their SACK blocks. */
static void test_ipv6_acks_differing_in_sack_are_no_copies(void **state)
{
	struct tf_fx *x = *state;
	struct tf_conn c6;
	tf_conn_init(&c6, &x->an, "2001:db8::1", 40000, "2001:db8::2", 443);
	TF_C(&c6, 0, .flags = SYN, .seq = 1000, .mss = 1440, .sackok = true);
	TF_S(&c6, 0.001, .flags = SYN | ACK, .seq = 5000, .ack = 1001, .mss = 1440, .sackok = true);
	TF_C(&c6, 0.002, .flags = ACK, .seq = 1001, .ack = 5001);
	for (uint32_t i = 0; i < 4; i++)
		TF_C(&c6, 0.1 + i * 0.000001, .flags = ACK, .seq = 1001 + i * 1000, .ack = 5001, .len = 1000);
	for (uint32_t i = 0; i < 3; i++)
		TF_S(&c6, 0.1001 + i * 0.000002, .flags = ACK, .seq = 5001, .ack = 2001, .sack_left = 3001,
		     .sack_right = 4001 + i * 1000);
	struct ts_flow *f = tf_only_flow(&x->an);
	assert_int_equal(ts_endpoint_rare(&f->srv)->span_duplicates, 0);
	/* An exact copy of the last one is a capture duplicate. */
	TF_S(&c6, 0.100108, .flags = ACK, .seq = 5001, .ack = 2001, .sack_left = 3001, .sack_right = 6001);
	assert_int_equal(ts_endpoint_rare(&f->srv)->span_duplicates, 1);
}

static void test_out_of_order(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	/* Reordered on the way to the capture: the hole fills within the RTT. */
	cdata(x, 0.1, 1101, 100);
	cdata(x, 0.1005, 1001, 100);
	assert_int_equal(ts_endpoint_rare(&f->cli)->out_of_order, 1);
	assert_int_equal(f->cli.st.retrans_segments, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 0);
	assert_int_equal(f->cli.out_segs, 4);
}

static void test_unseen_original(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	/* The capture missed 1001..1101; it shows up 300 ms later: a resend. */
	cdata(x, 0.1, 1101, 100);
	sack(x, 0.101, 1001);
	cdata(x, 0.4, 1001, 100);
	assert_int_equal(ts_endpoint_rare(&f->cli)->out_of_order, 0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->unseen_original, 1);
	assert_int_equal(f->cli.st.retrans_segments, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retx_segs, 1);
}

/* Without a handshake RTT the configured window decides. */
static void test_ooo_window_config(void **state)
{
	struct tf_fx *x = *state;
	x->an.tcp.cfg.ooo_window = 0.05;

	TF_C(&x->c, 0, .flags = ACK | PSH, .seq = 1001, .ack = 5001, .len = 100);
	TF_C(&x->c, 0.01, .flags = ACK | PSH, .seq = 1201, .ack = 5001, .len = 100);
	TF_C(&x->c, 0.04, .flags = ACK | PSH, .seq = 1101, .ack = 5001, .len = 100); /* 30 ms */
	TF_C(&x->c, 0.1, .flags = ACK | PSH, .seq = 1401, .ack = 5001, .len = 100);
	TF_C(&x->c, 0.16, .flags = ACK | PSH, .seq = 1301, .ack = 5001, .len = 100); /* 60 ms */
	struct ts_flow *f = tf_only_flow(&x->an);
	assert_true(f->midstream);
	assert_int_equal(ts_endpoint_rare(&f->cli)->out_of_order, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->unseen_original, 1);
}

static void test_spurious_retransmission(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	cdata(x, 0.1, 1001, 100);
	sack(x, 0.3, 1101);
	cdata(x, 0.301, 1001, 100); /* the ACK was late, the data had arrived */
	assert_int_equal(f->cli.st.retrans_segments, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->spurious_retrans, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->rto_retrans, 0);
	ts_analyzer_finish(&x->an);
	assert_int_equal(tf_count(f, TS_AN_SPURIOUS_RETRANSMISSIONS), 1);
	assert_int_equal(tf_find(f, TS_AN_SPURIOUS_RETRANSMISSIONS)->value, 1);
}

static void test_dup_acks_and_fast_retransmit(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	for (uint32_t i = 0; i < 5; i++)
		cdata(x, 0.1 + i * 0.001, 1001 + i * 100, 100);
	sack(x, 0.11, 1101);  /* the second segment is lost beyond the capture */
	sack(x, 0.111, 1101);
	sack(x, 0.112, 1101);
	sack(x, 0.113, 1101);
	assert_int_equal(ts_endpoint_rare(&f->srv)->dup_acks, 3);
	assert_int_equal(f->srv.dup_ack_run, 3);
	cdata(x, 0.114, 1101, 100);
	assert_int_equal(ts_endpoint_rare(&f->cli)->fast_retrans, 1);
	assert_int_equal(ts_endpoint_rare(&f->cli)->rto_retrans, 0);
	assert_int_equal(f->cli.st.retrans_segments, 1);
	sack(x, 0.12, 1501);
	assert_int_equal(ts_endpoint_rare(&f->srv)->dup_acks, 3);
	/* A window update is not a duplicate ACK. */
	TF_S(&x->c, 0.13, .flags = ACK, .seq = 5001, .ack = 1501, .window = 1000);
	assert_int_equal(ts_endpoint_rare(&f->srv)->dup_acks, 3);
}

static void test_rto_backoff(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	cdata(x, 1, 1001, 100);
	cdata(x, 1.2, 1001, 100);
	assert_int_equal(tf_count(f, TS_AN_RTO_BACKOFF), 0);
	cdata(x, 1.6, 1001, 100); /* 0.2 s, then 0.4 s: the timer doubled */
	assert_int_equal(tf_count(f, TS_AN_RTO_BACKOFF), 1);
	cdata(x, 2.4, 1001, 100);
	assert_int_equal(tf_count(f, TS_AN_RTO_BACKOFF), 1); /* reported once */
	assert_int_equal(f->cli.st.retrans_segments, 3);
	assert_int_equal(tf_find(f, TS_AN_RTO_BACKOFF)->endpoint, TS_EP_CLIENT);
}

static void test_even_gaps_are_no_backoff(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);

	cdata(x, 1, 1001, 100);
	cdata(x, 1.2, 1001, 100);
	cdata(x, 1.4, 1001, 100);
	cdata(x, 1.6, 1001, 100);
	assert_int_equal(f->cli.st.retrans_segments, 3);
	assert_int_equal(tf_count(f, TS_AN_RTO_BACKOFF), 0);
}

static void test_retrans_pct_per_direction(void **state)
{
	struct tf_fx *x = *state;
	struct ts_flow *f = handshake(x);
	uint32_t cseq = 1001, sseq = 5001;

	for (int i = 0; i < 9; i++, cseq += 100)
		cdata(x, 0.1 + i * 0.01, cseq, 100);
	cdata(x, 0.5, 1001, 100); /* 1 of 10 client data segments resent */
	for (int i = 0; i < 4; i++, sseq += 1000)
		TF_S(&x->c, 0.6 + i * 0.01, .flags = ACK | PSH, .seq = sseq, .ack = cseq, .len = 1000);
	assert_int_equal(f->cli.st.data_segments, 10);
	assert_int_equal(f->srv.st.data_segments, 4);
	assert_true(ts_pct(f->cli.st.retrans_segments, f->cli.st.data_segments) == 10.0);
	assert_true(ts_pct(f->srv.st.retrans_segments, f->srv.st.data_segments) == 0.0);
	assert_int_equal(ts_endpoint_rare(&f->cli)->retrans_bytes, 100);
	assert_int_equal(f->cli.st.payload_bytes, 1000);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tf_fx_setup, tf_fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_data_retransmission),
		T(test_partial_overlap_is_retransmission),
		T(test_syn_and_fin_retransmissions_apart),
		T(test_keepalive_is_not_retransmission),
		T(test_zero_window_probe_is_not_retransmission),
		T(test_span_duplicate),
		T(test_network_copy_is_no_retransmission),
		T(test_delayed_original_is_no_lost_resend),
		T(test_ipv6_acks_differing_in_sack_are_no_copies),
		T(test_out_of_order),
		T(test_unseen_original),
		T(test_ooo_window_config),
		T(test_spurious_retransmission),
		T(test_dup_acks_and_fast_retransmit),
		T(test_rto_backoff),
		T(test_even_gaps_are_no_backoff),
		T(test_retrans_pct_per_direction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
