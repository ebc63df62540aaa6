/* \summary: entry point: parse the command line and run */
#include <stdio.h>

#include "tcpscope/version.h"

int main(void)
{
	printf("tcpscope %s\n", ts_version());
	return 0;
}
