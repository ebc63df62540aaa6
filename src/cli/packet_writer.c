/* \summary: -w: packets written as a classic pcap file (nanosecond timestamps) */
#include "packet_writer.h"

#include <string.h>

#include <pcap/dlt.h>

#include "tcpscope/capture_linktype.h"
#include "tcpscope/units.h"

#define TS_PCAP_MAGIC_NS 0xa1b23c4du /* written in host order: readers swap as needed */
#define TS_WRITE_SNAPLEN ((uint32_t)TS_SNAPLEN_MAX)

enum ts_output_result ts_packet_writer_open(struct ts_packet_writer *w, const char *path,
                                            const char *const *inputs, size_t n_inputs,
                                            bool in_place, char errbuf[TS_ERRBUF_SIZE])
{
	memset(w, 0, sizeof(*w));
	w->dlt = -1;
	return ts_output_open(&w->out, path, inputs, n_inputs, in_place, errbuf);
}

static void put_header(struct ts_packet_writer *w, int dlt)
{
	/* magic, version 2.4, thiszone, sigfigs, snaplen, link type; host order */
	const uint32_t magic = TS_PCAP_MAGIC_NS, zero = 0, snaplen = TS_WRITE_SNAPLEN;
	const uint32_t linktype = (uint32_t)ts_capture_dlt_to_linktype(dlt);
	const uint16_t version[2] = { 2, 4 };
	uint8_t h[24];

	memcpy(h, &magic, 4);
	memcpy(h + 4, version, 4);
	memcpy(h + 8, &zero, 4);
	memcpy(h + 12, &zero, 4);
	memcpy(h + 16, &snaplen, 4);
	memcpy(h + 20, &linktype, 4);
	fwrite(h, sizeof(h), 1, w->out.f);
	w->dlt = dlt;
	w->header_written = true;
}

void ts_packet_writer_put(struct ts_packet_writer *w, const struct ts_pkt *p)
{
	if (!w->out.f || !p->data)
		return;
	if (!w->header_written)
		put_header(w, p->linktype);
	if (p->linktype != w->dlt) {
		w->other_link++;
		return;
	}
	uint32_t caplen = p->caplen > TS_WRITE_SNAPLEN ? TS_WRITE_SNAPLEN : p->caplen;
	uint32_t rec[4] = { (uint32_t)p->ts.tv_sec, (uint32_t)p->ts.tv_nsec, caplen, p->wirelen };

	fwrite(rec, sizeof(rec), 1, w->out.f);
	fwrite(p->data, 1, caplen, w->out.f);
	w->written++;
}

int ts_packet_writer_close(struct ts_packet_writer *w, char errbuf[TS_ERRBUF_SIZE])
{
	if (!w->out.f)
		return 0;
	if (!w->header_written)
		put_header(w, DLT_EN10MB);
	return ts_output_commit(&w->out, errbuf);
}

void ts_packet_writer_abort(struct ts_packet_writer *w)
{
	ts_output_abort(&w->out);
}
