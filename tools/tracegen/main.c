/* \summary: tracegen: command line: scenario files, --bulk and --short generators */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracegen.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: tracegen [-o OUT.pcap] SCENARIO.tg       (- reads stdin)\n"
	        "       tracegen --bulk FLOWS PACKETS [--retx-pct P] [--caplen N] [--seed S]\n"
	        "                [--concurrent N] [--segment BYTES] [--gap-ns N] -o OUT.pcap\n"
	        "       tracegen --short CONNECTIONS [--refused-pct P] [--concurrent N]\n"
	        "                [--caplen N] [--seed S] [--gap-ns N] -o OUT.pcap\n"
	        "--gap-ns N: packets N to 2N ns apart (default 10000): sets the capture's span.\n"
	        "Scenario format: tools/tracegen/FORMAT.md. OUT defaults to the scenario\n"
	        "name with .pcap in place of .tg; '-' writes to stdout.\n");
}

struct tg_cli {
	const char *out;
	const char *scenario;
	int mode;             /* 0 scenario, 1 bulk, 2 short */
	uint64_t caplen;
	struct tg_bulk_opts bulk;
	struct tg_short_opts shrt;
};

static int pct_arg(const char *v, unsigned *permille)
{
	int64_t ns;

	if (v == NULL || tg_parse_seconds_ns(v, &ns) < 0 || ns > 100000000000LL)
		return -1;
	*permille = (unsigned)(ns / 100000000);
	return 0;
}

static int num_arg(const char *v, uint64_t max, uint64_t *out)
{
	return v == NULL ? -1 : tg_parse_u64(v, max, out);
}

static int parse_cli(int argc, char **argv, struct tg_cli *cli)
{
	int i;

	memset(cli, 0, sizeof *cli);
	tg_bulk_opts_default(&cli->bulk);
	tg_short_opts_default(&cli->shrt);
	cli->caplen = TG_DEFAULT_SNAPLEN;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;

		if (strcmp(a, "-o") == 0) {
			cli->out = v;
			bad = v == NULL;
			i++;
		} else if (strcmp(a, "--bulk") == 0) {
			cli->mode = 1;
			bad = num_arg(v, UINT32_MAX, &cli->bulk.flows) < 0 ||
			      num_arg(i + 2 < argc ? argv[i + 2] : NULL, UINT64_MAX / 2,
			              &cli->bulk.packets) < 0;
			i += 2;
		} else if (strcmp(a, "--short") == 0) {
			cli->mode = 2;
			bad = num_arg(v, UINT64_MAX / 2, &cli->shrt.connections);
			i++;
		} else if (strcmp(a, "--retx-pct") == 0) {
			bad = pct_arg(v, &cli->bulk.retx_permille);
			i++;
		} else if (strcmp(a, "--refused-pct") == 0) {
			bad = pct_arg(v, &cli->shrt.refused_permille);
			i++;
		} else if (strcmp(a, "--caplen") == 0) {
			bad = num_arg(v, TG_DEFAULT_SNAPLEN, &cli->caplen) < 0 || cli->caplen == 0;
			i++;
		} else if (strcmp(a, "--seed") == 0) {
			bad = num_arg(v, UINT64_MAX, &cli->bulk.seed);
			cli->shrt.seed = cli->bulk.seed;
			i++;
		} else if (strcmp(a, "--concurrent") == 0) {
			bad = num_arg(v, 10000000, &cli->bulk.concurrent) < 0 ||
			      cli->bulk.concurrent == 0;
			cli->shrt.concurrent = cli->bulk.concurrent;
			i++;
		} else if (strcmp(a, "--gap-ns") == 0) {
			bad = num_arg(v, 1000000000000ull, &cli->bulk.gap_ns) < 0 || cli->bulk.gap_ns == 0;
			cli->shrt.gap_ns = cli->bulk.gap_ns;
			i++;
		} else if (strcmp(a, "--segment") == 0) {
			uint64_t seg;
			bad = num_arg(v, 9000, &seg) < 0 || seg == 0;
			cli->bulk.segment = (uint32_t)seg;
			i++;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "tracegen: unknown option %s\n", a);
			return -1;
		} else if (cli->scenario == NULL) {
			cli->scenario = a;
		} else {
			fprintf(stderr, "tracegen: more than one scenario given\n");
			return -1;
		}
		if (bad) {
			fprintf(stderr, "tracegen: bad or missing value for %s\n", a);
			return -1;
		}
	}
	if (cli->mode == 0 && cli->scenario == NULL) {
		fprintf(stderr, "tracegen: no scenario given\n");
		return -1;
	}
	if (cli->mode != 0 && (cli->out == NULL || cli->scenario != NULL)) {
		fprintf(stderr, "tracegen: --bulk/--short need -o OUT and no scenario\n");
		return -1;
	}
	return 0;
}

