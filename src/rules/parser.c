/*
 * parser.c - YARA rule sources to the syntax tree: the declarations
 * (imports, includes, rules, meta, strings). Conditions are parsed by
 * parser_expr.c. See parser.h for the contract.
 *
 * Errors: a syntax error ends the file, as in yara; a semantic error (an
 * undefined identifier, a type mismatch) marks the rule as failed and
 * parsing goes on, so one run reports several. Messages and lines are
 * yara's: a semantic error is reported at the line of the token after the
 * offending one, which is where yara's parser stands when it notices.
 */
#include "rules/parser_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "rules/re.h"

static const char *const known_modules[] = {
    "pe", "elf", "math", "hash", "time", "console", "string", "dotnet",
    "macho", "dex", "magic", "cuckoo",
};

/* ---- Tokens and errors -------------------------------------------------- */

void parser_advance(struct parser *p)
{
    p->prev_line = p->tok.line;
    p->tok = lexer_next(&p->lx);
}

struct token parser_peek(struct parser *p)
{
    struct lexer saved = p->lx;
    struct token t = lexer_next(&p->lx);

    p->lx = saved;
    return t;
}

static void report(struct parser *p, enum candor_diag_level level, int line,
                   const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void report(struct parser *p, enum candor_diag_level level, int line,
                   const char *fmt, va_list ap)
{
    char msg[768];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    diag_report(p->diag, level, p->file, line,
                p->rule != NULL ? p->rule->name : NULL, "%s", msg);
}

/* A semantic error at the current token's line; the rule fails. Like
 * yara, only a rule's first error is reported. */
void parser_error(struct parser *p, const char *fmt, ...)
{
    va_list ap;

    if (!p->rule_failed) {
        va_start(ap, fmt);
        report(p, CANDOR_DIAG_ERROR, p->tok.line, fmt, ap);
        va_end(ap);
    }
    p->rule_failed = true;
    p->failed = true;
}

/* The same at a given line (errors about a string: its definition). */
void parser_error_at(struct parser *p, int line, const char *fmt, ...)
{
    va_list ap;

    if (!p->rule_failed) {
        va_start(ap, fmt);
        report(p, CANDOR_DIAG_ERROR, line, fmt, ap);
        va_end(ap);
    }
    p->rule_failed = true;
    p->failed = true;
}

/* A syntax error: reported once, and the rest of the file is skipped. */
void parser_syntax_error(struct parser *p)
{
    va_list ap;

    (void)ap;
    if (p->stop)
        return;
    if (p->tok.kind == TOK_ERROR && strcmp(p->lx.err, "syntax error") != 0) {
        diag_report(p->diag, CANDOR_DIAG_ERROR, p->file, p->tok.line,
                    p->rule != NULL ? p->rule->name : NULL, "%s", p->lx.err);
    }
    diag_report(p->diag, CANDOR_DIAG_ERROR, p->file, p->tok.line,
                p->rule != NULL ? p->rule->name : NULL, "syntax error");
    p->stop = true;
    p->failed = true;
}

bool parser_accept(struct parser *p, enum tok kind)
{
    if (p->stop || p->tok.kind != kind)
        return false;
    parser_advance(p);
    return true;
}

bool parser_expect(struct parser *p, enum tok kind)
{
    if (parser_accept(p, kind))
        return true;
    parser_syntax_error(p);
    return false;
}

char *parser_strdup(struct parser *p, const char *s, size_t len)
{
    char *c = arena_memdup(&p->prog->arena, s, len);

    if (c == NULL) {
        p->nomem = true;
        p->stop = true;
    }
    return c;
}

/* ---- Imports and includes ----------------------------------------------- */

/* import -> 'import' TEXT */
static void parse_import(struct parser *p)
{
    struct token name = p->tok;
    bool known = false;

    if (!parser_expect(p, TOK_TEXT))
        return;
    for (size_t i = 0; i < sizeof(known_modules) / sizeof(*known_modules);
         i++) {
        if (strlen(known_modules[i]) == name.len &&
            memcmp(known_modules[i], name.text, name.len) == 0)
            known = true;
    }
    if (!known) {
        diag_report(p->diag, CANDOR_DIAG_ERROR, p->file, name.line, NULL,
                    "unknown module \"%.*s\"", (int)name.len, name.text);
        p->failed = true;
        return;
    }
    for (size_t i = 0; i < p->prog->imports.n; i++) {
        const char *m = *(const char **)vec_at(&p->prog->imports, i);
        if (strlen(m) == name.len && memcmp(m, name.text, name.len) == 0)
            return;
    }
    const char **slot = vec_push(&p->prog->imports);
    if (slot == NULL || (*slot = parser_strdup(p, name.text, name.len)) ==
                            NULL)
        p->nomem = true;
}

/* The path of an include, relative to the including file's folder. */
static char *include_path(struct parser *p, const struct token *t)
{
    const char *slash = strrchr(p->file, '/');
    size_t dir = (t->len > 0 && t->text[0] == '/') || slash == NULL
                     ? 0
                     : (size_t)(slash - p->file) + 1;
    char *path = arena_alloc(&p->prog->arena, dir + t->len + 1);

    if (path == NULL)
        return NULL;
    memcpy(path, p->file, dir);
    memcpy(path + dir, t->text, t->len);
    path[dir + t->len] = '\0';
    return path;
}

/* include -> 'include' TEXT */
static void parse_include(struct parser *p)
{
    struct token name = p->tok;
    struct parser_opts sub = *p->opts;
    char *path, *src = NULL;
    size_t len = 0;
    FILE *f;

    if (!parser_expect(p, TOK_TEXT))
        return;
    path = include_path(p, &name);
    if (path == NULL || p->depth + 1 >= p->opts->max_include_depth) {
        diag_report(p->diag, CANDOR_DIAG_ERROR, p->file, name.line, NULL,
                    "includes are nested too deeply");
        p->failed = true;
        return;
    }
    f = fopen(path, "rb");
    if (f != NULL) {
        struct buf b;
        char chunk[65536];
        size_t n;
        buf_init(&b, 1u << 30);
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            buf_append(&b, chunk, n);
        fclose(f);
        src = (char *)buf_take(&b, &len);
    }
    if (src == NULL) {
        diag_report(p->diag, CANDOR_DIAG_ERROR, p->file, name.line, NULL,
                    "can't open include file: %.*s", (int)name.len,
                    name.text);
        p->failed = true;
        return;
    }
    sub.max_include_depth = p->opts->max_include_depth;
    if (parser_parse_depth(p->prog, p->diag, src, len, path, p->ns, &sub,
                           p->depth + 1) != CANDOR_OK)
        p->failed = true;
    mem_free(src);
}

/* ---- Meta and tags ---------------------------------------------------- */

/* meta -> 'meta' ':' ( IDENT '=' ( TEXT | ['-'] INT | 'true' | 'false' ) )+ */
static void parse_meta(struct parser *p, struct vec *metas)
{
    while (!p->stop && p->tok.kind == TOK_IDENT) {
        struct ast_meta *m = vec_push(metas);
        bool neg;
        if (m == NULL) {
            p->nomem = p->stop = true;
            return;
        }
        m->id = parser_strdup(p, p->tok.text, p->tok.len);
        parser_advance(p);
        if (!parser_expect(p, TOK_ASSIGN))
            return;
        neg = parser_accept(p, TOK_MINUS);
        if (!neg && p->tok.kind == TOK_TEXT) {
            m->type = META_STRING;
            m->str = parser_strdup(p, p->tok.text, p->tok.len);
            m->str_len = p->tok.len;
        } else if (p->tok.kind == TOK_INT) {
            m->type = META_INT;
            m->ival = neg ? -p->tok.ival : p->tok.ival;
        } else if (!neg && (p->tok.kind == TOK_TRUE ||
                            p->tok.kind == TOK_FALSE)) {
            m->type = META_BOOL;
            m->ival = p->tok.kind == TOK_TRUE;
        } else {
            parser_syntax_error(p);
            return;
        }
        parser_advance(p);
    }
}

/* tags -> ':' IDENT+ */
static void parse_tags(struct parser *p, struct vec *tags)
{
    do {
        const char **slot;
        if (p->tok.kind != TOK_IDENT) {
            parser_syntax_error(p);
            return;
        }
        for (size_t i = 0; i < tags->n; i++) {
            const char *t = *(const char **)vec_at(tags, i);
            if (strlen(t) == p->tok.len &&
                memcmp(t, p->tok.text, p->tok.len) == 0) {
                parser_advance(p);
                parser_error(p, "duplicated tag identifier \"%s\"", t);
                goto next;
            }
        }
        slot = vec_push(tags);
        if (slot == NULL) {
            p->nomem = p->stop = true;
            return;
        }
        *slot = parser_strdup(p, p->tok.text, p->tok.len);
        parser_advance(p);
    next:;
    } while (!p->stop && p->tok.kind == TOK_IDENT);
}

/* ---- Strings ------------------------------------------------------------ */

static const char *mod_name(unsigned mod)
{
    switch (mod) {
    case MOD_NOCASE: return "nocase";
    case MOD_WIDE: return "wide";
    case MOD_ASCII: return "ascii";
    case MOD_FULLWORD: return "fullword";
    case MOD_PRIVATE: return "private";
    case MOD_XOR: return "xor";
    case MOD_BASE64: return "base64";
    default: return "base64wide";
    }
}

/* xor_args -> '(' INT [ '-' INT ] ')' */
static void parse_xor_args(struct parser *p, struct ast_string *s)
{
    int64_t lo, hi;

    s->xor_min = 0;
    s->xor_max = 255;
    if (!parser_accept(p, TOK_LPAREN))
        return;
    if (p->tok.kind != TOK_INT) {
        parser_syntax_error(p);
        return;
    }
    lo = hi = p->tok.ival;
    parser_advance(p);
    if (parser_accept(p, TOK_MINUS)) {
        if (p->tok.kind != TOK_INT) {
            parser_syntax_error(p);
            return;
        }
        hi = p->tok.ival;
        parser_advance(p);
    }
    if (!parser_expect(p, TOK_RPAREN))
        return;
    if (lo < 0 || lo > 255 || hi < 0 || hi > 255)
        parser_error_at(p, s->line, "invalid xor range");
    else if (lo > hi)
        parser_error_at(p, s->line, "xor lower bound exceeds upper bound");
    s->xor_min = (uint8_t)lo;
    s->xor_max = (uint8_t)hi;
}

/* base64_args -> '(' TEXT ')' */
static void parse_base64_args(struct parser *p, struct ast_string *s)
{
    if (!parser_accept(p, TOK_LPAREN))
        return;
    if (p->tok.kind != TOK_TEXT) {
        parser_syntax_error(p);
        return;
    }
    if (p->tok.len != 64)
        parser_error_at(p, s->line, "length of base64 alphabet must be 64");
    s->base64_alphabet = parser_strdup(p, p->tok.text, p->tok.len);
    parser_advance(p);
    parser_expect(p, TOK_RPAREN);
}

static unsigned token_modifier(enum tok t)
{
    switch (t) {
    case TOK_NOCASE: return MOD_NOCASE;
    case TOK_WIDE: return MOD_WIDE;
    case TOK_ASCII: return MOD_ASCII;
    case TOK_FULLWORD: return MOD_FULLWORD;
    case TOK_PRIVATE: return MOD_PRIVATE;
    case TOK_XOR: return MOD_XOR;
    case TOK_BASE64: return MOD_BASE64;
    case TOK_BASE64WIDE: return MOD_BASE64WIDE;
    default: return 0;
    }
}

/* The modifiers a kind of string takes; others are a syntax error. */
static unsigned allowed_modifiers(enum ast_string_kind kind)
{
    switch (kind) {
    case AST_STRING_TEXT: return ~0u;
    case AST_STRING_HEX: return MOD_PRIVATE;
    default:
        return MOD_NOCASE | MOD_WIDE | MOD_ASCII | MOD_FULLWORD | MOD_PRIVATE;
    }
}

/* Pairs yara refuses, in the order of its messages. */
static void check_combinations(struct parser *p, unsigned m, int line)
{
    static const unsigned bad[][2] = {
        {MOD_XOR, MOD_NOCASE},       {MOD_XOR, MOD_BASE64},
        {MOD_XOR, MOD_BASE64WIDE},   {MOD_BASE64, MOD_NOCASE},
        {MOD_BASE64WIDE, MOD_NOCASE}, {MOD_BASE64, MOD_FULLWORD},
        {MOD_BASE64WIDE, MOD_FULLWORD},
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if ((m & bad[i][0]) && (m & bad[i][1])) {
            parser_error_at(p, line, "invalid modifier combination: %s %s",
                         mod_name(bad[i][0]), mod_name(bad[i][1]));
            return;
        }
    }
}

/* modifiers -> ( 'nocase' | 'wide' | ... | 'xor' [xor_args] | ... )* */
static void parse_modifiers(struct parser *p, struct ast_string *s)
{
    unsigned mod;

    s->xor_max = 255;
    while (!p->stop && (mod = token_modifier(p->tok.kind)) != 0) {
        if (!(allowed_modifiers(s->kind) & mod)) {
            parser_syntax_error(p);
            return;
        }
        parser_advance(p);
        if (s->mods & mod)
            parser_error_at(p, s->line, "duplicated modifier");
        s->mods |= mod;
        if (mod == MOD_XOR)
            parse_xor_args(p, s);
        else if (mod == MOD_BASE64 || mod == MOD_BASE64WIDE)
            parse_base64_args(p, s);
    }
    check_combinations(p, s->mods, s->line);
}

/* The body of a hex string or regex: parsed by rules/re.c. */
static void parse_body(struct parser *p, struct ast_string *s,
                       const struct token *t)
{
    char err[256];
    bool ok;

    s->text = (const uint8_t *)parser_strdup(p, t->text, t->len);
    s->text_len = t->len;
    if (s->kind == AST_STRING_HEX)
        ok = re_parse_hex(&p->prog->arena, (const uint8_t *)t->text, t->len,
                          &s->re, err, sizeof(err));
    else
        ok = re_parse_regex(&p->prog->arena, (const uint8_t *)t->text,
                            t->len, s->re_flags, &s->re, err, sizeof(err));
    if (!ok && s->kind == AST_STRING_HEX)
        parser_error_at(p, s->line, "invalid hex string \"%s\": %s", s->id,
                        err);
    else if (!ok)
        parser_error_at(p, s->line, "invalid regular expression \"%s\": %s",
                        s->id, err);
}

/* string -> STRING_ID '=' ( TEXT | '{' HEX '}' | '/' REGEX '/' ) modifiers */
static void parse_string(struct parser *p, struct vec *strings)
{
    struct ast_string *s = vec_push(strings);
    struct token body;

    if (s == NULL) {
        p->nomem = p->stop = true;
        return;
    }
    s->id = parser_strdup(p, p->tok.text, p->tok.len);
    s->line = p->tok.line;
    parser_advance(p);
    if (!parser_expect(p, TOK_ASSIGN))
        return;
    body = p->tok;
    if (p->tok.kind == TOK_TEXT) {
        s->kind = AST_STRING_TEXT;
        s->text = (const uint8_t *)parser_strdup(p, body.text, body.len);
        s->text_len = body.len;
        parser_advance(p);
        if (body.len == 0)
            parser_error_at(p, s->line, "empty string \"%s\"", s->id);
    } else if (p->tok.kind == TOK_LBRACE || p->tok.kind == TOK_SLASH) {
        s->kind = p->tok.kind == TOK_LBRACE ? AST_STRING_HEX
                                            : AST_STRING_REGEX;
        body = s->kind == AST_STRING_HEX ? lexer_hex(&p->lx)
                                         : lexer_regex(&p->lx);
        if (body.kind == TOK_ERROR) {
            p->tok = body;
            parser_syntax_error(p);
            return;
        }
        s->re_flags = (unsigned)body.ival;
        parser_advance(p);
        parse_body(p, s, &body);
    } else {
        parser_syntax_error(p);
        return;
    }
    parse_modifiers(p, s);
}

/* The newest string must not repeat an earlier one's identifier. */
static void check_duplicate_string(struct parser *p, struct vec *strings)
{
    const struct ast_string *a = vec_at(strings, strings->n - 1);

    if (strcmp(a->id, "$") == 0)
        return;
    for (size_t j = 0; j + 1 < strings->n; j++) {
        const struct ast_string *b = vec_at(strings, j);
        if (strcmp(a->id, b->id) == 0) {
            parser_error_at(p, a->line, "duplicated string identifier \"%s\"",
                            a->id);
            return;
        }
    }
}

/* strings -> 'strings' ':' string+ */
static void parse_strings(struct parser *p, struct vec *strings)
{
    if (p->tok.kind != TOK_STRING_ID) {
        parser_syntax_error(p);
        return;
    }
    while (!p->stop && p->tok.kind == TOK_STRING_ID) {
        parse_string(p, strings);
        if (!p->stop)
            check_duplicate_string(p, strings);
        if (!p->stop && !p->rule_failed && p->opts->on_string != NULL)
            p->opts->on_string(p->opts->on_string_ctx, p->diag, p->file,
                               p->rule->name,
                               vec_at(strings, strings->n - 1));
    }
}

/* ---- Rules ------------------------------------------------------------ */

/* At the line of the rule's closing brace, as yara reports it. */
static void check_unreferenced(struct parser *p, int line)
{
    for (uint32_t i = 0; i < p->rule->n_strings; i++) {
        const struct ast_string *s = &p->rule->strings[i];
        if (!s->referenced) {
            parser_error_at(p, line, "unreferenced string \"%s\"", s->id);
            return;
        }
    }
}

/* Moves a vector's elements into the arena (so the rule owns them). */
static void *settle(struct parser *p, struct vec *v, uint32_t *n)
{
    void *out = NULL;

    *n = (uint32_t)v->n;
    if (v->n > 0) {
        out = arena_alloc_array(&p->prog->arena, v->n, v->elem);
        if (out == NULL)
            p->nomem = p->stop = true;
        else
            memcpy(out, v->data, v->n * v->elem);
    }
    vec_fini(v);
    return out;
}

static void add_rule(struct parser *p, struct ast_rule *r)
{
    struct ast_rule **slot;
    char key[1024];
    int n = snprintf(key, sizeof(key), "%s:%s", r->ns, r->name);
    char *k = parser_strdup(p, key, (size_t)n);

    r->index = (uint32_t)p->prog->rules.n;
    slot = vec_push(&p->prog->rules);
    if (slot == NULL || k == NULL ||
        !map_put(&p->prog->rule_names, k, (size_t)n, r->index)) {
        p->nomem = p->stop = true;
        return;
    }
    *slot = r;
}

/* The body of a rule: '{' [meta] [strings] 'condition' ':' expr '}' */
static void parse_rule_body(struct parser *p, struct ast_rule *r)
{
    struct vec metas, strings;

    vec_init(&metas, sizeof(struct ast_meta));
    vec_init(&strings, sizeof(struct ast_string));
    if (!parser_expect(p, TOK_LBRACE))
        goto out;
    if (parser_accept(p, TOK_META)) {
        if (parser_expect(p, TOK_COLON))
            parse_meta(p, &metas);
    }
    if (!p->stop && parser_accept(p, TOK_STRINGS)) {
        if (parser_expect(p, TOK_COLON))
            parse_strings(p, &strings);
    }
    r->metas = settle(p, &metas, &r->n_metas);
    r->strings = settle(p, &strings, &r->n_strings);
    if (p->stop || !parser_expect(p, TOK_CONDITION) ||
        !parser_expect(p, TOK_COLON))
        goto out;
    r->cond = parser_expr(p);
    if (p->stop || !parser_expect(p, TOK_RBRACE))
        goto out;
    /* yara counts the strings once the rule is complete. */
    if (r->n_strings > p->opts->max_strings_per_rule)
        parser_error_at(p, p->prev_line,
                        "too many strings in rule \"%s\" (limit: %u)",
                        r->name, p->opts->max_strings_per_rule);
    check_unreferenced(p, p->prev_line);
out:
    vec_fini(&metas);
    vec_fini(&strings);
}

static bool rule_exists(struct parser *p, const char *name, size_t len)
{
    char key[1024];
    int n = snprintf(key, sizeof(key), "%s:%.*s", p->ns, (int)len, name);
    uint64_t v;

    return map_get(&p->prog->rule_names, key, (size_t)n, &v);
}

/* rule -> ('private' | 'global')* 'rule' IDENT [tags] body */
static void parse_rule(struct parser *p)
{
    struct ast_rule *r = arena_alloc(&p->prog->arena, sizeof(*r));
    struct vec tags;

    if (r == NULL) {
        p->nomem = p->stop = true;
        return;
    }
    while (p->tok.kind == TOK_PRIVATE || p->tok.kind == TOK_GLOBAL) {
        r->flags |= p->tok.kind == TOK_PRIVATE ? RULE_PRIVATE : RULE_GLOBAL;
        parser_advance(p);
    }
    if (!parser_expect(p, TOK_RULE) || p->tok.kind != TOK_IDENT) {
        parser_syntax_error(p);
        return;
    }
    r->name = parser_strdup(p, p->tok.text, p->tok.len);
    r->ns = p->ns;
    r->ns_index = p->ns_index;
    r->file = p->file;
    r->line = p->tok.line;
    if (rule_exists(p, p->tok.text, p->tok.len)) {
        diag_report(p->diag, CANDOR_DIAG_ERROR, p->file, p->tok.line, NULL,
                    "duplicated identifier \"%s\"", r->name);
        p->failed = true;
        p->rule_failed = true;
    }
    parser_advance(p);
    p->rule = r;
    vec_init(&tags, sizeof(const char *));
    if (parser_accept(p, TOK_COLON))
        parse_tags(p, &tags);
    r->tags = settle(p, &tags, &r->n_tags);
    p->n_vars = 0;
    p->n_slots = 0;
    p->of_depth = 0;
    if (!p->stop)
        parse_rule_body(p, r);
    r->n_loop_vars = p->n_slots;
    if (!p->stop && !p->rule_failed)
        add_rule(p, r);
    p->rule = NULL;
    p->rule_failed = false;
}

/* After a syntax error yara skips to the next declaration and goes on. */
static void recover(struct parser *p)
{
    p->stop = false;
    p->rule = NULL;
    p->rule_failed = false;
    p->expr_depth = 0;
    while (p->tok.kind != TOK_EOF && p->tok.kind != TOK_RULE &&
           p->tok.kind != TOK_PRIVATE && p->tok.kind != TOK_GLOBAL &&
           p->tok.kind != TOK_IMPORT && p->tok.kind != TOK_INCLUDE)
        parser_advance(p);
}

/* file -> ( import | include | rule )* EOF */
static void parse_file(struct parser *p)
{
    while (!p->nomem && p->tok.kind != TOK_EOF) {
        if (p->stop) {
            recover(p);
            continue;
        }
        switch (p->tok.kind) {
        case TOK_IMPORT:
            parser_advance(p);
            parse_import(p);
            break;
        case TOK_INCLUDE:
            parser_advance(p);
            parse_include(p);
            break;
        case TOK_RULE:
        case TOK_PRIVATE:
        case TOK_GLOBAL:
            parse_rule(p);
            break;
        default:
            parser_syntax_error(p);
            break;
        }
    }
}

static enum candor_status find_namespace(struct ast_program *prog,
                                         const char *ns, const char **name,
                                         uint32_t *index)
{
    const char **slot;

    for (size_t i = 0; i < prog->namespaces.n; i++) {
        const char *n = *(const char **)vec_at(&prog->namespaces, i);
        if (strcmp(n, ns) == 0) {
            *name = n;
            *index = (uint32_t)i;
            return CANDOR_OK;
        }
    }
    slot = vec_push(&prog->namespaces);
    if (slot == NULL || (*slot = arena_strdup(&prog->arena, ns)) == NULL)
        return CANDOR_ERROR_NOMEM;
    *name = *slot;
    *index = (uint32_t)(prog->namespaces.n - 1);
    return CANDOR_OK;
}

enum candor_status parser_parse_depth(struct ast_program *prog,
                                      struct diag_sink *diag,
                                      const char *source, size_t len,
                                      const char *name, const char *ns,
                                      const struct parser_opts *opts,
                                      unsigned depth)
{
    struct parser p;
    enum candor_status rc;

    memset(&p, 0, sizeof(p));
    p.prog = prog;
    p.diag = diag;
    p.opts = opts;
    p.depth = depth;
    p.file = arena_strdup(&prog->arena, name);
    if (p.file == NULL)
        return CANDOR_ERROR_NOMEM;
    rc = find_namespace(prog, ns, &p.ns, &p.ns_index);
    if (rc != CANDOR_OK)
        return rc;
    lexer_init(&p.lx, source, len, &prog->arena);
    parser_advance(&p);
    parse_file(&p);
    if (p.nomem)
        return CANDOR_ERROR_NOMEM;
    return p.failed ? CANDOR_ERROR_SYNTAX : CANDOR_OK;
}

enum candor_status parser_parse(struct ast_program *prog,
                                struct diag_sink *diag, const char *source,
                                size_t len, const char *name, const char *ns,
                                const struct parser_opts *opts)
{
    return parser_parse_depth(prog, diag, source, len, name, ns, opts, 0);
}
