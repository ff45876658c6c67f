/*
 * ast.h - the syntax tree of YARA rule sources.
 *
 * The parser (parser.c) turns sources into a struct ast_program: rules with
 * their strings, metadata and a typed condition tree. Identifiers are
 * resolved while parsing (strings to their index in the rule, rules to
 * their global index, loop variables to slots, externals to their index),
 * so later stages never look a name up.
 *
 * Ownership: everything hangs off the program's arena and is freed at once
 * by ast_program_fini. Nothing is freed earlier; pointers stay valid until
 * then (vectors of rules hold rule pointers, not rules, for that reason).
 */
#ifndef CANDOR_RULES_AST_H
#define CANDOR_RULES_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/map.h"
#include "base/vec.h"
#include "modules/module.h"

struct re_node;

enum ast_op {
#define AST_OP(name, text) AST_##name,
#include "rules/ast.def"
#undef AST_OP
    AST_OP_COUNT
};

/* The type of an expression, found while parsing. */
enum ast_type {
    TYPE_UNKNOWN, /* a module's structure, array, dictionary or function:
                     not a value */
    TYPE_BOOL,
    TYPE_INT,
    TYPE_FLOAT,
    TYPE_STRING,
    TYPE_REGEXP,
};

/* READ_INT bits (ival): width in bytes in the low byte, then flags. */
#define READ_WIDTH_MASK 0xffu
#define READ_SIGNED 0x100u     /* int8..int32 rather than uint8..uint32 */
#define READ_BIG_ENDIAN 0x200u /* the ...be forms */

/* OF_STRINGS placement (ival). */
#define OF_PLAIN 0
#define OF_AT 1
#define OF_IN 2

struct ast_expr {
    enum ast_op op;
    enum ast_type type;
    int line;
    int64_t ival;
    double fval;
    const char *str;          /* NUL-terminated, may hold NULs: use str_len */
    size_t str_len;
    int32_t ref;              /* resolved index, see ast.def */
    struct ast_expr *a, *b;   /* operands */
    struct ast_expr *quant;   /* quantifier of OF_*, FOR_* */
    uint32_t *set;            /* string or rule indices of OF_*, FOR_OF */
    uint32_t n_set;
    struct ast_expr **list;   /* ENUM values, CALL arguments */
    uint32_t n_list;
    struct re_node *re;       /* REGEXP: the parsed expression */
    /* Module values (MODULE, FIELD, INDEX, CALL, LOOP_VAR): the
     * declaration of the value; decl_elem when it is an element of the
     * ARRAY or DICT declared by decl. NULL for every other node. */
    const struct mod_decl *decl;
    bool decl_elem;
};

enum ast_string_kind { AST_STRING_TEXT, AST_STRING_HEX, AST_STRING_REGEX };

/* String modifiers. */
#define MOD_NOCASE 0x001u
#define MOD_WIDE 0x002u
#define MOD_ASCII 0x004u
#define MOD_FULLWORD 0x008u
#define MOD_PRIVATE 0x010u
#define MOD_XOR 0x020u
#define MOD_BASE64 0x040u
#define MOD_BASE64WIDE 0x080u

/* Regular-expression flags (also ast_expr.ival of REGEXP). */
#define RE_FLAG_NOCASE 0x1u /* /i */
#define RE_FLAG_DOTALL 0x2u /* /s */

struct ast_string {
    const char *id;        /* "$name", or "$" for an anonymous string */
    enum ast_string_kind kind;
    /* TEXT: the bytes after unescaping. HEX: the text between the braces.
     * REGEX: the text between the slashes, escapes untouched. */
    const uint8_t *text;
    size_t text_len;
    unsigned mods;         /* MOD_* */
    unsigned re_flags;     /* RE_FLAG_* of a regex */
    uint8_t xor_min, xor_max;       /* MOD_XOR: key range, 0..255 default */
    const char *base64_alphabet;    /* 64 bytes, or NULL for the standard */
    struct re_node *re;    /* HEX and REGEX: the parsed body */
    int line;
    bool referenced;       /* used by the condition (directly or by a set) */
    /* What yara 4.2.3 derives from the condition's references (parser):
     * all_matches: the condition reads more than whether the string
     *   matched (`#`, `@`, `!`, `at`, `in`; on the anonymous string of a
     *   for..of this marks every string of the rule): -f keeps all of its
     *   matches instead of the first.
     * fixed: a literal string (parser_rule.c) referenced only as `$a at N`
     *   with one constant N: yara records, counts and prints only its
     *   matches that start at N (fixed_offset). */
    bool all_matches;
    bool in_placed_set;    /* in the set of an `of ... at` or `of ... in`:
                              the condition needs every match (-f aside) */
    bool fixed;
    uint8_t at_state;      /* the parser's bookkeeping for fixed */
    int64_t fixed_offset;
};

enum ast_meta_type { META_INT, META_STRING, META_BOOL };

struct ast_meta {
    const char *id;
    enum ast_meta_type type;
    int64_t ival;          /* META_INT, META_BOOL */
    const char *str;       /* META_STRING, NUL-terminated... */
    size_t str_len;        /* ...but may hold NULs */
};

#define RULE_PRIVATE 0x1u
#define RULE_GLOBAL 0x2u

struct ast_rule {
    const char *name;
    const char *ns;        /* namespace name, shared by its rules */
    uint32_t ns_index;
    uint32_t index;        /* position in ast_program.rules */
    unsigned flags;        /* RULE_* */
    const char *file;      /* source name, for diagnostics */
    int line;
    const char **tags;
    uint32_t n_tags;
    struct ast_meta *metas;
    uint32_t n_metas;
    struct ast_string *strings;
    uint32_t n_strings;
    struct ast_expr *cond;
    uint32_t n_loop_vars;  /* loop variable slots the condition uses */
};

enum ast_external_type { EXT_INT, EXT_FLOAT, EXT_BOOL, EXT_STRING };

struct ast_external {
    const char *name;
    enum ast_external_type type;
    int64_t ival;
    double fval;
    const char *str;
};

/* One compiler's worth of parsed sources. */
struct ast_program {
    struct arena arena;
    struct vec rules;        /* struct ast_rule *, in source order */
    struct vec externals;    /* struct ast_external */
    struct vec namespaces;   /* const char * */
    struct vec imports;      /* const char *: module names, no duplicates */
    struct map rule_names;   /* "ns:name" -> index into rules */
};

void ast_program_init(struct ast_program *p);
void ast_program_fini(struct ast_program *p);

static inline struct ast_rule *ast_rule_at(const struct ast_program *p,
                                           size_t i)
{
    return *(struct ast_rule **)vec_at(&p->rules, i);
}

/* The text of an operator for dumps and messages. */
const char *ast_op_name(enum ast_op op);

/* Allocates a zeroed node in the program's arena; NULL when out of memory. */
struct ast_expr *ast_expr_new(struct ast_program *p, enum ast_op op,
                              enum ast_type type, int line);

#endif
