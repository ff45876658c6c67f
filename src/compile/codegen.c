/*
 * codegen.c - conditions to bytecode for the VM in scan/vm.c.
 *
 * Each rule's condition becomes one chunk of vm_insn ending in HALT; jumps
 * are instruction indices relative to the chunk's start, so a chunk can be
 * validated on its own. Expressions are compiled in postfix order: operands
 * first, then the operator. The AST was type-checked by the parser, so the
 * operator variant (integer or float arithmetic, numeric or string
 * comparison) is chosen here once, never at scan time.
 */
#include "compile/codegen.h"

#include <string.h>

#include "base/buf.h"
#include "base/map.h"
#include "base/mem.h"
#include "base/vec.h"
#include "compile/strings.h"

/* The bytecode's constants are the AST's, so values pass through as-is. */
_Static_assert(VM_READ_WIDTH_MASK == READ_WIDTH_MASK &&
                   VM_READ_SIGNED == READ_SIGNED &&
                   VM_READ_BIG_ENDIAN == READ_BIG_ENDIAN,
               "READ_INT flags differ");
_Static_assert((int)VM_OF_PLAIN == OF_PLAIN && (int)VM_OF_AT == OF_AT &&
                   (int)VM_OF_IN == OF_IN,
               "OF placements differ");
_Static_assert((int)RS_EXT_INT == EXT_INT && (int)RS_EXT_FLOAT == EXT_FLOAT &&
                   (int)RS_EXT_BOOL == EXT_BOOL &&
                   (int)RS_EXT_STRING == EXT_STRING,
               "external types differ");

#define MAX_STRTAB (1u << 30)

struct cg {
    const struct ast_program *prog;
    struct diag_sink *diag;
    struct ruleset *rs;
    struct buf strtab;
    struct arena keys;        /* copies of interned strings, map keys */
    struct map interned;      /* bytes -> string-table offset */
    struct vec code;          /* struct vm_insn */
    struct vec sets;          /* uint32_t */
    struct vec regexes;       /* struct rs_regex */
    const struct ast_rule *rule;
    uint32_t string_base;     /* string id of the rule's first string */
    uint32_t code_start;      /* the rule chunk's first instruction */
    uint32_t of_depth;        /* nesting of for..of loops */
    uint32_t of_slots[RS_MAX_SLOTS];
    uint32_t n_slots;         /* slots the current rule needs */
    bool nomem;
};

static uint32_t intern(struct cg *cg, const void *p, size_t len)
{
    uint64_t off;
    char *key;

    if (map_get(&cg->interned, p, len, &off))
        return (uint32_t)off;
    off = cg->strtab.len;
    if (off + len + 1 > MAX_STRTAB || !buf_append(&cg->strtab, p, len) ||
        !buf_putc(&cg->strtab, 0)) {
        cg->nomem = true;
        return 0;
    }
    key = arena_memdup(&cg->keys, p, len);
    if (key == NULL || !map_put(&cg->interned, key, len, off))
        cg->nomem = true;
    return (uint32_t)off;
}

static uint32_t intern_str(struct cg *cg, const char *s)
{
    return intern(cg, s, strlen(s));
}

/* Appends an instruction; returns its index relative to the chunk. */
static uint32_t emit(struct cg *cg, enum vm_opcode op, uint32_t arg,
                     int64_t imm)
{
    struct vm_insn *in = vec_push(&cg->code);

    if (in == NULL) {
        cg->nomem = true;
        return 0;
    }
    in->op = (uint8_t)op;
    in->arg = arg;
    in->imm = imm;
    return (uint32_t)(cg->code.n - 1 - cg->code_start);
}

static uint32_t here(const struct cg *cg)
{
    return (uint32_t)(cg->code.n - cg->code_start);
}

static void patch(struct cg *cg, uint32_t at, uint32_t target)
{
    if (cg->nomem)
        return;
    ((struct vm_insn *)vec_at(&cg->code, cg->code_start + at))->arg = target;
}

static uint32_t add_set(struct cg *cg, const uint32_t *ids, uint32_t n,
                        uint32_t base)
{
    uint32_t start = (uint32_t)cg->sets.n;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t *slot = vec_push(&cg->sets);
        if (slot == NULL) {
            cg->nomem = true;
            return 0;
        }
        *slot = base + ids[i];
    }
    return start;
}

static enum candor_status gen_expr(struct cg *cg, const struct ast_expr *e);

