/* \summary: runner: run a command, report its wall time, CPU time and peak RSS */

/*
 * runner [-o FILE] [-q] -- COMMAND [ARG...]
 *
 * Forks, execs COMMAND and waits for it with wait4(2), so the figures are
 * the child's own: wall time from CLOCK_MONOTONIC around fork and wait,
 * user and system CPU time and ru_maxrss (KiB) from its rusage. One line
 *   wall=S user=S sys=S maxrss_kb=N status=N
 * goes to FILE (default stderr). status is the exit code, or 128+signal.
 * -q sends the child's stdout and stderr to /dev/null. runner exits with
 * the child's status, or 127 when the command could not be run.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double ts_runner_seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static double ts_runner_tv(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static void ts_runner_usage(void)
{
	fprintf(stderr, "usage: runner [-o FILE] [-q] -- COMMAND [ARG...]\n");
}

static void ts_runner_child(char **argv, int quiet)
{
	if (quiet) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		close(fd);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "runner: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	struct timespec start, end;
	struct rusage ru;
	int quiet = 0, status, code, i;
	FILE *out;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out_path = argv[++i];
		} else if (strcmp(argv[i], "-q") == 0) {
			quiet = 1;
		} else {
			ts_runner_usage();
			return 2;
		}
	}
	if (i >= argc) {
		ts_runner_usage();
		return 2;
	}
	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid = fork();
	if (pid < 0) {
		perror("runner: fork");
		return 127;
	}
	if (pid == 0)
		ts_runner_child(argv + i, quiet);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("runner: wait4");
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	out = out_path != NULL ? fopen(out_path, "w") : stderr;
	if (out == NULL) {
		fprintf(stderr, "runner: %s: %s\n", out_path, strerror(errno));
		return 127;
	}
	fprintf(out, "wall=%.6f user=%.6f sys=%.6f maxrss_kb=%ld status=%d\n",
	        ts_runner_seconds(&start, &end), ts_runner_tv(&ru.ru_utime),
	        ts_runner_tv(&ru.ru_stime), ru.ru_maxrss, code);
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "runner: %s: %s\n", out_path, strerror(errno));
		return 127;
	}
	return code;
}
