/* \summary: capture times as struct timespec and as nanoseconds */
#ifndef TCPSCOPE_TIMESPEC_H
#define TCPSCOPE_TIMESPEC_H

#include <stdint.h>
#include <time.h>

static inline int64_t ts_timespec_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}
/* The inverse, for times kept as nanoseconds (never negative in a capture). */
static inline struct timespec ts_ns_timespec(int64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000) };
}
static inline double ts_timespec_sec(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

#endif
