/* \summary: entry point: parse the command line and run */
#include <stdio.h>

#include "cli.h"
#include "tcpscope/version.h"

int main(int argc, char **argv)
{
	static struct ts_cli cli; /* large; lives for the whole run */
	int rc = ts_cli_parse(&cli, argc, argv);

	if (rc)
		return rc;
	if (cli.help) {
		ts_cli_usage(stdout);
		return 0;
	}
	if (cli.version) {
		printf("tcpscope %s\n", ts_version());
		return 0;
	}
	return ts_run(&cli);
}
