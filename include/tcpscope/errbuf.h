/* \summary: the one shape error text takes: char errbuf[TS_ERRBUF_SIZE] */
#ifndef TCPSCOPE_ERRBUF_H
#define TCPSCOPE_ERRBUF_H

/*
 * A function that can fail with a reason takes char errbuf[TS_ERRBUF_SIZE]
 * and writes one NUL-terminated line there, without a trailing newline and
 * without the "tcpscope: " prefix (the CLI adds it). The size holds
 * libpcap's PCAP_ERRBUF_SIZE (256), so the same buffer can be handed to
 * libpcap.
 */
#define TS_ERRBUF_SIZE 512

#endif
