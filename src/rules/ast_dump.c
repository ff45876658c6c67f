/*
 * ast_dump.c - see ast_dump.h for the format.
 */
#include "rules/ast_dump.h"

#include <stdio.h>
#include <string.h>

struct dump {
    const struct ast_program *prog;
    const struct ast_rule *rule;
    struct buf *out;
};

static void put_escaped(struct buf *out, const void *p, size_t len)
{
    const unsigned char *s = p;

    buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            buf_printf(out, "\\%c", s[i]);
        else if (s[i] < 0x20 || s[i] > 0x7e)
            buf_printf(out, "\\x%02x", s[i]);
        else
            buf_putc(out, s[i]);
    }
    buf_putc(out, '"');
}

static const char *type_suffix(enum ast_type t)
{
    switch (t) {
    case TYPE_INT: return ":int";
    case TYPE_FLOAT: return ":float";
    case TYPE_STRING: return ":string";
    case TYPE_BOOL: return ":bool";
    case TYPE_REGEXP: return ":regexp";
    default: return ":unknown";
    }
}

static void put_string_ref(struct dump *d, int32_t ref)
{
    if (ref < 0 || d->rule == NULL || (uint32_t)ref >= d->rule->n_strings)
        buf_puts(d->out, ref < 0 ? "$" : "$?");
    else
        buf_puts(d->out, d->rule->strings[ref].id);
}

static void put_set(struct dump *d, const struct ast_expr *e, bool rules)
{
    buf_putc(d->out, '(');
    for (uint32_t i = 0; i < e->n_set; i++) {
        if (i > 0)
            buf_putc(d->out, ' ');
        if (!rules)
            put_string_ref(d, (int32_t)e->set[i]);
        else if (e->set[i] < d->prog->rules.n)
            buf_puts(d->out, ast_rule_at(d->prog, e->set[i])->name);
        else
            buf_printf(d->out, "#%u", e->set[i]);
    }
    buf_putc(d->out, ')');
}

static void put_expr(struct dump *d, const struct ast_expr *e);

static void put_kids(struct dump *d, const struct ast_expr *e)
{
    if (e->a != NULL) {
        buf_putc(d->out, ' ');
        put_expr(d, e->a);
    }
    if (e->b != NULL) {
        buf_putc(d->out, ' ');
        put_expr(d, e->b);
    }
    for (uint32_t i = 0; i < e->n_list; i++) {
        buf_putc(d->out, ' ');
        put_expr(d, e->list[i]);
    }
}

static const char *read_name(int64_t bits)
{
    static char name[16];
    unsigned width = (unsigned)bits & READ_WIDTH_MASK;

    snprintf(name, sizeof(name), "%sint%u%s",
             (bits & READ_SIGNED) ? "" : "u", width * 8,
             (bits & READ_BIG_ENDIAN) ? "be" : "");
    return name;
}

/* Leaves: literals and names. False when e is not one. */
static bool put_leaf(struct dump *d, const struct ast_expr *e)
{
    struct buf *out = d->out;

    switch (e->op) {
    case AST_INT: buf_printf(out, "%lld", (long long)e->ival); return true;
    case AST_FLOAT: buf_printf(out, "%.17g", e->fval); return true;
    case AST_BOOL: buf_puts(out, e->ival ? "true" : "false"); return true;
    case AST_STRING: put_escaped(out, e->str, e->str_len); return true;
    case AST_REGEXP:
        buf_putc(out, '/');
        buf_append(out, e->str, e->str_len);
        buf_printf(out, "/%s%s", (e->ival & RE_FLAG_NOCASE) ? "i" : "",
                   (e->ival & RE_FLAG_DOTALL) ? "s" : "");
        return true;
    case AST_FILESIZE: buf_puts(out, "filesize"); return true;
    case AST_ENTRYPOINT: buf_puts(out, "entrypoint"); return true;
    case AST_QUANT_ALL: buf_puts(out, "all"); return true;
    case AST_QUANT_ANY: buf_puts(out, "any"); return true;
    case AST_QUANT_NONE: buf_puts(out, "none"); return true;
    case AST_STR_FOUND: put_string_ref(d, e->ref); return true;
    case AST_EXTERNAL:
        buf_printf(out, "(external%s %s)", type_suffix(e->type),
                   e->ref >= 0 && (size_t)e->ref < d->prog->externals.n
                       ? ((const struct ast_external *)vec_at(
                              &d->prog->externals, (size_t)e->ref))->name
                       : "?");
        return true;
    case AST_RULE_REF:
        if (e->ref >= 0 && (size_t)e->ref < d->prog->rules.n)
            buf_printf(out, "(rule %s)", ast_rule_at(d->prog, e->ref)->name);
        else
            buf_printf(out, "(rule #%d)", e->ref);
        return true;
    case AST_LOOP_VAR:
        buf_printf(out, "(var%s %d)", type_suffix(e->type), e->ref);
        return true;
    case AST_MODULE: buf_printf(out, "(module %s)", e->str); return true;
    default: return false;
    }
}

