/* \summary: formatting shared by the reporters: percentages, times, anomaly sentences */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tcpscope/json_buf.h"
#include "tcpscope/report_format.h"
#include "tcpscope/units.h"

double ts_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void ts_format_time(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;
	time_t s = t->tv_sec;

	if (!gmtime_r(&s, &tm)) {
		snprintf(buf, len, "%lld", (long long)s);
		return;
	}
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n && n < len)
		snprintf(buf + n, len - n, ".%06ldZ", t->tv_nsec / TS_NSEC_PER_USEC);
}

bool ts_flow_is_anomalous(const struct ts_flow *f)
{
	for (unsigned i = 0; i < f->n_anomalies; i++)
		if (f->anomalies[i].severity <= TS_SEV_NOTICE)
			return true;
	return false;
}


/* Copy s to buf + at, within len, NUL-terminated like snprintf; returns the
 * length the text would have had. Messages are made for every anomaly of
 * big captures: plain copies, not printf, where nothing is formatted. */
static size_t put_str(char *buf, size_t len, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (at < len) {
		size_t room = len - at - 1, k = n < room ? n : room;
		memcpy(buf + at, s, k);
		buf[at + k] = '\0';
	}
	return at + n;
}

/* "client 10.0.0.1:40000", "server [2001:db8::1]:80", "host 10.0.0.2", "flow #3". */
void ts_anomaly_subject(const struct ts_report_anomaly *ra, char *buf, size_t len)
{
	const struct ts_anomaly *a = ra->a;
	char addr[80];

	char num[21];

	if (!ra->flow) {
		ts_format_addr(a->host_af, a->host_addr, addr, sizeof(addr));
		size_t n = put_str(buf, len, 0, a->port ? "server " : "host ");
		n = put_str(buf, len, n, addr);
		if (a->port) {
			ts_u64_str(num, a->port);
			n = put_str(buf, len, n, " port ");
			put_str(buf, len, n, num);
		}
		return;
	}
	if (a->endpoint == TS_EP_NONE) {
		ts_u64_str(num, ra->flow->id);
		put_str(buf, len, put_str(buf, len, 0, "flow #"), num);
		return;
	}
	ts_flow_format_endpoint(ra->flow, a->endpoint == TS_EP_CLIENT, addr, sizeof(addr));
	size_t n = put_str(buf, len, 0, a->endpoint == TS_EP_CLIENT ? "client " : "server ");
	put_str(buf, len, n, addr);
}

bool ts_anomaly_message_reads_figures(uint8_t code)
{
	return code == TS_AN_SYN_UNANSWERED; /* the SYN count, below */
}

/* Of the flow, only its id, key and roles, and figures only for the codes
 * ts_anomaly_message_reads_figures names: reporters that fetch no more
 * (ts_report_anomaly_named) rely on it. */
static size_t specifics(const struct ts_report_anomaly *ra, const char *who, char *buf, size_t len)
{
	const struct ts_anomaly *a = ra->a;
	double dur = a->has_duration ? ts_timespec_sec(&a->duration) : 0.0;
	double pct = a->value2 / 100.0;
	unsigned long long v = (unsigned long long)a->value;
	int n;

	switch ((enum ts_anomaly_code)a->code) {
	case TS_AN_CLOSE_WAIT_STALL: n = snprintf(buf, len, "%s stayed in CLOSE_WAIT for %.1f s", who, dur); break;
	case TS_AN_FIN_WAIT_2_STALL: n = snprintf(buf, len, "%s stayed in FIN_WAIT_2 for %.1f s", who, dur); break;
	case TS_AN_FIN_WAIT_1_STALL:
		n = snprintf(buf, len, "%s stayed in FIN_WAIT_1 for %.1f s with %llu FIN retransmissions", who, dur, v);
		break;
	case TS_AN_LAST_ACK_STALL:
		n = snprintf(buf, len, "%s stayed in LAST_ACK for %.1f s with %llu FIN retransmissions", who, dur, v);
		break;
	case TS_AN_CLOSING_STALL: n = snprintf(buf, len, "%s stayed in CLOSING for %.1f s", who, dur); break;
	case TS_AN_SYN_UNANSWERED:
		n = snprintf(buf, len, "%s sent %u SYNs without an answer", who,
		             ra->flow ? ra->flow->cli.syn_count : 0);
		break;
	case TS_AN_SYN_FLOOD:
	case TS_AN_PORT_SCAN:
		n = snprintf(buf, len, "%s: %s", who, a->detail ? a->detail : "");
		break;
	case TS_AN_RETRANSMISSION_HIGH:
		n = snprintf(buf, len, "%s retransmitted %llu segments (%.2f%%)", who, v, pct);
		break;
	case TS_AN_SPURIOUS_RETRANSMISSIONS:
		n = snprintf(buf, len, "%s resent %llu already acknowledged segments", who, v);
		break;
	case TS_AN_RESET:
		n = snprintf(buf, len, "%s reset the connection in %s%s", who,
		             ts_tcp_state_name((enum ts_tcp_state)a->value), a->value2 ? " (abortive close)" : "");
		break;
	case TS_AN_ZERO_WINDOW_STALL:
		n = snprintf(buf, len, "%s advertised a zero window for %.1f s", who, dur);
		break;
	case TS_AN_TIME_WAIT_PILEUP:
		n = snprintf(buf, len, "%s holds %llu connections in TIME_WAIT", who, v);
		break;
	case TS_AN_MSS_MISMATCH:
		n = snprintf(buf, len, "%s: client MSS %llu, server MSS %u", who, v, a->value2);
		break;
	case TS_AN_SEGMENT_EXCEEDS_MSS:
		n = snprintf(buf, len, "%s sent %llu segments larger than the MSS", who, v);
		break;
	case TS_AN_IP_FRAGMENTED:
		n = snprintf(buf, len, "%s sent %llu fragmented segments", who, v);
		break;
	case TS_AN_RST_IN_WINDOW:
		n = snprintf(buf, len, "%s sent %llu RSTs in the window but not at the expected sequence "
		             "number, answered by %u challenge ACKs", who, v, a->value2);
		break;
	default:
		n = (int)put_str(buf, len, 0, who);
	}
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

size_t ts_anomaly_specifics(const struct ts_report_anomaly *ra, char *buf, size_t len)
{
	char who[160];

	ts_anomaly_subject(ra, who, sizeof(who));
	return specifics(ra, who, buf, len);
}

size_t ts_anomaly_message(const struct ts_report_anomaly *ra, char *buf, size_t len)
{
	size_t n = ts_anomaly_specifics(ra, buf, len);
	n = put_str(buf, len, n, ". ");
	return put_str(buf, len, n, ts_anomaly_info(ra->a->code)->explanation);
}
