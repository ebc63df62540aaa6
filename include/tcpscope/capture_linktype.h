/* \summary: pcap/pcapng LINKTYPE_* values and libpcap's DLT_* values, both ways */
#ifndef TCPSCOPE_CAPTURE_LINKTYPE_H
#define TCPSCOPE_CAPTURE_LINKTYPE_H

#include <stdint.h>

/* Map a pcap/pcapng LINKTYPE_* value to the DLT_* value libpcap uses. */
int ts_capture_linktype_to_dlt(uint32_t linktype);
/* The other way, for writing a file. */
int ts_capture_dlt_to_linktype(int dlt);

#endif
