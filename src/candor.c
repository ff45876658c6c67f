/*
 * candor.c - the public API (include/candor.h) over the layers below:
 * rules/ parses, compile/ builds the ruleset, scan/ runs it.
 */
#include "candor.h"

#include <stdio.h>
#include <string.h>

#include "base/diag.h"
#include "base/mem.h"
#include "compile/codegen.h"
#include "compile/ruleset.h"
#include "compile/strings.h"
#include "rules/ast.h"
#include "rules/parser.h"
#include "modules/module.h"
#include "scan/scanner.h"

#define MAX_RULE_SOURCE (1u << 30) /* a rule file above 1 GiB is refused */

struct candor_compiler {
    struct ast_program prog;
    struct diag_sink diag;
    struct parser_opts opts;
    bool failed; /* a source had errors: no rules will be made */
    bool done;   /* get_rules was called */
};

struct candor_rules {
    struct ruleset *rs;
};

/* ---- Compiler --------------------------------------------------------- */

/* yara warns about strings that may slow scanning as it parses them. The
 * verdict (compile/strings.c) judges atoms only; yara warns only about a
 * string it accepts, so a slow one (rare) is also built once here to see
 * that it compiles. */
static void check_string(void *ctx, struct diag_sink *diag, const char *file,
                         const char *rule, const struct ast_string *s)
{
    struct match_builder *b;
    enum candor_status rc;
    char err[256];

    (void)ctx;
    if (!strings_slow(s) || match_builder_new(1, &b) != CANDOR_OK)
        return;
    rc = strings_add(b, 0, s, NULL, err, sizeof(err));
    match_builder_free(b);
    if (rc == CANDOR_OK)
        diag_report(diag, CANDOR_DIAG_WARNING, file, s->line, rule,
                    "string \"%s\" may slow down scanning", s->id);
}

enum candor_status candor_compiler_new(struct candor_compiler **out)
{
    struct candor_compiler *c = mem_calloc(1, sizeof(*c));

    if (c == NULL)
        return CANDOR_ERROR_NOMEM;
    ast_program_init(&c->prog);
    c->opts.max_strings_per_rule = 10000;
    c->opts.max_include_depth = 16;
    c->opts.on_string = check_string;
    *out = c;
    return CANDOR_OK;
}

void candor_compiler_free(struct candor_compiler *c)
{
    if (c == NULL)
        return;
    ast_program_fini(&c->prog);
    mem_free(c);
}

void candor_compiler_set_diag(struct candor_compiler *c, candor_diag_fn fn,
                              void *ctx)
{
    c->diag.fn = fn;
    c->diag.ctx = ctx;
}

void candor_compiler_set_max_strings(struct candor_compiler *c, uint32_t n)
{
    c->opts.max_strings_per_rule = n;
}

int candor_compiler_errors(const struct candor_compiler *c)
{
    return c->diag.n_errors;
}

int candor_compiler_warnings(const struct candor_compiler *c)
{
    return c->diag.n_warnings;
}

/* The external named name, created when new. */
static enum candor_status external_slot(struct candor_compiler *c,
                                        const char *name,
                                        struct ast_external **out)
{
    struct ast_external *x;

    if (name == NULL || name[0] == '\0' || c->done)
        return CANDOR_ERROR_ARGUMENT;
    for (size_t i = 0; i < c->prog.externals.n; i++) {
        x = vec_at(&c->prog.externals, i);
        if (strcmp(x->name, name) == 0) {
            *out = x;
            return CANDOR_OK;
        }
    }
    x = vec_push(&c->prog.externals);
    if (x == NULL)
        return CANDOR_ERROR_NOMEM;
    x->name = arena_strdup(&c->prog.arena, name);
    if (x->name == NULL) {
        c->prog.externals.n--;
        return CANDOR_ERROR_NOMEM;
    }
    *out = x;
    return CANDOR_OK;
}

enum candor_status candor_compiler_define_integer(struct candor_compiler *c,
                                                  const char *name,
                                                  int64_t value)
{
    struct ast_external *x;
    enum candor_status rc = external_slot(c, name, &x);

    if (rc == CANDOR_OK) {
        x->type = EXT_INT;
        x->ival = value;
    }
    return rc;
}

enum candor_status candor_compiler_define_float(struct candor_compiler *c,
                                                const char *name, double value)
{
    struct ast_external *x;
    enum candor_status rc = external_slot(c, name, &x);

    if (rc == CANDOR_OK) {
        x->type = EXT_FLOAT;
        x->fval = value;
    }
    return rc;
}

enum candor_status candor_compiler_define_boolean(struct candor_compiler *c,
                                                  const char *name, bool value)
{
    struct ast_external *x;
    enum candor_status rc = external_slot(c, name, &x);

    if (rc == CANDOR_OK) {
        x->type = EXT_BOOL;
        x->ival = value;
    }
    return rc;
}