static enum candor_status unsupported(struct cg *cg, const struct ast_expr *e)
{
    diag_report(cg->diag, CANDOR_DIAG_ERROR, cg->rule->file, e->line,
                cg->rule->name, "%s expressions are not supported yet",
                ast_op_name(e->op));
    return CANDOR_ERROR_SYNTAX;
}

static bool is_float(const struct ast_expr *e)
{
    return e->type == TYPE_FLOAT;
}

/* Operands a, b; converts an integer operand when the other is a float. */
static enum candor_status gen_numeric_pair(struct cg *cg,
                                           const struct ast_expr *e,
                                           bool *as_float)
{
    enum candor_status rc;

    *as_float = is_float(e->a) || is_float(e->b);
    if ((rc = gen_expr(cg, e->a)) != CANDOR_OK)
        return rc;
    if ((rc = gen_expr(cg, e->b)) != CANDOR_OK)
        return rc;
    if (*as_float && !is_float(e->a))
        emit(cg, OP_INT_TO_FLOAT, 1, 0);
    if (*as_float && !is_float(e->b))
        emit(cg, OP_INT_TO_FLOAT, 0, 0);
    return CANDOR_OK;
}

static enum candor_status gen_arith(struct cg *cg, const struct ast_expr *e)
{
    static const enum vm_opcode int_ops[] = {OP_ADD_I, OP_SUB_I, OP_MUL_I,
                                             OP_DIV_I, OP_MOD_I};
    static const enum vm_opcode float_ops[] = {OP_ADD_F, OP_SUB_F, OP_MUL_F,
                                               OP_DIV_F, OP_MOD_I};
    unsigned k = (unsigned)(e->op - AST_ADD);
    bool as_float;
    enum candor_status rc = gen_numeric_pair(cg, e, &as_float);

    if (rc != CANDOR_OK)
        return rc;
    emit(cg, as_float ? float_ops[k] : int_ops[k], 0, 0);
    return CANDOR_OK;
}

static enum candor_status gen_compare(struct cg *cg, const struct ast_expr *e)
{
    enum cmp_kind k;
    enum candor_status rc;
    bool as_float;

    switch (e->op) {
    case AST_LT: k = CMP_LT; break;
    case AST_LE: k = CMP_LE; break;
    case AST_GT: k = CMP_GT; break;
    case AST_GE: k = CMP_GE; break;
    case AST_EQ: k = CMP_EQ; break;
    case AST_NE: k = CMP_NE; break;
    case AST_CONTAINS: k = CMP_CONTAINS; break;
    case AST_ICONTAINS: k = CMP_ICONTAINS; break;
    case AST_STARTSWITH: k = CMP_STARTSWITH; break;
    case AST_ISTARTSWITH: k = CMP_ISTARTSWITH; break;
    case AST_ENDSWITH: k = CMP_ENDSWITH; break;
    case AST_IENDSWITH: k = CMP_IENDSWITH; break;
    default: k = CMP_IEQUALS; break;
    }
    if (e->a->type == TYPE_STRING || k >= CMP_CONTAINS) {
        if ((rc = gen_expr(cg, e->a)) != CANDOR_OK ||
            (rc = gen_expr(cg, e->b)) != CANDOR_OK)
            return rc;
        emit(cg, OP_CMP_S, k, 0);
        return CANDOR_OK;
    }
    if ((rc = gen_numeric_pair(cg, e, &as_float)) != CANDOR_OK)
        return rc;
    emit(cg, as_float ? OP_CMP_F : OP_CMP_I, k, 0);
    return CANDOR_OK;
}

/* expr AND/OR expr, short-circuited; the result is always defined. */
static enum candor_status gen_logic(struct cg *cg, const struct ast_expr *e)
{
    enum candor_status rc;
    uint32_t j;

    if ((rc = gen_expr(cg, e->a)) != CANDOR_OK)
        return rc;
    j = emit(cg, e->op == AST_AND ? OP_AND_JUMP : OP_OR_JUMP, 0, 0);
    if ((rc = gen_expr(cg, e->b)) != CANDOR_OK)
        return rc;
    emit(cg, OP_TO_BOOL, 0, 0);
    patch(cg, j, here(cg));
    return CANDOR_OK;
}

/* Pushes a quantifier's value where it has one; returns its QK_* kind. */
static enum candor_status gen_quant(struct cg *cg, const struct ast_expr *q,
                                    unsigned *qk)
{
    switch (q->op) {
    case AST_QUANT_ALL:
        *qk = QK_ALL;
        return CANDOR_OK;
    case AST_QUANT_ANY:
        *qk = QK_ANY;
        return CANDOR_OK;
    case AST_QUANT_NONE:
        *qk = QK_NONE;
        return CANDOR_OK;
    case AST_PERCENT:
        *qk = QK_PERCENT;
        return gen_expr(cg, q->a);
    default:
        *qk = QK_N;
        return gen_expr(cg, q);
    }
}

