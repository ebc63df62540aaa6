/* \summary: anomaly codes, their RFC 5424 severities and explanations */
#ifndef TCPSCOPE_ANOMALY_H
#define TCPSCOPE_ANOMALY_H

#include <stdint.h>
#include <time.h>

/* RFC 5424 section 6.2.1 severities */
enum ts_severity {
	TS_SEV_EMERG = 0, TS_SEV_ALERT, TS_SEV_CRIT, TS_SEV_ERR,
	TS_SEV_WARNING, TS_SEV_NOTICE, TS_SEV_INFO, TS_SEV_DEBUG,
};

enum ts_anomaly_code {
	TS_AN_CLOSE_WAIT_STALL = 0,
	TS_AN_FIN_WAIT_2_STALL,
	TS_AN_FIN_WAIT_1_STALL,
	TS_AN_LAST_ACK_STALL,
	TS_AN_CLOSING_STALL,
	TS_AN_SYN_UNANSWERED,
	TS_AN_CONNECTION_REFUSED,
	TS_AN_HALF_OPEN,
	TS_AN_SYN_FLOOD,
	TS_AN_RETRANSMISSION_HIGH,
	TS_AN_RTO_BACKOFF,
	TS_AN_SPURIOUS_RETRANSMISSIONS,
	TS_AN_RESET,
	TS_AN_OUT_OF_WINDOW_RST,
	TS_AN_ZERO_WINDOW_STALL,
	TS_AN_TIME_WAIT_PILEUP,
	TS_AN_PORT_REUSE,
	TS_AN_HALF_CLOSE,
	TS_AN_SIMULTANEOUS_CLOSE,
	TS_AN_SIMULTANEOUS_OPEN,
	TS_AN_MSS_MISSING,
	TS_AN_MSS_MISMATCH,
	TS_AN_SEGMENT_EXCEEDS_MSS,
	TS_AN_IP_FRAGMENTED,
	TS_AN_PORT_SCAN,
	TS_AN_RST_IN_WINDOW,
	TS_AN_COUNT
};

enum ts_anomaly_endpoint { TS_EP_NONE = 0, TS_EP_CLIENT, TS_EP_SERVER };

struct ts_anomaly_info {
	const char *code;          /* stable, never renamed */
	enum ts_severity severity; /* default severity */
	const char *explanation;   /* what it means, the likely cause, what to check */
};

/* One finding. Flows hold a few; details are computed numbers, not text. */
struct ts_anomaly {
	uint8_t code;              /* enum ts_anomaly_code */
	uint8_t severity;          /* may differ from the default (retransmission_high) */
	uint8_t endpoint;          /* enum ts_anomaly_endpoint */
	uint8_t has_duration;
	struct timespec ts;        /* when it began */
	struct timespec duration;  /* stall length, when has_duration */
	uint64_t value;            /* code-specific figure: retransmissions, count... */
	uint32_t value2;           /* second figure: e.g. percentage x 100 */
	const char *detail;        /* host-level findings: owned by the analyzer, else NULL */
	uint8_t host_af;           /* host-level findings: the host */
	uint8_t host_addr[16];
	uint16_t port;             /* host-level findings: the port concerned, or 0 */
};

/* A finding of this code with its default severity, ready for details. */
struct ts_anomaly ts_anomaly_new(enum ts_anomaly_code code, enum ts_anomaly_endpoint ep,
                                 const struct timespec *ts);

const struct ts_anomaly_info *ts_anomaly_info(enum ts_anomaly_code c);
const char *ts_severity_name(enum ts_severity s);   /* "warning" */
int ts_severity_parse(const char *name);            /* -1 when unknown */

#endif
