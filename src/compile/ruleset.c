/* ruleset.c - the compiled rule set's derived parts and its lifetime. */
#include "compile/ruleset.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/mem.h"
#include "compile/strings.h"
#include "modules/module.h"
#include "rules/re.h"

static const char *const opcode_names[] = {
#define OPCODE(name, text, operands) text,
#include "compile/opcodes.def"
#undef OPCODE
};

const char *ruleset_opcode_name(unsigned op)
{
    return op < OP_COUNT ? opcode_names[op] : "?";
}

/* Compiles the regex of a `matches` operator from its YARA source. */
static enum candor_status compile_regex(const struct ruleset *rs,
                                        const struct rs_regex *r,
                                        struct match_regex **out)
{
    struct arena a;
    struct re_node *tree;
    struct buf text;
    char err[256];
    enum candor_status rc = CANDOR_ERROR_FORMAT;

    arena_init(&a, 4096);
    if (re_parse_regex(&a, (const uint8_t *)ruleset_str(rs, r->pattern),
                       r->len, r->flags, &tree, err, sizeof(err))) {
        rc = strings_regex_pcre(tree, &text);
        if (rc == CANDOR_OK)
            rc = match_regex_new((const char *)text.data, text.len,
                                 (r->flags & RE_FLAG_NOCASE) ? MATCH_NOCASE
                                                             : 0,
                                 out, err, sizeof(err));
        buf_fini(&text);
    }
    arena_fini(&a);
    return rc == CANDOR_ERROR_SYNTAX ? CANDOR_ERROR_FORMAT : rc;
}

/* Points every MOD_ROOT at its module (pad[0]) by the name it carries;
 * a name this build has no module for makes the rules unusable. */
static enum candor_status link_modules(struct ruleset *rs)
{
    for (uint32_t i = 0; i < rs->n_code; i++) {
        struct vm_insn *in = &rs->code[i];
        const struct module *m;
        if (in->op != OP_MOD_ROOT)
            continue;
        m = module_find(ruleset_str(rs, in->arg), (size_t)in->imm);
        if (m == NULL)
            return CANDOR_ERROR_FORMAT;
        in->pad[0] = (uint8_t)module_index(m);
    }
    return CANDOR_OK;
}

enum candor_status ruleset_finish(struct ruleset *rs)
{
    enum candor_status rc = link_modules(rs);

    if (rc != CANDOR_OK)
        return rc;
    rs->compiled_regexes =
        mem_calloc(rs->n_regexes, sizeof(*rs->compiled_regexes));
    if (rs->compiled_regexes == NULL)
        return CANDOR_ERROR_NOMEM;
    for (uint32_t i = 0; i < rs->n_regexes; i++) {
        rc = compile_regex(rs, &rs->regexes[i], &rs->compiled_regexes[i]);
        if (rc != CANDOR_OK)
            return rc;
    }
    rs->h_rules = mem_calloc(rs->n_rules, sizeof(*rs->h_rules));
    rs->h_strings = mem_calloc(rs->n_strings, sizeof(*rs->h_strings));
    rs->h_metas = mem_calloc(rs->n_metas, sizeof(*rs->h_metas));
    if (rs->h_rules == NULL || rs->h_strings == NULL || rs->h_metas == NULL)
        return CANDOR_ERROR_NOMEM;
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        rs->h_rules[i].rs = rs;
        rs->h_rules[i].index = i;
    }
    for (uint32_t i = 0; i < rs->n_strings; i++) {
        rs->h_strings[i].rs = rs;
        rs->h_strings[i].index = i;
    }
    for (uint32_t i = 0; i < rs->n_metas; i++) {
        const struct rs_meta *m = &rs->metas[i];
        struct candor_meta *h = &rs->h_metas[i];
        h->name = ruleset_str(rs, m->name);
        h->type = (enum candor_meta_type)m->type;
        h->integer = m->ival;
        h->string = ruleset_str(rs, m->str);
        h->string_len = m->str_len;
    }
    return CANDOR_OK;
}

void ruleset_free(struct ruleset *rs)
{
    if (rs == NULL)
        return;
    match_db_free(rs->db);
    for (uint32_t i = 0; rs->compiled_regexes != NULL && i < rs->n_regexes;
         i++)
        match_regex_free(rs->compiled_regexes[i]);
    mem_free(rs->compiled_regexes);
    mem_free(rs->h_rules);
    mem_free(rs->h_strings);
    mem_free(rs->h_metas);
    mem_free(rs->strtab);
    mem_free(rs->rules);
    mem_free(rs->strings);
    mem_free(rs->metas);
    mem_free(rs->tags);
    mem_free(rs->externals);
    mem_free(rs->code);
    mem_free(rs->sets);
    mem_free(rs->regexes);
    mem_free(rs->imports);
    mem_free(rs);
}
