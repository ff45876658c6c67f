/*
 * compile.h - rule sources to a rule set, with yara's messages, and the
 * `candor compile` command (yarac's drop-in).
 */
#ifndef CANDOR_CLI_COMPILE_H
#define CANDOR_CLI_COMPILE_H

#include "candor.h"
#include "options.h"

/*
 * Compiles the sources [NS:]PATH... with o's -d, -w, --fail-on-warnings
 * and --max-strings-per-rule, printing diagnostics to stderr as yara does:
 *   error: rule "R" in FILE(LINE): MESSAGE     (about a rule)
 *   FILE(LINE): error: MESSAGE                 (about the source text)
 * and the same with "warning". Like yara it stops adding files after the
 * first one with errors. Returns CANDOR_OK with *out set, or an error
 * that has already been reported.
 */
enum candor_status compile_sources(const struct options *o,
                                   char *const *sources, int n_sources,
                                   struct candor_rules **out);

/* `candor compile [OPTION]... [NS:]SOURCE... OUTPUT`: the exit code. */
int compile_main(int argc, char **argv);

#endif
