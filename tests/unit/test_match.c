/*
 * Unit tests of src/match and src/compile/strings.c: strings go through
 * strings_add into a database, which scans a buffer. Every expected offset
 * and length below was first obtained from yara 4.2.3 (`yara -s`, and the
 * console module for lengths beyond -s's 512-byte cap) on the same string
 * and data; tests/strings_diff.py repeats such comparisons in bulk. Where
 * candor departs from yara on purpose the comment says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../harness.h"
#include "base/buf.h"
#include "base/mem.h"
#include "compile/strings.h"
#include "match/match.h"
#include "rules/ast.h"

static struct ast_string text_n(const char *p, size_t n, unsigned mods)
{
    struct ast_string s;

    memset(&s, 0, sizeof(s));
    s.id = "$a";
    s.kind = AST_STRING_TEXT;
    s.text = (const uint8_t *)p;
    s.text_len = n;
    s.mods = mods;
    s.xor_max = 255;
    return s;
}

static struct ast_string text(const char *p, unsigned mods)
{
    return text_n(p, strlen(p), mods);
}

static struct ast_string hex(const char *body)
{
    struct ast_string s = text(body, 0);

    s.kind = AST_STRING_HEX;
    return s;
}

static struct ast_string regex(const char *body, unsigned flags,
                               unsigned mods)
{
    struct ast_string s = text(body, mods);

    s.kind = AST_STRING_REGEX;
    s.re_flags = flags;
    return s;
}

static bool quiet; /* allocation-failure sweeps expect failures */

static struct match_db *build(const struct ast_string *s, uint32_t n,
                              bool *slow)
{
    struct match_builder *b;
    struct match_db *db = NULL;
    char err[256];

    if (match_builder_new(n, &b) != CANDOR_OK)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        struct strings_result res = {false};
        enum candor_status rc = strings_add(b, i, &s[i], &res, err,
                                            sizeof(err));
        if (rc != CANDOR_OK) {
            if (!quiet)
                harness_fail(__FILE__, __LINE__, "strings_add: %d %s", rc,
                             err);
            match_builder_free(b);
            return NULL;
        }
        if (slow != NULL)
            slow[i] = res.slow;
    }
    if (match_builder_build(b, &db) != CANDOR_OK)
        return NULL;
    return db;
}

static char out[1 << 16];

/* "off:len" per match (":k" + xor key when non-zero), "!" on overflow. */
static const char *list_text(const struct match_list *l)
{
    size_t n = 0;

    out[0] = '\0';
    for (uint32_t i = 0; i < l->n && n < sizeof(out) - 64; i++) {
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%llu:%u",
                              i ? " " : "",
                              (unsigned long long)l->m[i].offset, l->m[i].len);
        if (l->m[i].xor_key)
            n += (size_t)snprintf(out + n, sizeof(out) - n, "^%02x",
                                  l->m[i].xor_key);
    }
    if (l->overflow)
        snprintf(out + n, sizeof(out) - n, "!");
    return out;
}

static const char *scan_with(struct ast_string s, const void *data,
                             size_t len, const struct match_scan_opts *o)
{
    struct match_db *db = build(&s, 1, NULL);
    struct match_scratch *sc = NULL;

    if (db == NULL || match_scratch_new(db, &sc) != CANDOR_OK) {
        match_db_free(db);
        return "build failed";
    }
    if (match_scan(db, sc, data, len, o) != CANDOR_OK)
        snprintf(out, sizeof(out), "scan failed");
    else
        list_text(match_scratch_list(sc, 0));
    match_scratch_free(sc);
    match_db_free(db);
    return out;
}

static const struct match_scan_opts yara_opts = {false, 1000000, 0, false};

static const char *scan(struct ast_string s, const void *data, size_t len)
{
    return scan_with(s, data, len, &yara_opts);
}

#define SCAN(s, lit) scan((s), (lit), sizeof(lit) - 1)

/* yara's verdict as strings_add reports it; strings_slow, which the
 * compiler asks while parsing, must give the same. */
static bool slow(struct ast_string s)
{
    bool v = false;
    struct match_db *db = build(&s, 1, &v);

    match_db_free(db);
    if (strings_slow(&s) != v)
        harness_fail(__FILE__, __LINE__, "strings_slow is %d, strings_add %d",
                     !v, v);
    return v;
}

/* ---- Text strings -------------------------------------------------------- */

/* Atoms ending in three equal bytes are cut before vectorscan sees them
 * (build.c); the forms still verify every byte. */
TEST(match_atoms_with_flood_tails)
{
    CHECK_STR(SCAN(text_n("abcdef\0\0\0", 9, 0),
                   "abcdef\0\0x abcdef\0\0\0"),
              "10:9");
    CHECK_STR(SCAN(text("xyzzZZz", MOD_NOCASE), "XYZZZZ XYZzzZz"), "7:7");
    CHECK_STR(SCAN(hex("4D 5A ?? 41 41 41"), "MZ_AAB MZ_AAA"), "7:6");
    CHECK_STR(SCAN(regex("Q[0-9]xyzwwww", 0, 0), "Q1xyzwww Q2xyzwwww"),
              "9:9");
}

