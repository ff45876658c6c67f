/*
 * parser_expr.c - conditions: precedence climbing over YARA's operator
 * table, string references, sets, quantifiers and loops; every identifier
 * is resolved and every operand type-checked here.
 *
 * Precedence, lowest first: or; and; not, defined; == != contains
 * icontains startswith istartswith endswith iendswith iequals matches;
 * < <= > >=; |; ^; &; << >>; + -; * \ %; unary - ~; [] and '.'.
 */
#include <stdio.h>
#include <string.h>

#include "rules/parser_int.h"
#include "rules/re.h"

static struct ast_expr oom_node; /* returned after an allocation failed */

static struct ast_expr *node(struct parser *p, enum ast_op op,
                             enum ast_type type)
{
    struct ast_expr *e = ast_expr_new(p->prog, op, type, p->tok.line);

    if (e == NULL) {
        p->nomem = p->stop = true;
        memset(&oom_node, 0, sizeof(oom_node));
        return &oom_node;
    }
    return e;
}

static struct ast_expr *binary(struct parser *p, enum ast_op op,
                               enum ast_type type, struct ast_expr *a,
                               struct ast_expr *b)
{
    struct ast_expr *e = node(p, op, type);

    e->a = a;
    e->b = b;
    return e;
}

static const char *type_name(enum ast_type t)
{
    switch (t) {
    case TYPE_INT: return "integer";
    case TYPE_FLOAT: return "float";
    case TYPE_STRING: return "string";
    case TYPE_BOOL: return "boolean";
    case TYPE_REGEXP: return "regexp";
    default: return "unknown";
    }
}

static bool is_number(const struct ast_expr *e)
{
    return e->type == TYPE_INT || e->type == TYPE_FLOAT ||
           e->type == TYPE_BOOL || e->type == TYPE_UNKNOWN;
}

static bool is_int(const struct ast_expr *e)
{
    return e->type == TYPE_INT || e->type == TYPE_BOOL ||
           e->type == TYPE_UNKNOWN;
}

static bool is_string(const struct ast_expr *e)
{
    return e->type == TYPE_STRING || e->type == TYPE_UNKNOWN;
}

/* An operand that must be an integer: `wrong type "T" for WHAT`. */
static void want_int(struct parser *p, const struct ast_expr *e,
                     const char *what)
{
    if (!is_int(e))
        parser_error(p, "wrong type \"%s\" for %s", type_name(e->type), what);
}

static struct ast_expr *parse_or(struct parser *p);
static struct ast_expr *parse_primary(struct parser *p);
static struct ast_expr *parse_level(struct parser *p, unsigned level);

/* yara's primary_expression: the arithmetic and bitwise operators, which
 * is what `at`, quantifiers and `@a[...]` take as operands. */
static struct ast_expr *parse_arith(struct parser *p)
{
    return parse_level(p, 2);
}

struct ast_expr *parser_expr(struct parser *p)
{
    struct ast_expr *e;

    if (++p->expr_depth > PARSER_MAX_DEPTH) {
        parser_syntax_error(p);
        p->expr_depth--;
        return node(p, AST_BOOL, TYPE_BOOL);
    }
    e = parse_or(p);
    p->expr_depth--;
    return e;
}

/* range -> '(' expr '..' expr ')' */
static bool parse_range(struct parser *p, struct ast_expr **lo,
                        struct ast_expr **hi)
{
    if (!parser_expect(p, TOK_LPAREN))
        return false;
    *lo = parser_expr(p);
    if (!parser_expect(p, TOK_DOTDOT))
        return false;
    *hi = parser_expr(p);
    if (!parser_expect(p, TOK_RPAREN))
        return false;
    want_int(p, *lo, "range");
    want_int(p, *hi, "range");
    return true;
}

/* ---- Strings of the rule ------------------------------------------------ */

/* The index of the string named by a $/#/@/! token (its text after the
 * sigil), -1 for the anonymous one; -2 after reporting an error. */
