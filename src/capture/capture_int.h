/* \summary: capture engine internals: the backend ops table and the capture state */
#ifndef TCPSCOPE_CAPTURE_INT_H
#define TCPSCOPE_CAPTURE_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "tcpscope/capture.h"
#include "capture_filter.h"
#include "capture_stream.h"

/*
 * A backend result that never leaves the engine: the backend skipped a bad
 * record (message in errbuf); the engine counts it and reads on.
 */
#define TS_CAP_BAD_RECORD (-100)

struct ts_capture_source;

/*
 * One capture backend (pcap file, pcapng reader, live interface), in the
 * shape of libpcap's pcap-int.h: a table of operations plus private state.
 * next() returns TS_CAP_* (or TS_CAP_BAD_RECORD) and fills out->ts, caplen,
 * wirelen, linktype and data; on failure it writes the reason, without the
 * file name, into errbuf.
 */
struct ts_capture_ops {
	const char *name;
	int (*next)(struct ts_capture_source *src, struct ts_pkt *out,
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

struct ts_stream;

/* Backends. Each returns 0, or -1 with errbuf filled (no file name). */
int ts_capture_pcap_open_fd(struct ts_capture_source *src, int fd, bool owns_fd,
                            char errbuf[TS_ERRBUF_SIZE]);
/* A regular, uncompressed classic pcap file at offset 0, mapped into memory.
 * Returns 0 (the source owns fd), or 1 when it does not apply (fd untouched). */
int ts_capture_pcap_mmap_open(struct ts_capture_source *src, int fd);
int ts_capture_pcap_open_stream(struct ts_capture_source *src,
                                struct ts_stream *s,
                                char errbuf[TS_ERRBUF_SIZE]);
int ts_capture_pcapng_open(struct ts_capture_source *src, struct ts_stream *s,
                           char errbuf[TS_ERRBUF_SIZE]);
int ts_capture_live_open(struct ts_capture_source *src, const char *iface,
                         const struct ts_capture_opts *opts,
                         char errbuf[TS_ERRBUF_SIZE],
                         char warnbuf[TS_ERRBUF_SIZE]);

/* Open one offline input ("-" is stdin) and pick its backend by magic. */
int ts_capture_input_open(struct ts_capture_source *src, const char *path,
                          const struct ts_stream_wake *wake, char errbuf[TS_ERRBUF_SIZE]);

/* Reorder offline inputs by the time of their first packet (stable; inputs
 * without a readable packet keep their places; nothing moves when one is
 * stdin).
 * Returns 0, or -1 when out of memory (the order is then unchanged). */
int ts_capture_order_inputs(char **paths, size_t n);

/* Map a pcap/pcapng LINKTYPE_* value to the DLT_* value libpcap uses. */
int ts_capture_linktype_to_dlt(uint32_t linktype);
/* The other way, for writing a file. */
int ts_capture_dlt_to_linktype(int dlt);

struct ts_capture {
	struct ts_capture_source src;
	bool src_open;
	bool live;
	char **paths;            /* offline inputs, copied */
	size_t n_paths;
	size_t cur;              /* index of the input being read */
	const char *name;        /* current source name */
	uint64_t index;          /* frames read so far, across inputs */
	uint64_t bytes_done;     /* bytes of inputs already finished */
	uint64_t bytes_total;
	uint64_t bad_records;
	char bad_record_reason[TS_ERRBUF_SIZE];
	struct ts_capture_filter filter;
	volatile sig_atomic_t stop;
	struct ts_stream_wake wake; /* from opts: what a read of a pipe also waits for */
};

#endif
