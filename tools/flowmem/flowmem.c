/* \summary: memory per tracked connection, flow table overhead included */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpscope/analyzer.h"

/* An Ethernet/IPv4/TCP frame with the given addresses, ports and flags. */
static size_t frame(uint8_t *b, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                    uint32_t seq, uint32_t ack, uint8_t flags)
{
	memset(b, 0, 14 + 20 + 24);
	b[12] = 0x08;
	uint8_t *ip = b + 14, *tcp = ip + 20;
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = 44;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	tcp[0] = (uint8_t)(sport >> 8);
	tcp[1] = (uint8_t)sport;
	tcp[2] = (uint8_t)(dport >> 8);
	tcp[3] = (uint8_t)dport;
	for (int i = 0; i < 4; i++) {
		tcp[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		tcp[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	tcp[12] = 6 << 4;
	tcp[13] = flags;
	tcp[14] = 0xff;
	tcp[15] = 0xff;
	tcp[20] = 2; /* MSS 1460 */
	tcp[21] = 4;
	tcp[22] = 0x05;
	tcp[23] = 0xb4;
	return 14 + 20 + 24;
}

static void feed(struct ts_analyzer *an, uint64_t *index, double t, const uint8_t *b, size_t len)
{
	struct ts_pkt p = {
		.ts = { .tv_sec = 1700000000 + (time_t)t, .tv_nsec = (long)((t - (long)t) * 1e9) },
		.caplen = (uint32_t)len, .wirelen = (uint32_t)len, .linktype = 1, .data = b, .index = ++*index,
	};
	ts_analyzer_feed(an, &p);
}

/* Resident bytes of this process, or 0 when /proc cannot tell. */
static size_t resident_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

/* Usage: flowmem [CONNECTIONS]: opens that many connections (default 100000)
 * and prints the heap they hold while tracked. */
int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	uint8_t b[128];
	uint64_t index = 0;
	struct ts_analyzer_config cfg;
	struct ts_analyzer an;

	ts_analyzer_config_default(&cfg);
	cfg.seed = 1;
	ts_analyzer_init(&an, &cfg);
	/* The resident set: the heap, and the blocks flow records and the index
	 * are mapped in, as far as they were touched. */
	size_t before = resident_bytes();
	for (size_t i = 0; i < n; i++) {
		uint32_t cli = 0x0a000000u | (uint32_t)(i / 50000 + 1) << 16 | (uint32_t)(i % 250 + 1);
		uint16_t port = (uint16_t)(1024 + (i % 50000) / 250);
		double t = (double)i * 1e-5;
		feed(&an, &index, t, b, frame(b, cli, 0x0a640001u, port, 80, 1000, 0, 0x02));
		feed(&an, &index, t, b, frame(b, 0x0a640001u, cli, 80, port, 5000, 1001, 0x12));
		feed(&an, &index, t, b, frame(b, cli, 0x0a640001u, port, 80, 1001, 5001, 0x10));
	}
	size_t after = resident_bytes();
	size_t live = an.flows.live;
	if (!before || after < before || !live) {
		fprintf(stderr, "flowmem: cannot measure: resident %zu bytes before, %zu after, %zu flows tracked "
		                "(is /proc mounted?)\n", before, after, live);
		ts_analyzer_free(&an);
		return 1;
	}
	printf("connections tracked      %zu (ESTABLISHED on both ends)\n", live);
	printf("struct ts_flow           %zu bytes\n", sizeof(struct ts_flow));
	printf("index                    %zu slots of %zu bytes\n", an.flows.index.mask + 1,
	       sizeof(struct ts_flow_slot));
	printf("memory per tracked flow  %.1f bytes (resident: flow, index, allocator overhead)\n",
	       (double)(after - before) / (double)live);
	printf("target                   under 512 bytes: %s\n",
	       (double)(after - before) / (double)live < 512 ? "met" : "NOT met");
	ts_analyzer_finish(&an);
	ts_analyzer_free(&an);
	return 0;
}
