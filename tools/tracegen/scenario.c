/* \summary: tracegen: scenario loading, directives, repeat blocks and the run loop */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define TG_LINE_MAX 4096
#define TG_DEFAULT_START_NS 1700000000000000000LL

struct tg_scenario *tg_scenario_new(const char *name, char errbuf[TG_ERRBUF_SIZE])
{
	struct tg_scenario *sc = calloc(1, sizeof *sc);

	if (sc != NULL)
		sc->fr = calloc(1, sizeof *sc->fr);
	if (sc == NULL || sc->fr == NULL) {
		free(sc);
		snprintf(errbuf, TG_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	snprintf(sc->name, sizeof sc->name, "%s", name);
	tg_flows_init(&sc->flows);
	sc->fr->link.kind = TG_LINK_EN10MB;
	sc->snaplen = TG_DEFAULT_SNAPLEN;
	sc->start_ns = sc->now_ns = TG_DEFAULT_START_NS;
	return sc;
}

void tg_scenario_free(struct tg_scenario *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->n_lines; i++)
		free(sc->lines[i].text);
	free(sc->lines);
	tg_flows_free(&sc->flows);
	free(sc->fr);
	free(sc);
}

int tg_scenario_load(struct tg_scenario *sc, FILE *in, char errbuf[TG_ERRBUF_SIZE])
{
	char buf[TG_LINE_MAX];
	unsigned no = 0;

	while (fgets(buf, sizeof buf, in) != NULL) {
		char *hash, *p;
		size_t len = strlen(buf);

		no++;
		if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
			snprintf(errbuf, TG_ERRBUF_SIZE, "%s:%u: line too long", sc->name, no);
			return -1;
		}
		hash = strchr(buf, '#');
		if (hash != NULL)
			*hash = '\0';
		for (p = buf; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0')
			continue;
		if (sc->n_lines == sc->cap_lines) {
			size_t cap = sc->cap_lines ? sc->cap_lines * 2 : 64;
			struct tg_line *v = realloc(sc->lines, cap * sizeof *v);
			if (v == NULL) {
				snprintf(errbuf, TG_ERRBUF_SIZE, "out of memory");
				return -1;
			}
			sc->lines = v;
			sc->cap_lines = cap;
		}
		sc->lines[sc->n_lines].no = no;
		sc->lines[sc->n_lines].text = strdup(p);
		if (sc->lines[sc->n_lines].text == NULL) {
			snprintf(errbuf, TG_ERRBUF_SIZE, "out of memory");
			return -1;
		}
		sc->n_lines++;
	}
	if (ferror(in)) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "%s: read error", sc->name);
		return -1;
	}
	return 0;
}

int tg_scenario_writer(struct tg_scenario *sc, char msg[TG_MSG_SIZE])
{
	char errbuf[TG_ERRBUF_SIZE];

	if (sc->writing)
		return 0;
	sc->fr->w = tg_writer_open(sc->path, tg_link_dlt(&sc->fr->link),
	                           sc->snaplen, sc->nano, errbuf);
	if (sc->fr->w == NULL) {
		snprintf(msg, TG_MSG_SIZE, "%.250s", errbuf);
		return -1;
	}
	sc->writing = true;
	return 0;
}

int tg_scenario_check_time(struct tg_scenario *sc, char msg[TG_MSG_SIZE])
{
	if (sc->writing && sc->now_ns < sc->last_ns && !sc->backwards_ok) {
		snprintf(msg, TG_MSG_SIZE, "time goes backwards (%.6f s before the previous packet)",
		         (double)(sc->last_ns - sc->now_ns) / 1e9);
		return -1;
	}
	sc->last_ns = sc->now_ns;
	return 0;
}

/* ---- {expr} substitution inside repeat blocks ---- */

/* Left-to-right integer expression over i and decimal numbers: "i%250+1". */
static int eval_expr(const char *s, size_t n, int64_t i, int64_t *out)
{
	int64_t acc = 0;
	char op = '+';
	size_t k = 0;

	if (n == 0)
		return -1;
	while (k < n) {
		int64_t term;
		if (s[k] == 'i') {
			term = i;
			k++;
		} else if (isdigit((unsigned char)s[k])) {
			term = 0;
			while (k < n && isdigit((unsigned char)s[k]))
				term = term * 10 + (s[k++] - '0');
		} else {
			return -1;
		}
		switch (op) {
		case '+': acc += term; break;
		case '-': acc -= term; break;
		case '*': acc *= term; break;
		case '/': if (term == 0) return -1; acc /= term; break;
		case '%': if (term == 0) return -1; acc %= term; break;
		default: return -1;
		}
		if (k == n)
			break;
		op = s[k++];
		if (k == n)
			return -1;
	}
	*out = acc;
	return 0;
}

