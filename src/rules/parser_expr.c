/*
 * parser_expr.c - conditions: the boolean level of yara's grammar (and, or,
 * not, defined, comparisons, `of`, `for`), string and rule sets,
 * identifiers and the string operators `$a #a @a !a`.
 *
 * Precedence, lowest first: or; and; not, defined (prefix); then one
 * comparison between two primary expressions (yara cannot chain them:
 * `1 < 2 == true` is a syntax error). A parenthesised primary expression
 * stays primary: `(1) + 2 == 3` is valid, `(1 == 1) + 2` is not.
 */
#include "rules/parser_int.h"

#include <stdio.h>
#include <string.h>


static enum ast_type decl_type(unsigned t);

/* What an unknown module's name stands for: a structure without fields. */
static const struct mod_decl unknown_module = {.name = "", .type = MT_STRUCT};
static enum candor_status or_expr(struct parser *p, struct parser_value *out);

/* ---- Helpers -------------------------------------------------------------- */

/* yara warns when a literal string is used as a boolean. */
void parser_to_bool(struct parser *p, struct ast_expr *e)
{
    if (e->op == AST_STRING)
        parser_warning(p, "using literal string \"%s\" in a boolean operation.",
                       e->str);
}

static enum candor_status node2(struct parser *p, enum ast_op op,
                                enum ast_type type, struct ast_expr *a,
                                struct ast_expr *b, struct parser_value *out)
{
    struct ast_expr *e = parser_node(p, op, type);

    if (e == NULL)
        return CANDOR_ERROR_NOMEM;
    e->a = a;
    e->b = b;
    memset(out, 0, sizeof(*out));
    out->e = e;
    return CANDOR_OK;
}

/* Copies a vector of uint32_t into the arena. */
static uint32_t *set_copy(struct parser *p, const struct vec *v)
{
    uint32_t *copy;

    if (v->n == 0)
        return NULL;
    copy = arena_alloc_array(&p->prog->arena, v->n, sizeof(uint32_t));
    if (copy == NULL)
        p->nomem = true;
    else
        memcpy(copy, v->data, v->n * sizeof(uint32_t));
    return copy;
}

static enum candor_status set_add(struct parser *p, struct vec *v, uint32_t x)
{
    uint32_t *slot = vec_push(v);

    if (slot == NULL)
        return parser_oom(p);
    *slot = x;
    return CANDOR_OK;
}

/* ---- Strings ------------------------------------------------------------ */

/* Records one use of s the way yara 4.2.3 flags its strings: any use but
 * a plain `$a` needs all matches; only `at` one constant keeps a fixed
 * offset. */
static void note_use(struct ast_string *s, enum parser_string_use use,
                     const struct parser_value *at)
{
    if (use != USE_FOUND)
        s->all_matches = true;
    if (use != USE_AT || !at->is_const)
        s->at_state = AT_NONE;
    else if (s->at_state == AT_UNSET) {
        s->at_state = AT_ONE;
        s->fixed_offset = at->cval;
    } else if (s->fixed_offset != at->cval)
        s->at_state = AT_NONE;
}

/* The index of string "$name" (the text after a sigil), marked used; -1
 * for the anonymous string of a for..of loop, whose use yara records on
 * every string of the rule. at: the offset of USE_AT. */
enum candor_status parser_string_ref(struct parser *p, const char *name,
                                     size_t len, enum parser_string_use use,
                                     const struct parser_value *at,
                                     int32_t *index)
{
    char id[LEXER_MAX_IDENT * 4];
    uint64_t v;

    if (len == 0) {
        if (!p->in_for_of)
            return parser_error(p, "wrong use of anonymous string");
        for (size_t i = 0; i < p->strings.n; i++)
            note_use(vec_at(&p->strings, i), use, at);
        *index = -1;
        return CANDOR_OK;
    }
    id[0] = '$';
    if (len + 1 <= sizeof(id))
        memcpy(id + 1, name, len);
    if (len + 1 > sizeof(id) || !map_get(&p->string_ids, id, len + 1, &v))
        return parser_error(p, "undefined string \"$%.*s\"", (int)len, name);
    ((struct ast_string *)vec_at(&p->strings, v))->referenced = true;
    note_use(vec_at(&p->strings, v), use, at);
    *index = (int32_t)v;
    return CANDOR_OK;
}

/* string_op -> '#' id ('in' range)? | ('@' | '!') id ('[' primary ']')? */
enum candor_status parser_string_op(struct parser *p, struct parser_value *out)
{
    const struct token *t = parser_peek(p);
    enum token_kind k = t->kind;
    const char *name = t->text + 1;
    size_t len = t->len - 1;
    struct ast_expr *a = NULL, *b = NULL;
    struct parser_value idx;
    enum candor_status rc;
    int32_t ref;

    parser_consume(p);
    if (k == TOK_STRING_COUNT && parser_accept(p, TOK_IN)) {
        if ((rc = parser_range(p, &a)) != CANDOR_OK)
            return rc;
        b = a->b;
        a = a->a;
    } else if (k != TOK_STRING_COUNT && parser_accept(p, TOK_LBRACKET)) {
        if ((rc = parser_primary(p, false, &idx)) != CANDOR_OK ||
            (rc = parser_expect(p, TOK_RBRACKET)) != CANDOR_OK)
            return rc;
        a = idx.e;
    }
    if ((rc = parser_string_ref(p, name, len, USE_OTHER, NULL, &ref)) !=
            CANDOR_OK ||
        (rc = node2(p, k == TOK_STRING_COUNT    ? AST_STR_COUNT
                       : k == TOK_STRING_OFFSET ? AST_STR_OFFSET
                                                : AST_STR_LENGTH,
                    TYPE_INT, a, b, out)) != CANDOR_OK)
        return rc;
    out->e->ref = ref;
    out->primary = true;
    return CANDOR_OK;
}

