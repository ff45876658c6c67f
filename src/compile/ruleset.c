/* ruleset.c - the compiled rule set's derived parts and its lifetime. */
#include "compile/ruleset.h"

#include "base/mem.h"

static const char *const opcode_names[] = {
#define OPCODE(name, text, operands) text,
#include "compile/opcodes.def"
#undef OPCODE
};

const char *ruleset_opcode_name(unsigned op)
{
    return op < OP_COUNT ? opcode_names[op] : "?";
}

enum candor_status ruleset_finish(struct ruleset *rs)
{
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
