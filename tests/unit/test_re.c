/*
 * Unit tests of src/rules/re.c and hex.c: the trees they build and yara's
 * error messages. Every accepted/rejected body and every message below was
 * first run through yara 4.2.3 (`yara rule.yar file` with the body in a
 * one-string rule); comments say where candor departs from it on purpose.
 */
#include <stdio.h>
#include <string.h>

#include "../harness.h"
#include "base/arena.h"
#include "rules/ast.h"
#include "rules/re.h"

static void dump(const struct re_node *n, char *out, size_t cap);

/* A RUN's elements as single nodes would print, space-separated (in
 * parentheses unless bare, i.e. directly inside a concatenation). */
static void dump_run(const struct re_node *n, char *out, size_t cap,
                     bool bare)
{
    uint32_t words[RE_CLASS_WORDS];
    struct re_node one;
    size_t len;

    memset(&one, 0, sizeof(one));
    one.cls = words;
    len = strlen(out);
    snprintf(out + len, cap - len, "%s", bare ? "" : "(");
    for (uint32_t i = 0; i < n->n_run; i++) {
        uint8_t v = n->run[i], m = n->run[n->n_run + i];
        one.kind = m == 0xff ? RE_LITERAL : m == 0 ? RE_ANY : RE_CLASS;
        one.byte = v;
        memset(words, 0, sizeof(words));
        for (unsigned b = 0; b < 256; b++)
            if (((uint8_t)b & m) == v)
                re_class_add(&one, (uint8_t)b);
        len = strlen(out);
        snprintf(out + len, cap - len, "%s", i > 0 ? " " : "");
        dump(&one, out, cap);
    }
    len = strlen(out);
    snprintf(out + len, cap - len, "%s", bare ? "" : ")");
}

/* A compact dump: 4d literal, . any, [lo-hi,...] class, (a b) concat,
 * (a|b) alt, x{m,n} repeat (? lazy, j hex jump), ^ $ \b \B, () empty;
 * a RUN as the concatenation of its elements. */
static void dump(const struct re_node *n, char *out, size_t cap)
{
    size_t len = strlen(out);
    char *p = out + len;
    size_t left = cap - len;

    switch (n->kind) {
    case RE_EMPTY: snprintf(p, left, "()"); break;
    case RE_LITERAL: snprintf(p, left, "%02x", n->byte); break;
    case RE_ANY: snprintf(p, left, "."); break;
    case RE_BOL: snprintf(p, left, "^"); break;
    case RE_EOL: snprintf(p, left, "$"); break;
    case RE_WORD_BOUNDARY: snprintf(p, left, "\\b"); break;
    case RE_NOT_WORD_BOUNDARY: snprintf(p, left, "\\B"); break;
    case RE_RUN: dump_run(n, out, cap, false); break;
    case RE_CLASS: {
        int first = 1;
        snprintf(p, left, "[");
        for (unsigned b = 0; b < 256; b++) {
            unsigned e = b;
            if (!re_class_has(n, (uint8_t)b))
                continue;
            while (e + 1 < 256 && re_class_has(n, (uint8_t)(e + 1)))
                e++;
            len = strlen(out);
            if (e == b)
                snprintf(out + len, cap - len, "%s%02x", first ? "" : ",", b);
            else
                snprintf(out + len, cap - len, "%s%02x-%02x", first ? "" : ",",
                         b, e);
            first = 0;
            b = e;
        }
        len = strlen(out);
        snprintf(out + len, cap - len, "]");
        break;
    }
    case RE_CONCAT:
    case RE_ALT:
        snprintf(p, left, "(");
        for (uint32_t i = 0; i < n->n_kids; i++) {
            if (i > 0) {
                len = strlen(out);
                snprintf(out + len, cap - len, n->kind == RE_ALT ? "|" : " ");
            }
            if (n->kind == RE_CONCAT && n->kids[i]->kind == RE_RUN)
                dump_run(n->kids[i], out, cap, true);
            else
                dump(n->kids[i], out, cap);
        }
        len = strlen(out);
        snprintf(out + len, cap - len, ")");
        break;
    case RE_REPEAT:
        dump(n->kids[0], out, cap);
        len = strlen(out);
        if (n->max == RE_INFINITE)
            snprintf(out + len, cap - len, "{%u,}", n->min);
        else
            snprintf(out + len, cap - len, "{%u,%u}", n->min, n->max);
        len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", n->greedy ? "" : "?",
                 n->hex_jump ? "j" : "");
        break;
    }
}

