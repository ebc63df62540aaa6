/* \summary: Linux cooked capture v2 (DLT_LINUX_SLL2), 20-byte header */
#include "tcpscope/dissect.h"
#include "link_common.h"

#define SLL2_HDR_LEN   20
#define SLL2_PROTO_OFF 0

enum ts_drc ts_dissect_sll2(struct ts_view in, struct ts_decoded *out,
                            struct ts_view *next, uint16_t *next_proto,
                            enum ts_decode_reason *reason)
{
	return ts_link_fixed_header(in, SLL2_HDR_LEN, SLL2_PROTO_OFF, out, next, next_proto, reason);
}
