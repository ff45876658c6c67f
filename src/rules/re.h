/*
 * re.h - hex strings and YARA regular expressions as one syntax tree.
 *
 * re_parse_hex and re_parse_regex check a string's body the way yara does
 * and build a tree of re_node in the caller's arena. Hex strings become the
 * same nodes as regexes: bytes are LITERAL, `??` ANY, nibble wildcards and
 * `~XX` CLASS, jumps `[n-m]` a lazy REPEAT of ANY, alternatives ALT; two or
 * more bytes, `??` and nibbles in a row are one RUN (a node per byte would
 * take 88 bytes for each byte of a long hex string). A `.`
 * without /s becomes the CLASS of every byte but '\n'. The tree is what
 * compile/strings.c turns into vectorscan atoms and PCRE2 patterns; it owns
 * nothing and lives as long as the arena.
 */
#ifndef CANDOR_RULES_RE_H
#define CANDOR_RULES_RE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

#define RE_INFINITE UINT32_MAX

enum re_kind {
    RE_EMPTY,     /* matches the empty string */
    RE_LITERAL,   /* byte */
    RE_CLASS,     /* cls: a set of bytes */
    RE_ANY,       /* any byte at all */
    RE_CONCAT,    /* kids in order */
    RE_ALT,       /* one of kids, tried in order */
    RE_REPEAT,    /* kids[0] from min to max times (max may be infinite) */
    RE_BOL,       /* ^ */
    RE_EOL,       /* $ */
    RE_WORD_BOUNDARY,     /* \b */
    RE_NOT_WORD_BOUNDARY, /* \B */
    RE_RUN,       /* hex strings only: n_run bytes in a row (run) */
};

#define RE_CLASS_WORDS 8

struct re_node {
    enum re_kind kind;
    uint32_t min, max;       /* REPEAT */
    uint32_t n_kids;
    uint32_t n_run;          /* RUN */
    uint8_t byte;            /* LITERAL */
    bool greedy;             /* REPEAT */
    bool hex_jump;           /* REPEAT made from a hex jump */
    bool dot;                /* CLASS or ANY written as '.' (yara treats a
                                dot apart from an explicit class) */
    bool negated;            /* CLASS written [^...] (cls is already the
                                complement): under nocase yara excludes both
                                cases of what is listed */
    struct re_node **kids;
    /* RUN: n_run values then n_run masks; element i matches byte b when
     * (b & mask) == value: mask 0xff a byte, 0 `??`, 0xf0 or 0x0f a
     * nibble (value has only the mask's bits). */
    uint8_t *run;
    uint32_t *cls;           /* CLASS: RE_CLASS_WORDS words, bit b set when
                                byte b is in it (re_node_new makes it) */
};

/* Limits that keep hostile input cheap (yara has no such limits; its own
 * lexer buffer bounds what it accepts to roughly the same). */
#define RE_MAX_DEPTH 1000        /* nested groups or alternatives */
#define RE_MAX_REPEAT 32767      /* yara's bound on {n,m} in regexes */
#define RE_MAX_JUMP 2147483647u  /* yara stores hex jumps in an int */
#define RE_MAX_HEX_ALT_JUMP 200  /* longest jump allowed inside ( | ) */

static inline bool re_class_has(const struct re_node *n, uint8_t b)
{
    return (n->cls[b >> 5] >> (b & 31)) & 1u;
}

static inline void re_class_add(struct re_node *n, uint8_t b)
{
    n->cls[b >> 5] |= 1u << (b & 31);
}

/* Number of bytes in a CLASS. */
unsigned re_class_count(const struct re_node *n);

/* A zeroed node of the given kind in a (a CLASS with its empty set);
 * NULL when out of memory. */
struct re_node *re_node_new(struct arena *a, enum re_kind kind);

/*
 * Parse the body of a hex string (the text between the braces) or of a
 * regex (between the slashes, with RE_FLAG_* flags). On success *out is the
 * tree and the function returns true. On failure it returns false and
 * writes yara's message for the problem into err (NUL-terminated,
 * truncated to err_len), e.g. "syntax error" or "invalid jump length".
 */
bool re_parse_hex(struct arena *a, const uint8_t *text, size_t len,
                  struct re_node **out, char *err, size_t err_len);
bool re_parse_regex(struct arena *a, const uint8_t *text, size_t len,
                    unsigned flags, struct re_node **out, char *err,
                    size_t err_len);

#endif
