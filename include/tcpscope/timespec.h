/* \summary: capture times as struct timespec and as nanoseconds */
#ifndef TCPSCOPE_TIMESPEC_H
#define TCPSCOPE_TIMESPEC_H

#include <stdint.h>
#include <time.h>

#include "tcpscope/units.h"

static inline int64_t ts_timespec_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * TS_NSEC_PER_SEC + t->tv_nsec;
}
/* The inverse, for times kept as nanoseconds (never negative in a capture). */
static inline struct timespec ts_ns_timespec(int64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / TS_NSEC_PER_SEC), .tv_nsec = (long)(ns % TS_NSEC_PER_SEC) };
}
static inline double ts_timespec_sec(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / TS_NSEC_PER_SEC;
}

#endif