static int32_t string_index(struct parser *p, const struct token *t)
{
    const char *name = t->text + 1;
    size_t len = t->len - 1;

    if (len == 0) {
        if (p->of_depth == 0) {
            parser_error(p, "wrong use of anonymous string");
            return -2;
        }
        return -1;
    }
    for (uint32_t i = 0; i < p->rule->n_strings; i++) {
        const char *id = p->rule->strings[i].id + 1;
        if (strlen(id) == len && memcmp(id, name, len) == 0) {
            p->rule->strings[i].referenced = true;
            return (int32_t)i;
        }
    }
    parser_error(p, "undefined string \"$%.*s\"", (int)len, name);
    return -2;
}

/* $a, $a at expr, $a in range */
static struct ast_expr *parse_string_found(struct parser *p)
{
    struct token t = p->tok;
    struct ast_expr *e;
    int32_t idx;

    parser_advance(p);
    idx = string_index(p, &t);
    e = node(p, AST_STR_FOUND, TYPE_BOOL);
    e->ref = idx < 0 ? -1 : idx;
    if (parser_accept(p, TOK_AT)) {
        e->op = AST_STR_AT;
        e->a = parse_arith(p);
        if (!is_int(e->a))
            parser_error(p, "wrong type \"%s\" for at operator",
                         type_name(e->a->type));
    } else if (parser_accept(p, TOK_IN)) {
        e->op = AST_STR_IN;
        parse_range(p, &e->a, &e->b);
    }
    return e;
}

/* #a [in range], @a ['[' expr ']'], !a ['[' expr ']'] */
static struct ast_expr *parse_string_value(struct parser *p)
{
    struct token t = p->tok;
    struct ast_expr *e;
    int32_t idx;

    parser_advance(p);
    idx = string_index(p, &t);
    e = node(p, t.kind == TOK_STRING_COUNT    ? AST_STR_COUNT
                : t.kind == TOK_STRING_OFFSET ? AST_STR_OFFSET
                                              : AST_STR_LENGTH,
             TYPE_INT);
    e->ref = idx < 0 ? -1 : idx;
    if (t.kind == TOK_STRING_COUNT) {
        if (parser_accept(p, TOK_IN))
            parse_range(p, &e->a, &e->b);
    } else if (parser_accept(p, TOK_LBRACKET)) {
        e->a = parser_expr(p);
        want_int(p, e->a, "index");
        parser_expect(p, TOK_RBRACKET);
    }
    return e;
}

/* Adds index i to the set unless present. */
static void set_add(struct parser *p, struct ast_expr *e, uint32_t i,
                    uint32_t cap)
{
    for (uint32_t k = 0; k < e->n_set; k++) {
        if (e->set[k] == i)
            return;
    }
    if (e->n_set < cap)
        e->set[e->n_set++] = i;
    else
        p->stop = true;
}

/* string_set -> 'them' | '(' ( STRING_ID | STRING_ID_WILD ) (',' ...)* ')' */
static void parse_string_set(struct parser *p, struct ast_expr *e)
{
    uint32_t n = p->rule->n_strings;

    e->set = arena_alloc_array(&p->prog->arena, n == 0 ? 1 : n,
                               sizeof(uint32_t));
    if (e->set == NULL) {
        p->nomem = p->stop = true;
        return;
    }
    if (parser_accept(p, TOK_THEM)) {
        if (n == 0)
            parser_error(p, "undefined string \"$*\"");
        for (uint32_t i = 0; i < n; i++) {
            p->rule->strings[i].referenced = true;
            set_add(p, e, i, n);
        }
        return;
    }
    if (!parser_expect(p, TOK_LPAREN))
        return;
    do {
        struct token t = p->tok;
        bool wild = t.kind == TOK_STRING_ID_WILD, found = false;
        size_t len = wild ? t.len - 1 : t.len;
        if (t.kind != TOK_STRING_ID && !wild) {
            parser_syntax_error(p);
            return;
        }
        parser_advance(p);
        for (uint32_t i = 0; i < n; i++) {
            const char *id = p->rule->strings[i].id;
            if (wild ? strncmp(id, t.text, len) == 0
                     : (strlen(id) == len && memcmp(id, t.text, len) == 0)) {
                p->rule->strings[i].referenced = true;
                set_add(p, e, i, n);
                found = true;
            }
        }
        if (!found)
            parser_error(p, "undefined string \"%.*s\"", (int)t.len, t.text);
    } while (!p->stop && parser_accept(p, TOK_COMMA));
    parser_expect(p, TOK_RPAREN);
}

