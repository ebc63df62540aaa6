/* \summary: host-level findings: TIME_WAIT pile-up, retransmission rate, SYN flood, port scan */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_findings.h"
#include "port_scan.h"
#include "tcpscope/hosts.h"

static struct ts_anomaly host_anomaly(enum ts_anomaly_code code, const struct ts_host *h,
                                      const struct timespec *ts)
{
	struct ts_anomaly a = ts_anomaly_new(code, TS_EP_NONE, ts);
	a.host_af = h->af;
	memcpy(a.host_addr, h->addr, 16);
	return a;
}

static bool time_wait_pileup(const struct ts_analyzer *a, const struct ts_host *h)
{
	return h->states[TS_ST_TIME_WAIT] > a->cfg.time_wait_pileup;
}

/* The capture's length in seconds, at least 1: the base of a rate. */
static double capture_span(const struct ts_analyzer *a)
{
	double span = ts_timespec_sec(&a->last) - ts_timespec_sec(&a->first);
	return span > 1 ? span : 1;
}

/* A source whose unanswered SYNs come faster than the threshold over the
 * capture (and are at least as many as make a flood on one port): completed
 * and refused attempts do not count. */
static bool syn_flood_source(const struct ts_analyzer *a, const struct ts_host *h)
{
	return h->syns_unanswered >= a->cfg.syn_flood_half_open && a->cfg.syn_rate > 0 &&
	       (double)h->syns_unanswered >= a->cfg.syn_rate * capture_span(a);
}

static bool retransmits_much(const struct ts_analyzer *a, const struct ts_host *h)
{
	return h->segments_sent >= a->cfg.retrans_min_segments && ts_host_retrans_pct(h) > a->cfg.retrans_warn_pct;
}

static void host_findings_of(struct ts_analyzer *a, const struct ts_host *h, bool scanner)
{
	if (time_wait_pileup(a, h)) {
		struct ts_anomaly an = host_anomaly(TS_AN_TIME_WAIT_PILEUP, h, &a->last);
		an.value = h->states[TS_ST_TIME_WAIT];
		ts_analyzer_anomaly(a, NULL, &an);
	}
	/* A scanner's unanswered SYNs go to many ports: a scan, not a flood. */
	if (!scanner && syn_flood_source(a, h)) {
		double span = ts_timespec_sec(&a->last) - ts_timespec_sec(&a->first);
		struct ts_anomaly an = host_anomaly(TS_AN_SYN_FLOOD, h, &a->first);
		an.endpoint = TS_EP_CLIENT;
		an.value = h->syns_unanswered;
		char *detail = malloc(160);
		if (detail)
			snprintf(detail, 160, "source sent %llu unanswered SYNs in %.1f s (%.0f per second) over %llu connections",
			         (unsigned long long)h->syns_unanswered, span,
			         (double)h->syns_unanswered / capture_span(a), (unsigned long long)h->connections);
		an.detail = detail;
		ts_analyzer_anomaly(a, NULL, &an);
	}
	if (retransmits_much(a, h)) {
		double pct = ts_host_retrans_pct(h);
		struct ts_anomaly an = host_anomaly(TS_AN_RETRANSMISSION_HIGH, h, &a->last);
		if (pct > a->cfg.retrans_err_pct)
			an.severity = TS_SEV_ERR;
		an.value = h->segments_retransmitted;
		an.value2 = (uint32_t)(pct * 100.0 + 0.5);
		ts_analyzer_anomaly(a, NULL, &an);
	}
}

/* The findings of the notable hosts, in host order: only they are sorted. */
static void per_host(struct ts_analyzer *a, const struct ts_port_scan *scans, size_t n_scans)
{
	size_t n = 0, cap = 0;
	const struct ts_host **v = NULL;

	for (size_t i = 0; i < ts_hosts_count(&a->hosts); i++) {
		const struct ts_host *h = ts_hosts_at(&a->hosts, i);
		if (!time_wait_pileup(a, h) && !syn_flood_source(a, h) && !retransmits_much(a, h))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			const struct ts_host **bigger = realloc(v, cap * sizeof(*v));
			if (!bigger) {
				a->alloc_failures++;
				free(v);
				return;
			}
			v = bigger;
		}
		v[n++] = h;
	}
	ts_hosts_sort(v, n);
	for (size_t i = 0; i < n; i++)
		host_findings_of(a, v[i], ts_port_scans_has(scans, n_scans, v[i]->af, v[i]->addr));
	free(v);
}

