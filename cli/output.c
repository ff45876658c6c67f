/* output.c - see output.h. */
#include "output.h"

#include <stdarg.h>
#include <stdio.h>

void output_init(struct output *o, bool no_warnings)
{
    pthread_mutexattr_t attr;

    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&o->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    o->no_warnings = no_warnings;
    o->write_failed = false;
}

void output_fini(struct output *o)
{
    pthread_mutex_destroy(&o->lock);
}

void output_lock(struct output *o)
{
    pthread_mutex_lock(&o->lock);
}

void output_unlock(struct output *o)
{
    pthread_mutex_unlock(&o->lock);
}

void output_block(struct output *o, struct outbuf *b)
{
    if (b->len == 0)
        return;
    output_lock(o);
    if (fwrite(b->data, 1, b->len, stdout) != b->len)
        o->write_failed = true;
    output_unlock(o);
    outbuf_clear(b);
}

__attribute__((format(printf, 2, 0))) static void
line(struct output *o, const char *fmt, va_list ap)
{
    output_lock(o);
    fflush(stdout);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    output_unlock(o);
}

void output_error(struct output *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    line(o, fmt, ap);
    va_end(ap);
}

void output_warning(struct output *o, const char *fmt, ...)
{
    va_list ap;

    if (o->no_warnings)
        return;
    va_start(ap, fmt);
    line(o, fmt, ap);
    va_end(ap);
}