/* rule_set -> '(' IDENT ['*'] (',' IDENT ['*'])* ')' */
static void parse_rule_set(struct parser *p, struct ast_expr *e)
{
    uint32_t n = (uint32_t)p->prog->rules.n;

    e->set = arena_alloc_array(&p->prog->arena, n == 0 ? 1 : n,
                               sizeof(uint32_t));
    if (e->set == NULL) {
        p->nomem = p->stop = true;
        return;
    }
    parser_expect(p, TOK_LPAREN);
    do {
        struct token t = p->tok;
        bool wild, found = false;
        if (!parser_expect(p, TOK_IDENT))
            return;
        wild = parser_accept(p, TOK_STAR);
        for (uint32_t i = 0; i < n; i++) {
            const struct ast_rule *r = ast_rule_at(p->prog, i);
            if (r->ns_index != p->ns_index)
                continue;
            if (wild ? strncmp(r->name, t.text, t.len) == 0
                     : (strlen(r->name) == t.len &&
                        memcmp(r->name, t.text, t.len) == 0)) {
                set_add(p, e, i, n);
                found = true;
            }
        }
        if (!found)
            parser_error(p, "undefined identifier \"%.*s%s\"", (int)t.len,
                         t.text, wild ? "*" : "");
    } while (!p->stop && parser_accept(p, TOK_COMMA));
    parser_expect(p, TOK_RPAREN);
}

/* quant 'of' ( string_set [ 'at' expr | 'in' range ] | rule_set ) */
static struct ast_expr *parse_of(struct parser *p, struct ast_expr *quant)
{
    struct ast_expr *e = node(p, AST_OF_STRINGS, TYPE_BOOL);

    e->quant = quant;
    e->ival = OF_PLAIN;
    if (p->tok.kind == TOK_LPAREN && parser_peek(p).kind == TOK_IDENT) {
        e->op = AST_OF_RULES;
        parse_rule_set(p, e);
        return e;
    }
    parse_string_set(p, e);
    if (parser_accept(p, TOK_AT)) {
        e->ival = OF_AT;
        e->a = parse_arith(p);
        want_int(p, e->a, "at operator");
    } else if (parser_accept(p, TOK_IN)) {
        e->ival = OF_IN;
        parse_range(p, &e->a, &e->b);
    }
    return e;
}

/* ---- Loops -------------------------------------------------------------- */

/* quant -> 'all' | 'any' | 'none' | primary ['%'] */
static struct ast_expr *parse_quant(struct parser *p)
{
    struct ast_expr *q;

    if (parser_accept(p, TOK_ALL))
        return node(p, AST_QUANT_ALL, TYPE_INT);
    if (parser_accept(p, TOK_ANY))
        return node(p, AST_QUANT_ANY, TYPE_INT);
    if (parser_accept(p, TOK_NONE))
        return node(p, AST_QUANT_NONE, TYPE_INT);
    p->in_quant = true;
    q = parse_arith(p);
    p->in_quant = false;
    want_int(p, q, "quantifier");
    if (parser_accept(p, TOK_PERCENT)) {
        struct ast_expr *pc = node(p, AST_PERCENT, TYPE_INT);
        pc->a = q;
        return pc;
    }
    return q;
}

/* ':' '(' expr ')' */
static struct ast_expr *parse_loop_body(struct parser *p)
{
    struct ast_expr *body;

    if (!parser_expect(p, TOK_COLON) || !parser_expect(p, TOK_LPAREN))
        return node(p, AST_BOOL, TYPE_BOOL);
    body = parser_expr(p);
    parser_expect(p, TOK_RPAREN);
    return body;
}