/* string_found -> STRING_ID ('at' primary | 'in' range)? */
static enum candor_status string_found(struct parser *p,
                                       struct parser_value *out)
{
    const struct token *t = parser_peek(p);
    const char *name = t->text + 1;
    size_t len = t->len - 1;
    enum ast_op op = AST_STR_FOUND;
    enum parser_string_use use = USE_FOUND;
    struct ast_expr *a = NULL, *b = NULL;
    struct parser_value off = {0};
    enum candor_status rc;
    int32_t ref;

    parser_consume(p);
    if (parser_accept(p, TOK_AT)) {
        if ((rc = parser_primary(p, false, &off)) != CANDOR_OK)
            return rc;
        if (!parser_is_int(off.e))
            return parser_error(p, "wrong type \"%s\" for at operator",
                                parser_type_name(off.e));
        op = AST_STR_AT;
        use = USE_AT;
        a = off.e;
    } else if (parser_accept(p, TOK_IN)) {
        if ((rc = parser_range(p, &a)) != CANDOR_OK)
            return rc;
        op = AST_STR_IN;
        use = USE_OTHER;
        b = a->b;
        a = a->a;
    }
    if ((rc = parser_string_ref(p, name, len, use, &off, &ref)) !=
            CANDOR_OK ||
        (rc = node2(p, op, TYPE_BOOL, a, b, out)) != CANDOR_OK)
        return rc;
    out->e->ref = ref;
    return CANDOR_OK;
}

/* ---- Sets --------------------------------------------------------------- */

/* One item of a string set: $name, $prefix*, or $ for every anonymous
 * string (as in yara). */
static enum candor_status string_item(struct parser *p, const struct token *t,
                                      struct vec *set)
{
    bool wild = t->kind == TOK_STRING_WILD;
    size_t n = wild ? t->len - 1 : t->len;
    size_t before = set->n;

    for (size_t i = 0; i < p->strings.n; i++) {
        struct ast_string *s = vec_at(&p->strings, i);
        if (wild ? strncmp(s->id, t->text, n) == 0
                 : strlen(s->id) == n && memcmp(s->id, t->text, n) == 0) {
            s->referenced = true;
            s->at_state = AT_NONE; /* 4.2.3 keeps them single-match */
            if (set_add(p, set, (uint32_t)i) != CANDOR_OK)
                return CANDOR_ERROR_NOMEM;
        }
    }
    if (set->n == before)
        return parser_error(p, "undefined string \"%.*s\"", (int)t->len,
                            t->text);
    return CANDOR_OK;
}

/* 'them': every string of the rule. */
static enum candor_status them(struct parser *p, struct vec *set)
{
    static const struct token all = {TOK_STRING_WILD, 0, "$*", 2, 0, 0,
                                     NULL, 0, 0};

    if (p->strings.n == 0)
        return parser_error(p, "undefined string \"$*\"");
    return string_item(p, &all, set);
}

/* string_items -> item (',' item)* ')'; '(' was read */
static enum candor_status string_items(struct parser *p, struct vec *set)
{
    enum candor_status rc;

    do {
        const struct token *t = parser_peek(p);
        struct token item = *t;
        if (t->kind != TOK_STRING_ID && t->kind != TOK_STRING_WILD)
            return parser_syntax_error(p);
        parser_consume(p);
        if ((rc = string_item(p, &item, set)) != CANDOR_OK)
            return rc;
    } while (parser_accept(p, TOK_COMMA));
    return parser_expect(p, TOK_RPAREN);
}

/* Rules of the namespace named prefix... (or exactly name); the rule
 * being parsed counts, as in yara, where it is declared already. */
static enum candor_status rule_matches(struct parser *p, const char *name,
                                       size_t len, bool wild, struct vec *set)
{
    uint64_t index;

    if (!wild) {
        if (!parser_rule_lookup(p, name, len, &index))
            return parser_error(p, "undefined identifier \"%.*s\"", (int)len,
                                name);
        return index == PARSER_NAME_FAILED ? CANDOR_OK
                                           : set_add(p, set, (uint32_t)index);
    }
    for (size_t i = 0; i <= p->prog->rules.n; i++) {
        const struct ast_rule *r =
            i < p->prog->rules.n ? ast_rule_at(p->prog, i) : p->rule;
        if (r->ns_index == p->ns_index && strncmp(r->name, name, len) == 0 &&
            set_add(p, set, r->index) != CANDOR_OK)
            return CANDOR_ERROR_NOMEM;
    }
    if (set->n == 0)
        return parser_error(p, "undefined identifier \"%.*s\"", (int)len,
                            name);
    return CANDOR_OK;
}

/* Remembers "ns:prefix*": a later rule the wildcard covers is an error. */
static enum candor_status use_wildcard(struct parser *p, const char *prefix,
                                       size_t len)
{
    size_t n = strlen(p->ns) + len + 3;
    char *key = arena_alloc(&p->prog->arena, n);

    if (key == NULL)
        return parser_oom(p);
    snprintf(key, n, "%s:%.*s*", p->ns, (int)len, prefix);
    if (!map_put(&p->prog->rule_names, key, n - 1, PARSER_NAME_WILDCARD))
        return parser_oom(p);
    return CANDOR_OK;
}

