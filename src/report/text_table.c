/* \summary: a small aligned-column text table: widths fitted to the content */
#include <stdlib.h>
#include <string.h>

#include "text_table.h"

void ts_table_init(struct ts_text_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols > TS_TABLE_MAX_COLS ? TS_TABLE_MAX_COLS : ncols;
	t->last_free = true;
}

void ts_table_row(struct ts_text_table *t, const char *const *cells)
{
	if (t->failed)
		return;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **v = realloc(t->cells, cap * t->ncols * sizeof(*v));
		if (!v) {
			t->failed = 1;
			return;
		}
		t->cells = v;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		char *s = strdup(cells[c] ? cells[c] : "");
		if (!s)
			t->failed = 1;
		t->cells[t->nrows * t->ncols + c] = s;
	}
	t->nrows++;
}

void ts_table_print(const struct ts_text_table *t, FILE *out, const char *indent)
{
	size_t width[TS_TABLE_MAX_COLS] = { 0 };

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t n = s ? strlen(s) : 0;
			if (n > width[c])
				width[c] = n;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		fputs(indent, out);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			s = s ? s : "";
			bool last = c + 1 == t->ncols;
			if (last && t->last_free && !t->right[c])
				fputs(s, out);
			else
				fprintf(out, t->right[c] ? "%*s" : "%-*s", (int)width[c], s);
			if (!last)
				fputs("  ", out);
		}
		fputc('\n', out);
	}
}

void ts_table_free(struct ts_text_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
