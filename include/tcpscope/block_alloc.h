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

/* A TS_BLOCK_BYTES block, aligned to its size; NULL when memory ran out.
 * Release it with free(). */
void *ts_block_alloc(void);

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
/* Every block, whatever is still in use. */
void ts_slab_release(struct ts_slab *s);

#endif
