/*
 * escape.h - how yara 4.2.3 prints bytes, reproduced byte for byte.
 *
 * Three forms, found by running yara (docs/cli.md has the tables):
 *   escape_text  matched data of text strings and regexes (-s): bytes 0x20
 *                to 0x7E as they are, every other byte as \xNN (upper case);
 *   escape_hex   matched data of hex strings (-s): "NN NN NN", at most the
 *                first 64 bytes, then " ..." when there were more;
 *   escape_meta  string metadata (-m): stops at the first NUL like a C
 *                string; \" \' \\ and \a \b \t \n \v \f \r, other bytes
 *                outside 0x20..0x7E as three octal digits \ooo.
 * Each appends to an outbuf; none fails except by the outbuf's sticky flag.
 */
#ifndef CANDOR_CLI_ESCAPE_H
#define CANDOR_CLI_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "outbuf.h"

/* Hex data beyond this many bytes is cut and marked with " ...". */
#define ESCAPE_HEX_MAX 64

void escape_text(struct outbuf *b, const uint8_t *data, size_t len);
void escape_hex(struct outbuf *b, const uint8_t *data, size_t len);
void escape_meta(struct outbuf *b, const char *s, size_t len);

#endif
