/*
 * buf.h - a growable byte buffer with a hard cap and a sticky error.
 *
 * Appends past the cap or after a failed allocation set buf.failed and are
 * ignored, so a writer can append freely and check once at the end. The
 * buffer owns its bytes; buf_fini frees them, buf_take hands them over.
 * data is always NUL-terminated when non-NULL (the NUL is not counted).
 */
#ifndef CANDOR_BASE_BUF_H
#define CANDOR_BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len */
    bool failed;
};

void buf_init(struct buf *b, size_t max);
void buf_fini(struct buf *b);
void buf_clear(struct buf *b);
bool buf_append(struct buf *b, const void *p, size_t len);
bool buf_putc(struct buf *b, uint8_t c);
bool buf_puts(struct buf *b, const char *s);
bool buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Little-endian fixed-width writers, for serialization. */
bool buf_put_u32(struct buf *b, uint32_t v);
bool buf_put_u64(struct buf *b, uint64_t v);
/* Hands the bytes to the caller (free with mem_free) and resets b. */
uint8_t *buf_take(struct buf *b, size_t *len);

#endif
