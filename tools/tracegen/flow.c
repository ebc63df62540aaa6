/* \summary: tracegen: named flows and per-direction sequence tracking (auto-seq) */
#include <stdlib.h>
#include <string.h>

#include "tracegen.h"

#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)

void tg_flows_init(struct tg_flows *t)
{
	memset(t, 0, sizeof *t);
}

void tg_flows_free(struct tg_flows *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}

struct tg_flow *tg_flows_find(struct tg_flows *t, const char *name)
{
	size_t i;

	/* Scenarios hold at most a few thousand flows: a scan is enough. */
	for (i = t->n; i-- > 0;)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	return NULL;
}

struct tg_flow *tg_flows_put(struct tg_flows *t, const char *name)
{
	struct tg_flow *f = tg_flows_find(t, name);

	if (f == NULL) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 16;
			struct tg_flow *v = realloc(t->v, cap * sizeof *v);
			if (v == NULL)
				return NULL;
			t->v = v;
			t->cap = cap;
		}
		f = &t->v[t->n++];
	}
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	return f;
}

void tg_flow_reset(struct tg_flow *f, uint32_t isn_client, uint32_t isn_server)
{
	f->c2s.isn = f->c2s.next = f->c2s.rcv = isn_client;
	f->s2c.isn = f->s2c.next = f->s2c.rcv = isn_server;
	f->c2s.ipid = 0x1000;
	f->s2c.ipid = 0x8000;
}

uint32_t tg_seg_space(const struct tg_seg *s)
{
	return s->payload_len + ((s->flags & TG_TCP_SYN) ? 1u : 0u) +
	       ((s->flags & TG_TCP_FIN) ? 1u : 0u);
}

void tg_half_sent(struct tg_half *snd, const struct tg_seg *s, bool delivered)
{
	uint32_t end = s->seq + tg_seg_space(s);

	if (s->flags & TG_TCP_RST)
		return; /* a reset takes no sequence space, and may be forged */
	if (s->flags & TG_TCP_SYN) {
		/* A SYN (re)defines the sequence space, also with a new ISN. */
		snd->isn = s->seq;
		snd->next = end;
		if (delivered)
			snd->rcv = end;
		return;
	}
	if (SEQ_GT(end, snd->next))
		snd->next = end;
	/* The receiver advances only over bytes that continue what it has. */
	if (delivered && SEQ_LEQ(s->seq, snd->rcv) && SEQ_GT(end, snd->rcv))
		snd->rcv = end;
}

void tg_half_acked(struct tg_half *h, uint32_t ack)
{
	if (SEQ_GT(ack, h->rcv))
		h->rcv = ack;
	if (SEQ_GT(ack, h->next))
		h->next = ack;
}
