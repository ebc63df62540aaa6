/* \summary: -w: the packets of the anomalous flows, found by reading the files a second time */
#include <stdlib.h>
#include <string.h>

#include "run_write.h"
#include "tcpscope/dissect.h"
#include "tcpscope/units.h"

/* One anomalous flow: its key and the time its packets span. A key used
 * again later (port reuse) is another flow with another span. */
struct flow_span {
	struct ts_flow_key key;
	int64_t first_ns, last_ns;
};

static int span_cmp(const void *a, const void *b)
{
	const struct flow_span *x = a, *y = b;
	int c = memcmp(&x->key, &y->key, sizeof(x->key));

	if (c)
		return c;
	return x->first_ns < y->first_ns ? -1 : x->first_ns > y->first_ns;
}

/* Is the packet (decoded into key at ts_ns) in one of the spans? */
static bool wanted(const struct flow_span *spans, size_t n, const struct ts_flow_key *key, int64_t ts_ns)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first span of this key */
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(&spans[mid].key, key, sizeof(*key)) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && !memcmp(&spans[lo].key, key, sizeof(*key)); lo++)
		if (ts_ns >= spans[lo].first_ns && ts_ns <= spans[lo].last_ns)
			return true;
	return false;
}

static struct flow_span *anomalous_spans(const struct ts_report_input *in, size_t *n)
{
	struct flow_span *spans = malloc((in->n_flows ? in->n_flows : 1) * sizeof(*spans));

	*n = 0;
	if (!spans)
		return NULL;
	for (size_t i = 0; i < in->n_flows; i++) {
		const struct ts_flow *f = ts_report_flow(in, i);
		if (!ts_flow_is_anomalous(f))
			continue;
		spans[*n].key = f->key;
		spans[*n].first_ns = ts_timespec_ns(&f->first);
		spans[*n].last_ns = ts_timespec_ns(&f->last);
		(*n)++;
	}
	qsort(spans, *n, sizeof(*spans), span_cmp);
	return spans;
}

/* The same files, filter, -c and --duration as the analysis: the same
 * packets, of which those of the anomalous flows are written. */
int ts_run_write_anomalous(struct run_state *rs, const struct ts_report_input *in, char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_cli *cli = rs->cli;
	struct ts_capture_opts opts = cli->cap;
	size_t n_spans;
	struct flow_span *spans = anomalous_spans(in, &n_spans);

	if (!spans) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "-w: out of memory");
		return -1;
	}
	opts.on_wake = NULL; /* files only: nothing blocks */
	struct ts_capture *cap = ts_capture_open_files(cli->inputs, cli->n_inputs, &opts, errbuf);
	if (!cap) {
		free(spans);
		return -1;
	}
	struct ts_pkt pkt;
	uint64_t packets = 0;
	int64_t stop_at_ns = 0;
	int rc;
	char readerr[TS_ERRBUF_SIZE];

	while (n_spans && (rc = ts_capture_next(cap, &pkt, readerr)) != TS_CAP_EOF) {
		if (rc != TS_CAP_PACKET)
			continue; /* the analysis met and reported it already */
		int64_t ts = ts_timespec_ns(&pkt.ts);
		if (cli->duration > 0 && !stop_at_ns)
			stop_at_ns = ts + (int64_t)(cli->duration * TS_NSEC_PER_SEC);
		if (stop_at_ns && ts > stop_at_ns)
			break;
		/* an interrupted analysis read this many packets; so do we */
		if (packets++ == rs->packets)
			break;
		struct ts_decoded d;
		enum ts_decode_reason why = TS_DR_NONE;
		struct ts_flow_key key;
		if (ts_decode_packet(&pkt, &d, &why) != TS_D_OK)
			continue;
		ts_flow_key_make(&key, &d);
		if (wanted(spans, n_spans, &key, ts))
			ts_packet_writer_put(&rs->writer, &pkt);
	}
	ts_capture_close(cap);
	free(spans);
	return 0;
}
