/* \summary: test support: real Ethernet/IP/TCP frames through ts_analyzer_feed */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pcap/dlt.h>

#include "frames.h"
#include "tcpscope/flow_view.h"
#include "tcpscope/units.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* TCP options in the order Linux sends them on a SYN, padded to 4 bytes. */
static size_t tcp_options(const struct tf_seg *s, uint8_t *o)
{
	size_t n = 0;

	if (s->mss) {
		o[n++] = 2;
		o[n++] = 4;
		put16(o + n, s->mss);
		n += 2;
	}
	if (s->sackok) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 4;
		o[n++] = 2;
	}
	if (s->has_wscale) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = s->wscale;
	}
	if (s->sack_right) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 5;
		o[n++] = 10;
		put32(o + n, s->sack_left);
		put32(o + n + 4, s->sack_right);
		n += 8;
	}
	while (n % 4)
		o[n++] = 0;
	return n;
}

size_t tf_build(const struct tf_seg *s, uint8_t *buf, size_t cap)
{
	bool v6 = s->af == 6;
	size_t iphl = v6 ? 40 : 20;
	uint8_t opts[40];
	size_t olen = tcp_options(s, opts);
	size_t thl = 20 + olen;
	size_t total = 14 + iphl + thl + s->len;
	uint8_t src[16] = { 0 }, dst[16] = { 0 };
	size_t alen = v6 ? 16 : 4;

	if (total > cap)
		return 0;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, s->src, src) != 1 ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, s->dst, dst) != 1)
		return 0;
	memset(buf, 0, total);

	/* Ethernet II: locally administered MACs, then the ethertype. */
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	memcpy(buf, macs, sizeof(macs));
	put16(buf + 12, v6 ? 0x86dd : 0x0800);

	uint8_t *ip = buf + 14;
	uint8_t *tcp = ip + iphl;
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(thl + s->len));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(iphl + thl + s->len));
		put16(ip + 4, s->ip_id);
		put16(ip + 6, s->more_fragments ? 0x2000 : 0x4000); /* MF or DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		put16(ip + 10, fold(sum16(ip, 20, 0)));
	}

	put16(tcp, s->sport);
	put16(tcp + 2, s->dport);
	put32(tcp + 4, s->seq);
	put32(tcp + 8, s->ack);
	tcp[12] = (uint8_t)((thl / 4) << 4);
	tcp[13] = s->flags;
	put16(tcp + 14, s->window == TF_WIN_ZERO ? 0 : s->window ? (uint16_t)s->window : 65535);
	memcpy(tcp + 20, opts, olen);

	/* Checksum over the pseudo-header, so the frame is a valid one. */
	uint32_t acc = sum16(src, alen, 0);
	acc = sum16(dst, alen, acc);
	acc += 6 + (uint32_t)(thl + s->len);
	put16(tcp + 16, fold(sum16(tcp, thl + s->len, acc)));
	return total;
}

struct timespec tf_time(double t)
{
	int64_t ns = (int64_t)(t * TS_NSEC_PER_SEC + (t < 0 ? -0.5 : 0.5));
	struct timespec ts = { .tv_sec = TF_T0 + ns / TS_NSEC_PER_SEC, .tv_nsec = ns % TS_NSEC_PER_SEC };
	if (ts.tv_nsec < 0) {
		ts.tv_nsec += TS_NSEC_PER_SEC;
		ts.tv_sec--;
	}
	return ts;
}

void tf_feed(struct ts_analyzer *an, const struct tf_seg *s, double t)
{
	uint8_t *buf = malloc(TF_FRAME_MAX);
	assert_non_null(buf);
	size_t n = tf_build(s, buf, TF_FRAME_MAX);
	assert_true(n > 0);
	struct ts_pkt pkt = {
		.ts = tf_time(t),
		.caplen = (uint32_t)n,
		.wirelen = (uint32_t)n,
		.linktype = DLT_EN10MB,
		.data = buf,
		.index = an->dec.packets + 1,
	};
	ts_analyzer_feed(an, &pkt);
	free(buf);
}

void tf_conn_init(struct tf_conn *c, struct ts_analyzer *an, const char *cli, uint16_t cport,
                  const char *srv, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->an = an;
	c->af = strchr(cli, ':') ? 6 : 4;
	c->cli = cli;
	c->srv = srv;
	c->cport = cport;
	c->sport = sport;
	c->ip_id = 1000;
}

void tf_send(struct tf_conn *c, bool from_client, double t, struct tf_seg s)
{
	s.af = c->af;
	s.src = from_client ? c->cli : c->srv;
	s.dst = from_client ? c->srv : c->cli;
	s.sport = from_client ? c->cport : c->sport;
	s.dport = from_client ? c->sport : c->cport;
	if (!s.ip_id)
		s.ip_id = c->ip_id++;
	tf_feed(c->an, &s, t);
}

