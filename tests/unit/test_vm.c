/*
 * Unit tests of the condition VM on hand-assembled bytecode: the semantics
 * that the parser cannot reach on its own or that yara gets wrong. Each
 * chunk is validated by ruleset_validate first, as a loaded file would be.
 */
#include <stdint.h>
#include <string.h>

#include "../harness.h"
#include "compile/ruleset.h"
#include "scan/vm.h"

#define INS(o, a, i) {OP_##o, {0, 0, 0}, (a), (i)}

/* Runs code as the only rule of a minimal ruleset; returns the result,
 * or -1 when the VM failed. */
static int run_code(const struct vm_insn *code, uint32_t n, uint32_t slots)
{
    struct ruleset rs;
    struct rs_rule rule;
    struct vm vm;
    struct vm_env env;
    uint8_t results[1] = {0};
    char strtab[] = "\0r\0";
    bool res = false;
    enum candor_status rc;

    memset(&rs, 0, sizeof(rs));
    memset(&rule, 0, sizeof(rule));
    rule.name = 1;
    rule.code_len = n;
    rule.n_slots = slots;
    rs.rules = &rule;
    rs.n_rules = 1;
    rs.code = (struct vm_insn *)code;
    rs.n_code = n;
    rs.strtab = strtab;
    rs.strtab_len = sizeof(strtab);
    rs.max_slots = slots;
    if (ruleset_validate(&rs) != CANDOR_OK)
        return -2;
    memset(&env, 0, sizeof(env));
    env.rs = &rs;
    env.data = (const uint8_t *)"abc";
    env.size = 3;
    env.rule_results = results;
    if (vm_init(&vm, 64, slots) != CANDOR_OK)
        return -3;
    rc = vm_run(&vm, &env, 0, &res);
    vm_fini(&vm);
    return rc == CANDOR_OK ? res : -1;
}

/* yara 4.2.3 dies of SIGFPE here (docs/compat.md); candor: undefined. */
TEST(vm_int64_min_div_minus_one)
{
    const struct vm_insn div[] = {
        INS(PUSH_INT, 0, INT64_MIN), INS(PUSH_INT, 0, -1), INS(DIV_I, 0, 0),
        INS(DEFINED, 0, 0), INS(NOT, 0, 0), INS(HALT, 0, 0)};
    const struct vm_insn mod[] = {
        INS(PUSH_INT, 0, INT64_MIN), INS(PUSH_INT, 0, -1), INS(MOD_I, 0, 0),
        INS(PUSH_INT, 0, 0), INS(CMP_I, CMP_EQ, 0), INS(HALT, 0, 0)};

    CHECK_INT(run_code(div, 6, 0), 1);
    CHECK_INT(run_code(mod, 6, 0), 1);
}

TEST(vm_and_or_read_undefined_as_false)
{
    /* undefined and true: false, defined; so `not` of it is true. */
    const struct vm_insn code[] = {
        INS(PUSH_UNDEF, 0, 0), INS(AND_JUMP, 4, 0), INS(PUSH_INT, 0, 1),
        INS(TO_BOOL, 0, 0), INS(NOT, 0, 0), INS(HALT, 0, 0)};

    CHECK_INT(run_code(code, 6, 0), 1);
}

TEST(vm_loop_over_enum_counts_and_exits_early)
{
    /* for 2 i in (1, 2, 3) : (i > 1) */
    const struct vm_insn code[] = {
        INS(PUSH_INT, 0, 2), INS(PUSH_INT, 0, 1), INS(PUSH_INT, 0, 2),
        INS(PUSH_INT, 0, 3), INS(LOOP_ENUM, 0, quant_imm(3, 0, QK_N, 0)),
        INS(LOOP_NEXT, 10, 0), INS(LOOP_VAR, 0, 0), INS(PUSH_INT, 0, 1),
        INS(CMP_I, CMP_GT, 0), INS(LOOP_STEP, 5, 0), INS(LOOP_END, 0, 0),
        INS(HALT, 0, 0)};

    CHECK_INT(run_code(code, 12, 1), 1);
}

TEST(vm_read_int_bounds_and_sign)
{
    const struct vm_insn past[] = {
        INS(PUSH_INT, 0, 1), INS(READ_INT, 4, 0), INS(DEFINED, 0, 0),
        INS(HALT, 0, 0)};
    const struct vm_insn be[] = {
        INS(PUSH_INT, 0, 0), INS(READ_INT, 2 | VM_READ_BIG_ENDIAN, 0),
        INS(PUSH_INT, 0, 0x6162), INS(CMP_I, CMP_EQ, 0), INS(HALT, 0, 0)};

    CHECK_INT(run_code(past, 4, 0), 0);
    CHECK_INT(run_code(be, 5, 0), 1);
}

TEST(validate_refuses_bad_operands)
{
    const struct vm_insn jump_out[] = {INS(JUMP, 7, 0), INS(HALT, 0, 0)};
    const struct vm_insn bad_ext[] = {INS(EXT, 0, 0), INS(HALT, 0, 0)};
    const struct vm_insn no_halt[] = {INS(PUSH_INT, 0, 1)};
    const struct vm_insn bad_str[] = {INS(PUSH_STR, 1, 99), INS(HALT, 0, 0)};
    const struct vm_insn bad_op[] = {{200, {0, 0, 0}, 0, 0}, INS(HALT, 0, 0)};

    CHECK_INT(run_code(jump_out, 2, 0), -2);
    CHECK_INT(run_code(bad_ext, 2, 0), -2);
    CHECK_INT(run_code(no_halt, 1, 0), -2);
    CHECK_INT(run_code(bad_str, 2, 0), -2);
    CHECK_INT(run_code(bad_op, 2, 0), -2);
}

TEST(vm_stack_overflow_is_an_error_not_a_crash)
{
    struct vm_insn code[80];

    for (int i = 0; i < 79; i++)
        code[i] = (struct vm_insn)INS(PUSH_INT, 0, i);
    code[79] = (struct vm_insn)INS(HALT, 0, 0);
    CHECK_INT(run_code(code, 80, 0), -1);
}
