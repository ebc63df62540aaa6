/* \summary: --help, laid out from the option table */
#include <stdio.h>
#include <string.h>

#include "cli_help.h"
#include "cli_options.h"

/* "  -r, --read FILE" or "      --duration SEC", then the text from the
 * group's column (two spaces further when the option reaches it), its
 * later lines indented to that column. */
static void print_option(FILE *out, const struct ts_cli_option *o, int column)
{
	char synopsis[64];
	int n = ts_cli_option_synopsis(o, synopsis, sizeof(synopsis));
	if (n < 0)
		return;
	int used = fprintf(out, "%s%s", ts_cli_option_letter(o) ? "  " : "      ", synopsis);
	fprintf(out, "%*s", used < column ? column - used : 2, "");
	for (const char *line = o->help;;) {
		size_t len = strcspn(line, "\n");
		fprintf(out, "%.*s\n", (int)len, line);
		if (!line[len])
			break;
		line += len + 1;
		fprintf(out, "%*s", column, "");
	}
}

void ts_cli_usage(FILE *out)
{
	const struct ts_cli_help_frame *frame = ts_cli_help_frame();
	size_t count;
	const struct ts_cli_option *options = ts_cli_options(&count);

	fputs(frame->header, out);
	for (int g = 0; g < TS_GROUP_COUNT; g++) {
		const struct ts_cli_group *group = ts_cli_group((enum ts_opt_group)g);
		fputc('\n', out);
		if (group->heading)
			fprintf(out, "%s\n", group->heading);
		for (size_t i = 0; i < count; i++)
			if (options[i].group == (enum ts_opt_group)g)
				print_option(out, &options[i], group->column);
		if (group->note)
			fputs(group->note, out);
	}
	fputc('\n', out);
	fputs(frame->footer, out);
}