/* rule_items -> IDENT '*'? (',' IDENT '*'?)* ')'; '(' was read */
static enum candor_status rule_items(struct parser *p, struct vec *set)
{
    enum candor_status rc;

    do {
        const struct token *t = parser_peek(p);
        char *name;
        size_t len = t->len;
        bool wild;

        if (t->kind != TOK_IDENT)
            return parser_syntax_error(p);
        if ((name = parser_strdup(p, t->text, t->len)) == NULL)
            return CANDOR_ERROR_NOMEM;
        parser_consume(p);
        wild = parser_accept(p, TOK_STAR);
        if ((rc = rule_matches(p, name, len, wild, set)) != CANDOR_OK ||
            (wild && (rc = use_wildcard(p, name, len)) != CANDOR_OK))
            return rc;
    } while (parser_accept(p, TOK_COMMA));
    return parser_expect(p, TOK_RPAREN);
}

/* ---- Of ---------------------------------------------------------------- */

/* Where an `of` over strings must match: 'in' range | 'at' primary. */
static enum candor_status placement(struct parser *p, struct ast_expr *e)
{
    struct parser_value at;
    struct ast_expr *range;
    enum candor_status rc;

    if (parser_accept(p, TOK_IN)) {
        if ((rc = parser_range(p, &range)) != CANDOR_OK)
            return rc;
        e->ival = OF_IN;
        e->a = range->a;
        e->b = range->b;
    } else if (parser_accept(p, TOK_AT)) {
        if ((rc = parser_primary(p, false, &at)) != CANDOR_OK)
            return rc;
        if (!parser_is_int(at.e))
            return parser_error(p, "wrong type \"%s\" for at operator",
                                parser_type_name(at.e));
        e->ival = OF_AT;
        e->a = at.e;
    }
    for (uint32_t i = 0; e->ival != OF_PLAIN && i < e->n_set; i++)
        ((struct ast_string *)vec_at(&p->strings, e->set[i]))->in_placed_set =
            true;
    return CANDOR_OK;
}

/* A percentage is an integer, 1..100 when yara can tell. */
static enum candor_status check_percent(struct parser *p,
                                        const struct parser_value *pct)
{
    if (pct != NULL && !parser_is_int(pct->e))
        return parser_error(p, "wrong type \"%s\" for %% operator",
                            parser_type_name(pct->e));
    if (pct != NULL && pct->is_const && (pct->cval < 1 || pct->cval > 100))
        return parser_error(p,
                            "percentage must be between 1 and 100 (inclusive)");
    return CANDOR_OK;
}

/* of_rest -> ('them' | '(' string_items) placement? | '(' rule_items; 'of'
 * was read. (yara 4.2.3 takes no placement after a percentage; its
 * documentation now does.) */
static enum candor_status of_rest(struct parser *p, struct ast_expr *quant,
                                  const struct parser_value *pct,
                                  struct parser_value *out)
{
    struct vec set;
    enum ast_op op = AST_OF_STRINGS;
    enum candor_status rc;

    vec_init(&set, sizeof(uint32_t));
    if (parser_accept(p, TOK_THEM)) {
        rc = them(p, &set);
    } else if ((rc = parser_expect(p, TOK_LPAREN)) == CANDOR_OK) {
        op = parser_is(p, TOK_IDENT) ? AST_OF_RULES : AST_OF_STRINGS;
        rc = op == AST_OF_RULES ? rule_items(p, &set) : string_items(p, &set);
    }
    if (rc == CANDOR_OK)
        rc = check_percent(p, pct);
    if (rc == CANDOR_OK)
        rc = node2(p, op, TYPE_BOOL, NULL, NULL, out);
    if (rc == CANDOR_OK) {
        out->e->quant = quant;
        out->e->n_set = (uint32_t)set.n;
        out->e->set = set_copy(p, &set);
        if (op == AST_OF_STRINGS)
            rc = placement(p, out->e);
    }
    vec_fini(&set);
    return p->nomem ? CANDOR_ERROR_NOMEM : rc;
}

/* ---- Comparisons and atoms of the boolean level ------------------------- */

static enum ast_op compare_op(enum token_kind k)
{
    switch (k) {
    case TOK_LT: return AST_LT;
    case TOK_LE: return AST_LE;
    case TOK_GT: return AST_GT;
    case TOK_GE: return AST_GE;
    case TOK_EQ: return AST_EQ;
    case TOK_NE: return AST_NE;
    case TOK_CONTAINS: return AST_CONTAINS;
    case TOK_ICONTAINS: return AST_ICONTAINS;
    case TOK_STARTSWITH: return AST_STARTSWITH;
    case TOK_ISTARTSWITH: return AST_ISTARTSWITH;
    case TOK_ENDSWITH: return AST_ENDSWITH;
    case TOK_IENDSWITH: return AST_IENDSWITH;
    case TOK_IEQUALS: return AST_IEQUALS;
    default: return AST_OP_COUNT;
    }
}

/* 'matches' REGEX, after a primary expression; 'matches' was read. */
static enum candor_status matches(struct parser *p, struct parser_value *v)
{
    struct ast_expr *re;
    enum candor_status rc;

