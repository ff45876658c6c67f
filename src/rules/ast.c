#include "rules/ast.h"

static const char *const op_names[] = {
#define AST_OP(name, text) text,
#include "rules/ast.def"
#undef AST_OP
};

const char *ast_op_name(enum ast_op op)
{
    if ((unsigned)op >= AST_OP_COUNT)
        return "?";
    return op_names[op];
}

void ast_program_init(struct ast_program *p)
{
    arena_init(&p->arena, 64 * 1024);
    vec_init(&p->rules, sizeof(struct ast_rule *));
    vec_init(&p->externals, sizeof(struct ast_external));
    vec_init(&p->namespaces, sizeof(const char *));
    vec_init(&p->imports, sizeof(const char *));
    map_init(&p->rule_names);
}

void ast_program_fini(struct ast_program *p)
{
    vec_fini(&p->rules);
    vec_fini(&p->externals);
    vec_fini(&p->namespaces);
    vec_fini(&p->imports);
    map_fini(&p->rule_names);
    arena_fini(&p->arena);
}

struct ast_expr *ast_expr_new(struct ast_program *p, enum ast_op op,
                              enum ast_type type, int line)
{
    struct ast_expr *e = arena_alloc(&p->arena, sizeof(*e));

    if (e == NULL)
        return NULL;
    e->op = op;
    e->type = type;
    e->line = line;
    e->ref = -1;
    return e;
}
