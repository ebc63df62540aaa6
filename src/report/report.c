/* \summary: the reporter table: look a reporter up by its --format name */
#include <string.h>

#include "tcpscope/report.h"
#include "tcpscope/report_json.h"
#include "html/report_html.h"
#include "report_csv.h"
#include "report_text.h"

static const struct ts_reporter_ops *const reporters[] = {
	&ts_reporter_text,
	&ts_reporter_json,
	&ts_reporter_csv,
	&ts_reporter_html,
};

const struct ts_reporter_ops *ts_reporter_find(const char *name)
{
	for (size_t i = 0; i < sizeof(reporters) / sizeof(reporters[0]); i++)
		if (strcmp(reporters[i]->name, name) == 0)
			return reporters[i];
	return NULL;
}