    if (!parser_is(p, TOK_REGEX))
        return parser_syntax_error(p);
    if ((rc = parser_regexp(p, &re)) != CANDOR_OK)
        return rc;
    if (!parser_has_type(v->e, TYPE_STRING))
        return parser_error(p, "wrong type \"%s\" for matches operator",
                            parser_type_name(v->e));
    return node2(p, AST_MATCHES, TYPE_BOOL, v->e, re, v);
}

/* cmp_tail -> (CMP primary | 'matches' REGEX | '%'? 'of' of_rest)?, after
 * the primary expression v */
static enum candor_status cmp_tail(struct parser *p, struct parser_value *v)
{
    enum token_kind k = parser_peek(p)->kind;
    enum ast_op op = compare_op(k);
    struct parser_value rhs;
    struct ast_expr *pct;
    enum candor_status rc;

    if (v->percent) {
        struct parser_value value = *v;
        parser_consume(p); /* 'of' */
        if ((pct = parser_node(p, AST_PERCENT, TYPE_INT)) == NULL)
            return CANDOR_ERROR_NOMEM;
        pct->a = v->e;
        return of_rest(p, pct, &value, v);
    }
    if (k == TOK_OF) {
        parser_consume(p);
        return of_rest(p, v->e, NULL, v);
    }
    if (k == TOK_MATCHES) {
        parser_consume(p);
        return matches(p, v);
    }
    if (op == AST_OP_COUNT)
        return CANDOR_OK;
    parser_consume(p);
    if ((rc = parser_primary(p, false, &rhs)) != CANDOR_OK ||
        (rc = parser_check_compare(p, op, v->e, rhs.e)) != CANDOR_OK)
        return rc;
    return node2(p, op, TYPE_BOOL, v->e, rhs.e, v);
}

/* '(' or_expr ')' in a boolean context; a primary expression inside keeps
 * being one and may go on: `(1) + 2 == 3`. */
static enum candor_status paren_expr(struct parser *p,
                                     struct parser_value *out)
{
    enum candor_status rc;

    if (++p->depth > PARSER_MAX_DEPTH)
        return parser_error(p, "memory exhausted");
    parser_consume(p);
    rc = or_expr(p, out);
    p->depth--;
    if (rc != CANDOR_OK || (rc = parser_expect(p, TOK_RPAREN)) != CANDOR_OK)
        return rc;
    if (!out->primary)
        return CANDOR_OK;
    if ((rc = parser_arith_rest(p, true, out)) != CANDOR_OK)
        return rc;
    return cmp_tail(p, out);
}

static enum candor_status for_expr(struct parser *p, struct parser_value *out);
static enum candor_status quant_word(struct parser *p, enum token_kind k,
                                     struct ast_expr **out);

/* cmp_expr -> 'true' | 'false' | string_found | for_expr
 *           | ('all' | 'any' | 'none') 'of' of_rest
 *           | '(' or_expr ')' | primary cmp_tail */
static enum candor_status cmp_expr(struct parser *p, struct parser_value *out)
{
    enum token_kind k = parser_peek(p)->kind;
    struct ast_expr *quant;
    enum candor_status rc;

    memset(out, 0, sizeof(*out));
    switch (k) {
    case TOK_TRUE:
    case TOK_FALSE:
        parser_consume(p);
        if ((out->e = parser_node(p, AST_BOOL, TYPE_BOOL)) == NULL)
            return CANDOR_ERROR_NOMEM;
        out->e->ival = k == TOK_TRUE;
        return CANDOR_OK;
    case TOK_STRING_ID:
        return string_found(p, out);
    case TOK_FOR:
        return for_expr(p, out);
    case TOK_ALL:
    case TOK_ANY:
    case TOK_NONE:
        if ((rc = quant_word(p, k, &quant)) != CANDOR_OK ||
            (rc = parser_expect(p, TOK_OF)) != CANDOR_OK)
            return rc;
        return of_rest(p, quant, NULL, out);
    case TOK_LPAREN:
        return paren_expr(p, out);
    default:
        if ((rc = parser_primary(p, true, out)) != CANDOR_OK)
            return rc;
        return cmp_tail(p, out);
    }
}

/* ---- Loops ---------------------------------------------------------------- */

/* '(' or_expr ')': a loop's body, a boolean. */
static enum candor_status body(struct parser *p, struct ast_expr **out)
{
    struct parser_value v;
    enum candor_status rc;

    if ((rc = parser_expect(p, TOK_LPAREN)) != CANDOR_OK ||
        (rc = or_expr(p, &v)) != CANDOR_OK)
        return rc;
    parser_to_bool(p, v.e);
    *out = v.e;
    return parser_expect(p, TOK_RPAREN);
}

/* yara counts a loop as open from its first variable, or from the ':'
 * of a for..of; at most four may be open at once. */
static enum candor_status open_loop(struct parser *p)
{
    if (p->n_loops == PARSER_MAX_LOOPS)
        return parser_error(p, "loop nesting limit exceeded");
    p->n_loops++;
    return CANDOR_OK;
}

/* for_of -> string_set ':' body; 'of' was read. pct is the value of a
 * percentage quantifier (YARA's documentation; 4.2.3 refuses it). */
static enum candor_status for_of(struct parser *p, struct ast_expr *quant,
                                 const struct parser_value *pct,
                                 struct parser_value *out)
{
    struct vec set;
    struct ast_expr *e;
    enum candor_status rc;

