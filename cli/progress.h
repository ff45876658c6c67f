/*
 * progress.h - candor audit's progress line on a terminal.
 *
 * One line on stderr, redrawn in place ("\r", the text, erase to the end
 * of the line): the product being audited of those given, files and bytes
 * unpacked, and the virtual path met last, cut to the terminal's width.
 * Nothing is drawn in the first PROGRESS_DELAY seconds, so a quick audit
 * shows nothing; then the line is redrawn when a file is met, at most
 * every PROGRESS_PERIOD seconds. It is erased before a finding is written
 * (the terminal may show stdout too) and at the end, so the report reads
 * as without it. Used only when stderr is a terminal (progress_wanted).
 * Paths come from the input: every byte that is not printable ASCII is
 * shown as \xNN, so a name cannot move the cursor or send a control
 * sequence, and each byte shown is one column wide.
 */
#ifndef CANDOR_CLI_PROGRESS_H
#define CANDOR_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "report/report.h"

#define PROGRESS_DELAY 0.5
#define PROGRESS_PERIOD 0.2
#define PROGRESS_PATH_MAX 4096

struct progress {
    int fd;
    const struct report_totals *totals;
    uint64_t products; /* given, directories' files counted */
    double start, last;
    double delay; /* PROGRESS_DELAY, or $CANDOR_PROGRESS_DELAY (tests) */
    bool drawn; /* a line is on the screen */
    char vpath[PROGRESS_PATH_MAX];
    bool cut; /* vpath was longer than the buffer: its end is kept */
};

/* Whether stderr is a terminal that can take the line. */
bool progress_wanted(void);

/* Starts the display on stderr for the report's totals. */
void progress_init(struct progress *p, const struct report_totals *totals,
                   uint64_t products);
/* The report's hook: before each finding and file record it writes. */
void progress_on_record(void *ctx, const char *vpath, bool finding);
/* Erases the line, if drawn. */
void progress_end(struct progress *p);

#endif
