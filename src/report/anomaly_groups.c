/* \summary: alike findings grouped for the text report: one line for a flood of them */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly_groups.h"
#include "tcpscope/port_set.h"
#include "tcpscope/units.h"

static int cmp_u8(uint8_t a, uint8_t b) { return a < b ? -1 : a > b; }

/* What makes findings alike: code, severity and the end of the flow. */
static int cmp_kind(const struct ts_group_item *a, const struct ts_group_item *b)
{
	int c;
	if ((c = cmp_u8(a->code, b->code)) || (c = cmp_u8(a->severity, b->severity)) ||
	    (c = cmp_u8(a->endpoint, b->endpoint)) || (c = cmp_u8(a->af, b->af)))
		return c;
	return 0;
}

static int cmp_pos(const struct ts_group_item *a, const struct ts_group_item *b)
{
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Same kind between the same two hosts. */
static int pair_key(const struct ts_group_item *a, const struct ts_group_item *b)
{
	int c;
	if ((c = cmp_kind(a, b)) || (c = memcmp(a->cli, b->cli, 16)) || (c = memcmp(a->srv, b->srv, 16)))
		return c;
	return 0;
}

/* Same kind to the same server port. */
static int port_key(const struct ts_group_item *a, const struct ts_group_item *b)
{
	int c;
	if ((c = cmp_kind(a, b)) || (c = memcmp(a->srv, b->srv, 16)))
		return c;
	return a->srv_port < b->srv_port ? -1 : a->srv_port > b->srv_port;
}

static int by_pair(const void *x, const void *y)
{
	int c = pair_key(x, y);
	return c ? c : cmp_pos(x, y);
}

static int by_port(const void *x, const void *y)
{
	int c = port_key(x, y);
	return c ? c : cmp_pos(x, y);
}

static int by_pos(const void *x, const void *y) { return cmp_pos(x, y); }

static int by_addr(const void *x, const void *y) { return memcmp(x, y, 16); }

static void item_of(struct ts_group_item *it, const struct ts_report_anomaly *ra, uint32_t pos)
{
	const struct ts_flow *f = ra->flow;

	memset(it, 0, sizeof(*it));
	it->code = ra->a->code;
	it->severity = ra->a->severity;
	it->endpoint = ra->a->endpoint;
	it->af = f->key.af;
	memcpy(it->cli, f->client_is_lo ? f->key.lo_addr : f->key.hi_addr, 16);
	memcpy(it->srv, f->client_is_lo ? f->key.hi_addr : f->key.lo_addr, 16);
	it->cli_port = f->client_is_lo ? f->key.lo_port : f->key.hi_port;
	it->srv_port = f->client_is_lo ? f->key.hi_port : f->key.lo_port;
	it->pos = pos;
	it->ts_ns = ts_timespec_ns(&ra->a->ts);
	it->duration_ns = ra->a->has_duration ? ts_timespec_ns(&ra->a->duration) : -1;
	it->group = TS_GROUP_NONE;
}

/* Numbers the runs of items equal under key (items sorted by it): each
 * item's run and the run's size. Returns how many runs. */
static size_t number_runs(struct ts_anomaly_groups *g, int (*key)(const struct ts_group_item *, const struct ts_group_item *),
                          bool pair)
{
	size_t runs = 0;
	for (size_t i = 0, j; i < g->n_items; i = j) {
		for (j = i + 1; j < g->n_items && !key(&g->items[i], &g->items[j]); j++)
			;
		for (size_t k = i; k < j; k++) {
			g->items[k].run[pair] = (uint32_t)runs;
			g->items[k].run_size[pair] = (uint32_t)(j - i);
		}
		runs++;
	}
	return runs;
}

/* Items not grouped yet whose run of one kind (pair, or its other kind when
 * other) holds at least min_count of them become groups of that run. */
static int claim(struct ts_anomaly_groups *g, size_t runs[2], bool other, unsigned min_count)
{
	uint32_t *count[2], *group[2];
	int rc = -1;

	for (int k = 0; k < 2; k++) {
		count[k] = calloc(runs[k] ? runs[k] : 1, sizeof(uint32_t));
		group[k] = malloc((runs[k] ? runs[k] : 1) * sizeof(uint32_t));
		if (group[k])
			for (size_t r = 0; r < runs[k]; r++)
				group[k][r] = TS_GROUP_NONE;
	}
	if (!count[0] || !count[1] || !group[0] || !group[1])
		goto out;
	for (size_t i = 0; i < g->n_items; i++) {
		struct ts_group_item *it = &g->items[i];
		if (it->group == TS_GROUP_NONE) {
			bool kind = it->preferred ^ other;
			count[kind][it->run[kind]]++;
		}
	}
	for (size_t i = 0; i < g->n_items; i++) {
		struct ts_group_item *it = &g->items[i];
		bool kind = it->preferred ^ other;
		uint32_t r = it->run[kind];
		if (it->group != TS_GROUP_NONE || count[kind][r] < min_count)
			continue;
		if (group[kind][r] == TS_GROUP_NONE) {
			struct ts_anomaly_group *v = realloc(g->groups, (g->n_groups + 1) * sizeof(*v));
			if (!v)
				goto out;
			g->groups = v;
			memset(&v[g->n_groups], 0, sizeof(v[0]));
			v[g->n_groups].by_pair = kind;
			group[kind][r] = (uint32_t)g->n_groups++;
		}
		it->group = group[kind][r];
	}
	rc = 0;
out:
	for (int k = 0; k < 2; k++) {
		free(count[k]);
		free(group[k]);
	}
	return rc;
}

/* Members in report order, and each group's figures. */
static int gather(struct ts_anomaly_groups *g)
{
	size_t *fill = calloc(g->n_groups + 1, sizeof(*fill));

	/* zeroed: every slot is written below, but not in an order a checker can follow */
	g->members = calloc(g->n_items ? g->n_items : 1, sizeof(*g->members));
	if (!fill || !g->members) {
		free(fill);
		return -1;
	}
	for (size_t i = 0; i < g->n_items; i++)
		if (g->items[i].group != TS_GROUP_NONE)
			g->groups[g->items[i].group].count++;
	size_t at = 0;
	for (size_t k = 0; k < g->n_groups; k++) {
		struct ts_anomaly_group *gr = &g->groups[k];
		gr->first = at;
		at += gr->count;
		gr->first_ns = INT64_MAX;
		gr->last_ns = INT64_MIN;
		gr->min_duration_ns = gr->max_duration_ns = -1;
	}
	g->grouped = at;
	for (size_t i = 0; i < g->n_items; i++) {
		const struct ts_group_item *it = &g->items[i];
		if (it->group == TS_GROUP_NONE)
			continue;
		struct ts_anomaly_group *gr = &g->groups[it->group];
		g->members[gr->first + fill[it->group]++] = (uint32_t)i;
		g->group_of[it->pos] = it->group;
		if (it->ts_ns < gr->first_ns)
			gr->first_ns = it->ts_ns;
		if (it->ts_ns > gr->last_ns)
			gr->last_ns = it->ts_ns;
		if (it->duration_ns >= 0) {
			if (gr->min_duration_ns < 0 || it->duration_ns < gr->min_duration_ns)
				gr->min_duration_ns = it->duration_ns;
			if (it->duration_ns > gr->max_duration_ns)
				gr->max_duration_ns = it->duration_ns;
		}
	}
	free(fill);
	for (size_t k = 0; k < g->n_groups; k++) {
		struct ts_anomaly_group *gr = &g->groups[k];
		uint8_t (*cli)[16] = malloc(gr->count * sizeof(*cli));
		if (!cli)
			return -1;
		for (size_t m = 0; m < gr->count; m++)
			memcpy(cli[m], ts_anomaly_group_item(g, gr, m)->cli, 16);
		qsort(cli, gr->count, sizeof(*cli), by_addr);
		gr->clients = 1;
		for (size_t m = 1; m < gr->count; m++)
			gr->clients += memcmp(cli[m], cli[m - 1], 16) != 0;
		free(cli);
	}
	return 0;
}

int ts_anomaly_groups_build(struct ts_anomaly_groups *g, const struct ts_report_input *in, int min_severity,
                            unsigned min_count)
{
	memset(g, 0, sizeof(*g));
	if (!in->n_anomalies)
		return 0;
	g->n_anomalies = in->n_anomalies;
	g->group_of = malloc(in->n_anomalies * sizeof(*g->group_of));
	g->items = malloc(in->n_anomalies * sizeof(*g->items));
	if (!g->group_of || !g->items)
		goto fail;
	for (size_t i = 0; i < in->n_anomalies; i++) {
		g->group_of[i] = TS_GROUP_NONE;
		if (in->anomalies[i].severity > min_severity || in->anomalies[i].flow == TS_NO_FLOW)
			continue;
		struct ts_report_anomaly ra = ts_report_anomaly(in, i);
		item_of(&g->items[g->n_items++], &ra, (uint32_t)i);
	}
	/* Each finding joins the bigger of its two runs: a scan's findings share
	 * their two hosts, a flood's its server port. What is left too small
	 * there tries the other kind. */
	size_t runs[2];
	qsort(g->items, g->n_items, sizeof(*g->items), by_pair);
	runs[1] = number_runs(g, pair_key, true);
	qsort(g->items, g->n_items, sizeof(*g->items), by_port);
	runs[0] = number_runs(g, port_key, false);
	qsort(g->items, g->n_items, sizeof(*g->items), by_pos);
	for (size_t i = 0; i < g->n_items; i++)
		g->items[i].preferred = g->items[i].run_size[1] >= g->items[i].run_size[0];
	if (claim(g, runs, false, min_count) < 0 || claim(g, runs, true, min_count) < 0)
		goto fail;
	if (gather(g) < 0)
		goto fail;
	return 0;
fail:
	ts_anomaly_groups_free(g);
	return -1;
}

void ts_anomaly_groups_free(struct ts_anomaly_groups *g)
{
	free(g->items);
	free(g->group_of);
	free(g->groups);
	free(g->members);
	memset(g, 0, sizeof(*g));
}

const struct ts_anomaly_group *ts_anomaly_group_of(const struct ts_anomaly_groups *g, size_t i, bool *leads)
{
	*leads = false;
	if (i >= g->n_anomalies || !g->group_of || g->group_of[i] == TS_GROUP_NONE)
		return NULL;
	const struct ts_anomaly_group *gr = &g->groups[g->group_of[i]];
	*leads = ts_anomaly_group_item(g, gr, 0)->pos == i;
	return gr;
}

/* "10.0.0.9:80" or "[2001:db8::9]:80". */
static void host_port(uint8_t af, const uint8_t addr[16], uint16_t port, char *buf, size_t len)
{
	char a[64];
	ts_format_addr(af, addr, a, sizeof(a));
	snprintf(buf, len, strchr(a, ':') ? "[%s]:%u" : "%s:%u", a, (unsigned)port);
}

size_t ts_anomaly_group_describe(const struct ts_anomaly_groups *g, const struct ts_anomaly_group *gr,
                                 char *buf, size_t len)
{
	const struct ts_group_item *it = ts_anomaly_group_item(g, gr, 0);
	static const char *const role[] = { "", "client end of ", "server end of " };
	char cli[64], srv[80], ports[160] = "";
	int n;

	ts_format_addr(it->af, it->cli, cli, sizeof(cli));
	ts_format_addr(it->af, it->srv, srv, sizeof(srv));
	const char *who = it->endpoint < 3 ? role[it->endpoint] : "";
	uint16_t *p = gr->by_pair ? malloc(gr->count * sizeof(*p)) : NULL;
	size_t np = 0;
	if (p) {
		for (size_t k = 0; k < gr->count; k++)
			p[k] = ts_anomaly_group_item(g, gr, k)->srv_port;
		np = ts_port_set_normalize(p, gr->count);
		ts_port_set_format(p, np, 4, ports, sizeof(ports));
		free(p);
	}
	if (!gr->by_pair || np == 1) {
		host_port(it->af, it->srv, it->srv_port, srv, sizeof(srv));
		np = 1;
	}
	if (gr->by_pair)
		n = snprintf(buf, len, "%s%zu flows from %s to %s%s%s", who, gr->count, cli, srv,
		             np > 1 ? " ports " : "", np > 1 ? ports : "");
	else
		n = snprintf(buf, len, "%s%zu flows from %llu client%s to %s", who, gr->count,
		             (unsigned long long)gr->clients, gr->clients == 1 ? "" : "s", srv);
	if (n < 0)
		return 0;
	size_t at = (size_t)n < len ? (size_t)n : len - 1;
	if (gr->min_duration_ns >= 0 && at + 1 < len) {
		double lo = (double)gr->min_duration_ns / TS_NSEC_PER_SEC;
		double hi = (double)gr->max_duration_ns / TS_NSEC_PER_SEC;
		if (gr->min_duration_ns == gr->max_duration_ns)
			n = snprintf(buf + at, len - at, ", each lasting %.1f s", lo);
		else
			n = snprintf(buf + at, len - at, ", lasting %.1f to %.1f s", lo, hi);
		if (n > 0)
			at += (size_t)n < len - at ? (size_t)n : len - at - 1;
	}
	return at;
}
