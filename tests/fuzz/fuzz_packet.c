/* \summary: libFuzzer harness: one packet of a chosen link type through the dissectors and an analyzer */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* New link types go at the end: a seed's first byte picks its entry. */
static const int link_types[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
	DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
	DLT_FDDI, 239 /* NFLOG */, 242 /* IPOIB */,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n_types = sizeof(link_types) / sizeof(link_types[0]);
	int dlt = link_types[data[0] % n_types];

	/* A copy of exactly the packet's size, so reading past caplen is an
	 * ASan report rather than a read of the next input byte. */
	size_t caplen = size - 1;
	uint8_t *copy = malloc(caplen ? caplen : 1);
	if (!copy)
		return 0;
	if (caplen)
		memcpy(copy, data + 1, caplen);

	struct ts_pkt pkt = {
		.ts = { .tv_sec = 1700000000, .tv_nsec = 0 },
		.caplen = (uint32_t)caplen,
		.wirelen = (uint32_t)caplen + (data[0] >> 3), /* sometimes a snaplen cut */
		.linktype = dlt,
		.data = copy,
		.index = 1,
	};

	struct ts_decoded d;
	enum ts_decode_reason reason = TS_DR_NONE;
	enum ts_drc rc = ts_decode_packet(&pkt, &d, &reason);
	if (rc == TS_D_OK) {
		/* Touch what the decoder claims is captured payload. */
		volatile uint8_t sink = 0;
		for (uint32_t i = 0; i < d.payload_captured; i++)
			sink ^= d.payload[i];
		(void)sink;
	}
	(void)ts_decode_reason_name(reason);

	struct ts_analyzer_config cfg;
	ts_analyzer_config_default(&cfg);
	cfg.seed = 1;
	struct ts_analyzer an;
	ts_analyzer_init(&an, &cfg);
	ts_analyzer_feed(&an, &pkt);
	/* The same packet again a moment later: retransmission paths. */
	pkt.ts.tv_nsec = 500000000;
	pkt.index = 2;
	ts_analyzer_feed(&an, &pkt);
	ts_analyzer_finish(&an);
	ts_analyzer_free(&an);
	free(copy);
	return 0;
}
