/* \summary: pcapng reader over a byte stream */
#ifndef TCPSCOPE_CAPTURE_PCAPNG_H
#define TCPSCOPE_CAPTURE_PCAPNG_H

#include "capture_source.h"

extern const struct ts_capture_ops ts_capture_pcapng_ops;

#endif
