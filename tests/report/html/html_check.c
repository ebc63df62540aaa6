/* \summary: a strict well-formedness check for the generated HTML (every tag closed) */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "html_check.h"

#define MAX_DEPTH 128
#define MAX_NAME 16

static const char *const void_elements[] = { "meta", "br", "hr", "img", "input", "link" };

static bool is_void(const char *name)
{
	for (size_t i = 0; i < sizeof(void_elements) / sizeof(void_elements[0]); i++)
		if (!strcmp(name, void_elements[i]))
			return true;
	return false;
}

static int fail(char *err, size_t errlen, size_t at, const char *why)
{
	snprintf(err, errlen, "offset %zu: %s", at, why);
	return -1;
}

static size_t read_name(const char *s, size_t len, size_t i, char name[MAX_NAME])
{
	size_t n = 0;

	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-') && n < MAX_NAME - 1)
		name[n++] = (char)tolower((unsigned char)s[i++]);
	name[n] = '\0';
	return i;
}

/* Attributes up to '>' with every value quoted; *self_closing for "/>". */
static int read_attributes(const char *s, size_t len, size_t *pi, bool *self_closing, char *err, size_t errlen)
{
	size_t i = *pi;

	*self_closing = false;
	while (i < len && s[i] != '>') {
		if (s[i] == '/' && i + 1 < len && s[i + 1] == '>') {
			*self_closing = true;
			i++;
			break;
		}
		if (s[i] == '=') {
			if (i + 1 >= len || (s[i + 1] != '"' && s[i + 1] != '\''))
				return fail(err, errlen, i, "unquoted attribute value");
			const char *close = memchr(s + i + 2, s[i + 1], len - i - 2);
			if (!close)
				return fail(err, errlen, i, "unterminated attribute value");
			if (memchr(s + i + 2, '<', (size_t)(close - (s + i + 2))))
				return fail(err, errlen, i, "'<' inside an attribute value");
			i = (size_t)(close - s) + 1;
			continue;
		}
		if (s[i] == '<')
			return fail(err, errlen, i, "'<' inside a tag");
		i++;
	}
	if (i >= len)
		return fail(err, errlen, i, "unterminated tag");
	*pi = i + 1;
	return 0;
}

static int check_entity(const char *s, size_t len, size_t i, char *err, size_t errlen)
{
	size_t j = i + 1;

	while (j < len && j - i < 12 && (isalnum((unsigned char)s[j]) || s[j] == '#'))
		j++;
	if (j == i + 1 || j >= len || s[j] != ';')
		return fail(err, errlen, i, "bare '&' (not an entity)");
	return 0;
}

int html_check_well_formed(const char *s, size_t len, char *err, size_t errlen)
{
	char stack[MAX_DEPTH][MAX_NAME], name[MAX_NAME];
	size_t depth = 0, i = 0;

	while (i < len) {
		if (s[i] == '&') {
			if (check_entity(s, len, i, err, errlen) < 0)
				return -1;
			i++;
			continue;
		}
		if (s[i] == '>')
			return fail(err, errlen, i, "stray '>'");
		if (s[i] != '<') {
			i++;
			continue;
		}
		if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) {
			const char *end = strstr(s + i, "-->");
			if (!end)
				return fail(err, errlen, i, "unterminated comment");
			i = (size_t)(end - s) + 3;
			continue;
		}
		if (len - i >= 2 && s[i + 1] == '!') {
			const char *end = memchr(s + i, '>', len - i);
			if (!end)
				return fail(err, errlen, i, "unterminated declaration");
			i = (size_t)(end - s) + 1;
			continue;
		}
		if (len - i >= 2 && s[i + 1] == '/') {
			size_t at = i;
			i = read_name(s, len, i + 2, name);
			if (i >= len || s[i] != '>')
				return fail(err, errlen, at, "malformed end tag");
			if (!depth || strcmp(stack[depth - 1], name)) {
				char why[96];
				snprintf(why, sizeof(why), "</%s> does not close <%s>", name, depth ? stack[depth - 1] : "");
				return fail(err, errlen, at, why);
			}
			depth--;
			i++;
			continue;
		}
		size_t at = i;
		bool self_closing;
		i = read_name(s, len, i + 1, name);
		if (!name[0])
			return fail(err, errlen, at, "'<' not starting a tag");
		if (read_attributes(s, len, &i, &self_closing, err, errlen) < 0)
			return -1;
		if (self_closing || is_void(name))
			continue;
		if (!strcmp(name, "script") || !strcmp(name, "style")) {
			/* Raw text: runs to the matching end tag. */
			char end_tag[MAX_NAME + 3];
			snprintf(end_tag, sizeof(end_tag), "</%s>", name);
			const char *end = strstr(s + i, end_tag);
			if (!end)
				return fail(err, errlen, at, "unterminated script or style");
			i = (size_t)(end - s) + strlen(end_tag);
			continue;
		}
		if (depth == MAX_DEPTH)
			return fail(err, errlen, at, "nesting too deep");
		memcpy(stack[depth++], name, MAX_NAME);
	}
	if (depth)
		return fail(err, errlen, len, "elements left open at the end");
	return 0;
}

size_t html_count_class(const char *s, size_t len, const char *cls)
{
	size_t n = 0, cl = strlen(cls);
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *a = strstr(p, "class=\"");
		if (!a || a >= end)
			break;
		a += 7;
		const char *q = strchr(a, '"');
		if (!q || q > end)
			break;
		/* whole tokens only */
		for (const char *t = a; t < q;) {
			const char *sp = memchr(t, ' ', (size_t)(q - t));
			const char *te = sp ? sp : q;
			if ((size_t)(te - t) == cl && !memcmp(t, cls, cl))
				n++;
			t = te + 1;
		}
		p = q + 1;
	}
	return n;
}
