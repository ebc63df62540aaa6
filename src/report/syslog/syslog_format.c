/* \summary: RFC 5424 message and RFC 6587 frame formatting for syslog output, no I/O */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tcpscope/syslog_format.h"
#include "tcpscope/report.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

#define HOSTNAME_MAX 255  /* RFC 5424 6.2.4 */
#define MSGID_MAX 32      /* RFC 5424 6.2.7 */
#define PARAM_VALUE_MAX 256 /* keeps one long detail from crowding out MSG */

/* An output buffer that refuses whatever does not fit whole. */
struct out {
	char *p;
	size_t len, n;
	bool full;
};

static void put(struct out *o, const char *s, size_t k)
{
	if (o->full || k >= o->len - o->n) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->n, s, k);
	o->n += k;
	o->p[o->n] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static bool printusascii(unsigned char c)
{
	return c >= 33 && c <= 126;
}

/* A header field (RFC 5424 PRINTUSASCII, at most max octets) or "-". */
static void put_token(struct out *o, const char *s, size_t max)
{
	char tok[HOSTNAME_MAX + 1];
	size_t k = 0;

	if (max > HOSTNAME_MAX)
		max = HOSTNAME_MAX;
	for (; s && s[k] && k < max; k++)
		tok[k] = printusascii((unsigned char)s[k]) ? s[k] : '_';
	if (k == 0)
		tok[k++] = '-';
	put(o, tok, k);
}

int ts_syslog_pri(int facility, int severity)
{
	if (facility < 0 || facility > 23 || severity < 0 || severity > 7)
		return -1;
	return facility * 8 + severity;
}

size_t ts_syslog_timestamp(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;
	time_t sec = t->tv_sec;
	int n = -1;

	if (t->tv_nsec >= 0 && t->tv_nsec < TS_NSEC_PER_SEC && gmtime_r(&sec, &tm) &&
	    tm.tm_year >= -1900 && tm.tm_year <= 9999 - 1900)
		n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		             t->tv_nsec / TS_NSEC_PER_USEC);
	if (n < 0 || (size_t)n >= len)
		n = snprintf(buf, len, "-"); /* NILVALUE rather than a partial time */
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

size_t ts_syslog_escape_value(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (len == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool esc = *p == '"' || *p == '\\' || *p == ']';
		size_t need = esc ? 2 : 1;

		if (n + need >= len)
			break;
		if (esc)
			buf[n++] = '\\';
		/* Control and non-ASCII bytes would break line-based collectors or
		 * the UTF-8 that RFC 5424 requires of values. */
		buf[n++] = *p < 0x20 || *p >= 0x7f ? '?' : (char)*p;
	}
	buf[n] = '\0';
	return n;
}

static void put_param(struct out *o, const char *name, const char *value)
{
	char esc[PARAM_VALUE_MAX];

	ts_syslog_escape_value(value, esc, sizeof(esc));
	puts_(o, " ");
	puts_(o, name);
	puts_(o, "=\"");
	puts_(o, esc);
	puts_(o, "\"");
}

static void put_param_u64(struct out *o, const char *name, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	put_param(o, name, num);
}

/* Seconds with six decimals, computed from integers so no rounding shows. */
static void put_param_duration(struct out *o, const struct timespec *d)
{
	int64_t us = (int64_t)d->tv_sec * TS_USEC_PER_SEC + d->tv_nsec / TS_NSEC_PER_USEC;
	uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	char num[32];

	snprintf(num, sizeof(num), "%s%" PRIu64 ".%06" PRIu64, us < 0 ? "-" : "",
	         mag / TS_USEC_PER_SEC, mag % TS_USEC_PER_SEC);
	put_param(o, "duration", num);
}

static void put_structured_data(struct out *o, const struct ts_flow *flow,
                                const struct ts_anomaly *a)
{
	char text[80];

	puts_(o, "[" TS_SYSLOG_SD_ID);
	if (flow) {
		put_param_u64(o, "flow", flow->id);
		ts_flow_format_endpoint(flow, true, text, sizeof(text));
		put_param(o, "client", text);
		ts_flow_format_endpoint(flow, false, text, sizeof(text));
		put_param(o, "server", text);
	} else {
		ts_format_addr(a->host_af, a->host_addr, text, sizeof(text));
		put_param(o, "host", text);
		if (a->port)
			put_param_u64(o, "port", a->port);
	}
	if (a->endpoint == TS_EP_CLIENT || a->endpoint == TS_EP_SERVER)
		put_param(o, "endpoint", a->endpoint == TS_EP_CLIENT ? "client" : "server");
	put_param(o, "severity", ts_severity_name((enum ts_severity)a->severity));
	if (a->has_duration)
		put_param_duration(o, &a->duration);
	put_param_u64(o, "value", a->value);
	if (a->value2)
		put_param_u64(o, "value2", a->value2);
	if (a->detail)
		put_param(o, "detail", a->detail);
	if (flow) {
		put_param_u64(o, "c2s_retrans", flow->cli.st.retrans_segments);
		put_param_u64(o, "c2s_data", flow->cli.st.data_segments);
		put_param_u64(o, "s2c_retrans", flow->srv.st.retrans_segments);
		put_param_u64(o, "s2c_data", flow->srv.st.data_segments);
	}
	puts_(o, "]");
}

/* MSG: as much of the sentence as fits, printable ASCII only. */
static void put_msg(struct out *o, const struct ts_flow *flow, const struct ts_anomaly *a)
{
	struct ts_report_anomaly ra = { .flow = flow, .a = a };
	size_t room = o->len - o->n;

	if (o->full || room < 3)
		return;
	o->p[o->n++] = ' ';
	room--;
	ts_anomaly_message(&ra, o->p + o->n, room);
	for (char *c = o->p + o->n; *c; c++, o->n++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
}

int ts_syslog_format(const struct ts_syslog_origin *org, const struct ts_flow *flow,
                     const struct ts_anomaly *a, char *buf, size_t len)
{
	const struct ts_anomaly_info *info = ts_anomaly_info((enum ts_anomaly_code)a->code);
	int pri = ts_syslog_pri(org->facility, a->severity);
	struct out o = { .p = buf, .len = len };
	char field[48];

	if (!info || pri < 0)
		return -EINVAL;
	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';

	snprintf(field, sizeof(field), "<%d>1 ", pri);
	puts_(&o, field);
	ts_syslog_timestamp(&a->ts, field, sizeof(field));
	puts_(&o, field);
	puts_(&o, " ");
	put_token(&o, org->hostname, HOSTNAME_MAX);
	puts_(&o, " " TS_SYSLOG_APP_NAME " ");
	if (org->procid > 0)
		snprintf(field, sizeof(field), "%ld", org->procid);
	else
		snprintf(field, sizeof(field), "-");
	puts_(&o, field);
	puts_(&o, " ");
	put_token(&o, info->code, MSGID_MAX);
	puts_(&o, " ");
	put_structured_data(&o, flow, a);
	if (o.full)
		return -ENOSPC;
	put_msg(&o, flow, a);
	return (int)o.n;
}

int ts_syslog_frame(const char *msg, size_t msg_len, char *out, size_t out_len)
{
	int n = snprintf(out, out_len, "%zu ", msg_len);

	if (n < 0 || (size_t)n >= out_len || msg_len > out_len - (size_t)n)
		return -ENOSPC;
	memcpy(out + n, msg, msg_len);
	return n + (int)msg_len;
}
