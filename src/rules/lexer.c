/*
 * lexer.c - YARA rule sources to tokens (see lexer.h).
 *
 * What the lexer accepts, and every message, was found by running yara
 * 4.2.3: for instance `0x10KB` is two tokens, `1.` is an integer and a dot,
 * a regex takes the flags `i`, `s` or `is` in that order, and a block
 * comment left open runs silently to the end of the source.
 */
#include "rules/lexer.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ast.h"

static const char *const token_names[] = {
#define TOK(name, text) text,
#define KW(name, text) text,
#include "rules/tokens.def"
#undef TOK
#undef KW
};

struct keyword {
    const char *text;
    enum token_kind kind;
};

static const struct keyword keywords[] = {
#define TOK(name, text)
#define KW(name, text) {text, TOK_##name},
#include "rules/tokens.def"
#undef TOK
#undef KW
};

const char *lexer_token_name(enum token_kind kind)
{
    if ((unsigned)kind >= TOK_COUNT)
        return "?";
    return token_names[kind];
}

void lexer_init(struct lexer *lx, const char *src, size_t len,
                struct arena *arena)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->arena = arena;
}

static int peek_at(const struct lexer *lx, size_t off)
{
    if (lx->pos + off >= lx->len)
        return -1;
    return (unsigned char)lx->src[lx->pos + off];
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex_digit(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(int c)
{
    return is_ident_start(c) || is_digit(c);
}

static int hex_value(int c)
{
    if (is_digit(c))
        return c - '0';
    return (c | 0x20) - 'a' + 10;
}

/* A TOK_ERROR token with yara's message. */
static enum candor_status lex_error(struct lexer *lx, struct token *out,
                                    const char *msg)
{
    snprintf(lx->err, sizeof(lx->err), "%s", msg);
    out->kind = TOK_ERROR;
    out->line = lx->line;
    return CANDOR_OK;
}

/* Skips blanks and comments. An open block comment ends the source. */
static void skip_blanks(struct lexer *lx)
{
    for (;;) {
        int c = peek_at(lx, 0), d = peek_at(lx, 1);

        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            lx->line += c == '\n';
            lx->pos++;
        } else if (c == '/' && d == '/') {
            while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
                lx->pos++;
        } else if (c == '/' && d == '*') {
            lx->pos += 2;
            while (lx->pos < lx->len &&
                   !(lx->src[lx->pos] == '*' && peek_at(lx, 1) == '/')) {
                lx->line += lx->src[lx->pos] == '\n';
                lx->pos++;
            }
            lx->pos = lx->pos < lx->len ? lx->pos + 2 : lx->len;
        } else {
            return;
        }
    }
}

/* ---- Numbers ------------------------------------------------------------ */

/* Digits of one base into *v; false when the value leaves int64. */
static bool accumulate(const char *s, size_t n, unsigned base, uint64_t *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)hex_value((unsigned char)s[i]);
        if (*v > (uint64_t)(INT64_MAX - d) / base)
            return false;
        *v = *v * base + d;
    }
    return true;
}

static enum candor_status lex_float(struct lexer *lx, struct token *out,
                                    size_t start)
{
    char stack[64], *copy = stack;
    size_t n;

    while (is_digit(peek_at(lx, 0)))
        lx->pos++;
    n = lx->pos - start;
    if (n >= sizeof(stack)) {
        copy = arena_memdup(lx->arena, lx->src + start, n);
        if (copy == NULL)
            return CANDOR_ERROR_NOMEM;
    } else {
        memcpy(stack, lx->src + start, n);
        stack[n] = '\0';
    }
    out->kind = TOK_FLOAT;
    out->fval = strtod(copy, NULL);
    return CANDOR_OK;
}

/* int -> [0-9]+ ('KB'|'MB')? | '0x' [0-9a-fA-F]+ | '0o' [0-7]+;
 * float -> [0-9]+ '.' [0-9]+ */
static enum candor_status lex_number(struct lexer *lx, struct token *out)
{
    size_t start = lx->pos, digits;
    unsigned base = 10;
    uint64_t v, mult = 1;
    bool ok;

