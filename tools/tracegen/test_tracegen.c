/* \summary: tracegen unit tests: scenarios run to a temp pcap and read back with libpcap */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "tracegen.h"

#define MAX_PKTS 64

/* One packet as read back, with the fields the tests look at. */
struct rpkt {
	uint32_t caplen, len;
	int64_t ts_ns;
	uint8_t data[2048];
};

struct readback {
	int dlt;
	uint32_t snaplen;
	size_t n;
	struct rpkt p[MAX_PKTS];
};

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Runs the scenario text; returns the run's result, fills errbuf. */
static int run_text(const char *text, const char *out, char errbuf[TG_ERRBUF_SIZE])
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct tg_scenario *sc = tg_scenario_new("t.tg", errbuf);
	int rc;

	assert_non_null(in);
	assert_non_null(sc);
	rc = tg_scenario_load(sc, in, errbuf);
	if (rc == 0)
		rc = tg_scenario_run(sc, out, errbuf);
	tg_scenario_free(sc);
	fclose(in);
	return rc;
}

static void read_back(const char *path, struct readback *rb)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path,
		PCAP_TSTAMP_PRECISION_NANO, err);
	struct pcap_pkthdr *h;
	const u_char *d;

	assert_non_null(p);
	memset(rb, 0, sizeof *rb);
	rb->dlt = pcap_datalink(p);
	rb->snaplen = (uint32_t)pcap_snapshot(p);
	while (pcap_next_ex(p, &h, &d) == 1) {
		struct rpkt *r;
		assert_true(rb->n < MAX_PKTS);
		r = &rb->p[rb->n++];
		r->caplen = h->caplen;
		r->len = h->len;
		r->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
		assert_true(h->caplen <= sizeof r->data);
		memcpy(r->data, d, h->caplen);
	}
	pcap_close(p);
}

static void run_ok(const char *text, struct readback *rb)
{
	char errbuf[TG_ERRBUF_SIZE] = "";
	char path[] = "/tmp/tracegen-test-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	if (run_text(text, path, errbuf) != 0)
		fail_msg("scenario failed: %s", errbuf);
	read_back(path, rb);
	unlink(path);
}

/* Ethernet + IPv4 (20 bytes) */
#define TCP_OFF 34
static uint32_t seq_of(const struct rpkt *r) { return be32(r->data + TCP_OFF + 4); }
static uint32_t ack_of(const struct rpkt *r) { return be32(r->data + TCP_OFF + 8); }
static uint8_t flags_of(const struct rpkt *r) { return r->data[TCP_OFF + 13]; }

static void test_auto_seq_handshake_data_close(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("flow a 10.0.0.1:40000 10.0.0.2:80 isn=100,300\n"
	       "at +0.01 a> S mss=1460\n"
	       "at +0.01 a< SA\n"
	       "at +0.01 a> A\n"
	       "at +0.01 a> PA len=100\n"
	       "at +0.01 a< A\n"
	       "at +0.01 a< PA len=40\n"
	       "at +0.01 a> FA\n"
	       "at +0.01 a< FA\n"
	       "at +0.01 a> A\n", &rb);
	assert_int_equal(rb.n, 9);
	assert_int_equal(seq_of(&rb.p[0]), 100);
	assert_int_equal(ack_of(&rb.p[0]), 0);
	assert_int_equal(flags_of(&rb.p[0]), TG_TCP_SYN);
	assert_int_equal(seq_of(&rb.p[1]), 300);
	assert_int_equal(ack_of(&rb.p[1]), 101);   /* RFC 793: ACK = ISN + 1 */
	assert_int_equal(seq_of(&rb.p[2]), 101);
	assert_int_equal(ack_of(&rb.p[2]), 301);
	assert_int_equal(seq_of(&rb.p[3]), 101);
	assert_int_equal(rb.p[3].len, 14 + 20 + 20 + 100);
	assert_int_equal(ack_of(&rb.p[4]), 201);
	assert_int_equal(seq_of(&rb.p[5]), 301);
	assert_int_equal(seq_of(&rb.p[6]), 201);
	assert_int_equal(ack_of(&rb.p[6]), 341);
	assert_int_equal(seq_of(&rb.p[7]), 341);
	assert_int_equal(ack_of(&rb.p[7]), 202);   /* FIN takes one number */
	assert_int_equal(seq_of(&rb.p[8]), 202);
	assert_int_equal(ack_of(&rb.p[8]), 342);
	assert_int_equal(rb.p[1].ts_ns - rb.p[0].ts_ns, 10000000);
}

