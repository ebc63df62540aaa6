/* \summary: pcap/pcapng LINKTYPE_* values and libpcap's DLT_* values, both ways */
#include "tcpscope/capture_linktype.h"

#include <pcap/pcap.h>

/* LINKTYPE_* values that differ from the DLT_* values on this platform. */
static const struct {
	uint32_t linktype;
	int dlt;
} linktype_dlts[] = {
	{ 100, DLT_ATM_RFC1483 },
	{ 101, DLT_RAW },
	{ 102, DLT_SLIP_BSDOS },
	{ 103, DLT_PPP_BSDOS },
	{ 106, DLT_ATM_CLIP },
};

int ts_capture_linktype_to_dlt(uint32_t linktype)
{
	for (size_t i = 0; i < sizeof(linktype_dlts) / sizeof(linktype_dlts[0]); i++) {
		if (linktype_dlts[i].linktype == linktype)
			return linktype_dlts[i].dlt;
	}
	return (int)linktype;
}

int ts_capture_dlt_to_linktype(int dlt)
{
	for (size_t i = 0; i < sizeof(linktype_dlts) / sizeof(linktype_dlts[0]); i++) {
		if (linktype_dlts[i].dlt == dlt)
			return (int)linktype_dlts[i].linktype;
	}
	return dlt;
}
