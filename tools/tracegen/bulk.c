/* \summary: tracegen: fast benchmark traffic: many interleaved bulk flows, many short connections */
#include <stdlib.h>
#include <string.h>

#include "tracegen.h"

#define TG_BULK_SERVER_IP 0xc000020aU   /* 192.0.2.10 */
#define TG_BULK_CLIENT_NET 0xc6120000U  /* 198.18.0.0/15, RFC 2544 benchmarking */
#define TG_BULK_CLIENT_HOSTS 131070u
#define TG_SHORT_CLIENT_HOSTS 16u
#define TG_PORT_FIRST 1024u
#define TG_PORT_COUNT 64000u
#define TG_GAP_NS 10000                 /* 10 us between packets, plus up to as much again */

/* One connection in progress: what it will send next. */
struct tg_conn {
	uint64_t index;
	uint32_t n;          /* packets in its script */
	uint32_t pos;        /* next packet */
	uint32_t cnext, snext;
	uint32_t last_seq;   /* last data segment sent (for a retransmission) */
	bool has_data, refused;
	struct tg_addr client, server;
};

/* The connection scheduler shared by both generators. */
struct tg_sched {
	struct tg_conn *slots;
	uint64_t active, started, total;
	uint64_t rng;
};

void tg_bulk_opts_default(struct tg_bulk_opts *o)
{
	memset(o, 0, sizeof *o);
	o->flows = 100;
	o->packets = 100000;
	o->seed = 1;
	o->concurrent = 1000;
	o->segment = 1460;
	o->gap_ns = TG_GAP_NS;
}

void tg_short_opts_default(struct tg_short_opts *o)
{
	memset(o, 0, sizeof *o);
	o->connections = 1000;
	o->refused_permille = 800;
	o->concurrent = 100;
	o->seed = 1;
	o->gap_ns = TG_GAP_NS;
}

static void set_v4(struct tg_addr *a, uint32_t ip, uint16_t port)
{
	memset(a, 0, sizeof *a);
	a->family = 4;
	a->ip[0] = (uint8_t)(ip >> 24);
	a->ip[1] = (uint8_t)(ip >> 16);
	a->ip[2] = (uint8_t)(ip >> 8);
	a->ip[3] = (uint8_t)ip;
	a->port = port;
}

static void seg_init(struct tg_seg *s, uint8_t flags, uint32_t seq, uint32_t ack)
{
	memset(s, 0, sizeof *s);
	s->flags = flags;
	s->seq = seq;
	s->ack = ack;
	s->win = 64240;
	s->ttl = 64;
	s->doff = -1;
}

static void syn_options(struct tg_seg *s)
{
	tg_opt_mss(s->opts, &s->optlen, 1460);
	tg_opt_sackok(s->opts, &s->optlen);
	tg_opt_raw(s->opts, &s->optlen, (const uint8_t *)"\1", 1);
	tg_opt_wscale(s->opts, &s->optlen, 7);
}

static int sched_init(struct tg_sched *sc, uint64_t total, uint64_t concurrent,
                      uint64_t seed, char errbuf[TG_ERRBUF_SIZE])
{
	uint64_t slots = concurrent == 0 ? 1 : concurrent;

	if (slots > total)
		slots = total ? total : 1;
	memset(sc, 0, sizeof *sc);
	sc->slots = calloc(slots, sizeof *sc->slots);
	if (sc->slots == NULL) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	sc->total = total;
	sc->rng = seed;
	return 0;
}

/* ---- bulk: handshake, data with duplicates, four-way close ---- */

/*
 * Script of n packets: S, SA, A, then alternating client data / server ACK,
 * then FA (client), A, FA (server), A. Scripts under 7 packets are the first
 * n of S SA A FA A FA A.
 */
