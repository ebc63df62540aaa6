/* \summary: tracegen: pcap output through pcap_open_dead + pcap_dump */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "tracegen.h"

#define TG_WRITE_BUFFER (1u << 20)

struct tg_writer {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	uint32_t snaplen;
	bool nano;
	uint64_t count;
};

struct tg_writer *tg_writer_open(const char *path, int dlt, uint32_t snaplen,
                                 bool nano, char errbuf[TG_ERRBUF_SIZE])
{
	struct tg_writer *w = calloc(1, sizeof *w);
	FILE *fp;

	if (w == NULL) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	w->snaplen = snaplen;
	w->nano = nano;
	w->dead = pcap_open_dead_with_tstamp_precision(dlt, (int)snaplen,
		nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (w->dead == NULL) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "pcap_open_dead failed");
		free(w);
		return NULL;
	}
	fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (fp == NULL) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	/* Large stdio buffer: millions of small records in benchmark traces. */
	setvbuf(fp, NULL, _IOFBF, TG_WRITE_BUFFER);
	w->dumper = pcap_dump_fopen(w->dead, fp);
	if (w->dumper == NULL) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "%s: %s", path, pcap_geterr(w->dead));
		if (fp != stdout)
			fclose(fp);
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	return w;
}

int tg_writer_put(struct tg_writer *w, int64_t ts_ns, const uint8_t *frame,
                  uint32_t wirelen, uint32_t caplen)
{
	struct pcap_pkthdr h;
	int64_t sec = ts_ns / 1000000000, frac = ts_ns % 1000000000;

	if (caplen == 0 || caplen > w->snaplen)
		caplen = w->snaplen;
	if (caplen > wirelen)
		caplen = wirelen;
	h.ts.tv_sec = (time_t)sec;
	/* With a nanosecond dumper, libpcap writes tv_usec as nanoseconds. */
	h.ts.tv_usec = (suseconds_t)(w->nano ? frac : frac / 1000);
	h.caplen = caplen;
	h.len = wirelen;
	pcap_dump((u_char *)w->dumper, &h, frame);
	w->count++;
	return 0;
}

uint64_t tg_writer_count(const struct tg_writer *w)
{
	return w->count;
}

uint32_t tg_writer_snaplen(const struct tg_writer *w)
{
	return w->snaplen;
}

int tg_writer_close(struct tg_writer *w, char errbuf[TG_ERRBUF_SIZE])
{
	int rc = 0;
	FILE *fp;

	if (w == NULL)
		return 0;
	fp = pcap_dump_file(w->dumper);
	if (pcap_dump_flush(w->dumper) != 0 || ferror(fp)) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "write error: %s", strerror(errno));
		rc = -1;
	}
	pcap_dump_close(w->dumper);
	pcap_close(w->dead);
	free(w);
	return rc;
}
