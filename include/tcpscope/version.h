/* \summary: program version */
#ifndef TCPSCOPE_VERSION_H
#define TCPSCOPE_VERSION_H
const char *ts_version(void);
#endif
