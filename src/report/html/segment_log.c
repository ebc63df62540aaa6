/* \summary: segment log: per-flow segment events with stride decimation, RTT samples, a byte budget */
#include <stdlib.h>
#include <string.h>

#include "tcpscope/dissect.h"
#include "tcpscope/segment_log.h"
#include "tcpscope/seq.h"
#include "tcpscope/units.h"

/* The one data segment being timed per direction, as BSD stacks time one
 * segment per round trip; a retransmission cancels it (Karn). */
struct rtt_timer {
	bool active;
	uint32_t end;
	int64_t start_ns;
};

/* Plain segments are decimated per category (direction x carries data or
 * not), so a stride cannot alias with the alternation of data and ACKs. */
#define ORDINARY_CATEGORIES 4

struct seg_flow {
	struct ts_segment_record *rec;
	uint32_t n_rec, cap_rec;
	uint32_t n_ordinary, n_notable;
	uint32_t n_cat[ORDINARY_CATEGORIES];
	uint32_t stride[ORDINARY_CATEGORIES];
	uint64_t seen_cat[ORDINARY_CATEGORIES];
	struct ts_segment_rtt *rtt;
	uint32_t n_rtt, cap_rtt;
	uint32_t rtt_stride;
	uint64_t rtt_seen;
	struct rtt_timer timer[2];   /* [from_client] */
	uint64_t seen, dropped;
	bool notable_capped;
};

struct ts_segment_log {
	struct ts_segment_log_limits lim;
	struct seg_flow **by_id;     /* flow ids are dense and 1-based */
	size_t cap_ids;
	struct ts_segment_log_stats st;
};

void ts_segment_log_limits_default(struct ts_segment_log_limits *l)
{
	l->max_ordinary = 2048;
	l->max_notable = 2048;
	l->max_rtt = 1024;
	l->max_bytes = (size_t)128 << 20;
}

struct ts_segment_log *ts_segment_log_new(const struct ts_segment_log_limits *limits)
{
	struct ts_segment_log *log = calloc(1, sizeof(*log));

	if (!log)
		return NULL;
	if (limits)
		log->lim = *limits;
	else
		ts_segment_log_limits_default(&log->lim);
	if (log->lim.max_ordinary < 2)
		log->lim.max_ordinary = 2;
	if (log->lim.max_rtt < 2)
		log->lim.max_rtt = 2;
	log->st.bytes = sizeof(*log);
	return log;
}

void ts_segment_log_free(struct ts_segment_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->cap_ids; i++) {
		if (!log->by_id[i])
			continue;
		free(log->by_id[i]->rec);
		free(log->by_id[i]->rtt);
		free(log->by_id[i]);
	}
	free(log->by_id);
	free(log);
}

void ts_segment_log_attach(struct ts_segment_log *log, struct ts_analyzer_config *cfg)
{
	cfg->on_segment = ts_segment_log_record;
	cfg->segment_ctx = log;
}

bool ts_segment_is_notable(uint8_t flags, uint8_t cls, bool retransmission)
{
	if (retransmission || (flags & (TS_TCP_SYN | TS_TCP_FIN | TS_TCP_RST)))
		return true;
	switch ((enum ts_seg_class)cls) {
	case TS_SEG_RETX:
	case TS_SEG_RETX_UNSEEN:
	case TS_SEG_OUT_OF_ORDER:
	case TS_SEG_KEEPALIVE:
	case TS_SEG_WINDOW_PROBE:
	case TS_SEG_NET_DUP:
		return true;
	default:
		return false;
	}
}

static bool budget_take(struct ts_segment_log *log, size_t bytes)
{
	if (bytes > log->lim.max_bytes || log->st.bytes > log->lim.max_bytes - bytes)
		return false;
	log->st.bytes += bytes;
	return true;
}

