/* \summary: large blocks backed by huge pages, and fixed-size slots carved from them */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tcpscope/block_alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define TS_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define TS_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define TS_POISON(p, n) ((void)(p), (void)(n))
#define TS_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static size_t huge_size(size_t size)
{
	return (size + TS_BLOCK_BYTES - 1) & ~(TS_BLOCK_BYTES - 1);
}

void *ts_huge_alloc(size_t size)
{
	size_t len = huge_size(size);
	if (!len || len + TS_BLOCK_BYTES < len)
		return NULL;
	/* Map one block more than needed and cut it back to an aligned run. */
	/* fd -1 is what MAP_ANONYMOUS asks for (mmap(2)). */
	/* cppcheck-suppress invalidFunctionArg */
	char *raw = mmap(NULL, len + TS_BLOCK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	uintptr_t at = ((uintptr_t)raw + TS_BLOCK_BYTES - 1) & ~(uintptr_t)(TS_BLOCK_BYTES - 1);
	char *p = (char *)at;
	if (p > raw)
		munmap(raw, (size_t)(p - raw));
	if (raw + len + TS_BLOCK_BYTES > p + len)
		munmap(p + len, (size_t)(raw + len + TS_BLOCK_BYTES - (p + len)));
#ifdef MADV_HUGEPAGE
	/* A hint: without transparent huge pages it is the same memory. */
	(void)madvise(p, len, MADV_HUGEPAGE);
#endif
	return p;
}

void ts_huge_free(void *p, size_t size)
{
	if (p)
		munmap(p, huge_size(size));
}

/* A block starts with the link to the previous one, padded to keep slots aligned. */
struct slab_block_header {
	void *prev;
};
#define TS_SLAB_HEADER 64

void ts_slab_init(struct ts_slab *s, size_t slot_size)
{
	memset(s, 0, sizeof(*s));
	if (slot_size < sizeof(void *))
		slot_size = sizeof(void *);
	s->slot_size = (slot_size + 15) & ~(size_t)15;
}

void *ts_slab_alloc(struct ts_slab *s)
{
	void *slot;

	if (s->free_slots) {
		slot = s->free_slots;
		TS_UNPOISON(slot, s->slot_size);
		memcpy(&s->free_slots, slot, sizeof(void *));
	} else {
		if (!s->fresh_slots) {
			char *b = ts_block_alloc();
			if (!b)
				return NULL;
			((struct slab_block_header *)(void *)b)->prev = s->blocks;
			s->blocks = b;
			s->fresh = b + TS_SLAB_HEADER;
			s->fresh_slots = (TS_BLOCK_BYTES - TS_SLAB_HEADER) / s->slot_size;
			TS_POISON(s->fresh, s->fresh_slots * s->slot_size);
		}
		slot = s->fresh;
		TS_UNPOISON(slot, s->slot_size);
		s->fresh += s->slot_size;
		s->fresh_slots--;
	}
	memset(slot, 0, s->slot_size);
	return slot;
}

void ts_slab_free(struct ts_slab *s, void *slot)
{
	if (!slot)
		return;
	memcpy(slot, &s->free_slots, sizeof(void *));
	s->free_slots = slot;
	/* The link stays readable; the rest is off limits until handed out again. */
	TS_POISON((char *)slot + sizeof(void *), s->slot_size - sizeof(void *));
}

void ts_slab_adopt(struct ts_slab *dst, struct ts_slab *src)
{
	char *b = src->blocks;

	assert(dst->slot_size == src->slot_size);

	if (!b)
		return;
	/* src's chain goes in front of dst's. dst goes on carving its own
	 * newest block; src's unused slots are not handed out again. */
	char *oldest = b;
	while (((struct slab_block_header *)(void *)oldest)->prev)
		oldest = ((struct slab_block_header *)(void *)oldest)->prev;
	((struct slab_block_header *)(void *)oldest)->prev = dst->blocks;
	dst->blocks = b;
	ts_slab_init(src, src->slot_size);
}

void ts_slab_release(struct ts_slab *s)
{
	char *b = s->blocks;

	while (b) {
		char *prev = ((struct slab_block_header *)(void *)b)->prev;
		TS_UNPOISON(b + TS_SLAB_HEADER, TS_BLOCK_BYTES - TS_SLAB_HEADER);
		ts_block_free(b);
		b = prev;
	}
	ts_slab_init(s, s->slot_size);
}