    vec_init(&set, sizeof(uint32_t));
    if (parser_accept(p, TOK_THEM))
        rc = them(p, &set);
    else if ((rc = parser_expect(p, TOK_LPAREN)) == CANDOR_OK)
        rc = string_items(p, &set);
    if (rc == CANDOR_OK)
        rc = check_percent(p, pct);
    if (rc == CANDOR_OK)
        rc = parser_expect(p, TOK_COLON);
    if (rc == CANDOR_OK)
        rc = open_loop(p);
    if (rc == CANDOR_OK && p->in_for_of)
        rc = parser_error(p, "'for <quantifier> of <string set>' loops "
                             "can't be nested");
    if (rc == CANDOR_OK && (e = parser_node(p, AST_FOR_OF, TYPE_BOOL)) != NULL) {
        e->quant = quant;
        e->n_set = (uint32_t)set.n;
        e->set = set_copy(p, &set);
        p->in_for_of = true;
        rc = body(p, &e->a);
        p->in_for_of = false;
        p->n_loops--;
        memset(out, 0, sizeof(*out));
        out->e = e;
    }
    vec_fini(&set);
    return p->nomem ? CANDOR_ERROR_NOMEM : rc;
}

/* vars -> IDENT (',' IDENT)*: declared now, typed by the iterator later */
static enum candor_status loop_vars(struct parser *p, unsigned *n_new)
{
    enum candor_status rc;

    do {
        const struct token *t = parser_peek(p);
        struct parser_var *v;
        char *name;

        if (t->kind != TOK_IDENT)
            return parser_syntax_error(p);
        if ((name = parser_strdup(p, t->text, t->len)) == NULL)
            return CANDOR_ERROR_NOMEM;
        parser_consume(p);
        if (*n_new == 0 && (rc = open_loop(p)) != CANDOR_OK)
            return rc;
        if (*n_new == PARSER_MAX_LOOP_VARS)
            return parser_error(p, "too many loop variables");
        for (unsigned i = 0; i < p->n_vars; i++) {
            if (strcmp(p->vars[i].name, name) == 0)
                return parser_error(p, "duplicated loop identifier \"%s\"",
                                    name);
        }
        v = &p->vars[p->n_vars];
        v->name = name;
        v->slot = (int32_t)p->n_vars++;
        v->pending = true;
        v->type = TYPE_INT;
        v->decl = NULL;
        v->decl_elem = false;
        (*n_new)++;
    } while (parser_accept(p, TOK_COMMA));
    if (p->n_vars > p->max_slots)
        p->max_slots = p->n_vars;
    return CANDOR_OK;
}

/* enum_rest -> (',' primary)* ')', after the first value */
static enum candor_status enum_rest(struct parser *p, struct parser_value *v,
                                    struct ast_expr **out)
{
    struct vec items;
    struct ast_expr *e = NULL;
    enum candor_status rc = CANDOR_OK;

    vec_init(&items, sizeof(struct ast_expr *));
    for (;;) {
        struct ast_expr **slot;
        if (!parser_is_int(v->e)) {
            rc = parser_error(p, "wrong type for enumeration item");
            break;
        }
        if ((slot = vec_push(&items)) == NULL) {
            rc = parser_oom(p);
            break;
        }
        *slot = v->e;
        if (!parser_accept(p, TOK_COMMA))
            break;
        if ((rc = parser_primary(p, false, v)) != CANDOR_OK)
            break;
    }
    if (rc == CANDOR_OK && (rc = parser_expect(p, TOK_RPAREN)) == CANDOR_OK &&
        (e = parser_node(p, AST_ENUM, TYPE_INT)) != NULL) {
        e->n_list = (uint32_t)items.n;
        e->list = arena_alloc_array(&p->prog->arena, items.n, sizeof(*e->list));
        if (e->list == NULL)
            p->nomem = true;
        else
            memcpy(e->list, items.data, items.n * sizeof(*e->list));
        *out = e;
    }
    vec_fini(&items);
    return p->nomem ? CANDOR_ERROR_NOMEM : rc;
}

/* iterator -> '(' primary ('..' primary ')' | enum_rest) | identifier */
static enum candor_status iterator(struct parser *p, struct ast_expr **out)
{
    struct parser_value v;
    enum candor_status rc;

    if (parser_is(p, TOK_IDENT)) {
        if ((rc = parser_identifier(p, true, &v)) != CANDOR_OK)
            return rc;
        *out = v.e;
        return CANDOR_OK;
    }
    if ((rc = parser_expect(p, TOK_LPAREN)) != CANDOR_OK ||
        (rc = parser_primary(p, false, &v)) != CANDOR_OK)
        return rc;
    if (parser_is(p, TOK_DOTDOT))
        return parser_range_rest(p, &v, out);
    return enum_rest(p, &v, out);
}

/* for_in -> vars 'in' iterator ':' body, after the quantifier */
static enum candor_status for_in(struct parser *p, struct ast_expr *quant,
                                 struct parser_value *out)
{
    unsigned n_new = 0, first = p->n_vars;
    struct ast_expr *e, *it;
    enum candor_status rc;

