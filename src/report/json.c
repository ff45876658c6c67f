/* json.c - JSON strings for report.c (see report_json_string) and the
 * UTF-8 check they use. */
#include "report/report.h"

size_t report_utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0], lo = 0x80, hi = 0xbf;
    size_t len;

    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0;
    /* Overlong forms, surrogates and code points past U+10FFFF. */
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    }
    return len;
}

void report_json_string(struct buf *b, const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;

    buf_putc(b, '"');
    for (size_t i = 0; i < len;) {
        size_t n;
        if (p[i] == '"' || p[i] == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, p[i++]);
        } else if (p[i] >= 0x20 && p[i] < 0x7f) {
            buf_putc(b, p[i++]);
        } else if (p[i] >= 0x80 &&
                   (n = report_utf8_len(p + i, len - i)) > 0) {
            buf_append(b, p + i, n);
            i += n;
        } else {
            buf_printf(b, "\\u%04x", p[i++]);
        }
    }
    buf_putc(b, '"');
}