TEST(match_literal_overlaps_and_end)
{
    CHECK_STR(SCAN(text("aa", 0), "aaaa"), "0:2 1:2 2:2");
    CHECK_STR(SCAN(text("ab", 0), "xxab"), "2:2");
    CHECK_STR(SCAN(text("ab", 0), "ab"), "0:2");
    CHECK_STR(SCAN(text("abc", 0), "ab"), "");
    CHECK_STR(SCAN(text("aa", 0), "xaaaa"), "1:2 2:2 3:2");
    CHECK_STR(SCAN(text_n("a\0b", 3, 0), "\0a\0b\0"), "1:3");
    CHECK_STR(scan(text("ab", 0), "", 0), "");
}

TEST(match_literal_nocase_wide_ascii)
{
    CHECK_STR(SCAN(text("AA", MOD_NOCASE), "xaaaa"), "1:2 2:2 3:2");
    CHECK_STR(SCAN(text("ab", MOD_NOCASE), "Ab aB AB"), "0:2 3:2 6:2");
    CHECK_STR(SCAN(text("ab", MOD_WIDE), "xa\0b\0"), "1:4");
    CHECK_STR(SCAN(text("ab", MOD_WIDE), "ab a\0b"), "");
    /* At one offset the ascii form wins (yara: "a" wide ascii on a\0b\0c). */
    CHECK_STR(SCAN(text("a", MOD_WIDE | MOD_ASCII), "a\0b\0c"), "0:1");
    CHECK_STR(SCAN(text("ab", MOD_WIDE | MOD_ASCII), "a\0b\0 ab"),
              "0:4 5:2");
    CHECK_STR(SCAN(text("ab", MOD_WIDE | MOD_NOCASE), "A\0b\0"), "0:4");
    CHECK_STR(SCAN(text_n("\0", 1, MOD_WIDE), "\0\0\0"), "0:2 1:2");
}

TEST(match_literal_fullword)
{
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD), "ab"), "0:2");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD), ".ab"), "1:2");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD), "ab."), "0:2");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD), "1ab"), "");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD), "abc"), "");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD), "_ab_"), "1:2");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD), "\xe4" "ab\xe4"), "1:2");
    /* wide: a neighbour is an alnum byte beside a zero byte */
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD | MOD_WIDE), "x\0a\0b\0"), "");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD | MOD_WIDE), "xa\0b\0"), "1:4");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD | MOD_WIDE), "\x01\0a\0b\0"),
              "2:4");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD | MOD_WIDE), "a\0b\0x\0"), "");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD | MOD_WIDE), "a\0b\0x"), "0:4");
    CHECK_STR(SCAN(text("ab", MOD_FULLWORD | MOD_WIDE), "a\0b\0x\x01"),
              "0:4");
}

TEST(match_literal_xor)
{
    struct ast_string s = text("ab", MOD_XOR);

    CHECK_STR(SCAN(s, "xAB.`c+ab"), "1:2^20 4:2^01 7:2");
    s.xor_min = 1;
    s.xor_max = 0x20;
    CHECK_STR(SCAN(s, "xAB.`c+ab"), "1:2^20 4:2^01");
    s = text("ab", MOD_XOR | MOD_WIDE);
    CHECK_STR(SCAN(s, "A B "), "0:4^20");
}

TEST(match_base64)
{
    /* The data holds base64 of "This program cannot" after 0, 1 and 2
     * other bytes; yara reports the stable characters only. */
    static const char data[] = "<VGhpcyBwcm9ncmFtIGNhbm5vdA==>\n"
                               "<eFRoaXMgcHJvZ3JhbSBjYW5ub3Q=>\n"
                               "<eHlUaGlzIHByb2dyYW0gY2Fubm90>\n";
    static const char custom[] =
        "<E&QYLh@fLVsWLV^c(&]Q\tVoeM!==><N^AXJG[PL*)eIm)Q\tB@SHFod\tm|=><N*"
        "UDJ&Ui(*@h\tlMhHFjPHl^d\tVsj>";
    struct ast_string s = text("This program cannot", MOD_BASE64);

    CHECK_STR(SCAN(s, data), "1:25 34:24 66:25");
    s.base64_alphabet =
        "!@#$%^&*(){}[].,|ABCDEFGHIJ\tLMNOPQRSTUVWXYZabcdefghijklmnopqrstu";
    CHECK_STR(SCAN(s, custom), "1:25 33:24 64:25");
    /* "ab": YW Fi hY; "a": Y and h (its middle form is empty). */
    CHECK_STR(SCAN(text("ab", MOD_BASE64), "h Fi hY YW"), "2:2 5:2 8:2");
    CHECK_STR(SCAN(text("a", MOD_BASE64), "h Fi hY YW"), "0:1 5:1 6:1 8:1");
    CHECK_STR(SCAN(text("ab", MOD_BASE64WIDE), "h\0F\0i\0 Y\0W\0"),
              "2:4 7:4");
    CHECK_STR(SCAN(text("ab", MOD_BASE64WIDE), "h Fi hY YW"), "");
}

