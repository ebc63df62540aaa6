/* \summary: the exit status of a finished run, and the lines on stderr that explain it */
#include <signal.h>
#include <stdio.h>

#include "run_status.h"
#include "tcpscope/dissect.h"

const char *ts_run_signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

/* Every packet on a link type tcpscope cannot decode: nothing was analysed,
 * and a report of zeros must not look like a quiet capture. */
static bool nothing_decodable(const struct ts_analyzer *an)
{
	const struct ts_decode_stats *d = &an->dec;
	return d->packets && d->reason[TS_DR_LINK_UNSUPPORTED] == d->packets;
}

/* --explain names a flow by its id: one the capture does not have is a
 * mistake worth saying, not an empty explanation. */
static bool has_flow(const struct ts_report_input *in, uint64_t id)
{
	for (size_t i = 0; i < in->n_flows; i++)
		if (ts_report_flow(in, i)->id == id)
			return true;
	return false;
}

enum ts_exit_status ts_run_report_status(const struct run_state *rs, const struct ts_report_input *in,
                                         bool check_failed, FILE *err)
{
	const struct ts_cli *cli = rs->cli;

	if (nothing_decodable(rs->an) && !rs->read_error && !rs->truncated && !in->interrupted)
		fprintf(err, "tcpscope: no packet could be analysed: link type %s is not supported\n",
		        ts_linktype_name(rs->an->dec.first_unsupported_dlt));
	if (in->interrupted)
		fprintf(err, "tcpscope: interrupted by %s after %llu packets: the report covers only what was read\n",
		        in->interrupted, (unsigned long long)rs->an->dec.packets);
	if (cli->explain_flow && !has_flow(in, cli->explain_flow))
		fprintf(err, "tcpscope: --explain %llu: the capture has no flow %llu (%zu flows)\n",
		        (unsigned long long)cli->explain_flow, (unsigned long long)cli->explain_flow, in->n_flows);

	if (rs->read_error)
		return TS_EXIT_INPUT;
	if (in->interrupted)
		return TS_EXIT_INTERRUPTED;
	if (rs->truncated)
		return TS_EXIT_TRUNCATED;
	if (nothing_decodable(rs->an))
		return TS_EXIT_INPUT;
	if (cli->explain_flow && !has_flow(in, cli->explain_flow))
		return TS_EXIT_USAGE;
	return check_failed ? TS_EXIT_CHECK : TS_EXIT_OK;
}