    if (peek_at(lx, 0) == '0' && peek_at(lx, 1) == 'x' &&
        is_hex_digit(peek_at(lx, 2)))
        base = 16;
    else if (peek_at(lx, 0) == '0' && peek_at(lx, 1) == 'o' &&
             peek_at(lx, 2) >= '0' && peek_at(lx, 2) <= '7')
        base = 8;
    if (base != 10)
        lx->pos += 2;
    digits = lx->pos;
    while (base == 16 ? is_hex_digit(peek_at(lx, 0))
                      : (is_digit(peek_at(lx, 0)) &&
                         (base == 10 || peek_at(lx, 0) <= '7')))
        lx->pos++;
    if (base == 10 && peek_at(lx, 0) == '.' && is_digit(peek_at(lx, 1))) {
        lx->pos++;
        return lex_float(lx, out, start);
    }
    ok = accumulate(lx->src + digits, lx->pos - digits, base, &v);
    if (base == 10 && (peek_at(lx, 0) == 'K' || peek_at(lx, 0) == 'M') &&
        peek_at(lx, 1) == 'B') {
        mult = peek_at(lx, 0) == 'K' ? 1024 : 1024 * 1024;
        lx->pos += 2;
    }
    out->text = lx->src + start;
    out->len = lx->pos - start;
    if (!ok || v > (uint64_t)INT64_MAX / mult) {
        snprintf(lx->err, sizeof(lx->err), "integer overflow in \"%.*s\"",
                 (int)(out->len < 100 ? out->len : 100), out->text);
        out->kind = TOK_ERROR;
        return CANDOR_OK;
    }
    out->kind = TOK_INT;
    out->ival = (int64_t)(v * mult);
    return CANDOR_OK;
}

/* ---- Text strings and regexes ------------------------------------------ */

/* Checks one escape at pos (after the backslash); its decoded length. */
static bool escape_ok(const struct lexer *lx, size_t pos)
{
    int c = pos < lx->len ? (unsigned char)lx->src[pos] : -1;

    if (c == '"' || c == '\\' || c == 't' || c == 'n' || c == 'r')
        return true;
    return c == 'x' && pos + 2 < lx->len &&
           is_hex_digit((unsigned char)lx->src[pos + 1]) &&
           is_hex_digit((unsigned char)lx->src[pos + 2]);
}

static size_t decode_escape(const char *s, char *dst)
{
    switch (s[0]) {
    case 't': *dst = '\t'; return 1;
    case 'n': *dst = '\n'; return 1;
    case 'r': *dst = '\r'; return 1;
    case 'x':
        *dst = (char)(hex_value((unsigned char)s[1]) * 16 +
                      hex_value((unsigned char)s[2]));
        return 3;
    default: *dst = s[0]; return 1;
    }
}

/* Copies the checked string body [start, end) into the arena, decoded. */
static enum candor_status decode_text(struct lexer *lx, struct token *out,
                                      size_t start, size_t end)
{
    char *dst = arena_alloc(lx->arena, end - start + 1);
    size_t n = 0;

    if (dst == NULL)
        return CANDOR_ERROR_NOMEM;
    for (size_t i = start; i < end; i++) {
        if (lx->src[i] == '\\')
            i += decode_escape(lx->src + i + 1, dst + n);
        else
            dst[n] = lx->src[i];
        n++;
    }
    dst[n] = '\0';
    out->str = dst;
    out->str_len = n;
    return CANDOR_OK;
}

/* text -> '"' (char | escape)* '"'; pos is after the opening quote. A
 * string cut by the end of the source is the end of the source. */
static enum candor_status lex_text(struct lexer *lx, struct token *out)
{
    size_t start = lx->pos, n = 0;

    for (;;) {
        int c = peek_at(lx, 0);

        if (c < 0) {
            out->kind = TOK_EOF;
            return CANDOR_OK;
        }
        if (c == '"')
            break;
        if (c == '\n') {
            lx->line++;
            lx->pos++;
            return lex_error(lx, out, "unterminated string");
        }
        if (c == '\\' && !escape_ok(lx, lx->pos + 1))
            return lex_error(lx, out, "illegal escape sequence");
        if (++n > LEXER_MAX_TEXT)
            return lex_error(lx, out, "out of space in lex_buf");
        lx->pos += c != '\\' ? 1 : lx->src[lx->pos + 1] == 'x' ? 4 : 2;
    }
    lx->pos++;
    out->kind = TOK_TEXT;
    return decode_text(lx, out, start, lx->pos - 1);
}

/* regex -> '/' (char | '\' char)+ '/' 'i'? 's'?; pos is after the slash. */
static enum candor_status lex_regex(struct lexer *lx, struct token *out)
{
    size_t start = lx->pos;

