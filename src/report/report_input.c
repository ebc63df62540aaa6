/* \summary: assemble what reporters need: sorted flows, hosts and anomalies */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/report_input.h"

static int by_severity_then_time(const void *x, const void *y)
{
	const struct ts_anomaly_ref *a = x, *b = y;
	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	if (a->ts_ns != b->ts_ns)
		return a->ts_ns < b->ts_ns ? -1 : 1;
	/* Host-level first, then by flow: the view is in id order. */
	uint64_t fa = a->flow == TS_NO_FLOW ? 0 : (uint64_t)a->flow + 1;
	uint64_t fb = b->flow == TS_NO_FLOW ? 0 : (uint64_t)b->flow + 1;
	if (fa != fb)
		return fa < fb ? -1 : 1;
	if (a->code != b->code)
		return a->code < b->code ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * Refs are appended host findings first, then in flow order, and a flow's
 * findings mostly date from its first packet: a capture whose findings are
 * of one severity (a million refused connections) is often in the order
 * by_severity_then_time gives already (a total order: no two refs are
 * equal). Appending notes whether each ref keeps that order, so the refs are
 * sorted only when one did not.
 */
struct ref_list {
	struct ts_anomaly_ref *v;
	size_t n, cap;
	bool in_order;
};

static int append_ref(struct ref_list *l, struct ts_anomaly_ref r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap * 2 + 16;
		struct ts_anomaly_ref *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if (l->n && by_severity_then_time(&l->v[l->n - 1], &r) > 0)
		l->in_order = false;
	l->v[l->n++] = r;
	return 0;
}

/* Append r, keeping in's view of the list current (it frees the array). */
static int add_ref(struct ts_report_input *in, struct ref_list *l, struct ts_anomaly_ref r)
{
	int rc = append_ref(l, r);

	in->anomalies = l->v;
	in->n_anomalies = l->n;
	return rc;
}

static struct ts_anomaly_ref anomaly_ref(const struct ts_anomaly *an, uint32_t flow, uint32_t index)
{
	return (struct ts_anomaly_ref){ ts_timespec_ns(&an->ts), flow, index, an->severity, an->code };
}

static bool parse_host(const char *s, uint8_t *af, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*af = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*af = 6;
		return true;
	}
	return false;
}

enum ts_report_input_result ts_report_input_build(struct ts_report_input *in, struct ts_analyzer *an,
                                                  const char *host_filter)
{
	memset(in, 0, sizeof(*in));
	in->an = an;
	in->flows = ts_analyzer_take_view(an); /* the host findings' view, when it is current */
	if (!in->flows) {
		in->flows = malloc(sizeof(*in->flows));
		if (!in->flows)
			return TS_REPORT_INPUT_FAILED;
		if (ts_flow_view_build(in->flows, &an->flows) < 0) {
			free(in->flows);
			in->flows = NULL;
			return TS_REPORT_INPUT_FAILED;
		}
	}
	if (in->flows->n >= TS_NO_FLOW)
		return TS_REPORT_INPUT_FAILED; /* anomalies name their flow in 32 bits; freed by ts_report_input_free */
	in->n_flows = in->flows->n;
	in->hosts = ts_hosts_sorted(&an->hosts, &in->n_hosts);
	if (!in->hosts)
		return TS_REPORT_INPUT_FAILED;
	if (host_filter) {
		uint8_t af, addr[16];
		if (!parse_host(host_filter, &af, addr))
			return TS_REPORT_INPUT_BAD_HOST;
		size_t k = 0;
		for (size_t i = 0; i < in->n_hosts; i++)
			if (in->hosts[i]->af == af && !memcmp(in->hosts[i]->addr, addr, 16))
				in->hosts[k++] = in->hosts[i];
		in->n_hosts = k;
	}
	struct ref_list refs = { NULL, 0, 0, true };
	refs.cap = an->n_host_anomalies + in->n_flows / 2 + 16;
	refs.v = malloc(refs.cap * sizeof(*refs.v));
	in->anomalies = refs.v; /* freed by ts_report_input_free, whatever happens */
	if (!refs.v)
		return TS_REPORT_INPUT_FAILED;
	for (size_t i = 0; i < an->n_host_anomalies; i++)
		if (add_ref(in, &refs, anomaly_ref(&an->host_anomalies[i], TS_NO_FLOW, (uint32_t)i)) < 0)
			return TS_REPORT_INPUT_FAILED;
	/* From each flow's digest: no flow is unpacked for this pass. */
	struct ts_flow_digest d;
	for (size_t i = 0; i < in->n_flows; i++) {
		ts_flow_view_digest(in->flows, i, &d);
		in->states[d.cli_state]++;
		in->states[d.srv_state]++;
		for (unsigned j = 0; j < d.n_anomalies; j++) {
			struct ts_anomaly_ref r = { ts_timespec_ns(&d.an[j].ts), (uint32_t)i, j, d.an[j].severity,
				                    d.an[j].code };
			if (add_ref(in, &refs, r) < 0)
				return TS_REPORT_INPUT_FAILED;
		}
	}
	if (!refs.in_order)
		qsort(refs.v, refs.n, sizeof(*refs.v), by_severity_then_time);
	return TS_REPORT_INPUT_OK;
}

void ts_report_input_free(struct ts_report_input *in)
{
	if (in->flows)
		ts_flow_view_free(in->flows);
	free(in->flows);
	free(in->hosts);
	free(in->anomalies);
	memset(in, 0, sizeof(*in));
}

const struct ts_flow *ts_report_flow(const struct ts_report_input *in, size_t i)
{
	return ts_flow_view_get(in->flows, i);
}

/* In severity order the flows come in no order: fetch ahead. */
static void prefetch_anomaly_flows(const struct ts_report_input *in, size_t i)
{
	if (i + 24 < in->n_anomalies && in->anomalies[i + 24].flow != TS_NO_FLOW)
		__builtin_prefetch(&in->flows->v[in->anomalies[i + 24].flow]);
	if (i + 16 < in->n_anomalies && in->anomalies[i + 16].flow != TS_NO_FLOW)
		ts_flow_view_prefetch(in->flows, in->anomalies[i + 16].flow, true);
	if (i + 8 < in->n_anomalies && in->anomalies[i + 8].flow != TS_NO_FLOW)
		ts_flow_view_prefetch(in->flows, in->anomalies[i + 8].flow, false);
}

struct ts_report_anomaly ts_report_anomaly(const struct ts_report_input *in, size_t i)
{
	const struct ts_anomaly_ref *r = &in->anomalies[i];

	prefetch_anomaly_flows(in, i);
	if (r->flow == TS_NO_FLOW)
		return (struct ts_report_anomaly){ NULL, &in->an->host_anomalies[r->index] };
	const struct ts_flow *f = ts_flow_view_get(in->flows, r->flow);
	return (struct ts_report_anomaly){ f, &f->anomalies[r->index] };
}

struct ts_report_anomaly ts_report_anomaly_named(const struct ts_report_input *in, size_t i)
{
	const struct ts_anomaly_ref *r = &in->anomalies[i];
	const struct ts_anomaly *a;

	prefetch_anomaly_flows(in, i);
	if (r->flow == TS_NO_FLOW)
		return (struct ts_report_anomaly){ NULL, &in->an->host_anomalies[r->index] };
	const struct ts_flow *f = ts_flow_view_finding(in->flows, r->flow, r->index, &a);
	return (struct ts_report_anomaly){ f, a };
}
