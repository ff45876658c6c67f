#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"

void buf_init(struct buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

void buf_fini(struct buf *b)
{
    mem_free(b->data);
    memset(b, 0, sizeof(*b));
}

void buf_clear(struct buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data != NULL)
        b->data[0] = '\0';
}

static bool reserve(struct buf *b, size_t extra)
{
    size_t need, cap;
    uint8_t *p;

    if (b->failed)
        return false;
    if (__builtin_add_overflow(b->len, extra, &need) || need > b->max ||
        need == SIZE_MAX) {
        b->failed = true;
        return false;
    }
    if (need + 1 <= b->cap)
        return true;
    cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need + 1)
        cap = cap > SIZE_MAX / 2 ? need + 1 : cap * 2;
    p = mem_realloc_array(b->data, cap, 1);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

bool buf_append(struct buf *b, const void *p, size_t len)
{
    if (!reserve(b, len))
        return false;
    if (len > 0)
        memcpy(b->data + b->len, p, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

bool buf_putc(struct buf *b, uint8_t c)
{
    return buf_append(b, &c, 1);
}

bool buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

bool buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n)) {
        b->failed = true;
        return false;
    }
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

bool buf_put_u32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    return buf_append(b, x, sizeof(x));
}

bool buf_put_u64(struct buf *b, uint64_t v)
{
    return buf_put_u32(b, (uint32_t)v) && buf_put_u32(b, (uint32_t)(v >> 32));
}

uint8_t *buf_take(struct buf *b, size_t *len)
{
    uint8_t *p = b->data;

    if (p == NULL)
        p = mem_calloc(1, 1);
    *len = b->len;
    memset(b, 0, sizeof(*b));
    return p;
}
