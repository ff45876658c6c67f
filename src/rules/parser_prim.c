/*
 * parser_prim.c - primary expressions: yara's arithmetic level, whose
 * values may be operands of arithmetic and comparisons. Precedence
 * climbing over this table, lowest first (all left-associative):
 *
 *   |    ^    &    << >>    + -    * \ %    then unary - and ~
 *
 * Types are checked as each node is built, with yara's messages; integer
 * constants are followed on the side (struct parser_value) only to report
 * what yara reports at compile time: division by zero, overflow of + - *,
 * and a percentage out of range. The tree itself is not folded.
 */
#include "rules/parser_int.h"

#include <string.h>

#include "rules/re.h"

enum { PREC_OR = 1, PREC_XOR, PREC_AND, PREC_SHIFT, PREC_ADD, PREC_MUL };

/* ---- Types --------------------------------------------------------------- */

/* A loop variable read inside its own iterator has no type yet; yara
 * rejects it wherever a type is checked. It is marked with ival 1. */
static bool is_undefined(const struct ast_expr *e)
{
    return e->op == AST_LOOP_VAR && e->ival == 1;
}

/* The type names of yara's messages; yara prints an empty message for a
 * regexp or an undefined operand, candor names them. */
const char *parser_type_name(const struct ast_expr *e)
{
    if (is_undefined(e))
        return "undefined";
    switch (e->type) {
    case TYPE_BOOL: return "boolean";
    case TYPE_INT: return "integer";
    case TYPE_FLOAT: return "float";
    case TYPE_STRING: return "string";
    case TYPE_REGEXP: return "regexp";
    default: return "unknown";
    }
}

bool parser_has_type(const struct ast_expr *e, enum ast_type t)
{
    return !is_undefined(e) && e->type == t;
}

bool parser_is_int(const struct ast_expr *e)
{
    return parser_has_type(e, TYPE_INT);
}

static bool is_number(const struct ast_expr *e)
{
    return parser_has_type(e, TYPE_INT) || parser_has_type(e, TYPE_FLOAT);
}

/* The type of an arithmetic result: float when either side is. */
static enum ast_type arith_type(const struct ast_expr *a,
                                const struct ast_expr *b)
{
    return a->type == TYPE_FLOAT || b->type == TYPE_FLOAT ? TYPE_FLOAT
                                                          : TYPE_INT;
}

enum candor_status parser_check_compare(struct parser *p, enum ast_op op,
                                        struct ast_expr *a,
                                        struct ast_expr *b)
{
    if (op >= AST_CONTAINS) {
        const char *name = ast_op_name(op);
        if (!parser_has_type(a, TYPE_STRING))
            return parser_error(p, "wrong type \"%s\" for %s operator",
                                parser_type_name(a), name);
        if (!parser_has_type(b, TYPE_STRING))
            return parser_error(p, "wrong type \"%s\" for %s operator",
                                parser_type_name(b), name);
        return CANDOR_OK;
    }
    if ((is_number(a) && is_number(b)) ||
        (parser_has_type(a, TYPE_STRING) && parser_has_type(b, TYPE_STRING)))
        return CANDOR_OK;
    return parser_error(p, "type mismatch");
}

/* ---- Operators ------------------------------------------------------------ */

struct binop {
    enum token_kind tok;
    enum ast_op op;
    int prec;
    const char *name; /* in messages (yara 4.2.3 calls & "^") */
};

static const struct binop binops[] = {
    {TOK_PIPE, AST_BITOR, PREC_OR, "|"},
    {TOK_CARET, AST_BITXOR, PREC_XOR, "^"},
    {TOK_AMP, AST_BITAND, PREC_AND, "&"},
    {TOK_SHL, AST_SHL, PREC_SHIFT, "<<"},
    {TOK_SHR, AST_SHR, PREC_SHIFT, ">>"},
    {TOK_PLUS, AST_ADD, PREC_ADD, "+"},
    {TOK_MINUS, AST_SUB, PREC_ADD, "-"},
    {TOK_STAR, AST_MUL, PREC_MUL, "*"},
    {TOK_BACKSLASH, AST_DIV, PREC_MUL, "\\"},
    {TOK_PERCENT, AST_MOD, PREC_MUL, "%"},
};

