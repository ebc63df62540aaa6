/* \summary: port scans: one source probing many ports or hosts, mostly in vain */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_scan.h"
#include "tcpscope/port_set.h"
#include "tcpscope/units.h"

/* One connection attempt: who probed what, when, and how it went. */
struct probe {
	uint8_t af, src[16], dst[16];
	uint16_t port;
	uint8_t refused;
	int64_t ts_ns;
};

static int by_source_target_time(const void *x, const void *y)
{
	const struct probe *a = x, *b = y;
	int c;
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if ((c = memcmp(a->src, b->src, 16)) != 0)
		return c;
	if ((c = memcmp(a->dst, b->dst, 16)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->ts_ns < b->ts_ns ? -1 : a->ts_ns > b->ts_ns;
}

static int by_time(const void *x, const void *y)
{
	const struct probe *a = x, *b = y;
	return a->ts_ns < b->ts_ns ? -1 : a->ts_ns > b->ts_ns;
}

static int cmp_source(const struct probe *a, const struct probe *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return memcmp(a->src, b->src, 16);
}

static bool same_source(const struct probe *a, const struct probe *b)
{
	return !cmp_source(a, b);
}

static bool same_target(const struct probe *a, const struct probe *b)
{
	return same_source(a, b) && !memcmp(a->dst, b->dst, 16) && a->port == b->port;
}

/* A flow opened by a SYN: its probe, and whether it failed (no SYN-ACK). */
static bool probe_of(const struct ts_flow_brief *f, struct probe *p, bool *failed)
{
	if (!f->cli_syn_seen || !f->roles_known || f->simultaneous_open)
		return false;
	memset(p, 0, sizeof(*p));
	p->af = f->key.af;
	memcpy(p->src, f->client_is_lo ? f->key.lo_addr : f->key.hi_addr, 16);
	memcpy(p->dst, f->client_is_lo ? f->key.hi_addr : f->key.lo_addr, 16);
	p->port = f->client_is_lo ? f->key.hi_port : f->key.lo_port;
	p->refused = f->handshake == TS_HS_REFUSED;
	p->ts_ns = ts_timespec_ns(&f->first);
	*failed = f->handshake == TS_HS_UNANSWERED || f->handshake == TS_HS_REFUSED;
	return true;
}

/* Keeps the first probe of each target (v sorted by source, target, then
 * time); returns how many remain. */
static size_t first_probes(struct probe *v, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!m || !same_target(&v[m - 1], &v[i]))
			v[m++] = v[i];
	return m;
}

/* One step of a multiply-xorshift hash: each is a bijection of h for a
 * given v, so distinct inputs collide only by chance (2^-64). */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15u;
	return h ^ (h >> 32);
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* A hash of a probe's source (with_target: and its target), word by word. */
static uint64_t probe_hash(const struct probe *p, bool with_target)
{
	uint64_t h = mix(0xcbf29ce484222325u, p->af);
	h = mix(h, load64(p->src));
	h = mix(h, load64(p->src + 8));
	if (with_target) {
		h = mix(h, load64(p->dst));
		h = mix(h, load64(p->dst + 8));
		h = mix(h, p->port);
	}
	return h | 1; /* 0 marks a free slot */
}

/* Slot of h in an open-addressing table of mask + 1 hashes: its own, or the
 * free one where it goes. */
static size_t hash_slot(const uint64_t *keys, size_t mask, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & mask;
	while (keys[i] && keys[i] != h)
		i = (i + 1) & mask;
	return i;
}

/*
 * Keeps the probes of the sources that reached at least min distinct
 * targets, so that only those are sorted: a busy server's failed attempts
 * come from many sources with few targets each. Targets are told apart by a
 * 64-bit hash of (source, target): a collision can only undercount, and at
 * these sizes practically never happens. Returns how many probes remain;
 * n (nothing dropped) when memory ran out.
 */
static size_t keep_busy_sources(struct probe *v, size_t n, size_t min)
{
	size_t size = 16;
	while (size < 2 * n)
		size *= 2;
	uint64_t *pairs = calloc(size, sizeof(*pairs)), *sources = calloc(size, sizeof(*sources));
	uint32_t *targets = calloc(size, sizeof(*targets));
	/* Each probe's source slot: nothing leaves the table, so it stays put. */
	size_t *slot_of = malloc(n * sizeof(*slot_of));
	size_t m = n;

	if (pairs && sources && targets && slot_of) {
		for (size_t i = 0; i < n; i++) {
			uint64_t hp = probe_hash(&v[i], true);
			size_t sp = hash_slot(pairs, size - 1, hp);
			uint64_t hs = probe_hash(&v[i], false);
			size_t ss = hash_slot(sources, size - 1, hs);
			sources[ss] = hs;
			slot_of[i] = ss;
			if (!pairs[sp]) {
				pairs[sp] = hp;
				targets[ss]++;
			}
		}
		m = 0;
		for (size_t i = 0; i < n; i++)
			if (targets[slot_of[i]] >= min)
				v[m++] = v[i];
	}
	free(pairs);
	free(sources);
	free(targets);
	free(slot_of);
	return m;
}

/* The first probe of each target of each source, of the failed or of the
 * answered probes, grouped by source; NULL (n 0) when none. */
static struct probe *collect(struct ts_analyzer *a, struct ts_flow_view *flows, bool want_failed, size_t *n)
{
	struct probe *v = NULL;
	size_t m = 0, cap = 0;

	for (size_t i = 0; i < flows->n; i++) {
		struct probe p;
		struct ts_flow_brief b;
		bool failed;
		ts_flow_view_brief(flows, i, &b);
		if (!probe_of(&b, &p, &failed) || failed != want_failed)
			continue;
		if (m == cap) {
			cap = cap ? cap * 2 : 64;
			struct probe *bigger = realloc(v, cap * sizeof(*v));
			if (!bigger) {
				a->alloc_failures++;
				free(v);
				*n = 0;
				return NULL;
			}
			v = bigger;
		}
		v[m++] = p;
	}
	*n = 0;
	/* Failed probes decide which sources are scans: the others cannot be. */
	if (want_failed && m)
		m = keep_busy_sources(v, m, a->cfg.port_scan_targets);
	if (!m) {
		free(v);
		return NULL;
	}
	qsort(v, m, sizeof(*v), by_source_target_time);
	*n = first_probes(v, m);
	return v;
}

/* The most probes (sorted by time) within window_ns of each other. */
static size_t busiest_window(const struct probe *v, size_t n, int64_t window_ns)
{
	size_t best = 0;
	for (size_t lo = 0, hi = 0; hi < n; hi++) {
		while (v[hi].ts_ns - v[lo].ts_ns > window_ns)
			lo++;
		if (hi - lo + 1 > best)
			best = hi - lo + 1;
	}
	return best;
}

static int by_addr(const void *x, const void *y)
{
	return memcmp(x, y, 16);
}

/* Distinct hosts among the targets of a[0..na) and b[0..nb). */
static uint64_t distinct_hosts(const struct probe *a, size_t na, const struct probe *b, size_t nb)
{
	size_t n = na + nb;
	uint8_t (*hosts)[16] = malloc((n ? n : 1) * sizeof(*hosts));
	uint64_t d = n ? 1 : 0;

	if (!hosts)
		return 0;
	for (size_t i = 0; i < n; i++)
		memcpy(hosts[i], i < na ? a[i].dst : b[i - na].dst, 16);
	qsort(hosts, n, sizeof(*hosts), by_addr);
	for (size_t i = 1; i < n; i++)
		d += memcmp(hosts[i], hosts[i - 1], 16) != 0;
	free(hosts);
	return d;
}

/* The ports of a[0..na) and b[0..nb) as ranges. */
static void ports_text(const struct probe *a, size_t na, const struct probe *b, size_t nb, char *buf, size_t len)
{
	size_t n = na + nb;
	uint16_t *ports = malloc((n ? n : 1) * sizeof(*ports));

	buf[0] = '\0';
	if (!ports)
		return;
	for (size_t i = 0; i < n; i++)
		ports[i] = i < na ? a[i].port : b[i - na].port;
	ts_port_set_format(ports, ts_port_set_normalize(ports, n), 4, buf, len);
	free(ports);
}

/* The sentence: what was probed, how long it took, how it went. */
static void describe(struct ts_port_scan *s, const struct probe *failed, size_t nf, const struct probe *answered,
                     size_t na)
{
	char dst[64], probed[160], open[160] = "";
	size_t n = nf + na;

	ports_text(failed, nf, answered, na, probed, sizeof(probed));
	if (na)
		ports_text(answered, na, NULL, 0, open, sizeof(open));
	ts_format_addr(s->af, failed[0].dst, dst, sizeof(dst));
	double span = (double)(ts_timespec_ns(&s->last) - ts_timespec_ns(&s->first)) / TS_NSEC_PER_SEC;
	s->detail = malloc(512);
	if (!s->detail)
		return;
	if (s->hosts == 1)
		snprintf(s->detail, 512, "probed %zu ports of %s (%s) in %.1f s", n, dst, probed, span);
	else
		snprintf(s->detail, 512, "probed %zu host:port pairs on %llu hosts (ports %s) in %.1f s", n,
		         (unsigned long long)s->hosts, probed, span);
	size_t k = strlen(s->detail);
	snprintf(s->detail + k, 512 - k, ": %llu unanswered, %llu refused, %zu answered%s%s%s",
	         (unsigned long long)s->unanswered, (unsigned long long)s->refused, na, na ? " (" : "", open,
	         na ? ")" : "");
}

/*
 * One source's failed targets f[0..nf) (first probes) and answered ones
 * ans[0..na): a scan when enough first probes fall within the window and no
 * more targets answered than failed. Fills s (detail included) when it is.
 */
static bool judge(struct ts_analyzer *a, const struct probe *f, size_t nf, const struct probe *ans, size_t na,
                  struct ts_port_scan *s)
{
	struct probe *by_when = malloc(nf * sizeof(*by_when));

	if (!by_when) {
		a->alloc_failures++;
		return false;
	}
	memcpy(by_when, f, nf * sizeof(*f));
	qsort(by_when, nf, sizeof(*by_when), by_time);
	memset(s, 0, sizeof(*s));
	/* Any window of a century or more is the whole capture. */
	double w = a->cfg.port_scan_window;
	int64_t window_ns = !(w < 3.2e9) ? INT64_MAX : (int64_t)(w * TS_NSEC_PER_SEC);
	s->window_targets = busiest_window(by_when, nf, window_ns);
	s->first = ts_ns_timespec(by_when[0].ts_ns);
	s->last = ts_ns_timespec(by_when[nf - 1].ts_ns);
	free(by_when);
	if (s->window_targets < a->cfg.port_scan_targets || na > nf)
		return false;
	s->af = f[0].af;
	memcpy(s->addr, f[0].src, 16);
	s->targets = nf;
	for (size_t i = 0; i < nf; i++)
		s->refused += f[i].refused;
	s->unanswered = nf - s->refused;
	s->answered = na;
	s->hosts = distinct_hosts(f, nf, ans, na);
	describe(s, f, nf, ans, na);
	return true;
}

static int by_first(const void *x, const void *y)
{
	int64_t a = ts_timespec_ns(&((const struct ts_port_scan *)x)->first);
	int64_t b = ts_timespec_ns(&((const struct ts_port_scan *)y)->first);
	return a < b ? -1 : a > b;
}

struct ts_port_scan *ts_port_scans_find(struct ts_analyzer *a, struct ts_flow_view *flows, size_t *n)
{
	struct ts_port_scan *found = NULL;
	struct probe *v, *ans = NULL;
	size_t nf = 0, m, na = 0, at = 0;
	bool ans_collected = false;

	*n = 0;
	if (!a->cfg.port_scan_targets || !(v = collect(a, flows, true, &m)))
		return NULL;
	for (size_t i = 0, j; i < m; i = j) {
		for (j = i + 1; j < m && same_source(&v[i], &v[j]); j++)
			;
		if (j - i < a->cfg.port_scan_targets)
			continue;
		/* Answered targets are wanted only for the few sources this far. */
		if (!ans_collected) {
			ans = collect(a, flows, false, &na);
			ans_collected = true;
		}
		while (at < na && cmp_source(&ans[at], &v[i]) < 0)
			at++;
		size_t end = at;
		while (end < na && same_source(&ans[end], &v[i]))
			end++;
		struct ts_port_scan s;
		if (!judge(a, v + i, j - i, ans + at, end - at, &s))
			continue;
		struct ts_port_scan *bigger = realloc(found, (nf + 1) * sizeof(*found));
		if (!bigger) {
			a->alloc_failures++;
			free(s.detail);
			break;
		}
		found = bigger;
		found[nf++] = s;
	}
	free(v);
	free(ans);
	if (found)
		qsort(found, nf, sizeof(*found), by_first);
	*n = nf;
	return found;
}

bool ts_port_scans_has(const struct ts_port_scan *s, size_t n, uint8_t af, const uint8_t addr[16])
{
	for (size_t i = 0; i < n; i++)
		if (s[i].af == af && !memcmp(s[i].addr, addr, 16))
			return true;
	return false;
}

void ts_port_scans_free(struct ts_port_scan *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].detail);
	free(s);
}