/* quant of ($a, $b*) [at expr | in (lo..hi)], and quant of (rule, r*) */
static enum candor_status gen_of(struct cg *cg, const struct ast_expr *e)
{
    enum candor_status rc;
    unsigned qk, placement = 0;
    uint32_t set;

    if ((rc = gen_quant(cg, e->quant, &qk)) != CANDOR_OK)
        return rc;
    if (e->op == AST_OF_RULES) {
        set = add_set(cg, e->set, e->n_set, 0);
        emit(cg, OP_OF_RULE, set, quant_imm(e->n_set, 0, qk, 0));
        return CANDOR_OK;
    }
    placement = (unsigned)e->ival;
    if (placement == OF_AT || placement == OF_IN) {
        if ((rc = gen_expr(cg, e->a)) != CANDOR_OK)
            return rc;
    }
    if (placement == OF_IN && (rc = gen_expr(cg, e->b)) != CANDOR_OK)
        return rc;
    set = add_set(cg, e->set, e->n_set, cg->string_base);
    emit(cg, OP_OF_STR, set, quant_imm(e->n_set, placement, qk, 0));
    return CANDOR_OK;
}

static enum candor_status new_slot(struct cg *cg, const struct ast_expr *e,
                                   uint32_t *slot)
{
    if (*slot >= RS_MAX_SLOTS) {
        diag_report(cg->diag, CANDOR_DIAG_ERROR, cg->rule->file, e->line,
                    cg->rule->name, "loops nested too deeply");
        return CANDOR_ERROR_SYNTAX;
    }
    if (*slot + 1 > cg->n_slots)
        cg->n_slots = *slot + 1;
    return CANDOR_OK;
}

/* The loop skeleton shared by for..of and for..in: NEXT body STEP END. */
static enum candor_status gen_loop_body(struct cg *cg,
                                        const struct ast_expr *body,
                                        uint32_t slot)
{
    enum candor_status rc;
    uint32_t next = emit(cg, OP_LOOP_NEXT, 0, slot);

    if ((rc = gen_expr(cg, body)) != CANDOR_OK)
        return rc;
    emit(cg, OP_LOOP_STEP, next, slot);
    patch(cg, next, here(cg));
    emit(cg, OP_LOOP_END, slot, 0);
    return CANDOR_OK;
}

/* for quant of string_set : ( body ) */
static enum candor_status gen_for_of(struct cg *cg, const struct ast_expr *e)
{
    enum candor_status rc;
    uint32_t slot = cg->rule->n_loop_vars + cg->of_depth;
    uint32_t set;
    unsigned qk;

    if ((rc = new_slot(cg, e, &slot)) != CANDOR_OK)
        return rc;
    if ((rc = gen_quant(cg, e->quant, &qk)) != CANDOR_OK)
        return rc;
    set = add_set(cg, e->set, e->n_set, cg->string_base);
    emit(cg, OP_LOOP_SET, set, quant_imm(e->n_set, 0, qk, slot));
    cg->of_slots[cg->of_depth++] = slot;
    rc = gen_loop_body(cg, e->a, slot);
    cg->of_depth--;
    return rc;
}

/* for quant var in ( lo..hi | v1, v2, ... ) : ( body ) */
static enum candor_status gen_for_in(struct cg *cg, const struct ast_expr *e)
{
    enum candor_status rc;
    uint32_t slot = (uint32_t)e->ref;
    const struct ast_expr *it = e->b;
    unsigned qk;

