/* \summary: rare per-endpoint figures, allocated by the connections that need them */
#ifndef TCPSCOPE_ENDPOINT_RARE_H
#define TCPSCOPE_ENDPOINT_RARE_H

/* The types are the flow record's (flow.h), which includes this header. */
struct ts_dir_stats;
struct ts_endpoint;
struct ts_endpoint_rare;

/* The rare figures of e for writing, allocated on first use; NULL when memory
 * ran out (the change is then lost, the analysis goes on). */
struct ts_endpoint_rare *ts_endpoint_rare_get(struct ts_endpoint *e);

/* Release what ts_endpoint_rare_get allocated. */
void ts_endpoint_rare_free(struct ts_endpoint *e);

/* Every per-direction figure of e, the common and the rare ones together. */
struct ts_dir_stats ts_endpoint_stats(const struct ts_endpoint *e);

#endif
