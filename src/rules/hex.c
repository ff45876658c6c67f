/*
 * hex.c - YARA hex strings into re_node trees.
 *
 *   hex     -> tokens
 *   tokens  -> token (token | jump)* token?      (no jump first or last)
 *   token   -> byte | '~' byte | '(' tokens ('|' tokens)* ')'
 *   byte    -> [0-9A-Fa-f?] [0-9A-Fa-f?]
 *   jump    -> '[' N ']' | '[' N '-' N? ']' | '[' '-' ']'
 *
 * Bytes, `??` and nibbles in a row become one RUN node (re.h). Whitespace
 * and C comments separate tokens. Messages and limits are yara
 * 4.2.3's (found by running it): "[0]" is an invalid jump length, numbers
 * above INT32_MAX are errors (yara wraps some of them around, which we do
 * not copy), jumps inside alternatives must be bounded and at most 200.
 * '~' (not) is yara 4.3's syntax; 4.2.3 rejects it.
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "rules/re.h"

enum tok {
    T_END,
    T_BYTE,
    T_NOT,
    T_LPAREN,
    T_RPAREN,
    T_PIPE,
    T_JUMP,
    T_ERROR,
};

struct hx {
    struct arena *a;
    const uint8_t *s;
    size_t len, pos;
    unsigned depth;
    char *err;
    size_t err_len;
    bool failed;
    /* The current token. */
    enum tok tok;
    uint8_t value, mask;      /* T_BYTE: mask has 0xf for known nibbles */
    uint64_t jmin, jmax;      /* T_JUMP; jmax UINT64_MAX when unbounded */
    bool jsingle;             /* T_JUMP written as [N] */
};

struct kids {
    struct re_node **v;
    uint32_t n, cap;
};

/* Bytes of a run being read: value and mask pairs, on the heap. */
struct run {
    uint8_t *v;
    uint32_t n, cap;
};