static void bulk_packet(const struct tg_bulk_opts *o, struct tg_conn *c,
                        uint64_t *rng, struct tg_seg *s, bool *from_client)
{
	uint32_t p = c->pos, n = c->n, mid;
	const uint32_t close_at = n >= 7 ? n - 4 : 3;

	*from_client = true;
	if (p == 0) {
		seg_init(s, TG_TCP_SYN, c->cnext - 1, 0);
		syn_options(s);
		return;
	}
	if (p == 1) {
		*from_client = false;
		seg_init(s, TG_TCP_SYN | TG_TCP_ACK, c->snext - 1, c->cnext);
		syn_options(s);
		return;
	}
	if (p == 2) {
		seg_init(s, TG_TCP_ACK, c->cnext, c->snext);
		return;
	}
	if (p < close_at) {
		mid = p - 3;
		if (mid % 2 == 1) {
			*from_client = false;
			seg_init(s, TG_TCP_ACK, c->snext, c->cnext);
			return;
		}
		if (c->has_data && tg_rng_next(rng) % 1000 < o->retx_permille) {
			seg_init(s, TG_TCP_PSH | TG_TCP_ACK, c->last_seq, c->snext);
		} else {
			seg_init(s, TG_TCP_PSH | TG_TCP_ACK, c->cnext, c->snext);
			c->last_seq = c->cnext;
			c->cnext += o->segment;
			c->has_data = true;
		}
		s->payload_len = o->segment;
		return;
	}
	switch (p - close_at) {
	case 0:
		seg_init(s, TG_TCP_FIN | TG_TCP_ACK, c->cnext++, c->snext);
		return;
	case 1:
		*from_client = false;
		seg_init(s, TG_TCP_ACK, c->snext, c->cnext);
		return;
	case 2:
		*from_client = false;
		seg_init(s, TG_TCP_FIN | TG_TCP_ACK, c->snext++, c->cnext);
		return;
	default:
		seg_init(s, TG_TCP_ACK, c->cnext, c->snext);
		return;
	}
}

static void bulk_start(struct tg_sched *sc, const struct tg_bulk_opts *o,
                       struct tg_conn *c)
{
	uint64_t i = sc->started++;
	uint64_t per = o->packets / o->flows, extra = o->packets % o->flows;

	memset(c, 0, sizeof *c);
	c->index = i;
	c->n = (uint32_t)(per + (i < extra ? 1 : 0));
	c->cnext = (uint32_t)tg_rng_next(&sc->rng) + 1;
	c->snext = (uint32_t)tg_rng_next(&sc->rng) + 1;
	set_v4(&c->client, TG_BULK_CLIENT_NET + 1 + (uint32_t)(i % TG_BULK_CLIENT_HOSTS),
	       (uint16_t)(TG_PORT_FIRST + (i / TG_BULK_CLIENT_HOSTS) % TG_PORT_COUNT));
	set_v4(&c->server, TG_BULK_SERVER_IP, 80);
}

/* ---- short: mostly refused attempts, the rest a tiny exchange ---- */

static void short_packet(struct tg_conn *c, struct tg_seg *s, bool *from_client)
{
	*from_client = true;
	switch (c->pos) {
	case 0:
		seg_init(s, TG_TCP_SYN, c->cnext - 1, 0);
		syn_options(s);
		return;
	case 1:
		*from_client = false;
		if (c->refused) {
			seg_init(s, TG_TCP_RST | TG_TCP_ACK, 0, c->cnext);
			s->win = 0;
			return;
		}
		seg_init(s, TG_TCP_SYN | TG_TCP_ACK, c->snext - 1, c->cnext);
		syn_options(s);
		return;
	case 2:
		seg_init(s, TG_TCP_ACK, c->cnext, c->snext);
		return;
	case 3:
		seg_init(s, TG_TCP_PSH | TG_TCP_ACK, c->cnext, c->snext);
		s->payload_len = 100;
		c->cnext += 100;
		return;
	case 4:
		*from_client = false;
		seg_init(s, TG_TCP_PSH | TG_TCP_ACK, c->snext, c->cnext);
		s->payload_len = 300;
		c->snext += 300;
		return;
	case 5:
		seg_init(s, TG_TCP_FIN | TG_TCP_ACK, c->cnext++, c->snext);
		return;
	case 6:
		*from_client = false;
		seg_init(s, TG_TCP_FIN | TG_TCP_ACK, c->snext++, c->cnext);
		return;
	default:
		seg_init(s, TG_TCP_ACK, c->cnext, c->snext);
		return;
	}
}

