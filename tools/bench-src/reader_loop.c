/* \summary: reader_loop: tcpscope's own capture reader with nothing behind it, a second baseline */

/*
 * reader_loop FILE
 *
 * Reads FILE through ts_capture_open_files / ts_capture_next, the path
 * tcpscope itself reads a file by (a plain pcap file is mapped into memory
 * and read in place), touches every packet as bare_loop does and does
 * nothing else. Prints "packets=N bytes=N touch=N" like bare_loop, so the
 * benchmark can take the faster of the two as the limit of reading alone.
 */

#include <stdint.h>
#include <stdio.h>

#include "tcpscope/capture.h"

int main(int argc, char **argv)
{
	char errbuf[TS_ERRBUF_SIZE];
	struct ts_capture_opts opts;
	struct ts_pkt pkt;
	uint64_t packets = 0, bytes = 0;
	unsigned touch = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: reader_loop FILE\n");
		return 2;
	}
	ts_capture_opts_default(&opts);
	const char *paths[] = { argv[1] };
	struct ts_capture *c = ts_capture_open_files(paths, 1, &opts, errbuf);
	if (!c) {
		fprintf(stderr, "reader_loop: %s\n", errbuf);
		return 1;
	}
	while ((rc = ts_capture_next(c, &pkt, errbuf)) == TS_CAP_PACKET) {
		packets++;
		bytes += pkt.caplen;
		if (pkt.caplen > 0)
			touch += (unsigned)pkt.data[0] + pkt.data[pkt.caplen - 1];
	}
	ts_capture_close(c);
	if (rc != TS_CAP_EOF) {
		fprintf(stderr, "reader_loop: %s\n", errbuf);
		return 1;
	}
	printf("packets=%llu bytes=%llu touch=%u\n", (unsigned long long)packets,
	       (unsigned long long)bytes, touch);
	return 0;
}
