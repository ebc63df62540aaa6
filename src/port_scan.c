/* \summary: port scans: one source probing many ports or hosts, mostly in vain */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_scan.h"
#include "port_set.h"
#include "tcpscope/report.h"

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

static bool same_source(const struct probe *a, const struct probe *b)
{
	return a->af == b->af && !memcmp(a->src, b->src, 16);
}

static bool same_target(const struct probe *a, const struct probe *b)
{
	return same_source(a, b) && !memcmp(a->dst, b->dst, 16) && a->port == b->port;
}

/* A flow opened by a SYN: its probe, and whether it failed (no SYN-ACK). */
static bool probe_of(const struct ts_flow *f, struct probe *p, bool *failed)
{
	if (!f->cli.syn_seen || !f->roles_known || f->simultaneous_open)
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

/* Probes of every flow, failed or answered ones; NULL (n 0) when none. */
static struct probe *collect(struct ts_analyzer *a, struct ts_flow_view *flows, bool want_failed, size_t *n)
{
	struct probe *v = NULL;
	size_t m = 0, cap = 0;

	for (size_t i = 0; i < flows->n; i++) {
		struct probe p;
		bool failed;
		if (!probe_of(ts_flow_view_get(flows, i), &p, &failed) || failed != want_failed)
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
	*n = m;
	return v;
}

/* Keeps the first probe of each target of one source (sorted by target,
 * then time); returns how many remain. */
static size_t first_probes(struct probe *v, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!m || !same_target(&v[m - 1], &v[i]))
			v[m++] = v[i];
	return m;
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

/* Distinct hosts among the targets of v[0..n) (any order). */
static uint64_t distinct_hosts(const struct probe *v, size_t n)
{
	uint8_t (*hosts)[16] = malloc((n ? n : 1) * sizeof(*hosts));
	uint64_t d = n ? 1 : 0;

	if (!hosts)
		return 0;
	for (size_t i = 0; i < n; i++)
		memcpy(hosts[i], v[i].dst, 16);
	qsort(hosts, n, sizeof(*hosts), by_addr);
	for (size_t i = 1; i < n; i++)
		d += memcmp(hosts[i], hosts[i - 1], 16) != 0;
	free(hosts);
	return d;
}

/* The ports of v[0..n) as ranges. */
static void ports_text(const struct probe *v, size_t n, char *buf, size_t len)
{
	uint16_t *ports = malloc((n ? n : 1) * sizeof(*ports));

	buf[0] = '\0';
	if (!ports)
		return;
	for (size_t i = 0; i < n; i++)
		ports[i] = v[i].port;
	ts_port_set_format(ports, ts_port_set_normalize(ports, n), 4, buf, len);
	free(ports);
}

/*
 * What the scanner probed: failed and answered hold its distinct targets
 * (answered ones follow the failed ones in one array), the hosts, the ports
 * probed and those that answered.
 */
static void describe(struct ts_port_scan *s, struct probe *all, size_t n_failed, size_t n_answered)
{
	size_t n = n_failed + n_answered;
	char dst[64] = "", probed[160], open[160] = "";

	s->answered = n_answered;
	s->hosts = distinct_hosts(all, n);
	ports_text(all, n, probed, sizeof(probed));
	if (n_answered)
		ports_text(all + n_failed, n_answered, open, sizeof(open));
	ts_format_addr(s->af, all[0].dst, dst, sizeof(dst));
	double span = (double)(ts_timespec_ns(&s->last) - ts_timespec_ns(&s->first)) / 1e9;
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
	         (unsigned long long)s->unanswered, (unsigned long long)s->refused, n_answered,
	         n_answered ? " (" : "", open, n_answered ? ")" : "");
}

/* One source's failed probes v[0..n), sorted by target then time: a scan? */
static bool judge(const struct ts_analyzer *a, struct probe *v, size_t n, struct ts_port_scan *s)
{
	n = first_probes(v, n);
	if (!a->cfg.port_scan_targets || n < a->cfg.port_scan_targets)
		return false;
	memset(s, 0, sizeof(*s));
	s->af = v[0].af;
	memcpy(s->addr, v[0].src, 16);
	s->targets = n;
	for (size_t i = 0; i < n; i++)
		s->refused += v[i].refused;
	s->unanswered = n - s->refused;
	qsort(v, n, sizeof(*v), by_time);
	s->window_targets = busiest_window(v, n, (int64_t)(a->cfg.port_scan_window * 1e9));
	s->first = ts_ns_timespec(v[0].ts_ns);
	s->last = ts_ns_timespec(v[n - 1].ts_ns);
	return s->window_targets >= a->cfg.port_scan_targets;
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
	size_t nf = 0, m;
	struct probe *v;

	*n = 0;
	if (!a->cfg.port_scan_targets || !(v = collect(a, flows, true, &m)))
		return NULL;
	qsort(v, m, sizeof(*v), by_source_target_time);
	for (size_t i = 0, j; i < m; i = j) {
		for (j = i + 1; j < m && same_source(&v[i], &v[j]); j++)
			;
		struct ts_port_scan s;
		if (!judge(a, v + i, j - i, &s))
			continue;
		struct ts_port_scan *bigger = realloc(found, (nf + 1) * sizeof(*found));
		if (!bigger) {
			a->alloc_failures++;
			break;
		}
		found = bigger;
		found[nf++] = s;
	}
	/* The scanners' targets again, failed then answered, one probe each. */
	size_t na = 0, keep = 0;
	struct probe *ans = nf ? collect(a, flows, false, &na) : NULL;
	if (ans)
		qsort(ans, na, sizeof(*ans), by_source_target_time);
	for (size_t k = 0; k < nf; k++) {
		struct probe *mine = malloc((m + na) * sizeof(*mine));
		size_t nm = 0, nfail;
		if (!mine) {
			a->alloc_failures++;
			continue;
		}
		for (size_t i = 0; i < m; i++)
			if (v[i].af == found[k].af && !memcmp(v[i].src, found[k].addr, 16))
				mine[nm++] = v[i];
		qsort(mine, nm, sizeof(*mine), by_source_target_time);
		nfail = first_probes(mine, nm);
		size_t nans = 0;
		for (size_t i = 0; i < na; i++)
			if (ans[i].af == found[k].af && !memcmp(ans[i].src, found[k].addr, 16) &&
			    (!nans || !same_target(&mine[nfail + nans - 1], &ans[i])))
				mine[nfail + nans++] = ans[i];
		/* Mostly in vain: no more answered targets than failed ones. */
		if (nans <= nfail) {
			found[keep] = found[k];
			describe(&found[keep], mine, nfail, nans);
			keep++;
		}
		free(mine);
	}
	free(ans);
	free(v);
	if (!keep) {
		free(found);
		return NULL;
	}
	qsort(found, keep, sizeof(*found), by_first);
	*n = keep;
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