enum candor_status candor_compiler_define_string(struct candor_compiler *c,
                                                 const char *name,
                                                 const char *value)
{
    struct ast_external *x;
    enum candor_status rc;
    const char *copy;

    if (value == NULL)
        return CANDOR_ERROR_ARGUMENT;
    copy = arena_strdup(&c->prog.arena, value);
    if (copy == NULL)
        return CANDOR_ERROR_NOMEM;
    rc = external_slot(c, name, &x);
    if (rc == CANDOR_OK) {
        x->type = EXT_STRING;
        x->str = copy;
    }
    return rc;
}

static enum candor_status add_source(struct candor_compiler *c,
                                     const char *src, size_t len,
                                     const char *name, const char *ns)
{
    enum candor_status rc;

    if (c->done)
        return CANDOR_ERROR_ARGUMENT;
    rc = parser_parse(&c->prog, &c->diag, src, len, name,
                      ns != NULL ? ns : "default", &c->opts);
    if (rc != CANDOR_OK)
        c->failed = true;
    return rc;
}

enum candor_status candor_compiler_add_string(struct candor_compiler *c,
                                              const char *source,
                                              const char *name,
                                              const char *ns)
{
    return add_source(c, source, strlen(source), name != NULL ? name : "",
                      ns);
}

/* Reads a whole file into a new buffer (NUL-terminated). */
static enum candor_status read_file(const char *path, char **out,
                                    size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[65536];
    size_t n;

    if (f == NULL)
        return CANDOR_ERROR_IO;
    buf_init(&b, MAX_RULE_SOURCE);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    if (ferror(f) || b.failed) {
        fclose(f);
        buf_fini(&b);
        return b.failed ? CANDOR_ERROR_LIMIT : CANDOR_ERROR_IO;
    }
    fclose(f);
    *out = (char *)buf_take(&b, len);
    return *out == NULL ? CANDOR_ERROR_NOMEM : CANDOR_OK;
}

enum candor_status candor_compiler_add_file(struct candor_compiler *c,
                                            const char *path, const char *ns)
{
    char *src;
    size_t len;
    enum candor_status rc = read_file(path, &src, &len);

    if (rc != CANDOR_OK) {
        c->failed = true;
        return rc;
    }
    rc = add_source(c, src, len, path, ns);
    mem_free(src);
    return rc;
}

enum candor_status candor_compiler_get_rules(struct candor_compiler *c,
                                             struct candor_rules **out)
{
    struct candor_rules *r;
    enum candor_status rc;

    if (c->done)
        return CANDOR_ERROR_ARGUMENT;
    if (c->failed || c->diag.n_errors > 0)
        return CANDOR_ERROR_SYNTAX;
    c->done = true;
    r = mem_calloc(1, sizeof(*r));
    if (r == NULL)
        return CANDOR_ERROR_NOMEM;
    rc = codegen_program(&c->prog, &c->diag, &r->rs);
    if (rc != CANDOR_OK) {
        mem_free(r);
        return rc;
    }
    *out = r;
    return CANDOR_OK;
}

/* ---- Rules ------------------------------------------------------------ */

enum candor_status candor_rules_save(const struct candor_rules *rules,
                                     const char *path, const uint8_t *key,
                                     size_t key_len)
{
    return ruleset_save(rules->rs, path, key, key_len);
}

enum candor_status candor_rules_load(const char *path, const uint8_t *key,
                                     size_t key_len,
                                     struct candor_rules **out)
{
    struct candor_rules *r = mem_calloc(1, sizeof(*r));
    enum candor_status rc;

    if (r == NULL)
        return CANDOR_ERROR_NOMEM;
    rc = ruleset_load(path, key, key_len, &r->rs);
    if (rc != CANDOR_OK) {
        mem_free(r);
        return rc;
    }
    *out = r;
    return CANDOR_OK;
}

void candor_rules_free(struct candor_rules *rules)
{
    if (rules == NULL)
        return;
    ruleset_free(rules->rs);
    mem_free(rules);
}

size_t candor_rules_count(const struct candor_rules *rules)
{
    return rules->rs->n_rules;
}

bool candor_rules_imports(const struct candor_rules *rules,
                          const char *module)
{
    const struct ruleset *rs = rules->rs;

    for (uint32_t i = 0; i < rs->n_imports; i++) {
        if (strcmp(ruleset_str(rs, rs->imports[i]), module) == 0)
            return true;
    }
    return false;
}

const struct candor_rule *candor_rules_get(const struct candor_rules *rules,
                                           size_t i)
{
    return i < rules->rs->n_rules ? &rules->rs->h_rules[i] : NULL;
}

size_t candor_rules_string_count(const struct candor_rules *rules)
{
    return rules->rs->n_strings;
}

static const struct rs_rule *rule_of(const struct candor_rule *r)
{
    return &r->rs->rules[r->index];
}

const char *candor_rule_name(const struct candor_rule *r)
{
    return ruleset_str(r->rs, rule_of(r)->name);
}

const char *candor_rule_namespace(const struct candor_rule *r)
{
    return ruleset_str(r->rs, rule_of(r)->ns);
}

