/* \summary: report and packet files: never an input, written aside and renamed into place */
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail_errno(const char *path, int err, char errbuf[TS_ERRBUF_SIZE])
{
	char why[128];

	snprintf(errbuf, TS_ERRBUF_SIZE, "%s: %s", path, strerror_r(err, why, sizeof(why)));
	return -1;
}

/* Is the existing file *out the same file as an input? Device and inode
 * decide, so other names for it (links, ./x, /dev/stdin) are caught too. */
static const char *same_as_input(const struct stat *out, const char *const *inputs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct stat in;
		int rc = strcmp(inputs[i], "-") ? stat(inputs[i], &in) : fstat(STDIN_FILENO, &in);
		if (rc == 0 && in.st_dev == out->st_dev && in.st_ino == out->st_ino)
			return inputs[i];
	}
	return NULL;
}

/* "<dir>/.<name>.XXXXXX": beside the final name, so rename stays in one
 * file system, and hidden. */
static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	size_t len = strlen(path) + sizeof("/..XXXXXX");
	char *t = malloc(len);

	if (t)
		snprintf(t, len, "%.*s.%s.XXXXXX", (int)dir, path, path + dir);
	return t;
}

enum ts_output_result ts_output_open(struct ts_output *o, const char *path,
                                     const char *const *inputs, size_t n_inputs,
                                     bool in_place, char errbuf[TS_ERRBUF_SIZE])
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		struct stat out;
		const char *in = fstat(STDOUT_FILENO, &out) == 0 && S_ISREG(out.st_mode)
		               ? same_as_input(&out, inputs, n_inputs) : NULL;
		if (in) {
			snprintf(errbuf, TS_ERRBUF_SIZE, "standard output is the input %s: refusing to overwrite it", in);
			return TS_OUTPUT_IS_INPUT;
		}
		o->f = stdout;
		return TS_OUTPUT_OK;
	}
	o->path = path;
	bool exists = stat(path, &st) == 0;
	if (exists) {
		const char *in = same_as_input(&st, inputs, n_inputs);
		if (in) {
			snprintf(errbuf, TS_ERRBUF_SIZE, "%s is the input %s: refusing to overwrite it", path, in);
			return TS_OUTPUT_IS_INPUT;
		}
		if (!S_ISREG(st.st_mode))
			in_place = true; /* /dev/null, a pipe, a terminal: nothing to rename */
	}
	if (in_place) {
		o->f = fopen(path, "w");
		return o->f ? TS_OUTPUT_OK : fail_errno(path, errno, errbuf);
	}
	o->tmp_path = temp_name(path);
	if (!o->tmp_path) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s: out of memory", path);
		return TS_OUTPUT_FAILED;
	}
	int fd = mkstemp(o->tmp_path);
	if (fd < 0) {
		int err = errno;
		free(o->tmp_path);
		o->tmp_path = NULL;
		return fail_errno(path, err, errbuf);
	}
	/* mkstemp makes it 0600; the file gets the mode fopen would give it */
	mode_t mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int err = errno;
		close(fd);
		ts_output_abort(o);
		return fail_errno(path, err, errbuf);
	}
	return TS_OUTPUT_OK;
}

int ts_output_commit(struct ts_output *o, char errbuf[TS_ERRBUF_SIZE])
{
	const char *name = o->path ? o->path : "standard output";
	int err = 0;

	if (!o->f)
		return 0;
	if (o->f == stdout) {
		if (fflush(stdout) != 0 || ferror(stdout))
			err = errno ? errno : EIO;
		o->f = NULL;
		return err ? fail_errno(name, err, errbuf) : 0;
	}
	errno = 0;
	if (ferror(o->f))
		err = errno ? errno : EIO;
	if (fclose(o->f) != 0 && !err)
		err = errno ? errno : EIO;
	o->f = NULL;
	if (!err && o->tmp_path && rename(o->tmp_path, o->path) != 0)
		err = errno;
	if (err) {
		ts_output_abort(o);
		return fail_errno(name, err, errbuf);
	}
	free(o->tmp_path);
	o->tmp_path = NULL;
	return 0;
}

void ts_output_abort(struct ts_output *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp_path) {
		unlink(o->tmp_path);
		free(o->tmp_path);
		o->tmp_path = NULL;
	}
}
