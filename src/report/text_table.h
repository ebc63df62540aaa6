/* \summary: a small aligned-column text table */
#ifndef TCPSCOPE_TEXT_TABLE_H
#define TCPSCOPE_TEXT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TS_TABLE_MAX_COLS 16

struct ts_text_table {
	size_t ncols, nrows, cap;
	char **cells;                       /* nrows x ncols, malloc'd strings */
	bool right[TS_TABLE_MAX_COLS];      /* right-align numbers */
	bool last_free;                     /* the last column is not padded */
	int failed;
};

void ts_table_init(struct ts_text_table *t, size_t ncols);
/* Append a row: exactly ncols strings (copied). */
void ts_table_row(struct ts_text_table *t, const char *const *cells);
void ts_table_print(const struct ts_text_table *t, FILE *out, const char *indent);
void ts_table_free(struct ts_text_table *t);

#endif
