/* \summary: capture sources: pcap/pcapng files, gzip, stdin, live interfaces */
#ifndef TCPSCOPE_CAPTURE_H
#define TCPSCOPE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpscope/errbuf.h"
#include "tcpscope/pkt.h"

/* ts_capture_next results */
enum ts_capture_result {
	TS_CAP_PACKET = 1,
	TS_CAP_TIMEOUT = 0,     /* live: nothing arrived within the read timeout */
	TS_CAP_ERROR = -1,      /* read error, errbuf says why; offline, the
	                         * input is given up and the next call goes on
	                         * with the next input */
	TS_CAP_EOF = -2,        /* every input is exhausted */
	TS_CAP_TRUNCATED = -4,  /* an input ended in the middle of a record;
	                         * errbuf names the file; the next call goes on
	                         * with the next input */
	/* Only between a backend and the engine, never from ts_capture_next:
	 * the backend skipped a bad record (reason in errbuf); the engine counts
	 * it and reads on. */
	TS_CAP_BAD_RECORD = -100,
};

struct ts_capture_opts {
	const char *filter;   /* BPF expression or NULL */
	int snaplen;          /* live: bytes per packet (default TS_SNAPLEN_MAX) */
	bool promisc;         /* live: promiscuous mode */
	bool immediate;       /* live: deliver packets at once */
	int buffer_size;      /* live: kernel buffer bytes, 0 = libpcap default */
	int timeout_ms;       /* live: read timeout (default 100) */
	bool nonblocking;     /* live: a read with nothing waiting returns
	                       * TS_CAP_TIMEOUT at once (wait with poll on
	                       * ts_capture_fd) */
	/* Offline: a read of a pipe waits in poll for the data and for wake_fd
	 * (a signalfd); when wake_fd is readable, on_wake(wake_ctx) runs there
	 * and the read fails with "interrupted" when it returns nonzero. Without
	 * on_wake (NULL) a silent pipe blocks the read. */
	int (*on_wake)(void *wake_ctx);
	void *wake_ctx;
	int wake_fd;
};

struct ts_capture_stats {
	uint64_t received;    /* pcap_stats ps_recv (live only) */
	uint64_t dropped;     /* ps_drop: dropped by the kernel for lack of buffer */
	uint64_t if_dropped;  /* ps_ifdrop: dropped by the interface/driver */
	uint64_t bytes_read;  /* file bytes consumed so far (offline) */
	uint64_t bytes_total; /* size of the inputs when known, else 0 */
	uint64_t bad_records; /* records skipped (pcapng packet on an interface
	                       * that was never described) */
	bool live;
};

struct ts_capture;

void ts_capture_opts_default(struct ts_capture_opts *o);

/*
 * Open one or more files read as one continuous capture in the given order.
 * "-" is stdin. pcap, pcapng and gzip-compressed either are recognised by
 * their magic bytes. Only the first file is opened here; a later file that
 * fails to open is reported by ts_capture_next as TS_CAP_ERROR.
 * Returns NULL with errbuf filled ("FILE: reason").
 */
struct ts_capture *ts_capture_open_files(const char *const *paths, size_t n,
                                         const struct ts_capture_opts *opts,
                                         char errbuf[TS_ERRBUF_SIZE]);

/* Open a live interface via pcap_create/pcap_activate. Warnings go to warnbuf
 * (empty string when none). */
struct ts_capture *ts_capture_open_live(const char *iface,
                                        const struct ts_capture_opts *opts,
                                        char errbuf[TS_ERRBUF_SIZE],
                                        char warnbuf[TS_ERRBUF_SIZE]);

/*
 * Next packet into *out (data borrowed until the next call). out->index is
 * the frame number across all inputs: frames rejected by the filter are
 * counted too, so numbers match other tools. Errors name the input and the
 * last frame read: "FILE: reason after packet K". A filter that does not
 * compile for a link type met later is reported once as TS_CAP_ERROR; packets
 * of that link type then never match.
 */
enum ts_capture_result ts_capture_next(struct ts_capture *c, struct ts_pkt *out,
                                       char errbuf[TS_ERRBUF_SIZE]);

/* Stop reading; safe from a signal handler. Live reads are woken with
 * pcap_breakloop; the next ts_capture_next returns TS_CAP_EOF. */
void ts_capture_break(struct ts_capture *c);

/* Name of the input being read ("-" for stdin, the interface for live). */
const char *ts_capture_source_name(const struct ts_capture *c);

int ts_capture_stats(struct ts_capture *c, struct ts_capture_stats *out);

/* Why the last bad record was skipped ("FILE: reason after packet K"), or
 * NULL when none was. */
const char *ts_capture_bad_record_reason(const struct ts_capture *c);

/* Pollable descriptor of a live capture, -1 when there is none. */
int ts_capture_fd(const struct ts_capture *c);

void ts_capture_close(struct ts_capture *c);

#endif