    if (it->decl != NULL) {
        /* A module's array (the slot) or dictionary (slot, slot + 1). */
        uint32_t value_slot = slot + 1;
        if ((rc = new_slot(cg, e, &value_slot)) != CANDOR_OK ||
            (rc = gen_quant(cg, e->quant, &qk)) != CANDOR_OK ||
            (rc = gen_expr(cg, it)) != CANDOR_OK)
            return rc;
        emit(cg, OP_LOOP_OBJ, 0, quant_imm(0, 0, qk, slot));
        return gen_loop_body(cg, e->a, slot);
    }
    /* A range or an enumeration, with one variable (the parser's check). */
    if ((rc = new_slot(cg, e, &slot)) != CANDOR_OK)
        return rc;
    if ((rc = gen_quant(cg, e->quant, &qk)) != CANDOR_OK)
        return rc;
    if (it->op == AST_RANGE) {
        if ((rc = gen_expr(cg, it->a)) != CANDOR_OK ||
            (rc = gen_expr(cg, it->b)) != CANDOR_OK)
            return rc;
        emit(cg, OP_LOOP_RANGE, 0, quant_imm(0, 0, qk, slot));
    } else {
        for (uint32_t i = 0; i < it->n_list; i++) {
            if ((rc = gen_expr(cg, it->list[i])) != CANDOR_OK)
                return rc;
        }
        emit(cg, OP_LOOP_ENUM, 0, quant_imm(it->n_list, 0, qk, slot));
    }
    return gen_loop_body(cg, e->a, slot);
}

/* The string id an expression names: its own, or the loop's current one. */
static enum candor_status string_arg(struct cg *cg, const struct ast_expr *e,
                                     uint32_t *arg)
{
    if (e->ref >= 0) {
        *arg = cg->string_base + (uint32_t)e->ref;
        return CANDOR_OK;
    }
    if (cg->of_depth == 0) {
        diag_report(cg->diag, CANDOR_DIAG_ERROR, cg->rule->file, e->line,
                    cg->rule->name, "anonymous string outside a loop");
        return CANDOR_ERROR_SYNTAX;
    }
    *arg = LOOP_STRING | cg->of_slots[cg->of_depth - 1];
    return CANDOR_OK;
}

static enum candor_status gen_string_op(struct cg *cg,
                                        const struct ast_expr *e)
{
    enum candor_status rc;
    enum vm_opcode op;
    uint32_t arg;

    if ((rc = string_arg(cg, e, &arg)) != CANDOR_OK)
        return rc;
    switch (e->op) {
    case AST_STR_FOUND:
        op = OP_STR_FOUND;
        break;
    case AST_STR_COUNT:
        op = e->a != NULL ? OP_STR_COUNT_IN : OP_STR_COUNT;
        break;
    case AST_STR_OFFSET:
    case AST_STR_LENGTH:
        op = e->op == AST_STR_OFFSET ? OP_STR_OFFSET : OP_STR_LENGTH;
        if (e->a == NULL)
            emit(cg, OP_PUSH_INT, 0, 1);
        break;
    case AST_STR_AT:
        op = OP_STR_AT;
        break;
    default:
        op = OP_STR_IN;
        break;
    }
    if (e->a != NULL && (rc = gen_expr(cg, e->a)) != CANDOR_OK)
        return rc;
    if (e->b != NULL && (rc = gen_expr(cg, e->b)) != CANDOR_OK)
        return rc;
    emit(cg, op, arg, 0);
    return CANDOR_OK;
}

/* Adds regex literal e to the rules' regexes; emits op with its index. */
static enum candor_status gen_regex(struct cg *cg, const struct ast_expr *e,
                                   enum vm_opcode op)
{
    struct rs_regex *re = vec_push(&cg->regexes);

    if (re == NULL) {
        cg->nomem = true;
        return CANDOR_ERROR_NOMEM;
    }
    re->pattern = intern(cg, e->str, e->str_len);
    re->len = (uint32_t)e->str_len;
    re->flags = (uint32_t)e->ival;
    emit(cg, op, (uint32_t)(cg->regexes.n - 1), 0);
    return CANDOR_OK;
}

static enum candor_status gen_matches(struct cg *cg, const struct ast_expr *e)
{
    enum candor_status rc = gen_expr(cg, e->a);

    return rc != CANDOR_OK ? rc : gen_regex(cg, e->b, OP_MATCHES);
}

static enum candor_status gen_unary(struct cg *cg, const struct ast_expr *e,
                                    enum vm_opcode op)
{
    enum candor_status rc = gen_expr(cg, e->a);

    if (rc == CANDOR_OK)
        emit(cg, op, e->op == AST_READ_INT ? (uint32_t)e->ival : 0, 0);
    return rc;
}

static enum candor_status gen_binary(struct cg *cg, const struct ast_expr *e,
                                     enum vm_opcode op)
{
    enum candor_status rc;

    if ((rc = gen_expr(cg, e->a)) != CANDOR_OK ||
        (rc = gen_expr(cg, e->b)) != CANDOR_OK)
        return rc;
    emit(cg, op, 0, 0);
    return CANDOR_OK;
}

