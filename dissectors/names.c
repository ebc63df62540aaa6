/* \summary: stable names of decode reasons, decode events and link types */
#include <pcap/dlt.h>

#include "tcpscope/dissect.h"

static const char *const ts_reason_names[] = {
	[TS_DR_NONE] = "decode.none",
	[TS_DR_LINK_UNSUPPORTED] = "link.unsupported",
	[TS_DR_TRUNC_LINK] = "truncated.link",
	[TS_DR_NOT_IP] = "skipped.not_ip",
	[TS_DR_TRUNC_IPV4] = "truncated.ipv4_header",
	[TS_DR_IPV4_BAD_VERSION] = "ipv4.bad_version",
	[TS_DR_IPV4_BAD_HLEN] = "ipv4.bad_hlen",
	[TS_DR_IPV4_BAD_LEN] = "ipv4.bad_total_len",
	[TS_DR_IPV4_FRAGMENT] = "ipv4.fragment",
	[TS_DR_TRUNC_IPV6] = "truncated.ipv6_header",
	[TS_DR_IPV6_BAD_VERSION] = "ipv6.bad_version",
	[TS_DR_IPV6_EXT_LIMIT] = "ipv6.ext_chain_too_long",
	[TS_DR_IPV6_BAD_EXT] = "ipv6.bad_ext_header",
	[TS_DR_IPV6_FRAGMENT] = "ipv6.fragment",
	[TS_DR_NOT_TCP] = "skipped.not_tcp",
	[TS_DR_TRUNC_TCP] = "truncated.tcp_header",
	[TS_DR_TCP_BAD_DOFF] = "tcp.bad_data_offset",
	[TS_DR_LINK_VLAN_LIMIT] = "link.vlan_too_deep",
	[TS_DR_LINK_BAD_IP_VERSION] = "link.bad_ip_version",
	[TS_DR_IPV6_JUMBOGRAM] = "ipv6.jumbogram",
	[TS_DR_TCP_BAD_LEN] = "tcp.bad_len",
	[TS_DR_ENCAP_TOO_DEEP] = "encap.too_deep",
	[TS_DR_ENCAP_CONTEXT_LONG] = "encap.context_too_long",
	[TS_DR_TRUNC_UDP] = "truncated.udp_header",
	[TS_DR_UDP_BAD_LEN] = "udp.bad_len",
	[TS_DR_TRUNC_GRE] = "truncated.gre",
	[TS_DR_GRE_BAD_VERSION] = "gre.bad_version",
	[TS_DR_GRE_ROUTING] = "gre.routing",
	[TS_DR_GRE_UNKNOWN_PROTO] = "gre.unknown_proto",
	[TS_DR_GRE_PPP_NOT_IP] = "gre.ppp_not_ip",
	[TS_DR_TRUNC_ERSPAN] = "truncated.erspan",
	[TS_DR_ERSPAN_BAD_VERSION] = "erspan.bad_version",
	[TS_DR_TRUNC_VXLAN] = "truncated.vxlan",
	[TS_DR_VXLAN_NO_VNI] = "vxlan.no_vni",
	[TS_DR_TRUNC_GENEVE] = "truncated.geneve",
	[TS_DR_GENEVE_BAD_VERSION] = "geneve.bad_version",
	[TS_DR_GENEVE_UNKNOWN_PROTO] = "geneve.unknown_proto",
	[TS_DR_TRUNC_GTPU] = "truncated.gtpu",
	[TS_DR_GTPU_BAD_VERSION] = "gtpu.bad_version",
	[TS_DR_GTPU_NOT_TPDU] = "gtpu.not_tpdu",
	[TS_DR_GTPU_BAD_EXT] = "gtpu.bad_ext_header",
	[TS_DR_TRUNC_MPLS] = "truncated.mpls",
	[TS_DR_MPLS_TOO_DEEP] = "mpls.too_deep",
	[TS_DR_TRUNC_PPPOE] = "truncated.pppoe",
	[TS_DR_PPPOE_BAD_VERSION] = "pppoe.bad_version",
	[TS_DR_PPPOE_NOT_IP] = "pppoe.not_ip",
	[TS_DR_PPPOE_BAD_LEN] = "pppoe.bad_len",
	[TS_DR_TRUNC_TEREDO] = "truncated.teredo",
	[TS_DR_TEREDO_NOT_IPV6] = "teredo.not_ipv6",
	[TS_DR_TRUNC_VNTAG] = "truncated.vntag",
	[TS_DR_TRUNC_FABRICPATH] = "truncated.fabricpath",
	[TS_DR_TRUNC_NFLOG] = "truncated.nflog",
	[TS_DR_NFLOG_BAD_TLV] = "nflog.bad_tlv",
	[TS_DR_NFLOG_NO_PAYLOAD] = "nflog.no_payload",
	[TS_DR_TRUNC_IPOIB] = "truncated.ipoib",
	[TS_DR_TRUNC_FDDI] = "truncated.fddi",
	[TS_DR_IPIP_NOT_IP] = "ipip.bad_inner_version",
};
_Static_assert(sizeof(ts_reason_names) / sizeof(ts_reason_names[0]) == TS_DR_COUNT,
               "every decode reason needs a name");