    for (;;) {
        int c = peek_at(lx, 0);

        if (c < 0) {
            out->kind = TOK_EOF;
            return CANDOR_OK;
        }
        if (c == '/')
            break;
        if (c == '\\' && peek_at(lx, 1) >= 0 && peek_at(lx, 1) != '\n')
            lx->pos++;
        else if (c == '\\' || c == '\n') {
            lx->pos += c == '\\' ? 2 : 1;
            lx->pos = lx->pos > lx->len ? lx->len : lx->pos;
            lx->line++;
            return lex_error(lx, out, "unterminated regular expression");
        }
        lx->pos++;
        if (lx->pos - start > LEXER_MAX_TEXT)
            return lex_error(lx, out, "out of space in lex_buf");
    }
    out->kind = TOK_REGEX;
    out->text = lx->src + start;
    out->len = lx->pos - start;
    lx->pos++;
    if (peek_at(lx, 0) == 'i') {
        out->re_flags |= RE_FLAG_NOCASE;
        lx->pos++;
    }
    if (peek_at(lx, 0) == 's') {
        out->re_flags |= RE_FLAG_DOTALL;
        lx->pos++;
    }
    return CANDOR_OK;
}

/* ---- Hex strings, identifiers, sigils ---------------------------------- */

/* The length of a comment at pos, or 0 when there is none (or a block
 * comment is left open); counts its newlines into *lines. */
static size_t hex_comment(const struct lexer *lx, size_t pos, int *lines)
{
    size_t i = pos + 2;

    if (pos + 1 >= lx->len || lx->src[pos] != '/')
        return 0;
    if (lx->src[pos + 1] == '/') {
        while (i < lx->len && lx->src[i] != '\n')
            i++;
        return i - pos;
    }
    if (lx->src[pos + 1] != '*')
        return 0;
    for (; i + 1 < lx->len; i++) {
        if (lx->src[i] == '*' && lx->src[i + 1] == '/')
            return i + 2 - pos;
        *lines += lx->src[i] == '\n';
    }
    return 0;
}

/* hex -> '{' (hexchar | comment)+ '}'. pos is after the brace; false (and
 * nothing consumed) when what follows is not a hex string. */
static bool lex_hex(struct lexer *lx, struct token *out)
{
    static const char other[] = " \t\r\n-|~?[]()";
    size_t i = lx->pos;
    int lines = 0;

    while (i < lx->len && lx->src[i] != '}') {
        int c = (unsigned char)lx->src[i];
        size_t skip;

        if (is_hex_digit(c) || (c != 0 && strchr(other, c) != NULL)) {
            lines += c == '\n';
            i++;
        } else if ((skip = hex_comment(lx, i, &lines)) > 0) {
            i += skip;
        } else {
            return false;
        }
    }
    if (i >= lx->len || i == lx->pos)
        return false;
    out->kind = TOK_HEX;
    out->text = lx->src + lx->pos;
    out->len = i - lx->pos;
    lx->pos = i + 1;
    lx->line += lines;
    return true;
}

static enum token_kind keyword_kind(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof(keywords) / sizeof(*keywords); i++) {
        if (keywords[i].text[0] == s[0] && strlen(keywords[i].text) == n &&
            memcmp(keywords[i].text, s, n) == 0)
            return keywords[i].kind;
    }
    return TOK_IDENT;
}

/* include -> 'include' [ \t]+ text, read here as one token. */
static enum candor_status lex_include(struct lexer *lx, struct token *out)
{
    size_t i = lx->pos;
    enum candor_status rc;

    while (i < lx->len && (lx->src[i] == ' ' || lx->src[i] == '\t'))
        i++;
    if (i == lx->pos || i >= lx->len || lx->src[i] != '"')
        return CANDOR_OK;
    lx->pos = i + 1;
    rc = lex_text(lx, out);
    if (rc == CANDOR_OK && out->kind == TOK_TEXT)
        out->kind = TOK_INCLUDE_FILE;
    return rc;
}

static enum candor_status lex_word(struct lexer *lx, struct token *out)
{
    size_t start = lx->pos;

