/* \summary: syslog targets: "", "unix:PATH", "udp://HOST[:PORT]", "tcp://HOST[:PORT]" */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "syslog_target.h"
#include "tcpscope/syslog_sink.h"
#include "tcpscope/units.h"

static int parse_unix(const char *path, struct ts_syslog_target *t, char errbuf[TS_ERRBUF_SIZE])
{
	struct sockaddr_un *un = (struct sockaddr_un *)&t->addr;
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(un->sun_path)) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "syslog: bad unix socket path '%s'", path);
		return -EINVAL;
	}
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path, path, n + 1);
	t->transport = TS_SYSLOG_UNIX;
	t->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

/* "host", "host:port", "[v6]", "[v6]:port"; a bare v6 address has no port. */
static int split_host_port(const char *hp, char *host, size_t host_len, char *port, size_t port_len)
{
	const char *end, *colon = NULL;

	if (hp[0] == '[') {
		end = strchr(hp, ']');
		if (!end || (end[1] != '\0' && end[1] != ':'))
			return -EINVAL;
		if (end[1] == ':')
			colon = end + 1;
		hp++;
	} else {
		colon = strchr(hp, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* unbracketed IPv6 address */
		end = colon ? colon : hp + strlen(hp);
	}
	if (end == hp || (size_t)(end - hp) >= host_len)
		return -EINVAL;
	memcpy(host, hp, (size_t)(end - hp));
	host[end - hp] = '\0';

	if (!colon) {
		snprintf(port, port_len, "%d", TS_SYSLOG_DEFAULT_PORT);
		return 0;
	}
	char *stop;
	errno = 0;
	long p = strtol(colon + 1, &stop, 10);
	if (colon[1] < '0' || colon[1] > '9' || *stop || errno || p < 1 || p > TS_PORT_MAX)
		return -EINVAL;
	snprintf(port, port_len, "%ld", p);
	return 0;
}

static int parse_inet(const char *hp, enum ts_syslog_transport tr, struct ts_syslog_target *t,
                      char errbuf[TS_ERRBUF_SIZE])
{
	struct addrinfo hints, *res = NULL;
	char host[256], port[8];

	if (split_host_port(hp, host, sizeof(host), port, sizeof(port)) < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "syslog: bad HOST:PORT '%s'", hp);
		return -EINVAL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tr == TS_SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0 || !res) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "syslog: cannot resolve '%s': %s", host,
		         rc ? gai_strerror(rc) : "no address");
		if (res)
			freeaddrinfo(res);
		return -ENOENT;
	}
	memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
	t->addr_len = res->ai_addrlen;
	t->transport = tr;
	freeaddrinfo(res);
	return 0;
}

int ts_syslog_target_parse(const char *target, struct ts_syslog_target *t,
                           char errbuf[TS_ERRBUF_SIZE])
{
	memset(t, 0, sizeof(*t));
	if (!target || !*target)
		return parse_unix(TS_SYSLOG_LOCAL_PATH, t, errbuf);
	if (strncmp(target, "unix:", 5) == 0)
		return parse_unix(target + 5, t, errbuf);
	if (strncmp(target, "udp://", 6) == 0)
		return parse_inet(target + 6, TS_SYSLOG_UDP, t, errbuf);
	if (strncmp(target, "tcp://", 6) == 0)
		return parse_inet(target + 6, TS_SYSLOG_TCP, t, errbuf);
	snprintf(errbuf, TS_ERRBUF_SIZE,
	         "syslog: unknown target '%s' (expected udp://HOST:PORT, tcp://HOST:PORT or unix:PATH)",
	         target);
	return -EINVAL;
}
