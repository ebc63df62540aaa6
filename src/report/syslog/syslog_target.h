/* \summary: private: a syslog target string parsed into a socket address */
#ifndef TCPSCOPE_SYSLOG_TARGET_H
#define TCPSCOPE_SYSLOG_TARGET_H

#include <stddef.h>
#include <sys/socket.h>

#include "tcpscope/errbuf.h"

enum ts_syslog_transport { TS_SYSLOG_UNIX = 0, TS_SYSLOG_UDP, TS_SYSLOG_TCP };

struct ts_syslog_target {
	enum ts_syslog_transport transport;
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

/* See ts_syslog_open() for the syntax. Names are resolved with getaddrinfo.
 * Returns 0, or -EINVAL / -ENOENT with errbuf filled. */
int ts_syslog_target_parse(const char *target, struct ts_syslog_target *t,
                           char errbuf[TS_ERRBUF_SIZE]);

#endif
