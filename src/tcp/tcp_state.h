/* \summary: the RFC 793 state machine of both endpoints */
#ifndef TCPSCOPE_TCP_STATE_H
#define TCPSCOPE_TCP_STATE_H

#include "tcp_ctx.h"

/* Advance both endpoints' states for c's segment. */
void ts_tcp_state_advance(struct ts_tcp_ctx *c);

#endif
