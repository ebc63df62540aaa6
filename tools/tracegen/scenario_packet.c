/* \summary: tracegen: parse one packet line into a TCP segment and emit it */
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define TG_DEFAULT_WIN 64240
#define TG_DEFAULT_TTL 64

/* What a packet line asked for beyond the segment itself. */
struct tg_pkt_req {
	struct tg_seg seg;
	bool has_seq, has_ack, has_ipid;
	int64_t rseq, rack, back;   /* -1 = not given */
	uint32_t caplen;
	int64_t dup_after_ns;
	bool lost, nocap;
};

static const char tcp_flag_letters[] = "FSRPAUEC";

static int parse_flags(const char *s, uint8_t *out)
{
	uint8_t f = 0;

	if (strcmp(s, ".") == 0) {
		*out = 0;
		return 0;
	}
	for (; *s; s++) {
		const char *p = strchr(tcp_flag_letters, *s);
		if (p == NULL)
			return -1;
		f |= (uint8_t)(1u << (p - tcp_flag_letters));
	}
	*out = f;
	return 0;
}

static int parse_u32(const char *v, uint32_t max, uint32_t *out)
{
	uint64_t x;

	if (tg_parse_u64(v, max, &x) < 0)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

/* "a,b" -> two numbers */
static int parse_pair(const char *v, char sep, uint32_t *a, uint32_t *b)
{
	char tmp[64];
	char *mid;

	if (strlen(v) >= sizeof tmp)
		return -1;
	strcpy(tmp, v);
	mid = strchr(tmp, sep);
	if (mid == NULL)
		return -1;
	*mid++ = '\0';
	return parse_u32(tmp, UINT32_MAX, a) < 0 ||
	       parse_u32(mid, UINT32_MAX, b) < 0 ? -1 : 0;
}

/* "L-R,L-R" (up to 4 blocks), each edge plus base */
static int parse_sack(const char *v, uint32_t base, uint32_t *edges, size_t *n)
{
	char tmp[256];
	char *save = NULL, *blk;

	if (strlen(v) >= sizeof tmp)
		return -1;
	strcpy(tmp, v);
	*n = 0;
	for (blk = strtok_r(tmp, ",", &save); blk; blk = strtok_r(NULL, ",", &save)) {
		uint32_t l, r;
		if (*n == 8 || parse_pair(blk, '-', &l, &r) < 0)
			return -1;
		edges[(*n)++] = base + l;
		edges[(*n)++] = base + r;
	}
	return *n ? 0 : -1;
}

static int parse_ext6(const char *v, struct tg_seg *s)
{
	char tmp[64];
	char *save = NULL, *e;

	if (strlen(v) >= sizeof tmp)
		return -1;
	strcpy(tmp, v);
	for (e = strtok_r(tmp, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		uint8_t t;
		if (strcmp(e, "hop") == 0)
			t = TG_EXT6_HOP;
		else if (strcmp(e, "route") == 0)
			t = TG_EXT6_ROUTE;
		else if (strcmp(e, "dest") == 0)
			t = TG_EXT6_DEST;
		else
			return -1;
		if (s->n_ext6 == TG_MAX_EXT6)
			return -1;
		s->ext6[s->n_ext6++] = t;
	}
	return 0;
}

/* Named malformed options; each appends bytes a decoder must reject. */
static int add_badopt(const char *v, struct tg_seg *s)
{
	static const struct {
		const char *name;
		uint8_t bytes[4];
		size_t n;
	} kinds[] = {
		{ "len0", { 2, 0 }, 2 },               /* length below 2: loops forever if trusted */
		{ "len1", { 3, 1 }, 2 },
		{ "mss-len3", { 2, 3, 5 }, 3 },        /* MSS must be 4 long */
		{ "overrun", { 8, 10, 0, 0 }, 4 },     /* runs past the header end */
	};
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(v, kinds[i].name) == 0)
			return tg_opt_raw(s->opts, &s->optlen, kinds[i].bytes, kinds[i].n);
	return -1;
}

static int parse_frag(const char *v, struct tg_seg *s)
{
	uint32_t size;

	if (strcmp(v, "first") == 0)
		s->frag = TG_FRAG_FIRST;
	else if (strcmp(v, "later") == 0)
		s->frag = TG_FRAG_LATER;
	else if (parse_u32(v, 65528, &size) == 0 && size >= 8 && size % 8 == 0) {
		s->frag = TG_FRAG_SPLIT;
		s->frag_size = (uint16_t)size;
	} else
		return -1;
	return 0;
}

/* "2,0,1": the pieces of a split datagram in the order they are sent */
static int parse_frag_order(const char *v, struct tg_seg *s)
{
	char tmp[256];
	char *save = NULL, *e;
	uint32_t a;

	if (strlen(v) >= sizeof tmp)
		return -1;
	strcpy(tmp, v);
	s->n_frag_order = 0;
	for (e = strtok_r(tmp, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		if (s->n_frag_order == TG_MAX_FRAGS || parse_u32(e, TG_MAX_FRAGS - 1, &a) < 0)
			return -1;
		s->frag_order[s->n_frag_order++] = (uint8_t)a;
	}
	return s->n_frag_order ? 0 : -1;
}

/* One "key=value" or keyword token. */
static int parse_token(char *t, struct tg_pkt_req *r, const struct tg_half *peer,
                       char msg[TG_MSG_SIZE])
{
	struct tg_seg *s = &r->seg;
	char *v = strchr(t, '=');
	uint32_t a = 0, b = 0, edges[8];
	uint64_t x;
	size_t n;
	int bad = 0;

	if (v != NULL)
		*v++ = '\0';
	if (v == NULL) {
		if (strcmp(t, "sackok") == 0)
			bad = tg_opt_sackok(s->opts, &s->optlen);
		else if (strcmp(t, "nop") == 0)
			bad = tg_opt_raw(s->opts, &s->optlen, (const uint8_t *)"\1", 1);
		else if (strcmp(t, "eol") == 0)
			bad = tg_opt_raw(s->opts, &s->optlen, (const uint8_t *)"\0", 1);
		else if (strcmp(t, "lost") == 0)
			r->lost = true;
		else if (strcmp(t, "nocap") == 0)
			r->nocap = true;
		else if (strcmp(t, "tso") == 0)
			; /* documentation only: len= may exceed the MSS */
		else if (strcmp(t, "iplen0") == 0)
			s->iplen0 = true;
		else if (strcmp(t, "jumbo") == 0)
			s->jumbo = true;
		else {
			snprintf(msg, TG_MSG_SIZE, "unknown word '%s'", t);
			return -1;
		}
		if (bad)
			snprintf(msg, TG_MSG_SIZE, "TCP options exceed 40 bytes at '%s'", t);
		return bad ? -1 : 0;
	}
	if (strcmp(t, "seq") == 0) {
		bad = parse_u32(v, UINT32_MAX, &s->seq);
		r->has_seq = true;
	} else if (strcmp(t, "ack") == 0) {
		bad = parse_u32(v, UINT32_MAX, &s->ack);
		r->has_ack = true;
	} else if (strcmp(t, "rseq") == 0 || strcmp(t, "rack") == 0 ||
	           strcmp(t, "back") == 0) {
		bad = tg_parse_u64(v, UINT32_MAX, &x);
		if (t[0] == 'b')
			r->back = (int64_t)x;
		else if (t[1] == 's')
			r->rseq = (int64_t)x;
		else
			r->rack = (int64_t)x;
	} else if (strcmp(t, "win") == 0) {
		bad = parse_u32(v, 65535, &a);
		s->win = (uint16_t)a;
	} else if (strcmp(t, "urp") == 0) {
		bad = parse_u32(v, 65535, &a);
		s->urp = (uint16_t)a;
	} else if (strcmp(t, "len") == 0) {
		bad = parse_u32(v, TG_MAX_FRAME - 200, &s->payload_len);
	} else if (strcmp(t, "ipid") == 0) {
		bad = parse_u32(v, 65535, &a);
		s->ipid = (uint16_t)a;
		r->has_ipid = true;
	} else if (strcmp(t, "ttl") == 0) {
		bad = parse_u32(v, 255, &a);
		s->ttl = (uint8_t)a;
	} else if (strcmp(t, "mss") == 0) {
		bad = parse_u32(v, 65535, &a) < 0 ||
		      tg_opt_mss(s->opts, &s->optlen, (uint16_t)a) < 0;
	} else if (strcmp(t, "ws") == 0) {
		bad = parse_u32(v, 255, &a) < 0 ||
		      tg_opt_wscale(s->opts, &s->optlen, (uint8_t)a) < 0;
	} else if (strcmp(t, "ts") == 0) {
		bad = parse_pair(v, ',', &a, &b) < 0 ||
		      tg_opt_timestamps(s->opts, &s->optlen, a, b) < 0;
	} else if (strcmp(t, "sack") == 0 || strcmp(t, "rsack") == 0) {
		bad = parse_sack(v, t[0] == 'r' ? peer->isn : 0, edges, &n) < 0 ||
		      tg_opt_sack(s->opts, &s->optlen, edges, n) < 0;
	} else if (strcmp(t, "opt") == 0) {
		uint8_t raw[TG_MAX_TCP_OPTS];
		bad = tg_parse_hex(v, raw, sizeof raw, &n) < 0 ||
		      tg_opt_raw(s->opts, &s->optlen, raw, n) < 0;
	} else if (strcmp(t, "badopt") == 0) {
		bad = add_badopt(v, s);
	} else if (strcmp(t, "doff") == 0) {
		bad = parse_u32(v, 15, &a);
		s->doff = (int)a;
	} else if (strcmp(t, "frag") == 0) {
		bad = parse_frag(v, s);
	} else if (strcmp(t, "fragoff") == 0) {
		bad = parse_u32(v, 65528, &a) < 0 || a % 8 != 0;
		s->frag_offset = (uint16_t)a;
	} else if (strcmp(t, "fragorder") == 0) {
		bad = parse_frag_order(v, s);
	} else if (strcmp(t, "fragovl") == 0 || strcmp(t, "fragovldiff") == 0) {
		bad = parse_u32(v, 65528, &a) < 0 || a % 8 != 0 || a == 0;
		s->frag_overlap = (uint16_t)a;
		s->frag_overlap_differs = t[7] == 'd';
	} else if (strcmp(t, "ext6") == 0) {
		bad = parse_ext6(v, s);
	} else if (strcmp(t, "caplen") == 0) {
		bad = parse_u32(v, TG_MAX_FRAME, &r->caplen) < 0 || r->caplen == 0;
	} else if (strcmp(t, "dup") == 0) {
		bad = tg_parse_seconds_ns(v, &r->dup_after_ns);
	} else {
		snprintf(msg, TG_MSG_SIZE, "unknown key '%s'", t);
		return -1;
	}
	if (bad)
		snprintf(msg, TG_MSG_SIZE, "bad value for %s: '%s'", t, v);
	return bad ? -1 : 0;
}

int tg_scenario_packet(struct tg_scenario *sc, char **tok, size_t ntok,
                       char msg[TG_MSG_SIZE])
{
	char name[TG_NAME_MAX];
	size_t len = strlen(tok[0]), i;
	bool from_client;
	struct tg_flow *f;
	struct tg_half *snd, *peer;
	struct tg_pkt_req r;
	char errbuf[TG_ERRBUF_SIZE];

	if (len < 2 || len > TG_NAME_MAX) {
		snprintf(msg, TG_MSG_SIZE, "bad flow reference '%s'", tok[0]);
		return -1;
	}
	from_client = tok[0][len - 1] == '>';
	memcpy(name, tok[0], len - 1);
	name[len - 1] = '\0';
	f = tg_flows_find(&sc->flows, name);
	if (f == NULL) {
		snprintf(msg, TG_MSG_SIZE, "unknown flow '%s'", name);
		return -1;
	}
	snd = from_client ? &f->c2s : &f->s2c;
	peer = from_client ? &f->s2c : &f->c2s;
	memset(&r, 0, sizeof r);
	if (ntok < 2 || parse_flags(tok[1], &r.seg.flags) < 0) {
		snprintf(msg, TG_MSG_SIZE,
		         "expected TCP flags (letters of SAFRPUEC, or '.') after %s",
		         tok[0]);
		return -1;
	}
	r.seg.win = TG_DEFAULT_WIN;
	r.seg.ttl = TG_DEFAULT_TTL;
	r.seg.doff = -1;
	r.rseq = r.rack = r.back = -1;
	r.dup_after_ns = -1;
	for (i = 2; i < ntok; i++)
		if (parse_token(tok[i], &r, peer, msg) < 0)
			return -1;

	if (r.rseq >= 0)
		r.seg.seq = snd->isn + (uint32_t)r.rseq;
	else if (r.back >= 0)
		r.seg.seq = snd->next - (uint32_t)r.back;
	else if (!r.has_seq)
		r.seg.seq = snd->next;
	if (r.rack >= 0)
		r.seg.ack = peer->isn + (uint32_t)r.rack;
	else if (!r.has_ack)
		r.seg.ack = (r.seg.flags & TG_TCP_ACK) ? peer->rcv : 0;
	if (!r.has_ipid)
		r.seg.ipid = snd->ipid;
	snd->ipid++;

	if (r.seg.frag == TG_FRAG_LATER && r.seg.frag_offset == 0)
		r.seg.frag_offset = 1480;  /* the second fragment of a 1500 MTU */
	if (f->client.family == 6 && r.seg.frag != TG_FRAG_NONE &&
	    (r.seg.frag != TG_FRAG_SPLIT || r.seg.n_ext6 || r.seg.jumbo)) {
		snprintf(msg, TG_MSG_SIZE, "IPv6 takes frag=SIZE only, without ext6= or jumbo");
		return -1;
	}
	if ((r.seg.n_frag_order || r.seg.frag_overlap) && r.seg.frag != TG_FRAG_SPLIT) {
		snprintf(msg, TG_MSG_SIZE, "fragorder= and fragovl= need frag=SIZE");
		return -1;
	}
	if (r.seg.frag_overlap > r.seg.frag_size) {
		snprintf(msg, TG_MSG_SIZE, "fragovl= is larger than the fragment size");
		return -1;
	}
	if (r.seg.jumbo && f->client.family != 6) {
		snprintf(msg, TG_MSG_SIZE, "jumbo is for IPv6 flows");
		return -1;
	}
	if ((r.seg.iplen0 || r.seg.jumbo) && r.seg.frag != TG_FRAG_NONE) {
		snprintf(msg, TG_MSG_SIZE, "iplen0 and jumbo are whole super-segments, not fragments");
		return -1;
	}
	if (f->client.family == 4 && r.seg.n_ext6) {
		snprintf(msg, TG_MSG_SIZE, "ext6= is for IPv6 flows");
		return -1;
	}
	tg_half_sent(snd, &r.seg, !r.lost);
	/* An explicit ACK says what the peer's data reached: adopt it, so that
	 * later auto values continue from there (the receiver keeps no
	 * out-of-order queue of its own). */
	if ((r.has_ack || r.rack >= 0) && (r.seg.flags & TG_TCP_ACK))
		tg_half_acked(peer, r.seg.ack);
	if (r.nocap)
		return 0;
	if (tg_scenario_check_time(sc, msg) < 0 || tg_scenario_writer(sc, msg) < 0)
		return -1;
	/* Encapsulated flows, mirrored ones and NFLOG records (which hold the
	 * payload length up front) are built inside out. */
	bool wrapped = f->encap.n || f->mirror.n || sc->fr->link.kind == TG_LINK_NFLOG;
	if (wrapped ? tg_framer_emit_wrapped(sc->fr, sc->now_ns, from_client,
	                                     from_client ? &f->client : &f->server,
	                                     from_client ? &f->server : &f->client, &r.seg, r.caplen,
	                                     r.dup_after_ns, &f->encap, f->mirror.n ? &f->mirror : NULL,
	                                     f->mirror_after_ns, errbuf) < 0
	            : tg_framer_emit(sc->fr, sc->now_ns, from_client,
	                             from_client ? &f->client : &f->server,
	                             from_client ? &f->server : &f->client,
	                             &r.seg, r.caplen, r.dup_after_ns, errbuf) < 0) {
		snprintf(msg, TG_MSG_SIZE, "%.250s", errbuf);
		return -1;
	}
	return 0;
}
