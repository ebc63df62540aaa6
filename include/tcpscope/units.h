/* \summary: named units and limits: time conversions, the snapshot length, port range */
#ifndef TCPSCOPE_UNITS_H
#define TCPSCOPE_UNITS_H

/*
 * Plain int literals, as the numbers themselves would be: a product takes
 * the type of its other operand (widen that one where it could pass 2^31),
 * and x / TS_NSEC_PER_SEC is the same double as x / 1e9.
 */
#define TS_NSEC_PER_SEC  1000000000
#define TS_NSEC_PER_MSEC 1000000
#define TS_NSEC_PER_USEC 1000
#define TS_USEC_PER_SEC  1000000
#define TS_USEC_PER_MSEC 1000
#define TS_MSEC_PER_SEC  1000

/* libpcap's largest snapshot length: the default and the most a record may
 * hold. Unsuffixed, so that TS_STR() gives the digits for messages. */
#define TS_SNAPLEN_MAX 262144

#define TS_PORT_MAX 65535 /* TCP and UDP */

#define TS_STR_(x) #x
#define TS_STR(x) TS_STR_(x) /* a macro's value as a string literal */

#endif
