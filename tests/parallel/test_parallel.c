/* \summary: unit tests: a sharded run reports exactly what a single-threaded run does */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <stdbool.h>
#include <cmocka.h>

#include "parallel/spsc_ring.h"
#include "tcpscope/capture.h"
#include "tcpscope/parallel.h"
#include "tcpscope/report.h"

/* Every capture under pcaps/, found by walking it: relative paths. */
struct trace_list {
	char **paths;
	size_t n, cap;
};

static bool is_capture(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && !strcmp(name + n - 5, ".pcap")) || (n > 7 && !strcmp(name + n - 7, ".pcapng")) ||
	       (n > 3 && !strcmp(name + n - 3, ".gz"));
}

static void collect(struct trace_list *l, const char *rel)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/%s", TS_SOURCE_ROOT, rel);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
		if (e->d_type == DT_DIR) {
			collect(l, sub);
		} else if (is_capture(e->d_name)) {
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 64;
				l->paths = realloc(l->paths, l->cap * sizeof(*l->paths));
				assert_non_null(l->paths);
			}
			l->paths[l->n++] = strdup(sub);
		}
	}
	closedir(d);
}

/* Analyse a trace with 0 (single-threaded) or n workers; the JSON report. */
static char *analyse(const char *rel, unsigned workers, size_t max_flows)
{
	char path[1024], errbuf[TS_ERRBUF_SIZE];
	snprintf(path, sizeof(path), "%s/%s", TS_SOURCE_ROOT, rel);
	const char *paths[1] = { path };
	struct ts_capture_opts copts;
	ts_capture_opts_default(&copts);
	struct ts_capture *cap = ts_capture_open_files(paths, 1, &copts, errbuf);
	if (!cap)
		return strdup(errbuf); /* a broken capture must break both runs alike */

	struct ts_analyzer_config cfg;
	ts_analyzer_config_default(&cfg);
	cfg.seed = 42;
	cfg.max_flows = max_flows;
	cfg.stall_timeout = 1;
	struct ts_analyzer an;
	ts_analyzer_init(&an, &cfg);
	struct ts_parallel *par = NULL;
	if (workers) {
		par = ts_parallel_start(&an, workers, errbuf);
		assert_non_null(par);
	}
	struct ts_pkt pkt;
	int rc;
	while ((rc = ts_capture_next(cap, &pkt, errbuf)) != TS_CAP_EOF) {
		if (rc != TS_CAP_PACKET)
			continue; /* a cut record: the next input, or the end */
		if (par)
			ts_parallel_feed(par, &pkt);
		else
			ts_analyzer_feed(&an, &pkt);
	}
	if (par)
		assert_int_equal(ts_parallel_finish(par), 0);
	else
		ts_analyzer_finish(&an);

	struct ts_report_input in;
	assert_int_equal(ts_report_input_build(&in, &an, NULL), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct ts_report_opts o = { .out = out, .flows = TS_FLOWS_ALL, .top = 10, .min_severity = TS_SEV_DEBUG };
	assert_int_equal(ts_reporter_find("json")->write(&in, &o), 0);
	fclose(out);
	ts_report_input_free(&in);
	ts_parallel_free(par);
	ts_analyzer_free(&an);
	ts_capture_close(cap);
	return buf;
}

static void test_same_report_sharded(void **state)
{
	(void)state;
	struct trace_list l = { 0 };
	collect(&l, "pcaps");
	assert_true(l.n >= 40);
	print_message("comparing %zu captures, 1 to 3 workers\n", l.n);
	for (size_t i = 0; i < l.n; i++) {
		char *single = analyse(l.paths[i], 0, 0);
		for (unsigned n = 1; n <= 3; n++) {
			char *sharded = analyse(l.paths[i], n, 0);
			if (strcmp(single, sharded) != 0)
				fail_msg("%s with %u workers differs from the single-threaded report", l.paths[i], n);
			free(sharded);
		}
		free(single);
		free(l.paths[i]);
	}
	free(l.paths);
}

static void test_ring_keeps_order_across_wraps(void **state)
{
	(void)state;
	struct ts_ring r;
	assert_int_equal(ts_ring_init(&r), 0);
	size_t next = 0;
	for (uint64_t i = 0; i < 3 * TS_RING_SLOTS + 5; i++) {
		struct ts_ring_entry *e = ts_ring_slot(&r);
		e->pkt.index = i;
		ts_ring_commit(&r);
		if (i % 1000 == 999) {
			ts_ring_flush(&r);
			size_t first;
			bool done;
			size_t n = ts_ring_ready(&r, &first, &done);
			assert_false(done);
			for (size_t k = 0; k < n; k++)
				assert_int_equal(ts_ring_at(&r, first + k)->pkt.index, next++);
			ts_ring_release(&r, first + n);
		}
	}
	ts_ring_close(&r);
	size_t first;
	bool done;
	size_t n = ts_ring_ready(&r, &first, &done);
	for (size_t k = 0; k < n; k++)
		assert_int_equal(ts_ring_at(&r, first + k)->pkt.index, next++);
	ts_ring_release(&r, first + n);
	assert_int_equal(next, 3 * TS_RING_SLOTS + 5);
	assert_int_equal(ts_ring_ready(&r, &first, &done), 0);
	assert_true(done);
	ts_ring_free(&r);
}

/* A producer that pauses now and then: the consumer sleeps on an empty ring
 * and the producer on a full one; every entry arrives once, in order. */
#define TS_TEST_RING_ENTRIES (20 * TS_RING_SLOTS + 7)

static void *produce(void *arg)
{
	struct ts_ring *r = arg;
	for (uint64_t i = 0; i < TS_TEST_RING_ENTRIES; i++) {
		ts_ring_slot(r)->pkt.index = i;
		ts_ring_commit(r);
		if (i % (3 * TS_RING_SLOTS) == 0) {
			ts_ring_flush(r);
			usleep(2000); /* the consumer drains the ring and sleeps */
		}
	}
	ts_ring_close(r);
	return NULL;
}

static void test_ring_sleeps_and_wakes(void **state)
{
	(void)state;
	struct ts_ring r;
	pthread_t t;
	assert_int_equal(ts_ring_init(&r), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &r), 0);
	uint64_t next = 0, batches = 0;
	size_t first, n;
	while ((n = ts_ring_wait(&r, &first)) != 0) {
		assert_true(n <= TS_RING_SLOTS);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(ts_ring_at(&r, first + k)->pkt.index, next++);
		if (++batches == 5)
			while (!atomic_load(&r.producer.waiting))
				usleep(100); /* held back until the producer finds the ring full */
		else if (batches % 5 == 0)
			usleep(1000); /* and now and then without waiting to see it */
		ts_ring_release(&r, first + n);
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(next, TS_TEST_RING_ENTRIES);
	/* Both sides slept and were woken: a wake-up bumps the sleeper's event,
	 * and closing bumps the consumer's once more. */
	assert_true(atomic_load(&r.consumer.event) >= 2);
	assert_true(atomic_load(&r.producer.event) >= 1);
	ts_ring_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_keeps_order_across_wraps),
		cmocka_unit_test(test_ring_sleeps_and_wakes),
		cmocka_unit_test(test_same_report_sharded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