    while (is_ident_char(peek_at(lx, 0)))
        lx->pos++;
    out->text = lx->src + start;
    out->len = lx->pos - start;
    if (out->len > LEXER_MAX_IDENT)
        return lex_error(lx, out, "identifier too long");
    out->kind = keyword_kind(out->text, out->len);
    if (out->kind == TOK_INCLUDE)
        return lex_include(lx, out);
    return CANDOR_OK;
}

/* $name $name* $* #name @name !name, and the anonymous $ # @ !. */
static void lex_sigil(struct lexer *lx, struct token *out)
{
    int sigil = peek_at(lx, 0);
    size_t start = lx->pos++;

    while (is_ident_char(peek_at(lx, 0)))
        lx->pos++;
    if (sigil == '$' && peek_at(lx, 0) == '*') {
        lx->pos++;
        out->kind = TOK_STRING_WILD;
    } else {
        out->kind = sigil == '$'   ? TOK_STRING_ID
                    : sigil == '#' ? TOK_STRING_COUNT
                    : sigil == '@' ? TOK_STRING_OFFSET
                                   : TOK_STRING_LENGTH;
    }
    out->text = lx->src + start;
    out->len = lx->pos - start;
}

/* ---- Punctuation and the dispatcher ------------------------------------ */

/* Two-character operators first, then one-character ones. */
static enum token_kind punct(int c, int d, size_t *n)
{
    static const struct {
        char a, b;
        enum token_kind kind;
    } table[] = {
        {'.', '.', TOK_DOTDOT}, {'=', '=', TOK_EQ},  {'!', '=', TOK_NE},
        {'<', '=', TOK_LE},     {'>', '=', TOK_GE},  {'<', '<', TOK_SHL},
        {'>', '>', TOK_SHR},    {'{', 0, TOK_LBRACE}, {'}', 0, TOK_RBRACE},
        {'(', 0, TOK_LPAREN},   {')', 0, TOK_RPAREN}, {'[', 0, TOK_LBRACKET},
        {']', 0, TOK_RBRACKET}, {':', 0, TOK_COLON}, {',', 0, TOK_COMMA},
        {'.', 0, TOK_DOT},      {'=', 0, TOK_ASSIGN}, {'<', 0, TOK_LT},
        {'>', 0, TOK_GT},       {'+', 0, TOK_PLUS},  {'-', 0, TOK_MINUS},
        {'*', 0, TOK_STAR},     {'\\', 0, TOK_BACKSLASH},
        {'%', 0, TOK_PERCENT},  {'&', 0, TOK_AMP},   {'|', 0, TOK_PIPE},
        {'^', 0, TOK_CARET},    {'~', 0, TOK_TILDE},
    };

    for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++) {
        if (table[i].a == c && (table[i].b == 0 || table[i].b == d)) {
            *n = table[i].b == 0 ? 1 : 2;
            return table[i].kind;
        }
    }
    *n = 1;
    return TOK_OTHER;
}

static enum candor_status lex_other(struct lexer *lx, struct token *out)
{
    int c = peek_at(lx, 0);
    size_t n;

    if (c == '"') {
        lx->pos++;
        return lex_text(lx, out);
    }
    if (c == '/') {
        lx->pos++;
        return lex_regex(lx, out);
    }
    if (c == '{') {
        lx->pos++;
        if (lex_hex(lx, out))
            return CANDOR_OK;
        lx->pos--;
    }
    if (c < 0x21 || c > 0x7e)
        return lex_error(lx, out, "non-ascii character");
    out->kind = punct(c, peek_at(lx, 1), &n);
    lx->pos += n;
    return CANDOR_OK;
}

enum candor_status lexer_next(struct lexer *lx, struct token *out)
{
    enum candor_status rc;
    size_t start;
    int c;

    memset(out, 0, sizeof(*out));
    skip_blanks(lx);
    start = lx->pos;
    c = peek_at(lx, 0);
    if (c < 0) {
        out->kind = TOK_EOF;
        rc = CANDOR_OK;
    } else if (is_digit(c)) {
        rc = lex_number(lx, out);
    } else if (is_ident_start(c)) {
        rc = lex_word(lx, out);
    } else if (c == '$' || c == '#' || c == '@' ||
               (c == '!' && peek_at(lx, 1) != '=')) {
        lex_sigil(lx, out);
        rc = CANDOR_OK;
    } else {
        rc = lex_other(lx, out);
    }
    if (out->text == NULL) {
        out->text = lx->src + start;
        out->len = lx->pos - start;
    }
    out->line = lx->line;
    return rc;
}
