/* \summary: libFuzzer harness: the input is a capture file, run through the whole pipeline */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tcpscope/analyzer.h"
#include "tcpscope/capture.h"
#include "tcpscope/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Never stop the run on a bad input: stop after this many errors, as a
 * corrupt file can otherwise yield one error per remaining byte. */
#define FUZZ_MAX_ERRORS 64

static int write_all(int fd, const uint8_t *data, size_t size)
{
	while (size > 0) {
		ssize_t n = write(fd, data, size);
		if (n <= 0)
			return -1;
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

static void run_reporters(struct ts_report_input *in)
{
	static const char *const formats[] = { "text", "json", "csv" };

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		if (!out)
			return;
		struct ts_report_opts o = {
			.out = out,
			.flows = TS_FLOWS_ALL,
			.top = 10,
			.min_severity = 7,
		};
		const struct ts_reporter_ops *ops = ts_reporter_find(formats[i]);
		if (ops)
			ops->write(in, &o);
		fclose(out);
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], errbuf[TS_ERRBUF_SIZE];
	int fd = memfd_create("fuzz-capture", MFD_CLOEXEC);

	if (fd < 0 || write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	const char *paths[1] = { path };
	struct ts_capture_opts copts;
	ts_capture_opts_default(&copts);
	struct ts_capture *cap = ts_capture_open_files(paths, 1, &copts, errbuf);
	if (!cap) {
		close(fd);
		return 0;
	}

	struct ts_analyzer_config cfg;
	ts_analyzer_config_default(&cfg);
	cfg.seed = 1;          /* reproducible hash layout */
	cfg.max_flows = 64;    /* exercise eviction on small inputs */
	struct ts_analyzer an;
	ts_analyzer_init(&an, &cfg);

	struct ts_pkt pkt;
	bool truncated = false;
	const char *error = NULL;
	static char first_error[TS_ERRBUF_SIZE];
	for (int errors = 0; errors < FUZZ_MAX_ERRORS;) {
		int rc = ts_capture_next(cap, &pkt, errbuf);
		if (rc == TS_CAP_PACKET) {
			ts_analyzer_feed(&an, &pkt);
			continue;
		}
		if (rc == TS_CAP_EOF || rc == TS_CAP_TIMEOUT)
			break;
		if (!error) {
			snprintf(first_error, sizeof(first_error), "%s", errbuf);
			error = first_error;
		}
		truncated |= rc == TS_CAP_TRUNCATED;
		errors++;
	}

	struct ts_capture_stats st = { 0 };
	ts_capture_stats(cap, &st);
	ts_analyzer_finish(&an);
	struct ts_report_input in;
	if (ts_report_input_build(&in, &an, NULL) == 0) {
		in.inputs = paths;
		in.n_inputs = 1;
		in.cap = st;
		in.truncated = truncated;
		in.error = error;
		run_reporters(&in);
	}
	ts_report_input_free(&in);
	ts_capture_close(cap);
	ts_analyzer_free(&an);
	close(fd);
	return 0;
}