static const struct binop *binop_of(enum token_kind k)
{
    for (size_t i = 0; i < sizeof(binops) / sizeof(*binops); i++) {
        if (binops[i].tok == k)
            return &binops[i];
    }
    return NULL;
}

/* yara's folding of + - *: an overflow is an error. */
static enum candor_status fold_arith(struct parser *p, const struct binop *o,
                                     struct parser_value *a,
                                     const struct parser_value *b)
{
    int64_t r;
    bool ov;

    if (o->op == AST_ADD)
        ov = __builtin_add_overflow(a->cval, b->cval, &r);
    else if (o->op == AST_SUB)
        ov = __builtin_sub_overflow(a->cval, b->cval, &r);
    else
        ov = __builtin_mul_overflow(a->cval, b->cval, &r);
    if (ov)
        return parser_error(p, "integer overflow in \"%lld %s %lld\"",
                            (long long)a->cval, o->name, (long long)b->cval);
    a->cval = r;
    return CANDOR_OK;
}

/* Folds a constant integer operation the way yara 4.2.3 does, including
 * its `>>`, which it folds as `<<` (copied so that the same rules compile:
 * `1 \ (1 >> 1)` is no error in yara). */
static enum candor_status fold(struct parser *p, const struct binop *o,
                               struct parser_value *a,
                               const struct parser_value *b)
{
    uint64_t x = (uint64_t)a->cval;

    a->is_const = a->is_const && b->is_const;
    if (!a->is_const)
        return CANDOR_OK;
    switch (o->op) {
    case AST_ADD: case AST_SUB: case AST_MUL:
        return fold_arith(p, o, a, b);
    case AST_DIV: case AST_MOD:
        if (a->cval == INT64_MIN && b->cval == -1)
            a->is_const = false;
        else
            a->cval = o->op == AST_DIV ? a->cval / b->cval
                                       : a->cval % b->cval;
        break;
    case AST_SHL: case AST_SHR:
        /* binary() refused a negative count. */
        a->cval = b->cval >= 64 ? 0 : (int64_t)(x << b->cval);
        break;
    case AST_BITAND: a->cval &= b->cval; break;
    case AST_BITOR: a->cval |= b->cval; break;
    default: a->cval ^= b->cval; break;
    }
    return CANDOR_OK;
}

/* The checks of a binary operator, in yara's order. */
static enum candor_status check_binop(struct parser *p, const struct binop *o,
                                      const struct parser_value *a,
                                      const struct parser_value *b)
{
    if (o->prec == PREC_ADD || o->op == AST_MUL || o->op == AST_DIV) {
        if (is_number(a->e) && is_number(b->e))
            return CANDOR_OK;
        if (parser_has_type(a->e, TYPE_STRING) && parser_has_type(b->e, TYPE_STRING))
            return parser_error(p, "strings don't support \"%s\" operation",
                                o->name);
        return parser_error(p, "type mismatch");
    }
    if (!parser_is_int(a->e))
        return parser_error(p, "wrong type \"%s\" for %s operator",
                            parser_type_name(a->e), o->name);
    if (!parser_is_int(b->e))
        return parser_error(p, "wrong type \"%s\" for %s operator",
                            parser_type_name(b->e), o->name);
    return CANDOR_OK;
}

