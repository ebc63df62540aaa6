/* \summary: BPF filter cache: one program per link type, tested with pcap_offline_filter */
#include "tcpscope/capture_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/units.h"

int ts_capture_filter_init(struct ts_capture_filter *f, const char *expr,
                           char errbuf[TS_ERRBUF_SIZE])
{
	memset(f, 0, sizeof(*f));
	if (expr == NULL)
		return 0;
	f->expr = strdup(expr);
	if (f->expr == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "filter: out of memory");
		return -1;
	}
	return 0;
}

static struct ts_capture_filter_entry *
filter_find(struct ts_capture_filter *f, int linktype)
{
	if (f->n_entries > 0 && f->entries[f->last].linktype == linktype)
		return &f->entries[f->last];
	for (size_t i = 0; i < f->n_entries; i++) {
		if (f->entries[i].linktype == linktype) {
			f->last = i;
			return &f->entries[i];
		}
	}
	return NULL;
}

/* Returns the new entry, compiled or marked as failed; NULL on no memory. */
static struct ts_capture_filter_entry *
filter_compile(struct ts_capture_filter *f, int linktype,
               char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_capture_filter_entry *grown;
	struct ts_capture_filter_entry *e;
	pcap_t *dead;

	grown = realloc(f->entries, (f->n_entries + 1) * sizeof(*grown));
	if (grown == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "filter: out of memory");
		return NULL;
	}
	f->entries = grown;
	e = &f->entries[f->n_entries];
	memset(e, 0, sizeof(*e));
	e->linktype = linktype;
	f->last = f->n_entries++;

	dead = pcap_open_dead(linktype, TS_SNAPLEN_MAX); /* any link type fits; only compiles */
	if (dead == NULL) {
		snprintf(errbuf, TS_ERRBUF_SIZE,
		         "filter: cannot compile for link type %d", linktype);
		return e;
	}
	if (pcap_compile(dead, &e->prog, f->expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		const char *name = pcap_datalink_val_to_name(linktype);

		snprintf(errbuf, TS_ERRBUF_SIZE, "filter \"%s\" (link type %s): %s",
		         f->expr, name != NULL ? name : "unknown",
		         pcap_geterr(dead));
	} else {
		e->compiled = true;
	}
	pcap_close(dead);
	return e;
}

int ts_capture_filter_prepare(struct ts_capture_filter *f, int linktype,
                              char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_capture_filter_entry *e;

	if (f->expr == NULL)
		return 0;
	e = filter_find(f, linktype);
	if (e != NULL)
		return e->compiled ? 0 : -1;
	e = filter_compile(f, linktype, errbuf);
	return e != NULL && e->compiled ? 0 : -1;
}

enum ts_filter_result ts_capture_filter_match(struct ts_capture_filter *f,
                                              const struct ts_pkt *p,
                                              char errbuf[TS_ERRBUF_SIZE])
{
	struct ts_capture_filter_entry *e;
	struct pcap_pkthdr hdr;

	if (f->expr == NULL)
		return TS_FILTER_MATCH;
	e = filter_find(f, p->linktype);
	if (e == NULL) {
		e = filter_compile(f, p->linktype, errbuf);
		if (e == NULL || !e->compiled)
			return TS_FILTER_UNUSABLE;
	}
	if (!e->compiled)
		return TS_FILTER_NO_MATCH;
	memset(&hdr, 0, sizeof(hdr));
	hdr.caplen = p->caplen;
	hdr.len = p->wirelen;
	return pcap_offline_filter(&e->prog, &hdr, p->data) != 0 ? TS_FILTER_MATCH
	                                                      : TS_FILTER_NO_MATCH;
}

void ts_capture_filter_free(struct ts_capture_filter *f)
{
	for (size_t i = 0; i < f->n_entries; i++) {
		if (f->entries[i].compiled)
			pcap_freecode(&f->entries[i].prog);
	}
	free(f->entries);
	free(f->expr);
	memset(f, 0, sizeof(*f));
}

int ts_capture_filter_check(const char *expr, char errbuf[TS_ERRBUF_SIZE])
{
	static const int linktypes[] = { DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL };

	for (size_t i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++) {
		struct bpf_program prog;
		pcap_t *dead = pcap_open_dead(linktypes[i], TS_SNAPLEN_MAX);

		if (dead == NULL)
			continue;
		int rc = pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN);
		if (rc == 0)
			pcap_freecode(&prog);
		else if (i == 0)
			snprintf(errbuf, TS_ERRBUF_SIZE, "%s", pcap_geterr(dead));
		pcap_close(dead);
		if (rc == 0)
			return 0;
	}
	return -1;
}
