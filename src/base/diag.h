/*
 * diag.h - located diagnostics (errors and warnings) of the rule compiler.
 *
 * A sink counts what it is given and forwards each diagnostic, formatted,
 * to the public callback (struct candor_diag). Messages are yara's texts;
 * the command prints them as `FILE(LINE): error: MESSAGE` or, when a rule
 * is named, `error: rule "NAME" in FILE(LINE): MESSAGE`.
 */
#ifndef CANDOR_BASE_DIAG_H
#define CANDOR_BASE_DIAG_H

#include "candor.h"

struct diag_sink {
    candor_diag_fn fn;
    void *ctx;
    int n_errors;
    int n_warnings;
};

void diag_report(struct diag_sink *d, enum candor_diag_level level,
                 const char *file, int line, const char *rule,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
