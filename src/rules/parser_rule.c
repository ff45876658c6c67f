/*
 * parser_rule.c - rule declarations: modifiers, name, tags, meta, strings
 * and their modifiers; the checks yara makes when a rule starts (its name)
 * and when it ends (unreferenced strings).
 *
 * Rule names live in prog->rule_names as "ns:name" -> index in
 * prog->rules. A name is entered when its declaration starts, so a rule
 * may refer to itself and a later duplicate is caught even when the first
 * rule failed (its value is then PARSER_NAME_FAILED). The same map keeps
 * the parser's other per-namespace facts under keys no rule name can have:
 * "ns:prefix*" for each rule wildcard used, "ns:\"module\"" for each
 * import (value PARSER_NAME_WILDCARD).
 */
#include "rules/parser_int.h"

#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "rules/re.h"

/* Text string modifiers, with what yara allows for each kind. */
struct mods {
    unsigned flags;            /* MOD_* */
    uint8_t xor_min, xor_max;
    const char *alphabet;      /* base64 alphabet, 64 bytes */
};

/* ---- Names --------------------------------------------------------------- */

/* "ns:name" in the arena (the map keeps pointers to its keys). */
static const char *name_key(struct parser *p, const char *name, size_t len,
                            const char *suffix, size_t *key_len)
{
    size_t n = strlen(p->ns) + len + strlen(suffix) + 2;
    char *key = arena_alloc(&p->prog->arena, n);

    if (key == NULL) {
        p->nomem = true;
        return NULL;
    }
    snprintf(key, n, "%s:%.*s%s", p->ns, (int)len, name, suffix);
    *key_len = n - 1;
    return key;
}

bool parser_rule_lookup(struct parser *p, const char *name, size_t len,
                        uint64_t *index)
{
    char key[512];
    int n = snprintf(key, sizeof(key), "%s:%.*s", p->ns, (int)len, name);

    if (n < 0 || (size_t)n >= sizeof(key) ||
        !map_get(&p->prog->rule_names, key, (size_t)n, index))
        return false;
    return *index != PARSER_NAME_WILDCARD;
}

static bool is_external(struct parser *p, const char *name)
{
    for (size_t i = 0; i < p->prog->externals.n; i++) {
        const struct ast_external *x = vec_at(&p->prog->externals, i);
        if (strcmp(x->name, name) == 0)
            return true;
    }
    return false;
}

/* Whether a rule wildcard used earlier in the namespace covers name. */
static bool wildcard_covers(struct parser *p, const char *name)
{
    char key[512];
    size_t len = strlen(name);
    uint64_t v;

    for (size_t k = 0; k <= len; k++) {
        int n = snprintf(key, sizeof(key), "%s:%.*s*", p->ns, (int)k, name);
        if (n > 0 && (size_t)n < sizeof(key) &&
            map_get(&p->prog->rule_names, key, (size_t)n, &v))
            return true;
    }
    return false;
}

/* yara's first phase of a rule, when its name has been read: the name
 * must be new, and from now on messages name the rule. */
static enum candor_status declare(struct parser *p, const char *name,
                                  unsigned flags, struct ast_rule **out)
{
    struct ast_rule *r;
    const char *key;
    size_t key_len;
    uint64_t v;

    if (parser_rule_lookup(p, name, strlen(name), &v) || is_external(p, name))
        return parser_error(p, "duplicated identifier \"%s\"", name);
    if (wildcard_covers(p, name))
        return parser_error(p,
                            "rule identifier \"%s\" matches previously used "
                            "wildcard rule set",
                            name);
    key = name_key(p, name, strlen(name), "", &key_len);
    r = arena_alloc(&p->prog->arena, sizeof(*r));
    if (key == NULL || r == NULL ||
        !map_put(&p->prog->rule_names, key, key_len, p->prog->rules.n))
        return parser_oom(p);
    r->name = name;
    r->ns = p->ns;
    r->ns_index = p->ns_index;
    r->index = (uint32_t)p->prog->rules.n;
    r->flags = flags;
    r->file = p->src[p->n_src - 1].name;
    r->line = p->line;
    p->cur_rule = name;
    *out = r;
    return CANDOR_OK;
}

