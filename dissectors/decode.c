/* \summary: packet decode entry point (link -> IP -> TCP) */
#include <pcap/dlt.h>

#include "tcpscope/dissect.h"
#include "link_common.h"

#define TS_LINKTYPE_RAW 101 /* pcap file value; libpcap maps it to DLT_RAW */

struct ts_link_entry {
	int dlt;
	ts_dissect_fn dissect;
};

/* Most common first: the lookup is a short linear scan per packet. */
static const struct ts_link_entry ts_link_table[] = {
	{ DLT_EN10MB, ts_dissect_eth },
	{ DLT_LINUX_SLL, ts_dissect_sll },
	{ DLT_LINUX_SLL2, ts_dissect_sll2 },
	{ DLT_RAW, ts_dissect_raw },
	{ TS_LINKTYPE_RAW, ts_dissect_raw },
	{ DLT_IPV4, ts_dissect_raw4 },
	{ DLT_IPV6, ts_dissect_raw6 },
	{ DLT_NULL, ts_dissect_null },
	{ DLT_LOOP, ts_dissect_loop },
};

ts_dissect_fn ts_dissector_for_dlt(int dlt)
{
	size_t i;

	for (i = 0; i < sizeof(ts_link_table) / sizeof(ts_link_table[0]); i++)
		if (ts_link_table[i].dlt == dlt)
			return ts_link_table[i].dissect;
	return NULL;
}

enum ts_drc ts_decode_packet(const struct ts_pkt *pkt, struct ts_decoded *out,
                             enum ts_decode_reason *reason)
{
	struct ts_view view = { pkt->data, pkt->caplen }, next;
	ts_dissect_fn link;
	uint16_t proto = 0;
	enum ts_drc rc;

	out->events = 0;
	out->wire_beyond_cap = pkt->wirelen > pkt->caplen ? pkt->wirelen - pkt->caplen : 0;
	out->vlan[0] = 0;
	out->vlan[1] = 0;
	out->vlan_count = 0;
	*reason = TS_DR_NONE;

	link = ts_dissector_for_dlt(pkt->linktype);
	if (link == NULL) {
		*reason = TS_DR_LINK_UNSUPPORTED;
		return TS_D_UNSUPPORTED;
	}
	rc = link(view, out, &next, &proto, reason);
	if (rc != TS_D_OK)
		return rc;

	view = next;
	switch (proto) {
	case TS_ETHERTYPE_IPV4:
		rc = ts_dissect_ipv4(view, out, &next, &proto, reason);
		break;
	case TS_ETHERTYPE_IPV6:
		rc = ts_dissect_ipv6(view, out, &next, &proto, reason);
		break;
	default:
		*reason = TS_DR_NOT_IP;
		return TS_D_SKIP;
	}
	if (rc != TS_D_OK)
		return rc;

	view = next;
	return ts_dissect_tcp(view, out, &next, &proto, reason);
}
