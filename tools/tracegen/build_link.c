/* \summary: tracegen: link-layer headers (Ethernet, VLAN, QinQ, SLL, SLL2, NULL, 802.11, FDDI, IPoIB, NFLOG) */
#include <string.h>

#include <pcap/pcap.h>

#include "tracegen.h"

#define TG_ETHERTYPE_IPV4 0x0800
#define TG_ETHERTYPE_IPV6 0x86dd
#define TG_ETHERTYPE_VLAN 0x8100
#define TG_ETHERTYPE_QINQ 0x88a8

/* BSD loopback family values; 24 is what NetBSD/OpenBSD write for IPv6 and
 * every reader accepts it. */
#define TG_NULL_AF_INET 2
#define TG_NULL_AF_INET6 24

#define TG_SLL_HOST 0      /* addressed to the capturing host */
#define TG_SLL_OUTGOING 4  /* sent by the capturing host */
#define TG_ARPHRD_ETHER 1

static const uint8_t client_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int tg_link_dlt(const struct tg_link *l)
{
	switch (l->kind) {
	case TG_LINK_EN10MB:
	case TG_LINK_VLAN:
	case TG_LINK_QINQ:
		return DLT_EN10MB;
	case TG_LINK_SLL:
		return DLT_LINUX_SLL;
	case TG_LINK_SLL2:
		return DLT_LINUX_SLL2;
	case TG_LINK_RAW:
		return DLT_RAW;
	case TG_LINK_NULL:
		return DLT_NULL;
	case TG_LINK_IEEE802_11:
		return DLT_IEEE802_11;
	case TG_LINK_FDDI:
		return DLT_FDDI;
	case TG_LINK_IPOIB:
		return 242; /* LINKTYPE_IPOIB */
	case TG_LINK_NFLOG:
		return 239; /* LINKTYPE_NFLOG */
	}
	return DLT_EN10MB;
}

size_t tg_link_write(const struct tg_link *l, int family, bool from_client,
                     uint8_t *buf)
{
	return tg_link_write_type(l, family == 6 ? TG_ETHERTYPE_IPV6 : TG_ETHERTYPE_IPV4, 0,
	                          from_client, buf);
}

bool tg_link_carries(const struct tg_link *l, uint16_t etype)
{
	bool is_ip = etype == TG_ETHERTYPE_IPV4 || etype == TG_ETHERTYPE_IPV6;

	switch (l->kind) {
	case TG_LINK_RAW:
	case TG_LINK_NULL:
	case TG_LINK_NFLOG:
		return is_ip;
	default:
		return true;
	}
}

/* NFLOG: family, version, resource id, a packet-header TLV, then the payload
 * TLV; TLV lengths and types in the writer's (little-endian) order. */
static size_t nflog_write(int family, size_t payload_len, uint8_t *buf)
{
	size_t plen = 4 + payload_len;

	buf[0] = family == 6 ? 10 : 2;
	buf[1] = 0;
	put16(buf + 2, 0);
	buf[4] = 8, buf[5] = 0, buf[6] = 1, buf[7] = 0; /* NFULA_PACKET_HDR, 8 bytes */
	put16(buf + 8, family == 6 ? TG_ETHERTYPE_IPV6 : TG_ETHERTYPE_IPV4);
	buf[10] = 1, buf[11] = 0;                       /* hook, pad */
	buf[12] = (uint8_t)plen, buf[13] = (uint8_t)(plen >> 8);
	buf[14] = 9, buf[15] = 0;                       /* NFULA_PAYLOAD */
	return 16;
}

