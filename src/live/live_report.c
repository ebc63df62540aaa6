/* \summary: live periodic (--interval) and interim (SIGUSR1) reports, text and JSON */
#include <string.h>

#include "tcpscope/json_buf.h"
#include "tcpscope/live_report.h"
#include "tcpscope/report.h"
#include "tcpscope/report_json.h"
#include "tcpscope/units.h"

void ts_live_mark_take(struct ts_live_mark *m, const struct ts_analyzer *an,
                       const struct ts_capture_stats *cap, const struct timespec *now)
{
	m->at = *now;
	m->packets = an->dec.packets;
	m->bytes = an->dec.bytes;
	m->next_flow_id = an->flows.next_id;
	memcpy(m->anomaly_counts, an->anomaly_counts, sizeof(m->anomaly_counts));
	m->dropped = cap->dropped;
	m->if_dropped = cap->if_dropped;
}

static uint64_t sub0(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

static void json_time(struct ts_jbuf *j, const char *key, const struct timespec *t)
{
	TS_JLIT(j, ",");
	ts_jbuf_name(j, key);
	ts_jbuf_time(j, t);
}

/* {"code":n,...} of the counts above base (base NULL: all non-zero counts). */
static void anomaly_counts_json(struct ts_jbuf *j, const uint64_t *now, const uint64_t *base)
{
	bool first = true;

	TS_JLIT(j, "{");
	for (int c = 0; c < TS_AN_COUNT; c++) {
		uint64_t n = sub0(now[c], base ? base[c] : 0);
		if (n)
			ts_jbuf_count(j, &first, ts_anomaly_info((enum ts_anomaly_code)c)->code, n);
	}
	TS_JLIT(j, "}");
}

/* "capture_drops":{"kernel":k,"interface":i, then what the caller adds */
static void json_drops(struct ts_jbuf *j, const struct ts_capture_stats *cap)
{
	TS_JLIT(j, ",\"capture_drops\":{\"kernel\":");
	ts_jbuf_u64(j, cap->dropped);
	TS_JLIT(j, ",\"interface\":");
	ts_jbuf_u64(j, cap->if_dropped);
}

/* The record's end: syslog failures when sending, the line, then out. */
static void json_end(struct ts_jbuf *j, const struct ts_live_extra *x)
{
	if (x->syslog)
		TS_JU(j, "syslog_failures", x->syslog_failures);
	TS_JLIT(j, "}\n");
	ts_jbuf_flush(j);
}

static uint64_t anomaly_counts_text(FILE *o, const uint64_t *now, const uint64_t *base)
{
	uint64_t total = 0;

	for (int c = 0; c < TS_AN_COUNT; c++) {
		uint64_t n = sub0(now[c], base ? base[c] : 0);
		if (!n)
			continue;
		fprintf(o, "%s%s %llu", total ? ", " : "", ts_anomaly_info((enum ts_anomaly_code)c)->code,
		        (unsigned long long)n);
		total += n;
	}
	return total;
}

static uint64_t anomalies_total(const uint64_t *now, const uint64_t *base)
{
	uint64_t total = 0;
	for (int c = 0; c < TS_AN_COUNT; c++)
		total += sub0(now[c], base ? base[c] : 0);
	return total;
}

/* Tracked flows that saw a packet at or after since (packet time is wall time live). */
static size_t flows_active_since(const struct ts_analyzer *an, const struct timespec *since)
{
	const struct ts_flow *f;
	size_t n = 0;
	int64_t t = ts_timespec_ns(since);

	for (f = an->flows.all_head; f; f = f->all_next)
		n += ts_timespec_ns(&f->last) >= t;
	return n;
}

void ts_live_report_interval(FILE *o, const struct ts_analyzer *an, const struct ts_live_mark *m,
                             const struct timespec *now, const struct ts_live_extra *x)
{
	double secs = (double)(ts_timespec_ns(now) - ts_timespec_ns(&m->at)) / TS_NSEC_PER_SEC;
	uint64_t packets = sub0(an->dec.packets, m->packets), bytes = sub0(an->dec.bytes, m->bytes);
	size_t active = flows_active_since(an, &m->at);
	uint64_t new_flows = sub0(an->flows.next_id, m->next_flow_id);
	uint64_t drop_k = sub0(x->cap->dropped, m->dropped), drop_i = sub0(x->cap->if_dropped, m->if_dropped);

	if (x->json) {
		struct ts_jbuf j; /* on the stack: once an interval, on the capture thread */
		ts_jbuf_init(&j, o);
		TS_JLIT(&j, "{\"type\":\"interval\"");
		json_time(&j, "start", &m->at);
		json_time(&j, "end", now);
		TS_JLIT(&j, ",\"seconds\":");
		ts_jbuf_double(&j, secs, 3);
		TS_JU(&j, "packets", packets);
		TS_JU(&j, "bytes", bytes);
		TS_JLIT(&j, ",\"packets_per_second\":");
		ts_jbuf_double(&j, secs > 0 ? (double)packets / secs : 0.0, 1);
		TS_JU(&j, "flows_active", active);
		TS_JU(&j, "flows_new", new_flows);
		TS_JU(&j, "flows_tracked", an->flows.live);
		TS_JU(&j, "anomalies_new", anomalies_total(an->anomaly_counts, m->anomaly_counts));
		TS_JLIT(&j, ",\"anomalies\":");
		anomaly_counts_json(&j, an->anomaly_counts, m->anomaly_counts);
		json_drops(&j, x->cap);
		TS_JU(&j, "kernel_new", drop_k);
		TS_JU(&j, "interface_new", drop_i);
		TS_JLIT(&j, "}");
		json_end(&j, x);
	} else {
		char t[48];
		ts_format_time(now, t, sizeof(t));
		fprintf(o, "-- %s  last %.1f s: %llu packets (%.0f/s), %zu flows active, %llu new, %zu tracked\n",
		        t, secs, (unsigned long long)packets, secs > 0 ? (double)packets / secs : 0.0, active,
		        (unsigned long long)new_flows, an->flows.live);
		uint64_t n = anomalies_total(an->anomaly_counts, m->anomaly_counts);
		fprintf(o, "   %snew anomalies %llu%s", x->color && n ? "\033[33m" : "", (unsigned long long)n,
		        n ? ": " : "");
		anomaly_counts_text(o, an->anomaly_counts, m->anomaly_counts);
		fputs(x->color && n ? "\033[0m\n" : "\n", o);
		fprintf(o, "   %scapture drops: kernel %llu (+%llu), interface %llu (+%llu)%s",
		        x->color && (drop_k || drop_i) ? "\033[1;31m" : "", (unsigned long long)x->cap->dropped,
		        (unsigned long long)drop_k, (unsigned long long)x->cap->if_dropped,
		        (unsigned long long)drop_i, x->color && (drop_k || drop_i) ? "\033[0m" : "");
		if (x->syslog)
			fprintf(o, "; syslog failures %llu", (unsigned long long)x->syslog_failures);
		fputc('\n', o);
	}
	fflush(o);
}

void ts_interim_figures_add(struct ts_interim_figures *f, const struct ts_analyzer *an, bool reads_packets)
{
	const struct ts_flow_table *t = &an->flows;

	if (reads_packets) {
		f->packets += an->dec.packets;
		f->bytes += an->dec.bytes;
	}
	f->tcp_segments += an->dec.tcp_segments;
	/* A sharded run's flow ids are packet indexes: count the flows instead. */
	if (an->cfg.ids_from_packet_index)
		f->flows_seen += t->live + t->done.count + t->unlisted;
	else
		f->flows_seen += t->next_id ? t->next_id - 1 : 0;
	f->flows_tracked += t->live;
	for (const struct ts_flow *fl = t->all_head; fl; fl = fl->all_next) {
		f->states[fl->cli.state]++;
		f->states[fl->srv.state]++;
	}
	for (int c = 0; c < TS_AN_COUNT; c++)
		f->anomalies[c] += an->anomaly_counts[c];
}

void ts_live_report_interim(FILE *o, const struct ts_interim_figures *fig, const struct timespec *start,
                            const struct timespec *now, const struct ts_live_extra *x)
{
	double secs = (double)(ts_timespec_ns(now) - ts_timespec_ns(start)) / TS_NSEC_PER_SEC;

	if (x->json) {
		struct ts_jbuf j;
		ts_jbuf_init(&j, o);
		TS_JLIT(&j, "{\"type\":\"interim\"");
		json_time(&j, "start", start);
		json_time(&j, "now", now);
		TS_JLIT(&j, ",\"seconds\":");
		ts_jbuf_double(&j, secs, 3);
		TS_JU(&j, "packets", fig->packets);
		TS_JU(&j, "bytes", fig->bytes);
		TS_JU(&j, "tcp_segments", fig->tcp_segments);
		TS_JU(&j, "flows", fig->flows_seen);
		TS_JU(&j, "flows_tracked", fig->flows_tracked);
		TS_JLIT(&j, ",\"states\":");
		ts_json_states(&j, fig->states);
		TS_JLIT(&j, ",\"anomalies\":");
		anomaly_counts_json(&j, fig->anomalies, NULL);
		json_drops(&j, x->cap);
		TS_JLIT(&j, "}");
		json_end(&j, x);
	} else {
		char t[48];
		ts_format_time(now, t, sizeof(t));
		fprintf(o, "== interim report %s (%.1f s running)\n", t, secs);
		fprintf(o, "   packets %llu (%llu TCP), %llu bytes\n", (unsigned long long)fig->packets,
		        (unsigned long long)fig->tcp_segments, (unsigned long long)fig->bytes);
		fprintf(o, "   flows %llu seen, %zu tracked", (unsigned long long)fig->flows_seen,
		        fig->flows_tracked);
		const char *sep = "; endpoints ";
		for (int s = 0; s < TS_ST_COUNT; s++) {
			if (!fig->states[s])
				continue;
			fprintf(o, "%s%s %llu", sep, ts_tcp_state_name((enum ts_tcp_state)s),
			        (unsigned long long)fig->states[s]);
			sep = ", ";
		}
		fputs("\n   anomalies ", o);
		if (!anomaly_counts_text(o, fig->anomalies, NULL))
			fputs("none", o);
		fprintf(o, "\n   capture drops: kernel %llu, interface %llu", (unsigned long long)x->cap->dropped,
		        (unsigned long long)x->cap->if_dropped);
		if (x->syslog)
			fprintf(o, "; syslog failures %llu", (unsigned long long)x->syslog_failures);
		fputc('\n', o);
	}
	fflush(o);
}
