/* \summary: -w: packets written as a classic pcap file (nanosecond timestamps) */
#ifndef TCPSCOPE_PACKET_WRITER_H
#define TCPSCOPE_PACKET_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "output_file.h"
#include "tcpscope/pkt.h"

struct ts_packet_writer {
	struct ts_output out;
	bool header_written;
	int dlt;                  /* of the file, set by the first packet */
	uint64_t written;
	uint64_t other_link;      /* packets of another link type: a pcap file holds one */
};

/* Open path as ts_output_open does (never an input, renamed into place);
 * errbuf says why it failed. */
enum ts_output_result ts_packet_writer_open(struct ts_packet_writer *w, const char *path,
                                            const char *const *inputs, size_t n_inputs,
                                            bool in_place, char errbuf[TS_ERRBUF_SIZE]);

/* Append one packet (its captured bytes and wire length). */
void ts_packet_writer_put(struct ts_packet_writer *w, const struct ts_pkt *p);

/* Finish the file (a header alone when nothing was written) and rename it
 * into place. 0, or -1 with errbuf filled and the file removed. */
int ts_packet_writer_close(struct ts_packet_writer *w, char errbuf[TS_ERRBUF_SIZE]);

void ts_packet_writer_abort(struct ts_packet_writer *w);

#endif