static const char *const ts_event_names[TS_DE_COUNT_BITS] = {
	"tcp.opt_bad_len",       /* TS_DE_TCP_OPT_BAD_LEN */
	"tcp.opt_duplicate",     /* TS_DE_TCP_OPT_DUPLICATE */
	"truncated.tcp_options", /* TS_DE_TCP_OPT_TRUNC */
	"ip.fragment",           /* TS_DE_IP_FRAGMENT */
	"ip.len_beyond_caplen",  /* TS_DE_IP_LEN_BEYOND_CAP */
	"ipv4.bad_checksum",     /* TS_DE_IPV4_BAD_CSUM */
	"capture.time_backwards", /* TS_DE_TIME_BACKWARDS */
	"ip.tso_super_segment",  /* TS_DE_IP_TSO */
};
_Static_assert(TS_DE_IP_TSO == 1u << (TS_DE_COUNT_BITS - 1),
               "event names follow the bit order");

static const char *const ts_encap_names[] = {
	[TS_ENC_VLAN] = "vlan",
	[TS_ENC_MPLS] = "mpls",
	[TS_ENC_PPPOE] = "pppoe",
	[TS_ENC_LLC_SNAP] = "llc_snap",
	[TS_ENC_GRE] = "gre",
	[TS_ENC_ERSPAN] = "erspan",
	[TS_ENC_WCCP] = "wccp",
	[TS_ENC_VXLAN] = "vxlan",
	[TS_ENC_GENEVE] = "geneve",
	[TS_ENC_GTPU] = "gtpu",
	[TS_ENC_IPIP] = "ip_in_ip",
	[TS_ENC_TEREDO] = "teredo",
	[TS_ENC_VNTAG] = "vntag",
	[TS_ENC_FABRICPATH] = "fabricpath",
	[TS_ENC_ETH_INNER] = "inner_ethernet",
	[TS_ENC_PPTP] = "pptp",
};
_Static_assert(sizeof(ts_encap_names) / sizeof(ts_encap_names[0]) == TS_ENC_COUNT,
               "every encapsulation needs a name");
_Static_assert(TS_ENC_COUNT <= 16, "ts_decoded.encaps holds one bit per encapsulation");

const char *ts_encap_name(unsigned e)
{
	if (e >= TS_ENC_COUNT)
		return "encap.unknown";
	return ts_encap_names[e];
}

const char *ts_decode_reason_name(enum ts_decode_reason r)
{
	if ((unsigned)r >= TS_DR_COUNT || ts_reason_names[r] == NULL)
		return "decode.unknown";
	return ts_reason_names[r];
}

const char *ts_decode_event_name(unsigned bit)
{
	if (bit >= TS_DE_COUNT_BITS)
		return "decode.unknown";
	return ts_event_names[bit];
}

/*
 * "DLT_<n>" for every other value below 600, as string literals built by the
 * preprocessor, so no buffer is needed and the result is always constant.
 */
#define N1(a)       [a] = "DLT_" #a,
#define N2(a, b)    [a##b] = "DLT_" #a #b,
#define N3(a, b, c) [a##b##c] = "DLT_" #a #b #c,
#define DIGITS1(M)       M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9)
#define DIGITS2(M, a)    M(a, 0) M(a, 1) M(a, 2) M(a, 3) M(a, 4) \
                         M(a, 5) M(a, 6) M(a, 7) M(a, 8) M(a, 9)
#define DIGITS3(M, a, b) M(a, b, 0) M(a, b, 1) M(a, b, 2) M(a, b, 3) M(a, b, 4) \
                         M(a, b, 5) M(a, b, 6) M(a, b, 7) M(a, b, 8) M(a, b, 9)
#define TENS(a)     DIGITS2(N2, a)
#define ROW(a, b)   DIGITS3(N3, a, b)
#define HUNDREDS(a) ROW(a, 0) ROW(a, 1) ROW(a, 2) ROW(a, 3) ROW(a, 4) \
                    ROW(a, 5) ROW(a, 6) ROW(a, 7) ROW(a, 8) ROW(a, 9)

static const char *const ts_dlt_numbers[] = {
	DIGITS1(N1)
	TENS(1) TENS(2) TENS(3) TENS(4) TENS(5) TENS(6) TENS(7) TENS(8) TENS(9)
	HUNDREDS(1) HUNDREDS(2) HUNDREDS(3) HUNDREDS(4) HUNDREDS(5)
};

const char *ts_linktype_name(int dlt)
{
	switch (dlt) {
	case DLT_NULL: return "NULL";
	case DLT_EN10MB: return "EN10MB";
	case DLT_RAW: return "RAW";
	case 101: return "RAW"; /* LINKTYPE_RAW */
	case DLT_LOOP: return "LOOP";
	case DLT_LINUX_SLL: return "LINUX_SLL";
	case DLT_LINUX_SLL2: return "LINUX_SLL2";
	case DLT_IPV4: return "IPV4";
	case DLT_IPV6: return "IPV6";
	case DLT_IEEE802_11: return "IEEE802_11";
	case DLT_IEEE802_11_RADIO: return "IEEE802_11_RADIO";
	case DLT_FDDI: return "FDDI";
	case 239: return "NFLOG";
	case 242: return "IPOIB";
	default: break;
	}
	if (dlt < 0 || (size_t)dlt >= sizeof(ts_dlt_numbers) / sizeof(ts_dlt_numbers[0]))
		return "DLT_unknown";
	return ts_dlt_numbers[dlt];
}
