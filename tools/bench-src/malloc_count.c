/* \summary: malloc_count: LD_PRELOAD counter of heap allocation calls */

/*
 * LD_PRELOAD=malloc_count.so COMMAND...
 *
 * Counts the calls of malloc, calloc and realloc (and free) made by the
 * process, the C library's own included, and the bytes they asked for.
 * At exit one line
 *   malloc=N calloc=N realloc=N free=N bytes=N
 * is written to the file named by TS_MALLOC_COUNT_OUT (appended), or to
 * stderr. The calls are forwarded to glibc's __libc_* entry points, which
 * avoids dlsym() and its own allocations.
 *
 * Memory mapped with mmap is not counted: tcpscope's 2 MiB blocks of flow
 * records and packed flows (one per several thousand connections).
 *
 * An interposer has to keep process-wide counters: they are the only
 * mutable file-scope state, updated atomically in case of threads.
 */

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

enum ts_malloc_counter {
	TS_MC_MALLOC,
	TS_MC_CALLOC,
	TS_MC_REALLOC,
	TS_MC_FREE,
	TS_MC_BYTES,
	TS_MC_COUNT
};

static unsigned long long ts_malloc_counters[TS_MC_COUNT];

static void ts_malloc_add(enum ts_malloc_counter c, unsigned long long n)
{
	__atomic_fetch_add(&ts_malloc_counters[c], n, __ATOMIC_RELAXED);
}

static unsigned long long ts_malloc_get(enum ts_malloc_counter c)
{
	return __atomic_load_n(&ts_malloc_counters[c], __ATOMIC_RELAXED);
}

void *malloc(size_t size)
{
	ts_malloc_add(TS_MC_MALLOC, 1);
	ts_malloc_add(TS_MC_BYTES, size);
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	ts_malloc_add(TS_MC_CALLOC, 1);
	ts_malloc_add(TS_MC_BYTES, (unsigned long long)nmemb * size);
	return __libc_calloc(nmemb, size);
}

void *realloc(void *ptr, size_t size)
{
	ts_malloc_add(TS_MC_REALLOC, 1);
	ts_malloc_add(TS_MC_BYTES, size);
	return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
	if (ptr != NULL)
		ts_malloc_add(TS_MC_FREE, 1);
	__libc_free(ptr);
}

/* Runs after main returns or exit() is called; snprintf on integers and
 * write(2) do not allocate. */
__attribute__((destructor)) static void ts_malloc_count_report(void)
{
	const char *path = getenv("TS_MALLOC_COUNT_OUT");
	char line[256];
	int fd = STDERR_FILENO, n;

	n = snprintf(line, sizeof line, "malloc=%llu calloc=%llu realloc=%llu free=%llu bytes=%llu\n",
	             ts_malloc_get(TS_MC_MALLOC), ts_malloc_get(TS_MC_CALLOC),
	             ts_malloc_get(TS_MC_REALLOC), ts_malloc_get(TS_MC_FREE),
	             ts_malloc_get(TS_MC_BYTES));
	if (n <= 0)
		return;
	if (path != NULL && *path != '\0') {
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return;
	}
	if (write(fd, line, (size_t)n) < 0) {
		/* Nothing left to report the failure to. */
	}
	if (fd != STDERR_FILENO)
		close(fd);
}
