/* \summary: -D: the interfaces a live capture can open */
#ifndef TCPSCOPE_CAPTURE_LIST_H
#define TCPSCOPE_CAPTURE_LIST_H

#include <stdio.h>

#include "tcpscope/errbuf.h"

/* -D: print the interfaces pcap_findalldevs finds, one a line ("1.eth0
 * [Up, Running]"). 0, or -1 with errbuf filled (none found, or no access). */
int ts_capture_list_interfaces(FILE *out, char errbuf[TS_ERRBUF_SIZE]);

#endif
