/* \summary: classify a segment once and update its sender's figures */
#ifndef TCPSCOPE_TCP_CLASSIFY_H
#define TCPSCOPE_TCP_CLASSIFY_H

#include <stdint.h>

#include "tcp_ctx.h"

/* Classify c's segment and update the sender's figures. */
void ts_tcp_classify(struct ts_tcp_ctx *c);
/* A hash of the header fields a copied frame keeps (capture duplicates). */
uint32_t ts_tcp_frame_signature(const struct ts_decoded *d);

#endif
