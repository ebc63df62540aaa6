/* \summary: classic pcap files through libpcap (a descriptor or a stream) */
#ifndef TCPSCOPE_CAPTURE_PCAP_H
#define TCPSCOPE_CAPTURE_PCAP_H

#include "capture_source.h"

extern const struct ts_capture_ops ts_capture_pcap_ops;

#endif
