/* \summary: entry point: parse the command line and run */
#include <stdio.h>

#include "cli.h"
#include "cli_help.h"
#include "run.h"
#include "tcpscope/capture_list.h"
#include "tcpscope/version.h"

static enum ts_exit_status list_interfaces(void)
{
	char errbuf[TS_ERRBUF_SIZE];

	if (ts_capture_list_interfaces(stdout, errbuf) < 0) {
		fprintf(stderr, "tcpscope: %s\n", errbuf);
		return TS_EXIT_INPUT;
	}
	return fflush(stdout) ? TS_EXIT_INPUT : TS_EXIT_OK;
}

int main(int argc, char **argv)
{
	static struct ts_cli cli; /* large; lives for the whole run */
	enum ts_exit_status rc = ts_cli_parse(&cli, argc, argv);

	if (rc != TS_EXIT_OK) {
		ts_cli_free(&cli);
		return rc;
	}
	if (cli.help) {
		ts_cli_usage(stdout);
		rc = TS_EXIT_OK;
	} else if (cli.version) {
		printf("tcpscope %s\n", ts_version());
		rc = TS_EXIT_OK;
	} else if (cli.list_interfaces) {
		rc = list_interfaces();
	} else {
		rc = ts_run(&cli);
	}
	ts_cli_free(&cli);
	return rc;
}
