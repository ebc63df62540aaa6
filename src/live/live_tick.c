/* \summary: live stall detection: check every tracked flow against the wall clock */
#include "tcpscope/live_tick.h"
#include "tcpscope/tcp_engine.h"

size_t ts_live_check_stalls(struct ts_analyzer *an, const struct timespec *now)
{
	size_t n = 0;

	/* ts_tcp_check_stall reports each stall once, and never retires a flow,
	 * so the table does not change under the walk. */
	for (struct ts_flow *f = an->flows.all_head; f; f = f->all_next) {
		ts_tcp_check_stall(&an->tcp, f, &f->cli, now);
		ts_tcp_check_stall(&an->tcp, f, &f->srv, now);
		n++;
	}
	return n;
}