TEST(match_text_slow_verdicts)
{
    CHECK(slow(text("a", 0)));
    CHECK(!slow(text("ab", 0)));
    CHECK(slow(text_n("\0\0\0\0", 4, 0)));
    CHECK(!slow(text("\x90\x90\x90\x90", 0)));
    CHECK(slow(text("\x90\x90", 0)));
    CHECK(slow(text("ab", MOD_XOR)));
    CHECK(!slow(text("abc", MOD_XOR)));
    CHECK(slow(text("a", MOD_WIDE)));
    CHECK(slow(text("a", MOD_BASE64)));
    CHECK(!slow(text("ab", MOD_BASE64)));
}

/* ---- Hex strings ---------------------------------------------------------- */

TEST(match_hex_jumps_alternatives_nibbles)
{
    CHECK_STR(SCAN(hex("61 62"), "xxab"), "2:2");
    CHECK_STR(SCAN(hex("61 [1-3] 62"), "a_b_b"), "0:3"); /* lazy */
    CHECK_STR(SCAN(hex("61 ( 5F | 5F 62 )"), "a_b_b"), "0:2");
    CHECK_STR(SCAN(hex("61 ( 00 | 00 62 )"), "a\0b\0c"), "0:2");
    CHECK_STR(SCAN(hex("61 ( 00 62 | 00 )"), "a\0b\0c"), "0:3");
    CHECK_STR(SCAN(hex("4D ?? 5A"), "MxZ MZZ M\nZ"), "0:3 4:3 8:3");
    CHECK_STR(SCAN(hex("4? 5A"), "MZ\x4fZ\x5fZ"), "0:2 2:2");
    CHECK_STR(SCAN(hex("?D 5A"), "MZ\x1dZ]Z"), "0:2 2:2 4:2");
    CHECK_STR(SCAN(hex("61 [2] 62"), "a__b ab a_b"), "0:4");
    CHECK_STR(SCAN(hex("61 [0-1] 62"), "ab a_b"), "0:2 3:3");
    /* '~' is yara 4.3 syntax (4.2.3 rejects it): any byte but 00. */
    CHECK_STR(SCAN(hex("61 ~00 62"), "a\0b a_b"), "4:3");
}

TEST(match_hex_long_jumps_are_chained_in_yara)
{
    /* yara splits these at the jump and matches the pieces separately,
     * so a match may exceed the 4096-byte regex limit. */
    size_t n = 2 + 5000 + 2 + 100;
    uint8_t *d = calloc(1, n);
    uint8_t *d4 = calloc(1, 2 + 300 + 2 + 300 + 2);

    memset(d, 1, n);
    memcpy(d, "MZ", 2);
    memcpy(d + 5002, "ZZ", 2);
    CHECK_STR(scan(hex("4D 5A [5000] 5A 5A"), d, n), "0:5004");
    CHECK_STR(scan(hex("4D 5A [1-] 5A 5A"), d, n), "0:5004");
    CHECK_STR(scan(hex("4D 5A [4090] 5A 5A"), d, n), "");
    memset(d4, 1, 606);
    memcpy(d4, "MZ", 2);
    memcpy(d4 + 302, "ZZ", 2);
    memcpy(d4 + 604, "ZZ", 2);
    CHECK_STR(scan(hex("4D 5A [2-] 5A 5A"), d4, 606), "0:304");
    CHECK_STR(scan(hex("4D 5A [250-] 5A 5A"), d4, 606), "0:304");
    free(d);
    free(d4);
}

TEST(match_hex_slow_verdicts)
{
    CHECK(slow(hex("4D")));
    CHECK(!slow(hex("4D 5A")));
    CHECK(slow(hex("4D ?? 5A")));
    CHECK(!slow(hex("4D 5A ?? ?? ?? ?? 5A")));
    CHECK(slow(hex("00 00 00 00 ?? ??")));
    CHECK(!slow(hex("00 00 00 00 ?? 01")));
    CHECK(slow(hex("31 ?0 ?? 62 41")));
    CHECK(slow(hex("61 62 63 [201] 64")));
    CHECK(!slow(hex("61 62 63 [200] 64")));
}

/* ---- Regexes -------------------------------------------------------------- */

TEST(match_regex_greedy_lazy_empty)
{
    CHECK_STR(SCAN(regex("a.{1,3}b", 0, 0), "a_b_b"), "0:5");
    CHECK_STR(SCAN(regex("a.{1,3}?b", 0, 0), "a_b_b"), "0:3");
    CHECK_STR(SCAN(regex("a+", 0, 0), "aaaa"), "0:4 1:3 2:2 3:1");
    CHECK_STR(SCAN(regex("a+?", 0, 0), "aaaa"), "0:1 1:1 2:1 3:1");
    /* Empty matches are no matches. */
    CHECK_STR(SCAN(regex("a*", 0, 0), "aaaa"), "0:4 1:3 2:2 3:1");
    CHECK_STR(SCAN(regex("a*?", 0, 0), "aaaa"), "");
    CHECK_STR(SCAN(regex("a*?y", 0, 0), "xaaay"), "1:4 2:3 3:2 4:1");
    CHECK_STR(SCAN(regex("x(a|aa|aaa)", 0, 0), "xaaay"), "0:2");
    CHECK_STR(SCAN(regex("x(a|aa)*", 0, 0), "xaaay"), "0:4");
    CHECK_STR(SCAN(regex("(a|b)+y", 0, 0), "xaaay"), "1:4 2:3 3:2");
    CHECK_STR(SCAN(regex("BADD|Bad Error Happened|", 0, 0), "xBADDy"),
              "1:4");
}