/* Forgets the rule being parsed; a failed one stays declared. */
static void reset_rule(struct parser *p, bool failed)
{
    if (failed && p->rule != NULL) {
        size_t n;
        const char *key = name_key(p, p->rule->name, strlen(p->rule->name),
                                   "", &n);
        if (key != NULL &&
            !map_put(&p->prog->rule_names, key, n, PARSER_NAME_FAILED))
            p->nomem = true;
    }
    p->rule = NULL;
    p->strings.n = 0;
    p->metas.n = 0;
    p->tags.n = 0;
    map_fini(&p->string_ids);
    map_init(&p->string_ids);
    map_fini(&p->tag_ids);
    map_init(&p->tag_ids);
    p->n_vars = 0;
    p->max_slots = 0;
    p->n_loops = 0;
    p->in_for_of = false;
    p->depth = 0;
}

/* ---- Tags and meta ----------------------------------------------------- */

/* tags -> (':' IDENT+)? */
static enum candor_status parse_tags(struct parser *p)
{
    if (!parser_accept(p, TOK_COLON))
        return CANDOR_OK;
    if (!parser_is(p, TOK_IDENT))
        return parser_syntax_error(p);
    while (parser_is(p, TOK_IDENT)) {
        const struct token *t = parser_peek(p);
        const char *tag = parser_strdup(p, t->text, t->len);
        const char **slot;

        uint64_t v;

        parser_consume(p);
        if (tag == NULL)
            return CANDOR_ERROR_NOMEM;
        if (map_get(&p->tag_ids, tag, strlen(tag), &v))
            return parser_error(p, "duplicated tag identifier \"%s\"", tag);
        slot = vec_push(&p->tags);
        if (slot == NULL || !map_put(&p->tag_ids, tag, strlen(tag), 1))
            return parser_oom(p);
        *slot = tag;
    }
    return CANDOR_OK;
}

/* meta_value -> TEXT | INT | '-' INT | 'true' | 'false' */
static enum candor_status meta_value(struct parser *p, struct ast_meta *m)
{
    const struct token *t = parser_peek(p);
    bool negative = false;

    if (t->kind == TOK_MINUS) {
        parser_consume(p);
        t = parser_peek(p);
        negative = true;
        if (t->kind != TOK_INT)
            return parser_syntax_error(p);
    }
    switch (t->kind) {
    case TOK_TEXT:
        m->type = META_STRING;
        m->str = t->str;
        m->str_len = t->str_len;
        break;
    case TOK_INT:
        m->type = META_INT;
        m->ival = negative ? -t->ival : t->ival;
        break;
    case TOK_TRUE:
    case TOK_FALSE:
        m->type = META_BOOL;
        m->ival = t->kind == TOK_TRUE;
        break;
    default:
        return parser_syntax_error(p);
    }
    parser_consume(p);
    return CANDOR_OK;
}

/* meta -> 'meta' ':' (IDENT '=' meta_value)+ */
static enum candor_status parse_meta(struct parser *p)
{
    enum candor_status rc;

    if (!parser_accept(p, TOK_META))
        return CANDOR_OK;
    if ((rc = parser_expect(p, TOK_COLON)) != CANDOR_OK)
        return rc;
    if (!parser_is(p, TOK_IDENT))
        return parser_syntax_error(p);
    while (parser_is(p, TOK_IDENT)) {
        const struct token *t = parser_peek(p);
        struct ast_meta m = {NULL, META_INT, 0, NULL, 0};
        struct ast_meta *slot;

        if ((m.id = parser_strdup(p, t->text, t->len)) == NULL)
            return CANDOR_ERROR_NOMEM;
        parser_consume(p);
        if ((rc = parser_expect(p, TOK_ASSIGN)) != CANDOR_OK ||
            (rc = meta_value(p, &m)) != CANDOR_OK)
            return rc;
        if ((slot = vec_push(&p->metas)) == NULL)
            return parser_oom(p);
        *slot = m;
    }
    return CANDOR_OK;
}

