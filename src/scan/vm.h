/*
 * vm.h - the stack machine that evaluates rule conditions.
 *
 * The VM runs one rule's bytecode chunk (compile/opcodes.def) against the
 * facts of one scan: the data, the string matches, the results of the rules
 * evaluated before, the external variables. It allocates nothing while
 * running: its value stack and loop slots are sized when it is made. One VM
 * per scanner, so per thread.
 */
#ifndef CANDOR_SCAN_VM_H
#define CANDOR_SCAN_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "candor.h"
#include "compile/ruleset.h"
#include "modules/module.h"
#include "match/match.h"

/* V_OBJ: a module's structure, array or dictionary (u.o), only between
 * the MOD_* instructions and in loop variables. */
enum vm_type { V_UNDEF, V_INT, V_FLOAT, V_STR, V_OBJ };

struct vm_value {
    uint32_t type; /* enum vm_type */
    uint32_t len;  /* V_STR */
    union {
        int64_t i;
        double f;
        const uint8_t *s;
        struct mod_obj *o;
    } u;
};

/* What one scan exposes to conditions. All pointers are borrowed. */
struct vm_env {
    const struct ruleset *rs;
    const uint8_t *data;
    uint64_t size;
    struct match_scratch *matches;   /* match lists; PCRE2 scratch */
    const uint8_t *rule_results;     /* 0/1 per rule, earlier ones set */
    const struct vm_value *externals;
    uint64_t deadline_ns;            /* 0: none */
    struct mod_instance *mods;       /* one per module (module_at order),
                                        loaded on first use */
    uint32_t n_mods;
};

struct vm_loop;

struct vm_memo;

struct vm {
    struct vm_value *stack;
    uint32_t cap;
    struct vm_loop *loops;
    uint32_t n_loops;
    uint32_t *pending;     /* OF_STR: strings whose verification waits */
    uint32_t cap_pending;
    /* What is computed once per file (vm_forget drops it): results of
     * pure module functions (MEMO_SLOTS, made on first use), and the
     * entrypoint keyword's value. */
    struct vm_memo *memo;
    uint32_t memo_gen;     /* memo slots of other generations are empty */
    uint32_t memo_used;
    bool entry_known;
    struct vm_value entry;
};

#define VM_DEFAULT_STACK 16384 /* yara's default (-k) */

enum candor_status vm_init(struct vm *vm, uint32_t stack_slots,
                           uint32_t loop_slots);
void vm_fini(struct vm *vm);
/* Forgets what the VM kept about the last file; call before each file. */
void vm_forget(struct vm *vm);
/*
 * Room for the longest string set of an `of` (the set pool's length will
 * do), so that its strings still to be verified are taken last and only
 * while the result is open. Without it every string is verified.
 */
enum candor_status vm_reserve_set(struct vm *vm, uint32_t n);

/*
 * Evaluates rule `rule`; *result is its truth value (undefined counts as
 * false). Fails with CANDOR_ERROR_LIMIT on a stack overflow and with
 * CANDOR_ERROR_TIMEOUT past env->deadline_ns.
 */
enum candor_status vm_run(struct vm *vm, const struct vm_env *env,
                          uint32_t rule, bool *result);

#endif
