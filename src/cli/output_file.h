/* \summary: report and packet files: never an input, written aside and renamed into place */
#ifndef TCPSCOPE_OUTPUT_FILE_H
#define TCPSCOPE_OUTPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tcpscope/errbuf.h"

struct ts_output {
	FILE *f;              /* where to write; stdout for "-" or no path */
	const char *path;     /* the final name, NULL for stdout */
	char *tmp_path;       /* the name written to until commit, NULL when in place */
};

/*
 * Open path for writing ("-" or NULL: stdout). A path naming the same file
 * as one of the inputs ("-" is standard input) is refused: writing it would
 * destroy what is being read. A regular file is written under a temporary
 * name in the same directory and renamed at ts_output_commit, so that no
 * half-written file ever carries the final name; in_place writes the file
 * itself (a device, a pipe, or a run that cannot rename later). errbuf says
 * why it failed.
 */
enum ts_output_result {
	TS_OUTPUT_OK = 0,
	TS_OUTPUT_FAILED = -1,     /* cannot be created */
	TS_OUTPUT_IS_INPUT = -2,   /* path names one of the inputs: refused */
};
enum ts_output_result ts_output_open(struct ts_output *o, const char *path,
                                     const char *const *inputs, size_t n_inputs,
                                     bool in_place, char errbuf[TS_ERRBUF_SIZE]);

/* Flush, close and rename into place. 0, or -1 with errbuf filled (a write
 * error: the temporary file is removed, a previous file is left as it was). */
int ts_output_commit(struct ts_output *o, char errbuf[TS_ERRBUF_SIZE]);

/* Close and remove what was written (the final name is left untouched). */
void ts_output_abort(struct ts_output *o);

#endif