/* Grow *arr (of elem bytes each) to hold at least one more, within max and the budget. */
static bool grow(struct ts_segment_log *log, void **arr, uint32_t *cap, uint32_t need, uint32_t max,
                 size_t elem)
{
	if (need <= *cap)
		return true;
	if (need > max)
		return false;
	uint32_t n = *cap ? *cap * 2 : 16;
	if (n > max)
		n = max;
	if (!budget_take(log, (size_t)(n - *cap) * elem))
		return false;
	void *p = realloc(*arr, (size_t)n * elem);
	if (!p) {
		log->st.bytes -= (size_t)(n - *cap) * elem;
		return false;
	}
	*arr = p;
	*cap = n;
	return true;
}

static struct seg_flow *flow_get(struct ts_segment_log *log, uint64_t id)
{
	if (id == 0)
		return NULL;
	if (id <= log->cap_ids && log->by_id[id - 1])
		return log->by_id[id - 1];
	if (id > log->cap_ids) {
		size_t n = log->cap_ids ? log->cap_ids * 2 : 256;
		while (n < id)
			n *= 2;
		if (!budget_take(log, (n - log->cap_ids) * sizeof(*log->by_id)))
			return NULL;
		struct seg_flow **p = realloc(log->by_id, n * sizeof(*p));
		if (!p) {
			log->st.bytes -= (n - log->cap_ids) * sizeof(*log->by_id);
			return NULL;
		}
		memset(p + log->cap_ids, 0, (n - log->cap_ids) * sizeof(*p));
		log->by_id = p;
		log->cap_ids = n;
	}
	if (!budget_take(log, sizeof(struct seg_flow)))
		return NULL;
	struct seg_flow *sf = calloc(1, sizeof(*sf));
	if (!sf) {
		log->st.bytes -= sizeof(struct seg_flow);
		return NULL;
	}
	for (int c = 0; c < ORDINARY_CATEGORIES; c++)
		sf->stride[c] = 1;
	sf->rtt_stride = 1;
	log->by_id[id - 1] = sf;
	log->st.flows++;
	return sf;
}

static int category(bool from_client, uint32_t len)
{
	return (from_client ? 2 : 0) + (len > 0);
}

/* Halve the largest category: keep every other of its records (those at
 * ordinals 0, 2s, 4s...: the kept ones are the multiples of the stride). */
static void halve_ordinary(struct ts_segment_log *log, struct seg_flow *sf)
{
	int big = 0;
	uint32_t k = 0, ord = 0;

	for (int c = 1; c < ORDINARY_CATEGORIES; c++)
		if (sf->n_cat[c] > sf->n_cat[big])
			big = c;
	for (uint32_t i = 0; i < sf->n_rec; i++) {
		const struct ts_segment_record *r = &sf->rec[i];
		if (!ts_segment_is_notable(r->flags, r->cls, r->retransmission) &&
		    category(r->from_client, r->len) == big && (ord++ & 1))
			continue;
		sf->rec[k++] = *r;
	}
	uint32_t dropped = sf->n_rec - k;
	log->st.kept -= dropped;
	sf->n_ordinary -= dropped;
	sf->n_cat[big] -= dropped;
	sf->n_rec = k;
	sf->stride[big] *= 2;
}

static void halve_rtt(struct seg_flow *sf)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < sf->n_rtt; i += 2)
		sf->rtt[k++] = sf->rtt[i];
	sf->n_rtt = k;
	sf->rtt_stride *= 2;
}

static void rtt_sample(struct ts_segment_log *log, struct seg_flow *sf, bool from_client,
                       int64_t start_ns, int64_t now_ns)
{
	uint64_t ordinal = sf->rtt_seen++;

	if (sf->n_rtt == log->lim.max_rtt)
		halve_rtt(sf);
	if (ordinal % sf->rtt_stride)
		return;
	if (!grow(log, (void **)&sf->rtt, &sf->cap_rtt, sf->n_rtt + 1, log->lim.max_rtt, sizeof(*sf->rtt)))
		return;
	int64_t us = (now_ns - start_ns) / TS_NSEC_PER_USEC;
	sf->rtt[sf->n_rtt++] = (struct ts_segment_rtt){
		.ts_ns = now_ns,
		.rtt_us = us < 0 ? 0 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us,
		.from_client = from_client,
	};
}