/* ---- String modifiers -------------------------------------------------- */

/* xor_args -> ('(' INT ('-' INT)? ')')? */
static enum candor_status xor_args(struct parser *p, struct mods *m)
{
    int64_t lo, hi;
    enum candor_status rc;

    m->xor_min = 0;
    m->xor_max = 255;
    if (!parser_accept(p, TOK_LPAREN))
        return CANDOR_OK;
    if (!parser_is(p, TOK_INT))
        return parser_syntax_error(p);
    lo = hi = parser_peek(p)->ival;
    parser_consume(p);
    if (parser_accept(p, TOK_MINUS)) {
        if (!parser_is(p, TOK_INT))
            return parser_syntax_error(p);
        hi = parser_peek(p)->ival;
        parser_consume(p);
        if ((rc = parser_expect(p, TOK_RPAREN)) != CANDOR_OK)
            return rc;
        if (lo > hi)
            return parser_error(p, "xor lower bound exceeds upper bound");
        if (hi > 255)
            return parser_error(p,
                                "upper bound for xor range exceeded (max: 255)");
    } else {
        if ((rc = parser_expect(p, TOK_RPAREN)) != CANDOR_OK)
            return rc;
        if (lo > 255)
            return parser_error(p, "invalid xor range");
    }
    m->xor_min = (uint8_t)lo;
    m->xor_max = (uint8_t)hi;
    return CANDOR_OK;
}

/* base64_args -> ('(' TEXT ')')? */
static enum candor_status base64_args(struct parser *p, struct mods *m)
{
    const struct token *t;
    const char *alphabet;
    size_t len;
    enum candor_status rc;

    if (!parser_accept(p, TOK_LPAREN))
        return CANDOR_OK;
    t = parser_peek(p);
    if (t->kind != TOK_TEXT)
        return parser_syntax_error(p);
    alphabet = t->str;
    len = t->str_len;
    parser_consume(p);
    if ((rc = parser_expect(p, TOK_RPAREN)) != CANDOR_OK)
        return rc;
    if (len != 64)
        return parser_error(p, "length of base64 alphabet must be 64");
    if (m->alphabet != NULL && memcmp(m->alphabet, alphabet, 64) != 0)
        return parser_error(p, "can not specify multiple alphabets");
    m->alphabet = alphabet;
    return CANDOR_OK;
}

/* The MOD_* bit of a modifier token allowed for kind, or 0. */
static unsigned modifier_bit(enum token_kind k, enum ast_string_kind kind)
{
    if (k == TOK_PRIVATE)
        return MOD_PRIVATE;
    if (kind == AST_STRING_HEX)
        return 0;
    switch (k) {
    case TOK_NOCASE: return MOD_NOCASE;
    case TOK_WIDE: return MOD_WIDE;
    case TOK_ASCII: return MOD_ASCII;
    case TOK_FULLWORD: return MOD_FULLWORD;
    default: break;
    }
    if (kind == AST_STRING_REGEX)
        return 0;
    switch (k) {
    case TOK_XOR: return MOD_XOR;
    case TOK_BASE64: return MOD_BASE64;
    case TOK_BASE64WIDE: return MOD_BASE64WIDE;
    default: return 0;
    }
}

/* modifiers -> modifier*, the ones yara allows for the string's kind */
static enum candor_status parse_modifiers(struct parser *p,
                                          enum ast_string_kind kind,
                                          struct mods *m)
{
    unsigned bit;
    enum candor_status rc = CANDOR_OK;

    while ((bit = modifier_bit(parser_peek(p)->kind, kind)) != 0) {
        parser_consume(p);
        if (bit == MOD_XOR)
            rc = xor_args(p, m);
        else if (bit == MOD_BASE64 || bit == MOD_BASE64WIDE)
            rc = base64_args(p, m);
        if (rc != CANDOR_OK)
            return rc;
        if (m->flags & bit)
            return parser_error(p, "duplicated modifier");
        m->flags |= bit;
    }
    return CANDOR_OK;
}