/* a = a op b, checked and folded. */
static enum candor_status binary(struct parser *p, const struct binop *o,
                                 struct parser_value *a,
                                 const struct parser_value *b)
{
    struct ast_expr *e;
    enum candor_status rc = check_binop(p, o, a, b);
    bool ints = a->e->type == TYPE_INT && b->e->type == TYPE_INT;

    if (rc != CANDOR_OK)
        return rc;
    if ((o->op == AST_DIV || o->op == AST_MOD) && ints && b->is_const &&
        b->cval == 0)
        return parser_error(p, "division by zero");
    /* yara refuses a negative constant count whatever the left operand,
     * with an empty message (docs/compat.md). */
    if ((o->op == AST_SHL || o->op == AST_SHR) && ints && b->is_const &&
        b->cval < 0)
        return parser_error(p, "negative shift count");
    e = parser_node(p, o->op, arith_type(a->e, b->e));
    if (e == NULL)
        return CANDOR_ERROR_NOMEM;
    e->a = a->e;
    e->b = b->e;
    a->e = e;
    a->primary = true;
    if (!ints)
        a->is_const = false;
    return fold(p, o, a, b);
}

/* ---- Precedence climbing ------------------------------------------------ */

static enum candor_status unary(struct parser *p, struct parser_value *out);
static enum candor_status climb(struct parser *p, int min_prec, bool outer,
                                struct parser_value *v);

/* The right operand of an operator of precedence prec. Nothing binds
 * tighter than * \ %, so after one of those no lookahead is read: yara
 * reports a division by zero at the divisor's line. */
static enum candor_status operand(struct parser *p, int prec,
                                  struct parser_value *out)
{
    enum candor_status rc = unary(p, out);

    if (rc != CANDOR_OK || prec == PREC_MUL)
        return rc;
    return climb(p, prec + 1, false, out);
}

/* Continues v with operators of at least min_prec. In the outermost
 * primary of a boolean context, `% of` ends the expression: v is then the
 * percentage of `v% of set`, v->percent is set and `%` is consumed. */
static enum candor_status climb(struct parser *p, int min_prec, bool outer,
                                struct parser_value *v)
{
    const struct binop *o;
    struct parser_value rhs;
    enum candor_status rc;

    while ((o = binop_of(parser_peek(p)->kind)) != NULL && o->prec >= min_prec) {
        parser_consume(p);
        if (outer && o->op == AST_MOD && parser_is(p, TOK_OF)) {
            v->percent = true;
            return CANDOR_OK;
        }
        memset(&rhs, 0, sizeof(rhs));
        if ((rc = operand(p, o->prec, &rhs)) != CANDOR_OK ||
            (rc = binary(p, o, v, &rhs)) != CANDOR_OK)
            return rc;
    }
    return CANDOR_OK;
}

enum candor_status parser_arith_rest(struct parser *p, bool outer,
                                     struct parser_value *v)
{
    return climb(p, PREC_OR, outer, v);
}

enum candor_status parser_primary(struct parser *p, bool outer,
                                  struct parser_value *out)
{
    enum candor_status rc;

    memset(out, 0, sizeof(*out));
    if ((rc = unary(p, out)) != CANDOR_OK)
        return rc;
    return climb(p, PREC_OR, outer, out);
}

/* ---- Unary operators and atoms ------------------------------------------- */

static enum candor_status atom(struct parser *p, struct parser_value *out);

/* unary -> ('-' | '~') unary | atom */
static enum candor_status unary(struct parser *p, struct parser_value *out)
{
    enum token_kind k = parser_peek(p)->kind;
    struct ast_expr *e;
    enum candor_status rc;

    if (k != TOK_MINUS && k != TOK_TILDE)
        return atom(p, out);
    if (++p->depth > PARSER_MAX_DEPTH)
        return parser_error(p, "memory exhausted");
    parser_consume(p);
    rc = unary(p, out);
    p->depth--;
    if (rc != CANDOR_OK)
        return rc;
    if (k == TOK_MINUS ? !is_number(out->e) : !parser_is_int(out->e))
        return parser_error(p, "wrong type \"%s\" for %s operator",
                            parser_type_name(out->e),
                            k == TOK_MINUS ? "-" : "~");
    e = parser_node(p, k == TOK_MINUS ? AST_NEG : AST_BITNOT, out->e->type);
    if (e == NULL)
        return CANDOR_ERROR_NOMEM;
    e->a = out->e;
    out->e = e;
    out->cval = k == TOK_MINUS ? (int64_t)(0 - (uint64_t)out->cval)
                               : ~out->cval;
    return CANDOR_OK;
}