TEST(match_regex_anchors_classes_case)
{
    CHECK_STR(SCAN(regex("^ab", 0, 0), "ab\nab"), "0:2");
    CHECK_STR(SCAN(regex("ab$", 0, 0), "ab\nab"), "3:2");
    CHECK_STR(SCAN(regex("ab$", 0, 0), "ab\n"), "");
    CHECK_STR(SCAN(regex("^ab", 0, 0), "x\0ab"), "");
    CHECK_STR(SCAN(regex("x.y", 0, 0), "x\ny"), "");
    CHECK_STR(SCAN(regex("x.y", RE_FLAG_DOTALL, 0), "x\ny"), "0:3");
    CHECK_STR(SCAN(regex("x[^a]y", 0, 0), "x\ny"), "0:3");
    CHECK_STR(SCAN(regex("\\s", 0, 0), "x\t\n\v\f\r \xa0y"),
              "1:1 2:1 3:1 4:1 5:1 6:1");
    CHECK_STR(SCAN(regex("\\w", 0, 0), "_a0\xe4"), "0:1 1:1 2:1");
    CHECK_STR(SCAN(regex("ab", RE_FLAG_NOCASE, 0), "Ab\xc4\xe4"), "0:2");
    CHECK_STR(SCAN(regex("[a-b]b", 0, MOD_NOCASE), "aB"), "0:2");
    /* [^a] under nocase excludes both cases. */
    CHECK_STR(SCAN(regex("x[^a]", RE_FLAG_NOCASE, 0), "xA xa xb"), "6:2");
    CHECK_STR(SCAN(regex("x[^a]", 0, 0), "xA xa xb"), "0:2 6:2");
}

TEST(match_regex_word_boundaries)
{
    CHECK_STR(SCAN(regex("ab\\b", 0, 0), "ab.cd"), "0:2");
    CHECK_STR(SCAN(regex("\\bcd", 0, 0), "ab.cd"), "3:2");
    /* yara counts both ends of the data as boundaries. */
    CHECK_STR(SCAN(regex("_ \\b", 0, 0), "x_ "), "1:2");
    CHECK_STR(SCAN(regex("\\b _", 0, 0), " _x"), "0:2");
    CHECK_STR(SCAN(regex("_ \\B", 0, 0), "x_ "), "");
    /* wide: the characters around are two-byte ones */
    CHECK_STR(SCAN(regex("ab\\b", 0, MOD_WIDE), "a\0b\0.\0"), "0:4");
    CHECK_STR(SCAN(regex("ab\\b", 0, MOD_WIDE), "a\0b\0c\0"), "");
    CHECK_STR(SCAN(regex("ab\\b", 0, MOD_WIDE), "a\0b\0c"), "0:4");
    CHECK_STR(SCAN(regex("\\bab", 0, MOD_WIDE), "x\0a\0b\0"), "");
    CHECK_STR(SCAN(regex("\\bab", 0, MOD_WIDE), "x\x01" "a\0b\0"), "2:4");
}

TEST(match_regex_fullword_and_wide)
{
    /* yara finds 0:3 here: it verifies each alternative from an atom of
     * its own; candor checks the match PCRE2 prefers ("ab"). */
    CHECK_STR(SCAN(regex("ab|abc", 0, MOD_FULLWORD), "abc"), "");
    CHECK_STR(SCAN(regex("\\w+", 0, MOD_FULLWORD), "ab cd"), "0:2 3:2");
    /* checked on the preferred match, as yara does: no backtracking */
    CHECK_STR(SCAN(regex("\\w+?", 0, MOD_FULLWORD), "ab cd"), "");
    CHECK_STR(SCAN(regex("a+", 0, MOD_FULLWORD), "aaab"), "");
    CHECK_STR(SCAN(regex("ab", 0, MOD_FULLWORD), "_ab_"), "1:2");
    CHECK_STR(SCAN(regex("ab", 0, MOD_WIDE | MOD_FULLWORD), "_\0a\0b\0_\0"),
              "2:4");
    CHECK_STR(SCAN(regex("ab+", 0, MOD_WIDE), "a\0b\0b\0c"), "0:6");
    CHECK_STR(SCAN(regex("a\\x00*", 0, MOD_WIDE | MOD_ASCII), "a\0\0"),
              "0:3");
    CHECK_STR(SCAN(regex("ab?", 0, MOD_WIDE | MOD_ASCII), "a\0b\0"), "0:1");
}

