/* \summary: packet decode entry point (link -> IP -> TCP) */
#include "tcpscope/dissect.h"
