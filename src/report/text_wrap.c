/* \summary: fitting text lines to the terminal: its width, and words wrapped under a hanging indent */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "text_wrap.h"

/* Widths beyond this are not a terminal's: a mistyped COLUMNS. */
#define TS_WRAP_MAX_WIDTH 4096

static unsigned columns_value(const char *s)
{
	char *end;

	if (!s || !*s)
		return 0;
	unsigned long v = strtoul(s, &end, 10);
	return *end || v == 0 || v > TS_WRAP_MAX_WIDTH ? 0 : (unsigned)v;
}

unsigned ts_term_width_of(int is_tty, unsigned tty_cols, const char *columns_env)
{
	if (is_tty && tty_cols && tty_cols <= TS_WRAP_MAX_WIDTH)
		return tty_cols;
	unsigned c = columns_value(columns_env);
	return c ? c : TS_WRAP_DEFAULT_WIDTH;
}

unsigned ts_term_width(FILE *out)
{
	int fd = out ? fileno(out) : -1;
	int tty = fd >= 0 && isatty(fd);
	struct winsize ws;
	unsigned cols = 0;

	if (tty && ioctl(fd, TIOCGWINSZ, &ws) == 0)
		cols = ws.ws_col;
	return ts_term_width_of(tty, cols, getenv("COLUMNS"));
}

static void spaces(FILE *out, size_t n)
{
	while (n--)
		putc(' ', out);
}

void ts_wrap_write(FILE *out, size_t col, const char *text, unsigned width, unsigned indent)
{
	size_t limit = width;
	const char *p = text;

	if (limit < (size_t)indent + TS_WRAP_MIN_TEXT)
		limit = (size_t)indent + TS_WRAP_MIN_TEXT;
	/* Too little room after the columns: the text starts on the next line. */
	if (col > indent && col + TS_WRAP_MIN_TEXT > limit) {
		putc('\n', out);
		spaces(out, indent);
		col = indent;
	}
	bool line_empty = true;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t w = strcspn(p, " ");
		size_t need = w + (line_empty ? 0 : 1);
		/* The word goes to the next line, unless it starts a line already
		 * (then it is cut where the line ends). */
		if (col + need > limit && col > indent) {
			putc('\n', out);
			spaces(out, indent);
			col = indent;
			line_empty = true;
		}
		if (!line_empty) {
			putc(' ', out);
			col++;
		}
		while (col + w > limit) {
			size_t room = limit - col;
			fwrite(p, 1, room, out);
			p += room;
			w -= room;
			putc('\n', out);
			spaces(out, indent);
			col = indent;
		}
		fwrite(p, 1, w, out);
		p += w;
		col += w;
		line_empty = false;
	}
	putc('\n', out);
}
