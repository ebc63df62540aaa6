/* \summary: RFC 5424 syslog output of anomalies: local socket, UDP, TCP (RFC 6587) */
#ifndef TCPSCOPE_SYSLOG_SINK_H
#define TCPSCOPE_SYSLOG_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcpscope/anomaly.h"
#include "tcpscope/errbuf.h"
#include "tcpscope/flow.h"
#include "tcpscope/syslog_format.h"

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

#endif