static void test_explicit_and_relative_seq(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("flow a 10.0.0.1:1 10.0.0.2:2 isn=1000,5000\n"
	       "a> S\n a< SA\n a> A\n"
	       "a> PA len=100\n"
	       "a> PA len=100\n"
	       "a> PA rseq=1 len=100\n"          /* retransmission of the first */
	       "a> A back=1\n"                   /* keep-alive: next - 1 */
	       "a> PA seq=7 ack=9 len=1\n"
	       "a> PA len=10\n", &rb);
	assert_int_equal(rb.n, 9);
	assert_int_equal(seq_of(&rb.p[5]), 1001);
	assert_int_equal(seq_of(&rb.p[6]), 1200);
	assert_int_equal(seq_of(&rb.p[7]), 7);
	assert_int_equal(ack_of(&rb.p[7]), 9);
	/* an explicit old seq does not move the tracked next */
	assert_int_equal(seq_of(&rb.p[8]), 1201);
}

static void test_wraparound(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("flow a 10.0.0.1:1 10.0.0.2:2 isn=4294967000,10\n"
	       "a> S\n a< SA\n a> A\n"
	       "a> PA len=200\n a> PA len=200\n a< A\n", &rb);
	assert_int_equal(seq_of(&rb.p[3]), 4294967001u);
	assert_int_equal(seq_of(&rb.p[4]), 4294967201u);
	assert_int_equal(ack_of(&rb.p[5]), 105);  /* 4294967401 mod 2^32 */
}

static void test_lost_and_nocap(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("flow a 10.0.0.1:1 10.0.0.2:2 isn=0,0\n"
	       "a> S\n a< SA\n a> A\n"
	       "a> PA len=10 lost nocap\n" /* lost before the capture */
	       "a> PA len=10\n"
	       "a< A\n"                  /* dup ACK: still waits for 1 */
	       "a> PA rseq=1 len=10\n"   /* the retransmission fills the hole */
	       "a< A ack=21\n"
	       "a> PA len=5 nocap\n"     /* delivered, but not in the capture */
	       "a< A\n"
	       "a> PA len=7 lost\n"      /* captured, lost afterwards */
	       "a< A\n", &rb);
	assert_int_equal(rb.n, 10);
	assert_int_equal(seq_of(&rb.p[3]), 11);
	assert_int_equal(ack_of(&rb.p[4]), 1);
	assert_int_equal(seq_of(&rb.p[5]), 1);
	assert_int_equal(ack_of(&rb.p[7]), 26);
	assert_int_equal(seq_of(&rb.p[8]), 26);
	assert_int_equal(ack_of(&rb.p[9]), 26);
}

static uint16_t ip_checksum_ok(const uint8_t *ip)
{
	return tg_sum_fold(tg_sum_add(0, ip, 20));
}

static void test_checksums_and_snaplen(void **state)
{
	struct readback rb;
	uint8_t pseudo[12];
	uint32_t sum;
	const uint8_t *ip;
	(void)state;
	run_ok("snaplen 96\n"
	       "flow a 10.0.0.1:1 10.0.0.2:2\n"
	       "a> PA len=30\n"
	       "a> PA len=1000\n", &rb);
	assert_int_equal(rb.snaplen, 96);
	assert_int_equal(rb.p[0].caplen, 14 + 20 + 20 + 30);
	assert_int_equal(rb.p[1].caplen, 96);
	assert_int_equal(rb.p[1].len, 14 + 20 + 20 + 1000);
	/* IP total length keeps the real size when the frame is cut */
	assert_int_equal(be16(rb.p[1].data + 14 + 2), 20 + 20 + 1000);
	ip = rb.p[0].data + 14;
	assert_int_equal(ip_checksum_ok(ip), 0);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0, pseudo[9] = 6, pseudo[10] = 0, pseudo[11] = 50;
	sum = tg_sum_add(0, pseudo, 12);
	sum = tg_sum_add(sum, ip + 20, 50);
	assert_int_equal(tg_sum_fold(sum), 0);
	/* filler depends on the sequence number, so a resend has equal bytes */
	assert_int_equal(rb.p[0].data[TCP_OFF + 20], tg_filler_byte(1000));
}

