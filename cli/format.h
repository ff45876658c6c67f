/*
 * format.h - what `candor scan` prints about a rule, byte for byte as
 * yara 4.2.3 prints it (docs/cli.md shows each form):
 *
 *   [NS:]RULE [TAGS] [META] FILE          -e -g -m, in this order
 *   0xOFFSET[:LENGTH]:$ID[: DATA]         -L -s, one line per match
 *
 * Only the strings of the rule being reported, while the scan callback
 * runs, can be printed: their matches are read from the scanner.
 */
#ifndef CANDOR_CLI_FORMAT_H
#define CANDOR_CLI_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "candor.h"
#include "options.h"
#include "outbuf.h"

/* Whether -i / -t let the rule be printed (-i, when given, decides alone). */
bool format_selected(const struct options *o, const struct candor_rule *r);

/* The rule's line and, with -s or -L, its matches' lines. */
void format_rule(struct outbuf *b, const struct options *o,
                 const struct candor_scanner *s, const struct candor_rule *r,
                 const char *path);

/* -S: yara's statistics block; figures of yara's Aho-Corasick automaton,
 * which candor does not have, are 0. */
void format_stats(FILE *f, const struct candor_rules *rules);

#endif
