/* \summary: wrap-safe 32-bit TCP sequence arithmetic (RFC 793 3.3) */
#ifndef TCPSCOPE_SEQ_H
#define TCPSCOPE_SEQ_H

#include <stdint.h>

static inline int ts_seq_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }
#define TS_SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define TS_SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define TS_SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define TS_SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
#define TS_SEQ_MAX(a, b) (TS_SEQ_GT(a, b) ? (a) : (b))
#define TS_SEQ_MIN(a, b) (TS_SEQ_LT(a, b) ? (a) : (b))

#endif
