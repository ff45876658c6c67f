/*
 * parser.c - the parser's driver: sources and includes, the token stream,
 * errors and recovery, imports. See parser.h for the contract and
 * parser_int.h for how the parser's files divide the work.
 *
 * Errors follow yara 4.2.3 (found by running it; docs/rules.md has the
 * details). A syntax or semantic error abandons the rule and the parser
 * skips tokens up to the next `rule`, `private`, `global` or `import`;
 * until three tokens have been accepted after that, further syntax errors
 * are not reported (bison's error recovery, which yara relies on). A
 * lexical error ends the sources. Every message carries the line of the
 * last token read, or of the string being declared, and the name of the
 * last rule whose declaration started (yara does not forget a rule that
 * failed, so a later message can name it).
 */
#include "rules/parser_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/mem.h"

#define MAX_INCLUDE_SIZE (1u << 30)

/* ---- Errors ------------------------------------------------------------ */

int parser_line(const struct parser *p)
{
    return p->fixed_line != 0 ? p->fixed_line : p->line;
}

static const char *file_name(const struct parser *p)
{
    return p->src[p->n_src - 1].name;
}

static void report(struct parser *p, enum candor_diag_level level,
                   const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void report(struct parser *p, enum candor_diag_level level,
                   const char *fmt, va_list ap)
{
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    diag_report(p->diag, level, file_name(p), parser_line(p), p->cur_rule,
                "%s", msg);
}

/* A semantic error: always reported, like yara's calls of yyerror from
 * its grammar actions, which also forget the string's line. */
enum candor_status parser_error(struct parser *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(p, CANDOR_DIAG_ERROR, fmt, ap);
    va_end(ap);
    p->fixed_line = 0;
    return CANDOR_ERROR_SYNTAX;
}

void parser_warning(struct parser *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(p, CANDOR_DIAG_WARNING, fmt, ap);
    va_end(ap);
}

/* A syntax error at the lookahead token: silent while recovering from an
 * earlier one. */
enum candor_status parser_syntax_error(struct parser *p)
{
    if (p->nomem)
        return CANDOR_ERROR_NOMEM;
    if (p->errstatus == 0)
        return parser_error(p, "syntax error");
    p->fixed_line = 0;
    return CANDOR_ERROR_SYNTAX;
}

enum candor_status parser_oom(struct parser *p)
{
    p->nomem = true;
    return CANDOR_ERROR_NOMEM;
}

char *parser_strdup(struct parser *p, const char *s, size_t len)
{
    char *c = arena_memdup(&p->prog->arena, s, len);

    if (c == NULL)
        p->nomem = true;
    return c;
}

struct ast_expr *parser_node(struct parser *p, enum ast_op op,
                             enum ast_type type)
{
    struct ast_expr *e = ast_expr_new(p->prog, op, type, p->line);

    if (e == NULL)
        p->nomem = true;
    return e;
}

/* ---- Includes ---------------------------------------------------------- */

static enum candor_status read_file(const char *path, char **out,
                                    size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0, n = 0, got;
    struct stat st;

    if (f == NULL)
        return CANDOR_ERROR_IO;
    /* Not a directory, a device or a pipe: nothing that blocks or never
     * ends. */
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return CANDOR_ERROR_IO;
    }
    do {
        if (n == cap) {
            char *bigger;
            cap = cap == 0 ? 65536 : cap * 2;
            bigger = cap <= MAX_INCLUDE_SIZE ? mem_realloc_array(data, cap, 1)
                                             : NULL;
            if (bigger == NULL) {
                mem_free(data);
                fclose(f);
                return cap <= MAX_INCLUDE_SIZE ? CANDOR_ERROR_NOMEM
                                               : CANDOR_ERROR_IO;
            }
            data = bigger;
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (ferror(f)) {
        mem_free(data);
        fclose(f);
        return CANDOR_ERROR_IO;
    }
    fclose(f);
    *out = data;
    *len = n;
    return CANDOR_OK;
}

/* yara's path for an include: as written when absolute or when the
 * including source's name has no directory, else beside that source. */
static const char *include_path(struct parser *p, const char *name)
{
    const char *from = file_name(p);
    const char *slash = strrchr(from, '/');
    struct buf b;
    const char *path;

    if (name[0] == '/' || slash == NULL)
        return parser_strdup(p, name, strlen(name));
    buf_init(&b, 1u << 20);
    buf_append(&b, from, (size_t)(slash - from));
    buf_putc(&b, '/');
    buf_puts(&b, name);
    path = b.failed ? NULL : parser_strdup(p, (const char *)b.data, b.len);
    if (b.failed)
        p->nomem = true;
    buf_fini(&b);
    return path;
}

/* include -> 'include' TEXT, handled as it is read, as yara's lexer does;
 * its errors do not interrupt the parse. */
static void include_file(struct parser *p, const struct token *t)
{
    const char *path = include_path(p, t->str);
    struct parser_source *s;
    char *text;
    size_t len;
    enum candor_status rc;

    if (path == NULL)
        return;
    for (unsigned i = 0; i < p->n_src; i++) {
        if (strcmp(p->src[i].name, path) == 0) {
            parser_error(p, "includes circular reference");
            return;
        }
    }
    if (p->n_src >= p->opts->max_include_depth ||
        p->n_src >= PARSER_MAX_SOURCES) {
        parser_error(p, "includes depth exceeded");
        return;
    }
    rc = read_file(path, &text, &len);
    if (rc == CANDOR_ERROR_NOMEM) {
        p->nomem = true;
        return;
    }
    if (rc != CANDOR_OK) {
        parser_error(p, "can't open include file: %s", t->str);
        return;
    }
    s = &p->src[p->n_src++];
    s->name = path;
    s->owned = text;
    lexer_init(&s->lx, text, len, &p->prog->arena);
}

/* ---- Tokens ------------------------------------------------------------ */

/* Reads the next token: includes are opened here; the end of an included
 * file is the token END_INCLUDE, read at the includer's line; a lexical
 * error is reported here and ends the sources. */
static void fetch(struct parser *p)
{
    struct parser_source *s;

    for (;;) {
        s = &p->src[p->n_src - 1];
        if (p->stop || lexer_next(&s->lx, &p->tok) != CANDOR_OK) {
            p->nomem = !p->stop;
            p->tok.kind = TOK_EOF;
            return;
        }
        p->line = p->tok.line;
        if (p->tok.kind == TOK_INCLUDE_FILE) {
            include_file(p, &p->tok);
            if (p->nomem)
                return;
            continue;
        }
        break;
    }
    if (p->tok.kind == TOK_EOF && p->n_src > 1) {
        mem_free(s->owned);
        p->n_src--;
        p->tok.kind = TOK_END_INCLUDE;
        p->tok.line = p->line = p->src[p->n_src - 1].lx.line;
    } else if (p->tok.kind == TOK_EOF) {
        p->tok.line = p->line = 0;
    } else if (p->tok.kind == TOK_ERROR) {
        parser_error(p, "%s", s->lx.err);
        p->stop = true;
    }
}

const struct token *parser_peek(struct parser *p)
{
    if (!p->have_tok) {
        fetch(p);
        p->have_tok = true;
    }
    return &p->tok;
}

bool parser_is(struct parser *p, enum token_kind kind)
{
    return parser_peek(p)->kind == kind;
}

/* Accepts the lookahead token (bison's shift). */
void parser_consume(struct parser *p)
{
    parser_peek(p);
    p->have_tok = false;
    if (p->errstatus > 0)
        p->errstatus--;
}

bool parser_accept(struct parser *p, enum token_kind kind)
{
    if (!parser_is(p, kind))
        return false;
    parser_consume(p);
    return true;
}

enum candor_status parser_expect(struct parser *p, enum token_kind kind)
{
    if (parser_accept(p, kind))
        return CANDOR_OK;
    return parser_syntax_error(p);
}

/* ---- Imports and the top level ----------------------------------------- */

/* Makes name a module identifier of the namespace; a known module is
 * also one of the program's imports. */
static enum candor_status add_import(struct parser *p, const char *name,
                                     bool known)
{
    const char **slot;
    char *key;
    size_t n = strlen(p->ns) + strlen(name) + 4;

    key = arena_alloc(&p->prog->arena, n);
    if (key == NULL)
        return parser_oom(p);
    snprintf(key, n, "%s:\"%s\"", p->ns, name);
    if (!map_put(&p->prog->rule_names, key, strlen(key),
                 PARSER_NAME_WILDCARD))
        return parser_oom(p);
    if (!known)
        return CANDOR_OK;
    for (size_t i = 0; i < p->prog->imports.n; i++) {
        if (strcmp(*(const char **)vec_at(&p->prog->imports, i), name) == 0)
            return CANDOR_OK;
    }
    slot = vec_push(&p->prog->imports);
    if (slot == NULL || (*slot = parser_strdup(p, name, strlen(name))) == NULL)
        return parser_oom(p);
    return CANDOR_OK;
}

/* import -> 'import' TEXT */
static enum candor_status parse_import(struct parser *p)
{
    const struct token *t;

    parser_consume(p);
    t = parser_peek(p);
    if (t->kind != TOK_TEXT)
        return parser_syntax_error(p);
    parser_consume(p);
    /* The modules `import` accepts are those of the registry. An unknown
     * module is an error, but its name still becomes a module without
     * fields, as in yara (`foo.bar`: invalid field name "bar"). */
    if (module_find(t->str, strlen(t->str)) == NULL) {
        enum candor_status rc = parser_error(p, "unknown module \"%s\"",
                                             t->str);
        return add_import(p, t->str, false) == CANDOR_OK ? rc
                                                         : CANDOR_ERROR_NOMEM;
    }
    return add_import(p, t->str, true);
}

/* Whether module name was imported into the namespace being parsed. */
bool parser_imported(struct parser *p, const char *name, size_t len)
{
    char key[256];
    uint64_t v;
    int n = snprintf(key, sizeof(key), "%s:\"%.*s\"", p->ns, (int)len, name);

    if (n < 0 || (size_t)n >= sizeof(key))
        return false;
    return map_get(&p->prog->rule_names, key, (size_t)n, &v);
}

static bool is_sync_token(enum token_kind k)
{
    return k == TOK_RULE || k == TOK_PRIVATE || k == TOK_GLOBAL ||
           k == TOK_IMPORT;
}

/* Bison's recovery: discard tokens up to one that can start a rule or an
 * import. False when the sources ended first. */
static bool recover(struct parser *p)
{
    for (;;) {
        enum token_kind k = parser_peek(p)->kind;

        if (k == TOK_EOF || k == TOK_ERROR || p->nomem)
            return false;
        if (is_sync_token(k)) {
            p->recovering = false;
            return true;
        }
        p->have_tok = false;
    }
}

/* rules -> (import | rule | END_INCLUDE)* EOF */
static enum candor_status parse_items(struct parser *p)
{
    enum candor_status rc;

    for (;;) {
        if (p->recovering && !recover(p))
            break;
        switch (parser_peek(p)->kind) {
        case TOK_EOF:
        case TOK_ERROR:
            return p->nomem ? CANDOR_ERROR_NOMEM : CANDOR_OK;
        case TOK_END_INCLUDE:
            parser_consume(p);
            continue;
        case TOK_IMPORT:
            rc = parse_import(p);
            break;
        case TOK_RULE:
        case TOK_PRIVATE:
        case TOK_GLOBAL:
            rc = parser_rule(p);
            break;
        default:
            rc = parser_syntax_error(p);
            break;
        }
        if (rc == CANDOR_ERROR_NOMEM || p->nomem)
            return CANDOR_ERROR_NOMEM;
        if (rc != CANDOR_OK) {
            p->recovering = true;
            p->errstatus = 3;
            p->fixed_line = 0;
        }
    }
    return p->nomem ? CANDOR_ERROR_NOMEM : CANDOR_OK;
}

/* ---- Entry point --------------------------------------------------------- */

static enum candor_status use_namespace(struct parser *p, const char *ns)
{
    const char **slot;

    for (size_t i = 0; i < p->prog->namespaces.n; i++) {
        const char *n = *(const char **)vec_at(&p->prog->namespaces, i);
        if (strcmp(n, ns) == 0) {
            p->ns = n;
            p->ns_index = (uint32_t)i;
            return CANDOR_OK;
        }
    }
    slot = vec_push(&p->prog->namespaces);
    if (slot == NULL || (*slot = parser_strdup(p, ns, strlen(ns))) == NULL) {
        if (slot != NULL)
            p->prog->namespaces.n--;
        return parser_oom(p);
    }
    p->ns = *slot;
    p->ns_index = (uint32_t)(p->prog->namespaces.n - 1);
    return CANDOR_OK;
}

static void parser_fini(struct parser *p)
{
    while (p->n_src > 1)
        mem_free(p->src[--p->n_src].owned);
    vec_fini(&p->strings);
    vec_fini(&p->metas);
    vec_fini(&p->tags);
    map_fini(&p->string_ids);
    map_fini(&p->tag_ids);
}

enum candor_status parser_parse(struct ast_program *prog,
                                struct diag_sink *diag, const char *source,
                                size_t len, const char *name, const char *ns,
                                const struct parser_opts *opts)
{
    struct parser *p = mem_calloc(1, sizeof(*p));
    int errors_before = diag->n_errors;
    enum candor_status rc;

    if (p == NULL)
        return CANDOR_ERROR_NOMEM;
    p->prog = prog;
    p->diag = diag;
    p->opts = opts;
    vec_init(&p->strings, sizeof(struct ast_string));
    vec_init(&p->metas, sizeof(struct ast_meta));
    vec_init(&p->tags, sizeof(const char *));
    map_init(&p->string_ids);
    map_init(&p->tag_ids);
    p->src[0].name = name != NULL ? name : "";
    p->n_src = 1;
    lexer_init(&p->src[0].lx, source, len, &prog->arena);
    rc = use_namespace(p, ns != NULL ? ns : "default");
    if (rc == CANDOR_OK)
        rc = parse_items(p);
    parser_fini(p);
    mem_free(p);
    if (rc == CANDOR_OK && diag->n_errors != errors_before)
        rc = CANDOR_ERROR_SYNTAX;
    return rc;
}
