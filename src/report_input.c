/* \summary: assemble what reporters need: sorted flows, hosts and anomalies */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/report.h"

static int by_severity_then_time(const void *x, const void *y)
{
	const struct ts_report_anomaly *a = x, *b = y;
	if (a->a->severity != b->a->severity)
		return a->a->severity < b->a->severity ? -1 : 1;
	int64_t ta = ts_timespec_ns(&a->a->ts), tb = ts_timespec_ns(&b->a->ts);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	uint64_t fa = a->flow ? a->flow->id : 0, fb = b->flow ? b->flow->id : 0;
	if (fa != fb)
		return fa < fb ? -1 : 1;
	return a->a->code < b->a->code ? -1 : a->a->code > b->a->code;
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

int ts_report_input_build(struct ts_report_input *in, struct ts_analyzer *an, const char *host_filter)
{
	memset(in, 0, sizeof(*in));
	in->an = an;
	in->flows = ts_flow_table_sorted(&an->flows, &in->n_flows);
	in->hosts = ts_hosts_sorted(&an->hosts, &in->n_hosts);
	if (!in->flows || !in->hosts)
		return -1;
	if (host_filter) {
		uint8_t af, addr[16];
		if (!parse_host(host_filter, &af, addr))
			return -2;
		size_t k = 0;
		for (size_t i = 0; i < in->n_hosts; i++)
			if (in->hosts[i]->af == af && !memcmp(in->hosts[i]->addr, addr, 16))
				in->hosts[k++] = in->hosts[i];
		in->n_hosts = k;
	}
	size_t n = an->n_host_anomalies;
	for (size_t i = 0; i < in->n_flows; i++)
		n += in->flows[i]->n_anomalies;
	in->anomalies = malloc((n ? n : 1) * sizeof(*in->anomalies));
	if (!in->anomalies)
		return -1;
	for (size_t i = 0; i < an->n_host_anomalies; i++)
		in->anomalies[in->n_anomalies++] = (struct ts_report_anomaly){ NULL, &an->host_anomalies[i] };
	for (size_t i = 0; i < in->n_flows; i++)
		for (unsigned j = 0; j < in->flows[i]->n_anomalies; j++)
			in->anomalies[in->n_anomalies++] =
				(struct ts_report_anomaly){ in->flows[i], &in->flows[i]->anomalies[j] };
	qsort(in->anomalies, in->n_anomalies, sizeof(*in->anomalies), by_severity_then_time);
	return 0;
}

void ts_report_input_free(struct ts_report_input *in)
{
	free(in->flows);
	free(in->hosts);
	free(in->anomalies);
	memset(in, 0, sizeof(*in));
}
