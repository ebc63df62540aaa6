/* \summary: the backend ops table every capture reader fills, and its open arguments */
#ifndef TCPSCOPE_CAPTURE_SOURCE_H
#define TCPSCOPE_CAPTURE_SOURCE_H

#include <stdbool.h>

#include "tcpscope/capture.h"

struct ts_capture_source;
struct ts_stream;

/*
 * What a backend opens. Offline, the input sniffer gives either a stream
 * positioned at the magic bytes (the backend then owns it, whatever the
 * outcome) or, for a plain seekable file, its descriptor at the magic bytes
 * with stream NULL. Live, the interface and the options.
 */
struct ts_capture_open_args {
	struct ts_stream *stream;
	int fd;
	bool owns_fd;
	const char *iface;
	const struct ts_capture_opts *opts;
	char *warnbuf;          /* live: TS_ERRBUF_SIZE bytes, "" when no warning */
};

enum ts_capture_open_result {
	TS_OPEN_OK = 0,
	TS_OPEN_FAILED = -1,    /* errbuf says why (without the file name) */
	TS_OPEN_NOT_MINE = 1,   /* the backend does not apply; nothing was taken */
};

/*
 * One capture backend (pcap file, mapped pcap file, pcapng reader, live
 * interface), in the shape of libpcap's pcap-int.h: a table of operations
 * plus private state. The engine and the input sniffer call down through it;
 * a backend never calls back up. next() fills out->ts, caplen, wirelen,
 * linktype and data; on failure it writes the reason, without the file name,
 * into errbuf.
 */
struct ts_capture_ops {
	const char *name;
	enum ts_capture_open_result (*open)(struct ts_capture_source *src,
	                                    const struct ts_capture_open_args *a,
	                                    char errbuf[TS_ERRBUF_SIZE]);
	enum ts_capture_result (*next)(struct ts_capture_source *src, struct ts_pkt *out,
	                               char errbuf[TS_ERRBUF_SIZE]);
	/* live counters, or the offline byte offset; optional */
	int (*stats)(struct ts_capture_source *src, struct ts_capture_stats *out);
	/* async-signal-safe wake-up of a blocking read; optional */
	void (*interrupt)(struct ts_capture_source *src);
	/* pollable descriptor or -1; optional */
	int (*selectable_fd)(const struct ts_capture_source *src);
	void (*close)(struct ts_capture_source *src);
};

struct ts_capture_source {
	const struct ts_capture_ops *ops;
	void *priv;
	int first_linktype;   /* DLT known right after opening, or -1 */
};

#endif