/* iterable -> '(' expr '..' expr ')' | '(' expr (',' expr)* ')' | expr */
static struct ast_expr *parse_iterable(struct parser *p)
{
    struct ast_expr *first, *e, *items[256];
    uint32_t n = 0;

    if (!parser_accept(p, TOK_LPAREN))
        return parse_primary(p); /* a module array or dictionary */
    first = parser_expr(p);
    if (parser_accept(p, TOK_DOTDOT)) {
        e = node(p, AST_RANGE, TYPE_INT);
        e->a = first;
        e->b = parser_expr(p);
        parser_expect(p, TOK_RPAREN);
        want_int(p, e->a, "range");
        want_int(p, e->b, "range");
        return e;
    }
    items[n++] = first;
    while (!p->stop && parser_accept(p, TOK_COMMA)) {
        if (n == sizeof(items) / sizeof(items[0])) {
            parser_syntax_error(p);
            break;
        }
        items[n++] = parser_expr(p);
    }
    parser_expect(p, TOK_RPAREN);
    e = node(p, AST_ENUM, first->type);
    e->list = arena_alloc_array(&p->prog->arena, n, sizeof(*e->list));
    if (e->list == NULL) {
        p->nomem = p->stop = true;
        return e;
    }
    memcpy(e->list, items, n * sizeof(*items));
    e->n_list = n;
    return e;
}

/* for_in -> 'for' quant IDENT (',' IDENT)* 'in' iterable ':' '(' expr ')' */
static struct ast_expr *parse_for_in(struct parser *p, struct ast_expr *quant)
{
    struct ast_expr *e = node(p, AST_FOR_IN, TYPE_BOOL);
    struct token names[4];
    uint32_t n = 0, saved = p->n_vars;

    do {
        if (p->tok.kind != TOK_IDENT || n == 4) {
            parser_syntax_error(p);
            return e;
        }
        names[n++] = p->tok;
        parser_advance(p);
    } while (parser_accept(p, TOK_COMMA));
    if (!parser_expect(p, TOK_IN))
        return e;
    e->quant = quant;
    e->b = parse_iterable(p);
    e->ref = (int32_t)p->n_slots;
    e->ival = n;
    for (uint32_t i = 0; i < n && !p->stop; i++) {
        for (uint32_t k = 0; k < p->n_vars; k++) {
            if (p->vars[k].len == names[i].len &&
                memcmp(p->vars[k].name, names[i].text, names[i].len) == 0)
                parser_error(p, "duplicated loop identifier \"%.*s\"",
                             (int)names[i].len, names[i].text);
        }
        if (p->n_vars == PARSER_MAX_VARS) {
            parser_syntax_error(p);
            return e;
        }
        p->vars[p->n_vars].name = names[i].text;
        p->vars[p->n_vars].len = names[i].len;
        p->vars[p->n_vars++].slot = (int32_t)p->n_slots++;
    }
    e->a = parse_loop_body(p);
    p->n_vars = saved;
    return e;
}

/* for -> 'for' quant ( 'of' string_set | IDENT... 'in' ... ) ':' '(' expr ')' */
static struct ast_expr *parse_for(struct parser *p)
{
    struct ast_expr *quant = parse_quant(p), *e;

    if (!parser_accept(p, TOK_OF))
        return parse_for_in(p, quant);
    e = node(p, AST_FOR_OF, TYPE_BOOL);
    e->quant = quant;
    parse_string_set(p, e);
    p->of_depth++;
    e->a = parse_loop_body(p);
    p->of_depth--;
    return e;
}

/* ---- Identifiers -------------------------------------------------------- */

/* module_path -> IDENT ( '.' IDENT | '[' expr ']' | '(' args ')' )* */
static struct ast_expr *parse_module(struct parser *p, const struct token *t)
{
    struct ast_expr *e = node(p, AST_MODULE, TYPE_UNKNOWN);

