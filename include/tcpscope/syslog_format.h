/* \summary: RFC 5424 messages for anomalies, and RFC 6587 framing: pure formatting, no I/O */
#ifndef TCPSCOPE_SYSLOG_FORMAT_H
#define TCPSCOPE_SYSLOG_FORMAT_H

#include <stddef.h>
#include <time.h>

#include "tcpscope/anomaly.h"
#include "tcpscope/flow.h"

/*
 * Every anomaly becomes one RFC 5424 message:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME tcpscope PROCID MSGID [tcpscope@32473 k="v" ...] MSG
 *
 * PRI = facility * 8 + the anomaly's severity; TIMESTAMP is the packet time in
 * UTC with microseconds; MSGID is the anomaly code; MSG is the sentence of
 * ts_anomaly_message(), plain printable ASCII without a BOM. 32473 is the
 * private enterprise number reserved for documentation (RFC 5612).
 *
 * Structured-data parameters, in this order, each only when it applies:
 *   flow, client, server        the flow's id and "ip:port" ("[v6]:port")
 *   host, port                  host-level findings (no flow); port when not 0
 *   endpoint                    "client" or "server"
 *   severity                    RFC 5424 keyword ("warning")
 *   duration                    seconds, microsecond precision
 *   value, value2               the code-specific figures (value2 when not 0)
 *   detail                      the analyzer's text of a host-level finding
 *   c2s_retrans, c2s_data,      retransmitted and data segments per direction
 *   s2c_retrans, s2c_data
 * Values escape '"', '\' and ']' with a backslash (RFC 5424 6.3.3); control
 * and non-ASCII bytes become '?', so the whole message stays printable ASCII.
 */

#define TS_SYSLOG_SD_ID      "tcpscope@32473"
#define TS_SYSLOG_APP_NAME   "tcpscope"
#define TS_SYSLOG_MSG_MAX    2048 /* RFC 5424 6.1: receivers SHOULD accept 2048 octets */

/* Who sends: the header fields that do not come from the anomaly. */
struct ts_syslog_origin {
	int facility;          /* 0..23 */
	const char *hostname;  /* NULL or "" -> "-" */
	long procid;           /* <= 0 -> "-" */
};

/* facility * 8 + severity, or -1 when either is out of range. */
int ts_syslog_pri(int facility, int severity);

/* RFC 3339 UTC with microseconds ("2026-11-21T10:00:00.123456Z"), or "-" when
 * the time cannot be written so (years outside 0000..9999, bad nanoseconds).
 * Returns the length written; buf needs 28 bytes. */
size_t ts_syslog_timestamp(const struct timespec *t, char *buf, size_t len);

/* PARAM-VALUE escaping of s into buf (always NUL-terminated when len > 0).
 * Stops before an escape pair that would not fit whole, so the result never
 * ends in a lone backslash. Returns the length written. */
size_t ts_syslog_escape_value(const char *s, char *buf, size_t len);

/*
 * The complete message for one anomaly, NUL-terminated, without framing.
 * Returns its length, -EINVAL for a bad facility, severity or code, or
 * -ENOSPC when even the header and structured data do not fit in len
 * (TS_SYSLOG_MSG_MAX always suffices); MSG alone is cut to fit.
 */
int ts_syslog_format(const struct ts_syslog_origin *o, const struct ts_flow *flow,
                     const struct ts_anomaly *a, char *buf, size_t len);

/* RFC 6587 octet counting: "LEN SP MSG" into out. Returns the frame length or
 * -ENOSPC. */
int ts_syslog_frame(const char *msg, size_t msg_len, char *out, size_t out_len);

#endif