/* A leaf node; the token it came from has been consumed. */
static enum candor_status leaf(struct parser *p, enum ast_op op,
                               enum ast_type type, struct parser_value *out)
{
    out->e = parser_node(p, op, type);
    out->primary = true;
    return out->e != NULL ? CANDOR_OK : CANDOR_ERROR_NOMEM;
}

/* A regex literal: a condition value of type regexp, or the right side of
 * `matches`. An invalid one gets the regex parser's message as it is. */
enum candor_status parser_regexp(struct parser *p, struct ast_expr **out)
{
    const struct token *t = parser_peek(p);
    struct ast_expr *e = parser_node(p, AST_REGEXP, TYPE_REGEXP);
    char err[256];

    if (e == NULL || (e->str = parser_strdup(p, t->text, t->len)) == NULL)
        return CANDOR_ERROR_NOMEM;
    e->str_len = t->len;
    e->ival = t->re_flags;
    parser_consume(p);
    err[0] = '\0';
    if (!re_parse_regex(&p->prog->arena, (const uint8_t *)e->str, e->str_len,
                        (unsigned)e->ival, &e->re, err, sizeof(err)))
        return parser_error(p, "%s", err);
    *out = e;
    return CANDOR_OK;
}

/* read -> ('int8' | ... | 'uint32be') '(' primary ')' */
static enum candor_status read_int(struct parser *p, struct parser_value *out)
{
    static const struct {
        enum token_kind tok;
        unsigned bits;
    } fns[] = {
        {TOK_INT8, 1 | READ_SIGNED},
        {TOK_INT16, 2 | READ_SIGNED},
        {TOK_INT32, 4 | READ_SIGNED},
        {TOK_INT8BE, 1 | READ_SIGNED | READ_BIG_ENDIAN},
        {TOK_INT16BE, 2 | READ_SIGNED | READ_BIG_ENDIAN},
        {TOK_INT32BE, 4 | READ_SIGNED | READ_BIG_ENDIAN},
        {TOK_UINT8, 1},
        {TOK_UINT16, 2},
        {TOK_UINT32, 4},
        {TOK_UINT8BE, 1 | READ_BIG_ENDIAN},
        {TOK_UINT16BE, 2 | READ_BIG_ENDIAN},
        {TOK_UINT32BE, 4 | READ_BIG_ENDIAN},
    };
    enum token_kind k = parser_peek(p)->kind;
    struct parser_value arg;
    enum candor_status rc;
    unsigned bits = 0;

    for (size_t i = 0; i < sizeof(fns) / sizeof(*fns); i++)
        bits = fns[i].tok == k ? fns[i].bits : bits;
    parser_consume(p);
    if ((rc = parser_expect(p, TOK_LPAREN)) != CANDOR_OK ||
        (rc = parser_primary(p, false, &arg)) != CANDOR_OK ||
        (rc = parser_expect(p, TOK_RPAREN)) != CANDOR_OK)
        return rc;
    if (!parser_is_int(arg.e))
        return parser_error(p,
                            "wrong type \"%s\" for intXXXX or uintXXXX operator",
                            parser_type_name(arg.e));
    if ((rc = leaf(p, AST_READ_INT, TYPE_INT, out)) != CANDOR_OK)
        return rc;
    out->e->ival = bits;
    out->e->a = arg.e;
    return CANDOR_OK;
}

/* '(' primary ')' where only a primary expression may appear */
static enum candor_status paren(struct parser *p, struct parser_value *out)
{
    enum candor_status rc;

    if (++p->depth > PARSER_MAX_DEPTH)
        return parser_error(p, "memory exhausted");
    parser_consume(p);
    rc = parser_primary(p, false, out);
    p->depth--;
    if (rc == CANDOR_OK)
        rc = parser_expect(p, TOK_RPAREN);
    out->percent = false;
    return rc;
}

static enum candor_status literal(struct parser *p, struct parser_value *out)
{
    const struct token *t = parser_peek(p);
    enum candor_status rc;

