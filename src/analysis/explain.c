/* \summary: --explain: why each set-apart segment of a flow was classified as it was */
#include <stdio.h>

#include "tcpscope/dissect.h"
#include "tcpscope/explain.h"
#include "tcpscope/units.h"

int ts_explain_format(const struct ts_segment_event *ev, char *buf, size_t len)
{
	size_t off = 0;
	int n;

#define PUT(...) do { \
		n = snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__); \
		if (n > 0) \
			off += (size_t)n; \
	} while (0)

	PUT("#%llu %lld.%06ld pkt %llu %s seq %u:%u (%u bytes%s%s) %s", (unsigned long long)ev->flow_id,
	    (long long)ev->ts.tv_sec, ev->ts.tv_nsec / TS_NSEC_PER_USEC, (unsigned long long)ev->pkt_index,
	    ev->from_client ? "c2s" : "s2c", ev->seq, ev->seq + ev->len, ev->len,
	    (ev->flags & TS_TCP_SYN) ? ", SYN" : "", (ev->flags & TS_TCP_FIN) ? ", FIN" : "",
	    ts_seg_class_name((enum ts_seg_class)ev->cls));
	if (ev->retx_kind)
		PUT(" (%s)", ev->retx_kind);
	PUT(": %s", ev->rule ? ev->rule : "-");
	if (ev->retransmission || ev->cls == TS_SEG_OUT_OF_ORDER)
		PUT("; highest sequence sent before it %u", ev->highest_sent);
	if (ev->hole_age_ns >= 0 && ev->hole_age_ns != INT64_MAX)
		PUT("; the hole had been open %.6f s", (double)ev->hole_age_ns / TS_NSEC_PER_SEC);
	if (ev->since_prev_ns >= 0)
		PUT("; %.6f s after this side's previous segment", (double)ev->since_prev_ns / TS_NSEC_PER_SEC);
	if (ev->ip_id || ev->newest_ip_id)
		PUT("; IP-ID %u, newest before %u", ev->ip_id, ev->newest_ip_id);
	if (ev->retx_kind)
		PUT("; the peer had sent %u duplicate ACKs in a row", ev->peer_dup_acks);
#undef PUT
	return (int)off;
}

static void explain_segment(void *ctx, const struct ts_flow *f, const struct ts_segment_event *ev)
{
	struct ts_explain *e = ctx;
	char line[768];

	if (e->next)
		e->next(e->next_ctx, f, ev);
	if (ev->flow_id != e->flow_id || !ev->rule)
		return;
	ts_explain_format(ev, line, sizeof(line));
	fprintf(e->out, "%s\n", line);
	e->lines++;
}

void ts_explain_install(struct ts_explain *e, struct ts_analyzer_config *cfg, uint64_t flow_id, FILE *out)
{
	e->flow_id = flow_id;
	e->out = out;
	e->lines = 0;
	e->next = cfg->on_segment;
	e->next_ctx = cfg->segment_ctx;
	cfg->on_segment = explain_segment;
	cfg->segment_ctx = e;
}
