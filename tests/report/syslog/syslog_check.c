/* \summary: tests: sample flows and anomalies, and an independent RFC 5424 parser */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syslog_check.h"

void sample_flow(struct ts_flow *f, int af)
{
	memset(f, 0, sizeof(*f));
	f->id = 7;
	f->key.af = (uint8_t)af;
	if (af == 6) {
		inet_pton(AF_INET6, "2001:db8::10", f->key.lo_addr);
		inet_pton(AF_INET6, "2001:db8::20", f->key.hi_addr);
	} else {
		inet_pton(AF_INET, "192.0.2.10", f->key.lo_addr);
		inet_pton(AF_INET, "198.51.100.20", f->key.hi_addr);
	}
	f->key.lo_port = 40000;
	f->key.hi_port = 80;
	f->client_is_lo = true;
	f->roles_known = true;
	f->cli.st.data_segments = 120;
	f->cli.st.retrans_segments = 3;
	f->srv.st.data_segments = 40;
	f->srv.st.retrans_segments = 1;
}

struct ts_anomaly sample_close_wait(void)
{
	struct timespec ts = { .tv_sec = SAMPLE_SEC, .tv_nsec = SAMPLE_NSEC };
	struct ts_anomaly a = ts_anomaly_new(TS_AN_CLOSE_WAIT_STALL, TS_EP_SERVER, &ts);

	a.has_duration = 1;
	a.duration.tv_sec = 12;
	a.duration.tv_nsec = 500000000L;
	return a;
}

struct ts_anomaly sample_syn_flood(const char *detail)
{
	struct timespec ts = { .tv_sec = SAMPLE_SEC + 1, .tv_nsec = 0 };
	struct ts_anomaly a = ts_anomaly_new(TS_AN_SYN_FLOOD, TS_EP_NONE, &ts);

	a.value = 250;
	a.detail = detail;
	a.host_af = 6;
	inet_pton(AF_INET6, "2001:db8::1", a.host_addr);
	a.port = 443;
	return a;
}

static int fail(const char *why, size_t at)
{
	fprintf(stderr, "parse_rfc5424: %s at offset %zu\n", why, at);
	return -1;
}

/* A header field: 1..max PRINTUSASCII octets followed by one space. */
static int field(const char *s, size_t len, size_t *i, char *out, size_t max)
{
	size_t k = 0;

	while (*i < len && s[*i] != ' ') {
		unsigned char c = (unsigned char)s[*i];
		if (c < 33 || c > 126 || k + 1 >= max)
			return fail("bad header field", *i);
		out[k++] = (char)c;
		(*i)++;
	}
	out[k] = '\0';
	if (k == 0 || *i >= len)
		return fail("empty or last header field", *i);
	(*i)++;
	return 0;
}

/* SD-NAME: 1..32 PRINTUSASCII except '=', SP, ']', '"'. */
static int sd_name(const char *s, size_t len, size_t *i, char *out, size_t max)
{
	size_t k = 0;

	while (*i < len && !strchr("= ]\"", s[*i])) {
		unsigned char c = (unsigned char)s[*i];
		if (c < 33 || c > 126 || k + 1 >= max || k >= 32)
			return fail("bad SD-NAME", *i);
		out[k++] = (char)c;
		(*i)++;
	}
	out[k] = '\0';
	return k ? 0 : fail("empty SD-NAME", *i);
}

static int param_value(const char *s, size_t len, size_t *i, char *out, size_t max)
{
	size_t k = 0;

	if (*i >= len || s[*i] != '"')
		return fail("value without opening quote", *i);
	for ((*i)++; *i < len && s[*i] != '"'; (*i)++) {
		unsigned char c = (unsigned char)s[*i];
		if (c < 32 || c > 126)
			return fail("non-printable value byte", *i);
		if (c == ']')
			return fail("unescaped ']' in value", *i);
		if (c == '\\') {
			if (*i + 1 >= len)
				return fail("lone backslash", *i);
			char n = s[*i + 1];
			if (n == '"' || n == '\\' || n == ']') {
				c = (unsigned char)n;
				(*i)++;
			}
			/* RFC 5424 6.3.3: any other backslash is kept as it is. */
		}
		if (k + 1 >= max)
			return fail("value too long for the test", *i);
		out[k++] = (char)c;
	}
	if (*i >= len)
		return fail("unterminated value", *i);
	(*i)++;
	out[k] = '\0';
	return 0;
}

int parse_rfc5424(const char *s, size_t len, struct parsed_msg *m)
{
	size_t i = 1;

	memset(m, 0, sizeof(*m));
	if (len < 2 || s[0] != '<')
		return fail("no PRI", 0);
	m->pri = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9' && i <= 3)
		m->pri = m->pri * 10 + (s[i++] - '0');
	if (i == 1 || i >= len || s[i] != '>' || m->pri > 191 || (i > 2 && s[1] == '0'))
		return fail("bad PRI", i);
	i++;
	if (len - i < 2 || s[i] != '1' || s[i + 1] != ' ')
		return fail("version is not 1", i);
	i += 2;
	if (field(s, len, &i, m->timestamp, sizeof(m->timestamp)) ||
	    field(s, len, &i, m->hostname, sizeof(m->hostname)) ||
	    field(s, len, &i, m->app_name, sizeof(m->app_name)) ||
	    field(s, len, &i, m->procid, sizeof(m->procid)) ||
	    field(s, len, &i, m->msgid, sizeof(m->msgid)))
		return -1;
	if (strlen(m->hostname) > 255 || strlen(m->app_name) > 48 || strlen(m->procid) > 128 ||
	    strlen(m->msgid) > 32)
		return fail("header field too long", i);
	if (i >= len || s[i] != '[')
		return fail("no SD-ELEMENT", i);
	i++;
	if (sd_name(s, len, &i, m->sd_id, sizeof(m->sd_id)))
		return -1;
	while (i < len && s[i] == ' ') {
		i++;
		if (m->n_params == PARSED_MAX_PARAMS)
			return fail("too many params for the test", i);
		if (sd_name(s, len, &i, m->names[m->n_params], sizeof(m->names[0])))
			return -1;
		if (i >= len || s[i] != '=')
			return fail("no '='", i);
		i++;
		if (param_value(s, len, &i, m->values[m->n_params], sizeof(m->values[0])))
			return -1;
		m->n_params++;
	}
	if (i >= len || s[i] != ']')
		return fail("SD-ELEMENT not closed", i);
	i++;
	if (i == len)
		return 0;
	if (s[i] != ' ')
		return fail("no space before MSG", i);
	i++;
	if (len - i >= sizeof(m->msg))
		return fail("MSG too long for the test", i);
	for (size_t k = i; k < len; k++)
		if ((unsigned char)s[k] < 32 || (unsigned char)s[k] > 126)
			return fail("non-printable MSG byte", k);
	memcpy(m->msg, s + i, len - i);
	m->msg[len - i] = '\0';
	return 0;
}

const char *parsed_param(const struct parsed_msg *m, const char *name)
{
	for (int k = 0; k < m->n_params; k++)
		if (strcmp(m->names[k], name) == 0)
			return m->values[k];
	return NULL;
}
