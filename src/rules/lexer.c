/* lexer.c - YARA source text to tokens (see lexer.h). */
#include "rules/lexer.h"

#include <stdio.h>
#include <string.h>

#include "rules/ast.h"

static const char *const token_names[] = {
#define TOKEN(name, text) text,
#include "rules/tokens.def"
#undef TOKEN
};

const char *lexer_token_name(enum tok t)
{
    return (unsigned)t < TOK_COUNT ? token_names[t] : "?";
}

void lexer_init(struct lexer *lx, const char *src, size_t len,
                struct arena *a)
{
    lx->src = src;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
    lx->arena = a;
    lx->err[0] = '\0';
}

static int peek(const struct lexer *lx, size_t ahead)
{
    size_t i = lx->pos + ahead;
    return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

static bool is_ident(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static struct token make(const struct lexer *lx, enum tok kind, size_t start)
{
    struct token t;

    memset(&t, 0, sizeof(t));
    t.kind = kind;
    t.line = lx->line;
    t.text = lx->src + start;
    t.len = lx->pos - start;
    return t;
}

static struct token error(struct lexer *lx, const char *msg)
{
    struct token t = make(lx, TOK_ERROR, lx->pos);

    snprintf(lx->err, sizeof(lx->err), "%s", msg);
    return t;
}

/* Skips white space and comments. An unterminated comment runs to the end
 * of the source, as in yara (which accepts it silently). */
static bool skip_space(struct lexer *lx)
{
    for (;;) {
        int c = peek(lx, 0);
        if (c == '\n') {
            lx->line++;
            lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
                   c == '\v') {
            lx->pos++;
        } else if (c == '/' && peek(lx, 1) == '/') {
            while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
                lx->pos++;
        } else if (c == '/' && peek(lx, 1) == '*') {
            lx->pos += 2;
            while (!(peek(lx, 0) == '*' && peek(lx, 1) == '/')) {
                if (peek(lx, 0) == -1)
                    return true;
                if (peek(lx, 0) == '\n')
                    lx->line++;
                lx->pos++;
            }
            lx->pos += 2;
        } else {
            return true;
        }
    }
}

static struct token keyword_or_ident(struct lexer *lx, size_t start)
{
    struct token t;

    while (is_ident(peek(lx, 0)))
        lx->pos++;
    t = make(lx, TOK_IDENT, start);
    for (int k = TOK_ALL; k <= TOK_UINT32BE; k++) {
        const char *name = token_names[k];
        if (strlen(name) == t.len && memcmp(name, t.text, t.len) == 0) {
            t.kind = (enum tok)k;
            break;
        }
    }
    return t;
}

/* $name, $name*, #name, @name, !name (the name may be empty). */
static struct token string_ref(struct lexer *lx, size_t start, enum tok kind)
{
    struct token t;

    lx->pos++;
    while (is_ident(peek(lx, 0)))
        lx->pos++;
    if (kind == TOK_STRING_ID && peek(lx, 0) == '*') {
        lx->pos++;
        kind = TOK_STRING_ID_WILD;
    }
    t = make(lx, kind, start);
    return t;
}

static struct token number(struct lexer *lx, size_t start)
{
    uint64_t v = 0, base = 10, mult = 1;
    struct token t;
    bool overflow = false;
    int d;

    if (peek(lx, 0) == '0' && (peek(lx, 1) == 'x' || peek(lx, 1) == 'o')) {
        base = peek(lx, 1) == 'x' ? 16 : 8;
        lx->pos += 2;
    }
    if (base == 10 && is_digit(peek(lx, 0))) {
        size_t p = lx->pos;
        while (is_digit(peek(lx, 0)))
            lx->pos++;
        if (peek(lx, 0) == '.' && is_digit(peek(lx, 1))) {
            char buf[128];
            lx->pos++;
            while (is_digit(peek(lx, 0)))
                lx->pos++;
            t = make(lx, TOK_FLOAT, start);
            snprintf(buf, sizeof(buf), "%.*s", (int)(lx->pos - p),
                     lx->src + p);
            sscanf(buf, "%lf", &t.fval);
            return t;
        }
        lx->pos = p;
    }
    while ((d = hexval(peek(lx, 0))) >= 0 && (uint64_t)d < base) {
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            overflow = true;
        v = v * base + (uint64_t)d;
        lx->pos++;
    }
    if (peek(lx, 0) == 'K' && peek(lx, 1) == 'B')
        mult = 1024;
    else if (peek(lx, 0) == 'M' && peek(lx, 1) == 'B')
        mult = 1024 * 1024;
    if (mult != 1)
        lx->pos += 2;
    if (is_ident(peek(lx, 0)))
        return error(lx, "syntax error");
    t = make(lx, TOK_INT, start);
    if (overflow || v > (uint64_t)INT64_MAX / mult) {
        t.kind = TOK_ERROR;
        snprintf(lx->err, sizeof(lx->err), "integer overflow in \"%.*s\"",
                 (int)t.len, t.text);
        return t;
    }
    t.ival = (int64_t)(v * mult);
    return t;
}

/* A "text string": escapes decoded into the arena. */
static struct token text(struct lexer *lx, size_t start)
{
    char *out = arena_alloc(lx->arena, lx->len - lx->pos + 1);
    size_t n = 0;
    struct token t;
    int c, hi, lo;

    if (out == NULL)
        return error(lx, "out of memory");
    lx->pos++;
    while ((c = peek(lx, 0)) != '"') {
        if (c == -1 || c == '\n')
            return error(lx, "unterminated string");
        lx->pos++;
        if (c != '\\') {
            out[n++] = (char)c;
            continue;
        }
        c = peek(lx, 0);
        lx->pos++;
        switch (c) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case 't': out[n++] = '\t'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 'x':
            hi = hexval(peek(lx, 0));
            lo = hexval(peek(lx, 1));
            if (hi < 0 || lo < 0)
                return error(lx, "illegal escape sequence");
            out[n++] = (char)(hi * 16 + lo);
            lx->pos += 2;
            break;
        default:
            return error(lx, "illegal escape sequence");
        }
    }
    lx->pos++;
    t = make(lx, TOK_TEXT, start);
    t.text = out;
    t.len = n;
    return t;
}

static struct token punct(struct lexer *lx, size_t start)
{
    static const struct { const char *s; enum tok t; } ops[] = {
        {"..", TOK_DOTDOT}, {"<<", TOK_SHL}, {">>", TOK_SHR},
        {"<=", TOK_LE}, {">=", TOK_GE}, {"==", TOK_EQ}, {"!=", TOK_NE},
        {"{", TOK_LBRACE}, {"}", TOK_RBRACE}, {"(", TOK_LPAREN},
        {")", TOK_RPAREN}, {"[", TOK_LBRACKET}, {"]", TOK_RBRACKET},
        {":", TOK_COLON}, {"=", TOK_ASSIGN}, {",", TOK_COMMA},
        {".", TOK_DOT}, {"+", TOK_PLUS}, {"-", TOK_MINUS}, {"*", TOK_STAR},
        {"\\", TOK_BACKSLASH}, {"%", TOK_PERCENT}, {"&", TOK_AMP},
        {"|", TOK_PIPE}, {"^", TOK_CARET}, {"~", TOK_TILDE},
        {"<", TOK_LT}, {">", TOK_GT}, {"/", TOK_SLASH},
    };

    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        size_t n = strlen(ops[i].s);
        if (lx->pos + n <= lx->len &&
            memcmp(lx->src + lx->pos, ops[i].s, n) == 0) {
            lx->pos += n;
            return make(lx, ops[i].t, start);
        }
    }
    lx->pos++;
    return error(lx, "syntax error");
}

