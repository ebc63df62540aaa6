/* \summary: a report's records formatted on several threads, written in order */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "report_parallel.h"

/*
 * Rounds: in each, thread t formats chunk t of the round; the caller is
 * thread 0 and writes its chunk, the first, straight to the output, the
 * others into memory streams of their own. Once all are done, the caller
 * writes their chunks in order and the next round begins. Memory stays at
 * one chunk per helper, and the output is byte for byte what one thread
 * writes.
 */
struct formatter {
	struct ts_report_input in; /* the caller's, with this thread's own view */
	struct ts_flow_view view;
	struct ts_jbuf *j;
	FILE *mem;
	char *buf;
	size_t size;
	pthread_t thread;
	struct pool *pool;
	size_t index;
};

struct pool {
	struct formatter *f;
	unsigned n;
	size_t records, chunk, round_first; /* round_first: first record of the round */
	ts_record_fn fn;
	const void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t go, finished;
	uint64_t round;                     /* bumped to start a round */
	unsigned pending;                   /* helpers still formatting this round */
	bool stop;
};

static void format_chunk(struct formatter *f)
{
	struct pool *p = f->pool;
	size_t first = p->round_first + f->index * p->chunk;
	size_t end = first + p->chunk < p->records ? first + p->chunk : p->records;

	for (size_t i = first; i < end; i++)
		p->fn(&f->in, i, f->j, p->ctx);
	ts_jbuf_flush(f->j);
	if (f->mem)
		fflush(f->mem);
}

static void *formatter_main(void *arg)
{
	struct formatter *f = arg;
	struct pool *p = f->pool;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->round == seen && !p->stop)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->stop)
			break;
		seen = p->round;
		pthread_mutex_unlock(&p->mu);
		format_chunk(f);
		pthread_mutex_lock(&p->mu);
		if (--p->pending == 0)
			pthread_cond_signal(&p->finished);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Formatter 0 (the caller) writes to out and reads the caller's view. */
static int formatter_init(struct formatter *f, struct pool *p, size_t index, const struct ts_report_input *in,
                          FILE *out)
{
	memset(f, 0, sizeof(*f));
	f->pool = p;
	f->index = index;
	f->in = *in;
	f->j = malloc(sizeof(*f->j));
	if (!f->j)
		return -1;
	ts_jbuf_init(f->j, out);
	if (index == 0)
		return 0;
	f->mem = open_memstream(&f->buf, &f->size);
	if (!f->mem || ts_flow_view_reader(&f->view, in->flows) < 0)
		return -1;
	f->in.flows = &f->view;
	f->j->out = f->mem;
	return 0;
}

static void formatter_free(struct formatter *f)
{
	if (f->mem)
		fclose(f->mem);
	free(f->buf);
	free(f->j);
	if (f->in.flows == &f->view)
		ts_flow_view_free(&f->view);
}

/* One thread does it all: straight to out. */
static int serial(const struct ts_report_input *in, size_t records, ts_record_fn fn, const void *ctx, FILE *out)
{
	struct ts_jbuf *j = malloc(sizeof(*j));

	if (!j)
		return -1;
	ts_jbuf_init(j, out);
	for (size_t i = 0; i < records; i++)
		fn(in, i, j, ctx);
	ts_jbuf_flush(j);
	free(j);
	return 0;
}

static int run_rounds(struct pool *p, FILE *out)
{
	for (size_t first = 0; first < p->records; first += p->n * p->chunk) {
		pthread_mutex_lock(&p->mu);
		p->round_first = first;
		p->pending = p->n - 1;
		p->round++;
		pthread_cond_broadcast(&p->go);
		pthread_mutex_unlock(&p->mu);
		format_chunk(&p->f[0]);
		pthread_mutex_lock(&p->mu);
		while (p->pending)
			pthread_cond_wait(&p->finished, &p->mu);
		pthread_mutex_unlock(&p->mu);
		for (unsigned t = 1; t < p->n; t++) {
			struct formatter *f = &p->f[t];
			if (ferror(f->mem)) /* its memory ran out: the chunk is short */
				return -1;
			if (f->size && fwrite(f->buf, 1, f->size, out) != f->size)
				return -1;
			rewind(f->mem); /* the stream's size follows its position */
		}
	}
	return 0;
}

static void pool_free(struct pool *p, unsigned formatters)
{
	for (unsigned t = 0; t < formatters; t++)
		formatter_free(&p->f[t]);
	free(p->f);
}

int ts_report_records(const struct ts_report_input *in, size_t records, unsigned threads, size_t chunk,
                      ts_record_fn fn, const void *ctx, FILE *out)
{
	if (chunk == 0)
		chunk = 1;
	if (threads > records / chunk)
		threads = (unsigned)(records / chunk);
	if (threads <= 1)
		return serial(in, records, fn, ctx, out);

	struct pool p = { .records = records, .chunk = chunk, .fn = fn, .ctx = ctx };
	p.f = calloc(threads, sizeof(*p.f));
	if (!p.f)
		return serial(in, records, fn, ctx, out);
	for (unsigned t = 0; t < threads; t++)
		if (formatter_init(&p.f[t], &p, t, in, out) < 0) {
			pool_free(&p, threads);
			return serial(in, records, fn, ctx, out);
		}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.go, NULL);
	pthread_cond_init(&p.finished, NULL);
	/* As many helpers as could be started: fewer only means slower. */
	p.n = 1;
	while (p.n < threads && pthread_create(&p.f[p.n].thread, NULL, formatter_main, &p.f[p.n]) == 0)
		p.n++;
	int rc = run_rounds(&p, out);
	if (ferror(out))
		rc = -1;
	pthread_mutex_lock(&p.mu);
	p.stop = true;
	pthread_cond_broadcast(&p.go);
	pthread_mutex_unlock(&p.mu);
	for (unsigned t = 1; t < p.n; t++)
		pthread_join(p.f[t].thread, NULL);
	pthread_cond_destroy(&p.finished);
	pthread_cond_destroy(&p.go);
	pthread_mutex_destroy(&p.mu);
	pool_free(&p, threads);
	return rc;
}
