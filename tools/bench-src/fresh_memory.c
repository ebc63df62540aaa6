/* \summary: fresh_memory: what a process pays for memory it never had, the first time it touches it */

/*
 * fresh_memory MIB
 *
 * Takes MIB MiB (rounded up to whole blocks) in the 2 MiB blocks tcpscope
 * keeps its flow records in (ts_block_alloc: mapped, aligned, huge pages
 * where the kernel allows), writes one byte in every 4 KiB page, then
 * writes every block again. Prints
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
#include <time.h>

#include "tcpscope/block_alloc.h"
#include "tcpscope/units.h"

#define FRESH_PAGE ((size_t)4096)

static double fresh_seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / TS_NSEC_PER_SEC;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long mib = argc == 2 ? strtoul(argv[1], &end, 10) : 0;

	if (argc != 2 || *end || mib == 0 || mib > (SIZE_MAX >> 21)) {
		fprintf(stderr, "usage: fresh_memory MIB (a positive number of MiB)\n");
		return 2;
	}
	/* Whole blocks, as tcpscope takes them. */
	size_t n = ((size_t)mib * ((size_t)1 << 20) + TS_BLOCK_BYTES - 1) / TS_BLOCK_BYTES;
	char **block = calloc(n, sizeof(*block));
	struct timespec t0, t1, t2;

	if (!block) {
		fprintf(stderr, "fresh_memory: out of memory\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t b = 0; b < n; b++) {
		if (!(block[b] = ts_block_alloc())) {
			fprintf(stderr, "fresh_memory: cannot map block %zu of %zu\n", b + 1, n);
			return 1;
		}
		for (size_t off = 0; off < TS_BLOCK_BYTES; off += FRESH_PAGE)
			block[b][off] = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (size_t b = 0; b < n; b++)
		memset(block[b], 2, TS_BLOCK_BYTES);
	clock_gettime(CLOCK_MONOTONIC, &t2);

	/* Read back so the writes are observable and not optimised away. */
	unsigned sum = (unsigned char)block[0][0] + (unsigned char)block[n - 1][TS_BLOCK_BYTES - 1];
	double first = fresh_seconds(&t0, &t1);
	printf("first_touch_s=%.6f first_touch_gbs=%.3f rewrite_s=%.6f check=%u\n", first,
	       first > 0 ? (double)(n * TS_BLOCK_BYTES) / first / 1e9 : 0.0, fresh_seconds(&t1, &t2), sum);
	for (size_t b = 0; b < n; b++)
		ts_block_free(block[b]);
	free(block);
	return 0;
}
