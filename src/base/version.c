/* \summary: program version, from the build */
#include "tcpscope/version.h"

#ifndef TS_VERSION
#define TS_VERSION "0.1.0"
#endif

const char *ts_version(void) { return TS_VERSION; }
