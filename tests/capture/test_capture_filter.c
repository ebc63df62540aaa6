/* \summary: tests: one BPF filter over inputs of several link types */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture_check.h"

struct fixture {
	char dir[256];
	char pcapng[512];     /* EN10MB and LINUX_SLL interfaces, interleaved */
	char eth_pcap[512];   /* the EN10MB frames */
	char sll_pcap[512];   /* the LINUX_SLL frames, gzip */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const struct cw_frame *f;
	size_t nf = cw_frames(&f);
	struct cw_buf b = { 0 };

	cc_tmpdir_create(fx->dir);
	cw_pcapng(&b, false, f, nf);
	cc_write(cc_path(fx->dir, "mixed.pcapng", fx->pcapng), &b, false);
	cw_buf_free(&b);
	cw_pcap(&b, CW_PCAP_US_LE, CW_LINKTYPE_EN10MB, f, nf);
	cc_write(cc_path(fx->dir, "eth.pcap", fx->eth_pcap), &b, false);
	cw_buf_free(&b);
	cw_pcap(&b, CW_PCAP_NS_BE, CW_LINKTYPE_LINUX_SLL, f, nf);
	cc_write(cc_path(fx->dir, "sll.pcap.gz", fx->sll_pcap), &b, true);
	cw_buf_free(&b);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	cc_tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

/* Frame indexes of the packets a run delivered, as "1,3". */
static void indexes(const struct cc_run *run, char *out, size_t max)
{
	size_t k = 0;

	out[0] = '\0';
	for (size_t i = 0; i < run->n; i++) {
		if (run->ev[i].ret != TS_CAP_PACKET)
			continue;
		k += (size_t)snprintf(out + k, max - k, "%s%llu", k ? "," : "",
		                      (unsigned long long)run->ev[i].pkt.index);
		if (k >= max)
			break;
	}
}

static void test_filter_mixed_pcapng(void **state)
{
	struct fixture *fx = *state;
	const char *p = fx->pcapng;
	struct cc_run run;
	char idx[64];

	/* frames 2 and 4 come from 10.0.0.2 (SLL); 1 and 3 from 10.0.0.1 (Ethernet) */
	assert_int_equal(cc_run_files(&p, 1, "src host 10.0.0.2", &run), 0);
	indexes(&run, idx, sizeof(idx));
	assert_string_equal(idx, "2,4");
	assert_int_equal(run.ev[0].pkt.linktype, DLT_LINUX_SLL);

	assert_int_equal(cc_run_files(&p, 1, "tcp[tcpflags] & tcp-syn != 0", &run), 0);
	indexes(&run, idx, sizeof(idx));
	assert_string_equal(idx, "1,2");
	assert_int_equal(run.ev[0].pkt.linktype, DLT_EN10MB);
	assert_int_equal(run.ev[1].pkt.linktype, DLT_LINUX_SLL);

	/* the data packet: a TCP payload test works on Ethernet only frames */
	assert_int_equal(cc_run_files(&p, 1, "tcp[tcpflags] & tcp-push != 0", &run), 0);
	indexes(&run, idx, sizeof(idx));
	assert_string_equal(idx, "3");

	assert_int_equal(cc_run_files(&p, 1, "udp", &run), 0);
	assert_int_equal(run.packets, 0);
	assert_int_equal(run.n, 1);
}

/* The same filter over two files of different link types. */
static void test_filter_across_files(void **state)
{
	struct fixture *fx = *state;
	const char *paths[2] = { fx->eth_pcap, fx->sll_pcap };
	struct cc_run run;
	char idx[64];

	/* eth.pcap: 1 SYN, 2 data; sll.pcap: 3 SYN-ACK, 4 FIN whose TCP
	 * flags were not captured, so it is picked by its IP length first (a
	 * load past the captured bytes rejects the packet in BPF) */
	assert_int_equal(cc_run_files(paths, 2, "(src port 80 and ip[2:2] == 40) "
	                              "or tcp[tcpflags] == tcp-syn", &run), 0);
	indexes(&run, idx, sizeof(idx));
	assert_string_equal(idx, "1,4");
	assert_string_equal(run.ev[1].source, paths[1]);
}

static void test_filter_does_not_compile(void **state)
{
	struct fixture *fx = *state;
	const char *p = fx->pcapng;
	struct cc_run run;

	assert_int_equal(cc_run_files(&p, 1, "tcp and", &run), -1);
	assert_non_null(strstr(run.open_error, "syntax error"));
	assert_non_null(strstr(run.open_error, "tcp and"));
	assert_int_equal(cc_run_files(&p, 1, "port 99999999", &run), -1);
	assert_non_null(strstr(run.open_error, "port"));
}

/* Compiles for the first link type, not for a later one: reported once,
 * those packets never match, the others still do. */
static void test_filter_fails_for_later_linktype(void **state)
{
	struct fixture *fx = *state;
	const char *p = fx->pcapng;
	struct cc_run run;

	assert_int_equal(cc_run_files(&p, 1, "ether src 02:00:00:00:00:01", &run), 0);
	assert_int_equal(run.n, 4);
	assert_int_equal(run.ev[0].ret, TS_CAP_PACKET);
	assert_int_equal(run.ev[0].pkt.index, 1);
	assert_int_equal(run.ev[1].ret, TS_CAP_ERROR);
	assert_non_null(strstr(run.ev[1].msg, "LINUX_SLL"));
	assert_int_equal(run.ev[2].ret, TS_CAP_PACKET);
	assert_int_equal(run.ev[2].pkt.index, 3);
	assert_int_equal(run.ev[3].ret, TS_CAP_EOF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filter_mixed_pcapng, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_across_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_does_not_compile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_fails_for_later_linktype, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