/* ---- String declarations ------------------------------------------------ */

static enum candor_status check_combination(struct parser *p, unsigned f)
{
    static const struct {
        unsigned a, b;
        const char *text;
    } bad[] = {
        {MOD_XOR, MOD_NOCASE, "xor nocase"},
        {MOD_BASE64, MOD_NOCASE, "base64 nocase"},
        {MOD_BASE64WIDE, MOD_NOCASE, "base64wide nocase"},
        {MOD_BASE64, MOD_FULLWORD, "base64 fullword"},
        {MOD_BASE64WIDE, MOD_FULLWORD, "base64wide fullword"},
        {MOD_BASE64, MOD_XOR, "base64 xor"},
        {MOD_BASE64WIDE, MOD_XOR, "base64wide xor"},
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        if ((f & bad[i].a) && (f & bad[i].b))
            return parser_error(p, "invalid modifier combination: %s",
                                bad[i].text);
    }
    return CANDOR_OK;
}

/* Parses a hex string's or regex's body into s->re. */
static enum candor_status check_body(struct parser *p, struct ast_string *s)
{
    char err[256];
    bool ok;

    err[0] = '\0';
    if (s->kind == AST_STRING_HEX)
        ok = re_parse_hex(&p->prog->arena, s->text, s->text_len, &s->re, err,
                          sizeof(err));
    else
        ok = re_parse_regex(&p->prog->arena, s->text, s->text_len,
                            s->re_flags, &s->re, err, sizeof(err));
    if (ok)
        return CANDOR_OK;
    return parser_error(p, "invalid %s \"%s\": %s",
                        s->kind == AST_STRING_HEX ? "hex string"
                                                  : "regular expression",
                        s->id, err);
}

/* What yara checks when a string's declaration is complete, in its order. */
static enum candor_status check_string(struct parser *p, struct ast_string *s)
{
    uint64_t v;
    enum candor_status rc;

    if (strcmp(s->id, "$") != 0 &&
        map_get(&p->string_ids, s->id, strlen(s->id), &v))
        return parser_error(p, "duplicated string identifier \"%s\"", s->id);
    if (s->kind == AST_STRING_TEXT && s->text_len == 0)
        return parser_error(p, "empty string \"%s\"", s->id);
    if (s->kind == AST_STRING_TEXT &&
        (rc = check_combination(p, s->mods)) != CANDOR_OK)
        return rc;
    if (s->kind != AST_STRING_TEXT && (rc = check_body(p, s)) != CANDOR_OK)
        return rc;
    return CANDOR_OK;
}

/* The value of a declaration, copied out of the source. */
static enum candor_status string_value(struct parser *p, struct ast_string *s)
{
    const struct token *t = parser_peek(p);

    switch (t->kind) {
    case TOK_TEXT:
        s->kind = AST_STRING_TEXT;
        s->text = (const uint8_t *)t->str;
        s->text_len = t->str_len;
        break;
    case TOK_HEX:
    case TOK_REGEX:
        s->kind = t->kind == TOK_HEX ? AST_STRING_HEX : AST_STRING_REGEX;
        s->re_flags = t->re_flags;
        s->text = (const uint8_t *)parser_strdup(p, t->text, t->len);
        s->text_len = t->len;
        if (s->text == NULL)
            return CANDOR_ERROR_NOMEM;
        break;
    default:
        return parser_syntax_error(p);
    }
    /* yara takes the line of the value for every message about the
     * declaration, until the declaration ends. */
    p->fixed_line = p->line;
    s->line = p->line;
    parser_consume(p);
    return CANDOR_OK;
}

/* string -> STRING_ID '=' (TEXT | HEX | REGEX) modifiers */
static enum candor_status parse_string(struct parser *p)
{
    const struct token *t = parser_peek(p);
    struct ast_string s;
    struct mods m = {0, 0, 0, NULL};
    struct ast_string *slot;
    enum candor_status rc;