/* One server port with its half-open connections, and their sources. */
struct flood_port {
	uint8_t af, addr[16];
	uint16_t port;
	uint64_t half_open, unanswered, cookies, silent_sources, first_id;
	struct timespec first;
};

/*
 * A connection attempt that counts towards a SYN flood on its server port:
 * half-open (SYN-ACK sent, no final ACK), or a SYN never answered that its
 * source never sent again: a spoofed source does not retransmit, where a real
 * client facing a dead or overwhelmed server does (the "first SYN drop" test).
 */
static bool half_open_flow(const struct ts_flow *f)
{
	if (f->cli.syn_seen && !f->srv.syn_seen && f->cli.syn_count <= 1 && f->cli.state == TS_ST_SYN_SENT &&
	    !f->refused)
		return true;
	return f->srv.passive && f->srv.syn_seen && !f->srv.passive_open && !f->has_ack_ts &&
	       (f->srv.state == TS_ST_SYN_RECEIVED || f->syn_cookie);
}

uint8_t ts_host_findings_marks(const struct ts_flow *f)
{
	return (uint8_t)(TS_HF_MARKED | (half_open_flow(f) ? TS_HF_HALF_OPEN : 0));
}

/* Whether flow i cannot count towards a flood, known without unpacking it. */
static bool surely_not_half_open(const struct ts_flow_view *flows, size_t i)
{
	uint8_t m = ts_flow_view_marks(&flows->v[i]);
	return (m & TS_HF_MARKED) && !(m & TS_HF_HALF_OPEN);
}

/* A source of half-open flows: (count << 32 | index of its first flow), so
 * that sorting puts the busiest first. */
struct source_count {
	uint64_t key;
	uint8_t addr[16];
};

static int by_key_desc(const void *x, const void *y)
{
	uint64_t a = ((const struct source_count *)x)->key, b = ((const struct source_count *)y)->key;
	return a < b ? 1 : a > b ? -1 : 0;
}

static const uint8_t *server_addr(const struct ts_flow *f, uint16_t *port)
{
	*port = f->client_is_lo ? f->key.hi_port : f->key.lo_port;
	return f->client_is_lo ? f->key.hi_addr : f->key.lo_addr;
}

/* Sources seen on half-open flows to one port: "top 3" text. */
static char *top_sources(struct ts_flow_view *flows, const struct flood_port *p)
{
	enum { MAX_SOURCES = 256 }; /* enough to name the top ones */
	struct source_count *src = malloc(MAX_SOURCES * sizeof(*src));
	size_t m = 0;

	if (!src)
		return NULL;
	for (size_t i = 0; i < flows->n && m < MAX_SOURCES; i++) {
		if (surely_not_half_open(flows, i))
			continue;
		const struct ts_flow *f = ts_flow_view_get(flows, i);
		uint16_t sport;
		const uint8_t *srv = server_addr(f, &sport);
		if (!half_open_flow(f) || f->key.af != p->af || sport != p->port || memcmp(srv, p->addr, 16) != 0)
			continue;
		const uint8_t *cli = f->client_is_lo ? f->key.lo_addr : f->key.hi_addr;
		size_t j;
		for (j = 0; j < m; j++)
			if (!memcmp(src[j].addr, cli, 16))
				break;
		if (j == m) {
			src[m].key = (uint64_t)i;
			memcpy(src[m++].addr, cli, 16);
		}
		src[j].key += 1ull << 32;
	}
	qsort(src, m, sizeof(*src), by_key_desc);
	char *out = malloc(256);
	if (!out) {
		free(src);
		return NULL;
	}
	size_t off = (size_t)snprintf(out, 256, "%zu sources; top:", m);
	for (size_t j = 0; j < m && j < 3 && off < 256; j++) {
		char addr[64];
		ts_format_addr(p->af, src[j].addr, addr, sizeof(addr));
		off += (size_t)snprintf(out + off, 256 - off, " %s (%llu)", addr, (unsigned long long)(src[j].key >> 32));
	}
	free(src);
	return out;
}

