/* \summary: formatting helpers every reporter shares: anomaly sentences, times, JSON strings */
#ifndef TCPSCOPE_REPORT_FORMAT_H
#define TCPSCOPE_REPORT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "tcpscope/report_input.h"

size_t ts_anomaly_message(const struct ts_report_anomaly *ra, char *buf, size_t len);
/* The message without the explanation: who, and the figures. */
size_t ts_anomaly_specifics(const struct ts_report_anomaly *ra, char *buf, size_t len);
void ts_anomaly_subject(const struct ts_report_anomaly *ra, char *buf, size_t len);
/* The message of an anomaly of this code reads figures of its flow: more than
 * the id, key and roles that ts_report_anomaly_named gives. */
bool ts_anomaly_message_reads_figures(uint8_t code);
double ts_pct(uint64_t part, uint64_t whole);
void ts_format_time(const struct timespec *t, char *buf, size_t len); /* ISO 8601 UTC */
bool ts_flow_is_anomalous(const struct ts_flow *f);

#endif
