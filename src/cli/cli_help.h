/* \summary: --help, laid out from the option table */
#ifndef TCPSCOPE_CLI_HELP_H
#define TCPSCOPE_CLI_HELP_H

#include <stdio.h>

void ts_cli_usage(FILE *out);

#endif
