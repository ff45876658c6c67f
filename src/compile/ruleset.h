/*
 * ruleset.h - the compiled rule set: flat tables, bytecode, pattern database.
 *
 * A ruleset is what the compiler produces, what `candor compile` saves and
 * what every scanner thread reads. It is immutable after ruleset_finish and
 * shared without locks. All its names and constant strings live in one
 * string table and are referred to by offset, so the tables serialize as
 * they are (serialize.c) and every reference can be range-checked on load.
 *
 * Ownership: the ruleset owns every array below and the match database;
 * ruleset_free releases them all. The public handles (struct candor_rule,
 * candor_string, candor_meta) are arrays inside the ruleset as well.
 */
#ifndef CANDOR_COMPILE_RULESET_H
#define CANDOR_COMPILE_RULESET_H

#include <stdbool.h>
#include <stdint.h>

#include "candor.h"
#include "match/match.h"

enum vm_opcode {
#define OPCODE(name, text, operands) OP_##name,
#include "compile/opcodes.def"
#undef OPCODE
    OP_COUNT
};

struct vm_insn {
    uint8_t op;
    uint8_t pad[3];
    uint32_t arg;
    int64_t imm;
};

/* READ_INT's arg: the width in bytes in the low byte, then flags. */
#define VM_READ_WIDTH_MASK 0xffu
#define VM_READ_SIGNED 0x100u
#define VM_READ_BIG_ENDIAN 0x200u

/* OF_STR placements. */
enum vm_placement { VM_OF_PLAIN, VM_OF_AT, VM_OF_IN };

/* Types of external variables (rs_external.type). */
enum rs_ext_type { RS_EXT_INT, RS_EXT_FLOAT, RS_EXT_BOOL, RS_EXT_STRING };

/* STR_* instructions: arg is a string id, or LOOP_STRING | slot for the
 * anonymous `$` of a for..of loop. */
#define LOOP_STRING 0x80000000u

enum cmp_kind {
    CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE,
    CMP_CONTAINS, CMP_ICONTAINS, CMP_STARTSWITH, CMP_ISTARTSWITH,
    CMP_ENDSWITH, CMP_IENDSWITH, CMP_IEQUALS,
    CMP_COUNT
};

enum quant_kind { QK_ALL, QK_ANY, QK_NONE, QK_N, QK_PERCENT, QK_COUNT };

/* The packed imm of OF_* and LOOP_* instructions. */
static inline int64_t quant_imm(uint32_t n, unsigned placement, unsigned qk,
                                unsigned slot)
{
    return (int64_t)((uint64_t)n | (uint64_t)(placement & 0xff) << 32 |
                     (uint64_t)(qk & 0xff) << 40 |
                     (uint64_t)(slot & 0xffff) << 48);
}
static inline uint32_t quant_n(int64_t imm)
{
    return (uint32_t)imm;
}
static inline unsigned quant_placement(int64_t imm)
{
    return (unsigned)((uint64_t)imm >> 32) & 0xff;
}
static inline unsigned quant_kind(int64_t imm)
{
    return (unsigned)((uint64_t)imm >> 40) & 0xff;
}
static inline unsigned quant_slot(int64_t imm)
{
    return (unsigned)((uint64_t)imm >> 48) & 0xffff;
}

#define RS_MAX_SLOTS 256 /* loop nesting limit per rule */

struct rs_rule {
    uint32_t name, ns;            /* string-table offsets */
    uint32_t flags;               /* CANDOR_RULE_* */
    uint32_t first_tag, n_tags;   /* into tags */
    uint32_t first_meta, n_metas; /* into metas */
    uint32_t first_string, n_strings;
    uint32_t code_start, code_len;
    uint32_t n_slots;             /* loop slots its condition uses */
    uint32_t file, line;          /* where it was defined */
};

