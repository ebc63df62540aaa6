/* \summary: evidence about an endpoint the capture does not see */
#ifndef TCPSCOPE_TCP_VANTAGE_H
#define TCPSCOPE_TCP_VANTAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp_ctx.h"

/* Nothing was captured from peer, yet the other side acknowledged it. */
bool ts_tcp_peer_silent(const struct ts_endpoint *peer);
/* An ACK moved r's snd_una from una_before to ack, closing holes of
 * 'holes' bytes: count what the capture never held. */
void ts_tcp_note_acked_seen_sender(struct ts_endpoint *r, uint32_t una_before, uint32_t ack, uint64_t holes);
/* An ACK for r, from which no segment with sequence space was captured. */
void ts_tcp_note_acked_silent_sender(struct ts_endpoint *r, uint32_t ack);
/* r, silent so far, sent [seq, end): those bytes were captured after all. */
void ts_tcp_note_silent_sender_seen(struct ts_endpoint *r, uint32_t seq, uint32_t end);
/* g, sent to a silent peer, acknowledges one more sequence number than
 * before: the peer's FIN (step_before: or the previous ACK did). */
bool ts_tcp_acks_silent_peer_fin(const struct ts_endpoint *peer, const struct ts_seg *g, bool step_before);
/* g, from a passive endpoint in SYN_RECEIVED, can only come from the
 * accepted connection: data, a FIN, or an ACK of the peer's data. */
bool ts_tcp_established_unseen(const struct ts_endpoint *peer, const struct ts_seg *g);
/* End of the flow: decide whether it was one-sided. */
void ts_tcp_vantage_finish(struct ts_flow *f);

#endif