    if ((rc = loop_vars(p, &n_new)) != CANDOR_OK ||
        (rc = parser_expect(p, TOK_IN)) != CANDOR_OK ||
        (rc = iterator(p, &it)) != CANDOR_OK)
        return rc;
    if ((it->op == AST_RANGE || it->op == AST_ENUM) && n_new != 1)
        return parser_error(p, "iterator yields an integer on each "
                               "iteration , but the loop expects %u",
                            n_new);
    if (it->decl != NULL) {
        const char *what = it->op == AST_FIELD ? it->str : "";
        bool dict = it->decl->type == MT_DICT;
        if (!dict && n_new != 1)
            return parser_error(p, "iterator for \"%s\" yields a single "
                                   "item on each iteration, but the loop "
                                   "expects %u",
                                what, n_new);
        if (dict && n_new != 2)
            return parser_error(p, "iterator for \"%s\" yields a key,value "
                                   "pair item on each iteration",
                                what);
    }
    for (unsigned i = first; i < p->n_vars; i++) {
        struct parser_var *v = &p->vars[i];
        v->pending = false;
        if (it->decl == NULL)
            continue; /* a range or enumeration: integers, as loop_vars set */
        if (it->decl->type == MT_DICT && i == first) {
            v->type = TYPE_STRING; /* the key */
            continue;
        }
        v->type = decl_type(it->decl->elem);
        v->decl = it->decl;
        v->decl_elem = true;
    }
    if ((rc = parser_expect(p, TOK_COLON)) != CANDOR_OK)
        return rc;
    if ((e = parser_node(p, AST_FOR_IN, TYPE_BOOL)) == NULL)
        return CANDOR_ERROR_NOMEM;
    e->quant = quant;
    e->ref = (int32_t)first;
    e->ival = n_new;
    e->b = it;
    if ((rc = body(p, &e->a)) != CANDOR_OK)
        return rc;
    p->n_vars = first;
    p->n_loops--;
    memset(out, 0, sizeof(*out));
    out->e = e;
    return CANDOR_OK;
}

/* A quantifier node: 'all' | 'any' | 'none'. */
static enum candor_status quant_word(struct parser *p, enum token_kind k,
                                     struct ast_expr **out)
{
    parser_consume(p);
    *out = parser_node(p, k == TOK_ALL   ? AST_QUANT_ALL
                          : k == TOK_ANY ? AST_QUANT_ANY
                                         : AST_QUANT_NONE,
                       TYPE_INT);
    return *out != NULL ? CANDOR_OK : CANDOR_ERROR_NOMEM;
}

/* for_expr -> 'for' ('all' | 'any' | 'none' | primary '%'?)
 *             ('of' for_of | for_in) */
static enum candor_status for_expr(struct parser *p, struct parser_value *out)
{
    enum token_kind k;
    struct parser_value q;
    struct ast_expr *quant;
    enum candor_status rc;

    parser_consume(p);
    k = parser_peek(p)->kind;
    memset(&q, 0, sizeof(q));
    if (k == TOK_ALL || k == TOK_ANY || k == TOK_NONE) {
        if ((rc = quant_word(p, k, &quant)) != CANDOR_OK)
            return rc;
    } else if ((rc = parser_primary(p, true, &q)) != CANDOR_OK) {
        return rc;
    } else if (q.percent) {
        if ((quant = parser_node(p, AST_PERCENT, TYPE_INT)) == NULL)
            return CANDOR_ERROR_NOMEM;
        quant->a = q.e;
    } else {
        quant = q.e;
    }
    if (parser_accept(p, TOK_OF))
        return for_of(p, quant, q.percent ? &q : NULL, out);
    if (parser_is(p, TOK_IDENT))
        return for_in(p, quant, out);
    return parser_syntax_error(p);
}

/* ---- Identifiers ---------------------------------------------------------- */

/* The first name of an identifier: a loop variable, an external variable,
 * an imported module, or a rule of the namespace, in yara's order. */
static enum candor_status resolve(struct parser *p, const char *name,
                                  struct ast_expr **out)
{
    struct ast_expr *e = NULL;
    uint64_t index;

    for (unsigned i = p->n_vars; i-- > 0;) {
        if (strcmp(p->vars[i].name, name) == 0) {
            e = parser_node(p, AST_LOOP_VAR, p->vars[i].type);
            if (e != NULL) {
                e->ref = p->vars[i].slot;
                e->ival = p->vars[i].pending;
                e->decl = p->vars[i].decl;
                e->decl_elem = p->vars[i].decl_elem;
            }
            *out = e;
            return e != NULL ? CANDOR_OK : CANDOR_ERROR_NOMEM;
        }
    }
    for (size_t i = 0; i < p->prog->externals.n; i++) {
        const struct ast_external *x = vec_at(&p->prog->externals, i);
        static const enum ast_type types[] = {TYPE_INT, TYPE_FLOAT, TYPE_INT,
                                              TYPE_STRING};
        if (strcmp(x->name, name) == 0 &&
            (e = parser_node(p, AST_EXTERNAL, types[x->type])) != NULL)
            e->ref = (int32_t)i;
        if (strcmp(x->name, name) == 0) {
            *out = e;
            return e != NULL ? CANDOR_OK : CANDOR_ERROR_NOMEM;
        }
    }
    if (parser_imported(p, name, strlen(name))) {
        const struct module *m = module_find(name, strlen(name));
        if ((e = parser_node(p, AST_MODULE, TYPE_UNKNOWN)) != NULL) {
            e->str = name;
            e->decl = &unknown_module; /* after an import error */
            if (m != NULL) {
                e->decl = &m->root;
                e->ref = (int32_t)module_index(m);
            }
        }
    } else if (parser_rule_lookup(p, name, strlen(name), &index)) {
        if ((e = parser_node(p, AST_RULE_REF, TYPE_BOOL)) != NULL)
            e->ref = index == PARSER_NAME_FAILED ? 0 : (int32_t)index;
    } else {
        return parser_error(p, "undefined identifier \"%s\"", name);
    }
    *out = e;
    return e != NULL ? CANDOR_OK : CANDOR_ERROR_NOMEM;
}