    e->str = parser_strdup(p, t->text, t->len);
    e->str_len = t->len;
    for (;;) {
        struct ast_expr *f;
        if (parser_accept(p, TOK_DOT)) {
            f = node(p, AST_FIELD, TYPE_UNKNOWN);
            f->a = e;
            f->str = parser_strdup(p, p->tok.text, p->tok.len);
            f->str_len = p->tok.len;
            if (!parser_expect(p, TOK_IDENT))
                return f;
        } else if (parser_accept(p, TOK_LBRACKET)) {
            f = binary(p, AST_INDEX, TYPE_UNKNOWN, e, parser_expr(p));
            parser_expect(p, TOK_RBRACKET);
        } else if (p->tok.kind == TOK_LPAREN) {
            struct ast_expr *args[32];
            uint32_t n = 0;
            parser_advance(p);
            f = node(p, AST_CALL, TYPE_UNKNOWN);
            f->a = e;
            while (!p->stop && p->tok.kind != TOK_RPAREN && n < 32) {
                args[n++] = parser_expr(p);
                if (!parser_accept(p, TOK_COMMA))
                    break;
            }
            parser_expect(p, TOK_RPAREN);
            f->list = arena_alloc_array(&p->prog->arena, n ? n : 1,
                                        sizeof(*args));
            if (f->list != NULL && n > 0)
                memcpy(f->list, args, n * sizeof(*args));
            f->n_list = n;
        } else {
            return e;
        }
        e = f;
    }
}

static struct ast_expr *parse_identifier(struct parser *p)
{
    struct token t = p->tok;
    char key[1024];
    uint64_t v;
    int n;

    parser_advance(p);
    for (uint32_t i = p->n_vars; i-- > 0;) {
        if (p->vars[i].len == t.len &&
            memcmp(p->vars[i].name, t.text, t.len) == 0) {
            struct ast_expr *e = node(p, AST_LOOP_VAR, TYPE_INT);
            e->ref = p->vars[i].slot;
            return e;
        }
    }
    n = snprintf(key, sizeof(key), "%s:%.*s", p->ns, (int)t.len, t.text);
    if (map_get(&p->prog->rule_names, key, (size_t)n, &v)) {
        struct ast_expr *e = node(p, AST_RULE_REF, TYPE_BOOL);
        e->ref = (int32_t)v;
        return e;
    }
    for (size_t i = 0; i < p->prog->externals.n; i++) {
        const struct ast_external *x = vec_at(&p->prog->externals, i);
        if (strlen(x->name) == t.len && memcmp(x->name, t.text, t.len) == 0) {
            static const enum ast_type types[] = {TYPE_INT, TYPE_FLOAT,
                                                  TYPE_BOOL, TYPE_STRING};
            struct ast_expr *e = node(p, AST_EXTERNAL, types[x->type]);
            e->ref = (int32_t)i;
            return e;
        }
    }
    for (size_t i = 0; i < p->prog->imports.n; i++) {
        const char *m = *(const char **)vec_at(&p->prog->imports, i);
        if (strlen(m) == t.len && memcmp(m, t.text, t.len) == 0)
            return parse_module(p, &t);
    }
    parser_error(p, "undefined identifier \"%.*s\"", (int)t.len, t.text);
    return node(p, AST_BOOL, TYPE_BOOL);
}

/* ---- Primaries ---------------------------------------------------------- */

static unsigned read_width(enum tok t)
{
    static const unsigned widths[] = {1, 2, 4};
    unsigned k = (unsigned)(t - TOK_INT8);
    unsigned w = widths[k % 3];
    bool is_signed = (k % 6) < 3, be = k >= 6;

    return w | (is_signed ? READ_SIGNED : 0) | (be ? READ_BIG_ENDIAN : 0);
}

static struct ast_expr *parse_literal(struct parser *p)
{
    struct ast_expr *e;

