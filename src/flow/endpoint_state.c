/* \summary: names of endpoint states and handshake outcomes */
#include "tcpscope/endpoint_state.h"
#include "tcpscope/flow.h"

static const char *const state_names[TS_ST_COUNT] = {
	[TS_ST_UNKNOWN] = "UNKNOWN",         [TS_ST_LISTEN] = "LISTEN",
	[TS_ST_SYN_SENT] = "SYN_SENT",       [TS_ST_SYN_RECEIVED] = "SYN_RECEIVED",
	[TS_ST_ESTABLISHED] = "ESTABLISHED", [TS_ST_FIN_WAIT_1] = "FIN_WAIT_1",
	[TS_ST_FIN_WAIT_2] = "FIN_WAIT_2",   [TS_ST_CLOSE_WAIT] = "CLOSE_WAIT",
	[TS_ST_CLOSING] = "CLOSING",         [TS_ST_LAST_ACK] = "LAST_ACK",
	[TS_ST_TIME_WAIT] = "TIME_WAIT",     [TS_ST_CLOSED] = "CLOSED",
};

const char *ts_tcp_state_name(enum ts_tcp_state s)
{
	return (unsigned)s < TS_ST_COUNT ? state_names[s] : "UNKNOWN";
}

static const char *const handshake_names[] = {
	[TS_HS_NONE] = "none",
	[TS_HS_COMPLETE] = "complete",
	[TS_HS_REFUSED] = "refused",
	[TS_HS_UNANSWERED] = "unanswered",
	[TS_HS_HALF_OPEN] = "half_open",
	[TS_HS_SIMULTANEOUS_OPEN] = "simultaneous_open",
	[TS_HS_MIDSTREAM] = "midstream",
};

const char *ts_handshake_name(enum ts_handshake h)
{
	return (unsigned)h <= TS_HS_MIDSTREAM ? handshake_names[h] : "none";
}
