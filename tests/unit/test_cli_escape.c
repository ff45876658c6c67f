/*
 * Unit tests of how `candor scan` prints bytes (cli/escape.c): the three
 * forms yara 4.2.3 uses for text matches, hex matches and string metadata,
 * each checked byte by byte against yara's output (docs/cli.md).
 */
#include <stdio.h>
#include <string.h>

#include "../harness.h"

#include "../../cli/escape.c"
#include "../../cli/outbuf.c"

TEST(cli_escape_text_prints_0x20_to_0x7e_raw)
{
    struct outbuf b, want;
    uint8_t all[256];

    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    outbuf_init(&b);
    outbuf_init(&want);
    escape_text(&b, all, sizeof(all));
    for (int i = 0; i < 256; i++) {
        if (i >= 0x20 && i <= 0x7e)
            outbuf_putc(&want, (char)i);
        else
            outbuf_printf(&want, "\\x%02X", i);
    }
    CHECK_STR(b.data, want.data);
    outbuf_clear(&b);
    escape_text(&b, (const uint8_t *)"q\" \\'\t", 6);
    CHECK_STR(b.data, "q\" \\'\\x09");
    outbuf_fini(&b);
    outbuf_fini(&want);
}

TEST(cli_escape_hex_cuts_after_64_bytes)
{
    struct outbuf b;
    uint8_t data[65];

    memset(data, 0x61, sizeof(data));
    data[0] = 0x00;
    data[1] = 0x5f;
    data[2] = 0xfe;
    outbuf_init(&b);
    escape_hex(&b, data, 3);
    CHECK_STR(b.data, "00 5F FE");
    outbuf_clear(&b);
    escape_hex(&b, data, 64);
    CHECK_INT(b.len, 64 * 3 - 1);
    CHECK(b.data[b.len - 1] == '1');
    outbuf_clear(&b);
    escape_hex(&b, data, 65);
    CHECK_INT(b.len, 64 * 3 - 1 + 4);
    CHECK_STR(b.data + b.len - 6, "61 ...");
    outbuf_clear(&b);
    escape_hex(&b, data, 0);
    CHECK_INT(b.len, 0);
    outbuf_fini(&b);
}

TEST(cli_escape_meta_as_yara)
{
    struct outbuf b;
    const char s[] = "\x01\a\b\t\n\v\f\r\x1b\x7f\x80\xff ~'?\"\\";

    outbuf_init(&b);
    escape_meta(&b, s, sizeof(s) - 1);
    CHECK_STR(b.data,
              "\\001\\a\\b\\t\\n\\v\\f\\r\\033\\177\\200\\377 ~\\'?\\\"\\\\");
    outbuf_clear(&b);
    escape_meta(&b, "ab\0cd", 5); /* a NUL ends it, as in yara */
    CHECK_STR(b.data, "ab");
    outbuf_clear(&b);
    escape_meta(&b, "\xc3\xa9", 2);
    CHECK_STR(b.data, "\\303\\251");
    outbuf_fini(&b);
}

TEST(cli_outbuf_grows_and_clears)
{
    struct outbuf b;

    outbuf_init(&b);
    for (int i = 0; i < 10000; i++)
        outbuf_printf(&b, "%d,", i % 10);
    CHECK_INT(b.len, 20000);
    CHECK(!b.failed);
    CHECK(b.data[b.len] == '\0');
    outbuf_clear(&b);
    CHECK_INT(b.len, 0);
    outbuf_puts(&b, "x");
    CHECK_STR(b.data, "x");
    outbuf_fini(&b);
}
