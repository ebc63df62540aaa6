/* \summary: packet decode entry point: link, then a bounded loop over encapsulations, IP and TCP */
#include <pcap/dlt.h>

#include "tcpscope/dissect.h"
#include "link_common.h"

#define TS_LINKTYPE_RAW 101 /* pcap file value; libpcap maps it to DLT_RAW */
#ifndef DLT_IPOIB
#define DLT_IPOIB 242
#endif
#ifndef DLT_NFLOG
#define DLT_NFLOG 239
#endif

#define UDP_PORT_VXLAN  4789
#define UDP_PORT_GENEVE 6081
#define UDP_PORT_GTPU   2152
#define UDP_PORT_TEREDO 3544

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
	{ DLT_NFLOG, ts_dissect_nflog },
	{ DLT_IPOIB, ts_dissect_ipoib },
	{ DLT_FDDI, ts_dissect_fddi },
};

ts_dissect_fn ts_dissector_for_dlt(int dlt)
{
	size_t i;

	for (i = 0; i < sizeof(ts_link_table) / sizeof(ts_link_table[0]); i++)
		if (ts_link_table[i].dlt == dlt)
			return ts_link_table[i].dissect;
	return NULL;
}

int ts_decode_config_add_vxlan_port(struct ts_decode_config *cfg, uint16_t port)
{
	for (unsigned i = 0; i < cfg->n_vxlan_ports; i++)
		if (cfg->vxlan_ports[i] == port)
			return 0;
	if (cfg->n_vxlan_ports >= TS_DECODE_MAX_VXLAN_PORTS)
		return -1;
	cfg->vxlan_ports[cfg->n_vxlan_ports++] = port;
	return 0;
}

/* A layer named by an ethertype that is not IP: tags, labels, tunnels' frames. */
static ts_dissect_fn ether_layer(uint16_t type)
{
	switch (type) {
	case TS_ETHERTYPE_8021Q:
	case TS_ETHERTYPE_8021AD:
	case TS_ETHERTYPE_QINQ:
		return ts_dissect_vlan;
	case TS_ETHERTYPE_MPLS_UC:
	case TS_ETHERTYPE_MPLS_MC:
		return ts_dissect_mpls;
	case TS_ETHERTYPE_PPPOE_SESS:
		return ts_dissect_pppoe;
	case TS_PROTO_ETHERNET:
		return ts_dissect_eth_inner;
	case TS_ETHERTYPE_ERSPAN2:
		return ts_dissect_erspan2;
	case TS_ETHERTYPE_ERSPAN3:
		return ts_dissect_erspan3;
	case TS_ETHERTYPE_VNTAG:
		return ts_dissect_vntag;
	case TS_ETHERTYPE_FABRICPATH:
		return ts_dissect_fabricpath;
	default:
		return NULL;
	}
}

/* Well-known tunnel ports; either_port: the server side may be the source. */
static const struct {
	uint16_t port;
	bool either_port;
	ts_dissect_fn dissect;
} udp_tunnels[] = {
	{ UDP_PORT_VXLAN, false, ts_dissect_vxlan },
	{ UDP_PORT_GENEVE, false, ts_dissect_geneve },
	{ UDP_PORT_GTPU, false, ts_dissect_gtpu },
	{ UDP_PORT_TEREDO, true, ts_dissect_teredo },
};

/* The tunnel a UDP datagram carries, by its port; NULL for none. */
static ts_dissect_fn udp_tunnel(const struct ts_decode_config *cfg, uint16_t sport, uint16_t dport)
{
	for (size_t i = 0; i < sizeof(udp_tunnels) / sizeof(udp_tunnels[0]); i++)
		if (dport == udp_tunnels[i].port ||
		    (udp_tunnels[i].either_port && sport == udp_tunnels[i].port))
			return udp_tunnels[i].dissect;
	for (unsigned i = 0; cfg && i < cfg->n_vxlan_ports; i++)
		if (cfg->vxlan_ports[i] == dport)
			return ts_dissect_vxlan;
	return NULL;
}

/* What follows an IP header that is not TCP: the next layer, or a skip. */
static enum ts_drc ip_payload(const struct ts_decode_config *cfg, uint16_t ipproto,
                              struct ts_view in, struct ts_decoded *out,
                              struct ts_view *next, uint16_t *next_proto,
                              enum ts_decode_reason *reason)
{
	enum ts_drc rc;
	ts_dissect_fn tunnel;

