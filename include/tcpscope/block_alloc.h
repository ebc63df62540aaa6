/* \summary: large blocks backed by huge pages, and fixed-size slots carved from them */
#ifndef TCPSCOPE_BLOCK_ALLOC_H
#define TCPSCOPE_BLOCK_ALLOC_H

#include <stddef.h>

/*
 * Hundreds of thousands of connections are looked up at random: with 4 KiB
 * pages nearly every lookup also misses the TLB. Flow records and packed
 * flows live in 2 MiB blocks the kernel may back with huge pages.
 */
#define TS_BLOCK_BYTES ((size_t)2 << 20)

/* Zeroed memory mapped on its own: size rounded up to TS_BLOCK_BYTES and
 * aligned to it. NULL when memory ran out. Give back with ts_huge_free and
 * the same size. */
void *ts_huge_alloc(size_t size);
void ts_huge_free(void *p, size_t size);

/* One TS_BLOCK_BYTES block. */
static inline void *ts_block_alloc(void) { return ts_huge_alloc(TS_BLOCK_BYTES); }
static inline void ts_block_free(void *p) { ts_huge_free(p, TS_BLOCK_BYTES); }

/* Slots of one size, handed out from blocks and kept on a free list. */
struct ts_slab {
	size_t slot_size;
	void *blocks;                /* chain through each block's first word */
	void *free_slots;            /* chain through each free slot's first word */
	char *fresh;                 /* the never-used rest of the newest block */
	size_t fresh_slots;
};

void ts_slab_init(struct ts_slab *s, size_t slot_size);
/* A zeroed slot, or NULL when memory ran out. */
void *ts_slab_alloc(struct ts_slab *s);
void ts_slab_free(struct ts_slab *s, void *slot);
/* dst takes over src's blocks and the slots in use in them; src is left
 * empty. */
void ts_slab_adopt(struct ts_slab *dst, struct ts_slab *src);
/* Every block, whatever is still in use. */
void ts_slab_release(struct ts_slab *s);

#endif
