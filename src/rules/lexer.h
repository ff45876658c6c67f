/*
 * lexer.h - tokens of YARA rule sources.
 *
 * The lexer reads a source buffer it does not own and hands out one token
 * at a time. Token text points into the source, except for text strings,
 * whose escapes are decoded into the lexer's arena. Hex strings and regexes
 * are context-dependent (a `{` after `=` in a strings section, a `/` after
 * `=` or `matches`): the parser asks for them with lexer_hex and
 * lexer_regex instead of lexer_next.
 */
#ifndef CANDOR_RULES_LEXER_H
#define CANDOR_RULES_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

enum tok {
#define TOKEN(name, text) TOK_##name,
#include "rules/tokens.def"
#undef TOKEN
    TOK_COUNT
};

struct token {
    enum tok kind;
    int line;
    const char *text;   /* identifiers, $/#/@/! names, hex and regex bodies,
                           decoded text strings */
    size_t len;
    int64_t ival;       /* TOK_INT; TOK_REGEX: RE_FLAG_* */
    double fval;        /* TOK_FLOAT */
};

struct lexer {
    const char *src;
    size_t len;
    size_t pos;
    int line;
    struct arena *arena;
    char err[256];      /* the message of the last TOK_ERROR */
};

void lexer_init(struct lexer *lx, const char *src, size_t len,
                struct arena *a);
/* The next token; TOK_ERROR with lx->err set on a lexical error. */
struct token lexer_next(struct lexer *lx);
/* After a `{`: the hex string's body up to the matching `}`. */
struct token lexer_hex(struct lexer *lx);
/* After a `/`: the regex body up to the closing `/`, and its flags. */
struct token lexer_regex(struct lexer *lx);
const char *lexer_token_name(enum tok t);

#endif