	switch (ipproto) {
	case TS_IPPROTO_UDP:
		rc = ts_dissect_udp(in, out, next, next_proto, reason);
		if (rc != TS_D_OK)
			return rc;
		tunnel = udp_tunnel(cfg, out->sport, out->dport);
		if (tunnel == NULL) {
			*reason = TS_DR_NOT_TCP;
			return TS_D_SKIP;
		}
		return tunnel(*next, out, next, next_proto, reason);
	case TS_IPPROTO_GRE:
		return ts_dissect_gre(in, out, next, next_proto, reason);
	case TS_IPPROTO_IPIP:
	case TS_IPPROTO_IPV6:
		ts_encap_mark(out, TS_ENC_IPIP);
		*next = in;
		*next_proto = ts_ip_version_ethertype(in);
		if (*next_proto != (ipproto == TS_IPPROTO_IPIP ? TS_ETHERTYPE_IPV4 : TS_ETHERTYPE_IPV6)) {
			if (in.len == 0)
				return ts_trunc(ipproto == TS_IPPROTO_IPIP ? TS_DR_TRUNC_IPV4 : TS_DR_TRUNC_IPV6,
				                reason);
			return ts_invalid(TS_DR_IPIP_NOT_IP, reason);
		}
		return TS_D_OK;
	default:
		*reason = TS_DR_NOT_TCP;
		return TS_D_SKIP;
	}
}

/*
 * Everything past the first IP header or a non-IP link type: one layer per
 * turn, at most TS_ENCAP_MAX_LAYERS of them. after_ip says proto is the IP
 * protocol of the header just decoded, else an ethertype.
 */
static enum ts_drc decode_layers(const struct ts_decode_config *cfg, struct ts_view next,
                                 uint16_t proto, bool after_ip, struct ts_decoded *out,
                                 enum ts_decode_reason *reason)
{
	enum ts_drc rc;
	ts_dissect_fn layer;

	for (unsigned depth = 0;; depth++) {
		struct ts_view view = next;

		if (after_ip) {
			rc = TS_D_NEXT;
		} else if (proto == TS_ETHERTYPE_IPV4) {
			rc = ts_dissect_ipv4(view, out, &next, &proto, reason);
		} else if (proto == TS_ETHERTYPE_IPV6) {
			rc = ts_dissect_ipv6(view, out, &next, &proto, reason);
		} else {
			layer = ether_layer(proto);
			if (layer == NULL) {
				*reason = TS_DR_NOT_IP;
				return TS_D_SKIP;
			}
			if (depth >= TS_ENCAP_MAX_LAYERS) {
				*reason = TS_DR_ENCAP_TOO_DEEP;
				return TS_D_SKIP;
			}
			rc = layer(view, out, &next, &proto, reason);
			if (rc != TS_D_OK)
				return rc;
			continue;
		}
		if (rc == TS_D_OK)
			return ts_dissect_tcp(next, out, &next, &proto, reason);
		if (rc != TS_D_NEXT)
			return rc;
		if (depth >= TS_ENCAP_MAX_LAYERS) {
			*reason = TS_DR_ENCAP_TOO_DEEP;
			return TS_D_SKIP;
		}
		after_ip = false;
		rc = ip_payload(cfg, proto, next, out, &next, &proto, reason);
		if (rc != TS_D_OK)
			return rc;
	}
}

enum ts_drc ts_decode_packet_cfg(const struct ts_pkt *pkt, const struct ts_decode_config *cfg,
                                 struct ts_decoded *out, enum ts_decode_reason *reason)
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
	out->ctx_len = 0;
	out->encaps = 0;
	*reason = TS_DR_NONE;

	link = ts_dissector_for_dlt(pkt->linktype);
	if (link == NULL) {
		*reason = TS_DR_LINK_UNSUPPORTED;
		return TS_D_UNSUPPORTED;
	}
	rc = link(view, out, &next, &proto, reason);
	if (rc != TS_D_OK)
		return rc;

	/* Plain IP over the link goes straight to TCP, with the tests it always
	 * took; tunnels and other ethertypes go round decode_layers. */
	view = next;
	if (proto == TS_ETHERTYPE_IPV4)
		rc = ts_dissect_ipv4(view, out, &next, &proto, reason);
	else if (proto == TS_ETHERTYPE_IPV6)
		rc = ts_dissect_ipv6(view, out, &next, &proto, reason);
	else
		return decode_layers(cfg, view, proto, false, out, reason);
	if (rc == TS_D_OK)
		return ts_dissect_tcp(next, out, &next, &proto, reason);
	if (rc != TS_D_NEXT)
		return rc;
	return decode_layers(cfg, next, proto, true, out, reason);
}

enum ts_drc ts_decode_packet(const struct ts_pkt *pkt, struct ts_decoded *out,
                             enum ts_decode_reason *reason)
{
	return ts_decode_packet_cfg(pkt, NULL, out, reason);
}