TEST(match_regex_scan_limits)
{
    /* MZ, 5000 bytes of 01, ZZ: yara cuts a regex match 4096 bytes after
     * its atom and looks at most 4096 bytes back from it. */
    size_t n = 2 + 5000 + 2 + 100;
    uint8_t *d = malloc(n + 1);
    const char *r;

    memset(d, 1, n);
    memcpy(d, "MZ", 2);
    memcpy(d + 5002, "ZZ", 2);
    CHECK_STR(scan(regex("MZ\\x01+", 0, 0), d, n), "0:4096");
    CHECK_STR(scan(regex("MZ[^Z]*ZZ", 0, 0), d, n), "");
    r = scan(regex("\\x01+ZZ", 0, 0), d, n);
    CHECK(strncmp(r, "906:4098 907:4097 908:4096 ", 27) == 0);
    d[0] = 'Q';
    memcpy(d + 1, "MZ", 2);
    CHECK_STR(scan(regex("[A-Q]MZ\\x01+", 0, 0), d, n), "0:4097");
    free(d);
}

TEST(match_regex_slow_and_errors)
{
    struct match_builder *b;
    struct strings_result res;
    char err[256];
    struct ast_string s = regex("a*b+?", 0, 0);

    CHECK(slow(regex("a", 0, 0)));
    CHECK(!slow(regex("ab", 0, 0)));
    CHECK(slow(regex("a\\bb", 0, 0)));
    CHECK(!slow(regex("\\x01.\\x02\\x00", 0, 0)));
    CHECK(slow(regex("\\x00{2}b", 0, 0)));
    CHECK(slow(regex("\\x00\\x00\\x0a ", 0, MOD_WIDE)));
    CHECK(slow(regex("BADD|Bad Error Happened|", 0, 0)));
    CHECK(match_builder_new(1, &b) == CANDOR_OK);
    CHECK_INT(strings_add(b, 0, &s, &res, err, sizeof(err)),
              CANDOR_ERROR_SYNTAX);
    CHECK_STR(err, "greedy and ungreedy quantifiers can't be mixed in a "
                   "regular expression");
    s = regex("a(", 0, 0);
    CHECK_INT(strings_add(b, 0, &s, &res, err, sizeof(err)),
              CANDOR_ERROR_SYNTAX);
    CHECK_STR(err, "syntax error");
    s = text("", 0);
    CHECK_INT(strings_add(b, 0, &s, &res, err, sizeof(err)),
              CANDOR_ERROR_SYNTAX);
    CHECK_STR(err, "empty string \"$a\"");
    match_builder_free(b);
}

/* ---- Limits, modes, pieces ----------------------------------------------- */

TEST(match_cap_of_one_million)
{
    /* yara keeps the first 1,000,000 and warns "too many matches". */
    size_t n = 1000010;
    char *d = malloc(n);
    struct match_db *db;
    struct match_scratch *sc = NULL;
    struct ast_string s = text("a", 0);
    const struct match_list *l;

    memset(d, 'a', n);
    db = build(&s, 1, NULL);
    CHECK(db != NULL && match_scratch_new(db, &sc) == CANDOR_OK);
    CHECK(match_scan(db, sc, (const uint8_t *)d, n, &yara_opts) == CANDOR_OK);
    l = match_scratch_list(sc, 0);
    CHECK_INT(l->n, 1000000);
    CHECK(l->overflow);
    CHECK_INT(l->m[999999].offset, 999999);
    /* The next scan starts clean. */
    CHECK(match_scan(db, sc, (const uint8_t *)"xa", 2, &yara_opts) ==
          CANDOR_OK);
    CHECK_STR(list_text(match_scratch_list(sc, 0)), "1:1");
    match_scratch_free(sc);
    match_db_free(db);
    free(d);
}

TEST(match_fast_mode_keeps_one)
{
    struct match_scan_opts fast = {true, 1000000, 0, false};

    CHECK_STR(scan_with(text("aa", 0), "aaaa", 4, &fast), "0:2");
    CHECK_STR(scan_with(regex("a+", 0, 0), "xaaaa", 5, &fast), "1:4");
    CHECK_STR(scan_with(hex("61 ?? 61"), "a_a_a", 5, &fast), "0:3");
}

TEST(match_fast_mode_keeps_all_when_asked)
{
    /* yara -f -s prints every match of a string the condition counts or
     * places (`#a`, `$a at ...`): those are marked keep-all. */
    struct match_scan_opts fast = {true, 1000000, 0, false};
    struct ast_string s[2] = {text("aa", 0), text("aa", 0)};
    struct match_db *db = build(s, 2, NULL);
    struct match_scratch *sc = NULL;

    CHECK(db != NULL && match_scratch_new(db, &sc) == CANDOR_OK);
    match_scratch_keep_all(sc, 1, true);
    for (int round = 0; round < 2; round++) {
        CHECK(match_scan(db, sc, (const uint8_t *)"aaaa", 4, &fast) ==
              CANDOR_OK);
        CHECK_STR(list_text(match_scratch_list(sc, 0)), "0:2");
        CHECK_STR(list_text(match_scratch_list(sc, 1)), "0:2 1:2 2:2");
    }
    match_scratch_free(sc);
    match_db_free(db);
}