/* args -> (or_expr (',' or_expr)*)? ')'; '(' was read */
static enum candor_status call_args(struct parser *p, struct ast_expr *call)
{
    struct vec args;
    struct parser_value v;
    enum candor_status rc = CANDOR_OK;

    vec_init(&args, sizeof(struct ast_expr *));
    if (!parser_is(p, TOK_RPAREN)) {
        do {
            struct ast_expr **slot;
            if ((rc = or_expr(p, &v)) != CANDOR_OK)
                break;
            if ((slot = vec_push(&args)) == NULL) {
                rc = parser_oom(p);
                break;
            }
            *slot = v.e;
        } while (parser_accept(p, TOK_COMMA));
    }
    if (rc == CANDOR_OK && (rc = parser_expect(p, TOK_RPAREN)) == CANDOR_OK &&
        args.n > 0) {
        call->n_list = (uint32_t)args.n;
        call->list = arena_alloc_array(&p->prog->arena, args.n,
                                       sizeof(*call->list));
        if (call->list == NULL)
            rc = parser_oom(p);
        else
            memcpy(call->list, args.data, args.n * sizeof(*call->list));
    }
    vec_fini(&args);
    return rc;
}

/* The type of a module value of declared type t. */
static enum ast_type decl_type(unsigned t)
{
    switch (t) {
    case MT_INT: return TYPE_INT;
    case MT_FLOAT: return TYPE_FLOAT;
    case MT_STRING: return TYPE_STRING;
    default: return TYPE_UNKNOWN;
    }
}

/* Whether e is a structure of a module with a schema. */
static bool is_struct(const struct ast_expr *e)
{
    return e->decl != NULL &&
           (e->decl_elem ? e->decl->elem == MT_STRUCT
                         : e->decl->type == MT_STRUCT);
}

static bool is_container(const struct ast_expr *e)
{
    return e->decl != NULL && !e->decl_elem &&
           (e->decl->type == MT_ARRAY || e->decl->type == MT_DICT);
}

static char arg_type(const struct ast_expr *e)
{
    switch (e->type) {
    case TYPE_INT: return 'i';
    case TYPE_FLOAT: return 'f';
    case TYPE_STRING: return 's';
    case TYPE_BOOL: return 'b';
    case TYPE_REGEXP: return 'r';
    default: return '?';
    }
}

/*
 * n (a FIELD, INDEX or CALL node over n->a) against the schema. *name is
 * the name messages use, as yara's: the last field; after a call, the
 * call's argument types ("ii" is not a structure).
 */
static enum candor_status resolve_member(struct parser *p, struct ast_expr *n,
                                         const char **name)
{
    const struct ast_expr *obj = n->a;
    const struct mod_decl *d;

    if (n->op == AST_FIELD) {
        int m;
        if (!is_struct(obj))
            return parser_error(p, "\"%s\" is not a structure", *name);
        if ((m = mod_member(obj->decl, n->str, n->str_len)) < 0)
            return parser_error(p, "invalid field name \"%s\"", n->str);
        d = &obj->decl->members[m];
        n->ref = m;
        n->decl = d;
        n->type = decl_type(d->type);
        *name = n->str;
        return CANDOR_OK;
    }
    if (n->op == AST_INDEX) {
        if (!is_container(obj))
            return parser_error(p, "\"%s\" is not an array or dictionary",
                                *name);
        if (obj->decl->type == MT_ARRAY && !parser_is_int(n->b))
            return parser_error(p, "array indexes must be of integer type");
        if (obj->decl->type == MT_DICT &&
            !parser_has_type(n->b, TYPE_STRING))
            return parser_error(p, "dictionary keys must be of string type");
        n->decl = obj->decl;
        n->decl_elem = true;
        n->type = decl_type(obj->decl->elem);
        return CANDOR_OK;
    }
    d = obj->decl;
    /* A call's result carries its function's declaration: not callable. */
    if (obj->op == AST_CALL || obj->decl_elem || d->type != MT_FUNC)
        return parser_error(p, "\"%s\" is not a function", *name);
    /* A loop variable read in its own range has no type yet. */
    for (uint32_t k = 0; k < n->n_list; k++) {
        if (!parser_has_type(n->list[k], n->list[k]->type))
            return parser_error(p,
                                "unknown type for argument %u in function "
                                "call",
                                (unsigned)k + 1);
    }
    {
        char sig[64];
        uint32_t k = 0;
        for (; k < n->n_list && k + 1 < sizeof(sig); k++)
            sig[k] = arg_type(n->list[k]);
        sig[k] = '\0';
        for (uint16_t i = 0; i < d->n_overloads; i++) {
            const struct mod_overload *o = &d->overloads[i];
            if (k == n->n_list && strcmp(o->args, sig) == 0) {
                n->ref = i;
                n->decl = d;
                n->type = o->ret == 'i'   ? TYPE_INT
                          : o->ret == 'f' ? TYPE_FLOAT
                          : o->ret == 's' ? TYPE_STRING
                                          : TYPE_BOOL;
                if ((*name = parser_strdup(p, sig, k)) == NULL)
                    return CANDOR_ERROR_NOMEM;
                return CANDOR_OK;
            }
        }
        return parser_error(p, "wrong arguments for function \"%s\"",
                            *name);
    }
}