    switch (p->tok.kind) {
    case TOK_INT:
        e = node(p, AST_INT, TYPE_INT);
        e->ival = p->tok.ival;
        break;
    case TOK_FLOAT:
        e = node(p, AST_FLOAT, TYPE_FLOAT);
        e->fval = p->tok.fval;
        break;
    case TOK_TEXT:
        e = node(p, AST_STRING, TYPE_STRING);
        e->str = parser_strdup(p, p->tok.text, p->tok.len);
        e->str_len = p->tok.len;
        break;
    case TOK_TRUE:
    case TOK_FALSE:
        e = node(p, AST_BOOL, TYPE_BOOL);
        e->ival = p->tok.kind == TOK_TRUE;
        break;
    case TOK_FILESIZE:
        e = node(p, AST_FILESIZE, TYPE_INT);
        break;
    default:
        e = node(p, AST_ENTRYPOINT, TYPE_INT);
        break;
    }
    parser_advance(p);
    return e;
}

/* primary -> literal | '(' expr ')' | string refs | for | read | ident */
static struct ast_expr *parse_primary(struct parser *p)
{
    struct ast_expr *e;

    if (p->stop)
        return node(p, AST_BOOL, TYPE_BOOL);
    switch (p->tok.kind) {
    case TOK_INT: case TOK_FLOAT: case TOK_TEXT: case TOK_TRUE:
    case TOK_FALSE: case TOK_FILESIZE: case TOK_ENTRYPOINT:
        return parse_literal(p);
    case TOK_LPAREN: {
        bool in_quant = p->in_quant;
        parser_advance(p);
        p->in_quant = false;
        e = parser_expr(p);
        p->in_quant = in_quant;
        parser_expect(p, TOK_RPAREN);
        return e;
    }
    case TOK_STRING_ID:
        return parse_string_found(p);
    case TOK_STRING_COUNT: case TOK_STRING_OFFSET: case TOK_STRING_LENGTH:
        return parse_string_value(p);
    case TOK_FOR:
        parser_advance(p);
        return parse_for(p);
    case TOK_IDENT:
        return parse_identifier(p);
    default:
        break;
    }
    if (p->tok.kind >= TOK_INT8 && p->tok.kind <= TOK_UINT32BE) {
        e = node(p, AST_READ_INT, TYPE_INT);
        e->ival = read_width(p->tok.kind);
        parser_advance(p);
        if (!parser_expect(p, TOK_LPAREN))
            return e;
        e->a = parser_expr(p);
        parser_expect(p, TOK_RPAREN);
        if (!is_int(e->a))
            parser_error(p,
                         "wrong type \"%s\" for intXXXX or uintXXXX operator",
                         type_name(e->a->type));
        return e;
    }
    parser_syntax_error(p);
    return node(p, AST_BOOL, TYPE_BOOL);
}

/* Quantifiers start like numbers: `2 of them`, `50% of them`, `any of`. */
static struct ast_expr *parse_quantified(struct parser *p)
{
    struct ast_expr *q;

    if (p->tok.kind == TOK_ALL || p->tok.kind == TOK_ANY ||
        p->tok.kind == TOK_NONE) {
        q = parse_quant(p);
        if (!parser_expect(p, TOK_OF))
            return q;
        return parse_of(p, q);
    }
    q = parse_primary(p);
    if (p->in_quant)
        return q;
    if (p->tok.kind == TOK_PERCENT && parser_peek(p).kind == TOK_OF) {
        struct ast_expr *pc = node(p, AST_PERCENT, TYPE_INT);
        parser_advance(p);
        pc->a = q;
        q = pc;
    }
    if (parser_accept(p, TOK_OF)) {
        want_int(p, q->op == AST_PERCENT ? q->a : q, "quantifier");
        return parse_of(p, q);
    }
    return q;
}

/* unary -> ( '-' | '~' ) unary | quantified */
static struct ast_expr *parse_unary(struct parser *p)
{
    struct ast_expr *e, *a;
    bool neg;