/* A module value: its structure, member, element or function's result. */
static enum candor_status gen_module(struct cg *cg, const struct ast_expr *e)
{
    enum candor_status rc;
    const struct ast_expr *fn = e->a;

    switch (e->op) {
    case AST_MODULE:
        emit(cg, OP_MOD_ROOT, intern_str(cg, e->str), (int64_t)strlen(e->str));
        return CANDOR_OK;
    case AST_FIELD:
        if ((rc = gen_expr(cg, e->a)) == CANDOR_OK)
            emit(cg, OP_MOD_FIELD, 0, e->ref);
        return rc;
    case AST_INDEX:
        if ((rc = gen_expr(cg, e->a)) == CANDOR_OK &&
            (rc = gen_expr(cg, e->b)) == CANDOR_OK)
            emit(cg, OP_MOD_INDEX, 0, 0);
        return rc;
    default: /* AST_CALL of a structure's member (the parser's check) */
        if ((rc = gen_expr(cg, fn->a)) != CANDOR_OK)
            return rc;
        for (uint32_t i = 0; i < e->n_list; i++) {
            rc = e->list[i]->op == AST_REGEXP
                     ? gen_regex(cg, e->list[i], OP_PUSH_REGEX)
                     : gen_expr(cg, e->list[i]);
            if (rc != CANDOR_OK)
                return rc;
        }
        emit(cg, OP_MOD_CALL, 0,
             (int64_t)((uint64_t)(uint32_t)fn->ref & 0xffff) |
                 (int64_t)(((uint64_t)(uint32_t)e->ref & 0xffff) << 16) |
                 (int64_t)((uint64_t)e->n_list << 32));
        return CANDOR_OK;
    }
}

static enum candor_status gen_expr(struct cg *cg, const struct ast_expr *e)
{
    double f;
    int64_t bits;

    if (cg->nomem)
        return CANDOR_ERROR_NOMEM;
    switch (e->op) {
    case AST_INT:
    case AST_BOOL:
        emit(cg, OP_PUSH_INT, 0, e->ival);
        return CANDOR_OK;
    case AST_FLOAT:
        f = e->fval;
        memcpy(&bits, &f, sizeof(bits));
        emit(cg, OP_PUSH_FLOAT, 0, bits);
        return CANDOR_OK;
    case AST_STRING:
        emit(cg, OP_PUSH_STR, intern(cg, e->str, e->str_len),
             (int64_t)e->str_len);
        return CANDOR_OK;
    case AST_FILESIZE:
        emit(cg, OP_FILESIZE, 0, 0);
        return CANDOR_OK;
    case AST_ENTRYPOINT:
        emit(cg, OP_ENTRYPOINT, 0, 0);
        return CANDOR_OK;
    case AST_EXTERNAL:
        emit(cg, OP_EXT, (uint32_t)e->ref, 0);
        return CANDOR_OK;
    case AST_RULE_REF:
        emit(cg, OP_RULE, (uint32_t)e->ref, 0);
        return CANDOR_OK;
    case AST_LOOP_VAR:
        emit(cg, OP_LOOP_VAR, (uint32_t)e->ref, 0);
        return CANDOR_OK;
    case AST_READ_INT:
        return gen_unary(cg, e, OP_READ_INT);
    case AST_STR_FOUND:
    case AST_STR_COUNT:
    case AST_STR_OFFSET:
    case AST_STR_LENGTH:
    case AST_STR_AT:
    case AST_STR_IN:
        return gen_string_op(cg, e);
    case AST_NOT:
        return gen_unary(cg, e, OP_NOT);
    case AST_NEG:
        return gen_unary(cg, e, is_float(e->a) ? OP_NEG_F : OP_NEG_I);
    case AST_BITNOT:
        return gen_unary(cg, e, OP_BIT_NOT);
    case AST_DEFINED:
        return gen_unary(cg, e, OP_DEFINED);
    case AST_AND:
    case AST_OR:
        return gen_logic(cg, e);
    case AST_ADD:
    case AST_SUB:
    case AST_MUL:
    case AST_DIV:
    case AST_MOD:
        return gen_arith(cg, e);
    case AST_SHL:
        return gen_binary(cg, e, OP_SHL);
    case AST_SHR:
        return gen_binary(cg, e, OP_SHR);
    case AST_BITAND:
        return gen_binary(cg, e, OP_BIT_AND);
    case AST_BITOR:
        return gen_binary(cg, e, OP_BIT_OR);
    case AST_BITXOR:
        return gen_binary(cg, e, OP_BIT_XOR);
    case AST_LT: case AST_LE: case AST_GT: case AST_GE: case AST_EQ:
    case AST_NE: case AST_CONTAINS: case AST_ICONTAINS: case AST_STARTSWITH:
    case AST_ISTARTSWITH: case AST_ENDSWITH: case AST_IENDSWITH:
    case AST_IEQUALS:
        return gen_compare(cg, e);
    case AST_MATCHES:
        return gen_matches(cg, e);
    case AST_OF_STRINGS:
    case AST_OF_RULES:
        return gen_of(cg, e);
    case AST_FOR_OF:
        return gen_for_of(cg, e);
    case AST_FOR_IN:
        return gen_for_in(cg, e);
    case AST_MODULE:
    case AST_FIELD:
    case AST_INDEX:
    case AST_CALL:
        return gen_module(cg, e);
    default:
        return unsupported(cg, e);
    }
}

