/*
 * lexer.h - the tokens of one YARA rule source.
 *
 * A lexer reads a buffer it does not own, one token at a time, the way
 * yara 4.2.3's lexer does: context-free. A `{` followed only by hex-string
 * characters up to a `}` is one HEX token wherever it appears; a `/` that
 * does not open a comment always opens a regex; `include "file"` is one
 * INCLUDE_FILE token (the parser opens the file). Token text points into the
 * source; decoded text strings are copied into the arena given to
 * lexer_init. Both must outlive the tokens.
 *
 * A lexical error (illegal escape, integer overflow, a non-ASCII byte, ...)
 * is the token TOK_ERROR with yara's message in lexer.err; yara stops
 * reading the source there, and so does the parser.
 */
#ifndef CANDOR_RULES_LEXER_H
#define CANDOR_RULES_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "candor.h"

enum token_kind {
#define TOK(name, text) TOK_##name,
#define KW(name, text) TOK_##name,
#include "rules/tokens.def"
#undef TOK
#undef KW
    TOK_COUNT
};

/* Longest identifier yara accepts, and longest text string or regex. */
#define LEXER_MAX_IDENT 128
#define LEXER_MAX_TEXT 8190

struct token {
    enum token_kind kind;
    int line;             /* line the token ends on, 1-based */
    const char *text;     /* the token's source text... */
    size_t len;           /* ...(HEX, REGEX: the body only) */
    int64_t ival;         /* INT */
    double fval;          /* FLOAT */
    const char *str;      /* TEXT, INCLUDE_FILE: decoded, NUL-terminated, */
    size_t str_len;       /* may hold NULs */
    unsigned re_flags;    /* REGEX: RE_FLAG_* (ast.h) */
};

struct lexer {
    const char *src;
    size_t len;
    size_t pos;
    int line;             /* line of the byte at pos */
    struct arena *arena;  /* decoded strings go here */
    char err[160];        /* the message of the last TOK_ERROR */
};

void lexer_init(struct lexer *lx, const char *src, size_t len,
                struct arena *arena);

/*
 * Reads the next token into *out. Returns CANDOR_OK (also for TOK_ERROR,
 * which is a token) or CANDOR_ERROR_NOMEM when decoding a string ran out
 * of memory. At the end of the source every call returns TOK_EOF.
 */
enum candor_status lexer_next(struct lexer *lx, struct token *out);

/* "identifier", "{", "rule", ...: the text of a token kind. */
const char *lexer_token_name(enum token_kind kind);

#endif
