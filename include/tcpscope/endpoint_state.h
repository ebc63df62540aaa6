/* \summary: RFC 793 connection states of one endpoint */
#ifndef TCPSCOPE_ENDPOINT_STATE_H
#define TCPSCOPE_ENDPOINT_STATE_H

enum ts_tcp_state {
	TS_ST_UNKNOWN = 0, /* nothing seen that tells */
	TS_ST_LISTEN,
	TS_ST_SYN_SENT,
	TS_ST_SYN_RECEIVED,
	TS_ST_ESTABLISHED,
	TS_ST_FIN_WAIT_1,
	TS_ST_FIN_WAIT_2,
	TS_ST_CLOSE_WAIT,
	TS_ST_CLOSING,
	TS_ST_LAST_ACK,
	TS_ST_TIME_WAIT,
	TS_ST_CLOSED,
	TS_ST_COUNT
};

const char *ts_tcp_state_name(enum ts_tcp_state s);

#endif