/* ---- Tables ----------------------------------------------------------- */

struct tables {
    struct vec rules;     /* struct rs_rule */
    struct vec strings;   /* struct rs_string */
    struct vec metas;     /* struct rs_meta */
    struct vec tags;      /* uint32_t */
    struct vec externals; /* struct rs_external */
    struct vec imports;   /* uint32_t */
};

static enum candor_status gen_strings(struct cg *cg, struct tables *t,
                                      struct match_builder *mb,
                                      const struct ast_rule *r, uint32_t ri)
{
    static const enum candor_string_kind kinds[] = {
        CANDOR_STRING_TEXT, CANDOR_STRING_HEX, CANDOR_STRING_REGEX};
    enum candor_status rc = CANDOR_OK;
    char err[512];

    for (uint32_t i = 0; i < r->n_strings; i++) {
        const struct ast_string *s = &r->strings[i];
        struct rs_string *rs = vec_push(&t->strings);
        enum candor_status src;

        if (rs == NULL)
            return CANDOR_ERROR_NOMEM;
        rs->rule = ri;
        rs->name = intern_str(cg, s->id);
        rs->kind = kinds[s->kind];
        rs->flags = (s->mods & MOD_PRIVATE) ? RS_STRING_PRIVATE : 0;
        if (s->all_matches)
            rs->flags |= RS_STRING_NEEDS_ALL | RS_STRING_FAST_ALL;
        if (s->in_placed_set)
            rs->flags |= RS_STRING_NEEDS_ALL;
        if (s->fixed) {
            rs->flags |= RS_STRING_FIXED;
            rs->fixed_offset = s->fixed_offset;
        }
        err[0] = '\0';
        /* Its slow-scanning warning came while parsing (candor.c). */
        src = strings_add(mb, (uint32_t)(t->strings.n - 1), s, NULL, err,
                          sizeof(err));
        if (src == CANDOR_ERROR_NOMEM)
            return src;
        if (src != CANDOR_OK) {
            diag_report(cg->diag, CANDOR_DIAG_ERROR, r->file, s->line,
                        r->name, "%s", err);
            rc = CANDOR_ERROR_SYNTAX;
        }
    }
    return rc;
}

static enum candor_status gen_metas_tags(struct cg *cg, struct tables *t,
                                         const struct ast_rule *r,
                                         struct rs_rule *out)
{
    static const enum candor_meta_type types[] = {
        CANDOR_META_INTEGER, CANDOR_META_STRING, CANDOR_META_BOOLEAN};

    out->first_tag = (uint32_t)t->tags.n;
    out->n_tags = r->n_tags;
    for (uint32_t i = 0; i < r->n_tags; i++) {
        uint32_t *tag = vec_push(&t->tags);
        if (tag == NULL)
            return CANDOR_ERROR_NOMEM;
        *tag = intern_str(cg, r->tags[i]);
    }
    out->first_meta = (uint32_t)t->metas.n;
    out->n_metas = r->n_metas;
    for (uint32_t i = 0; i < r->n_metas; i++) {
        const struct ast_meta *m = &r->metas[i];
        struct rs_meta *rm = vec_push(&t->metas);
        if (rm == NULL)
            return CANDOR_ERROR_NOMEM;
        rm->name = intern_str(cg, m->id);
        rm->type = types[m->type];
        rm->ival = m->ival;
        if (m->type == META_STRING) {
            rm->str = intern(cg, m->str, m->str_len);
            rm->str_len = (uint32_t)m->str_len;
        }
    }
    return CANDOR_OK;
}