    if (p->tok.kind != TOK_MINUS && p->tok.kind != TOK_TILDE)
        return parse_quantified(p);
    neg = p->tok.kind == TOK_MINUS;
    parser_advance(p);
    a = parse_unary(p);
    if (neg && a->op == AST_INT) { /* fold: `-1` is a literal */
        a->ival = (int64_t)(0 - (uint64_t)a->ival);
        return a;
    }
    if (neg && a->op == AST_FLOAT) {
        a->fval = -a->fval;
        return a;
    }
    e = node(p, neg ? AST_NEG : AST_BITNOT, neg ? a->type : TYPE_INT);
    e->a = a;
    if (neg && !is_number(a))
        parser_error(p, "wrong type \"%s\" for - operator", type_name(a->type));
    else if (!neg)
        want_int(p, a, "~ operator");
    return e;
}

/* ---- Binary operators --------------------------------------------------- */

struct binop {
    enum tok tok;
    enum ast_op op;
    const char *text;
};

/* Arithmetic and bitwise operands; constant division by zero is refused. */
static struct ast_expr *arith(struct parser *p, const struct binop *o,
                              struct ast_expr *a, struct ast_expr *b)
{
    bool bitwise = o->op >= AST_SHL && o->op <= AST_BITXOR;
    enum ast_type t = (a->type == TYPE_FLOAT || b->type == TYPE_FLOAT)
                          ? TYPE_FLOAT
                          : TYPE_INT;

    /* Operator errors stand at the line of the right operand's end. */
    if (!is_number(a) || !is_number(b)) {
        parser_error_at(p, p->prev_line, "type mismatch");
    } else if (bitwise || o->op == AST_MOD) {
        const char *what = o->op == AST_MOD ? "% operator" : o->text;
        const struct ast_expr *bad = !is_int(a) ? a : !is_int(b) ? b : NULL;
        if (bad != NULL)
            parser_error_at(p, p->prev_line, "wrong type \"%s\" for %s",
                            type_name(bad->type), what);
        t = TYPE_INT;
    }
    if ((o->op == AST_DIV || o->op == AST_MOD) && b->op == AST_INT &&
        b->ival == 0 && a->op == AST_INT)
        parser_error_at(p, p->prev_line, "division by zero");
    return binary(p, o->op, t, a, b);
}

static struct ast_expr *compare(struct parser *p, const struct binop *o,
                                struct ast_expr *a, struct ast_expr *b)
{
    if (o->op >= AST_CONTAINS && o->op <= AST_IEQUALS) {
        if (!is_string(a))
            parser_error(p, "wrong type \"%s\" for %s operator",
                         type_name(a->type), o->text);
        else if (!is_string(b))
            parser_error(p, "wrong type \"%s\" for %s operator",
                         type_name(b->type), o->text);
    } else if (!((is_number(a) && is_number(b)) ||
                 (is_string(a) && is_string(b)))) {
        parser_error(p, "type mismatch");
    }
    return binary(p, o->op, TYPE_BOOL, a, b);
}

static const struct binop levels[][10] = {
    {{TOK_EQ, AST_EQ, "=="}, {TOK_NE, AST_NE, "!="},
     {TOK_CONTAINS, AST_CONTAINS, "contains"},
     {TOK_ICONTAINS, AST_ICONTAINS, "icontains"},
     {TOK_STARTSWITH, AST_STARTSWITH, "startswith"},
     {TOK_ISTARTSWITH, AST_ISTARTSWITH, "istartswith"},
     {TOK_ENDSWITH, AST_ENDSWITH, "endswith"},
     {TOK_IENDSWITH, AST_IENDSWITH, "iendswith"},
     {TOK_IEQUALS, AST_IEQUALS, "iequals"}, {TOK_EOF, 0, NULL}},
    {{TOK_LT, AST_LT, "<"}, {TOK_LE, AST_LE, "<="}, {TOK_GT, AST_GT, ">"},
     {TOK_GE, AST_GE, ">="}, {TOK_EOF, 0, NULL}},
    {{TOK_PIPE, AST_BITOR, "| operator"}, {TOK_EOF, 0, NULL}},
    {{TOK_CARET, AST_BITXOR, "^ operator"}, {TOK_EOF, 0, NULL}},
    {{TOK_AMP, AST_BITAND, "& operator"}, {TOK_EOF, 0, NULL}},
    {{TOK_SHL, AST_SHL, "<< operator"}, {TOK_SHR, AST_SHR, ">> operator"},
     {TOK_EOF, 0, NULL}},
    {{TOK_PLUS, AST_ADD, "+"}, {TOK_MINUS, AST_SUB, "-"}, {TOK_EOF, 0, NULL}},
    {{TOK_STAR, AST_MUL, "*"}, {TOK_BACKSLASH, AST_DIV, "\\"},
     {TOK_PERCENT, AST_MOD, "%"}, {TOK_EOF, 0, NULL}},
};
#define N_LEVELS (sizeof(levels) / sizeof(levels[0]))

