/* \summary: rare per-endpoint figures, allocated by the connections that need them */
#include <stdlib.h>

#include "tcpscope/endpoint_rare.h"
#include "tcpscope/flow.h"

struct ts_endpoint_rare *ts_endpoint_rare_get(struct ts_endpoint *e)
{
	if (!e->rare)
		e->rare = calloc(1, sizeof(*e->rare));
	return e->rare;
}

void ts_endpoint_rare_free(struct ts_endpoint *e)
{
	free(e->rare);
	e->rare = NULL;
}

struct ts_dir_stats ts_endpoint_stats(const struct ts_endpoint *e)
{
	const struct ts_endpoint_rare *r = ts_endpoint_rare(e);

	return (struct ts_dir_stats){
		.packets = e->st.packets,
		.bytes = e->st.bytes,
		.payload_bytes = e->st.payload_bytes,
		.data_segments = e->st.data_segments,
		.retrans_segments = e->st.retrans_segments,
		.retrans_bytes = r->retrans_bytes,
		.fast_retrans = r->fast_retrans,
		.rto_retrans = r->rto_retrans,
		.spurious_retrans = r->spurious_retrans,
		.unseen_original = r->unseen_original,
		.out_of_order = r->out_of_order,
		.span_duplicates = r->span_duplicates,
		.dup_acks = r->dup_acks,
		.keepalives = r->keepalives,
		.window_probes = r->window_probes,
		.zero_window = r->zero_window,
		.syn_retrans = r->syn_retrans,
		.fin_retrans = r->fin_retrans,
		.over_mss = r->over_mss,
		.fragments = r->fragments,
		.rst_in_window = r->rst_in_window,
		.challenge_acks = r->challenge_acks,
	};
}