/* True when evaluating e may call a module function (console.log prints). */
static bool has_call(const struct ast_expr *e)
{
    if (e == NULL)
        return false;
    if (e->op == AST_CALL || has_call(e->a) || has_call(e->b) ||
        has_call(e->quant))
        return true;
    for (uint32_t i = 0; i < e->n_list; i++)
        if (has_call(e->list[i]))
            return true;
    return false;
}

/*
 * True when e can only be true if one of the rule's strings has a match:
 * `$a`, `$a at`, `$a in`, `any`/`all`/`N of` (N a constant of at least 1),
 * and `and`/`or` of such. The scanner skips such a rule, false, on a file
 * where none of its strings can match.
 */
static bool needs_match(const struct ast_expr *e)
{
    switch (e->op) {
    case AST_STR_FOUND:
    case AST_STR_AT:
    case AST_STR_IN:
        return e->ref >= 0;
    case AST_OF_STRINGS:
        return e->quant->op == AST_QUANT_ANY ||
               e->quant->op == AST_QUANT_ALL ||
               (e->quant->op == AST_INT && e->quant->ival >= 1);
    case AST_AND:
        return needs_match(e->a) || needs_match(e->b);
    case AST_OR:
        return needs_match(e->a) && needs_match(e->b);
    default:
        return false;
    }
}

static enum candor_status gen_rule(struct cg *cg, struct tables *t,
                                   struct match_builder *mb,
                                   const struct ast_rule *r)
{
    uint32_t ri = (uint32_t)t->rules.n;
    struct rs_rule *out = vec_push(&t->rules);
    enum candor_status rc, src;

    if (out == NULL)
        return CANDOR_ERROR_NOMEM;
    out->name = intern_str(cg, r->name);
    out->ns = intern_str(cg, r->ns);
    out->flags = ((r->flags & RULE_PRIVATE) ? CANDOR_RULE_PRIVATE : 0) |
                 ((r->flags & RULE_GLOBAL) ? CANDOR_RULE_GLOBAL : 0);
    out->file = intern_str(cg, r->file != NULL ? r->file : "");
    out->line = (uint32_t)r->line;
    if ((rc = gen_metas_tags(cg, t, r, out)) != CANDOR_OK)
        return rc;
    out->first_string = (uint32_t)t->strings.n;
    out->n_strings = r->n_strings;
    src = gen_strings(cg, t, mb, r, ri);
    if (src == CANDOR_ERROR_NOMEM)
        return src;

    cg->rule = r;
    cg->string_base = out->first_string;
    cg->code_start = (uint32_t)cg->code.n;
    cg->n_slots = r->n_loop_vars;
    cg->of_depth = 0;
    rc = gen_expr(cg, r->cond);
    emit(cg, OP_HALT, 0, 0);
    out = vec_at(&t->rules, ri); /* the vector may have moved */
    if (needs_match(r->cond) && !has_call(r->cond))
        out->flags |= RS_RULE_NEEDS_MATCH;
    out->code_start = cg->code_start;
    out->code_len = (uint32_t)cg->code.n - cg->code_start;
    out->n_slots = cg->n_slots;
    if (cg->n_slots > cg->rs->max_slots)
        cg->rs->max_slots = cg->n_slots;
    if (cg->nomem)
        return CANDOR_ERROR_NOMEM;
    return rc != CANDOR_OK ? rc : src;
}

static enum candor_status gen_externals(struct cg *cg, struct tables *t)
{
    for (size_t i = 0; i < cg->prog->externals.n; i++) {
        const struct ast_external *e = vec_at(&cg->prog->externals, i);
        struct rs_external *x = vec_push(&t->externals);
        if (x == NULL)
            return CANDOR_ERROR_NOMEM;
        x->name = intern_str(cg, e->name);
        x->type = e->type;
        x->ival = e->ival;
        x->fval = e->fval;
        if (e->type == EXT_STRING && e->str != NULL) {
            x->str = intern_str(cg, e->str);
            x->str_len = (uint32_t)strlen(e->str);
        } else {
            x->str = intern_str(cg, "");
        }
    }
    for (size_t i = 0; i < cg->prog->imports.n; i++) {
        uint32_t *imp = vec_push(&t->imports);
        if (imp == NULL)
            return CANDOR_ERROR_NOMEM;
        *imp = intern_str(cg, *(const char **)vec_at(&cg->prog->imports, i));
    }
    return CANDOR_OK;
}