size_t tg_link_write_type(const struct tg_link *l, uint16_t etype, size_t payload_len,
                          bool from_client, uint8_t *buf)
{
	int family = etype == TG_ETHERTYPE_IPV6 ? 6 : 4;
	const uint8_t *src = from_client ? client_mac : server_mac;
	const uint8_t *dst = from_client ? server_mac : client_mac;
	/* The capture is taken on the server: client packets come in. */
	uint8_t pkttype = from_client ? TG_SLL_HOST : TG_SLL_OUTGOING;
	uint32_t af;
	size_t n = 0;

	switch (l->kind) {
	case TG_LINK_EN10MB:
	case TG_LINK_VLAN:
	case TG_LINK_QINQ:
		memcpy(buf, dst, 6);
		memcpy(buf + 6, src, 6);
		n = 12;
		if (l->kind == TG_LINK_QINQ) {
			put16(buf + n, TG_ETHERTYPE_QINQ);
			put16(buf + n + 2, l->vlan_outer & 0x0fff);
			n += 4;
		}
		if (l->kind != TG_LINK_EN10MB) {
			put16(buf + n, TG_ETHERTYPE_VLAN);
			put16(buf + n + 2, (l->kind == TG_LINK_QINQ ? l->vlan_inner
			                                            : l->vlan_outer) & 0x0fff);
			n += 4;
		}
		put16(buf + n, etype);
		return n + 2;
	case TG_LINK_SLL:
		put16(buf, pkttype);
		put16(buf + 2, TG_ARPHRD_ETHER);
		put16(buf + 4, 6);
		memset(buf + 6, 0, 8);
		memcpy(buf + 6, src, 6);
		put16(buf + 14, etype);
		return 16;
	case TG_LINK_SLL2:
		put16(buf, etype);
		put16(buf + 2, 0);
		buf[4] = 0, buf[5] = 0, buf[6] = 0, buf[7] = 2; /* ifindex 2 */
		put16(buf + 8, TG_ARPHRD_ETHER);
		buf[10] = pkttype;
		buf[11] = 6;
		memset(buf + 12, 0, 8);
		memcpy(buf + 12, src, 6);
		return 20;
	case TG_LINK_RAW:
		return 0;
	case TG_LINK_FDDI:
		buf[0] = 0x50; /* asynchronous LLC frame */
		memcpy(buf + 1, dst, 6);
		memcpy(buf + 7, src, 6);
		buf[13] = 0xaa, buf[14] = 0xaa, buf[15] = 0x03;
		buf[16] = 0, buf[17] = 0, buf[18] = 0;
		put16(buf + 19, etype);
		return 21;
	case TG_LINK_IPOIB:
		/* Linux's form: destination and source hardware addresses (QPN and
		 * GID, 20 bytes each), then the RFC 4391 type and reserved field. */
		memset(buf, 0, 40);
		buf[3] = from_client ? 2 : 1;
		buf[4] = 0xfe, buf[5] = 0x80, buf[19] = from_client ? 2 : 1;
		buf[23] = from_client ? 1 : 2;
		buf[24] = 0xfe, buf[25] = 0x80, buf[39] = from_client ? 1 : 2;
		put16(buf + 40, etype);
		put16(buf + 42, 0);
		return 44;
	case TG_LINK_NFLOG:
		return nflog_write(family, payload_len, buf);
	case TG_LINK_NULL:
		/* DLT_NULL holds the family in the writer's byte order. */
		af = family == 6 ? TG_NULL_AF_INET6 : TG_NULL_AF_INET;
		memcpy(buf, &af, 4);
		return 4;
	case TG_LINK_IEEE802_11:
		/* Data frame, To-DS, then LLC/SNAP carrying the ethertype. */
		buf[0] = 0x08, buf[1] = 0x01, buf[2] = 0, buf[3] = 0;
		memcpy(buf + 4, dst, 6);  /* BSSID (the AP is the server side) */
		memcpy(buf + 10, src, 6);
		memcpy(buf + 16, dst, 6);
		buf[22] = 0, buf[23] = 0;
		buf[24] = 0xaa, buf[25] = 0xaa, buf[26] = 0x03;
		buf[27] = 0, buf[28] = 0, buf[29] = 0;
		put16(buf + 30, etype);
		return 32;
	}
	return 0;
}
