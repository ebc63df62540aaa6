/* \summary: one captured packet as the capture engine hands it on */
#ifndef TCPSCOPE_PKT_H
#define TCPSCOPE_PKT_H

#include <stdint.h>
#include <time.h>

/* The data is borrowed from the capture source until its next read. */
struct ts_pkt {
	struct timespec ts;     /* packet time, nanosecond precision */
	uint32_t caplen;        /* bytes present in data */
	uint32_t wirelen;       /* bytes the packet had on the wire */
	int linktype;           /* DLT_* of the interface it came from */
	const uint8_t *data;
	uint64_t index;         /* 1-based packet number across all inputs */
};

#endif
