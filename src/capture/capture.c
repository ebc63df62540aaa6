/* \summary: capture engine: several inputs read as one capture, filter, stats */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "tcpscope/capture.h"
#include "tcpscope/capture_filter.h"
#include "capture_input.h"
#include "capture_live.h"
#include "capture_order.h"
#include "tcpscope/units.h"

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

void ts_capture_opts_default(struct ts_capture_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->snaplen = TS_SNAPLEN_MAX;
	o->immediate = true;
	o->timeout_ms = 100;
}

/* "NAME: reason" into errbuf (may truncate). */
static void capture_name_error(char errbuf[TS_ERRBUF_SIZE], const char *name,
                               const char *why)
{
	size_t n = (size_t)snprintf(errbuf, TS_ERRBUF_SIZE, "%s: ", name);

	if (n < TS_ERRBUF_SIZE)
		snprintf(errbuf + n, TS_ERRBUF_SIZE - n, "%s", why);
}

static struct ts_capture *capture_alloc(const struct ts_capture_opts *opts,
                                        char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_capture *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	c->src.first_linktype = -1;
	if (opts != NULL && opts->on_wake != NULL) {
		c->wake.fd = opts->wake_fd;
		c->wake.fn = opts->on_wake;
		c->wake.ctx = opts->wake_ctx;
	}
	if (ts_capture_filter_init(&c->filter,
	                           opts != NULL ? opts->filter : NULL, errbuf) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

/* Sum of the input sizes, or 0 when one of them has no known size. */
static uint64_t capture_total_size(const char *const *paths, size_t n)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++) {
		struct stat st;
		int r = strcmp(paths[i], "-") == 0 ? fstat(0, &st)
		                                   : stat(paths[i], &st);

		if (r != 0 || !S_ISREG(st.st_mode))
			return 0;
		total += (uint64_t)st.st_size;
	}
	return total;
}

static void capture_close_source(struct ts_capture *c)
{
	struct ts_capture_stats st = { 0 };

	if (!c->src_open)
		return;
	if (!c->live && c->src.ops->stats != NULL &&
	    c->src.ops->stats(&c->src, &st) == 0)
		c->bytes_done += st.bytes_read;
	c->src.ops->close(&c->src);
	c->src_open = false;
}

/* Open input c->cur. On failure errbuf is "FILE: reason". */
static int capture_open_input(struct ts_capture *c, char errbuf[TS_ERRBUF_SIZE])
{
	char why[TS_ERRBUF_SIZE];

	c->name = c->paths[c->cur];
	memset(&c->src, 0, sizeof(c->src));
	c->src.first_linktype = -1;
	if (ts_capture_input_open(&c->src, c->name, &c->wake, why) < 0) {
		capture_name_error(errbuf, c->name, why);
		return -1;
	}
	c->src_open = true;
	return 0;
}

static void capture_free(struct ts_capture *c)
{
	capture_close_source(c);
	for (size_t i = 0; i < c->n_paths; i++)
		free(c->paths[i]);
	free(c->paths);
	ts_capture_filter_free(&c->filter);
	free(c);
}

struct ts_capture *ts_capture_open_files(const char *const *paths, size_t n,
                                         const struct ts_capture_opts *opts,
                                         char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_capture *c;
	int dlt;

	errbuf[0] = '\0';
	if (n == 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "no input file");
		return NULL;
	}
	c = capture_alloc(opts, errbuf);
	if (c == NULL)
		return NULL;
	c->paths = calloc(n, sizeof(*c->paths));
	if (c->paths == NULL)
		goto nomem;
	for (; c->n_paths < n; c->n_paths++) {
		c->paths[c->n_paths] = strdup(paths[c->n_paths]);
		if (c->paths[c->n_paths] == NULL)
			goto nomem;
	}
	c->bytes_total = capture_total_size(paths, n);
	/* Rotated captures named on the command line out of order are read in
	 * time order: otherwise each later file looks like resent data. */
	if (ts_capture_order_inputs(c->paths, c->n_paths) < 0)
		goto nomem;
	if (capture_open_input(c, errbuf) < 0)
		goto fail;
	/* a filter that does not compile is an error before any packet */
	dlt = c->src.first_linktype >= 0 ? c->src.first_linktype : DLT_EN10MB;
	if (ts_capture_filter_prepare(&c->filter, dlt, errbuf) < 0)
		goto fail;
	return c;

nomem:
	snprintf(errbuf, TS_ERRBUF_SIZE, "out of memory");
fail:
	capture_free(c);
	return NULL;
}

