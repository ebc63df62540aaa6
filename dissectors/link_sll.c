/* \summary: Linux cooked capture v1 (DLT_LINUX_SLL), 16-byte header */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define SLL_HDR_LEN   16
#define SLL_PROTO_OFF 14

enum ts_drc ts_dissect_sll(struct ts_view in, struct ts_decoded *out,
                           struct ts_view *next, uint16_t *next_proto,
                           enum ts_decode_reason *reason)
{
	/* Values below 0x0600 are Linux pseudo protocols (802.2, 802.3): not IP. */
	return ts_link_fixed_header(in, SLL_HDR_LEN, SLL_PROTO_OFF, out, next, next_proto, reason);
}
