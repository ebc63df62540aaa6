/* \summary: live interfaces through pcap_create/pcap_activate */
#ifndef TCPSCOPE_CAPTURE_LIVE_H
#define TCPSCOPE_CAPTURE_LIVE_H

#include "capture_source.h"

extern const struct ts_capture_ops ts_capture_live_ops;

#endif