/*
 * A lazy scan verifies a string's regex forms when its list is asked for;
 * every list must then be exactly the eager scan's, whatever the order of
 * asking, across the early verification of too many pending windows, for
 * forms without atoms and for chains.
 */
TEST(match_lazy_lists_equal_eager_ones)
{
    struct ast_string s[7] = {
        text("ab", 0), regex("ab[0-9]*", 0, 0), regex("[0-9]{3}", 0, 0),
        hex("61 62 [300-] 63 64"), regex("b[0-9]+", 0, MOD_WIDE | MOD_ASCII),
        hex("61 62 30 ?? 62 30"), regex("q+r", 0, 0)};
    struct match_scan_opts lazy = yara_opts;
    struct match_db *db = build(s, 7, NULL);
    struct match_scratch *eager = NULL, *sc = NULL;
    struct match_stats st;
    size_t n = 3 * 70000 + 400, k = 0;
    uint8_t *d = malloc(n);
    uint64_t eager_checks;

    CHECK(db != NULL && match_scratch_new(db, &eager) == CANDOR_OK &&
          match_scratch_new(db, &sc) == CANDOR_OK);
    while (k + 3 <= 3 * 70000) { /* more windows than one batch */
        memcpy(d + k, (k / 3) % 7 ? "ab0" : "xyz", 3);
        k += 3;
    }
    memset(d + k, ' ', n - k);
    memcpy(d + k + 10, "b\0" "1\0" "2\0" "3\0 123", 12);
    memcpy(d + n - 2, "cd", 2);
    lazy.lazy = true;
    CHECK(match_scan(db, eager, d, n, &yara_opts) == CANDOR_OK);
    match_scratch_stats(eager, &st);
    eager_checks = st.verifications;
    CHECK(match_scan(db, sc, d, n, &lazy) == CANDOR_OK);
    match_scratch_stats(sc, &st);
    CHECK(st.verifications < eager_checks); /* nothing asked for yet */
    CHECK(!match_scratch_pending(sc, 0) && !match_scratch_pending(sc, 5));
    for (uint32_t i = 1; i < 5; i++)
        CHECK(match_scratch_pending(sc, i));
    for (uint32_t i = 7; i-- > 0;) {
        const struct match_list *a = match_scratch_list(eager, i);
        const struct match_list *b = match_scratch_list(sc, i);
        uint32_t same = 0;
        CHECK(a->n > 0 || i == 6);
        CHECK_INT(b->n, a->n);
        for (uint32_t j = 0; j < a->n && j < b->n; j++)
            same += a->m[j].offset == b->m[j].offset &&
                    a->m[j].len == b->m[j].len &&
                    a->m[j].xor_key == b->m[j].xor_key;
        CHECK_INT(same, a->n);
        CHECK(!match_scratch_pending(sc, i));
    }
    CHECK_INT(match_scratch_status(sc), CANDOR_OK);
    match_scratch_stats(sc, &st);
    CHECK_INT(st.verifications, eager_checks);
    /* Once the data is gone, nothing more is verified. */
    CHECK(match_scan(db, sc, d, n, &lazy) == CANDOR_OK);
    match_scan_end(sc);
    CHECK_INT(match_scratch_list(sc, 1)->n, 0);
    match_scratch_free(eager);
    match_scratch_free(sc);
    match_db_free(db);
    free(d);
}

static const char *scan_pieces(struct ast_string *s, uint32_t n_strings,
                               const uint8_t *d, size_t len, uint64_t piece)
{
    static char all[4096];
    struct match_db *db = build(s, n_strings, NULL);
    struct match_scratch *sc = NULL;
    size_t k = 0;

    all[0] = '\0';
    if (db == NULL || match_scratch_new(db, &sc) != CANDOR_OK)
        return "build failed";
    match_scratch_set_piece_size(sc, piece);
    if (match_scan(db, sc, d, len, &yara_opts) == CANDOR_OK)
        for (uint32_t i = 0; i < n_strings; i++)
            k += (size_t)snprintf(all + k, sizeof(all) - k, "[%s]",
                                  list_text(match_scratch_list(sc, i)));
    match_scratch_free(sc);
    match_db_free(db);
    return all;
}

TEST(match_pieces_lose_and_repeat_nothing)
{
    struct ast_string s[3] = {text("needle", 0), regex("ne+dle\\d", 0, 0),
                              hex("6E ?? 65 64 6C 65")};
    uint8_t d[200];
    char whole[4096];

    memset(d, '.', sizeof(d));
    for (int at = 0; at < 190; at += 13)
        memcpy(d + at, "needle7", 7);
    snprintf(whole, sizeof(whole), "%s",
             scan_pieces(s, 3, d, sizeof(d), 0));
    CHECK(strlen(whole) > 40);
    /* Every piece size, down to one byte longer than the longest atom. */
    for (uint64_t piece = 7; piece <= 64; piece++)
        CHECK_STR(scan_pieces(s, 3, d, sizeof(d), piece), whole);
}

/*
 * 4.5 GiB of address space made of one 64 MiB memfd mapped 72 times (this
 * machine gives anonymous zero pages real memory): whatever is planted in
 * the file shows up every 64 MiB, including across the first vectorscan
 * join at 0xffff0000 and past 4 GiB.
 */
