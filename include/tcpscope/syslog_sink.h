/* \summary: RFC 5424 syslog output of anomalies: local socket, UDP, TCP (RFC 6587) */
#ifndef TCPSCOPE_SYSLOG_SINK_H
#define TCPSCOPE_SYSLOG_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcpscope/anomaly.h"
#include "tcpscope/capture.h" /* TS_ERRBUF_SIZE */
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
#define TS_SYSLOG_DEFAULT_PORT 514
#define TS_SYSLOG_LOCAL_PATH "/dev/log"

#define TS_SYSLOG_FAC_DAEMON 3
#define TS_SYSLOG_FAC_LOCAL0 16
#define TS_SYSLOG_FAC_LOCAL7 23

struct ts_syslog; /* opaque: one connection to a collector */

/*
 * target:
 *   NULL or ""          the local syslog daemon: unix datagram socket /dev/log
 *   "unix:PATH"         a unix datagram socket at PATH
 *   "udp://HOST[:PORT]" RFC 5426, one message per datagram
 *   "tcp://HOST[:PORT]" RFC 6587 octet-counting framing ("LEN SP MSG")
 * Local daemons often parse /dev/log as the legacy syslog(3) format: rsyslog
 * needs useSpecialParser="off" on its imuxsock input to read the structured
 * data (the PRI is understood either way).
 * HOST may be a name, an IPv4 address or a bracketed IPv6 address
 * ("udp://[::1]:514"); PORT defaults to 514. Names are resolved here, once.
 * facility: TS_SYSLOG_FAC_DAEMON or TS_SYSLOG_FAC_LOCAL0..7.
 * A collector that is down is not an error here: sends fail and are counted
 * until it comes back. Returns NULL with errbuf filled on a bad target or
 * facility, an unresolvable host, or no memory.
 */
struct ts_syslog *ts_syslog_open(const char *target, int facility, char errbuf[TS_ERRBUF_SIZE]);

/* "daemon", "local0".."local7" -> the facility code; anything else -> -1. */
int ts_syslog_parse_facility(const char *name);

/*
 * Send one anomaly; flow is NULL for host-level findings. Returns 0 when the
 * message was handed to the kernel (or queued behind earlier bytes of a TCP
 * stream), else -errno, and the failure is counted. Never blocks for long: all
 * sockets are non-blocking, a TCP connection attempt waits at most
 * TS_SYSLOG_CONNECT_MS and is retried no more often than a back-off that
 * grows from TS_SYSLOG_RETRY_MIN_MS to TS_SYSLOG_RETRY_MAX_MS.
 */
int ts_syslog_send_anomaly(struct ts_syslog *s, const struct ts_flow *flow,
                           const struct ts_anomaly *a);

#define TS_SYSLOG_CONNECT_MS   200
#define TS_SYSLOG_RETRY_MIN_MS 500
#define TS_SYSLOG_RETRY_MAX_MS 30000
#define TS_SYSLOG_CLOSE_FLUSH_MS 1000 /* close() waits this long for queued TCP bytes */

/* Messages that could not be delivered (send errors, drops, lost queues). */
uint64_t ts_syslog_failures(const struct ts_syslog *s);

/* Hands queued TCP frames to the kernel, waiting at most timeout_ms (one
 * connection attempt if the link is down); frames still queued then are
 * dropped and counted. 0, or -errno. Datagram targets have nothing queued. */
int ts_syslog_flush(struct ts_syslog *s, int timeout_ms);

/* ts_syslog_flush() with TS_SYSLOG_CLOSE_FLUSH_MS, then close and free. NULL is
 * fine. Read ts_syslog_failures() after flushing, before closing. */
void ts_syslog_close(struct ts_syslog *s);

/* ---- Pure formatting, no I/O ---- */

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
