/*
 * re.c - YARA regular expressions into re_node trees.
 *
 * The dialect is yara 4.2.3's, learned by running yara on small rules (see
 * tests/unit/test_re.c): no (?...) groups, no backreferences, at most one
 * quantifier per item, anchors and \b \B cannot be quantified, a '{' that
 * does not start a well-formed interval is a literal, an unknown escape is
 * the escaped byte itself, and inside a class an escape such as \w that
 * starts or ends a range stands for its letter ([\w-z] is w..z). Empty
 * alternatives are allowed after the first one ("a|", "a||b") but an empty
 * group or first alternative is a syntax error.
 *
 * Recursion is bounded by RE_MAX_DEPTH; repeat counts by RE_MAX_REPEAT.
 */
#include "rules/re.h"

#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "rules/ast.h"

struct rx {
    struct arena *a;
    const uint8_t *s;
    size_t len, pos;
    unsigned flags;
    unsigned depth;
    char *err;
    size_t err_len;
    bool failed;
    bool group;      /* the last atom was a parenthesized group */
};

/* A growable list of kids on the heap, copied into the arena when done. */
struct kids {
    struct re_node **v;
    uint32_t n, cap;
};

unsigned re_class_count(const struct re_node *n)
{
    unsigned c = 0;

    for (int i = 0; i < RE_CLASS_WORDS; i++)
        c += (unsigned)__builtin_popcount(n->cls[i]);
    return c;
}

struct re_node *re_node_new(struct arena *a, enum re_kind kind)
{
    struct re_node *n = arena_alloc(a, sizeof(*n));

    if (n == NULL)
        return NULL;
    n->kind = kind;
    if (kind == RE_CLASS &&
        (n->cls = arena_alloc_array(a, RE_CLASS_WORDS, sizeof(*n->cls))) ==
            NULL)
        return NULL;
    return n;
}

static bool fail(struct rx *p, const char *msg)
{
    if (!p->failed) {
        p->failed = true;
        snprintf(p->err, p->err_len, "%s", msg);
    }
    return false;
}

