/* \summary: ask for every cache line of an object before it is read */
#ifndef TCPSCOPE_PREFETCH_H
#define TCPSCOPE_PREFETCH_H

#include <stddef.h>

#define TS_CACHE_LINE 64

/* The n bytes at p, a line at a time: for records read soon after. */
static inline void ts_prefetch_lines(const void *p, size_t n)
{
	for (size_t off = 0; off < n; off += TS_CACHE_LINE)
		__builtin_prefetch((const char *)p + off);
}

#endif