static char result[4096];

/* Parses and returns the dump, or "error: MESSAGE". */
static const char *rx(const char *text, unsigned flags)
{
    struct arena a;
    struct re_node *n = NULL;
    char err[256];

    arena_init(&a, 4096);
    result[0] = '\0';
    if (re_parse_regex(&a, (const uint8_t *)text, strlen(text), flags, &n,
                       err, sizeof(err)))
        dump(n, result, sizeof(result));
    else
        snprintf(result, sizeof(result), "error: %s", err);
    arena_fini(&a);
    return result;
}

static const char *hx(const char *text)
{
    struct arena a;
    struct re_node *n = NULL;
    char err[256];

    arena_init(&a, 4096);
    result[0] = '\0';
    if (re_parse_hex(&a, (const uint8_t *)text, strlen(text), &n, err,
                     sizeof(err)))
        dump(n, result, sizeof(result));
    else
        snprintf(result, sizeof(result), "error: %s", err);
    arena_fini(&a);
    return result;
}

TEST(hex_bytes_wildcards_nibbles)
{
    CHECK_STR(hx("4D 5A"), "(4d 5a)");
    CHECK_STR(hx("4d5a"), "(4d 5a)");
    CHECK_STR(hx("4D"), "4d");
    CHECK_STR(hx("4D ?? 5A"), "(4d . 5a)");
    CHECK_STR(hx("4D?5"), "(4d [05,15,25,35,45,55,65,75,85,95,a5,b5,c5,d5,e5,f5])");
    CHECK_STR(hx("5?"), "[50-5f]");
    CHECK_STR(hx("4D // comment\n 5A /* x */"), "(4d 5a)");
    CHECK_STR(hx("\t4D\r\n5A "), "(4d 5a)");
}

/* Bytes, ?? and nibbles in a row are one RUN node: value, then mask. */
TEST(hex_runs)
{
    static const uint8_t want[] = {0x4d, 0x5a, 0, 0x40, 0x00,
                                   0xff, 0xff, 0, 0xf0, 0x0f};
    struct arena a;
    struct re_node *n = NULL;
    char err[64];

    arena_init(&a, 4096);
    CHECK(re_parse_hex(&a, (const uint8_t *)"4D 5A ?? 4? ?0 [2] 01 ~02",
                       25, &n, err, sizeof(err)));
    CHECK(n != NULL && n->kind == RE_CONCAT && n->n_kids == 4);
    if (n != NULL && n->n_kids == 4) {
        CHECK_INT(n->kids[0]->kind, RE_RUN);
        CHECK_INT(n->kids[0]->n_run, 5);
        CHECK(memcmp(n->kids[0]->run, want, sizeof(want)) == 0);
        CHECK_INT(n->kids[2]->kind, RE_LITERAL); /* a run of one */
        CHECK_INT(n->kids[3]->kind, RE_CLASS);   /* ~ ends a run */
    }
    arena_fini(&a);
    CHECK_STR(hx("01 02 ( 03 04 | 05 ) 06 07"),
              "(01 02 ((03 04)|05) 06 07)");
}

/* yara 4.2.3 rejects '~' (a 4.3 feature); candor takes it as 4.3 does. */
TEST(hex_not_operator)
{
    CHECK_STR(hx("4D ~00"), "(4d [01-ff])");
    CHECK_STR(hx("~4? 00"), "([00-3f,50-ff] 00)");
    CHECK_STR(hx("4D ~?0"),
              "(4d [01-0f,11-1f,21-2f,31-3f,41-4f,51-5f,61-6f,71-7f,81-8f,"
              "91-9f,a1-af,b1-bf,c1-cf,d1-df,e1-ef,f1-ff])");
    CHECK_STR(hx("4D ~??"), "error: syntax error");
    CHECK_STR(hx("4D ~"), "error: syntax error");
    CHECK_STR(hx("4D ~ ( 01 )"), "error: syntax error");
}