unsigned candor_rule_flags(const struct candor_rule *r)
{
    return rule_of(r)->flags & RS_RULE_PUBLIC_FLAGS;
}

size_t candor_rule_tag_count(const struct candor_rule *r)
{
    return rule_of(r)->n_tags;
}

const char *candor_rule_tag(const struct candor_rule *r, size_t i)
{
    const struct rs_rule *ru = rule_of(r);

    if (i >= ru->n_tags)
        return NULL;
    return ruleset_str(r->rs, r->rs->tags[ru->first_tag + i]);
}

size_t candor_rule_meta_count(const struct candor_rule *r)
{
    return rule_of(r)->n_metas;
}

const struct candor_meta *candor_rule_meta(const struct candor_rule *r,
                                           size_t i)
{
    const struct rs_rule *ru = rule_of(r);

    if (i >= ru->n_metas)
        return NULL;
    return &r->rs->h_metas[ru->first_meta + i];
}

size_t candor_rule_string_count(const struct candor_rule *r)
{
    return rule_of(r)->n_strings;
}

const struct candor_string *candor_rule_string(const struct candor_rule *r,
                                               size_t i)
{
    const struct rs_rule *ru = rule_of(r);

    if (i >= ru->n_strings)
        return NULL;
    return &r->rs->h_strings[ru->first_string + i];
}

const char *candor_string_name(const struct candor_string *s)
{
    return ruleset_str(s->rs, s->rs->strings[s->index].name);
}

enum candor_string_kind candor_string_kind(const struct candor_string *s)
{
    return (enum candor_string_kind)s->rs->strings[s->index].kind;
}

bool candor_string_is_private(const struct candor_string *s)
{
    return (s->rs->strings[s->index].flags & RS_STRING_PRIVATE) != 0;
}

/* ---- Scanner ---------------------------------------------------------- */

enum candor_status candor_scanner_new(const struct candor_rules *rules,
                                      struct candor_scanner **out)
{
    return scanner_new(rules->rs, out);
}

void candor_scanner_free(struct candor_scanner *s)
{
    scanner_free(s);
}

void candor_scanner_set_callback(struct candor_scanner *s, candor_scan_fn fn,
                                 void *ctx)
{
    s->fn = fn;
    s->ctx = ctx;
}

void candor_scanner_set_console(struct candor_scanner *s, candor_text_fn fn,
                                void *ctx)
{
    s->console = fn;
    s->console_ctx = ctx;
}

void candor_scanner_set_module_data(struct candor_scanner *s,
                                    candor_text_fn fn, void *ctx)
{
    s->module_data = fn;
    s->module_data_ctx = ctx;
}

enum candor_status candor_scanner_set_module_input(struct candor_scanner *s,
                                                   const char *module,
                                                   const uint8_t *data,
                                                   size_t len)
{
    const struct module *m = module_find(module, strlen(module));
    struct mod_instance *inst;

    if (m == NULL || m->check_input == NULL)
        return CANDOR_ERROR_ARGUMENT;
    if (!m->check_input(data, len))
        return CANDOR_ERROR_FORMAT;
    inst = &s->mods[module_index(m)];
    inst->input = data;
    inst->input_len = len;
    return CANDOR_OK;
}

void candor_scanner_set_timeout(struct candor_scanner *s, unsigned seconds)
{
    s->timeout_s = seconds;
}

void candor_scanner_set_flags(struct candor_scanner *s, unsigned flags)
{
    s->flags = flags;
}

void candor_scanner_set_max_rules(struct candor_scanner *s, uint32_t n)
{
    s->max_rules = n;
}

enum candor_status candor_scanner_define_integer(struct candor_scanner *s,
                                                 const char *name,
                                                 int64_t value)
{
    struct vm_value v = {V_INT, 0, {.i = value}};
    return scanner_define(s, name, &v);
}

enum candor_status candor_scanner_define_float(struct candor_scanner *s,
                                               const char *name, double value)
{
    struct vm_value v = {V_FLOAT, 0, {.f = value}};
    return scanner_define(s, name, &v);
}

enum candor_status candor_scanner_define_boolean(struct candor_scanner *s,
                                                 const char *name, bool value)
{
    struct vm_value v = {V_INT, 0, {.i = value}};
    return scanner_define(s, name, &v);
}

enum candor_status candor_scanner_define_string(struct candor_scanner *s,
                                                const char *name,
                                                const char *value)
{
    struct vm_value v = {V_STR, 0, {.s = (const uint8_t *)value}};

    if (value == NULL)
        return CANDOR_ERROR_ARGUMENT;
    v.len = (uint32_t)strlen(value);
    return scanner_define(s, name, &v);
}

enum candor_status candor_scanner_scan_mem(struct candor_scanner *s,
                                           const uint8_t *data, size_t len)
{
    return scanner_scan(s, data, len);
}

enum candor_status candor_scanner_scan_file(struct candor_scanner *s,
                                            const char *path)
{
    return scanner_scan_file(s, path);
}