    switch (t->kind) {
    case TOK_INT:
        out->is_const = true;
        out->cval = t->ival;
        parser_consume(p);
        rc = leaf(p, AST_INT, TYPE_INT, out);
        if (rc == CANDOR_OK)
            out->e->ival = out->cval;
        return rc;
    case TOK_FLOAT:
        out->e = parser_node(p, AST_FLOAT, TYPE_FLOAT);
        if (out->e == NULL)
            return CANDOR_ERROR_NOMEM;
        out->e->fval = t->fval;
        out->primary = true;
        parser_consume(p);
        return CANDOR_OK;
    default:
        out->e = parser_node(p, AST_STRING, TYPE_STRING);
        if (out->e == NULL)
            return CANDOR_ERROR_NOMEM;
        out->e->str = t->str;
        out->e->str_len = t->str_len;
        out->primary = true;
        parser_consume(p);
        return CANDOR_OK;
    }
}

/* atom -> '(' primary ')' | INT | FLOAT | TEXT | REGEX | 'filesize'
 *       | 'entrypoint' | read | string_op | identifier */
static enum candor_status atom(struct parser *p, struct parser_value *out)
{
    enum token_kind k = parser_peek(p)->kind;
    enum candor_status rc;

    switch (k) {
    case TOK_LPAREN:
        return paren(p, out);
    case TOK_INT: case TOK_FLOAT: case TOK_TEXT:
        return literal(p, out);
    case TOK_REGEX:
        out->primary = true;
        return parser_regexp(p, &out->e);
    case TOK_FILESIZE:
        parser_consume(p);
        return leaf(p, AST_FILESIZE, TYPE_INT, out);
    case TOK_ENTRYPOINT:
        parser_consume(p);
        if ((rc = leaf(p, AST_ENTRYPOINT, TYPE_INT, out)) == CANDOR_OK)
            parser_warning(p, "Using deprecated \"entrypoint\" keyword. Use "
                              "the \"entry_point\" function from PE module "
                              "instead.");
        return rc;
    case TOK_INT8: case TOK_INT16: case TOK_INT32: case TOK_INT8BE:
    case TOK_INT16BE: case TOK_INT32BE: case TOK_UINT8: case TOK_UINT16:
    case TOK_UINT32: case TOK_UINT8BE: case TOK_UINT16BE: case TOK_UINT32BE:
        return read_int(p, out);
    case TOK_STRING_COUNT: case TOK_STRING_OFFSET: case TOK_STRING_LENGTH:
        return parser_string_op(p, out);
    case TOK_IDENT:
        return parser_identifier(p, false, out);
    default:
        return parser_syntax_error(p);
    }
}

/* range -> '(' primary '..' primary ')' */
enum candor_status parser_range(struct parser *p, struct ast_expr **out)
{
    struct parser_value lo;
    enum candor_status rc;

    if ((rc = parser_expect(p, TOK_LPAREN)) != CANDOR_OK ||
        (rc = parser_primary(p, false, &lo)) != CANDOR_OK)
        return rc;
    return parser_range_rest(p, &lo, out);
}

/* The rest of a range whose lower bound lo has been read. */
enum candor_status parser_range_rest(struct parser *p,
                                     const struct parser_value *lo,
                                     struct ast_expr **out)
{
    struct parser_value hi;
    struct ast_expr *e;
    enum candor_status rc;

    if ((rc = parser_expect(p, TOK_DOTDOT)) != CANDOR_OK ||
        (rc = parser_primary(p, false, &hi)) != CANDOR_OK ||
        (rc = parser_expect(p, TOK_RPAREN)) != CANDOR_OK)
        return rc;
    if (!parser_is_int(lo->e))
        return parser_error(p, "wrong type for range's lower bound");
    if (!parser_is_int(hi.e))
        return parser_error(p, "wrong type for range's upper bound");
    if ((e = parser_node(p, AST_RANGE, TYPE_INT)) == NULL)
        return CANDOR_ERROR_NOMEM;
    e->a = lo->e;
    e->b = hi.e;
    *out = e;
    return CANDOR_OK;
}
