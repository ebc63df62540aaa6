/* \summary: a list of TCP ports written as compact ranges ("1-1994", "22, 80, 443") */
#ifndef TCPSCOPE_PORT_SET_H
#define TCPSCOPE_PORT_SET_H

#include <stddef.h>
#include <stdint.h>

/* Sorts ports[0..n) and removes repeats in place; returns how many differ. */
size_t ts_port_set_normalize(uint16_t *ports, size_t n);

/*
 * Writes the distinct sorted ports (from ts_port_set_normalize) as ranges
 * separated by ", ", at most max_ranges of them; more are summed up as
 * ", ... (N ports)". Always NUL-terminated; returns the length written.
 */
size_t ts_port_set_format(const uint16_t *ports, size_t n, unsigned max_ranges, char *buf, size_t len);

#endif
