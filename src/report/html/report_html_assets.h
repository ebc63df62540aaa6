/* \summary: the style sheet and script every HTML report page embeds */
#ifndef TCPSCOPE_REPORT_HTML_ASSETS_H
#define TCPSCOPE_REPORT_HTML_ASSETS_H

extern const char ts_html_css[];
extern const char ts_html_js[];

#endif
