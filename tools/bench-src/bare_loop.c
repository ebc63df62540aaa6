/* \summary: bare_loop: the cheapest libpcap reader, the benchmark's baseline */

/*
 * bare_loop FILE
 *
 * Reads FILE with pcap_next_ex and touches every packet (the first and the
 * last captured byte and the captured length) so the loop cannot be
 * optimised away, and does nothing else. Prints "packets=N bytes=N" on
 * stdout: the packet count the benchmark divides by.
 */

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const unsigned char *data;
	uint64_t packets = 0, bytes = 0;
	unsigned touch = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: bare_loop FILE\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "bare_loop: %s\n", errbuf);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->caplen;
		if (hdr->caplen > 0)
			touch += (unsigned)data[0] + data[hdr->caplen - 1];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "bare_loop: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	/* The sum is printed so that reading the bytes is observable. */
	printf("packets=%llu bytes=%llu touch=%u\n", (unsigned long long)packets,
	       (unsigned long long)bytes, touch);
	return 0;
}
