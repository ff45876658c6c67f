/*
 * fuzz_re.c - the hex-string and regex body parsers, and what follows them.
 *
 * The first byte picks the parser (bit 0: hex or regex), the regex flags
 * (bits 1-2: /i /s) and modifiers (bits 3-5: wide, ascii, fullword); the
 * rest is the body. A body that parses goes on through strings_add (atoms,
 * PCRE2 text, PCRE2 compile) into a database that scans a small fixed
 * buffer, so the whole path from hostile rule text to matching is covered.
 */
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "compile/strings.h"
#include "match/match.h"
#include "rules/ast.h"
#include "rules/re.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t sample[] =
    "MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0abcabc a\0b\0c\0 This program "
    "cannot be run in DOS mode.\r\n\x01\x02\x03\x04_AaZz09 \xe4\xfc\n";

static void run(const struct ast_string *s)
{
    struct match_builder *b;
    struct match_db *db = NULL;
    struct match_scratch *sc = NULL;
    struct strings_result res;
    struct match_scan_opts opts = {.max_per_string = 1000};
    char err[256];

    if (match_builder_new(1, &b) != CANDOR_OK)
        return;
    if (strings_add(b, 0, s, &res, err, sizeof(err)) != CANDOR_OK) {
        match_builder_free(b);
        return;
    }
    if (match_builder_build(b, &db) == CANDOR_OK &&
        match_scratch_new(db, &sc) == CANDOR_OK)
        match_scan(db, sc, sample, sizeof(sample) - 1, &opts);
    match_scratch_free(sc);
    match_db_free(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    struct re_node *re = NULL;
    struct ast_string s;
    char err[256];
    bool ok;

    if (size < 1 || size > 4096)
        return 0;
    memset(&s, 0, sizeof(s));
    s.id = "$a";
    s.text = data + 1;
    s.text_len = size - 1;
    s.re_flags = (data[0] & 2 ? RE_FLAG_NOCASE : 0) |
                 (data[0] & 4 ? RE_FLAG_DOTALL : 0);
    arena_init(&a, 4096);
    if (data[0] & 1) {
        s.kind = AST_STRING_HEX;
        ok = re_parse_hex(&a, s.text, s.text_len, &re, err, sizeof(err));
    } else {
        s.kind = AST_STRING_REGEX;
        s.mods = (data[0] & 8 ? MOD_WIDE : 0) | (data[0] & 16 ? MOD_ASCII : 0) |
                 (data[0] & 32 ? MOD_FULLWORD : 0);
        ok = re_parse_regex(&a, s.text, s.text_len, s.re_flags, &re, err,
                            sizeof(err));
    }
    if (ok) {
        s.re = re;
        run(&s);
    }
    arena_fini(&a);
    return 0;
}