    memset(&s, 0, sizeof(s));
    if ((s.id = parser_strdup(p, t->text, t->len)) == NULL)
        return CANDOR_ERROR_NOMEM;
    parser_consume(p);
    if ((rc = parser_expect(p, TOK_ASSIGN)) != CANDOR_OK ||
        (rc = string_value(p, &s)) != CANDOR_OK ||
        (rc = parse_modifiers(p, s.kind, &m)) != CANDOR_OK)
        return rc;
    s.mods = m.flags;
    s.xor_min = m.xor_min;
    s.xor_max = m.xor_max;
    s.base64_alphabet = m.alphabet;
    if ((rc = check_string(p, &s)) != CANDOR_OK)
        return rc;
    p->fixed_line = 0;
    if ((slot = vec_push(&p->strings)) == NULL ||
        (strcmp(s.id, "$") != 0 &&
         !map_put(&p->string_ids, s.id, strlen(s.id), p->strings.n - 1)))
        return parser_oom(p);
    *slot = s;
    /* yara warns about slow strings as it declares them: the caller can
     * tell, with the matcher's verdict. */
    if (p->opts->on_string != NULL)
        p->opts->on_string(p->opts->on_string_ctx, p->diag,
                           p->src[p->n_src - 1].name, p->rule->name, slot);
    return CANDOR_OK;
}

/* strings -> 'strings' ':' string+ */
static enum candor_status parse_strings(struct parser *p)
{
    enum candor_status rc;

    if (!parser_accept(p, TOK_STRINGS))
        return CANDOR_OK;
    if ((rc = parser_expect(p, TOK_COLON)) != CANDOR_OK)
        return rc;
    if (!parser_is(p, TOK_STRING_ID))
        return parser_syntax_error(p);
    while (parser_is(p, TOK_STRING_ID)) {
        if ((rc = parse_string(p)) != CANDOR_OK)
            return rc;
    }
    return CANDOR_OK;
}

/* ---- Rules --------------------------------------------------------------- */

/* Copies a vector's elements into the arena. */
static void *arena_copy(struct parser *p, const struct vec *v)
{
    void *copy;

    if (v->n == 0)
        return NULL;
    copy = arena_alloc_array(&p->prog->arena, v->n, v->elem);
    if (copy == NULL)
        p->nomem = true;
    else
        memcpy(copy, v->data, v->n * v->elem);
    return copy;
}

/* A flat sequence of bytes: one LITERAL or a CONCAT of LITERALs. */
static bool flat_bytes(const struct re_node *n)
{
    if (n->kind == RE_LITERAL)
        return true;
    if (n->kind != RE_CONCAT)
        return false;
    for (uint32_t i = 0; i < n->n_kids; i++) {
        if (n->kids[i]->kind != RE_LITERAL)
            return false;
    }
    return true;
}

/* Whether yara 4.2.3 takes s as a literal (only those keep a fixed
 * offset): text strings but base64 ones, and hex strings and regexes that
 * are a flat run of bytes. A group inside a regex, even `(a)`, or a
 * group of several bytes inside a hex string makes it not literal; the
 * hex parser folds a one-byte group or a group that is the whole string
 * away, as yara's does. */
static bool yara_literal(const struct ast_string *s)
{
    if (s->kind == AST_STRING_TEXT)
        return !(s->mods & (MOD_BASE64 | MOD_BASE64WIDE));
    if (s->re == NULL || !flat_bytes(s->re))
        return false;
    if (s->kind == AST_STRING_REGEX) {
        for (size_t i = 0; i < s->text_len; i++) {
            if (s->text[i] == '\\')
                i++;
            else if (s->text[i] == '(')
                return false;
        }
    }
    return true;
}

/* How many strings yara makes of s: a hex string is cut in pieces at
 * each jump of its top level that is unbounded or longer than 200. */