static int substitute(const char *in, int64_t i, char *out, size_t cap,
                      char msg[TG_MSG_SIZE])
{
	size_t o = 0;

	while (*in) {
		if (*in == '{') {
			const char *close = strchr(in, '}');
			int64_t v;
			int w;
			if (close == NULL || eval_expr(in + 1, (size_t)(close - in - 1), i, &v) < 0) {
				snprintf(msg, TG_MSG_SIZE, "bad {expression}");
				return -1;
			}
			w = snprintf(out + o, cap - o, "%lld", (long long)v);
			if (w < 0 || (size_t)w >= cap - o)
				goto toolong;
			o += (size_t)w;
			in = close + 1;
			continue;
		}
		if (o + 1 >= cap)
			goto toolong;
		out[o++] = *in++;
	}
	out[o] = '\0';
	return 0;
toolong:
	snprintf(msg, TG_MSG_SIZE, "line too long after substitution");
	return -1;
}

static size_t tokenize(char *s, char **tok)
{
	size_t n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, " \t\r\n", &save); t && n < TG_MAX_TOKENS;
	     t = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = t;
	return n;
}

/* ---- directives ---- */

static int before_packets(struct tg_scenario *sc, const char *what,
                          char msg[TG_MSG_SIZE])
{
	if (!sc->writing)
		return 0;
	snprintf(msg, TG_MSG_SIZE, "'%s' must come before the first packet", what);
	return -1;
}

static int do_link(struct tg_scenario *sc, char **tok, size_t n,
                   char msg[TG_MSG_SIZE])
{
	static const struct {
		const char *name;
		enum tg_link_kind kind;
		size_t args;
	} kinds[] = {
		{ "en10mb", TG_LINK_EN10MB, 0 }, { "vlan", TG_LINK_VLAN, 1 },
		{ "qinq", TG_LINK_QINQ, 2 },     { "sll", TG_LINK_SLL, 0 },
		{ "sll2", TG_LINK_SLL2, 0 },     { "raw", TG_LINK_RAW, 0 },
		{ "null", TG_LINK_NULL, 0 },     { "ieee802_11", TG_LINK_IEEE802_11, 0 },
		{ "fddi", TG_LINK_FDDI, 0 },     { "ipoib", TG_LINK_IPOIB, 0 },
		{ "nflog", TG_LINK_NFLOG, 0 },
	};
	struct tg_link *l = &sc->fr->link;
	uint64_t a = 0, b = 0;
	size_t k;

	if (before_packets(sc, "link", msg) < 0)
		return -1;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		if (n < 2 || strcmp(tok[1], kinds[k].name) != 0)
			continue;
		if (n != 2 + kinds[k].args ||
		    (n > 2 && tg_parse_u64(tok[2], 4095, &a) < 0) ||
		    (n > 3 && tg_parse_u64(tok[3], 4095, &b) < 0)) {
			snprintf(msg, TG_MSG_SIZE, "link %s takes %zu VLAN ID(s) 0-4095",
			         kinds[k].name, kinds[k].args);
			return -1;
		}
		l->kind = kinds[k].kind;
		l->vlan_outer = (uint16_t)a;
		l->vlan_inner = (uint16_t)b;
		return 0;
	}
	snprintf(msg, TG_MSG_SIZE,
	         "unknown link type (en10mb, vlan ID, qinq OUTER INNER, sll, sll2, raw, null, "
	         "ieee802_11, fddi, ipoib, nflog)");
	return -1;
}

/* encap NAME LAYER...: the flow's packets inside these layers, outermost first.
 * mirror NAME DELAY LAYER...: every packet again DELAY later inside others. */
static int do_encap(struct tg_scenario *sc, char **tok, size_t n, char msg[TG_MSG_SIZE])
{
	bool mirror = tok[0][0] == 'm';
	size_t first = mirror ? 3 : 2;
	struct tg_flow *f;

	if (n < first + (mirror ? 0 : 1)) {
		snprintf(msg, TG_MSG_SIZE, mirror ? "usage: mirror FLOW SECONDS LAYER..."
		                                  : "usage: encap FLOW LAYER...");
		return -1;
	}
	f = tg_flows_find(&sc->flows, tok[1]);
	if (f == NULL) {
		snprintf(msg, TG_MSG_SIZE, "unknown flow '%s'", tok[1]);
		return -1;
	}
	if (mirror && tg_parse_seconds_ns(tok[2], &f->mirror_after_ns) < 0) {
		snprintf(msg, TG_MSG_SIZE, "bad delay '%s'", tok[2]);
		return -1;
	}
	return tg_encap_parse(mirror ? &f->mirror : &f->encap, tok + first, n - first, msg, TG_MSG_SIZE);
}

