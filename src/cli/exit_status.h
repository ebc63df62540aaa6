/* \summary: the exit statuses of the tcpscope process */
#ifndef TCPSCOPE_EXIT_STATUS_H
#define TCPSCOPE_EXIT_STATUS_H

/* The process exit statuses, as documented in --help and the man page
 * (EXIT STATUS): scripts test these numbers, so they never change. */
enum ts_exit_status {
	TS_EXIT_OK = 0,
	TS_EXIT_USAGE = 1,
	TS_EXIT_INPUT = 2,
	TS_EXIT_CHECK = 3,
	TS_EXIT_TRUNCATED = 4,
	TS_EXIT_INTERRUPTED = 5, /* offline run ended by SIGINT/SIGTERM: partial report */
};

#endif
