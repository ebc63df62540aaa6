/* \summary: a list of TCP ports written as compact ranges ("1-1994", "22, 80, 443") */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpscope/port_set.h"

static int by_port(const void *x, const void *y)
{
	uint16_t a = *(const uint16_t *)x, b = *(const uint16_t *)y;
	return a < b ? -1 : a > b;
}

size_t ts_port_set_normalize(uint16_t *ports, size_t n)
{
	size_t m = 0;

	if (!n)
		return 0;
	qsort(ports, n, sizeof(*ports), by_port);
	for (size_t i = 1; i < n; i++)
		if (ports[i] != ports[m])
			ports[++m] = ports[i];
	return m + 1;
}

/* Appends one piece at buf + at; a piece that does not fit is cut, never
 * written past the end. Returns the new length. */
static size_t append(char *buf, size_t len, size_t at, const char *piece)
{
	size_t n = strlen(piece);

	if (at + 1 >= len)
		return at;
	if (n > len - 1 - at)
		n = len - 1 - at;
	memcpy(buf + at, piece, n);
	buf[at + n] = '\0';
	return at + n;
}

size_t ts_port_set_format(const uint16_t *ports, size_t n, unsigned max_ranges, char *buf, size_t len)
{
	size_t at = 0, i = 0;
	unsigned ranges = 0;
	char piece[48];

	if (!len)
		return 0;
	buf[0] = '\0';
	while (i < n) {
		size_t j = i;
		while (j + 1 < n && ports[j + 1] == ports[j] + 1)
			j++;
		const char *sep = ranges ? ", " : "";
		if (ranges == max_ranges) {
			snprintf(piece, sizeof(piece), "%s... (%zu ports)", sep, n);
			return append(buf, len, at, piece);
		}
		if (j == i)
			snprintf(piece, sizeof(piece), "%s%u", sep, (unsigned)ports[i]);
		else
			snprintf(piece, sizeof(piece), "%s%u-%u", sep, (unsigned)ports[i], (unsigned)ports[j]);
		at = append(buf, len, at, piece);
		i = j + 1;
		ranges++;
	}
	return at;
}