static int do_flow(struct tg_scenario *sc, char **tok, size_t n,
                   char msg[TG_MSG_SIZE])
{
	struct tg_addr c, s;
	uint32_t isn_c = 1000, isn_s = 5000;
	struct tg_flow *f;
	size_t i;

	if (n < 4 || strlen(tok[1]) >= TG_NAME_MAX ||
	    !(isalpha((unsigned char)tok[1][0]) || tok[1][0] == '_')) {
		snprintf(msg, TG_MSG_SIZE, "usage: flow NAME CLIENT:PORT SERVER:PORT [isn=C,S]");
		return -1;
	}
	if (tg_parse_endpoint(tok[2], &c) < 0 || tg_parse_endpoint(tok[3], &s) < 0) {
		snprintf(msg, TG_MSG_SIZE, "bad endpoint (10.0.0.1:80 or [2001:db8::1]:80)");
		return -1;
	}
	if (c.family != s.family) {
		snprintf(msg, TG_MSG_SIZE, "client and server must both be IPv4 or IPv6");
		return -1;
	}
	for (i = 4; i < n; i++) {
		uint64_t a, b;
		char *comma = strchr(tok[i], ',');
		if (strncmp(tok[i], "isn=", 4) != 0 || comma == NULL) {
			snprintf(msg, TG_MSG_SIZE, "unknown flow option '%s'", tok[i]);
			return -1;
		}
		*comma = '\0';
		if (tg_parse_u64(tok[i] + 4, UINT32_MAX, &a) < 0 ||
		    tg_parse_u64(comma + 1, UINT32_MAX, &b) < 0) {
			snprintf(msg, TG_MSG_SIZE, "bad isn=CLIENT,SERVER");
			return -1;
		}
		isn_c = (uint32_t)a;
		isn_s = (uint32_t)b;
	}
	f = tg_flows_put(&sc->flows, tok[1]);
	if (f == NULL) {
		snprintf(msg, TG_MSG_SIZE, "out of memory");
		return -1;
	}
	f->client = c;
	f->server = s;
	tg_flow_reset(f, isn_c, isn_s);
	return 0;
}

static int do_raw(struct tg_scenario *sc, char **tok, size_t n,
                  char msg[TG_MSG_SIZE])
{
	size_t len;
	uint8_t *buf = sc->fr->frame;

	if (n != 2 || tg_parse_hex(tok[1], buf, TG_MAX_FRAME, &len) < 0 || len == 0) {
		snprintf(msg, TG_MSG_SIZE, "usage: raw HEXBYTES");
		return -1;
	}
	if (tg_scenario_check_time(sc, msg) < 0 || tg_scenario_writer(sc, msg) < 0)
		return -1;
	return tg_writer_put(sc->fr->w, sc->now_ns, buf, (uint32_t)len, 0);
}

/* "key=value" option of bulk/short; percentages become permille. */
static int opt_value(const char *tok, const char *key, char msg[TG_MSG_SIZE],
                     const char **val)
{
	size_t k = strlen(key);

	(void)msg;
	if (strncmp(tok, key, k) != 0 || tok[k] != '=')
		return 0;
	*val = tok + k + 1;
	return 1;
}

static int pct_permille(const char *v, unsigned *out)
{
	int64_t ns;

	if (tg_parse_seconds_ns(v, &ns) < 0 || ns > 100000000000LL)
		return -1;
	*out = (unsigned)(ns / 100000000);
	return 0;
}