TEST(hex_jumps)
{
    CHECK_STR(hx("4D [4] 5A"), "(4d .{4,4}?j 5a)");
    CHECK_STR(hx("4D [2-6] 5A"), "(4d .{2,6}?j 5a)");
    CHECK_STR(hx("4D [4-] 5A"), "(4d .{4,}?j 5a)");
    CHECK_STR(hx("4D [-] 5A"), "(4d .{0,}?j 5a)");
    CHECK_STR(hx("4D [0-0] 5A"), "(4d .{0,0}?j 5a)");
    CHECK_STR(hx("4D [ 1 - 2 ] 5A"), "(4d .{1,2}?j 5a)");
    CHECK_STR(hx("4D [\n1 -2] 5A"), "(4d .{1,2}?j 5a)");
    CHECK_STR(hx("4D [001-002] 5A"), "(4d .{1,2}?j 5a)");
    CHECK_STR(hx("4D [2][3] 5A"), "(4d .{2,2}?j .{3,3}?j 5a)");
    CHECK_STR(hx("4D [1-2147483647] 5A"), "(4d .{1,2147483647}?j 5a)");
    CHECK_STR(hx("4D [4294967296-] 5A"),
              "error: invalid negative jump length"); /* yara wraps to 0 */
}

TEST(hex_jump_errors)
{
    CHECK_STR(hx("4D [6-2] 5A"), "error: invalid jump range");
    CHECK_STR(hx("4D [0] 5A"), "error: invalid jump length");
    CHECK_STR(hx("4D [000] 5A"), "error: invalid jump length");
    CHECK_STR(hx("4D [2147483648] 5A"), "error: invalid jump length");
    CHECK_STR(hx("4D [0-2147483648] 5A"),
              "error: invalid negative jump length");
    CHECK_STR(hx("4D [0-4294967295] 5A"),
              "error: invalid negative jump length");
    /* yara 4.2.3 wraps these two around to 0 and 1 and accepts them. */
    CHECK_STR(hx("4D [0-4294967296] 5A"),
              "error: invalid negative jump length");
    CHECK_STR(hx("4D [4294967297] 5A"), "error: invalid jump length");
    CHECK_STR(hx("4D [0-99999999999999999999] 5A"),
              "error: invalid negative jump length");
    CHECK_STR(hx("[2] 4D"), "error: syntax error");
    CHECK_STR(hx("4D [2]"), "error: syntax error");
    CHECK_STR(hx("4D ?? [2]"), "error: syntax error");
    CHECK_STR(hx("4D [-5] 5A"), "error: syntax error");
    CHECK_STR(hx("4D [--] 5A"), "error: syntax error");
    CHECK_STR(hx("4D [1-2-3] 5A"), "error: syntax error");
    CHECK_STR(hx("4D [] 5A"), "error: syntax error");
    CHECK_STR(hx("4D [ ] 5A"), "error: syntax error");
    CHECK_STR(hx("4D [1 2] 5A"), "error: syntax error");
    CHECK_STR(hx("4D [1"), "error: invalid character in hex string jump");
    CHECK_STR(hx("4D [1-"), "error: invalid character in hex string jump");
    CHECK_STR(hx("4D ["), "error: invalid character in hex string jump");
    CHECK_STR(hx("4D [1/*x*/-2] 5A"),
              "error: invalid character in hex string jump");
    CHECK_STR(hx("4D [0x10] 5A"),
              "error: invalid character in hex string jump");
}

