/* outbuf.c - see outbuf.h. */
#include "outbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void outbuf_init(struct outbuf *b)
{
    memset(b, 0, sizeof(*b));
}

void outbuf_fini(struct outbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void outbuf_clear(struct outbuf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Makes room for len more bytes and the NUL; false (and failed) if not. */
static bool reserve(struct outbuf *b, size_t len)
{
    size_t need, cap;
    char *p;

    if (b->failed)
        return false;
    if (__builtin_add_overflow(b->len, len, &need) ||
        __builtin_add_overflow(need, 1, &need)) {
        b->failed = true;
        return false;
    }
    if (need <= b->cap)
        return true;
    cap = b->cap < 256 ? 256 : b->cap;
    while (cap < need) {
        if (__builtin_mul_overflow(cap, 2, &cap)) {
            cap = need;
            break;
        }
    }
    p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void outbuf_write(struct outbuf *b, const void *p, size_t len)
{
    if (!reserve(b, len))
        return;
    memcpy(b->data + b->len, p, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void outbuf_putc(struct outbuf *b, char c)
{
    outbuf_write(b, &c, 1);
}

void outbuf_puts(struct outbuf *b, const char *s)
{
    outbuf_write(b, s, strlen(s));
}

void outbuf_printf(struct outbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
