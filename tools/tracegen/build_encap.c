/* \summary: tracegen: encapsulation layers (VLAN, MPLS, PPPoE, GRE, ERSPAN, VXLAN, GENEVE, GTP-U, Teredo, IP in IP ...) */
#include <stdlib.h>
#include <string.h>

#include "tracegen.h"

#define ET_IPV4       0x0800
#define ET_IPV6       0x86dd
#define ET_VLAN       0x8100
#define ET_QINQ       0x88a8
#define ET_MPLS       0x8847
#define ET_PPPOE      0x8864
#define ET_VNTAG      0x8926
#define ET_FABRICPATH 0x8903
#define ET_TEB        0x6558 /* an Ethernet frame follows */
#define ET_ERSPAN2    0x88be
#define ET_ERSPAN3    0x22eb
#define ET_WCCP       0x883e

static const struct {
	const char *name;
	enum tg_encap_kind kind;
	int args; /* numbers after ':' it may take */
} encap_names[] = {
	{ "vlan", TG_ENC_VLAN, 1 },         { "qinq", TG_ENC_QINQ, 1 },
	{ "mpls", TG_ENC_MPLS, 1 },         { "pwcw", TG_ENC_PWCW, 0 },
	{ "pppoe", TG_ENC_PPPOE, 1 },       { "vntag", TG_ENC_VNTAG, 0 },
	{ "fabricpath", TG_ENC_FABRICPATH, 0 },
	{ "gre", TG_ENC_GRE, 1 },           { "gre-seq", TG_ENC_GRE_SEQ, 1 },
	{ "gre-csum", TG_ENC_GRE_CSUM, 1 }, { "wccp", TG_ENC_WCCP, 0 },
	{ "erspan1", TG_ENC_ERSPAN1, 0 },   { "erspan2", TG_ENC_ERSPAN2, 1 },
	{ "erspan3", TG_ENC_ERSPAN3, 1 },   { "vxlan", TG_ENC_VXLAN, 2 },
	{ "geneve", TG_ENC_GENEVE, 1 },     { "gtpu", TG_ENC_GTPU, 1 },
	{ "teredo", TG_ENC_TEREDO, 0 },     { "ipip", TG_ENC_IPIP, 0 },
	{ "ip6ip", TG_ENC_IP6IP, 0 },     { "pptp", TG_ENC_PPTP, 1 },
};

int tg_encap_parse(struct tg_encap *e, char **tok, size_t n, char *msg, size_t msglen)
{
	e->n = 0;
	for (size_t i = 0; i < n; i++) {
		char name[32];
		const char *colon = strchr(tok[i], ':');
		size_t len = colon ? (size_t)(colon - tok[i]) : strlen(tok[i]);
		size_t k;

		if (e->n == TG_MAX_ENCAP) {
			snprintf(msg, msglen, "more than %d encapsulation layers", TG_MAX_ENCAP);
			return -1;
		}
		if (len >= sizeof name) {
			snprintf(msg, msglen, "unknown encapsulation '%s'", tok[i]);
			return -1;
		}
		memcpy(name, tok[i], len);
		name[len] = '\0';
		for (k = 0; k < sizeof encap_names / sizeof encap_names[0]; k++)
			if (strcmp(name, encap_names[k].name) == 0)
				break;
		if (k == sizeof encap_names / sizeof encap_names[0]) {
			snprintf(msg, msglen,
			         "unknown encapsulation '%s' (vlan:ID qinq:ID mpls:LABEL pwcw pppoe:SID vntag "
			         "fabricpath gre[:KEY] gre-seq[:KEY] gre-csum[:KEY] wccp erspan1 erspan2[:SID] "
			         "erspan3[:SID] vxlan:VNI[:PORT] geneve:VNI gtpu:TEID teredo ipip ip6ip pptp:CALLID)",
			         name);
			return -1;
		}
		struct tg_encap_layer *l = &e->v[e->n];
		memset(l, 0, sizeof(*l));
		l->kind = encap_names[k].kind;
		const char *p = colon;
		for (int a = 0; p && a < 2; a++) {
			uint64_t v;
			char num[24];
			const char *end = strchr(p + 1, ':');
			size_t nl = end ? (size_t)(end - p - 1) : strlen(p + 1);
			if (a >= encap_names[k].args || nl >= sizeof num) {
				snprintf(msg, msglen, "%s takes %d number(s)", name, encap_names[k].args);
				return -1;
			}
			memcpy(num, p + 1, nl);
			num[nl] = '\0';
			if (tg_parse_u64(num, UINT32_MAX, &v) < 0) {
				snprintf(msg, msglen, "bad number '%s' in '%s'", num, tok[i]);
				return -1;
			}
			l->arg[a] = (uint32_t)v;
			l->has_arg[a] = true;
			p = end;
		}
		if (p) {
			snprintf(msg, msglen, "%s takes %d number(s)", name, encap_names[k].args);
			return -1;
		}
		e->n++;
	}
	return 0;
}

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