static void short_start(struct tg_sched *sc, const struct tg_short_opts *o,
                        struct tg_conn *c)
{
	uint64_t i = sc->started++;

	memset(c, 0, sizeof *c);
	c->index = i;
	c->refused = tg_rng_next(&sc->rng) % 1000 < o->refused_permille;
	c->n = c->refused ? 2 : 8;
	c->cnext = (uint32_t)tg_rng_next(&sc->rng) + 1;
	c->snext = (uint32_t)tg_rng_next(&sc->rng) + 1;
	/* Few clients, ports counting up: how a connection-heavy client looks. */
	set_v4(&c->client, TG_BULK_CLIENT_NET + 1 + (uint32_t)(i % TG_SHORT_CLIENT_HOSTS),
	       (uint16_t)(TG_PORT_FIRST + (i / TG_SHORT_CLIENT_HOSTS) % TG_PORT_COUNT));
	set_v4(&c->server, TG_BULK_SERVER_IP, 80);
}

/* ---- the shared loop ---- */

struct tg_gen {
	const struct tg_bulk_opts *bulk;    /* one of the two is set */
	const struct tg_short_opts *shrt;
};

static void gen_start(struct tg_sched *sc, const struct tg_gen *g, struct tg_conn *c)
{
	if (g->bulk)
		bulk_start(sc, g->bulk, c);
	else
		short_start(sc, g->shrt, c);
}

static int gen_run(const struct tg_gen *g, struct tg_framer *f, uint64_t total,
                   uint64_t concurrent, uint64_t seed, uint64_t gap_ns, int64_t *ts_ns,
                   char errbuf[TG_ERRBUF_SIZE])
{
	struct tg_sched sc;
	struct tg_seg s;
	int64_t t = *ts_ns;
	int rc = 0;

	if (total == 0)
		return 0;
	if (sched_init(&sc, total, concurrent, seed, errbuf) < 0)
		return -1;
	while (sc.active < total && sc.active < (concurrent ? concurrent : 1))
		gen_start(&sc, g, &sc.slots[sc.active++]);
	while (sc.active > 0) {
		uint64_t r = tg_rng_next(&sc.rng);
		struct tg_conn *c = &sc.slots[r % sc.active];
		bool from_client;

		if (c->pos < c->n) {
			if (g->bulk)
				bulk_packet(g->bulk, c, &sc.rng, &s, &from_client);
			else
				short_packet(c, &s, &from_client);
			t += (int64_t)gap_ns + (int64_t)((r >> 32) % gap_ns);
			rc = tg_framer_emit(f, t, from_client,
			                    from_client ? &c->client : &c->server,
			                    from_client ? &c->server : &c->client,
			                    &s, 0, -1, errbuf);
			if (rc < 0)
				break;
			c->pos++;
		}
		if (c->pos >= c->n) {
			if (sc.started < total)
				gen_start(&sc, g, c);
			else
				*c = sc.slots[--sc.active];
		}
	}
	free(sc.slots);
	*ts_ns = t;
	return rc;
}

int tg_bulk_write(struct tg_framer *f, const struct tg_bulk_opts *o,
                  int64_t *ts_ns, char errbuf[TG_ERRBUF_SIZE])
{
	struct tg_gen g = { o, NULL };

	if (o->flows == 0 || o->segment == 0 || o->segment > 9000) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "bulk: need FLOWS >= 1 and a segment of 1-9000 bytes");
		return -1;
	}
	if (o->packets / o->flows > UINT32_MAX - 1) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "bulk: too many packets per flow");
		return -1;
	}
	return gen_run(&g, f, o->flows, o->concurrent, o->seed, o->gap_ns ? o->gap_ns : 1, ts_ns, errbuf);
}

int tg_short_write(struct tg_framer *f, const struct tg_short_opts *o,
                   int64_t *ts_ns, char errbuf[TG_ERRBUF_SIZE])
{
	struct tg_gen g = { NULL, o };

	return gen_run(&g, f, o->connections, o->concurrent, o->seed, o->gap_ns ? o->gap_ns : 1, ts_ns, errbuf);
}
