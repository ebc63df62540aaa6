/* \summary: fresh_memory: what a process pays for memory it never had, the first time it touches it */

/*
 * fresh_memory MIB
 *
 * Maps MIB MiB of anonymous memory the way tcpscope maps its flow records
 * (2 MiB aligned, huge pages where the kernel allows), writes one byte in
 * every 4 KiB page, then writes the whole area again. Prints
 *   first_touch_s=S first_touch_gbs=R rewrite_s=S
 * The first pass costs the page faults and the zeroing of every page; on a
 * virtual machine whose guest hands freed memory back to the host (balloon
 * free page reporting) it also waits for the host to back each page again,
 * which can make it far slower than the rewrite. A program that holds
 * hundreds of MiB (tcpscope on a million connections) pays this on every
 * run; a bare read loop does not.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define FRESH_ALIGN ((size_t)2 << 20)
#define FRESH_PAGE ((size_t)4096)

static double fresh_seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long mib = argc == 2 ? strtoul(argv[1], &end, 10) : 0;

	if (argc != 2 || *end || mib == 0 || mib > (SIZE_MAX >> 21)) {
		fprintf(stderr, "usage: fresh_memory MIB (a positive number of MiB)\n");
		return 2;
	}
	size_t len = (size_t)mib << 20;
	struct timespec t0, t1, t2;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Over-map by one alignment unit and start on a 2 MiB boundary, so that
	 * every 2 MiB of the area can be one huge page. */
	char *raw = mmap(NULL, len + FRESH_ALIGN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		perror("fresh_memory: mmap");
		return 1;
	}
	char *p = (char *)(((uintptr_t)raw + FRESH_ALIGN - 1) & ~(uintptr_t)(FRESH_ALIGN - 1));
	(void)madvise(p, len, MADV_HUGEPAGE);
	for (size_t off = 0; off < len; off += FRESH_PAGE)
		p[off] = 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	memset(p, 2, len);
	clock_gettime(CLOCK_MONOTONIC, &t2);

	/* Read back so the writes are observable and not optimised away. */
	unsigned sum = (unsigned char)p[0] + (unsigned char)p[len - 1];
	double first = fresh_seconds(&t0, &t1);
	printf("first_touch_s=%.6f first_touch_gbs=%.3f rewrite_s=%.6f check=%u\n", first,
	       first > 0 ? (double)len / first / 1e9 : 0.0, fresh_seconds(&t1, &t2), sum);
	munmap(raw, len + FRESH_ALIGN);
	return 0;
}
