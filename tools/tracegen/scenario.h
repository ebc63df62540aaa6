/* \summary: tracegen: scenario state shared by the line runner and the packet parser */
#ifndef TRACEGEN_SCENARIO_H
#define TRACEGEN_SCENARIO_H

#include "tracegen.h"

#define TG_MAX_TOKENS 64
#define TG_MSG_SIZE 300

struct tg_line {
	unsigned no;
	char *text;
};

struct tg_scenario {
	char name[128];
	struct tg_line *lines;
	size_t n_lines, cap_lines;
	struct tg_framer *fr;   /* holds the frame buffers: large, on the heap */
	struct tg_flows flows;
	uint32_t snaplen;
	bool nano;
	bool backwards_ok;      /* "clock backwards": the clock may step back */
	int64_t start_ns, now_ns;
	int64_t last_ns;        /* time of the last packet written */
	bool writing;           /* the writer was opened by the first packet */
	const char *path;
};

/* Opens the output on first use; later link/snaplen changes are refused. */
int tg_scenario_writer(struct tg_scenario *sc, char msg[TG_MSG_SIZE]);

/* Refuses a packet earlier than the previous one (a scenario typo). */
int tg_scenario_check_time(struct tg_scenario *sc, char msg[TG_MSG_SIZE]);

/* One packet line: tok[0] is "NAME>" or "NAME<". 0 or -1 with msg set. */
int tg_scenario_packet(struct tg_scenario *sc, char **tok, size_t ntok,
                       char msg[TG_MSG_SIZE]);

#endif
