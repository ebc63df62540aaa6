/* \summary: several offline inputs: put them in time order by their first packet */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture_input.h"
#include "capture_order.h"
#include "tcpscope/units.h"

struct input_start {
	char *path;
	int64_t first_ns;
	size_t given;     /* position on the command line: a stable sort */
};

/* The time of the first packet of path, INT64_MAX when there is none. */
static int64_t input_first_ns(const char *path)
{
	struct ts_capture_source src;
	char why[TS_ERRBUF_SIZE];
	int64_t t = INT64_MAX;

	memset(&src, 0, sizeof(src));
	src.first_linktype = -1;
	if (ts_capture_input_open(&src, path, NULL, why) < 0)
		return t; /* reported when the input is really opened */
	for (int tries = 0; tries < 16; tries++) {
		struct ts_pkt p;
		int r = src.ops->next(&src, &p, why);
		if (r == TS_CAP_PACKET)
			t = (int64_t)p.ts.tv_sec * TS_NSEC_PER_SEC + p.ts.tv_nsec;
		if (r != TS_CAP_BAD_RECORD)
			break;
	}
	src.ops->close(&src);
	return t;
}

static int by_start(const void *a, const void *b)
{
	const struct input_start *x = a, *y = b;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return x->given < y->given ? -1 : x->given > y->given;
}

int ts_capture_order_inputs(char **paths, size_t n)
{
	if (n < 2)
		return 0;
	/* Standard input, a pipe or a device cannot be read twice: such a list
	 * is kept as given. */
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") == 0 || (stat(paths[i], &st) == 0 && !S_ISREG(st.st_mode)))
			return 0;
	}
	struct input_start *v = calloc(n, sizeof(*v));
	if (!v)
		return -1;
	/* Only the readable inputs move, among their own places: one that cannot
	 * be opened keeps its place, and its error comes where it was named. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t t = input_first_ns(paths[i]);
		if (t != INT64_MAX)
			v[k++] = (struct input_start){ paths[i], t, i };
	}
	size_t *slot = calloc(k ? k : 1, sizeof(*slot));
	if (!slot) {
		free(v);
		return -1;
	}
	for (size_t j = 0; j < k; j++)
		slot[j] = v[j].given;
	qsort(v, k, sizeof(*v), by_start);
	for (size_t j = 0; j < k; j++)
		paths[slot[j]] = v[j].path;
	free(slot);
	free(v);
	return 0;
}