static int do_generator(struct tg_scenario *sc, char **tok, size_t n,
                        char msg[TG_MSG_SIZE])
{
	bool bulk = strcmp(tok[0], "bulk") == 0;
	struct tg_bulk_opts bo;
	struct tg_short_opts so;
	char errbuf[TG_ERRBUF_SIZE];
	size_t first = bulk ? 3 : 2, i;
	int rc;

	if (sc->fr->link.kind == TG_LINK_NFLOG) {
		snprintf(msg, TG_MSG_SIZE, "%s does not write NFLOG records", tok[0]);
		return -1;
	}

	tg_bulk_opts_default(&bo);
	tg_short_opts_default(&so);
	if (n < first || tg_parse_u64(tok[1], UINT32_MAX, bulk ? &bo.flows : &so.connections) < 0 ||
	    (bulk && tg_parse_u64(tok[2], UINT64_MAX / 2, &bo.packets) < 0)) {
		snprintf(msg, TG_MSG_SIZE, bulk ? "usage: bulk FLOWS PACKETS [retx-pct=P] [seed=S] [concurrent=N] [segment=BYTES]"
		                                : "usage: short CONNECTIONS [refused-pct=P] [seed=S] [concurrent=N]");
		return -1;
	}
	for (i = first; i < n; i++) {
		const char *v = NULL;
		int bad;
		if (opt_value(tok[i], "retx-pct", msg, &v) && bulk)
			bad = pct_permille(v, &bo.retx_permille);
		else if (opt_value(tok[i], "refused-pct", msg, &v) && !bulk)
			bad = pct_permille(v, &so.refused_permille);
		else if (opt_value(tok[i], "seed", msg, &v))
			bad = tg_parse_u64(v, UINT64_MAX, bulk ? &bo.seed : &so.seed);
		else if (opt_value(tok[i], "segment", msg, &v) && bulk) {
			uint64_t seg;
			bad = tg_parse_u64(v, 9000, &seg) < 0 || seg == 0;
			bo.segment = (uint32_t)seg;
		} else if (opt_value(tok[i], "concurrent", msg, &v))
			bad = tg_parse_u64(v, 1000000, bulk ? &bo.concurrent : &so.concurrent);
		else
			bad = -1;
		if (bad) {
			snprintf(msg, TG_MSG_SIZE, "bad option '%s'", tok[i]);
			return -1;
		}
	}
	if (tg_scenario_check_time(sc, msg) < 0 || tg_scenario_writer(sc, msg) < 0)
		return -1;
	rc = bulk ? tg_bulk_write(sc->fr, &bo, &sc->now_ns, errbuf)
	          : tg_short_write(sc->fr, &so, &sc->now_ns, errbuf);
	if (rc < 0)
		snprintf(msg, TG_MSG_SIZE, "%.250s", errbuf);
	sc->last_ns = sc->now_ns;
	return rc;
}

static int do_time(struct tg_scenario *sc, const char *t, char msg[TG_MSG_SIZE])
{
	int64_t ns;

	if (tg_parse_seconds_ns(t[0] == '+' ? t + 1 : t, &ns) < 0) {
		snprintf(msg, TG_MSG_SIZE, "bad time '%s' (+SECONDS or SECONDS since start)", t);
		return -1;
	}
	sc->now_ns = t[0] == '+' ? sc->now_ns + ns : sc->start_ns + ns;
	return 0;
}

static int do_line(struct tg_scenario *sc, char **tok, size_t n,
                   char msg[TG_MSG_SIZE])
{
	const char *d = tok[0];
	size_t last = strlen(d) - 1;
	uint64_t v;

	if (strcmp(d, "at") == 0) {
		if (n < 2 || do_time(sc, tok[1], msg) < 0) {
			if (n < 2)
				snprintf(msg, TG_MSG_SIZE, "usage: at TIME [packet]");
			return -1;
		}
		return n > 2 ? do_line(sc, tok + 2, n - 2, msg) : 0;
	}
	if (d[last] == '>' || d[last] == '<')
		return tg_scenario_packet(sc, tok, n, msg);
	if (strcmp(d, "link") == 0)
		return do_link(sc, tok, n, msg);
	if (strcmp(d, "flow") == 0)
		return do_flow(sc, tok, n, msg);
	if (strcmp(d, "encap") == 0 || strcmp(d, "mirror") == 0)
		return do_encap(sc, tok, n, msg);
	if (strcmp(d, "raw") == 0)
		return do_raw(sc, tok, n, msg);
	if (strcmp(d, "bulk") == 0 || strcmp(d, "short") == 0)
		return do_generator(sc, tok, n, msg);
	if (strcmp(d, "snaplen") == 0) {
		if (before_packets(sc, d, msg) < 0)
			return -1;
		if (n != 2 || tg_parse_u64(tok[1], TG_DEFAULT_SNAPLEN, &v) < 0 || v < 1) {
			snprintf(msg, TG_MSG_SIZE, "usage: snaplen BYTES (1-%d)", TG_DEFAULT_SNAPLEN);
			return -1;
		}
		sc->snaplen = (uint32_t)v;
		return 0;
	}
	if (strcmp(d, "nanosecond") == 0 || strcmp(d, "microsecond") == 0) {
		if (before_packets(sc, d, msg) < 0)
			return -1;
		sc->nano = d[0] == 'n';
		return 0;
	}
	if (strcmp(d, "clock") == 0) {
		if (n != 2 || strcmp(tok[1], "backwards") != 0) {
			snprintf(msg, TG_MSG_SIZE, "usage: clock backwards");
			return -1;
		}
		sc->backwards_ok = true;
		return 0;
	}
	if (strcmp(d, "start") == 0) {
		if (n != 2 || tg_parse_seconds_ns(tok[1], &sc->start_ns) < 0) {
			snprintf(msg, TG_MSG_SIZE, "usage: start EPOCH_SECONDS[.FRACTION]");
			return -1;
		}
		sc->now_ns = sc->start_ns;
		return 0;
	}
	snprintf(msg, TG_MSG_SIZE, "unknown directive '%s'", d);
	return -1;
}

