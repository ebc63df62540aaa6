/* \summary: fitting text lines to the terminal: its width, and words wrapped under a hanging indent */
#ifndef TCPSCOPE_TEXT_WRAP_H
#define TCPSCOPE_TEXT_WRAP_H

#include <stddef.h>
#include <stdio.h>

#define TS_WRAP_DEFAULT_WIDTH 80
#define TS_WRAP_MIN_TEXT 20          /* narrower lines than this are not worth wrapping to */

/*
 * The columns lines written to out may use: the terminal's width when out is
 * a terminal (TIOCGWINSZ), else COLUMNS when it holds a sensible number
 * (a terminal that cannot say, or a user's choice for a pipe), else 80.
 */
unsigned ts_term_width(FILE *out);

/* The same decision from its inputs (is_tty, the ioctl's columns or 0, the
 * COLUMNS value or NULL), for tests. */
unsigned ts_term_width_of(int is_tty, unsigned tty_cols, const char *columns_env);

/*
 * Writes text, the cursor being at column col, breaking at spaces so that no
 * line is longer than width; continuation lines start with indent spaces. A
 * word longer than a whole line is split. When fewer than TS_WRAP_MIN_TEXT
 * columns are left after col, the text starts on the next line. Ends the
 * last line with '\n'.
 * When fewer than TS_WRAP_MIN_TEXT columns remain after the indent, lines
 * are allowed that much room and may exceed width.
 */
void ts_wrap_write(FILE *out, size_t col, const char *text, unsigned width, unsigned indent);

#endif
