/* \summary: tests: the option table against the parser, --help and the man page, both ways */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_help.h"
#include "cli/cli_options.h"

#define MAN_PAGE TS_SOURCE_ROOT "/doc/tcpscope.1"
#define MAX_TAGS 256

/* A value the parser takes for o; NULL when none is known, which fails the
 * test: a new kind of value needs one here. */
static const char *sample_value(const struct ts_cli_option *o)
{
	static const struct { const char *name, *value; } by_name[] = {
		{ "facility", "local3" },
		{ "user", "nobody" },
		{ "expect", "reset:2" },
		{ "forbid", "reset" },
		{ "vxlan-port", "8472" },
	};
	static const struct { const char *metavar, *value; } by_metavar[] = {
		{ "FILE", "x.pcap" }, { "IFACE", "lo" }, { "EXPR", "tcp port 80" }, { "N", "2" },
		{ "SEC", "1.5" }, { "PCT", "2" }, { "FMT", "json" }, { "WHICH", "all" },
		{ "WHEN", "never" }, { "ADDR", "2001:db8::1" }, { "SEV", "warning" }, { "ID", "3" },
		{ "TARGET", "udp://127.0.0.1:514" },
	};

	for (size_t i = 0; o->name && i < sizeof(by_name) / sizeof(by_name[0]); i++)
		if (!strcmp(o->name, by_name[i].name))
			return by_name[i].value;
	for (size_t i = 0; o->metavar && i < sizeof(by_metavar) / sizeof(by_metavar[0]); i++)
		if (!strcmp(o->metavar, by_metavar[i].metavar))
			return by_metavar[i].value;
	return NULL;
}

static int parse(int argc, const char **argv)
{
	struct ts_cli cli;
	int rc = ts_cli_parse(&cli, argc, (char **)argv);
	ts_cli_free(&cli);
	return rc;
}

/* Every entry is taken by the parser, under each of its names, with a value
 * when it needs one: an entry the parser has no case for is refused. */
static void test_parser_takes_every_option(void **state)
{
	size_t count;
	const struct ts_cli_option *options = ts_cli_options(&count);

	(void)state;
	assert_true(count >= 50);
	for (size_t i = 0; i < count; i++) {
		const struct ts_cli_option *o = &options[i];
		const char *value = o->arg == TS_ARG_NONE ? NULL : sample_value(o);
		char letter[3] = { '-', ts_cli_option_letter(o), '\0' };
		char name[64], joined[128];

		if (o->arg != TS_ARG_NONE && !value)
			fail_msg("no sample value for --%s %s", o->name, o->metavar);
		snprintf(name, sizeof(name), "--%s", o->name ? o->name : "");
		snprintf(joined, sizeof(joined), "%s=%s", name, value ? value : "");
		/* with --help, the checks across options (an input given ...) are skipped */
		const char *as_letter[] = { "tcpscope", letter, value ? value : "--help", "--help", NULL };
		const char *as_name[] = { "tcpscope", name, value ? value : "--help", "--help", NULL };
		const char *as_joined[] = { "tcpscope", joined, "--help", NULL };
		const char *bare[] = { "tcpscope", name, "--help", NULL };
		if (letter[1] && parse(value ? 4 : 3, as_letter) != 0)
			fail_msg("the parser refuses %s %s", letter, value ? value : "");
		if (o->name && o->arg != TS_ARG_OPTIONAL && parse(value ? 4 : 3, as_name) != 0)
			fail_msg("the parser refuses %s %s", name, value ? value : "");
		if (o->name && value && parse(3, as_joined) != 0)
			fail_msg("the parser refuses %s", joined);
		if (o->arg == TS_ARG_OPTIONAL && parse(3, bare) != 0)
			fail_msg("the parser refuses %s without its value", name);
	}
	const char *unknown[] = { "tcpscope", "--no-such-option", "--help", NULL };
	assert_int_equal(parse(3, unknown), TS_EXIT_USAGE);
}

/* getopt_long's tables hold the entries and nothing else. */
static void test_getopt_tables_match(void **state)
{
	size_t count, n_long = 0, n_letters = 0;
	const struct ts_cli_option *options = ts_cli_options(&count);
	struct ts_getopt_tables t;

	(void)state;
	ts_getopt_tables_build(&t);
	assert_int_equal(t.shorts[0], ':');
	for (size_t i = 0; i < count; i++) {
		const struct ts_cli_option *o = &options[i];
		char letter = ts_cli_option_letter(o);
		assert_true(o->name || letter);
		assert_true((o->arg == TS_ARG_NONE) == (o->metavar == NULL));
		assert_non_null(ts_cli_group(o->group));
		assert_ptr_equal(ts_cli_option_by_key(o->key), o); /* keys are unique */
		if (o->name) {
			const struct option *l = t.longs;
			while (l->name && strcmp(l->name, o->name))
				l++;
			assert_non_null(l->name);
			assert_int_equal(l->val, o->key);
			assert_int_equal(l->has_arg, o->arg == TS_ARG_NONE ? no_argument
			                 : o->arg == TS_ARG_REQUIRED ? required_argument : optional_argument);
			for (const struct option *m = l + 1; m->name; m++)
				assert_string_not_equal(m->name, o->name);
			n_long++;
		}
		if (letter) {
			const char *s = strchr(t.shorts + 1, letter);
			assert_non_null(s);
			assert_int_equal(s[1] == ':', o->arg != TS_ARG_NONE);
			n_letters++;
		}
	}
	size_t n_listed = 0;
	while (t.longs[n_listed].name)
		n_listed++;
	assert_int_equal(n_listed, n_long);
	size_t colons = 0;
	for (const char *s = t.shorts + 1; *s; s++)
		colons += *s == ':';
	assert_int_equal(strlen(t.shorts + 1) - colons, n_letters);
}

