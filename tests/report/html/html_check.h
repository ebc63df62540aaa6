/* \summary: a strict well-formedness check for the generated HTML (every tag closed) */
#ifndef TCPSCOPE_TESTS_HTML_CHECK_H
#define TCPSCOPE_TESTS_HTML_CHECK_H

#include <stddef.h>

/* 0 when every element is closed in order, entities are well formed and
 * attributes are quoted; else -1 with the reason and offset in err. */
int html_check_well_formed(const char *s, size_t len, char *err, size_t errlen);

/* Elements whose class attribute holds the token cls, in [s, s + len). */
size_t html_count_class(const char *s, size_t len, const char *cls);

#endif