TEST(match_beyond_four_gib)
{
    const size_t chunk = (size_t)64 << 20, len = 72 * chunk;
    const size_t at1 = 0xffff0000u % chunk - 3, at2 = chunk - 3;
    struct ast_string s[2] = {text("needle", 0), regex("ne+dle\\d", 0, 0)};
    struct match_db *db = build(s, 2, NULL);
    struct match_scratch *sc = NULL;
    const struct match_list *l;
    uint8_t *d, *file;
    int fd = memfd_create("candor-test", 0);
    uint32_t bad = 0;

    d = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
             -1, 0);
    if (fd < 0 || d == MAP_FAILED || ftruncate(fd, (off_t)chunk) != 0) {
        printf("  skipped: cannot map 4.5 GiB\n");
        match_db_free(db);
        return;
    }
    for (size_t k = 0; k < len / chunk; k++)
        CHECK(mmap(d + k * chunk, chunk, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0) != MAP_FAILED);
    file = d;
    memcpy(file + at1, "needle1", 7);
    memcpy(file + at2, "nee", 3); /* ...continued by the next copy: */
    memcpy(file, "dle2", 4);
    CHECK(db != NULL && match_scratch_new(db, &sc) == CANDOR_OK);
    CHECK(match_scan(db, sc, d, len, &yara_opts) == CANDOR_OK);
    for (int i = 0; i < 2; i++) {
        l = match_scratch_list(sc, (uint32_t)i);
        CHECK_INT(l->n, 72 + 71); /* needle1 in each copy, needle2 across */
        for (uint32_t k = 0; k < l->n; k++) {
            uint64_t off = l->m[k].offset % chunk;
            bad += off != at1 && off != at2;
            bad += k > 0 && l->m[k].offset <= l->m[k - 1].offset;
        }
        CHECK(l->n > 126 && l->m[126].offset == 0xffff0000u - 3);
        CHECK(l->m[l->n - 1].offset > 0x100000000ull);
    }
    CHECK_INT(bad, 0);
    match_scratch_free(sc);
    match_db_free(db);
    munmap(d, len);
    close(fd);
}

TEST(match_pathological_regex_is_bounded)
{
    /* yara 4.2.3 runs for minutes on this; PCRE2's limits stop each try. */
    size_t n = 1000000;
    uint8_t *d = malloc(n + 2);
    struct timespec t0, t1;
    const char *r;

    memset(d, 'a', n);
    memcpy(d + n, "xb", 2);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = scan(regex("(a|aa)+(a|aa)+b", 0, 0), d, n + 2);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_STR(r, "");
    CHECK(t1.tv_sec - t0.tv_sec < 20);
    free(d);
}

TEST(match_deadline)
{
    struct match_scan_opts late = {false, 1000000, 1, false};
    struct ast_string s = regex("(a|aa)+(a|aa)+b", 0, 0);
    struct match_db *db = build(&s, 1, NULL);
    struct match_scratch *sc = NULL;
    size_t n = 1 << 20;
    uint8_t *d = malloc(n);

    memset(d, 'a', n);
    CHECK(db != NULL && match_scratch_new(db, &sc) == CANDOR_OK);
    CHECK_INT(match_scan(db, sc, d, n, &late), CANDOR_ERROR_TIMEOUT);
    /* Lazily, the pass ends in time; the verification asked for later
     * does not. */
    late.lazy = true;
    CHECK_INT(match_scan(db, sc, d, n, &late), CANDOR_OK);
    CHECK_INT(match_scratch_list(sc, 0)->n, 0);
    CHECK_INT(match_scratch_status(sc), CANDOR_ERROR_TIMEOUT);
    match_scratch_free(sc);
    match_db_free(db);
    free(d);
}

TEST(match_many_short_strings)
{
    /* 10,000 two-byte strings: one database, every occurrence found. */
    uint32_t n = 10000, wrong = 0;
    struct ast_string *s = calloc(n, sizeof(*s));
    char *words = malloc(2 * n);
    struct match_db *db;
    struct match_scratch *sc = NULL;
    uint8_t data[8192];

    for (uint32_t i = 0; i < n; i++) {
        words[2 * i] = (char)(1 + i % 250);
        words[2 * i + 1] = (char)(1 + i / 250);
        s[i] = text_n(words + 2 * i, 2, 0);
    }
    srand(7);
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(1 + rand() % 60);
    db = build(s, n, NULL);
    CHECK(db != NULL && match_scratch_new(db, &sc) == CANDOR_OK);
    CHECK(match_scan(db, sc, data, sizeof(data), &yara_opts) == CANDOR_OK);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t count = 0;
        for (size_t k = 0; k + 1 < sizeof(data); k++)
            count += memcmp(data + k, words + 2 * i, 2) == 0;
        wrong += match_scratch_list(sc, i)->n != count;
    }
    CHECK_INT(wrong, 0);
    match_scratch_free(sc);
    match_db_free(db);
    free(words);
    free(s);
}