/* The packet being wrapped: bytes at buf[off .. off+len), headers go before. */
struct wrap {
	uint8_t *buf;
	size_t off, len;
	uint16_t type;     /* ethertype of what starts at off */
	bool from_client;
	uint16_t ipid;
};

static uint8_t *prepend(struct wrap *w, size_t n)
{
	w->off -= n;
	w->len += n;
	return w->buf + w->off;
}

static const uint8_t mac_client[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_server[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static void to_ethernet(struct wrap *w)
{
	if (w->type == ET_TEB)
		return;
	uint8_t *h = prepend(w, 14);
	memcpy(h, w->from_client ? mac_server : mac_client, 6);
	memcpy(h + 6, w->from_client ? mac_client : mac_server, 6);
	put16(h + 12, w->type);
	w->type = ET_TEB;
}

/* Outer IPv4 between the tunnel endpoints 10.255.0.1 (client side) and .2. */
static void outer_ipv4(struct wrap *w, uint8_t proto)
{
	uint8_t *h = prepend(w, 20);
	memset(h, 0, 20);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)w->len);
	put16(h + 4, w->ipid);
	h[8] = 64;
	h[9] = proto;
	uint8_t a[4] = { 10, 255, 0, 1 }, b[4] = { 10, 255, 0, 2 };
	memcpy(h + 12, w->from_client ? a : b, 4);
	memcpy(h + 16, w->from_client ? b : a, 4);
	tg_ipv4_checksum(h, 20);
	w->type = ET_IPV4;
}

static void outer_ipv6(struct wrap *w, uint8_t proto)
{
	uint8_t *h = prepend(w, 40);
	memset(h, 0, 40);
	h[0] = 0x60;
	put16(h + 4, (uint16_t)(w->len - 40));
	h[6] = proto;
	h[7] = 64;
	uint8_t a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, b[16];
	memcpy(b, a, 16);
	b[15] = 2;
	memcpy(h + 8, w->from_client ? a : b, 16);
	memcpy(h + 24, w->from_client ? b : a, 16);
	w->type = ET_IPV6;
}

/* UDP without a checksum (allowed over IPv4), then the outer IPv4. */
static void outer_udp(struct wrap *w, uint16_t sport, uint16_t dport)
{
	uint8_t *h = prepend(w, 8);
	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, (uint16_t)w->len);
	put16(h + 6, 0);
	outer_ipv4(w, 17);
}

static void gre(struct wrap *w, uint16_t proto, bool key, uint32_t keyval, bool seq, bool csum)
{
	size_t n = 4 + (csum ? 4 : 0) + (key ? 4 : 0) + (seq ? 4 : 0);
	uint8_t *h = prepend(w, n);
	uint16_t flags = (uint16_t)((csum ? 0x8000 : 0) | (key ? 0x2000 : 0) | (seq ? 0x1000 : 0));
	size_t o = 4;

	put16(h, flags);
	put16(h + 2, proto);
	if (csum) {
		put32(h + o, 0);
		o += 4;
	}
	if (key) {
		put32(h + o, keyval);
		o += 4;
	}
	if (seq)
		put32(h + o, w->ipid);
	if (csum) {
		uint16_t c = tg_sum_fold(tg_sum_add(0, h, w->len));
		put16(h + 4, c);
	}
	outer_ipv4(w, 47);
}

static int is_ip(uint16_t type)
{
	return type == ET_IPV4 || type == ET_IPV6;
}

