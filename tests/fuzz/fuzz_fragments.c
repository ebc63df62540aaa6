/* \summary: libFuzzer harness: a run of raw IP packets (fragments, mostly) through reassembly and an analyzer */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "tcpscope/analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: records of a 2-byte big-endian length, a 1-byte time step in
 * seconds (so timeouts are reached) and that many bytes of a raw IPv4 or
 * IPv6 packet. The pieces of one datagram in one input is what makes the
 * reassembler join, overlap, time out and evict.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_analyzer_config cfg;
	struct ts_analyzer an;
	struct ts_pkt pkt = { .ts = { .tv_sec = 1700000000 }, .linktype = DLT_RAW };
	size_t pos = 0;

	ts_analyzer_config_default(&cfg);
	cfg.seed = 1;
	ts_analyzer_init(&an, &cfg);
	while (size - pos >= 3) {
		size_t len = (size_t)data[pos] << 8 | data[pos + 1];
		pkt.ts.tv_sec += data[pos + 2];
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		/* A copy of exactly the packet, so a read past it is an ASan report. */
		uint8_t *copy = malloc(len ? len : 1);
		if (!copy)
			break;
		memcpy(copy, data + pos, len);
		pkt.data = copy;
		pkt.caplen = pkt.wirelen = (uint32_t)len;
		pkt.index++;
		ts_analyzer_feed(&an, &pkt);
		free(copy);
		pos += len;
	}
	ts_analyzer_finish(&an);
	ts_analyzer_free(&an);
	return 0;
}