/* ---- Serialization -------------------------------------------------------- */

static struct match_db *sample_db(void)
{
    struct ast_string s[5] = {
        text("needle", MOD_NOCASE | MOD_WIDE | MOD_ASCII),
        text("ab", MOD_XOR | MOD_FULLWORD), hex("4D ?? 5A [1-4] 50"),
        regex("ne+dle\\d", 0, 0), regex("\\d{3}-\\d{4}", 0, 0)};

    s[1].xor_min = 1;
    s[1].xor_max = 3;
    return build(s, 5, NULL);
}

static const char sample_data[] =
    "NEEDLE n\0e\0e\0d\0l\0e\0 `c .ca MZ!ZabcP needle7 555-1234";

static const char *scan_all(const struct match_db *db)
{
    static char all[4096];
    struct match_scratch *sc = NULL;
    size_t k = 0;

    all[0] = '\0';
    if (match_scratch_new(db, &sc) != CANDOR_OK)
        return "scratch failed";
    if (match_scan(db, sc, (const uint8_t *)sample_data,
                   sizeof(sample_data) - 1, &yara_opts) == CANDOR_OK)
        for (uint32_t i = 0; i < match_db_string_count(db) && i < 16; i++)
            k += (size_t)snprintf(all + k, sizeof(all) - k, "[%s]",
                                  list_text(match_scratch_list(sc, i)));
    match_scratch_free(sc);
    return all;
}

TEST(match_db_round_trips)
{
    static const uint8_t key[] = "secret", other[] = "other";
    struct match_db *db = sample_db(), *back = NULL;
    struct buf b;
    char expect[4096];

    CHECK(db != NULL);
    snprintf(expect, sizeof(expect), "%s", scan_all(db));
    /* as yara reports them (tests/strings_diff.py) */
    CHECK_STR(expect, "[0:6 7:12 36:6][20:2^01][][36:7][44:8]");
    buf_init(&b, 1 << 26);
    CHECK(match_db_save(db, &b, key, 6) == CANDOR_OK);
    /* right key: vectorscan bytes trusted; wrong or no key: rebuilt */
    CHECK(match_db_load(bytes_make(b.data, b.len), key, 6, &back) ==
          CANDOR_OK);
    CHECK_STR(scan_all(back), expect);
    match_db_free(back);
    CHECK(match_db_load(bytes_make(b.data, b.len), other, 5, &back) ==
          CANDOR_OK);
    CHECK_STR(scan_all(back), expect);
    match_db_free(back);
    CHECK(match_db_load(bytes_make(b.data, b.len), NULL, 0, &back) ==
          CANDOR_OK);
    CHECK_STR(scan_all(back), expect);
    match_db_free(back);
    buf_clear(&b);
    CHECK(match_db_save(db, &b, NULL, 0) == CANDOR_OK);
    CHECK(match_db_load(bytes_make(b.data, b.len), key, 6, &back) ==
          CANDOR_OK);
    CHECK_STR(scan_all(back), expect);
    match_db_free(back);
    buf_fini(&b);
    match_db_free(db);
}

TEST(match_db_load_refuses_damage)
{
    static const uint8_t key[] = "secret";
    struct match_db *db = sample_db(), *back;
    struct buf b;
    int refused = 0, loaded = 0;

    buf_init(&b, 1 << 26);
    CHECK(db != NULL && match_db_save(db, &b, key, 6) == CANDOR_OK);
    /* Every truncation is refused. */
    for (size_t n = 0; n < b.len; n += 1 + n / 8) {
        back = NULL;
        CHECK(match_db_load(bytes_make(b.data, n), key, 6, &back) ==
              CANDOR_ERROR_FORMAT);
        match_db_free(back);
    }
    /* A flipped byte is refused, or loads validated (and then scans). */
    for (size_t i = 0; i < b.len; i += 1 + i / 16) {
        b.data[i] ^= 0x5a;
        back = NULL;
        if (match_db_load(bytes_make(b.data, b.len), key, 6, &back) ==
            CANDOR_OK) {
            loaded++;
            scan_all(back);
            match_db_free(back);
        } else {
            refused++;
        }
        b.data[i] ^= 0x5a;
    }
    CHECK(refused > 0);
    (void)loaded;
    buf_fini(&b);
    match_db_free(db);
}

TEST(match_survives_allocation_failures)
{
    /* Sweep the n-th allocation failing over building, saving, loading and
     * scanning: each must fail cleanly (ASan reports any leak). */
    quiet = true;
    for (unsigned long n = 1; n < 400; n++) {
        struct match_db *db, *back = NULL;
        struct buf b;

        mem_fail_after(n);
        db = sample_db();
        buf_init(&b, 1 << 26);
        if (db != NULL && match_db_save(db, &b, (const uint8_t *)"k", 1) ==
                              CANDOR_OK &&
            match_db_load(bytes_make(b.data, b.len), (const uint8_t *)"k", 1,
                          &back) == CANDOR_OK)
            scan_all(back);
        mem_fail_after(0);
        match_db_free(back);
        match_db_free(db);
        buf_fini(&b);
    }
    quiet = false;
}