/* foo.tg -> foo.pcap */
static char *default_out(const char *scenario)
{
	size_t n = strlen(scenario);
	char *out = malloc(n + 6);

	if (out == NULL)
		return NULL;
	memcpy(out, scenario, n + 1);
	if (n > 3 && strcmp(scenario + n - 3, ".tg") == 0)
		out[n - 3] = '\0';
	strcat(out, ".pcap");
	return out;
}

static int run_scenario(const struct tg_cli *cli)
{
	char errbuf[TG_ERRBUF_SIZE];
	struct tg_scenario *sc;
	FILE *in;
	char *out = NULL;
	const char *path = cli->out;
	int rc = -1;

	if (path == NULL) {
		if (strcmp(cli->scenario, "-") == 0) {
			path = "-";
		} else {
			out = default_out(cli->scenario);
			path = out;
		}
	}
	in = strcmp(cli->scenario, "-") == 0 ? stdin : fopen(cli->scenario, "r");
	if (in == NULL || path == NULL) {
		perror(cli->scenario);
		free(out);
		return 1;
	}
	sc = tg_scenario_new(strcmp(cli->scenario, "-") == 0 ? "<stdin>" : cli->scenario,
	                     errbuf);
	if (sc != NULL && tg_scenario_load(sc, in, errbuf) == 0 &&
	    tg_scenario_run(sc, path, errbuf) == 0)
		rc = 0;
	if (rc < 0) {
		fprintf(stderr, "tracegen: %s\n", errbuf);
		/* Leave no half-written trace behind. */
		if (strcmp(path, "-") != 0)
			unlink(path);
	}
	tg_scenario_free(sc);
	if (in != stdin)
		fclose(in);
	free(out);
	return rc < 0 ? 1 : 0;
}

static int run_generator(const struct tg_cli *cli)
{
	char errbuf[TG_ERRBUF_SIZE];
	struct tg_framer *f = calloc(1, sizeof *f);
	int64_t ts = 1700000000LL * 1000000000LL;
	int rc;

	if (f == NULL) {
		fprintf(stderr, "tracegen: out of memory\n");
		return 1;
	}
	f->link.kind = TG_LINK_EN10MB;
	f->w = tg_writer_open(cli->out, tg_link_dlt(&f->link), (uint32_t)cli->caplen,
	                      false, errbuf);
	if (f->w == NULL) {
		fprintf(stderr, "tracegen: %s\n", errbuf);
		free(f);
		return 1;
	}
	rc = cli->mode == 1 ? tg_bulk_write(f, &cli->bulk, &ts, errbuf)
	                    : tg_short_write(f, &cli->shrt, &ts, errbuf);
	if (rc == 0)
		rc = tg_writer_close(f->w, errbuf);
	else
		tg_writer_close(f->w, errbuf);
	if (rc < 0)
		fprintf(stderr, "tracegen: %s\n", errbuf);
	free(f);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct tg_cli cli;

	if (parse_cli(argc, argv, &cli) < 0) {
		usage(stderr);
		return 2;
	}
	return cli.mode == 0 ? run_scenario(&cli) : run_generator(&cli);
}