static void syn_floods(struct ts_analyzer *a, struct ts_flow_view *flows)
{
	struct flood_port *ports = NULL;
	size_t np = 0, cap = 0;

	for (size_t i = 0; i < flows->n; i++) {
		if (surely_not_half_open(flows, i))
			continue;
		const struct ts_flow *f = ts_flow_view_get(flows, i);
		if (!half_open_flow(f))
			continue;
		uint16_t sport;
		const uint8_t *srv = server_addr(f, &sport);
		size_t j;
		for (j = 0; j < np; j++)
			if (ports[j].port == sport && ports[j].af == f->key.af && !memcmp(ports[j].addr, srv, 16))
				break;
		if (j == np) {
			if (np == cap) {
				cap = cap ? cap * 2 : 8;
				struct flood_port *v = realloc(ports, cap * sizeof(*v));
				if (!v) {
					a->alloc_failures++;
					free(ports);
					return;
				}
				ports = v;
			}
			memset(&ports[np], 0, sizeof(ports[np]));
			ports[np].af = f->key.af;
			memcpy(ports[np].addr, srv, 16);
			ports[np].port = sport;
			ports[np].first = f->first;
			np++;
		}
		ports[j].half_open++;
		ports[j].unanswered += !f->srv.syn_seen;
		ports[j].cookies += f->syn_cookie;
		ports[j].silent_sources += f->cli.syn_count <= 1;
	}
	for (size_t j = 0; j < np; j++) {
		struct flood_port *p = &ports[j];
		if (p->half_open < a->cfg.syn_flood_half_open)
			continue;
		struct ts_anomaly an = ts_anomaly_new(TS_AN_SYN_FLOOD, TS_EP_SERVER, &p->first);
		an.host_af = p->af;
		memcpy(an.host_addr, p->addr, 16);
		an.port = p->port;
		an.value = p->half_open;
		an.value2 = (uint32_t)p->silent_sources;
		char *src = top_sources(flows, p);
		char *detail = malloc(384);
		if (detail)
			snprintf(detail, 384, "%llu half-open (%llu never answered); %llu SYNs never retransmitted "
			         "(spoofed sources); %llu SYN-ACKs never retransmitted (SYN cookies); %s",
			         (unsigned long long)p->half_open, (unsigned long long)p->unanswered,
			         (unsigned long long)p->silent_sources, (unsigned long long)p->cookies, src ? src : "");
		free(src);
		an.detail = detail;
		ts_analyzer_anomaly(a, NULL, &an);
	}
	free(ports);
}

static void port_scans(struct ts_analyzer *a, struct ts_port_scan *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ts_anomaly an = ts_anomaly_new(TS_AN_PORT_SCAN, TS_EP_CLIENT, &s[i].first);
		an.host_af = s[i].af;
		memcpy(an.host_addr, s[i].addr, 16);
		an.value = s[i].targets;
		an.value2 = (uint32_t)(s[i].hosts > UINT32_MAX ? UINT32_MAX : s[i].hosts);
		an.has_duration = 1;
		an.duration = ts_ns_timespec(ts_timespec_ns(&s[i].last) - ts_timespec_ns(&s[i].first));
		an.detail = s[i].detail; /* the analyzer owns it from here */
		s[i].detail = NULL;
		ts_analyzer_anomaly(a, NULL, &an);
	}
}

void ts_host_findings(struct ts_analyzer *a, struct ts_flow_view *flows)
{
	size_t n_scans;
	struct ts_port_scan *scans = ts_port_scans_find(a, flows, &n_scans);

	per_host(a, scans, n_scans);
	syn_floods(a, flows);
	port_scans(a, scans, n_scans);
	ts_port_scans_free(scans, n_scans);
}