struct token lexer_next(struct lexer *lx)
{
    size_t start;
    int c;

    if (!skip_space(lx))
        return error(lx, "syntax error");
    start = lx->pos;
    c = peek(lx, 0);
    if (c == -1) {
        struct token t = make(lx, TOK_EOF, start);
        t.line = 0; /* yara reports errors at the end of a file as line 0 */
        return t;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
        return keyword_or_ident(lx, start);
    if (is_digit(c))
        return number(lx, start);
    if (c == '"')
        return text(lx, start);
    if (c == '$')
        return string_ref(lx, start, TOK_STRING_ID);
    if (c == '#')
        return string_ref(lx, start, TOK_STRING_COUNT);
    if (c == '@')
        return string_ref(lx, start, TOK_STRING_OFFSET);
    if (c == '!' && peek(lx, 1) != '=')
        return string_ref(lx, start, TOK_STRING_LENGTH);
    return punct(lx, start);
}

struct token lexer_hex(struct lexer *lx)
{
    size_t start = lx->pos, n = 0;
    int line = lx->line, c;
    char *out = arena_alloc(lx->arena, lx->len - lx->pos + 1);
    struct token t;

    if (out == NULL)
        return error(lx, "out of memory");
    /* The characters yara's lexer takes in a hex string, and comments,
     * which become spaces; any other character makes the `{` a plain
     * brace, hence a syntax error. */
    while ((c = peek(lx, 0)) != '}') {
        if (c == '/' && peek(lx, 1) == '/') {
            while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
                lx->pos++;
            out[n++] = ' ';
            continue;
        }
        if (c == '/' && peek(lx, 1) == '*') {
            lx->pos += 2;
            while (!(peek(lx, 0) == '*' && peek(lx, 1) == '/')) {
                if (peek(lx, 0) == -1)
                    return error(lx, "syntax error");
                if (peek(lx, 0) == '\n')
                    lx->line++;
                lx->pos++;
            }
            lx->pos += 2;
            out[n++] = ' ';
            continue;
        }
        if (c == -1 || !(hexval(c) >= 0 || strchr(" \t\r\n-|~?[]()", c)))
            return error(lx, "syntax error");
        if (c == '\n')
            lx->line++;
        out[n++] = (char)c;
        lx->pos++;
    }
    t = make(lx, TOK_HEX, start);
    t.text = out;
    t.len = n;
    t.line = line;
    lx->pos++;
    return t;
}

struct token lexer_regex(struct lexer *lx)
{
    size_t start = lx->pos;
    struct token t;
    int c;

    while ((c = peek(lx, 0)) != '/') {
        if (c == -1 || c == '\n')
            return error(lx, "syntax error");
        if (c == '\\' && peek(lx, 1) != -1 && peek(lx, 1) != '\n')
            lx->pos++;
        lx->pos++;
    }
    t = make(lx, TOK_REGEX, start);
    lx->pos++;
    for (;;) {
        c = peek(lx, 0);
        if (c == 'i')
            t.ival |= RE_FLAG_NOCASE;
        else if (c == 's')
            t.ival |= RE_FLAG_DOTALL;
        else
            break;
        lx->pos++;
    }
    return t;
}
