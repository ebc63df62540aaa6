/* \summary: the anomaly table: stable codes, RFC 5424 severities, explanations */
#include <string.h>

#include "tcpscope/anomaly.h"

static const struct ts_anomaly_info anomaly_table[TS_AN_COUNT] = {
	[TS_AN_CLOSE_WAIT_STALL] = { "close_wait_stall", TS_SEV_WARNING,
		"The peer closed and its FIN was acknowledged, but this endpoint sent no FIN of its own: "
		"the application did not call close(). Many of these exhaust descriptors; check the "
		"application's connection handling." },
	[TS_AN_FIN_WAIT_2_STALL] = { "fin_wait_2_stall", TS_SEV_NOTICE,
		"This endpoint's FIN was acknowledged but the peer never sent its own: the peer "
		"application is not closing (its side sits in CLOSE_WAIT). Not a network problem." },
	[TS_AN_FIN_WAIT_1_STALL] = { "fin_wait_1_stall", TS_SEV_WARNING,
		"This endpoint's FIN was never acknowledged (FIN retransmissions are counted): the peer "
		"is unreachable, or a network or firewall problem drops the FIN or its ACK." },
	[TS_AN_LAST_ACK_STALL] = { "last_ack_stall", TS_SEV_WARNING,
		"This endpoint closed after the peer did, but its FIN was never acknowledged: the FIN or "
		"the final ACK is being lost on the path." },
	[TS_AN_CLOSING_STALL] = { "closing_stall", TS_SEV_NOTICE,
		"Both sides sent FIN but this endpoint's FIN was never acknowledged: the final ACK was "
		"probably lost." },
	[TS_AN_SYN_UNANSWERED] = { "syn_unanswered", TS_SEV_WARNING,
		"The SYN got no answer: the server is down, or a firewall or route drops the SYN or the "
		"SYN-ACK. Check reachability of the server port." },
	[TS_AN_CONNECTION_REFUSED] = { "connection_refused", TS_SEV_NOTICE,
		"The server answered the SYN with RST: nothing listens on that port, or the listen "
		"queue refused it." },
	[TS_AN_HALF_OPEN] = { "half_open", TS_SEV_NOTICE,
		"The server sent SYN-ACK but the handshake's final ACK never came: the client vanished, "
		"the ACK was lost, or the SYN came from a spoofed source." },
	[TS_AN_SYN_FLOOD] = { "syn_flood", TS_SEV_CRIT,
		"Many half-open connections to one server port: a SYN flood. Spoofed sources never "
		"retransmit their SYN; SYN-ACKs that are never retransmitted are SYN cookies. Check "
		"tcp_syncookies, the backlog, and the sources." },
	[TS_AN_RETRANSMISSION_HIGH] = { "retransmission_high", TS_SEV_WARNING,
		"Retransmitted segments exceed the threshold of segments sent: congestion, an "
		"overloaded receiver or router, corrupted segments or a bad path." },
	[TS_AN_RTO_BACKOFF] = { "rto_backoff", TS_SEV_WARNING,
		"The same segment was resent with doubling gaps (retransmission timer back-off): "
		"nothing comes back from the peer for a while." },
	[TS_AN_SPURIOUS_RETRANSMISSIONS] = { "spurious_retransmissions", TS_SEV_NOTICE,
		"Data already acknowledged was sent again: ACKs are lost or late on the return path." },
	[TS_AN_RESET] = { "reset", TS_SEV_NOTICE,
		"The connection was reset. An RST instead of a FIN on a quiet connection is an "
		"abortive close (SO_LINGER {1, 0})." },
	[TS_AN_OUT_OF_WINDOW_RST] = { "out_of_window_rst", TS_SEV_WARNING,
		"An RST outside the receiver's window was ignored: a stale or forged reset." },
	[TS_AN_ZERO_WINDOW_STALL] = { "zero_window_stall", TS_SEV_WARNING,
		"The receiver advertised a zero window for a long time: its application does not read "
		"fast enough." },
	[TS_AN_TIME_WAIT_PILEUP] = { "time_wait_pileup", TS_SEV_WARNING,
		"This host holds many connections in TIME_WAIT: it connects and disconnects very often "
		"and risks running out of ephemeral ports. Consider keep-alive connections." },
	[TS_AN_PORT_REUSE] = { "port_reuse", TS_SEV_INFO,
		"A new connection reused the address and port pair of an earlier one." },
	[TS_AN_HALF_CLOSE] = { "half_close", TS_SEV_INFO,
		"One side closed its direction while the other kept sending: a legitimate half-close, "
		"but TCP keeps no deadline for it." },
	[TS_AN_SIMULTANEOUS_CLOSE] = { "simultaneous_close", TS_SEV_INFO,
		"Both sides sent FIN before seeing the other's: both passed through CLOSING." },
	[TS_AN_SIMULTANEOUS_OPEN] = { "simultaneous_open", TS_SEV_INFO,
		"Both sides sent SYN to each other: a simultaneous open." },
	[TS_AN_MSS_MISSING] = { "mss_missing", TS_SEV_INFO,
		"A SYN carried no MSS option: 536 bytes is assumed for that side." },
	[TS_AN_MSS_MISMATCH] = { "mss_mismatch", TS_SEV_NOTICE,
		"The two sides announced MSS values further apart than IPv4/IPv6 headers, tunnels or "
		"clamping on a 1500-byte path explain: different MTUs, such as jumbo frames on one side. "
		"The smaller one is used." },
	[TS_AN_SEGMENT_EXCEEDS_MSS] = { "segment_exceeds_mss", TS_SEV_NOTICE,
		"Segments larger than the effective MSS were captured: TSO/GRO on the capturing host "
		"merges segments, or the MSS was not respected." },
	[TS_AN_IP_FRAGMENTED] = { "ip_fragmented", TS_SEV_WARNING,
		"TCP segments travelled in IP fragments: the MSS is larger than the path allows." },
	[TS_AN_PORT_SCAN] = { "port_scan", TS_SEV_WARNING,
		"One source sent SYNs to many ports or hosts and most went unanswered or were refused: "
		"a port scan (reconnaissance), not a flood of one service. Check who the source is and "
		"which of the targets answered." },
	[TS_AN_RST_IN_WINDOW] = { "rst_in_window", TS_SEV_INFO,
		"An RST inside the receiver's window but not at its next expected sequence number is not "
		"obeyed: the receiver answers with a challenge ACK (RFC 5961), which a peer that really "
		"reset answers with an exact RST. Late or reordered resets do this; it is not a forgery "
		"by itself." },
};

const struct ts_anomaly_info *ts_anomaly_info(enum ts_anomaly_code c)
{
	return (unsigned)c < TS_AN_COUNT ? &anomaly_table[c] : NULL;
}

struct ts_anomaly ts_anomaly_new(enum ts_anomaly_code code, enum ts_anomaly_endpoint ep,
                                 const struct timespec *ts)
{
	struct ts_anomaly a;

	memset(&a, 0, sizeof(a));
	a.code = (uint8_t)code;
	a.severity = (uint8_t)anomaly_table[code].severity;
	a.endpoint = (uint8_t)ep;
	a.ts = *ts;
	return a;
}

static const char *const severity_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

const char *ts_severity_name(enum ts_severity s)
{
	return (unsigned)s < 8 ? severity_names[s] : "unknown";
}

int ts_severity_parse(const char *name)
{
	for (int i = 0; i < 8; i++)
		if (strcmp(name, severity_names[i]) == 0)
			return i;
	if (strcmp(name, "error") == 0)
		return TS_SEV_ERR;
	if (strcmp(name, "warn") == 0)
		return TS_SEV_WARNING;
	return -1;
}