void tf_analyzer(struct ts_analyzer *an, struct ts_analyzer_config *cfg)
{
	struct ts_analyzer_config def;

	if (!cfg) {
		ts_analyzer_config_default(&def);
		cfg = &def;
	}
	if (!cfg->seed)
		cfg->seed = 0x1234;
	assert_int_equal(ts_analyzer_init(an, cfg), 0);
}

struct ts_flow **tf_flows(struct ts_analyzer *an, size_t *n)
{
	struct ts_flow_view view;
	assert_int_equal(ts_flow_view_build(&view, &an->flows), 0);
	/* One block, freed with free(): the pointers, then a copy of each
	 * packed flow. Flows still in the table come back as themselves. */
	const size_t align = _Alignof(struct ts_flow_unpacked);
	size_t head = (view.n ? view.n : 1) * sizeof(struct ts_flow *);
	head = (head + align - 1) / align * align;
	char *block = malloc(head + view.n * sizeof(struct ts_flow_unpacked));
	assert_non_null(block);
	struct ts_flow **v = (struct ts_flow **)(void *)block;
	struct ts_flow_unpacked *copies = (struct ts_flow_unpacked *)(void *)(block + head);
	for (size_t i = 0; i < view.n; i++) {
		v[i] = ts_flow_view_live(&view, i);
		if (!v[i]) {
			ts_flow_archive_unpack(view.v[i].ref, &copies[i]);
			v[i] = &copies[i].flow;
		}
	}
	*n = view.n;
	ts_flow_view_free(&view);
	return v;
}

struct ts_flow *tf_only_flow(struct ts_analyzer *an)
{
	/* A packed flow would need a copy the caller does not free. */
	assert_int_equal(an->flows.done.count, 0);
	assert_int_equal(an->flows.live, 1);
	return an->flows.all_head;
}

unsigned tf_count(const struct ts_flow *f, enum ts_anomaly_code code)
{
	unsigned n = 0;
	for (unsigned i = 0; i < f->n_anomalies; i++)
		n += f->anomalies[i].code == code;
	return n;
}

const struct ts_anomaly *tf_find(const struct ts_flow *f, enum ts_anomaly_code code)
{
	for (unsigned i = 0; i < f->n_anomalies; i++)
		if (f->anomalies[i].code == code)
			return &f->anomalies[i];
	return NULL;
}

unsigned tf_host_count(const struct ts_analyzer *an, enum ts_anomaly_code code)
{
	unsigned n = 0;
	for (size_t i = 0; i < an->n_host_anomalies; i++)
		n += an->host_anomalies[i].code == code;
	return n;
}

const struct ts_anomaly *tf_host_find(const struct ts_analyzer *an, enum ts_anomaly_code code)
{
	for (size_t i = 0; i < an->n_host_anomalies; i++)
		if (an->host_anomalies[i].code == code)
			return &an->host_anomalies[i];
	return NULL;
}

const struct ts_host *tf_host_lookup(const struct ts_analyzer *an, const char *addr)
{
	uint8_t a[16] = { 0 };
	uint8_t af = strchr(addr, ':') ? 6 : 4;

	assert_int_equal(inet_pton(af == 6 ? AF_INET6 : AF_INET, addr, a), 1);
	return ts_hosts_find(&an->hosts, af, a);
}

const struct ts_host *tf_host(const struct ts_analyzer *an, const char *addr)
{
	const struct ts_host *h = tf_host_lookup(an, addr);

	assert_non_null(h);
	return h;
}

struct tf_mem_out {
	char *buf;
	size_t len;
};

FILE *tf_mem_open(struct tf_mem_out **m)
{
	*m = calloc(1, sizeof(**m));
	assert_non_null(*m);
	FILE *o = open_memstream(&(*m)->buf, &(*m)->len);
	assert_non_null(o);
	return o;
}

char *tf_mem_close(struct tf_mem_out *m, FILE *o)
{
	fclose(o);
	char *text = m->buf;
	free(m);
	return text;
}

int tf_fx_setup(void **state)
{
	struct tf_fx *x = calloc(1, sizeof(*x));
	assert_non_null(x);
	tf_analyzer(&x->an, NULL);
	tf_conn_init(&x->c, &x->an, "10.0.0.1", 40000, "10.0.0.2", 80);
	*state = x;
	return 0;
}

int tf_fx_teardown(void **state)
{
	struct tf_fx *x = *state;
	ts_analyzer_free(&x->an);
	free(x);
	return 0;
}
