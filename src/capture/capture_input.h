/* \summary: open one offline input, sniff its magic bytes and pick the backend */
#ifndef TCPSCOPE_CAPTURE_INPUT_H
#define TCPSCOPE_CAPTURE_INPUT_H

#include "capture_source.h"
#include "capture_stream.h"

/* Open one offline input ("-" is stdin) and pick its backend by magic.
 * wake may be NULL. 0, or -1 with errbuf filled (no file name). */
int ts_capture_input_open(struct ts_capture_source *src, const char *path,
                          const struct ts_stream_wake *wake, char errbuf[TS_ERRBUF_SIZE]);

#endif