TEST(hex_alternatives)
{
    CHECK_STR(hx("4D ( 01 02 | 03 ) 5A"), "(4d ((01 02)|03) 5a)");
    CHECK_STR(hx("( 01 | 02 ) 03"), "((01|02) 03)");
    CHECK_STR(hx("4D ( 01 | ( 02 | 03 ) ) 5A"), "(4d (01|(02|03)) 5a)");
    CHECK_STR(hx("4D ( 01 [2] 02 | 03 ) 5A"), "(4d ((01 .{2,2}?j 02)|03) 5a)");
    CHECK_STR(hx("4D ( 01 [2-200] 02 | 03 ) 5A"),
              "(4d ((01 .{2,200}?j 02)|03) 5a)");
    CHECK_STR(hx("4D(01|02)5A"), "(4d (01|02) 5a)");
    CHECK_STR(hx("4D (01) 5A"), "(4d 01 5a)");
    CHECK_STR(hx("( ?? | 01 ) 02"), "((.|01) 02)");
    CHECK_STR(hx("4D ( 01 | 03 ) [1] ( 04 | 05)"), "(4d (01|03) . (04|05))");
    CHECK_STR(hx("4D [1-1] 5A"), "(4d .{1,1}?j 5a)");
    CHECK_STR(hx("4D ( 01 [2-201] 02 | 03 ) 5A"),
              "error: jumps over 200 not allowed inside alternation (|)");
    CHECK_STR(hx("4D ( 01 [201] 02 | 03 ) 5A"),
              "error: jumps over 200 not allowed inside alternation (|)");
    CHECK_STR(hx("4D ( 01 ( 05 [2-300] 06 | 07) 02 | 03 ) 5A"),
              "error: jumps over 200 not allowed inside alternation (|)");
    CHECK_STR(hx("4D ( 01 [2-] 02 | 03 ) 5A"),
              "error: unbounded jumps not allowed inside alternation (|)");
    CHECK_STR(hx("4D ( 01 [-] 02 | 03 ) 5A"),
              "error: unbounded jumps not allowed inside alternation (|)");
    CHECK_STR(hx("4D ( 01 [6-2] 02 | 03 ) 5A"), "error: invalid jump range");
    CHECK_STR(hx("4D ( 01 | 02 [2] ) 5A"), "error: syntax error");
    CHECK_STR(hx("4D ( [1] 01 | 03 ) 5A"), "error: syntax error");
    CHECK_STR(hx("4D ()"), "error: syntax error");
    CHECK_STR(hx("4D ( | 02)"), "error: syntax error");
    CHECK_STR(hx("4D ( 01 | )"), "error: syntax error");
    CHECK_STR(hx("4D | 5A"), "error: syntax error");
    CHECK_STR(hx("4D ( 01 | 02 ( 03 ) 5A"), "error: syntax error");
    CHECK_STR(hx("4D ( 01 | 02 ) ) 5A"), "error: syntax error");
    CHECK_STR(hx("4D (01 | 02"), "error: syntax error");
}

TEST(hex_lexical_errors)
{
    CHECK_STR(hx("4"), "error: uneven number of digits in hex string");
    CHECK_STR(hx("4D 5"), "error: uneven number of digits in hex string");
    CHECK_STR(hx("4D5"), "error: uneven number of digits in hex string");
    CHECK_STR(hx("4D 5 A"), "error: uneven number of digits in hex string");
    CHECK_STR(hx("4D ?"), "error: invalid character in hex string");
    CHECK_STR(hx("4D ? ? 5A"), "error: invalid character in hex string");
    CHECK_STR(hx("4D ??? "), "error: invalid character in hex string");
    CHECK_STR(hx("4D ]"), "error: invalid character in hex string");
    CHECK_STR(hx(""), "error: syntax error");
    CHECK_STR(hx("  "), "error: syntax error");
    CHECK_STR(hx("4D /* 5A"), "error: syntax error");
}

TEST(hex_depth_is_bounded)
{
    static char text[8 * (RE_MAX_DEPTH + 10)];
    size_t n = 0;

    for (int i = 0; i < RE_MAX_DEPTH + 5; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "( 01 | ");
    text[n] = '\0';
    CHECK_STR(hx(text), "error: hex string is too deeply nested");
}

TEST(regex_literals_and_escapes)
{
    CHECK_STR(rx("abc", 0), "(61 62 63)");
    CHECK_STR(rx("a\\x41\\n\\t\\r\\f\\a", 0), "(61 41 0a 09 0d 0c 07)");
    CHECK_STR(rx("\\\\\\/\\.\\q\\z\\e\\v", 0), "(5c 2f 2e 71 7a 65 76)");
    CHECK_STR(rx("a]}", 0), "(61 5d 7d)");
    /* A '{' that is not an interval is a literal, as in yara. */
    CHECK_STR(rx("a{}", 0), "(61 7b 7d)");
    CHECK_STR(rx("a{x}", 0), "(61 7b 78 7d)");
    CHECK_STR(rx("a{2", 0), "(61 7b 32)");
    CHECK_STR(rx("a{ 1}", 0), "(61 7b 20 31 7d)");
    CHECK_STR(rx("a{-1}", 0), "(61 7b 2d 31 7d)");
    CHECK_STR(rx("a{1}{", 0), "(61{1,1} 7b)");
}