static bool fail(struct hx *h, const char *msg)
{
    if (!h->failed) {
        h->failed = true;
        snprintf(h->err, h->err_len, "%s", msg);
    }
    h->tok = T_ERROR;
    return false;
}

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_blank(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips blanks and comments; false on an unterminated comment. */
static bool skip_blanks(struct hx *h)
{
    while (h->pos < h->len) {
        uint8_t c = h->s[h->pos];
        if (is_blank(c)) {
            h->pos++;
        } else if (c == '/' && h->pos + 1 < h->len &&
                   h->s[h->pos + 1] == '/') {
            while (h->pos < h->len && h->s[h->pos] != '\n')
                h->pos++;
        } else if (c == '/' && h->pos + 1 < h->len &&
                   h->s[h->pos + 1] == '*') {
            size_t i = h->pos + 2;
            while (i + 1 < h->len && !(h->s[i] == '*' && h->s[i + 1] == '/'))
                i++;
            if (i + 1 >= h->len)
                return fail(h, "syntax error");
            h->pos = i + 2;
        } else {
            break;
        }
    }
    return true;
}

/* byte -> two of [0-9A-Fa-f?] */
static bool lex_byte(struct hx *h)
{
    uint8_t c0 = h->s[h->pos], c1;
    int v0 = hex_value(c0), v1;

    if (h->pos + 1 >= h->len)
        return fail(h, v0 >= 0 ? "uneven number of digits in hex string"
                               : "invalid character in hex string");
    c1 = h->s[h->pos + 1];
    v1 = hex_value(c1);
    if (v1 < 0 && c1 != '?')
        return fail(h, v0 >= 0 ? "uneven number of digits in hex string"
                               : "invalid character in hex string");
    h->pos += 2;
    h->tok = T_BYTE;
    h->value = (uint8_t)((v0 < 0 ? 0 : v0) << 4 | (v1 < 0 ? 0 : v1));
    h->mask = (uint8_t)((v0 < 0 ? 0 : 0xf0) | (v1 < 0 ? 0 : 0x0f));
    return true;
}

/* Inside a jump: blanks only (comments are invalid characters there). */
static void skip_jump_blanks(struct hx *h)
{
    while (h->pos < h->len && is_blank(h->s[h->pos]))
        h->pos++;
}

enum jtok { J_NUM, J_DASH, J_CLOSE, J_BAD };

static enum jtok lex_jump_tok(struct hx *h, uint64_t *num)
{
    uint8_t c;

    skip_jump_blanks(h);
    if (h->pos >= h->len)
        return J_BAD;
    c = h->s[h->pos];
    if (c == '-' || c == ']') {
        h->pos++;
        return c == '-' ? J_DASH : J_CLOSE;
    }
    if (c < '0' || c > '9')
        return J_BAD;
    *num = 0;
    while (h->pos < h->len && h->s[h->pos] >= '0' && h->s[h->pos] <= '9') {
        if (*num <= UINT32_MAX)
            *num = *num * 10 + (uint64_t)(h->s[h->pos] - '0');
        h->pos++;
    }
    return J_NUM;
}

/* jump -> '[' N ']' | '[' N '-' N? ']' | '[' '-' ']', after the '[' */
static bool lex_jump(struct hx *h)
{
    uint64_t n1 = 0, n2 = 0;
    enum jtok t = lex_jump_tok(h, &n1);

    h->tok = T_JUMP;
    h->jsingle = false;
    if (t == J_DASH) {
        t = lex_jump_tok(h, &n2);
        h->jmin = 0;
        h->jmax = UINT64_MAX;
    } else if (t == J_NUM) {
        t = lex_jump_tok(h, &n2);
        h->jmin = n1;
        if (t == J_CLOSE) {
            h->jsingle = true;
            h->jmax = n1;
            return true;
        }
        if (t != J_DASH)
            goto bad;
        t = lex_jump_tok(h, &n2);
        h->jmax = UINT64_MAX;
        if (t == J_NUM) {
            h->jmax = n2;
            t = lex_jump_tok(h, &n2);
        }
    } else {
        goto bad;
    }
    if (t == J_CLOSE)
        return true;
bad:
    return fail(h, t == J_BAD ? "invalid character in hex string jump"
                              : "syntax error");
}

static bool next(struct hx *h)
{
    uint8_t c;

    if (!skip_blanks(h))
        return false;
    if (h->pos >= h->len) {
        h->tok = T_END;
        return true;
    }
    c = h->s[h->pos];
    if (hex_value(c) >= 0 || c == '?')
        return lex_byte(h);
    h->pos++;
    switch (c) {
    case '~': h->tok = T_NOT; return true;
    case '(': h->tok = T_LPAREN; return true;
    case ')': h->tok = T_RPAREN; return true;
    case '|': h->tok = T_PIPE; return true;
    case '[': return lex_jump(h);
    default: return fail(h, "invalid character in hex string");
    }
}

static struct re_node *new_node(struct hx *h, enum re_kind kind)
{
    struct re_node *n = re_node_new(h->a, kind);

    if (n == NULL)
        fail(h, "out of memory");
    return n;
}

static bool kids_push(struct hx *h, struct kids *k, struct re_node *n)
{
    if (n == NULL)
        return false;
    if (k->n == k->cap) {
        uint32_t cap = k->cap ? k->cap * 2 : 8;
        struct re_node **v = mem_realloc_array(k->v, cap, sizeof(*v));
        if (v == NULL)
            return fail(h, "out of memory");
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = n;
    return true;
}

static struct re_node *kids_finish(struct hx *h, struct kids *k,
                                   enum re_kind kind)
{
    struct re_node *n = NULL;

    if (k->n == 1) {
        n = k->v[0];
    } else if ((n = new_node(h, kind)) != NULL) {
        n->kids = arena_alloc_array(h->a, k->n, sizeof(*n->kids));
        if (n->kids == NULL) {
            fail(h, "out of memory");
            n = NULL;
        } else {
            memcpy(n->kids, k->v, k->n * sizeof(*n->kids));
            n->n_kids = k->n;
        }
    }
    mem_free(k->v);
    k->v = NULL;
    return n;
}

/* The node of one byte, value under mask, negated after a '~'. */
static struct re_node *byte_node(struct hx *h, uint8_t value, uint8_t mask,
                                 bool negate)
{
    struct re_node *n;

    if (mask == 0xff && !negate) {
        n = new_node(h, RE_LITERAL);
        if (n != NULL)
            n->byte = value;
        return n;
    }
    if (mask == 0 && !negate)
        return new_node(h, RE_ANY);
    if (mask == 0) {
        fail(h, "syntax error"); /* ~?? */
        return NULL;
    }
    n = new_node(h, RE_CLASS);
    if (n == NULL)
        return NULL;
    for (unsigned b = 0; b < 256; b++)
        if ((((uint8_t)b & mask) == value) != negate)
            re_class_add(n, (uint8_t)b);
    return n;
}

/* Adds the current T_BYTE token to the run. */
static bool run_push(struct hx *h, struct run *r)
{
    if (r->n == r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 64;
        uint8_t *v;
        if (cap > RE_MAX_JUMP / 2)
            return fail(h, "out of memory");
        v = mem_realloc_array(r->v, cap, 2);
        if (v == NULL)
            return fail(h, "out of memory");
        r->v = v;
        r->cap = cap;
    }
    r->v[2 * r->n] = h->value;
    r->v[2 * r->n + 1] = h->mask;
    r->n++;
    return true;
}

/* Ends the run into k: one byte's node, or a RUN. */
static bool run_flush(struct hx *h, struct run *r, struct kids *k)
{
    struct re_node *n;

    if (r->n == 0)
        return true;
    if (r->n == 1) {
        n = byte_node(h, r->v[0], r->v[1], false);
    } else if ((n = new_node(h, RE_RUN)) != NULL) {
        n->run = arena_alloc(h->a, 2 * (size_t)r->n);
        if (n->run == NULL)
            return fail(h, "out of memory");
        for (uint32_t i = 0; i < r->n; i++) {
            n->run[i] = r->v[2 * i];
            n->run[r->n + i] = r->v[2 * i + 1];
        }
        n->n_run = r->n;
    }
    r->n = 0;
    return kids_push(h, k, n);
}

/* The REPEAT of ANY for the current T_JUMP, with yara's checks. */
static struct re_node *jump_node(struct hx *h)
{
    struct re_node *n, *any;

    if (h->jsingle && (h->jmin == 0 || h->jmin > RE_MAX_JUMP)) {
        fail(h, "invalid jump length");
        return NULL;
    }
    if (h->jmin > RE_MAX_JUMP ||
        (h->jmax != UINT64_MAX && h->jmax > RE_MAX_JUMP)) {
        fail(h, "invalid negative jump length");
        return NULL;
    }
    if (h->jmin > h->jmax) {
        fail(h, "invalid jump range");
        return NULL;
    }
    if (h->depth > 0 && h->jmax == UINT64_MAX) {
        fail(h, "unbounded jumps not allowed inside alternation (|)");
        return NULL;
    }
    if (h->depth > 0 && h->jmax > RE_MAX_HEX_ALT_JUMP) {
        fail(h, "jumps over 200 not allowed inside alternation (|)");
        return NULL;
    }
    any = new_node(h, RE_ANY);
    /* yara treats [1] as ?? when it picks atoms, and [1-1] as a jump. */
    if (any == NULL || (h->jsingle && h->jmin == 1))
        return any;
    n = new_node(h, RE_REPEAT);
    if (n == NULL)
        return NULL;
    n->kids = arena_alloc_array(h->a, 1, sizeof(*n->kids));
    if (n->kids == NULL) {
        fail(h, "out of memory");
        return NULL;
    }
    n->kids[0] = any;
    n->n_kids = 1;
    n->min = (uint32_t)h->jmin;
    n->max = h->jmax == UINT64_MAX ? RE_INFINITE : (uint32_t)h->jmax;
    n->greedy = false;
    n->hex_jump = true;
    return n;
}

static struct re_node *parse_tokens(struct hx *h);

/* token -> byte | '~' byte | '(' tokens ('|' tokens)* ')'; reads past it */
static struct re_node *parse_token(struct hx *h)
{
    struct kids k = {NULL, 0, 0};
    struct re_node *n;
    bool negate = false;

    if (h->tok == T_NOT) {
        if (!next(h))
            return NULL;
        if (h->tok != T_BYTE) {
            fail(h, "syntax error");
            return NULL;
        }
        negate = true;
    }
    switch (h->tok) {
    case T_BYTE:
        n = byte_node(h, h->value, h->mask, negate);
        return n != NULL && next(h) ? n : NULL;
    case T_LPAREN:
        if (h->depth >= RE_MAX_DEPTH) {
            fail(h, "hex string is too deeply nested");
            return NULL;
        }
        h->depth++;
        do {
            if (!next(h) || !kids_push(h, &k, parse_tokens(h))) {
                mem_free(k.v);
                return NULL;
            }
        } while (h->tok == T_PIPE);
        h->depth--;
        if (h->tok != T_RPAREN) {
            mem_free(k.v);
            fail(h, "syntax error");
            return NULL;
        }
        n = kids_finish(h, &k, RE_ALT);
        return n != NULL && next(h) ? n : NULL;
    default:
        fail(h, "syntax error");
        return NULL;
    }
}

static bool tokens_end(const struct hx *h)
{
    return h->tok == T_END || h->tok == T_PIPE || h->tok == T_RPAREN;
}

/* tokens -> token (token | jump)*, ending in a token */
static struct re_node *parse_tokens(struct hx *h)
{
    struct kids k = {NULL, 0, 0};
    struct run r = {NULL, 0, 0};
    bool last_jump = false, ok = true;

    for (bool first = true; ok && (first || !tokens_end(h)); first = false) {
        struct re_node *n;
        if (h->tok == T_BYTE) {
            ok = run_push(h, &r) && next(h);
            last_jump = false;
            continue;
        }
        if (!(ok = run_flush(h, &r, &k)))
            break;
        if (h->tok == T_JUMP && !first) {
            n = jump_node(h);
            if (n != NULL && !next(h))
                n = NULL;
            last_jump = true;
        } else {
            n = parse_token(h);
            last_jump = false;
        }
        ok = kids_push(h, &k, n);
    }
    ok = ok && run_flush(h, &r, &k);
    mem_free(r.v);
    if (!ok) {
        mem_free(k.v);
        return NULL;
    }
    if (last_jump) {
        mem_free(k.v);
        fail(h, "syntax error");
        return NULL;
    }
    return kids_finish(h, &k, RE_CONCAT);
}

bool re_parse_hex(struct arena *a, const uint8_t *text, size_t len,
                  struct re_node **out, char *err, size_t err_len)
{
    struct hx h;
    struct re_node *n = NULL;

    memset(&h, 0, sizeof(h));
    h.a = a;
    h.s = text;
    h.len = len;
    h.err = err;
    h.err_len = err_len;
    if (err_len > 0)
        err[0] = '\0';
    if (next(&h))
        n = parse_tokens(&h);
    if (n != NULL && h.tok != T_END) {
        fail(&h, "syntax error");
        n = NULL;
    }
    if (n == NULL) {
        fail(&h, "syntax error");
        return false;
    }
    *out = n;
    return true;
}
