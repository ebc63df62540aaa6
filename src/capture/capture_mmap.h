/* \summary: classic pcap files mapped into memory and read in place */
#ifndef TCPSCOPE_CAPTURE_MMAP_H
#define TCPSCOPE_CAPTURE_MMAP_H

#include "capture_source.h"

extern const struct ts_capture_ops ts_capture_mmap_ops;

#endif