TEST(regex_escape_errors)
{
    CHECK_STR(rx("a\\x", 0), "error: illegal escape sequence");
    CHECK_STR(rx("a\\x4", 0), "error: illegal escape sequence");
    CHECK_STR(rx("a\\xz1", 0), "error: illegal escape sequence");
    CHECK_STR(rx("a[\\x4g]", 0), "error: illegal escape sequence");
    CHECK_STR(rx("a\\1", 0), "error: backreferences are not allowed");
    CHECK_STR(rx("a\\0", 0), "error: backreferences are not allowed");
}

TEST(regex_classes)
{
    CHECK_STR(rx("[a-c]", 0), "[61-63]");
    CHECK_STR(rx("[^\\x00-\\xfe]", 0), "[ff]");
    CHECK_STR(rx("[]a]", 0), "[5d,61]");
    CHECK_STR(rx("[^]a]", 0), "[00-5c,5e-60,62-ff]");
    CHECK_STR(rx("[a-]", 0), "[2d,61]");
    CHECK_STR(rx("[-a]", 0), "[2d,61]");
    CHECK_STR(rx("[a\\-z]", 0), "[2d,61,7a]");
    CHECK_STR(rx("[\\]]", 0), "[5d]");
    CHECK_STR(rx("[\\b]", 0), "[62]");
    CHECK_STR(rx("[\\1]", 0), "[31]");
    CHECK_STR(rx("[\\d]", 0), "[30-39]");
    CHECK_STR(rx("[\\w]", 0), "[30-39,41-5a,5f,61-7a]");
    CHECK_STR(rx("[\\s]", 0), "[09-0d,20]");
    CHECK_STR(rx("[\\W\\w]", 0), "[00-ff]");
    /* An escape at either end of a range stands for its letter. */
    CHECK_STR(rx("[\\w-z]", 0), "[77-7a]");
    CHECK_STR(rx("[a-\\w]", 0), "[61-77]");
    CHECK_STR(rx("[\\d-z]", 0), "[64-7a]");
    /* [[:alpha:]] is the class "[:alph" and a literal ']'. */
    CHECK_STR(rx("[[:alpha:]]", 0), "([3a,5b,61,68,6c,70] 5d)");
    CHECK_STR(rx("a[b-a]", 0), "error: bad character range");
    CHECK_STR(rx("a[z-\\d]", 0), "error: bad character range");
    CHECK_STR(rx("a[\\w-\\d]", 0), "error: bad character range");
    CHECK_STR(rx("a[", 0), "error: missing terminating ] for character class");
    CHECK_STR(rx("a[]", 0), "error: missing terminating ] for character class");
    CHECK_STR(rx("[^]", 0), "error: missing terminating ] for character class");
    CHECK_STR(rx("[a\\", 0), "error: missing terminating ] for character class");
}

TEST(regex_class_escapes_dot_and_assertions)
{
    CHECK_STR(rx("\\d\\D", 0), "([30-39] [00-2f,3a-ff])");
    CHECK_STR(rx("\\s\\S", 0), "([09-0d,20] [00-08,0e-1f,21-ff])");
    CHECK_STR(rx("\\w", 0), "[30-39,41-5a,5f,61-7a]");
    CHECK_STR(rx("a.b", 0), "(61 [00-09,0b-ff] 62)");
    CHECK_STR(rx("a.b", RE_FLAG_DOTALL), "(61 . 62)");
    CHECK_STR(rx("^ab$", 0), "(^ 61 62 $)");
    CHECK_STR(rx("\\bab\\B", 0), "(\\b 61 62 \\B)");
    CHECK_STR(rx("a^b", 0), "(61 ^ 62)");
    CHECK_STR(rx("a^*", 0), "error: syntax error");
    CHECK_STR(rx("a$+", 0), "error: syntax error");
    CHECK_STR(rx("\\b+a", 0), "error: syntax error");
    CHECK_STR(rx("a\\b?", 0), "error: syntax error");
    /* ... but a group holding one can, as in yara. */
    CHECK_STR(rx("a(\\b){2,}", 0), "(61 \\b{2,})");
    CHECK_STR(rx("(^a){,2}?", 0), "(^ 61){0,2}?");
}