static bool kids_push(struct rx *p, struct kids *k, struct re_node *n)
{
    if (n == NULL)
        return false;
    if (k->n == k->cap) {
        uint32_t cap = k->cap ? k->cap * 2 : 8;
        struct re_node **v = mem_realloc_array(k->v, cap, sizeof(*v));
        if (v == NULL)
            return fail(p, "out of memory");
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = n;
    return true;
}

/* Makes a CONCAT or ALT of the kids (or the only kid itself). */
static struct re_node *kids_finish(struct rx *p, struct kids *k,
                                   enum re_kind kind)
{
    struct re_node *n;

    if (k->n == 1) {
        n = k->v[0];
    } else {
        n = re_node_new(p->a, kind);
        if (n != NULL)
            n->kids = arena_alloc_array(p->a, k->n, sizeof(*n->kids));
        if (n == NULL || n->kids == NULL) {
            fail(p, "out of memory");
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

static struct re_node *new_node(struct rx *p, enum re_kind kind)
{
    struct re_node *n = re_node_new(p->a, kind);

    if (n == NULL)
        fail(p, "out of memory");
    return n;
}

static struct re_node *new_literal(struct rx *p, uint8_t b)
{
    struct re_node *n = new_node(p, RE_LITERAL);

    if (n != NULL)
        n->byte = b;
    return n;
}

static bool is_word(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static bool is_space(uint8_t c)
{
    return (c >= '\t' && c <= '\r') || c == ' ';
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
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

/* Adds the bytes of the class escape letter (w W s S d D) to n. */
static void add_class_escape(struct re_node *n, uint8_t letter)
{
    bool neg = letter == 'W' || letter == 'S' || letter == 'D';
    uint8_t lower = (uint8_t)(letter | 0x20);

    for (unsigned c = 0; c < 256; c++) {
        bool in = lower == 'w'   ? is_word((uint8_t)c)
                  : lower == 's' ? is_space((uint8_t)c)
                                 : is_digit((uint8_t)c);
        if (in != neg)
            re_class_add(n, (uint8_t)c);
    }
}

static bool is_class_escape(uint8_t c)
{
    return c != 0 && strchr("wWsSdD", c) != NULL;
}

/* The byte of a simple escape letter: \n \t \r \f \a, else the letter. */
static uint8_t escape_byte(uint8_t c)
{
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'a': return '\a';
    default: return c;
    }
}

/* After a backslash and an 'x': exactly two hex digits. */
static bool parse_hex_escape(struct rx *p, uint8_t *out)
{
    int hi, lo;

    if (p->pos + 2 > p->len)
        return fail(p, "illegal escape sequence");
    hi = hex_value(p->s[p->pos]);
    lo = hex_value(p->s[p->pos + 1]);
    if (hi < 0 || lo < 0)
        return fail(p, "illegal escape sequence");
    *out = (uint8_t)(hi << 4 | lo);
    p->pos += 2;
    return true;
}

/* One member of a class: a byte, or a class escape (set_letter != 0). */
struct class_char {
    uint8_t byte;
    uint8_t set_letter;
};

static bool parse_class_char(struct rx *p, struct class_char *cc)
{
    uint8_t c;

    if (p->pos >= p->len)
        return fail(p, "missing terminating ] for character class");
    c = p->s[p->pos++];
    cc->set_letter = 0;
    cc->byte = c;
    if (c != '\\')
        return true;
    if (p->pos >= p->len)
        return fail(p, "missing terminating ] for character class");
    c = p->s[p->pos++];
    if (c == 'x')
        return parse_hex_escape(p, &cc->byte);
    cc->byte = escape_byte(c);
    if (is_class_escape(c))
        cc->set_letter = c;
    return true;
}

/* class -> '[' '^'? ']'? (char | char '-' char)* ']' */
static struct re_node *parse_class(struct rx *p)
{
    struct re_node *n = new_node(p, RE_CLASS);
    bool neg = false, first = true;

    if (n == NULL)
        return NULL;
    if (p->pos < p->len && p->s[p->pos] == '^') {
        neg = true;
        p->pos++;
    }
    for (;;) {
        struct class_char lo, hi;

        if (p->pos >= p->len) {
            fail(p, "missing terminating ] for character class");
            return NULL;
        }
        if (p->s[p->pos] == ']' && !first) {
            p->pos++;
            break;
        }
        first = false;
        if (!parse_class_char(p, &lo))
            return NULL;
        if (p->pos + 1 < p->len && p->s[p->pos] == '-' &&
            p->s[p->pos + 1] != ']') {
            p->pos++;
            if (!parse_class_char(p, &hi))
                return NULL;
            if (lo.byte > hi.byte) {
                fail(p, "bad character range");
                return NULL;
            }
            for (unsigned c = lo.byte; c <= hi.byte; c++)
                re_class_add(n, (uint8_t)c);
        } else if (lo.set_letter != 0) {
            add_class_escape(n, lo.set_letter);
        } else {
            re_class_add(n, lo.byte);
        }
    }
    if (neg)
        for (int i = 0; i < RE_CLASS_WORDS; i++)
            n->cls[i] = ~n->cls[i];
    n->negated = neg;
    return n;
}

/* escape -> '\' (x HH | [nrtfa] | [wWsSdD] | [bB] | digit | other) */
static struct re_node *parse_escape(struct rx *p)
{
    uint8_t c, b;
    struct re_node *n;

    if (p->pos >= p->len) {
        fail(p, "illegal escape sequence");
        return NULL;
    }
    c = p->s[p->pos++];
    if (c == 'x')
        return parse_hex_escape(p, &b) ? new_literal(p, b) : NULL;
    if (is_digit(c)) {
        fail(p, "backreferences are not allowed");
        return NULL;
    }
    if (c == 'b' || c == 'B')
        return new_node(p, c == 'b' ? RE_WORD_BOUNDARY
                                    : RE_NOT_WORD_BOUNDARY);
    if (is_class_escape(c)) {
        n = new_node(p, RE_CLASS);
        if (n != NULL)
            add_class_escape(n, c);
        return n;
    }
    return new_literal(p, escape_byte(c));
}

/* Reads a decimal number, saturating far above any limit. */
static uint32_t read_number(struct rx *p)
{
    uint32_t v = 0;

    while (p->pos < p->len && is_digit(p->s[p->pos])) {
        if (v < 100000000u)
            v = v * 10 + (uint32_t)(p->s[p->pos] - '0');
        p->pos++;
    }
    return v;
}

/*
 * When the text at pos is an interval ({n} {n,} {,m} {n,m} {,}), returns
 * its length; 0 otherwise (the '{' is then a literal).
 */
static size_t interval_len(const struct rx *p)
{
    size_t i = p->pos + 1;
    bool digits = false, comma = false;

    while (i < p->len && is_digit(p->s[i])) {
        digits = true;
        i++;
    }
    if (i < p->len && p->s[i] == ',') {
        comma = true;
        i++;
        while (i < p->len && is_digit(p->s[i]))
            i++;
    }
    if (i >= p->len || p->s[i] != '}' || (!digits && !comma))
        return 0;
    return i + 1 - p->pos;
}

static bool at_quantifier(const struct rx *p)
{
    uint8_t c;

    if (p->pos >= p->len)
        return false;
    c = p->s[p->pos];
    return c == '*' || c == '+' || c == '?' ||
           (c == '{' && interval_len(p) > 0);
}

/* Parses an interval at pos into min/max with yara's checks. */
static bool parse_interval(struct rx *p, uint32_t *min, uint32_t *max)
{
    bool has_min, has_max, comma;

    p->pos++; /* '{' */
    has_min = is_digit(p->s[p->pos]);
    *min = read_number(p);
    comma = p->s[p->pos] == ',';
    if (comma)
        p->pos++;
    has_max = is_digit(p->s[p->pos]);
    *max = read_number(p);
    p->pos++; /* '}' */
    if (!comma) {
        *max = *min;
        if (*min == 0)
            return fail(p, "bad repeat interval");
        if (*min > RE_MAX_REPEAT)
            return fail(p, "repeat interval too large");
        return true;
    }
    if (!has_min)
        *min = 0;
    if (!has_max) {
        *max = RE_INFINITE;
        if (*min > RE_MAX_REPEAT)
            return fail(p, "bad repeat interval");
        return true;
    }
    if (*min > *max || *max == 0)
        return fail(p, "bad repeat interval");
    if (*max > RE_MAX_REPEAT)
        return fail(p, "repeat interval too large");
    return true;
}

static struct re_node *parse_alternation(struct rx *p);

/* atom -> '(' alternation ')' | class | '.' | '^' | '$' | escape | byte */
static struct re_node *parse_atom(struct rx *p)
{
    uint8_t c = p->s[p->pos];
    struct re_node *n;

    p->group = false;
    switch (c) {
    case '(':
        if (p->depth >= RE_MAX_DEPTH) {
            fail(p, "regular expression is too deeply nested");
            return NULL;
        }
        p->pos++;
        p->depth++;
        n = parse_alternation(p);
        p->depth--;
        if (n == NULL)
            return NULL;
        if (p->pos >= p->len || p->s[p->pos] != ')') {
            fail(p, "syntax error");
            return NULL;
        }
        p->pos++;
        p->group = true;
        return n;
    case '[':
        p->pos++;
        return parse_class(p);
    case '.':
        p->pos++;
        if (p->flags & RE_FLAG_DOTALL) {
            n = new_node(p, RE_ANY);
        } else {
            n = new_node(p, RE_CLASS);
            if (n != NULL) {
                memset(n->cls, 0xff, RE_CLASS_WORDS * sizeof(*n->cls));
                n->cls['\n' >> 5] &= ~(1u << ('\n' & 31));
            }
        }
        if (n != NULL)
            n->dot = true;
        return n;
    case '^':
    case '$':
        p->pos++;
        return new_node(p, c == '^' ? RE_BOL : RE_EOL);
    case '\\':
        p->pos++;
        return parse_escape(p);
    case '*':
    case '+':
    case '?':
    case ')':
    case '|':
        fail(p, "syntax error");
        return NULL;
    default:
        if (at_quantifier(p)) {
            fail(p, "syntax error");
            return NULL;
        }
        p->pos++;
        return new_literal(p, c);
    }
}

static bool is_assertion(const struct re_node *n)
{
    return n->kind == RE_BOL || n->kind == RE_EOL ||
           n->kind == RE_WORD_BOUNDARY || n->kind == RE_NOT_WORD_BOUNDARY;
}

/* item -> atom (('*' | '+' | '?' | interval) '?'?)? */
static struct re_node *parse_item(struct rx *p)
{
    struct re_node *atom = parse_atom(p), *r;
    uint32_t min = 0, max = RE_INFINITE;
    uint8_t c;

    if (atom == NULL || !at_quantifier(p))
        return atom;
    /* A bare anchor or \b cannot be repeated; a group holding one can. */
    if (is_assertion(atom) && !p->group) {
        fail(p, "syntax error");
        return NULL;
    }
    c = p->s[p->pos];
    if (c == '{') {
        if (!parse_interval(p, &min, &max))
            return NULL;
    } else {
        p->pos++;
        min = c == '+' ? 1 : 0;
        max = c == '?' ? 1 : RE_INFINITE;
    }
    r = new_node(p, RE_REPEAT);
    if (r == NULL)
        return NULL;
    r->min = min;
    r->max = max;
    r->greedy = true;
    if (p->pos < p->len && p->s[p->pos] == '?') {
        r->greedy = false;
        p->pos++;
    }
    if (at_quantifier(p)) {
        fail(p, "syntax error");
        return NULL;
    }
    r->kids = arena_alloc_array(p->a, 1, sizeof(*r->kids));
    if (r->kids == NULL) {
        fail(p, "out of memory");
        return NULL;
    }
    r->kids[0] = atom;
    r->n_kids = 1;
    return r;
}

static bool at_branch_end(const struct rx *p)
{
    return p->pos >= p->len || p->s[p->pos] == '|' || p->s[p->pos] == ')';
}

/* concat -> item+ */
static struct re_node *parse_concat(struct rx *p)
{
    struct kids k = {NULL, 0, 0};

    if (at_branch_end(p)) {
        fail(p, "syntax error");
        return NULL;
    }
    while (!at_branch_end(p)) {
        if (!kids_push(p, &k, parse_item(p))) {
            mem_free(k.v);
            return NULL;
        }
    }
    return kids_finish(p, &k, RE_CONCAT);
}

/* alternation -> concat ('|' concat?)* */
static struct re_node *parse_alternation(struct rx *p)
{
    struct kids k = {NULL, 0, 0};

    if (!kids_push(p, &k, parse_concat(p))) {
        mem_free(k.v);
        return NULL;
    }
    while (p->pos < p->len && p->s[p->pos] == '|') {
        struct re_node *n;
        p->pos++;
        if (at_branch_end(p))
            n = new_node(p, RE_EMPTY);
        else
            n = parse_concat(p);
        if (!kids_push(p, &k, n)) {
            mem_free(k.v);
            return NULL;
        }
    }
    return kids_finish(p, &k, RE_ALT);
}

bool re_parse_regex(struct arena *a, const uint8_t *text, size_t len,
                    unsigned flags, struct re_node **out, char *err,
                    size_t err_len)
{
    struct rx p = {a, text, len, 0, flags, 0, err, err_len, false, false};
    struct re_node *n;

    if (err_len > 0)
        err[0] = '\0';
    n = parse_alternation(&p);
    if (n != NULL && p.pos < p.len) {
        fail(&p, "syntax error");
        n = NULL;
    }
    if (n == NULL) {
        fail(&p, "syntax error");
        return false;
    }
    *out = n;
    return true;
}