/* rs_rule.flags: CANDOR_RULE_*, and this (never shown by the API): the
 * condition is false unless one of the rule's strings matches, and has no
 * effect but its value, so a file where none can match skips it. */
#define RS_RULE_NEEDS_MATCH 0x100u
#define RS_RULE_PUBLIC_FLAGS (CANDOR_RULE_PRIVATE | CANDOR_RULE_GLOBAL)

/* rs_string.flags */
#define RS_STRING_PRIVATE 0x1u
/* The condition reads more than whether the string matched (#, @, !, at,
 * in, also through `of ... at`/`of ... in`): its result needs every match. */
#define RS_STRING_NEEDS_ALL 0x2u
/* Only matches that start at fixed_offset count (ast_string.fixed). */
#define RS_STRING_FIXED 0x4u
/* yara -f keeps every match (ast_string.all_matches; not for sets). */
#define RS_STRING_FAST_ALL 0x8u
#define RS_STRING_FLAGS 0xfu

struct rs_string {
    uint32_t rule;
    uint32_t name;                /* string-table offset of "$id" */
    uint32_t kind;                /* enum candor_string_kind */
    uint32_t flags;               /* RS_STRING_* */
    int64_t fixed_offset;         /* RS_STRING_FIXED */
};

struct rs_meta {
    uint32_t name;
    uint32_t type;                /* enum candor_meta_type */
    int64_t ival;
    uint32_t str, str_len;
};

struct rs_external {
    uint32_t name;
    uint32_t type;                /* enum rs_ext_type */
    int64_t ival;
    double fval;
    uint32_t str, str_len;
};

struct rs_regex {
    uint32_t pattern, len;        /* PCRE2 text in the string table */
    uint32_t flags;
};

struct candor_rule {
    const struct ruleset *rs;
    uint32_t index;
};

struct candor_string {
    const struct ruleset *rs;
    uint32_t index;
};

struct ruleset {
    char *strtab;
    uint32_t strtab_len;
    struct rs_rule *rules;
    uint32_t n_rules;
    struct rs_string *strings;
    uint32_t n_strings;
    struct rs_meta *metas;
    uint32_t n_metas;
    uint32_t *tags;               /* string-table offsets */
    uint32_t n_tags;
    struct rs_external *externals;
    uint32_t n_externals;
    struct vm_insn *code;
    uint32_t n_code;
    uint32_t *sets;               /* pool of string-id and rule-id lists */
    uint32_t n_sets;
    struct rs_regex *regexes;
    uint32_t n_regexes;
    uint32_t *imports;            /* string-table offsets of module names */
    uint32_t n_imports;
    uint32_t max_slots;

    /* Derived when the ruleset is made or loaded; never serialized. */
    struct match_db *db;
    struct match_regex **compiled_regexes;
    struct candor_rule *h_rules;
    struct candor_string *h_strings;
    struct candor_meta *h_metas;
};

/* Builds the derived parts (handles, compiled regexes) of a ruleset whose
 * tables are complete and valid. */
enum candor_status ruleset_finish(struct ruleset *rs);
void ruleset_free(struct ruleset *rs);

static inline const char *ruleset_str(const struct ruleset *rs, uint32_t off)
{
    return rs->strtab + off;
}

/* Serialization (serialize.c): see candor_rules_save/load. */
enum candor_status ruleset_save(const struct ruleset *rs, const char *path,
                                const uint8_t *key, size_t key_len);
enum candor_status ruleset_load(const char *path, const uint8_t *key,
                                size_t key_len, struct ruleset **out);
/* The same from memory (the fuzz target's entry point). */
enum candor_status ruleset_load_mem(const uint8_t *p, size_t len,
                                    const uint8_t *key, size_t key_len,
                                    struct ruleset **out);
/* Checks every table reference and every instruction's operands. */
enum candor_status ruleset_validate(const struct ruleset *rs);

/* The instruction's name, for the disassembler. */
const char *ruleset_opcode_name(unsigned op);

#endif
