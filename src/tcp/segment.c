/* \summary: names of the classes the classifier gives segments */
#include "tcpscope/segment.h"

static const char *const seg_class_names[] = {
	[TS_SEG_CONTROL] = "control",
	[TS_SEG_NEW] = "new",
	[TS_SEG_RETX] = "retransmission",
	[TS_SEG_RETX_UNSEEN] = "retransmission_unseen_original",
	[TS_SEG_OUT_OF_ORDER] = "out_of_order",
	[TS_SEG_SPAN_DUP] = "span_duplicate",
	[TS_SEG_KEEPALIVE] = "keepalive",
	[TS_SEG_WINDOW_PROBE] = "window_probe",
	[TS_SEG_NET_DUP] = "network_duplicate",
};

const char *ts_seg_class_name(enum ts_seg_class c)
{
	return (unsigned)c <= TS_SEG_NET_DUP ? seg_class_names[c] : "unknown";
}