static void rtt_track(struct ts_segment_log *log, struct seg_flow *sf, const struct ts_segment_event *ev,
                      int64_t now_ns)
{
	struct rtt_timer *mine = &sf->timer[ev->from_client];
	struct rtt_timer *peer = &sf->timer[!ev->from_client];
	uint32_t seq_len = ev->len + !!(ev->flags & TS_TCP_SYN) + !!(ev->flags & TS_TCP_FIN);

	if ((ev->flags & TS_TCP_ACK) && peer->active && TS_SEQ_GEQ(ev->ack, peer->end)) {
		peer->active = false;
		rtt_sample(log, sf, !ev->from_client, peer->start_ns, now_ns);
	}
	if (ev->flags & TS_TCP_RST) {
		mine->active = false;
		return;
	}
	if (ev->retransmission) {
		mine->active = false;
	} else if (!mine->active && seq_len && ev->cls == TS_SEG_NEW) {
		mine->active = true;
		mine->end = ev->seq + seq_len;
		mine->start_ns = now_ns;
	}
}

void ts_segment_log_record(void *ctx, const struct ts_flow *f, const struct ts_segment_event *ev)
{
	struct ts_segment_log *log = ctx;
	(void)f;

	log->st.events++;
	struct seg_flow *sf = flow_get(log, ev->flow_id);
	if (!sf) {
		log->st.budget_drops++;
		return;
	}
	int64_t now_ns = ts_timespec_ns(&ev->ts);
	sf->seen++;
	rtt_track(log, sf, ev, now_ns);

	bool notable = ts_segment_is_notable(ev->flags, ev->cls, ev->retransmission);
	if (notable) {
		if (sf->n_notable >= log->lim.max_notable) {
			sf->notable_capped = true;
			sf->dropped++;
			return;
		}
	} else {
		int c = category(ev->from_client, ev->len);
		uint64_t ordinal = sf->seen_cat[c]++;
		if (sf->n_ordinary == log->lim.max_ordinary)
			halve_ordinary(log, sf);
		if (ordinal % sf->stride[c])
			return;
	}
	uint32_t max = log->lim.max_ordinary + log->lim.max_notable;
	if (!grow(log, (void **)&sf->rec, &sf->cap_rec, sf->n_rec + 1, max, sizeof(*sf->rec))) {
		sf->dropped++;
		log->st.budget_drops++;
		return;
	}
	sf->rec[sf->n_rec++] = (struct ts_segment_record){
		.ts_ns = now_ns,
		.seq = ev->seq,
		.len = ev->len,
		.ack = ev->ack,
		.window = ev->window,
		.flags = ev->flags,
		.cls = ev->cls,
		.from_client = ev->from_client,
		.retransmission = ev->retransmission,
	};
	if (notable) {
		sf->n_notable++;
	} else {
		sf->n_ordinary++;
		sf->n_cat[category(ev->from_client, ev->len)]++;
	}
	log->st.kept++;
}

int ts_segment_log_view(const struct ts_segment_log *log, uint64_t flow_id, struct ts_segment_flow_view *v)
{
	memset(v, 0, sizeof(*v));
	if (!log || flow_id == 0 || flow_id > log->cap_ids || !log->by_id[flow_id - 1])
		return -1;
	const struct seg_flow *sf = log->by_id[flow_id - 1];
	v->rec = sf->rec;
	v->n_rec = sf->n_rec;
	v->rtt = sf->rtt;
	v->n_rtt = sf->n_rtt;
	v->seen = sf->seen;
	v->dropped = sf->dropped;
	v->stride = 1;
	for (int c = 0; c < ORDINARY_CATEGORIES; c++)
		v->stride = sf->stride[c] > v->stride ? sf->stride[c] : v->stride;
	v->notable_capped = sf->notable_capped;
	return 0;
}

void ts_segment_log_stats(const struct ts_segment_log *log, struct ts_segment_log_stats *st)
{
	if (log)
		*st = log->st;
	else
		memset(st, 0, sizeof(*st));
}
