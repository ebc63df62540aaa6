/* \summary: --user: give up root once the capture is open */
#ifndef TCPSCOPE_PRIVDROP_H
#define TCPSCOPE_PRIVDROP_H

#include "tcpscope/errbuf.h"

/* Give up root for user: supplementary groups, gid, uid, and check that
 * root cannot be regained. 0, or -1 with errbuf filled. */
int ts_privileges_drop(const char *user, char errbuf[TS_ERRBUF_SIZE]);

#endif