TEST(regex_quantifiers)
{
    CHECK_STR(rx("a*b+c?", 0), "(61{0,} 62{1,} 63{0,1})");
    CHECK_STR(rx("a*?b+?c??", 0), "(61{0,}? 62{1,}? 63{0,1}?)");
    CHECK_STR(rx("a{2}", 0), "61{2,2}");
    CHECK_STR(rx("a{2,}", 0), "61{2,}");
    CHECK_STR(rx("a{,3}", 0), "61{0,3}");
    CHECK_STR(rx("a{2,3}?", 0), "61{2,3}?");
    CHECK_STR(rx("a{,}", 0), "61{0,}");
    CHECK_STR(rx("a{00001}", 0), "61{1,1}");
    CHECK_STR(rx("a{32767}", 0), "61{32767,32767}");
    CHECK_STR(rx("a{32767,}", 0), "61{32767,}");
    CHECK_STR(rx("(ab)+", 0), "(61 62){1,}");
    CHECK_STR(rx("a{3,2}", 0), "error: bad repeat interval");
    CHECK_STR(rx("a{0}", 0), "error: bad repeat interval");
    CHECK_STR(rx("a{0,0}", 0), "error: bad repeat interval");
    CHECK_STR(rx("x{,0}", 0), "error: bad repeat interval");
    CHECK_STR(rx("a{1,0}", 0), "error: bad repeat interval");
    CHECK_STR(rx("a{40000,1}", 0), "error: bad repeat interval");
    CHECK_STR(rx("a{32768,}", 0), "error: bad repeat interval");
    CHECK_STR(rx("a{32768}", 0), "error: repeat interval too large");
    CHECK_STR(rx("a{0,32768}", 0), "error: repeat interval too large");
    CHECK_STR(rx("a{40000,50000}", 0), "error: repeat interval too large");
    CHECK_STR(rx("a{99999999999}", 0), "error: repeat interval too large");
    CHECK_STR(rx("a{1,99999999999}", 0), "error: repeat interval too large");
    CHECK_STR(rx("a**", 0), "error: syntax error");
    CHECK_STR(rx("a*+", 0), "error: syntax error");
    CHECK_STR(rx("a+*", 0), "error: syntax error");
    CHECK_STR(rx("a{2}{3}", 0), "error: syntax error");
    CHECK_STR(rx("a{2}??", 0), "error: syntax error");
    CHECK_STR(rx("a{2}+", 0), "error: syntax error");
    CHECK_STR(rx("a{1,2}{3}", 0), "error: syntax error");
    CHECK_STR(rx("{2}a", 0), "error: syntax error");
    CHECK_STR(rx("+a", 0), "error: syntax error");
}

TEST(regex_groups_and_alternatives)
{
    CHECK_STR(rx("(a|b)", 0), "(61|62)");
    CHECK_STR(rx("a|b|", 0), "(61|62|())");
    CHECK_STR(rx("a||b", 0), "(61|()|62)");
    CHECK_STR(rx("a(b|)", 0), "(61 (62|()))");
    CHECK_STR(rx("(a|)+", 0), "(61|()){1,}");
    CHECK_STR(rx("|a", 0), "error: syntax error");
    CHECK_STR(rx("(|a)", 0), "error: syntax error");
    CHECK_STR(rx("a(|b)", 0), "error: syntax error");
    CHECK_STR(rx("()", 0), "error: syntax error");
    CHECK_STR(rx("a()", 0), "error: syntax error");
    CHECK_STR(rx("(a", 0), "error: syntax error");
    CHECK_STR(rx("a)", 0), "error: syntax error");
    CHECK_STR(rx("a(?:b)c", 0), "error: syntax error");
    CHECK_STR(rx("a(?=b)", 0), "error: syntax error");
    CHECK_STR(rx("a(?i)b", 0), "error: syntax error");
    CHECK_STR(rx("", 0), "error: syntax error");
}

TEST(regex_depth_is_bounded)
{
    static char text[2 * (RE_MAX_DEPTH + 10) + 4];
    size_t n = 0;

    for (int i = 0; i < RE_MAX_DEPTH; i++)
        text[n++] = '(';
    text[n++] = 'a';
    for (int i = 0; i < RE_MAX_DEPTH; i++)
        text[n++] = ')';
    text[n] = '\0';
    CHECK_STR(rx(text, 0), "61"); /* yara takes 1,000 levels too */
    memmove(text + 1, text, n + 1);
    text[0] = '(';
    text[n + 1] = ')';
    text[n + 2] = '\0';
    CHECK_STR(rx(text, 0),
              "error: regular expression is too deeply nested");
}
