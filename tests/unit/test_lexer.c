/*
 * Unit tests of src/rules/lexer.c. What is one token and what is an error
 * was first tried on yara 4.2.3 (a rule using the token, compiled with
 * `yara -w`); the messages below are yara's.
 */
#include <stdio.h>
#include <string.h>

#include "../harness.h"
#include "base/arena.h"
#include "rules/ast.h"
#include "rules/lexer.h"

/* Lexes src and writes "KIND KIND ..." (token names, text of identifiers
 * and numbers' values) into out; stops after EOF or an error. */
static void lex_all(const char *src, char *out, size_t cap)
{
    struct arena a;
    struct lexer lx;
    struct token t;
    size_t n = 0;

    arena_init(&a, 4096);
    lexer_init(&lx, src, strlen(src), &a);
    out[0] = '\0';
    do {
        if (lexer_next(&lx, &t) != CANDOR_OK)
            break;
        if (t.kind == TOK_INT)
            n += (size_t)snprintf(out + n, cap - n, "%lld ", (long long)t.ival);
        else if (t.kind == TOK_FLOAT)
            n += (size_t)snprintf(out + n, cap - n, "%g ", t.fval);
        else if (t.kind == TOK_IDENT || t.kind == TOK_STRING_ID ||
                 t.kind == TOK_STRING_WILD || t.kind == TOK_STRING_COUNT ||
                 t.kind == TOK_STRING_OFFSET || t.kind == TOK_STRING_LENGTH)
            n += (size_t)snprintf(out + n, cap - n, "%.*s ", (int)t.len,
                                  t.text);
        else if (t.kind == TOK_ERROR)
            n += (size_t)snprintf(out + n, cap - n, "error(%s)@%d ", lx.err,
                                  t.line);
        else
            n += (size_t)snprintf(out + n, cap - n, "%s ",
                                  lexer_token_name(t.kind));
    } while (t.kind != TOK_EOF && t.kind != TOK_ERROR && n < cap - 1);
    if (n > 0 && out[n - 1] == ' ')
        out[n - 1] = '\0';
    arena_fini(&a);
}

static const char *lexed(const char *src)
{
    static char out[2048];

    lex_all(src, out, sizeof(out));
    return out;
}

/* The first token of src. */
static struct token first(const char *src, struct arena *a)
{
    struct lexer lx;
    struct token t;

    lexer_init(&lx, src, strlen(src), a);
    lexer_next(&lx, &t);
    return t;
}

TEST(lexer_keywords_identifiers_and_punctuation)
{
    CHECK_STR(lexed("rule r : t { condition: true }"),
              "rule r : t { condition : true } end of file");
    CHECK_STR(lexed("all any none of them for in at matches defined not"),
              "all any none of them for in at matches defined not end of file");
    CHECK_STR(lexed("uint8be int32 filesize entrypoint iequals base64wide"),
              "uint8be int32 filesize entrypoint iequals base64wide end of file");
    CHECK_STR(lexed("== != <= >= << >> < > = + - * \\ % & | ^ ~ . .. , [ ] ( )"),
              "== != <= >= << >> < > = + - * \\ % & | ^ ~ . .. , [ ] ( ) "
              "end of file");
    CHECK_STR(lexed("Rule _x9 TRUE"), "Rule _x9 TRUE end of file");
    CHECK_STR(lexed("a;b`"), "a character b character end of file");
}

TEST(lexer_string_identifiers)
{
    CHECK_STR(lexed("$a $ $a* $* #a # @b @ !c ! != !a=1"),
              "$a $ $a* $* #a # @b @ !c ! != !a = 1 end of file");
    /* Only $ takes a wildcard: @a* is @a and a multiplication. */
    CHECK_STR(lexed("@a* $1x"), "@a * $1x end of file");
}

TEST(lexer_numbers)
{
    CHECK_STR(lexed("0 42 0x1F 0o17 2KB 3MB 1.5 10.25"),
              "0 42 31 15 2048 3145728 1.5 10.25 end of file");
    /* yara's patterns: no suffix after hex, no exponent, no leading dot. */
    CHECK_STR(lexed("0x10KB 1. .5 1e5 0o8 0x"),
              "16 KB 1 . . 5 1 e5 0 o8 0 x end of file");
    CHECK_STR(lexed("1..2 1.5..2"), "1 .. 2 1.5 .. 2 end of file");
    CHECK_STR(lexed("9223372036854775807 0x7fffffffffffffff"),
              "9223372036854775807 9223372036854775807 end of file");
    CHECK_STR(lexed("9223372036854775808"),
              "error(integer overflow in \"9223372036854775808\")@1");
    CHECK_STR(lexed("0x8000000000000000"),
              "error(integer overflow in \"0x8000000000000000\")@1");
    CHECK_STR(lexed("0o1000000000000000000000"),
              "error(integer overflow in \"0o1000000000000000000000\")@1");
    CHECK_STR(lexed("8796093022208MB"),
              "error(integer overflow in \"8796093022208MB\")@1");
    CHECK_STR(lexed("8796093022207MB"), "9223372036853727232 end of file");
}

TEST(lexer_text_strings_and_escapes)
{
    struct arena a;
    struct token t;

    arena_init(&a, 4096);
    t = first("\"a\\\"b\\\\c\\td\\ne\\rf\\x41\\x00z\"", &a);
    CHECK_INT(t.kind, TOK_TEXT);
    CHECK_INT(t.str_len, 14);
    CHECK(memcmp(t.str, "a\"b\\c\td\ne\rfA\0z", 14) == 0);
    t = first("\"h\xc3\xa9\"", &a); /* bytes above 0x7f are text */
    CHECK_INT(t.str_len, 3);
    arena_fini(&a);
    CHECK_STR(lexed("\"a\\q\""), "error(illegal escape sequence)@1");
    CHECK_STR(lexed("\"a\\x4\""), "error(illegal escape sequence)@1");
    CHECK_STR(lexed("\"a\\xZZ\""), "error(illegal escape sequence)@1");
    CHECK_STR(lexed("x \"abc\ndef\""), "x error(unterminated string)@2");
    /* Cut by the end of the source, a string is the end of the source. */
    CHECK_STR(lexed("x \"abc"), "x end of file");
}

