/* \summary: -D: the interfaces a live capture can open, numbered as tcpdump -D numbers them */
#include <stdbool.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include "tcpscope/capture_list.h"

static void put_flags(FILE *out, bpf_u_int32 flags)
{
	const char *sep = " [";
	bool any = false;

	if (flags & PCAP_IF_UP) {
		fprintf(out, "%sUp", sep);
		sep = ", ";
		any = true;
	}
	if (flags & PCAP_IF_RUNNING) {
		fprintf(out, "%sRunning", sep);
		sep = ", ";
		any = true;
	}
	if (flags & PCAP_IF_LOOPBACK) {
		fprintf(out, "%sLoopback", sep);
		any = true;
	}
	if (any)
		putc(']', out);
}

int ts_capture_list_interfaces(FILE *out, char errbuf[TS_ERRBUF_SIZE])
{
	pcap_if_t *all = NULL;
	char pcap_err[PCAP_ERRBUF_SIZE];
	unsigned n = 0;

	if (pcap_findalldevs(&all, pcap_err) < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "cannot list interfaces: %s", pcap_err);
		return -1;
	}
	for (const pcap_if_t *d = all; d; d = d->next) {
		fprintf(out, "%u.%s", ++n, d->name);
		if (d->description)
			fprintf(out, " (%s)", d->description);
		put_flags(out, d->flags);
		putc('\n', out);
	}
	pcap_freealldevs(all);
	if (!n) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "no interface can be opened (live capture needs CAP_NET_RAW)");
		return -1;
	}
	return 0;
}
