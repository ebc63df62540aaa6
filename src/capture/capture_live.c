/* \summary: live capture: pcap_create, options, pcap_activate (errors vs warnings) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture_live.h"
#include "tcpscope/units.h"

/* pcap_setnonblock writes its message into our error buffer directly */
_Static_assert(TS_ERRBUF_SIZE >= PCAP_ERRBUF_SIZE, "TS_ERRBUF_SIZE holds a libpcap error");

struct ts_live {
	pcap_t *p;
	int dlt;
	bool nano;
};

static enum ts_capture_result live_next(struct ts_capture_source *src, struct ts_pkt *out,
                                        char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_live *l = src->priv;
	struct pcap_pkthdr *hdr;
	const u_char *data;

	switch (pcap_next_ex(l->p, &hdr, &data)) {
	case 1:
		out->ts.tv_sec = hdr->ts.tv_sec;
		out->ts.tv_nsec = l->nano ? hdr->ts.tv_usec
		                          : (long)hdr->ts.tv_usec * TS_NSEC_PER_USEC;
		out->caplen = hdr->caplen;
		out->wirelen = hdr->len;
		out->linktype = l->dlt;
		out->data = data;
		return TS_CAP_PACKET;
	case 0:
		return TS_CAP_TIMEOUT;
	case PCAP_ERROR_BREAK:
		return TS_CAP_EOF;
	default:
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s", pcap_geterr(l->p));
		return TS_CAP_ERROR;
	}
}

static int live_stats(struct ts_capture_source *src, struct ts_capture_stats *out)
{
	struct ts_live *l = src->priv;
	struct pcap_stat ps;

	if (pcap_stats(l->p, &ps) < 0)
		return -1;
	out->received = ps.ps_recv;
	out->dropped = ps.ps_drop;
	out->if_dropped = ps.ps_ifdrop;
	return 0;
}

static void live_interrupt(struct ts_capture_source *src)
{
	struct ts_live *l = src->priv;

	pcap_breakloop(l->p);
}

static int live_fd(const struct ts_capture_source *src)
{
	const struct ts_live *l = src->priv;

	return pcap_get_selectable_fd(l->p);
}

static void live_close(struct ts_capture_source *src)
{
	struct ts_live *l = src->priv;

	if (l == NULL)
		return;
	pcap_close(l->p);
	free(l);
	src->priv = NULL;
}


/* Apply the options before activation; the first failure is reported. */
static int live_configure(pcap_t *p, const struct ts_capture_opts *o,
                          char errbuf[TS_ERRBUF_SIZE])
{
	const char *what = NULL;

	if (pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : TS_SNAPLEN_MAX) != 0)
		what = "snaplen";
	else if (pcap_set_promisc(p, o->promisc ? 1 : 0) != 0)
		what = "promiscuous mode";
	else if (pcap_set_timeout(p, o->timeout_ms > 0 ? o->timeout_ms : 100) != 0)
		what = "timeout";
	else if (pcap_set_immediate_mode(p, o->immediate ? 1 : 0) != 0)
		what = "immediate mode";
	else if (o->buffer_size > 0 && pcap_set_buffer_size(p, o->buffer_size) != 0)
		what = "buffer size";
	if (what != NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "cannot set %s", what);
		return -1;
	}
	/* nanoseconds when the platform has them; microseconds otherwise */
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	return 0;
}

static int live_set_filter(pcap_t *p, const char *expr,
                           char errbuf[TS_ERRBUF_SIZE])
{
	struct bpf_program prog;
	int ret;

	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "filter \"%s\": %s", expr,
		         pcap_geterr(p));
		return -1;
	}
	ret = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (ret < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "filter \"%s\": %s", expr,
		         pcap_geterr(p));
		return -1;
	}
	return 0;
}

static enum ts_capture_open_result live_open(struct ts_capture_source *src,
                                             const struct ts_capture_open_args *a,
                                             char errbuf[TS_ERRBUF_SIZE])
{
	const struct ts_capture_opts *opts = a->opts;
	char *warnbuf = a->warnbuf;
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct ts_live *l;
	pcap_t *p;
	int status;

	if (a->iface == NULL)
		return TS_OPEN_NOT_MINE;
	p = pcap_create(a->iface, pcap_err);
	if (p == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s", pcap_err);
		return TS_OPEN_FAILED;
	}
	if (live_configure(p, opts, errbuf) < 0)
		goto fail;
	status = pcap_activate(p);
	if (status < 0) {
		/* generic errors carry their detail in pcap_geterr */
		if (status == PCAP_ERROR || status == PCAP_ERROR_PERM_DENIED ||
		    status == PCAP_ERROR_NO_SUCH_DEVICE ||
		    status == PCAP_ERROR_PROMISC_PERM_DENIED)
			snprintf(errbuf, TS_ERRBUF_SIZE, "%s: %s",
			         pcap_statustostr(status), pcap_geterr(p));
		else
			snprintf(errbuf, TS_ERRBUF_SIZE, "%s",
			         pcap_statustostr(status));
		goto fail;
	}
	if (status > 0) {
		const char *detail = pcap_geterr(p);

		snprintf(warnbuf, TS_ERRBUF_SIZE, "%s%s%s",
		         pcap_statustostr(status),
		         detail[0] != '\0' ? ": " : "", detail);
	}
	if (opts->filter != NULL && live_set_filter(p, opts->filter, errbuf) < 0)
		goto fail;
	if (opts->nonblocking && pcap_setnonblock(p, 1, errbuf) < 0)
		goto fail;
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "out of memory");
		goto fail;
	}
	l->p = p;
	l->dlt = pcap_datalink(p);
	l->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	src->ops = &ts_capture_live_ops;
	src->priv = l;
	src->first_linktype = l->dlt;
	return TS_OPEN_OK;

fail:
	pcap_close(p);
	return TS_OPEN_FAILED;
}

const struct ts_capture_ops ts_capture_live_ops = {
	.name = "live",
	.open = live_open,
	.next = live_next,
	.stats = live_stats,
	.interrupt = live_interrupt,
	.selectable_fd = live_fd,
	.close = live_close,
};