/* One of '.' IDENT | '[' primary ']' | '(' args ')' after e. */
static enum candor_status postfix(struct parser *p, const char **name,
                                  struct ast_expr **e)
{
    enum token_kind k = parser_peek(p)->kind;
    struct ast_expr *n;
    struct parser_value idx;
    enum candor_status rc;

    parser_consume(p);
    n = parser_node(p, k == TOK_DOT ? AST_FIELD
                       : k == TOK_LBRACKET ? AST_INDEX : AST_CALL,
                    TYPE_UNKNOWN);
    if (n == NULL)
        return CANDOR_ERROR_NOMEM;
    n->a = *e;
    if (k == TOK_DOT) {
        const struct token *t = parser_peek(p);
        if (t->kind != TOK_IDENT)
            return parser_syntax_error(p);
        if ((n->str = parser_strdup(p, t->text, t->len)) == NULL)
            return CANDOR_ERROR_NOMEM;
        n->str_len = t->len;
        parser_consume(p);
    } else if (k == TOK_LBRACKET) {
        if ((rc = parser_primary(p, false, &idx)) != CANDOR_OK ||
            (rc = parser_expect(p, TOK_RBRACKET)) != CANDOR_OK)
            return rc;
        n->b = idx.e;
    } else if ((rc = call_args(p, n)) != CANDOR_OK) {
        return rc;
    }
    if ((*e)->decl == NULL)
        return parser_error(p, k == TOK_DOT ? "\"%s\" is not a structure"
                               : k == TOK_LBRACKET
                                   ? "\"%s\" is not an array or dictionary"
                                   : "\"%s\" is not a function",
                            *name);
    if ((rc = resolve_member(p, n, name)) != CANDOR_OK)
        return rc;
    *e = n;
    return CANDOR_OK;
}

/* identifier -> IDENT ('.' IDENT | '[' primary ']' | '(' args ')')* */
enum candor_status parser_identifier(struct parser *p, bool iterator,
                                     struct parser_value *out)
{
    const struct token *t = parser_peek(p);
    const char *name = parser_strdup(p, t->text, t->len);
    struct ast_expr *e = NULL;
    enum candor_status rc;

    if (name == NULL)
        return CANDOR_ERROR_NOMEM;
    parser_consume(p);
    if ((rc = resolve(p, name, &e)) != CANDOR_OK)
        return rc;
    for (;;) {
        enum token_kind k = parser_peek(p)->kind;
        if (k != TOK_DOT && k != TOK_LBRACKET && k != TOK_LPAREN)
            break;
        if ((rc = postfix(p, &name, &e)) != CANDOR_OK)
            return rc;
    }
    if (iterator && !is_container(e))
        return parser_error(p, "identifier \"%s\" is not iterable", name);
    if (!iterator && e->decl != NULL && e->type == TYPE_UNKNOWN)
        return parser_error(p, "wrong usage of identifier \"%s\"", name);
    memset(out, 0, sizeof(*out));
    out->e = e;
    out->primary = true;
    return CANDOR_OK;
}

/* ---- The boolean levels ---------------------------------------------------- */

/* not_expr -> ('not' | 'defined') not_expr | cmp_expr */
static enum candor_status not_expr(struct parser *p, struct parser_value *out)
{
    enum token_kind k = parser_peek(p)->kind;
    enum candor_status rc;

    if (k != TOK_NOT && k != TOK_DEFINED)
        return cmp_expr(p, out);
    if (++p->depth > PARSER_MAX_DEPTH)
        return parser_error(p, "memory exhausted");
    parser_consume(p);
    rc = not_expr(p, out);
    p->depth--;
    if (rc != CANDOR_OK)
        return rc;
    parser_to_bool(p, out->e);
    return node2(p, k == TOK_NOT ? AST_NOT : AST_DEFINED, TYPE_BOOL, out->e,
                 NULL, out);
}

/* and_expr -> not_expr ('and' not_expr)*, and or_expr likewise with 'or' */
static enum candor_status logic(struct parser *p, enum token_kind k,
                                struct parser_value *out)
{
    struct parser_value rhs;
    enum candor_status rc;

    rc = k == TOK_OR ? logic(p, TOK_AND, out) : not_expr(p, out);
    while (rc == CANDOR_OK && parser_accept(p, k)) {
        parser_to_bool(p, out->e);
        rc = k == TOK_OR ? logic(p, TOK_AND, &rhs) : not_expr(p, &rhs);
        if (rc != CANDOR_OK)
            return rc;
        parser_to_bool(p, rhs.e);
        rc = node2(p, k == TOK_OR ? AST_OR : AST_AND, TYPE_BOOL, out->e,
                   rhs.e, out);
    }
    return rc;
}

static enum candor_status or_expr(struct parser *p, struct parser_value *out)
{
    return logic(p, TOK_OR, out);
}

enum candor_status parser_bool_expr(struct parser *p, struct ast_expr **out)
{
    struct parser_value v;
    enum candor_status rc = or_expr(p, &v);

    if (rc == CANDOR_OK)
        *out = v.e;
    return rc;
}

/* condition -> or_expr, used as a boolean */
enum candor_status parser_condition(struct parser *p, struct ast_expr **out)
{
    enum candor_status rc = parser_bool_expr(p, out);

    if (rc == CANDOR_OK)
        parser_to_bool(p, *out);
    return rc;
}
