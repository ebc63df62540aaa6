/* \summary: BPF filter applied uniformly to offline packets of any link type */
#ifndef TCPSCOPE_CAPTURE_FILTER_H
#define TCPSCOPE_CAPTURE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include <pcap/pcap.h>

#include "tcpscope/capture.h"

/* One compiled program per link type; compile failures are cached too. */
struct ts_capture_filter_entry {
	int linktype;
	bool compiled;
	struct bpf_program prog;
};

struct ts_capture_filter {
	char *expr;              /* NULL: every packet matches */
	struct ts_capture_filter_entry *entries;
	size_t n_entries;
	size_t last;             /* entry used by the previous packet */
};

/* Copy expr (may be NULL). Returns 0 or -1 with errbuf filled. */
int ts_capture_filter_init(struct ts_capture_filter *f, const char *expr,
                           char errbuf[TS_ERRBUF_SIZE]);

/* Compile for linktype now (if not yet). Returns 0, or -1 with errbuf set
 * when the expression does not compile for that link type. */
int ts_capture_filter_prepare(struct ts_capture_filter *f, int linktype,
                              char errbuf[TS_ERRBUF_SIZE]);

enum ts_filter_result {
	TS_FILTER_MATCH = 1,
	TS_FILTER_NO_MATCH = 0,
	/* the expression does not compile for the packet's link type (errbuf
	 * says why; reported once per link type, later packets of that type
	 * simply do not match) */
	TS_FILTER_UNUSABLE = -1,
};

enum ts_filter_result ts_capture_filter_match(struct ts_capture_filter *f,
                                              const struct ts_pkt *p,
                                              char errbuf[TS_ERRBUF_SIZE]);

/* Does expr compile for at least one of the common link types (Ethernet,
 * raw IP, Linux cooked v1/v2, BSD loopback)? 0, or -1 with errbuf set to
 * libpcap's reason for Ethernet. */
int ts_capture_filter_check(const char *expr, char errbuf[TS_ERRBUF_SIZE]);

void ts_capture_filter_free(struct ts_capture_filter *f);

#endif
