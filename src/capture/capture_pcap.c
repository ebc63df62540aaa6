/* \summary: classic pcap files through libpcap, with nanosecond timestamps */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture_pcap.h"
#include "capture_stream.h"
#include "tcpscope/units.h"

#define TS_PCAP_TRUNC_PREFIX "truncated dump file"
#define TS_PCAP_STDIO_BUF    (256 * 1024)

struct ts_pcap_file {
	pcap_t *p;
	FILE *fp;               /* owned by p once it is open */
	struct ts_stream *s;    /* gzip or pipe input; NULL when fp is the file */
	long start_offset;
	int dlt;
	bool nano;
};

static enum ts_capture_result pcap_file_next(struct ts_capture_source *src, struct ts_pkt *out,
                                             char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_pcap_file *f = src->priv;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int r = pcap_next_ex(f->p, &hdr, &data);

	if (r == 1) {
		out->ts.tv_sec = hdr->ts.tv_sec;
		out->ts.tv_nsec = f->nano ? hdr->ts.tv_usec
		                          : (long)hdr->ts.tv_usec * TS_NSEC_PER_USEC;
		out->caplen = hdr->caplen;
		out->wirelen = hdr->len;
		out->linktype = f->dlt;
		out->data = data;
		return TS_CAP_PACKET;
	}
	/* a gzip or read error below libpcap explains a short read best */
	if (f->s != NULL && ts_stream_error(f->s) != NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s", ts_stream_error(f->s));
		return ts_stream_truncated(f->s) ? TS_CAP_TRUNCATED : TS_CAP_ERROR;
	}
	if (r == PCAP_ERROR_BREAK || r == 0)
		return TS_CAP_EOF;
	snprintf(errbuf, TS_ERRBUF_SIZE, "%s", pcap_geterr(f->p));
	if (strncmp(pcap_geterr(f->p), TS_PCAP_TRUNC_PREFIX,
	            strlen(TS_PCAP_TRUNC_PREFIX)) == 0)
		return TS_CAP_TRUNCATED;
	return TS_CAP_ERROR;
}

static int pcap_file_stats(struct ts_capture_source *src,
                           struct ts_capture_stats *out)
{
	struct ts_pcap_file *f = src->priv;
	long pos;

	if (f->s != NULL) {
		out->bytes_read = ts_stream_offset(f->s);
		return 0;
	}
	pos = ftell(f->fp);
	out->bytes_read = pos > f->start_offset ? (uint64_t)(pos - f->start_offset)
	                                        : 0;
	return 0;
}

static void pcap_file_close(struct ts_capture_source *src)
{
	struct ts_pcap_file *f = src->priv;

	if (f == NULL)
		return;
	if (f->p != NULL)
		pcap_close(f->p);   /* fcloses fp */
	else if (f->fp != NULL)
		fclose(f->fp);
	ts_stream_close(f->s);
	free(f);
	src->priv = NULL;
}


/* Takes ownership of f (and of f->fp, f->s) whatever the outcome. */
static int pcap_file_start(struct ts_capture_source *src, struct ts_pcap_file *f,
                           char errbuf[TS_ERRBUF_SIZE])
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";

	/* a larger stdio buffer: fewer read(2) calls on plain files */
	setvbuf(f->fp, NULL, _IOFBF, TS_PCAP_STDIO_BUF);
	f->p = pcap_fopen_offline_with_tstamp_precision(f->fp,
	                                    PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (f->p == NULL) {
		if (f->s != NULL && ts_stream_error(f->s) != NULL)
			snprintf(errbuf, TS_ERRBUF_SIZE, "%s", ts_stream_error(f->s));
		else
			snprintf(errbuf, TS_ERRBUF_SIZE, "%s", pcap_err);
		pcap_file_close(&(struct ts_capture_source){ .priv = f });
		return -1;
	}
	f->dlt = pcap_datalink(f->p);
	f->nano = pcap_get_tstamp_precision(f->p) == PCAP_TSTAMP_PRECISION_NANO;
	src->ops = &ts_capture_pcap_ops;
	src->priv = f;
	src->first_linktype = f->dlt;
	return 0;
}

static int pcap_open_fd(struct ts_capture_source *src, int fd, bool owns_fd,
                        char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_pcap_file *f = calloc(1, sizeof(*f));
	int own = owns_fd ? fd : dup(fd);

	if (f == NULL || own < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s",
		         f == NULL ? "out of memory" : "cannot duplicate descriptor");
		free(f);
		if (owns_fd)
			close(fd);
		return -1;
	}
	f->start_offset = lseek(own, 0, SEEK_CUR);
	f->fp = fdopen(own, "rb");
	if (f->fp == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "cannot open stream");
		close(own);
		free(f);
		return -1;
	}
	return pcap_file_start(src, f, errbuf);
}

static int pcap_open_stream(struct ts_capture_source *src, struct ts_stream *s,
                            char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_pcap_file *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "out of memory");
		ts_stream_close(s);
		return -1;
	}
	f->s = s;
	f->fp = ts_stream_fopen(s);
	if (f->fp == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "cannot open stream");
		ts_stream_close(s);
		free(f);
		return -1;
	}
	return pcap_file_start(src, f, errbuf);
}

/* A stream (gzip, pipe) goes through a FILE* over it; a plain file, straight. */
static enum ts_capture_open_result pcap_file_open(struct ts_capture_source *src,
                                                  const struct ts_capture_open_args *a,
                                                  char errbuf[TS_ERRBUF_SIZE])
{
	if (a->stream != NULL)
		return pcap_open_stream(src, a->stream, errbuf) < 0 ? TS_OPEN_FAILED : TS_OPEN_OK;
	return pcap_open_fd(src, a->fd, a->owns_fd, errbuf) < 0 ? TS_OPEN_FAILED : TS_OPEN_OK;
}

const struct ts_capture_ops ts_capture_pcap_ops = {
	.name = "pcap",
	.open = pcap_file_open,
	.next = pcap_file_next,
	.stats = pcap_file_stats,
	.close = pcap_file_close,
};