/* Quantified expressions: of, for..of, for..in. */
static void put_quantified(struct dump *d, const struct ast_expr *e)
{
    struct buf *out = d->out;

    buf_printf(out, "(%s ", ast_op_name(e->op));
    put_expr(d, e->quant);
    buf_putc(out, ' ');
    if (e->op == AST_FOR_IN) {
        buf_putc(out, '(');
        for (int64_t i = 0; i < e->ival; i++)
            buf_printf(out, "%s%lld", i > 0 ? " " : "",
                       (long long)(e->ref + i));
        buf_puts(out, ") ");
        put_expr(d, e->b);
        buf_putc(out, ' ');
        put_expr(d, e->a);
    } else {
        put_set(d, e, e->op == AST_OF_RULES);
        if (e->op == AST_FOR_OF) {
            buf_putc(out, ' ');
            put_expr(d, e->a);
        } else if (e->op == AST_OF_STRINGS && e->ival != OF_PLAIN) {
            buf_puts(out, e->ival == OF_AT ? " at" : " in");
            put_kids(d, e);
        }
    }
    buf_putc(out, ')');
}

static void put_expr(struct dump *d, const struct ast_expr *e)
{
    struct buf *out = d->out;

    if (e == NULL) {
        buf_puts(out, "(null)");
        return;
    }
    if (put_leaf(d, e))
        return;
    switch (e->op) {
    case AST_OF_STRINGS: case AST_OF_RULES: case AST_FOR_OF: case AST_FOR_IN:
        put_quantified(d, e);
        return;
    case AST_READ_INT:
        buf_printf(out, "(%s", read_name(e->ival));
        break;
    case AST_STR_COUNT: case AST_STR_OFFSET: case AST_STR_LENGTH:
    case AST_STR_AT: case AST_STR_IN:
        buf_printf(out, "(%s ", ast_op_name(e->op));
        put_string_ref(d, e->ref);
        break;
    case AST_FIELD:
        buf_printf(out, "(field%s %s", type_suffix(e->type), e->str);
        break;
    case AST_ADD: case AST_SUB: case AST_MUL: case AST_DIV: case AST_MOD:
    case AST_NEG: case AST_INDEX: case AST_CALL:
        buf_printf(out, "(%s%s", ast_op_name(e->op), type_suffix(e->type));
        break;
    default:
        buf_printf(out, "(%s", ast_op_name(e->op));
        break;
    }
    put_kids(d, e);
    buf_putc(out, ')');
}

enum candor_status ast_dump_expr(const struct ast_program *prog,
                                 const struct ast_rule *rule,
                                 const struct ast_expr *e, struct buf *out)
{
    struct dump d = {prog, rule, out};

    put_expr(&d, e);
    return out->failed ? CANDOR_ERROR_NOMEM : CANDOR_OK;
}

static void put_string(struct buf *out, const struct ast_string *s)
{
    static const char *const kinds[] = {"text", "hex", "regex"};
    static const struct {
        unsigned bit;
        const char *name;
    } mods[] = {
        {MOD_NOCASE, "nocase"}, {MOD_WIDE, "wide"}, {MOD_ASCII, "ascii"},
        {MOD_FULLWORD, "fullword"}, {MOD_PRIVATE, "private"},
    };

    buf_printf(out, "  string %s %s ", s->id, kinds[s->kind]);
    put_escaped(out, s->text, s->text_len);
    if (s->kind == AST_STRING_REGEX && s->re_flags != 0)
        buf_printf(out, " /%s%s", (s->re_flags & RE_FLAG_NOCASE) ? "i" : "",
                   (s->re_flags & RE_FLAG_DOTALL) ? "s" : "");
    for (size_t i = 0; i < sizeof(mods) / sizeof(*mods); i++) {
        if (s->mods & mods[i].bit)
            buf_printf(out, " %s", mods[i].name);
    }
    if (s->mods & MOD_XOR)
        buf_printf(out, " xor(%u-%u)", s->xor_min, s->xor_max);
    if (s->mods & MOD_BASE64)
        buf_puts(out, " base64");
    if (s->mods & MOD_BASE64WIDE)
        buf_puts(out, " base64wide");
    if (s->base64_alphabet != NULL) {
        buf_puts(out, " alphabet ");
        put_escaped(out, s->base64_alphabet, 64);
    }
    buf_putc(out, '\n');
}

static void put_rule(const struct ast_program *prog, const struct ast_rule *r,
                     struct buf *out)
{
    buf_printf(out, "rule %s:%s%s%s", r->ns, r->name,
               (r->flags & RULE_PRIVATE) ? " private" : "",
               (r->flags & RULE_GLOBAL) ? " global" : "");
    for (uint32_t i = 0; i < r->n_tags; i++)
        buf_printf(out, "%s%s", i == 0 ? " : " : " ", r->tags[i]);
    buf_putc(out, '\n');
    for (uint32_t i = 0; i < r->n_metas; i++) {
        const struct ast_meta *m = &r->metas[i];
        buf_printf(out, "  meta %s = ", m->id);
        if (m->type == META_STRING)
            put_escaped(out, m->str, m->str_len);
        else if (m->type == META_BOOL)
            buf_puts(out, m->ival ? "true" : "false");
        else
            buf_printf(out, "%lld", (long long)m->ival);
        buf_putc(out, '\n');
    }
    for (uint32_t i = 0; i < r->n_strings; i++)
        put_string(out, &r->strings[i]);
    buf_puts(out, "  condition ");
    ast_dump_expr(prog, r, r->cond, out);
    buf_putc(out, '\n');
}

enum candor_status ast_dump_program(const struct ast_program *prog,
                                    struct buf *out)
{
    for (size_t i = 0; i < prog->imports.n; i++)
        buf_printf(out, "import %s\n",
                   *(const char **)vec_at(&prog->imports, i));
    for (size_t i = 0; i < prog->rules.n; i++)
        put_rule(prog, ast_rule_at(prog, i), out);
    return out->failed ? CANDOR_ERROR_NOMEM : CANDOR_OK;
}