static bool listed(char *const *tags, size_t n, const char *synopsis)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(tags[i], synopsis))
			return true;
	return false;
}

/* The start of o's line in --help: the indent, the synopsis, a space. */
static void help_prefix(const struct ts_cli_option *o, char *buf, size_t size)
{
	char synopsis[64];
	assert_true(ts_cli_option_synopsis(o, synopsis, sizeof(synopsis)) > 0);
	snprintf(buf, size, "%s%s ", ts_cli_option_letter(o) ? "  " : "      ", synopsis);
}

/* Every entry has one line of --help, and every line of --help that starts
 * like an option's is an entry's. */
static void test_help_lists_every_option(void **state)
{
	size_t count, len;
	const struct ts_cli_option *options = ts_cli_options(&count);
	char *help = NULL;
	size_t *lines_of = calloc(count, sizeof(*lines_of));

	(void)state;
	assert_non_null(lines_of);
	FILE *out = open_memstream(&help, &len);
	assert_non_null(out);
	ts_cli_usage(out);
	assert_int_equal(fclose(out), 0);
	for (char *line = strtok(help, "\n"); line; line = strtok(NULL, "\n")) {
		size_t indent = strspn(line, " ");
		if (strlen(line) > 80)
			fail_msg("--help line longer than 80 columns: %s", line);
		if ((indent != 2 && indent != 6) || line[indent] != '-')
			continue;
		size_t matches = 0;
		for (size_t i = 0; i < count; i++) {
			char prefix[80];
			help_prefix(&options[i], prefix, sizeof(prefix));
			if (!strncmp(line, prefix, strlen(prefix))) {
				lines_of[i]++;
				matches++;
			}
		}
		if (matches != 1)
			fail_msg("--help line of no option in the table: %s", line);
	}
	for (size_t i = 0; i < count; i++) {
		char prefix[80];
		help_prefix(&options[i], prefix, sizeof(prefix));
		if (lines_of[i] != 1)
			fail_msg("--help lists '%s' %zu times", prefix, lines_of[i]);
	}
	free(lines_of);
	free(help);
}

/* The text of a roff request's arguments: quotes removed, ".B"/".I" join
 * them with spaces, the alternating-font requests (".BR", ".BI" ...)
 * without; font changes dropped and "\-" read as "-". */
static void roff_text(const char *line, char *out, size_t size)
{
	const char *p = line + 1 + strcspn(line + 1, " ");
	bool spaced = p - line == 2;
	size_t n = 0;
	bool first = true;

	while (*p && n + 1 < size) {
		p += strspn(p, " ");
		if (!*p)
			break;
		if (spaced && !first && n + 1 < size)
			out[n++] = ' ';
		first = false;
		bool quoted = *p == '"';
		p += quoted;
		while (*p && (quoted ? *p != '"' : *p != ' ') && n + 1 < size) {
			if (p[0] == '\\' && p[1] == 'f' && p[2]) {
				p += 3;
			} else if (p[0] == '\\' && (p[1] == '-' || p[1] == '\\')) {
				out[n++] = p[1];
				p += 2;
			} else if (p[0] == '\\' && p[1] == '&') {
				p += 2;
			} else {
				out[n++] = *p++;
			}
		}
		p += quoted && *p == '"';
	}
	out[n] = '\0';
}

/* The tags of the .TP paragraphs of OPTIONS that name an option. */
static size_t man_synopses(char *tags[MAX_TAGS])
{
	FILE *f = fopen(MAN_PAGE, "r");
	char line[512];
	bool in_options = false, after_tp = false;
	size_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, ".SH", 3)) {
			in_options = !strcmp(line, ".SH OPTIONS");
			continue;
		}
		if (after_tp && in_options && line[0] == '.') {
			char text[256];
			roff_text(line, text, sizeof(text));
			if (text[0] == '-') {
				assert_true(n < MAX_TAGS);
				tags[n] = strdup(text);
				assert_non_null(tags[n]);
				n++;
			}
		}
		after_tp = !strcmp(line, ".TP");
	}
	fclose(f);
	return n;
}

/* Every entry documented under its synopsis (the same letter, name and
 * metavar), and every option the man page documents is in the table. */
static void test_man_page_documents_the_table(void **state)
{
	size_t count;
	const struct ts_cli_option *options = ts_cli_options(&count);
	char *tags[MAX_TAGS];
	size_t n = man_synopses(tags);
	char *synopses[MAX_TAGS];

	(void)state;
	assert_true(count <= MAX_TAGS);
	for (size_t i = 0; i < count; i++) {
		char synopsis[64];
		assert_true(ts_cli_option_synopsis(&options[i], synopsis, sizeof(synopsis)) > 0);
		synopses[i] = strdup(synopsis);
		assert_non_null(synopses[i]);
	}
	int failures = 0;
	for (size_t i = 0; i < count; i++)
		if (!listed(tags, n, synopses[i])) {
			print_error("doc/tcpscope.1 OPTIONS does not document %s\n", synopses[i]);
			failures++;
		}
	for (size_t i = 0; i < n; i++)
		if (!listed(synopses, count, tags[i])) {
			print_error("doc/tcpscope.1 OPTIONS documents %s, which the option table lacks\n", tags[i]);
			failures++;
		}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(tags[i], tags[j])) {
				print_error("doc/tcpscope.1 OPTIONS documents %s twice\n", tags[i]);
				failures++;
			}
	for (size_t i = 0; i < count; i++)
		free(synopses[i]);
	for (size_t i = 0; i < n; i++)
		free(tags[i]);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_takes_every_option),
		cmocka_unit_test(test_getopt_tables_match),
		cmocka_unit_test(test_help_lists_every_option),
		cmocka_unit_test(test_man_page_documents_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