static uint64_t yara_pieces(const struct ast_string *s)
{
    uint64_t n = 1;

    if (s->kind != AST_STRING_HEX || s->re == NULL || s->re->kind != RE_CONCAT)
        return 1;
    for (uint32_t i = 0; i < s->re->n_kids; i++) {
        const struct re_node *k = s->re->kids[i];
        n += k->kind == RE_REPEAT && k->hex_jump &&
             (k->max == RE_INFINITE || k->max > RE_MAX_HEX_ALT_JUMP);
    }
    return n;
}

/* yara's last phase, string by string: every string must be used (4.5:
 * or named $_...), and the strings, chained pieces counted, may not be
 * too many; then the rule joins the program. */
static enum candor_status finish(struct parser *p, struct ast_rule *r)
{
    struct ast_rule **slot;
    uint64_t n = 0;

    for (size_t i = 0; i < p->strings.n; i++) {
        struct ast_string *s = vec_at(&p->strings, i);
        if (!s->referenced && strncmp(s->id, "$_", 2) != 0)
            return parser_error(p, "unreferenced string \"%s\"", s->id);
        s->fixed = s->at_state == AT_ONE && s->referenced && yara_literal(s);
        n += yara_pieces(s);
        if (n > p->opts->max_strings_per_rule)
            return parser_error(p, "too many strings in rule \"%s\" "
                                "(limit: %u)", r->name,
                                p->opts->max_strings_per_rule);
    }
    r->strings = arena_copy(p, &p->strings);
    r->n_strings = (uint32_t)p->strings.n;
    r->metas = arena_copy(p, &p->metas);
    r->n_metas = (uint32_t)p->metas.n;
    r->tags = arena_copy(p, &p->tags);
    r->n_tags = (uint32_t)p->tags.n;
    r->n_loop_vars = p->max_slots;
    if (p->nomem || (slot = vec_push(&p->prog->rules)) == NULL)
        return parser_oom(p);
    *slot = r;
    p->cur_rule = NULL;
    return CANDOR_OK;
}

/* body -> tags '{' meta strings 'condition' ':' expr '}' */
static enum candor_status rule_body(struct parser *p, struct ast_rule *r)
{
    enum candor_status rc;

    if ((rc = parse_tags(p)) != CANDOR_OK ||
        (rc = parser_expect(p, TOK_LBRACE)) != CANDOR_OK ||
        (rc = parse_meta(p)) != CANDOR_OK ||
        (rc = parse_strings(p)) != CANDOR_OK ||
        (rc = parser_expect(p, TOK_CONDITION)) != CANDOR_OK ||
        (rc = parser_expect(p, TOK_COLON)) != CANDOR_OK ||
        (rc = parser_condition(p, &r->cond)) != CANDOR_OK ||
        (rc = parser_expect(p, TOK_RBRACE)) != CANDOR_OK)
        return rc;
    return finish(p, r);
}

/* rule -> ('private' | 'global')* 'rule' IDENT body */
enum candor_status parser_rule(struct parser *p)
{
    unsigned flags = 0;
    const struct token *t;
    const char *name;
    struct ast_rule *r = NULL;
    enum candor_status rc;

    for (;;) {
        if (parser_accept(p, TOK_PRIVATE))
            flags |= RULE_PRIVATE;
        else if (parser_accept(p, TOK_GLOBAL))
            flags |= RULE_GLOBAL;
        else
            break;
    }
    if ((rc = parser_expect(p, TOK_RULE)) != CANDOR_OK)
        return rc;
    t = parser_peek(p);
    if (t->kind != TOK_IDENT)
        return parser_syntax_error(p);
    if ((name = parser_strdup(p, t->text, t->len)) == NULL)
        return CANDOR_ERROR_NOMEM;
    parser_consume(p);
    if ((rc = declare(p, name, flags, &r)) != CANDOR_OK)
        return rc;
    p->rule = r;
    rc = rule_body(p, r);
    reset_rule(p, rc != CANDOR_OK);
    return p->nomem ? CANDOR_ERROR_NOMEM : rc;
}