struct ts_capture *ts_capture_open_live(const char *iface,
                                        const struct ts_capture_opts *opts,
                                        char errbuf[TS_ERRBUF_SIZE],
                                        char warnbuf[TS_ERRBUF_SIZE])
{
	struct ts_capture_opts defaults;
	struct ts_capture *c;
	char why[TS_ERRBUF_SIZE];

	errbuf[0] = '\0';
	warnbuf[0] = '\0';
	if (opts == NULL) {
		ts_capture_opts_default(&defaults);
		opts = &defaults;
	}
	/* the kernel filters live traffic: no per-packet filter here */
	c = capture_alloc(&(struct ts_capture_opts){ .filter = NULL }, errbuf);
	if (c == NULL)
		return NULL;
	c->live = true;
	c->paths = calloc(1, sizeof(*c->paths));
	if (c->paths == NULL || (c->paths[0] = strdup(iface)) == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "out of memory");
		capture_free(c);
		return NULL;
	}
	c->n_paths = 1;
	c->name = c->paths[0];
	if (ts_capture_live_ops.open(&c->src, &(struct ts_capture_open_args){
	                             .fd = -1, .iface = iface, .opts = opts,
	                             .warnbuf = warnbuf }, why) != TS_OPEN_OK) {
		capture_name_error(errbuf, iface, why);
		capture_free(c);
		return NULL;
	}
	c->src_open = true;
	return c;
}

/* Name the input and the last frame read in an error from the reader. */
static void capture_read_error(struct ts_capture *c, const char *why,
                               char errbuf[TS_ERRBUF_SIZE])
{
	snprintf(errbuf, TS_ERRBUF_SIZE, "%s: %s after packet %" PRIu64,
	         c->name, why, c->index);
}

/* Move on to the next input; TS_CAP_PACKET when one is open. */
static enum ts_capture_result capture_advance(struct ts_capture *c,
                                              char errbuf[TS_ERRBUF_SIZE])
{
	capture_close_source(c);
	if (c->live || c->cur + 1 >= c->n_paths)
		return TS_CAP_EOF;
	c->cur++;
	if (capture_open_input(c, errbuf) < 0)
		return TS_CAP_ERROR;
	return TS_CAP_PACKET;
}

enum ts_capture_result ts_capture_next(struct ts_capture *c, struct ts_pkt *out,
                                       char errbuf[TS_ERRBUF_SIZE])
{
	char why[TS_ERRBUF_SIZE];

	errbuf[0] = '\0';
	for (;;) {
		enum ts_capture_result ret;

		if (c->stop)
			return TS_CAP_EOF;
		if (!c->src_open) {
			ret = capture_advance(c, errbuf);
			if (ret != TS_CAP_PACKET)
				return ret;
		}
		why[0] = '\0';
		ret = c->src.ops->next(&c->src, out, why);
		switch (ret) {
		case TS_CAP_PACKET:
			out->index = ++c->index;
			switch (ts_capture_filter_match(&c->filter, out, why)) {
			case TS_FILTER_MATCH:
				return TS_CAP_PACKET;
			case TS_FILTER_UNUSABLE:
				capture_name_error(errbuf, c->name, why);
				return TS_CAP_ERROR;
			case TS_FILTER_NO_MATCH:
				break;
			}
			continue;
		case TS_CAP_TIMEOUT:
			return TS_CAP_TIMEOUT;
		case TS_CAP_BAD_RECORD:
			c->bad_records++;
			capture_read_error(c, why, c->bad_record_reason);
			continue;
		case TS_CAP_EOF:
			if (c->live)
				return TS_CAP_EOF;
			capture_close_source(c);
			if (c->cur + 1 >= c->n_paths)
				return TS_CAP_EOF;
			continue;
		default:
			/* the input is given up; the next call goes on with the next */
			capture_read_error(c, why, errbuf);
			if (!c->live)
				capture_close_source(c);
			return ret == TS_CAP_TRUNCATED ? TS_CAP_TRUNCATED : TS_CAP_ERROR;
		}
	}
}

void ts_capture_break(struct ts_capture *c)
{
	c->stop = 1;
	if (c->src_open && c->src.ops->interrupt != NULL)
		c->src.ops->interrupt(&c->src);
}

const char *ts_capture_source_name(const struct ts_capture *c)
{
	return c->name;
}

int ts_capture_stats(struct ts_capture *c, struct ts_capture_stats *out)
{
	struct ts_capture_stats cur = { 0 };

	memset(out, 0, sizeof(*out));
	out->live = c->live;
	out->bad_records = c->bad_records;
	if (c->src_open && c->src.ops->stats != NULL &&
	    c->src.ops->stats(&c->src, &cur) < 0)
		return -1;
	out->received = cur.received;
	out->dropped = cur.dropped;
	out->if_dropped = cur.if_dropped;
	if (!c->live) {
		out->bytes_read = c->bytes_done + cur.bytes_read;
		out->bytes_total = c->bytes_total;
	}
	return 0;
}

const char *ts_capture_bad_record_reason(const struct ts_capture *c)
{
	return c->bad_records > 0 ? c->bad_record_reason : NULL;
}

int ts_capture_fd(const struct ts_capture *c)
{
	if (!c->src_open || c->src.ops->selectable_fd == NULL)
		return -1;
	return c->src.ops->selectable_fd(&c->src);
}

void ts_capture_close(struct ts_capture *c)
{
	if (c != NULL)
		capture_free(c);
}
