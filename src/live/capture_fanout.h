/* \summary: PACKET_FANOUT: one interface's packets spread over several live captures by flow */
#ifndef TCPSCOPE_CAPTURE_FANOUT_H
#define TCPSCOPE_CAPTURE_FANOUT_H

#include <stdbool.h>

#include "tcpscope/capture.h"

/*
 * Join live capture c (opened with ts_capture_open_live) to a PACKET_FANOUT
 * group in hash mode, IP fragments reassembled before the hash, so that every
 * packet of a connection, in both directions, reaches the same member.
 * With create, a new group unique in this network namespace is made and its
 * id written to *group (0 is a valid id); the other members join *group.
 * Linux only. Returns 0, or -1 with errbuf filled.
 */
int ts_capture_fanout_join(struct ts_capture *c, bool create, unsigned *group,
                           char errbuf[TS_ERRBUF_SIZE]);

#endif