static int wrap_one(struct wrap *w, const struct tg_encap_layer *l, char *err, size_t errlen)
{
	uint8_t *h;

	switch (l->kind) {
	case TG_ENC_VLAN:
	case TG_ENC_QINQ:
		h = prepend(w, 4);
		put16(h, (uint16_t)(l->arg[0] & 0x0fff));
		put16(h + 2, w->type);
		w->type = l->kind == TG_ENC_VLAN ? ET_VLAN : ET_QINQ;
		return 0;
	case TG_ENC_MPLS: {
		bool bottom = w->type != ET_MPLS;
		if (bottom && !is_ip(w->type) && w->type != ET_TEB) {
			snprintf(err, errlen, "mpls must carry IP, pwcw or another label");
			return -1;
		}
		h = prepend(w, 4);
		put32(h, (l->arg[0] & 0xfffff) << 12 | (bottom ? 0x100u : 0) | 64);
		w->type = ET_MPLS;
		return 0;
	}
	case TG_ENC_PWCW:
		to_ethernet(w);
		h = prepend(w, 4);
		put32(h, 0); /* RFC 4385 control word, sequence 0 */
		return 0;
	case TG_ENC_PPPOE:
		if (!is_ip(w->type)) {
			snprintf(err, errlen, "pppoe must carry IP");
			return -1;
		}
		h = prepend(w, 8);
		h[0] = 0x11;
		h[1] = 0x00;
		put16(h + 2, (uint16_t)l->arg[0]);
		put16(h + 4, (uint16_t)(w->len - 6));
		put16(h + 6, w->type == ET_IPV4 ? 0x0021 : 0x0057);
		w->type = ET_PPPOE;
		return 0;
	case TG_ENC_VNTAG:
		h = prepend(w, 6);
		put32(h, 0x80010002u); /* direction bit, destination vif 1, source vif 2 */
		put16(h + 4, w->type);
		w->type = ET_VNTAG;
		return 0;
	case TG_ENC_FABRICPATH:
		to_ethernet(w);
		/* The switch copies the frame with its FCS (not checked by readers). */
		memset(w->buf + w->off + w->len, 0, 4);
		w->len += 4;
		h = prepend(w, 2);
		put16(h, 0x0401); /* FTag 1, TTL 1 */
		w->type = ET_FABRICPATH;
		return 0;
	case TG_ENC_GRE:
	case TG_ENC_GRE_SEQ:
	case TG_ENC_GRE_CSUM:
		/* Tagged frames cross GRE as Ethernet (transparent bridging). */
		if (w->type == ET_VLAN || w->type == ET_QINQ || w->type == ET_VNTAG)
			to_ethernet(w);
		gre(w, w->type, l->has_arg[0], l->arg[0], l->kind == TG_ENC_GRE_SEQ,
		    l->kind == TG_ENC_GRE_CSUM);
		return 0;
	case TG_ENC_WCCP:
		if (w->type != ET_IPV4) {
			snprintf(err, errlen, "wccp must carry IPv4");
			return -1;
		}
		h = prepend(w, 4);
		put32(h, 0x00000000u); /* WCCPv2 redirect header: service 0 */
		gre(w, ET_WCCP, false, 0, false, false);
		return 0;
	case TG_ENC_ERSPAN1:
		to_ethernet(w);
		gre(w, ET_ERSPAN2, false, 0, false, false);
		return 0;
	case TG_ENC_ERSPAN2:
		to_ethernet(w);
		h = prepend(w, 8);
		put16(h, 0x1000);                            /* version 1, VLAN 0 */
		put16(h + 2, (uint16_t)(l->arg[0] & 0x3ff)); /* session */
		put32(h + 4, 0);
		gre(w, ET_ERSPAN2, false, 0, true, false);
		return 0;
	case TG_ENC_ERSPAN3:
		to_ethernet(w);
		h = prepend(w, 12);
		put16(h, 0x2000);                            /* version 2, VLAN 0 */
		put16(h + 2, (uint16_t)(l->arg[0] & 0x3ff));
		put32(h + 4, w->ipid);                       /* timestamp */
		put16(h + 8, 0);                             /* security group tag */
		put16(h + 10, 0);                            /* frame type Ethernet, no subheader */
		gre(w, ET_ERSPAN3, false, 0, true, false);
		return 0;
	case TG_ENC_VXLAN:
		to_ethernet(w);
		h = prepend(w, 8);
		put32(h, 0x08000000u);
		put32(h + 4, (l->arg[0] & 0xffffff) << 8);
		outer_udp(w, (uint16_t)(49152 + (w->from_client ? 1 : 2)),
		          (uint16_t)(l->has_arg[1] ? l->arg[1] : 4789));
		return 0;
	case TG_ENC_GENEVE:
		to_ethernet(w);
		h = prepend(w, 16);
		h[0] = 2;      /* version 0, one option of two words */
		h[1] = 0;
		put16(h + 2, ET_TEB);
		put32(h + 4, (l->arg[0] & 0xffffff) << 8);
		put16(h + 8, 0x0102); /* option class */
		h[10] = 0x01;         /* type */
		h[11] = 1;            /* 4 bytes of data */
		put32(h + 12, 0xdeadbeefu);
		outer_udp(w, (uint16_t)(49152 + (w->from_client ? 1 : 2)), 6081);
		return 0;
	case TG_ENC_GTPU:
		if (!is_ip(w->type)) {
			snprintf(err, errlen, "gtpu must carry IP");
			return -1;
		}
		/* PDU session container extension: one 4-byte word, none after */
		h = prepend(w, 16);
		h[0] = 0x34; /* version 1, PT, E */
		h[1] = 0xff; /* T-PDU */
		put16(h + 2, (uint16_t)(w->len - 8));
		put32(h + 4, l->arg[0]);
		put16(h + 8, 0);
		h[10] = 0;
		h[11] = 0x85;
		h[12] = 1;
		h[13] = w->from_client ? 0x10 : 0x00;
		h[14] = 0x09;
		h[15] = 0;
		outer_udp(w, 2152, 2152);
		return 0;
	case TG_ENC_TEREDO:
		if (w->type != ET_IPV6) {
			snprintf(err, errlen, "teredo must carry IPv6");
			return -1;
		}
		h = prepend(w, 8); /* origin indication: port and address obfuscated */
		put16(h, 0x0000);
		put16(h + 2, (uint16_t)~40000u);
		put32(h + 4, ~0xc6336401u);
		outer_udp(w, w->from_client ? 40000 : 3544, w->from_client ? 3544 : 40000);
		return 0;
	case TG_ENC_PPTP:
		if (!is_ip(w->type)) {
			snprintf(err, errlen, "pptp must carry IP");
			return -1;
		}
		/* PPP address, control and protocol, then enhanced GRE (RFC 2637) */
		h = prepend(w, 4);
		h[0] = 0xff, h[1] = 0x03;
		put16(h + 2, w->type == ET_IPV4 ? 0x0021 : 0x0057);
		h = prepend(w, 12);
		put16(h, 0x3001);   /* key, sequence number, version 1 */
		put16(h + 2, 0x880b);
		put16(h + 4, (uint16_t)(w->len - 12));
		put16(h + 6, (uint16_t)(l->arg[0] + (w->from_client ? 0 : 1))); /* each side's call id */
		put32(h + 8, w->ipid);
		outer_ipv4(w, 47);
		return 0;
	case TG_ENC_IPIP:
	case TG_ENC_IP6IP:
		if (!is_ip(w->type)) {
			snprintf(err, errlen, "%s must carry IP", l->kind == TG_ENC_IPIP ? "ipip" : "ip6ip");
			return -1;
		}
		if (l->kind == TG_ENC_IPIP)
			outer_ipv4(w, w->type == ET_IPV4 ? 4 : 41);
		else
			outer_ipv6(w, w->type == ET_IPV4 ? 4 : 41);
		return 0;
	}
	snprintf(err, errlen, "unknown encapsulation");
	return -1;
}

int tg_encap_wrap(const struct tg_encap *e, uint8_t *buf, size_t *off, size_t *len,
                  uint16_t *type, bool from_client, uint16_t ipid, char *err, size_t errlen)
{
	struct wrap w = { buf, *off, *len, *type, from_client, ipid };

	if (*off < TG_ENCAP_HEADROOM) {
		snprintf(err, errlen, "no headroom for encapsulation");
		return -1;
	}
	for (size_t i = e->n; i-- > 0;)
		if (wrap_one(&w, &e->v[i], err, errlen) < 0)
			return -1;
	*off = w.off;
	*len = w.len;
	*type = w.type;
	return 0;
}