/* ---- the run loop ---- */

static const char *first_word(const char *s, size_t *len)
{
	size_t n = 0;

	while (s[n] && !isspace((unsigned char)s[n]))
		n++;
	*len = n;
	return s;
}

static bool word_is(const char *s, const char *w)
{
	size_t n;

	first_word(s, &n);
	return n == strlen(w) && strncmp(s, w, n) == 0;
}

/* Index of the "end" closing the repeat at from, or n_lines. */
static size_t matching_end(const struct tg_scenario *sc, size_t from)
{
	size_t depth = 0, k;

	for (k = from + 1; k < sc->n_lines; k++) {
		if (word_is(sc->lines[k].text, "repeat"))
			depth++;
		else if (word_is(sc->lines[k].text, "end") && depth-- == 0)
			return k;
	}
	return sc->n_lines;
}

static int run_block(struct tg_scenario *sc, size_t from, size_t to, int64_t iter,
                     char errbuf[TG_ERRBUF_SIZE])
{
	char buf[TG_LINE_MAX], msg[TG_MSG_SIZE];
	char *tok[TG_MAX_TOKENS];
	size_t k;

	for (k = from; k < to; k++) {
		const struct tg_line *ln = &sc->lines[k];
		size_t n;
		int rc;

		msg[0] = '\0';
		if (substitute(ln->text, iter, buf, sizeof buf, msg) < 0)
			goto fail;
		n = tokenize(buf, tok);
		if (strcmp(tok[0], "repeat") == 0) {
			size_t end = matching_end(sc, k);
			uint64_t times, r;
			if (end == sc->n_lines) {
				snprintf(msg, TG_MSG_SIZE, "repeat without end");
				goto fail;
			}
			if (n != 2 || tg_parse_u64(tok[1], 10000000, &times) < 0) {
				snprintf(msg, TG_MSG_SIZE, "usage: repeat COUNT ... end");
				goto fail;
			}
			for (r = 0; r < times; r++)
				if (run_block(sc, k + 1, end, (int64_t)r, errbuf) < 0)
					return -1;
			k = end;
			continue;
		}
		if (strcmp(tok[0], "end") == 0) {
			snprintf(msg, TG_MSG_SIZE, "end without repeat");
			goto fail;
		}
		rc = do_line(sc, tok, n, msg);
		if (rc < 0)
			goto fail;
		continue;
fail:
		snprintf(errbuf, TG_ERRBUF_SIZE, "%s:%u: %s", sc->name, ln->no, msg);
		return -1;
	}
	return 0;
}

int tg_scenario_run(struct tg_scenario *sc, const char *path,
                    char errbuf[TG_ERRBUF_SIZE])
{
	char msg[TG_MSG_SIZE];
	int rc;

	sc->path = path;
	rc = run_block(sc, 0, sc->n_lines, 0, errbuf);
	/* A scenario without packets still yields a valid, empty capture. */
	if (rc == 0 && tg_scenario_writer(sc, msg) < 0) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "%.128s: %.300s", sc->name, msg);
		rc = -1;
	}
	if (sc->writing) {
		char werr[TG_ERRBUF_SIZE];
		if (tg_writer_close(sc->fr->w, werr) < 0 && rc == 0) {
			snprintf(errbuf, TG_ERRBUF_SIZE, "%.150s: %.300s", path, werr);
			rc = -1;
		}
		sc->fr->w = NULL;
		sc->writing = false;
	}
	return rc;
}