/* Moves every table into the ruleset (the vectors are left empty). */
static void take_tables(struct cg *cg, struct tables *t)
{
    struct ruleset *rs = cg->rs;
    size_t n;

    rs->rules = vec_take(&t->rules, &n);
    rs->n_rules = (uint32_t)n;
    rs->strings = vec_take(&t->strings, &n);
    rs->n_strings = (uint32_t)n;
    rs->metas = vec_take(&t->metas, &n);
    rs->n_metas = (uint32_t)n;
    rs->tags = vec_take(&t->tags, &n);
    rs->n_tags = (uint32_t)n;
    rs->externals = vec_take(&t->externals, &n);
    rs->n_externals = (uint32_t)n;
    rs->imports = vec_take(&t->imports, &n);
    rs->n_imports = (uint32_t)n;
    rs->code = vec_take(&cg->code, &n);
    rs->n_code = (uint32_t)n;
    rs->sets = vec_take(&cg->sets, &n);
    rs->n_sets = (uint32_t)n;
    rs->regexes = vec_take(&cg->regexes, &n);
    rs->n_regexes = (uint32_t)n;
    rs->strtab = (char *)buf_take(&cg->strtab, &n);
    rs->strtab_len = (uint32_t)n;
}

static void tables_fini(struct tables *t)
{
    vec_fini(&t->rules);
    vec_fini(&t->strings);
    vec_fini(&t->metas);
    vec_fini(&t->tags);
    vec_fini(&t->externals);
    vec_fini(&t->imports);
}

static enum candor_status gen_all(struct cg *cg, struct tables *t)
{
    struct match_builder *mb;
    enum candor_status rc = CANDOR_OK, rrc;
    size_t n_strings = 0;

    for (size_t i = 0; i < cg->prog->rules.n; i++)
        n_strings += ast_rule_at(cg->prog, i)->n_strings;
    if (n_strings > UINT32_MAX / 2)
        return CANDOR_ERROR_LIMIT;
    if ((rrc = match_builder_new((uint32_t)n_strings, &mb)) != CANDOR_OK)
        return rrc;
    intern(cg, "", 0); /* offset 0 is the empty string */
    for (size_t i = 0; i < cg->prog->rules.n; i++) {
        rrc = gen_rule(cg, t, mb, ast_rule_at(cg->prog, i));
        if (rrc == CANDOR_ERROR_NOMEM) {
            match_builder_free(mb);
            return rrc;
        }
        if (rrc != CANDOR_OK)
            rc = rrc;
    }
    if (rc == CANDOR_OK)
        rc = gen_externals(cg, t);
    if (rc != CANDOR_OK) {
        match_builder_free(mb);
        return rc;
    }
    return match_builder_build(mb, &cg->rs->db);
}

enum candor_status codegen_program(const struct ast_program *prog,
                                   struct diag_sink *diag,
                                   struct ruleset **out)
{
    struct cg cg;
    struct tables t;
    enum candor_status rc;

    memset(&cg, 0, sizeof(cg));
    cg.prog = prog;
    cg.diag = diag;
    cg.rs = mem_calloc(1, sizeof(*cg.rs));
    if (cg.rs == NULL)
        return CANDOR_ERROR_NOMEM;
    buf_init(&cg.strtab, MAX_STRTAB);
    arena_init(&cg.keys, 64 * 1024);
    map_init(&cg.interned);
    vec_init(&cg.code, sizeof(struct vm_insn));
    vec_init(&cg.sets, sizeof(uint32_t));
    vec_init(&cg.regexes, sizeof(struct rs_regex));
    vec_init(&t.rules, sizeof(struct rs_rule));
    vec_init(&t.strings, sizeof(struct rs_string));
    vec_init(&t.metas, sizeof(struct rs_meta));
    vec_init(&t.tags, sizeof(uint32_t));
    vec_init(&t.externals, sizeof(struct rs_external));
    vec_init(&t.imports, sizeof(uint32_t));

    rc = gen_all(&cg, &t);
    if (rc == CANDOR_OK && cg.nomem)
        rc = CANDOR_ERROR_NOMEM;
    take_tables(&cg, &t);
    if (rc == CANDOR_OK)
        rc = ruleset_finish(cg.rs);
    if (rc == CANDOR_OK) {
        *out = cg.rs;
        cg.rs = NULL;
    }
    ruleset_free(cg.rs);
    tables_fini(&t);
    vec_fini(&cg.code);
    vec_fini(&cg.sets);
    vec_fini(&cg.regexes);
    map_fini(&cg.interned);
    arena_fini(&cg.keys);
    buf_fini(&cg.strtab);
    return rc;
}
