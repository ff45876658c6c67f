/* escape.c - see escape.h. */
#include "escape.h"

#include <stdbool.h>

static const char hex_digits[] = "0123456789ABCDEF";

static bool printable(uint8_t c)
{
    return c >= 0x20 && c <= 0x7e;
}

void escape_text(struct outbuf *b, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        if (printable(c)) {
            outbuf_putc(b, (char)c);
        } else {
            char esc[4] = {'\\', 'x', hex_digits[c >> 4], hex_digits[c & 15]};
            outbuf_write(b, esc, sizeof(esc));
        }
    }
}

void escape_hex(struct outbuf *b, const uint8_t *data, size_t len)
{
    size_t n = len < ESCAPE_HEX_MAX ? len : ESCAPE_HEX_MAX;

    for (size_t i = 0; i < n; i++) {
        char byte[3] = {' ', hex_digits[data[i] >> 4],
                        hex_digits[data[i] & 15]};
        if (i == 0)
            outbuf_write(b, byte + 1, 2);
        else
            outbuf_write(b, byte, 3);
    }
    if (len > ESCAPE_HEX_MAX)
        outbuf_puts(b, " ...");
}

/* The letter of a one-letter C escape for c, or 0 when it has none. */
static char letter_escape(uint8_t c)
{
    switch (c) {
    case '\a': return 'a';
    case '\b': return 'b';
    case '\t': return 't';
    case '\n': return 'n';
    case '\v': return 'v';
    case '\f': return 'f';
    case '\r': return 'r';
    case '"': return '"';
    case '\'': return '\'';
    case '\\': return '\\';
    default: return 0;
    }
}

void escape_meta(struct outbuf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len && s[i] != '\0'; i++) {
        uint8_t c = (uint8_t)s[i];
        char letter = letter_escape(c);
        if (letter != 0) {
            char esc[2] = {'\\', letter};
            outbuf_write(b, esc, 2);
        } else if (printable(c)) {
            outbuf_putc(b, (char)c);
        } else {
            char esc[4] = {'\\', (char)('0' + (c >> 6)),
                           (char)('0' + ((c >> 3) & 7)), (char)('0' + (c & 7))};
            outbuf_write(b, esc, 4);
        }
    }
}
