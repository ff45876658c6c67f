/*
 * outbuf.h - a growable text buffer for the command's output.
 *
 * The scan command builds everything it prints about one file in an outbuf
 * and writes it with one call, so that lines about different files never
 * interleave when several threads scan. Appends after a failed allocation
 * set failed and are ignored: a writer appends freely and checks once. The
 * buffer owns its bytes; outbuf_fini frees them. data is NUL-terminated
 * when non-NULL (the NUL is not counted in len).
 */
#ifndef CANDOR_CLI_OUTBUF_H
#define CANDOR_CLI_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>

struct outbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
};

void outbuf_init(struct outbuf *b);
void outbuf_fini(struct outbuf *b);
/* Forgets the contents but keeps the memory (and clears failed). */
void outbuf_clear(struct outbuf *b);
void outbuf_write(struct outbuf *b, const void *p, size_t len);
void outbuf_putc(struct outbuf *b, char c);
void outbuf_puts(struct outbuf *b, const char *s);
void outbuf_printf(struct outbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