TEST(lexer_text_length_limit)
{
    static char src[LEXER_MAX_TEXT + 8];

    src[0] = '"';
    memset(src + 1, 'a', LEXER_MAX_TEXT);
    src[LEXER_MAX_TEXT + 1] = '"';
    src[LEXER_MAX_TEXT + 2] = '\0';
    CHECK_STR(lexed(src), "text string end of file");
    src[LEXER_MAX_TEXT + 1] = 'a';
    src[LEXER_MAX_TEXT + 2] = '"';
    src[LEXER_MAX_TEXT + 3] = '\0';
    CHECK_STR(lexed(src), "error(out of space in lex_buf)@1");
}

TEST(lexer_regexes)
{
    struct arena a;
    struct token t;

    arena_init(&a, 4096);
    t = first("/a\\/b.c/is", &a);
    CHECK_INT(t.kind, TOK_REGEX);
    CHECK_INT(t.len, 6);
    CHECK(memcmp(t.text, "a\\/b.c", 6) == 0);
    CHECK_INT(t.re_flags, RE_FLAG_NOCASE | RE_FLAG_DOTALL);
    t = first("/x/s", &a);
    CHECK_INT(t.re_flags, RE_FLAG_DOTALL);
    arena_fini(&a);
    /* The flags come in the order i, s: `/a/si` is /a/s and i. */
    CHECK_STR(lexed("/a/si"), "regular expression i end of file");
    CHECK_STR(lexed("/a/g"), "regular expression g end of file");
    CHECK_STR(lexed("x /ab\nc/"), "x error(unterminated regular expression)@2");
    CHECK_STR(lexed("x /ab\\\nc/"),
              "x error(unterminated regular expression)@2");
    CHECK_STR(lexed("x /abc"), "x end of file");
    /* `//` is always a comment: no empty regex. */
    CHECK_STR(lexed("a // b\nc"), "a c end of file");
}

TEST(lexer_hex_strings_anywhere)
{
    struct arena a;
    struct token t;

    arena_init(&a, 4096);
    t = first("{ 41 ?? [1-2] ( 42 | ~43 ) // c }\n 44 /* } */ }", &a);
    CHECK_INT(t.kind, TOK_HEX);
    CHECK_INT(t.line, 2);
    CHECK_INT(t.len, 45);
    arena_fini(&a);
    /* A brace followed by anything else is a brace. */
    CHECK_STR(lexed("{ 41 4G }"), "{ 41 4 G } end of file");
    CHECK_STR(lexed("{}"), "{ } end of file");
    CHECK_STR(lexed("{ }"), "hex string end of file");
    CHECK_STR(lexed("{ condition"), "{ condition end of file");
    CHECK_STR(lexed("{ 41 /* open"), "{ 41 end of file");
}

TEST(lexer_comments_and_lines)
{
    struct arena a;
    struct lexer lx;
    struct token t;
    int lines[4];

    arena_init(&a, 4096);
    lexer_init(&lx, "a /* x\ny */ b\r\n// c\n\tc", 22, &a);
    for (int i = 0; i < 4; i++) {
        lexer_next(&lx, &t);
        lines[i] = t.line;
    }
    CHECK_INT(lines[0], 1);
    CHECK_INT(lines[1], 2);
    CHECK_INT(lines[2], 4);
    CHECK_INT(t.kind, TOK_EOF);
    arena_fini(&a);
    /* An open block comment runs to the end, silently. */
    CHECK_STR(lexed("a /* b"), "a end of file");
    CHECK_STR(lexed("a /* b /* c */ d"), "a d end of file");
}

TEST(lexer_identifier_limit_and_bad_bytes)
{
    char src[200];

    memset(src, 'a', 128);
    src[128] = '\0';
    CHECK_STR(lexed(src) + 128, " end of file");
    memset(src, 'a', 129);
    src[129] = '\0';
    CHECK_STR(lexed(src), "error(identifier too long)@1");
    CHECK_STR(lexed("a \x01"), "a error(non-ascii character)@1");
    CHECK_STR(lexed("a \xc3\xa9"), "a error(non-ascii character)@1");
    CHECK_STR(lexed("a \x7f"), "a error(non-ascii character)@1");
    CHECK_STR(lexed("a\x0b"), "a error(non-ascii character)@1");
}

TEST(lexer_include_directive)
{
    struct arena a;
    struct token t;

    arena_init(&a, 4096);
    t = first("include \t\"dir/f\\x2eyar\"", &a);
    CHECK_INT(t.kind, TOK_INCLUDE_FILE);
    CHECK_STR(t.str, "dir/f.yar");
    arena_fini(&a);
    /* Without blanks and a quote it is the bare keyword. */
    CHECK_STR(lexed("include\"x\""), "include text string end of file");
    CHECK_STR(lexed("include x"), "include x end of file");
    CHECK_STR(lexed("include \"\\q\""), "error(illegal escape sequence)@1");
}

TEST(lexer_token_names_cover_the_list)
{
    CHECK_STR(lexer_token_name(TOK_EOF), "end of file");
    CHECK_STR(lexer_token_name(TOK_XOR), "xor");
    CHECK_STR(lexer_token_name(TOK_COUNT), "?");
}