/* matches -> expr 'matches' '/' REGEX '/' */
static struct ast_expr *parse_matches(struct parser *p, struct ast_expr *a)
{
    struct ast_expr *re = node(p, AST_REGEXP, TYPE_REGEXP);
    struct token t;
    char err[256];

    if (p->tok.kind != TOK_SLASH) {
        parser_syntax_error(p);
        return a;
    }
    t = lexer_regex(&p->lx);
    if (t.kind == TOK_ERROR) {
        p->tok = t;
        parser_syntax_error(p);
        return a;
    }
    parser_advance(p);
    re->str = parser_strdup(p, t.text, t.len);
    re->str_len = t.len;
    re->ival = t.ival;
    if (!re_parse_regex(&p->prog->arena, (const uint8_t *)t.text, t.len,
                        (unsigned)t.ival, &re->re, err, sizeof(err)))
        parser_error(p, "invalid regular expression: %s", err);
    if (!is_string(a))
        parser_error(p, "wrong type \"%s\" for matches operator",
                     type_name(a->type));
    return binary(p, AST_MATCHES, TYPE_BOOL, a, re);
}

static struct ast_expr *parse_level(struct parser *p, unsigned level)
{
    struct ast_expr *a;

    if (level == N_LEVELS)
        return parse_unary(p);
    a = parse_level(p, level + 1);
    while (!p->stop) {
        const struct binop *o = NULL;
        if (level == 0 && parser_accept(p, TOK_MATCHES)) {
            a = parse_matches(p, a);
            continue;
        }
        for (const struct binop *k = levels[level]; k->text != NULL; k++) {
            if (p->tok.kind == k->tok)
                o = k;
        }
        if (o == NULL)
            return a;
        if (o->tok == TOK_PERCENT && parser_peek(p).kind == TOK_OF)
            return a; /* `50% of`: a percentage, not a remainder */
        parser_advance(p);
        struct ast_expr *b = parse_level(p, level + 1);
        a = level <= 1 ? compare(p, o, a, b) : arith(p, o, a, b);
    }
    return a;
}

/* not -> ( 'not' | 'defined' ) not | comparison */
static struct ast_expr *parse_not(struct parser *p)
{
    struct ast_expr *e;

    if (p->tok.kind != TOK_NOT && p->tok.kind != TOK_DEFINED)
        return parse_level(p, 0);
    e = node(p, p->tok.kind == TOK_NOT ? AST_NOT : AST_DEFINED, TYPE_BOOL);
    parser_advance(p);
    e->a = parse_not(p);
    return e;
}

/* and -> not ( 'and' not )* */
static struct ast_expr *parse_and(struct parser *p)
{
    struct ast_expr *a = parse_not(p);

    while (!p->stop && parser_accept(p, TOK_AND))
        a = binary(p, AST_AND, TYPE_BOOL, a, parse_not(p));
    return a;
}

/* or -> and ( 'or' and )* */
static struct ast_expr *parse_or(struct parser *p)
{
    struct ast_expr *a = parse_and(p);

    while (!p->stop && parser_accept(p, TOK_OR))
        a = binary(p, AST_OR, TYPE_BOOL, a, parse_and(p));
    return a;
}
