/* \summary: segment log: decimation keeps notable events, bounds memory, times RTT from every event */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpscope/dissect.h"
#include "tcpscope/segment_log.h"
#include "tcpscope/units.h"

static struct ts_segment_event event(uint64_t flow, int64_t t_us, bool from_client, uint8_t flags,
                                     uint32_t seq, uint32_t len, uint32_t ack)
{
	struct ts_segment_event ev = {
		.ts = { .tv_sec = 1700000000 + t_us / TS_USEC_PER_SEC,
		        .tv_nsec = (long)(t_us % TS_USEC_PER_SEC) * TS_NSEC_PER_USEC },
		.flow_id = flow,
		.from_client = from_client,
		.flags = flags,
		.cls = len || (flags & (TS_TCP_SYN | TS_TCP_FIN)) ? TS_SEG_NEW : TS_SEG_CONTROL,
		.seq = seq,
		.len = len,
		.ack = ack,
		.window = 65535,
	};
	return ev;
}

/* A bulk transfer, client to server, every 50th data segment resent. */
static void feed_bulk(struct ts_segment_log *log, uint64_t flow, unsigned segments, unsigned *retx)
{
	*retx = 0;
	for (unsigned i = 0; i < segments; i++) {
		struct ts_segment_event d = event(flow, i * 100, true, TS_TCP_ACK, i * 1000, 1000, 0);
		ts_segment_log_record(log, NULL, &d);
		if (i % 50 == 49) {
			d.retransmission = true;
			d.cls = TS_SEG_RETX;
			ts_segment_log_record(log, NULL, &d);
			(*retx)++;
		}
		struct ts_segment_event a = event(flow, i * 100 + 40, false, TS_TCP_ACK, 0, 0, (i + 1) * 1000);
		ts_segment_log_record(log, NULL, &a);
	}
}

static void test_decimation_keeps_notable_and_both_directions(void **state)
{
	struct ts_segment_log_limits lim = { .max_ordinary = 256, .max_notable = 1000, .max_rtt = 64,
	                                     .max_bytes = 1 << 20 };
	struct ts_segment_log *log = ts_segment_log_new(&lim);
	struct ts_segment_flow_view v;
	unsigned retx, kept_retx = 0, data = 0, acks = 0;
	(void)state;

	feed_bulk(log, 1, 10000, &retx);
	assert_int_equal(ts_segment_log_view(log, 1, &v), 0);
	assert_int_equal(v.seen, 20000 + retx);
	assert_true(v.n_rec <= lim.max_ordinary + lim.max_notable);
	assert_true(v.stride > 1);
	for (size_t i = 0; i < v.n_rec; i++) {
		kept_retx += v.rec[i].retransmission;
		data += !v.rec[i].retransmission && v.rec[i].len > 0;
		acks += v.rec[i].len == 0;
		if (i)
			assert_true(v.rec[i].ts_ns >= v.rec[i - 1].ts_ns);
	}
	assert_int_equal(kept_retx, retx);
	/* A stride shared by alternating data and ACKs would keep only one kind. */
	assert_true(data >= lim.max_ordinary / 4);
	assert_true(acks >= lim.max_ordinary / 4);
	assert_true(v.n_rtt <= lim.max_rtt && v.n_rtt > lim.max_rtt / 4);
	assert_int_equal(ts_segment_log_view(log, 2, &v), -1);
	ts_segment_log_free(log);
}

static void test_rtt_from_first_covering_ack(void **state)
{
	struct ts_segment_log *log = ts_segment_log_new(NULL);
	struct ts_segment_flow_view v;
	(void)state;

	/* SYN at 0, SYN-ACK at 10 ms: the client's SYN is timed at 10 ms. */
	struct ts_segment_event e = event(7, 0, true, TS_TCP_SYN, 0xffffffffu, 0, 0);
	ts_segment_log_record(log, NULL, &e);
	e = event(7, 10000, false, TS_TCP_SYN | TS_TCP_ACK, 0xffffffffu, 0, 0);
	ts_segment_log_record(log, NULL, &e);
	/* Data 0..100 at 20 ms; an ACK of 50 at 25 ms does not cover it; 100 at 45 ms does. */
	e = event(7, 20000, true, TS_TCP_ACK, 0, 100, 0);
	ts_segment_log_record(log, NULL, &e);
	e = event(7, 25000, false, TS_TCP_ACK, 0, 0, 50);
	ts_segment_log_record(log, NULL, &e);
	e = event(7, 45000, false, TS_TCP_ACK, 0, 0, 100);
	ts_segment_log_record(log, NULL, &e);
	/* Data 100..200 at 50 ms, resent at 300 ms, ACKed at 310 ms: Karn, no sample. */
	e = event(7, 50000, true, TS_TCP_ACK, 100, 100, 0);
	ts_segment_log_record(log, NULL, &e);
	e.ts.tv_nsec = 300000000;
	e.retransmission = true;
	e.cls = TS_SEG_RETX;
	ts_segment_log_record(log, NULL, &e);
	e = event(7, 310000, false, TS_TCP_ACK, 0, 0, 200);
	ts_segment_log_record(log, NULL, &e);

	assert_int_equal(ts_segment_log_view(log, 7, &v), 0);
	/* The client's SYN, the server's SYN-ACK (ACKed by the first data
	 * segment at 20 ms), the client's first data segment. */
	assert_int_equal(v.n_rtt, 3);
	assert_true(v.rtt[0].from_client);
	assert_int_equal(v.rtt[0].rtt_us, 10000);
	assert_false(v.rtt[1].from_client);
	assert_int_equal(v.rtt[1].rtt_us, 10000);
	assert_true(v.rtt[2].from_client);
	assert_int_equal(v.rtt[2].rtt_us, 25000);
	assert_int_equal(v.n_rec, 8);
	ts_segment_log_free(log);
}

static void test_byte_budget(void **state)
{
	struct ts_segment_log_limits lim;
	struct ts_segment_log_stats st;
	unsigned retx;
	(void)state;

	ts_segment_log_limits_default(&lim);
	lim.max_bytes = 64 * 1024;
	struct ts_segment_log *log = ts_segment_log_new(&lim);
	for (uint64_t f = 1; f <= 200; f++)
		feed_bulk(log, f, 200, &retx);
	ts_segment_log_stats(log, &st);
	assert_true(st.bytes <= lim.max_bytes);
	assert_true(st.budget_drops > 0);
	assert_true(st.kept > 0 && st.kept < st.events);
	assert_int_equal(st.events, 200 * (400 + retx));
	ts_segment_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimation_keeps_notable_and_both_directions),
		cmocka_unit_test(test_rtt_from_first_covering_ack),
		cmocka_unit_test(test_byte_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
