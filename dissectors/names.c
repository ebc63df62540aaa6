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
	default: break;
	}
	if (dlt < 0 || (size_t)dlt >= sizeof(ts_dlt_numbers) / sizeof(ts_dlt_numbers[0]))
		return "DLT_unknown";
	return ts_dlt_numbers[dlt];
}