static void test_error_line_numbers(void **state)
{
	char errbuf[TG_ERRBUF_SIZE];
	(void)state;
	assert_int_equal(run_text("# comment\n\nflow a 10.0.0.1:1 10.0.0.2:2\na> Q\n",
	                          "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "t.tg:4:"));
	assert_non_null(strstr(errbuf, "flags"));
	assert_int_equal(run_text("flow a 10.0.0.1:1 10.0.0.2:2\na> S\nlink sll\n",
	                          "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "t.tg:3:"));
	assert_int_equal(run_text("b> S\n", "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "t.tg:1: unknown flow 'b'"));
	assert_int_equal(run_text("flow a 10.0.0.1:1 10.0.0.2:2\n"
	                          "repeat 2\n"
	                          "  a> S mss=99999\n"
	                          "end\n", "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "t.tg:3: bad value for mss"));
	assert_int_equal(run_text("repeat 2\nflow a 1.2.3.4:1 1.2.3.5:2\n",
	                          "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "t.tg:1: repeat without end"));
	assert_int_equal(run_text("flow a 1.2.3.4:1 1.2.3.5:2\nat 5 a> S\nat 4 a> S\n",
	                          "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "t.tg:3: time goes backwards"));
	assert_int_equal(run_text("clock backwards\nflow a 1.2.3.4:1 1.2.3.5:2\nat 5 a> S\nat 4 a> S\n",
	                          "/dev/null", errbuf), 0);
	assert_int_equal(run_text("clock forwards\n", "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "usage: clock backwards"));
	assert_int_equal(run_text("flow a 1.2.3.4:1 [::1]:2\n", "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "t.tg:1:"));
}

static void test_repeat_substitution(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("repeat 3\n"
	       "  flow s{i} 198.51.100.{i+1}:{i*2+1000} 10.0.0.2:80\n"
	       "  at +0.001 s{i}> S\n"
	       "end\n", &rb);
	assert_int_equal(rb.n, 3);
	assert_int_equal(rb.p[2].data[14 + 15], 3);                 /* src .3 */
	assert_int_equal(be16(rb.p[2].data + TCP_OFF), 1004);
	assert_int_equal(rb.p[2].ts_ns - rb.p[0].ts_ns, 2000000);
}

static void test_link_types(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("link qinq 100 200\nflow a 10.0.0.1:1 10.0.0.2:2\na> S\n", &rb);
	assert_int_equal(rb.dlt, DLT_EN10MB);
	assert_int_equal(be16(rb.p[0].data + 12), 0x88a8);
	assert_int_equal(be16(rb.p[0].data + 14) & 0xfff, 100);
	assert_int_equal(be16(rb.p[0].data + 18) & 0xfff, 200);
	assert_int_equal(be16(rb.p[0].data + 20), 0x0800);
	run_ok("link sll2\nflow a [2001:db8::1]:1 [2001:db8::2]:2\na> S ext6=hop\n", &rb);
	assert_int_equal(rb.dlt, DLT_LINUX_SLL2);
	assert_int_equal(be16(rb.p[0].data), 0x86dd);
	assert_int_equal(rb.p[0].data[20 + 6], 0);   /* next header: hop-by-hop */
	assert_int_equal(rb.p[0].data[20 + 40], 6);  /* then TCP */
}

static void test_nanosecond_and_dup(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("nanosecond\nstart 10.000000001\nflow a 10.0.0.1:1 10.0.0.2:2\n"
	       "at +0.000000002 a> PA len=5 dup=0.000003\n", &rb);
	assert_int_equal(rb.n, 2);
	assert_int_equal(rb.p[0].ts_ns, 10000000003LL);
	assert_int_equal(rb.p[1].ts_ns, 10000003003LL);
	assert_memory_equal(rb.p[0].data, rb.p[1].data, rb.p[0].caplen);
}

static void test_fragments(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("flow a 10.0.0.1:1 10.0.0.2:2\na> PA len=3000 frag=1480\n", &rb);
	assert_int_equal(rb.n, 3);
	assert_int_equal(be16(rb.p[0].data + 14 + 6), 0x2000);          /* MF */
	assert_int_equal(be16(rb.p[1].data + 14 + 6), 0x2000 | 185);
	assert_int_equal(be16(rb.p[2].data + 14 + 6), 370);
	assert_int_equal(be16(rb.p[2].data + 14 + 2), 20 + 3020 - 2960);
	assert_int_equal(ip_checksum_ok(rb.p[1].data + 14), 0);
}

static void test_fragments_order_overlap_ipv6(void **state)
{
	struct readback rb;
	(void)state;
	/* reordered, one left out */
	run_ok("flow a 10.0.0.1:1 10.0.0.2:2\na> PA len=3000 frag=1480 fragorder=2,0\n", &rb);
	assert_int_equal(rb.n, 2);
	assert_int_equal(be16(rb.p[0].data + 14 + 6), 370);
	assert_int_equal(be16(rb.p[1].data + 14 + 6), 0x2000);
	/* overlapping by 8 bytes: same bytes, or other ones */
	run_ok("flow a 10.0.0.1:1 10.0.0.2:2\na> PA len=3000 frag=1480 fragovl=8\n", &rb);
	assert_int_equal(rb.n, 3);
	assert_int_equal(be16(rb.p[1].data + 14 + 6), 0x2000 | 184);
	assert_int_equal(be16(rb.p[1].data + 14 + 2), 20 + 1488);
	assert_memory_equal(rb.p[1].data + 34, rb.p[0].data + 34 + 1472, 8);
	static uint8_t same[2048];
	memcpy(same, rb.p[1].data, sizeof(same));
	run_ok("flow a 10.0.0.1:1 10.0.0.2:2\na> PA len=3000 frag=1480 fragovldiff=8\n", &rb);
	for (int i = 0; i < 8; i++)
		assert_int_equal(rb.p[1].data[34 + i], same[34 + i] ^ 0x20);
	assert_memory_equal(rb.p[1].data + 42, same + 42, 1480);
	/* IPv6: a fragment header with the id, offset and M flag */
	run_ok("flow a [2001:db8::1]:1 [2001:db8::2]:2\na> PA ipid=77 len=2000 frag=1232\n", &rb);
	assert_int_equal(rb.n, 2);
	assert_int_equal(rb.p[0].data[14 + 6], 44);
	assert_int_equal(be16(rb.p[0].data + 14 + 4), 8 + 1232);
	assert_int_equal(rb.p[0].data[14 + 40], 6);
	assert_int_equal(be16(rb.p[0].data + 14 + 42), 1);
	assert_int_equal(be32(rb.p[0].data + 14 + 44), 77);
	assert_int_equal(be16(rb.p[1].data + 14 + 42), 1232);
	assert_int_equal(be16(rb.p[1].data + 14 + 4), 8 + 2020 - 1232);
}

static void test_super_segments(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("snaplen 200\nflow a 10.0.0.1:1 10.0.0.2:2\na> PA len=70000 iplen0\n", &rb);
	assert_int_equal(rb.n, 1);
	assert_int_equal(rb.p[0].len, 14 + 20 + 20 + 70000);
	assert_int_equal(be16(rb.p[0].data + 14 + 2), 0);
	run_ok("snaplen 200\nflow a [2001:db8::1]:1 [2001:db8::2]:2\na> PA len=70000 jumbo\n", &rb);
	assert_int_equal(rb.p[0].len, 14 + 40 + 8 + 20 + 70000);
	assert_int_equal(be16(rb.p[0].data + 14 + 4), 0);
	assert_int_equal(rb.p[0].data[14 + 6], 0);        /* hop-by-hop */
	assert_int_equal(rb.p[0].data[14 + 40], 6);
	assert_int_equal(rb.p[0].data[14 + 42], 0xc2);
	assert_int_equal(be32(rb.p[0].data + 14 + 44), 8 + 20 + 70000);
}

static void test_bulk_counts(void **state)
{
	char errbuf[TG_ERRBUF_SIZE] = "";
	char path[] = "/tmp/tracegen-bulk-XXXXXX";
	int fd = mkstemp(path);
	struct tg_framer *f = calloc(1, sizeof *f);
	struct tg_bulk_opts o;
	int64_t ts = 0;
	pcap_t *p;
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t n = 0, syn = 0, fin = 0;
	char err[PCAP_ERRBUF_SIZE];
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	assert_non_null(f);
	f->w = tg_writer_open(path, DLT_EN10MB, 96, false, errbuf);
	assert_non_null(f->w);
	tg_bulk_opts_default(&o);
	o.flows = 7;
	o.packets = 1000;
	o.concurrent = 3;
	assert_int_equal(tg_bulk_write(f, &o, &ts, errbuf), 0);
	assert_int_equal(tg_writer_count(f->w), 1000);
	assert_int_equal(tg_writer_close(f->w, errbuf), 0);
	free(f);
	p = pcap_open_offline(path, err);
	assert_non_null(p);
	while (pcap_next_ex(p, &h, &d) == 1) {
		n++;
		syn += (d[TCP_OFF + 13] & TG_TCP_SYN) && !(d[TCP_OFF + 13] & TG_TCP_ACK);
		fin += (d[TCP_OFF + 13] & TG_TCP_FIN) != 0;
	}
	pcap_close(p);
	unlink(path);
	assert_int_equal(n, 1000);
	assert_int_equal(syn, 7);
	assert_int_equal(fin, 14);
}


/* VLAN 10, VXLAN 5001 (IPv4, UDP 4789), inner Ethernet, then the segment. */
static void test_encap_vxlan_layout(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("flow a 10.0.0.1:40000 10.0.0.2:80\n"
	       "encap a vlan:10 vxlan:5001\n"
	       "a> S\n", &rb);
	assert_int_equal(rb.n, 1);
	const uint8_t *p = rb.p[0].data;
	assert_int_equal(be16(p + 12), 0x8100);
	assert_int_equal(be16(p + 14), 10);
	assert_int_equal(be16(p + 16), 0x0800);
	const uint8_t *ip = p + 18;
	assert_int_equal(ip[9], 17);
	assert_int_equal(be16(ip + 2), rb.p[0].len - 18);
	assert_int_equal(be16(ip + 22), 4789);                 /* UDP destination */
	assert_int_equal(be16(ip + 24), rb.p[0].len - 18 - 20); /* UDP length */
	assert_int_equal(ip[28], 0x08);                        /* VXLAN I flag */
	assert_int_equal(be32(ip + 32) >> 8, 5001);
	assert_int_equal(be16(ip + 36 + 12), 0x0800);          /* inner Ethernet */
	assert_int_equal(ip[36 + 14 + 9], 6);                  /* inner TCP */
	assert_int_equal(rb.p[0].len, 18 + 20 + 8 + 8 + 14 + 20 + 20);
}

/* A mirror copy comes DELAY later inside its own layers; the original stays plain. */
static void test_mirror_copy(void **state)
{
	struct readback rb;
	(void)state;
	run_ok("flow a 10.0.0.1:40000 10.0.0.2:80\n"
	       "mirror a 0.0001 erspan2:5\n"
	       "a> S\n", &rb);
	assert_int_equal(rb.n, 2);
	assert_int_equal(rb.p[1].ts_ns - rb.p[0].ts_ns, 100000);
	assert_int_equal(be16(rb.p[0].data + 12), 0x0800);
	assert_int_equal(rb.p[0].data[14 + 9], 6);
	const uint8_t *ip = rb.p[1].data + 14;
	assert_int_equal(ip[9], 47);
	assert_int_equal(be16(ip + 20), 0x1000);  /* GRE with a sequence number */
	assert_int_equal(be16(ip + 22), 0x88be);
	assert_int_equal(ip[28] >> 4, 1);         /* ERSPAN version 1 = type II */
	assert_int_equal(be16(ip + 30) & 0x3ff, 5);
	/* the mirrored frame is the original one */
	assert_memory_equal(ip + 36, rb.p[0].data, rb.p[0].len);
}

static void test_encap_errors(void **state)
{
	char errbuf[TG_ERRBUF_SIZE];
	(void)state;
	assert_int_equal(run_text("flow a 10.0.0.1:1 10.0.0.2:2\nencap a bogus\n", "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "unknown encapsulation 'bogus'"));
	assert_int_equal(run_text("flow a 10.0.0.1:1 10.0.0.2:2\nencap a vlan:1:2\n", "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "vlan takes 1 number"));
	assert_int_equal(run_text("encap b vlan:1\n", "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "unknown flow 'b'"));
	assert_int_equal(run_text("flow a [2001:db8::1]:1 [2001:db8::2]:2\nencap a gtpu:1 pppoe:1\na> S\n",
	                          "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "gtpu must carry IP")); /* PPPoE inside GTP-U */
	assert_int_equal(run_text("link raw\nflow a 10.0.0.1:1 10.0.0.2:2\nencap a vlan:3\na> S\n",
	                          "/dev/null", errbuf), -1);
	assert_non_null(strstr(errbuf, "carries only IP"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_seq_handshake_data_close),
		cmocka_unit_test(test_explicit_and_relative_seq),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_lost_and_nocap),
		cmocka_unit_test(test_checksums_and_snaplen),
		cmocka_unit_test(test_error_line_numbers),
		cmocka_unit_test(test_repeat_substitution),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_nanosecond_and_dup),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_fragments_order_overlap_ipv6),
		cmocka_unit_test(test_super_segments),
		cmocka_unit_test(test_bulk_counts),
		cmocka_unit_test(test_encap_vxlan_layout),
		cmocka_unit_test(test_mirror_copy),
		cmocka_unit_test(test_encap_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
