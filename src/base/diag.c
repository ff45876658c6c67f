#include "base/diag.h"

#include <stdarg.h>
#include <stdio.h>

void diag_report(struct diag_sink *d, enum candor_diag_level level,
                 const char *file, int line, const char *rule,
                 const char *fmt, ...)
{
    char msg[1024];
    struct candor_diag diag;
    va_list ap;

    if (level == CANDOR_DIAG_ERROR)
        d->n_errors++;
    else
        d->n_warnings++;
    if (d->fn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag.level = level;
    diag.file = file;
    diag.line = line;
    diag.rule = rule;
    diag.message = msg;
    d->fn(d->ctx, &diag);
}
