/* \summary: several offline inputs: put them in time order by their first packet */
#ifndef TCPSCOPE_CAPTURE_ORDER_H
#define TCPSCOPE_CAPTURE_ORDER_H

#include <stddef.h>

/* Reorder offline inputs by the time of their first packet (stable; inputs
 * without a readable packet keep their places; nothing moves when one is
 * stdin).
 * Returns 0, or -1 when out of memory (the order is then unchanged). */
int ts_capture_order_inputs(char **paths, size_t n);

#endif
