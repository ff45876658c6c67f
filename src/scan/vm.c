/*
 * vm.c - the condition VM: a value stack, a dispatch loop and one helper per
 * kind of instruction.
 *
 * Undefined values follow yara: arithmetic, comparisons and NOT on an
 * undefined operand give undefined; AND, OR, loops and a rule's result
 * read undefined as false. Integer arithmetic wraps (two's complement), as
 * yara's does; division or remainder by zero is undefined, and so is
 * INT64_MIN \ -1, where yara itself dies of SIGFPE (docs/compat.md).
 */
#include "scan/vm.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "modules/elf.h"
#include "modules/modules.h"

enum loop_kind {
    LOOP_KIND_RANGE,
    LOOP_KIND_ENUM,
    LOOP_KIND_SET,
    LOOP_KIND_OBJ,       /* a module's array or dictionary, in obj */
    LOOP_KIND_OBJ_VALUE, /* the dictionary values of the loop one slot
                            lower */
};

struct vm_loop {
    uint8_t kind;
    uint8_t quant;      /* QK_* */
    int64_t need;       /* QK_N: count; QK_PERCENT: percent */
    int64_t cur, last;  /* RANGE: the variable and its last value */
    uint64_t pos, total;
    uint64_t n_true;
    uint32_t base;      /* ENUM: stack index of the first value */
    const uint32_t *set;
    const struct mod_obj *obj;
};

/* The running state of one vm_run. */
struct run {
    struct vm *vm;
    const struct vm_env *env;
    const struct vm_insn *code;
    uint32_t len;
    uint32_t sp;        /* number of values on the stack */
    enum candor_status rc;
};

/*
 * Results of pure module functions (mod_overload.pure: hash and math over
 * ranges, imphash, import_md5) called with integer and float arguments,
 * kept for the rest of the file: rule sets call `hash.md5(0, filesize)` or
 * `pe.imphash()` once per rule. An open-addressing table of MEMO_SLOTS;
 * when three quarters are used, further results are not kept.
 */
#define MEMO_SLOTS 1024u
#define MEMO_ARGS 4u

struct vm_memo {
    uint32_t gen;                   /* vm->memo_gen when filled */
    uint32_t n_args;
    const struct mod_overload *ov;
    const struct mod_obj *self;
    struct mod_val args[MEMO_ARGS];
    struct mod_val ret;
};

enum candor_status vm_init(struct vm *vm, uint32_t stack_slots,
                           uint32_t loop_slots)
{
    vm->cap = stack_slots < 16 ? 16 : stack_slots;
    vm->n_loops = loop_slots;
    vm->pending = NULL;
    vm->cap_pending = 0;
    vm->memo = NULL;
    vm->memo_gen = 1;
    vm->memo_used = 0;
    vm->entry_known = false;
    vm->stack = mem_calloc(vm->cap, sizeof(*vm->stack));
    vm->loops = mem_calloc(loop_slots == 0 ? 1 : loop_slots,
                           sizeof(*vm->loops));
    if (vm->stack == NULL || vm->loops == NULL) {
        vm_fini(vm);
        return CANDOR_ERROR_NOMEM;
    }
    return CANDOR_OK;
}

void vm_fini(struct vm *vm)
{
    mem_free(vm->stack);
    mem_free(vm->loops);
    mem_free(vm->pending);
    mem_free(vm->memo);
    vm->stack = NULL;
    vm->loops = NULL;
    vm->pending = NULL;
    vm->memo = NULL;
    vm->cap_pending = 0;
}

void vm_forget(struct vm *vm)
{
    vm->entry_known = false;
    if (vm->memo_used > 0) {
        vm->memo_used = 0;
        if (++vm->memo_gen == 0) { /* wrapped: every slot looks old again */
            memset(vm->memo, 0, MEMO_SLOTS * sizeof(*vm->memo));
            vm->memo_gen = 1;
        }
    }
}

enum candor_status vm_reserve_set(struct vm *vm, uint32_t n)
{
    uint32_t *p;

    if (n <= vm->cap_pending)
        return CANDOR_OK;
    p = mem_realloc_array(vm->pending, n, sizeof(*p));
    if (p == NULL)
        return CANDOR_ERROR_NOMEM;
    vm->pending = p;
    vm->cap_pending = n;
    return CANDOR_OK;
}

/* ---- Stack ------------------------------------------------------------ */

static bool push(struct run *r, struct vm_value v)
{
    if (r->sp == r->vm->cap) {
        r->rc = CANDOR_ERROR_LIMIT;
        return false;
    }
    r->vm->stack[r->sp++] = v;
    return true;
}

static bool push_int(struct run *r, int64_t i)
{
    struct vm_value v = {V_INT, 0, {.i = i}};
    return push(r, v);
}

static bool push_float(struct run *r, double f)
{
    struct vm_value v = {V_FLOAT, 0, {.f = f}};
    return push(r, v);
}

static bool push_undef(struct run *r)
{
    struct vm_value v = {V_UNDEF, 0, {.i = 0}};
    return push(r, v);
}

/* The loader proved the stack discipline of every chunk, so pops of an
 * empty stack cannot happen on valid code; they still must not read out of
 * bounds on a hand-made chunk. */
static struct vm_value pop(struct run *r)
{
    struct vm_value undef = {V_UNDEF, 0, {.i = 0}};

    if (r->sp == 0) {
        r->rc = CANDOR_ERROR_INTERNAL;
        return undef;
    }
    return r->vm->stack[--r->sp];
}

static struct vm_value from_mod(struct mod_val m)
{
    struct vm_value v = {V_UNDEF, 0, {0}};

    switch (m.type) {
    case MV_INT: v.type = V_INT; v.u.i = m.u.i; break;
    case MV_FLOAT: v.type = V_FLOAT; v.u.f = m.u.f; break;
    case MV_STR: v.type = V_STR; v.u.s = m.u.s; v.len = m.len; break;
    case MV_OBJ:
        if (m.u.o != NULL) {
            v.type = V_OBJ;
            v.u.o = m.u.o;
        }
        break;
    default: break;
    }
    return v;
}

static bool truthy(struct vm_value v)
{
    switch (v.type) {
    case V_INT:
        return v.u.i != 0;
    case V_FLOAT:
        return v.u.f != 0.0;
    case V_STR:
        return v.len > 0;
    default:
        return false;
    }
}

/* ---- Arithmetic ------------------------------------------------------- */

static void int_binary(struct run *r, enum vm_opcode op)
{
    struct vm_value b = pop(r), a = pop(r);
    uint64_t x = (uint64_t)a.u.i, y = (uint64_t)b.u.i;

    if (a.type != V_INT || b.type != V_INT) {
        push_undef(r);
        return;
    }
    switch (op) {
    case OP_ADD_I: push_int(r, (int64_t)(x + y)); return;
    case OP_SUB_I: push_int(r, (int64_t)(x - y)); return;
    case OP_MUL_I: push_int(r, (int64_t)(x * y)); return;
    case OP_DIV_I:
        if (b.u.i == 0 || (a.u.i == INT64_MIN && b.u.i == -1))
            push_undef(r);
        else
            push_int(r, a.u.i / b.u.i);
        return;
    case OP_MOD_I:
        if (b.u.i == 0)
            push_undef(r);
        else
            push_int(r, b.u.i == -1 ? 0 : a.u.i % b.u.i);
        return;
    case OP_SHL: case OP_SHR: /* yara: a negative count is undefined */
        if (b.u.i < 0)
            push_undef(r);
        else if (b.u.i >= 64)
            push_int(r, 0);
        else
            push_int(r, op == OP_SHL ? (int64_t)(x << y) : a.u.i >> b.u.i);
        return;
    case OP_BIT_AND: push_int(r, a.u.i & b.u.i); return;
    case OP_BIT_OR: push_int(r, a.u.i | b.u.i); return;
    default: push_int(r, a.u.i ^ b.u.i); return;
    }
}

static void float_binary(struct run *r, enum vm_opcode op)
{
    struct vm_value b = pop(r), a = pop(r);

    if (a.type != V_FLOAT || b.type != V_FLOAT) {
        push_undef(r);
        return;
    }
    switch (op) {
    case OP_ADD_F: push_float(r, a.u.f + b.u.f); return;
    case OP_SUB_F: push_float(r, a.u.f - b.u.f); return;
    case OP_MUL_F: push_float(r, a.u.f * b.u.f); return;
    default: push_float(r, a.u.f / b.u.f); return;
    }
}

static void unary(struct run *r, enum vm_opcode op)
{
    struct vm_value a = pop(r);

    if (op == OP_DEFINED) {
        push_int(r, a.type != V_UNDEF);
        return;
    }
    if (a.type == V_UNDEF) {
        push_undef(r);
        return;
    }
    switch (op) {
    case OP_NOT: push_int(r, !truthy(a)); return;
    case OP_NEG_I: push_int(r, (int64_t)(0 - (uint64_t)a.u.i)); return;
    case OP_NEG_F: push_float(r, -a.u.f); return;
    case OP_BIT_NOT: push_int(r, ~a.u.i); return;
    default: push_undef(r); return;
    }
}

static void int_to_float(struct run *r, uint32_t depth)
{
    struct vm_value *v;

    if (depth >= r->sp) {
        r->rc = CANDOR_ERROR_INTERNAL;
        return;
    }
    v = &r->vm->stack[r->sp - 1 - depth];
    if (v->type == V_INT) {
        v->type = V_FLOAT;
        v->u.f = (double)v->u.i;
    }
}

/* ---- Comparisons ------------------------------------------------------ */

static bool cmp_result(int c, enum cmp_kind k)
{
    switch (k) {
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_GT: return c > 0;
    case CMP_GE: return c >= 0;
    case CMP_EQ: return c == 0;
    default: return c != 0;
    }
}

static void compare_numbers(struct run *r, enum vm_opcode op, enum cmp_kind k)
{
    struct vm_value b = pop(r), a = pop(r);
    int c;

    if (a.type == V_UNDEF || b.type == V_UNDEF) {
        push_undef(r);
        return;
    }
    if (op == OP_CMP_I)
        c = a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
    else
        c = a.u.f < b.u.f ? -1 : a.u.f > b.u.f ? 1 : (a.u.f == b.u.f ? 0 : 2);
    if (c == 2) /* NaN: only != holds */
        push_int(r, k == CMP_NE);
    else
        push_int(r, cmp_result(c, k));
}

static int bytes_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
                     size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n > 0 ? memcmp(a, b, n) : 0;

    if (c != 0)
        return c < 0 ? -1 : 1;
    return alen < blen ? -1 : alen > blen;
}

static bool ieq(const uint8_t *a, const uint8_t *b, size_t n)
{
    return n == 0 || strncasecmp((const char *)a, (const char *)b, n) == 0;
}

/* Case-insensitive byte comparison that tolerates NULs. */
static bool ieq_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (uint8_t)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (uint8_t)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

static bool contains(const uint8_t *h, size_t hlen, const uint8_t *n,
                     size_t nlen, bool nocase)
{
    if (nlen == 0)
        return true;
    if (!nocase)
        return memmem(h, hlen, n, nlen) != NULL;
    for (size_t i = 0; i + nlen <= hlen; i++) {
        if (ieq_bytes(h + i, n, nlen))
            return true;
    }
    return false;
}

static void compare_strings(struct run *r, enum cmp_kind k)
{
    struct vm_value b = pop(r), a = pop(r);
    const uint8_t *x = a.u.s, *y = b.u.s;
    size_t xl = a.len, yl = b.len;
    bool res;

    (void)ieq;
    if (a.type != V_STR || b.type != V_STR) {
        push_undef(r);
        return;
    }
    switch (k) {
    case CMP_CONTAINS: res = contains(x, xl, y, yl, false); break;
    case CMP_ICONTAINS: res = contains(x, xl, y, yl, true); break;
    case CMP_STARTSWITH: res = xl >= yl && memcmp(x, y, yl) == 0; break;
    case CMP_ISTARTSWITH: res = xl >= yl && ieq_bytes(x, y, yl); break;
    case CMP_ENDSWITH: res = xl >= yl && memcmp(x + xl - yl, y, yl) == 0; break;
    case CMP_IENDSWITH: res = xl >= yl && ieq_bytes(x + xl - yl, y, yl); break;
    case CMP_IEQUALS: res = xl == yl && ieq_bytes(x, y, yl); break;
    default: res = cmp_result(bytes_cmp(x, xl, y, yl), k); break;
    }
    push_int(r, res);
}

static void matches(struct run *r, uint32_t regex)
{
    struct vm_value s = pop(r);
    bool found = false;

    if (s.type != V_STR) {
        push_undef(r);
        return;
    }
    r->rc = match_regex_search(r->env->rs->compiled_regexes[regex],
                               r->env->matches, s.u.s, s.len, &found);
    push_int(r, found);
}

/* ---- Data and strings --------------------------------------------------- */

static void read_int(struct run *r, uint32_t how)
{
    struct vm_value off = pop(r);
    unsigned width = how & VM_READ_WIDTH_MASK;
    struct bytes data = bytes_make(r->env->data, r->env->size);
    uint64_t v;

    if (off.type != V_INT || off.u.i < 0 ||
        !bytes_uint(data, (uint64_t)off.u.i, width,
                    (how & VM_READ_BIG_ENDIAN) != 0, &v)) {
        push_undef(r);
        return;
    }
    if ((how & VM_READ_SIGNED) && width < 8 && (v >> (width * 8 - 1)) & 1)
        v |= ~0ull << (width * 8);
    push_int(r, (int64_t)v);
}

/* A string's matches, verified now if they were not yet. */
static const struct match_list *final_list(struct run *r, uint32_t sid)
{
    const struct match_list *l = match_scratch_list(r->env->matches, sid);
    enum candor_status rc = match_scratch_status(r->env->matches);

    if (rc != CANDOR_OK)
        r->rc = rc;
    return l;
}

static const struct match_list *string_list(struct run *r, uint32_t arg)
{
    static const struct match_list none;
    uint32_t sid = arg;

    if (arg & LOOP_STRING) {
        const struct vm_loop *l = &r->vm->loops[arg & ~LOOP_STRING];
        /* Only a for..of loop's body names its string this way; valid
         * code never gets here otherwise, but forged code must not crash. */
        if (l->kind != LOOP_KIND_SET || l->set == NULL || l->pos >= l->total)
            return &none;
        sid = l->set[l->pos];
    }
    return final_list(r, sid);
}

/* Index of the first match at or after offset (matches are sorted). */
static uint32_t first_at_or_after(const struct match_list *l, uint64_t off)
{
    uint32_t lo = 0, hi = l->n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->m[mid].offset < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Matches with lo <= offset <= hi. */
static uint64_t count_in(const struct match_list *l, int64_t lo, int64_t hi)
{
    uint32_t a, b;

    if (hi < 0 || lo > hi)
        return 0;
    a = first_at_or_after(l, lo < 0 ? 0 : (uint64_t)lo);
    b = first_at_or_after(l, (uint64_t)hi + 1);
    return b - a;
}

static void string_op(struct run *r, enum vm_opcode op, uint32_t arg)
{
    const struct match_list *l;
    struct vm_value a, b;
    uint64_t n;

    /* `$a at X` on a string not verified yet: one offset is checked, not
     * the whole list made (peid-style rules: `$a at pe.entry_point`); an
     * undefined X (no PE) needs no list at all. */
    if (op == OP_STR_AT && r->sp > 0) {
        const struct vm_value *x = &r->vm->stack[r->sp - 1];
        int at = x->type != V_INT ? 0
               : (arg & LOOP_STRING) || x->u.i < 0
                   ? -1
                   : match_scratch_at(r->env->matches, arg,
                                      (uint64_t)x->u.i);
        if (at >= 0) {
            (void)pop(r);
            push_int(r, at);
            return;
        }
    }
    l = string_list(r, arg);
    switch (op) {
    case OP_STR_FOUND:
        push_int(r, l->n > 0);
        return;
    case OP_STR_COUNT:
        push_int(r, l->n);
        return;
    case OP_STR_AT: /* an undefined offset gives false, as in yara */
        a = pop(r);
        if (a.type != V_INT)
            push_int(r, 0);
        else
            push_int(r, count_in(l, a.u.i, a.u.i) > 0);
        return;
    case OP_STR_OFFSET:
    case OP_STR_LENGTH:
        a = pop(r);
        if (a.type != V_INT || a.u.i < 1 || (uint64_t)a.u.i > l->n)
            push_undef(r);
        else if (op == OP_STR_OFFSET)
            push_int(r, (int64_t)l->m[a.u.i - 1].offset);
        else
            push_int(r, l->m[a.u.i - 1].len);
        return;
    default: /* STR_IN, STR_COUNT_IN */
        b = pop(r);
        a = pop(r);
        if (a.type != V_INT || b.type != V_INT) {
            push_undef(r);
            return;
        }
        n = count_in(l, a.u.i, b.u.i);
        push_int(r, op == OP_STR_IN ? n > 0 : (int64_t)n);
        return;
    }
}

/* ---- Quantifiers ------------------------------------------------------ */

static bool quant_holds(unsigned qk, int64_t need, uint64_t n_true,
                        uint64_t total)
{
    switch (qk) {
    case QK_ALL: return total > 0 && n_true == total;
    case QK_ANY: return n_true >= 1;
    case QK_NONE: return n_true == 0;
    case QK_N: return need <= 0 || n_true >= (uint64_t)need;
    default: /* percent: n_true / total >= need / 100 */
        return total > 0 && (need <= 0 ||
               (double)n_true * 100.0 >= (double)need * (double)total);
    }
}

/* Pops the quantifier's value if it has one. yara reads an undefined
 * quantifier as `all` (its encoding of `all` is the undefined value). */
static void pop_quant(struct run *r, unsigned *qk, int64_t *need)
{
    struct vm_value q;

    *need = 0;
    if (*qk != QK_N && *qk != QK_PERCENT)
        return;
    q = pop(r);
    if (q.type != V_INT)
        *qk = QK_ALL;
    else
        *need = q.u.i;
}

/* Whether one string of an OF_STR set counts. */
static bool of_counts(struct run *r, uint32_t sid, unsigned placement,
                      struct vm_value lo, struct vm_value hi)
{
    const struct match_list *l = final_list(r, sid);

    if (placement == VM_OF_PLAIN)
        return l->n > 0;
    return count_in(l, lo.u.i, hi.u.i) > 0;
}

/*
 * quant of set [at | in]. Strings whose matches are known are counted
 * first; the others (regex verification pending) only until the
 * quantifier's value cannot change any more, since every quantifier only
 * grows or only shrinks with the count.
 */
static void of_strings(struct run *r, uint32_t set, int64_t imm)
{
    const uint32_t *ids = &r->env->rs->sets[set];
    uint32_t n = quant_n(imm), n_pending = 0;
    unsigned placement = quant_placement(imm), qk = quant_kind(imm);
    struct vm_value lo = {V_INT, 0, {.i = 0}}, hi = lo;
    uint64_t count = 0;
    int64_t need;

    if (placement == VM_OF_IN)
        hi = pop(r);
    if (placement != VM_OF_PLAIN)
        lo = pop(r);
    if (placement == VM_OF_AT)
        hi = lo;
    pop_quant(r, &qk, &need);
    if (qk == QK_N && need == 0)
        qk = QK_NONE; /* yara: `0 of them` means none of them */
    if (lo.type != V_INT || hi.type != V_INT) {
        push_int(r, 0);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (n <= r->vm->cap_pending &&
            match_scratch_pending(r->env->matches, ids[i]))
            r->vm->pending[n_pending++] = ids[i];
        else
            count += of_counts(r, ids[i], placement, lo, hi);
    }
    for (uint32_t i = 0; i < n_pending && r->rc == CANDOR_OK; i++) {
        if (quant_holds(qk, need, count, n) ==
            quant_holds(qk, need, count + (n_pending - i), n))
            break;
        count += of_counts(r, r->vm->pending[i], placement, lo, hi);
    }
    push_int(r, quant_holds(qk, need, count, n));
}

static void of_rules(struct run *r, uint32_t set, int64_t imm)
{
    uint32_t n = quant_n(imm);
    unsigned qk = quant_kind(imm);
    uint64_t count = 0;
    int64_t need;

    pop_quant(r, &qk, &need);
    if (qk == QK_N && need == 0)
        qk = QK_NONE;
    for (uint32_t i = 0; i < n; i++)
        count += r->env->rule_results[r->env->rs->sets[set + i]] != 0;
    push_int(r, quant_holds(qk, need, count, n));
}

/* LOOP_RANGE, LOOP_ENUM, LOOP_SET: set up the slot. */
static void loop_begin(struct run *r, enum vm_opcode op, uint32_t arg,
                       int64_t imm)
{
    struct vm_loop *l = &r->vm->loops[quant_slot(imm)];
    struct vm_value lo, hi;

    memset(l, 0, sizeof(*l));
    l->quant = (uint8_t)quant_kind(imm);
    if (op == OP_LOOP_RANGE) {
        hi = pop(r);
        lo = pop(r);
        l->kind = LOOP_KIND_RANGE;
        if (lo.type == V_INT && hi.type == V_INT && lo.u.i <= hi.u.i) {
            l->cur = lo.u.i;
            l->last = hi.u.i;
            l->total = (uint64_t)hi.u.i - (uint64_t)lo.u.i + 1;
            if (l->total == 0) /* the whole int64 range */
                l->total = UINT64_MAX;
        }
    } else if (op == OP_LOOP_ENUM) {
        l->kind = LOOP_KIND_ENUM;
        l->total = quant_n(imm);
        if (l->total > r->sp) {
            r->rc = CANDOR_ERROR_INTERNAL;
            return;
        }
        l->base = r->sp - (uint32_t)l->total;
    } else if (op == OP_LOOP_OBJ) {
        struct vm_value c = pop(r);
        unsigned slot = quant_slot(imm);
        l->kind = LOOP_KIND_OBJ;
        if (c.type == V_OBJ && c.u.o->kind != MT_STRUCT) {
            l->obj = c.u.o;
            l->total = c.u.o->n;
        }
        if (l->obj != NULL && l->obj->kind == MT_DICT) {
            struct vm_loop *v = &r->vm->loops[slot + 1];
            memset(v, 0, sizeof(*v));
            v->kind = LOOP_KIND_OBJ_VALUE;
            v->base = slot;
        }
    } else {
        l->kind = LOOP_KIND_SET;
        l->total = quant_n(imm);
        l->set = &r->env->rs->sets[arg];
    }
    /* The quantifier sits below the iterable (ENUM values stay put). */
    if (l->quant == QK_N || l->quant == QK_PERCENT) {
        struct vm_value q;
        uint32_t at = op == OP_LOOP_ENUM ? l->base - 1 : r->sp - 1;
        if (r->sp == 0 || (op == OP_LOOP_ENUM && l->base == 0)) {
            r->rc = CANDOR_ERROR_INTERNAL;
            return;
        }
        q = r->vm->stack[at];
        memmove(&r->vm->stack[at], &r->vm->stack[at + 1],
                (r->sp - at - 1) * sizeof(struct vm_value));
        r->sp--;
        if (op == OP_LOOP_ENUM)
            l->base--;
        if (q.type != V_INT)
            l->quant = QK_ALL; /* as yara reads an undefined quantifier */
        else
            l->need = q.u.i;
    }
}

/* True when the loop's result can no longer change. */
static bool loop_decided(const struct vm_loop *l)
{
    uint64_t n_false = l->pos - l->n_true;

    switch (l->quant) {
    case QK_ALL: return n_false > 0;
    case QK_ANY: return l->n_true > 0;
    case QK_NONE: return l->n_true > 0;
    case QK_N: return l->need > 0 && l->n_true >= (uint64_t)l->need;
    default: return false;
    }
}

/* LOOP_NEXT: returns true when the body runs again. */
static bool loop_next(struct run *r, uint32_t slot)
{
    struct vm_loop *l = &r->vm->loops[slot];

    return l->pos < l->total && !loop_decided(l);
}

static void loop_step(struct run *r, uint32_t slot)
{
    struct vm_loop *l = &r->vm->loops[slot];
    struct vm_value v = pop(r);

    l->n_true += truthy(v);
    l->pos++;
    if (l->kind == LOOP_KIND_RANGE)
        l->cur++;
}

static void loop_end(struct run *r, uint32_t slot)
{
    struct vm_loop *l = &r->vm->loops[slot];
    bool res = l->total > 0 &&
               quant_holds(l->quant, l->need, l->n_true, l->total);

    if (l->kind == LOOP_KIND_ENUM)
        r->sp = l->base;
    push_int(r, res);
}

static void loop_var(struct run *r, uint32_t slot)
{
    const struct vm_loop *l = &r->vm->loops[slot];

    if (l->kind == LOOP_KIND_ENUM) {
        push(r, r->vm->stack[l->base + l->pos]);
    } else if (l->kind == LOOP_KIND_OBJ) {
        const struct mod_obj *o = l->obj;
        if (o == NULL || l->pos >= o->n)
            push_undef(r);
        else
            push(r, from_mod(o->kind == MT_DICT ? o->keys[l->pos]
                                                : o->v[l->pos]));
    } else if (l->kind == LOOP_KIND_OBJ_VALUE) {
        const struct vm_loop *d =
            l->base < r->vm->n_loops ? &r->vm->loops[l->base] : NULL;
        if (d == NULL || d->kind != LOOP_KIND_OBJ || d->obj == NULL ||
            d->obj->kind != MT_DICT || d->pos >= d->obj->n)
            push_undef(r);
        else
            push(r, from_mod(d->obj->v[d->pos]));
    } else {
        push_int(r, l->cur);
    }
}

/* ---- Modules ------------------------------------------------------------ */

static void mod_root(struct run *r, const struct vm_insn *in)
{
    struct mod_instance *inst;
    struct vm_value v = {V_OBJ, 0, {0}};

    if (in->pad[0] >= r->env->n_mods) {
        push_undef(r);
        return;
    }
    inst = &r->env->mods[in->pad[0]];
    if (!mod_instance_load(inst)) {
        r->rc = CANDOR_ERROR_NOMEM;
        return;
    }
    v.u.o = inst->root;
    push(r, v);
}

static void mod_field(struct run *r, int64_t member)
{
    struct vm_value o = pop(r);

    if (o.type != V_OBJ || member < 0 || member > UINT32_MAX)
        push_undef(r);
    else
        push(r, from_mod(mod_get(o.u.o, (uint32_t)member)));
}

static void mod_element(struct run *r)
{
    struct vm_value key = pop(r), o = pop(r);

    if (o.type != V_OBJ)
        push_undef(r);
    else if (key.type == V_INT)
        push(r, from_mod(mod_index(o.u.o, key.u.i)));
    else if (key.type == V_STR)
        push(r, from_mod(mod_lookup(o.u.o, key.u.s, key.len)));
    else
        push_undef(r);
}

/* Whether v can be the argument of type t ('i' and 'b' integers, 'f'
 * float, 's' string); sets *out. */
static bool mod_arg(struct vm_value v, char t, struct mod_val *out)
{
    memset(out, 0, sizeof(*out));
    if ((t == 'i' || t == 'b' || t == 'r') && v.type == V_INT) {
        out->type = MV_INT;
        out->u.i = v.u.i;
    } else if (t == 'f' && v.type == V_FLOAT) {
        out->type = MV_FLOAT;
        out->u.f = v.u.f;
    } else if (t == 's' && v.type == V_STR) {
        out->type = MV_STR;
        out->u.s = v.u.s;
        out->len = v.len;
    } else {
        return false;
    }
    return true;
}

static bool regex_for_module(void *ctx, int64_t index, const uint8_t *s,
                             size_t n)
{
    struct run *r = ctx;
    bool found = false;

    if (index < 0 || (uint64_t)index >= r->env->rs->n_regexes)
        return false;
    if (match_regex_search(r->env->rs->compiled_regexes[index],
                           r->env->matches, s, n, &found) != CANDOR_OK)
        return false;
    return found;
}

#define MOD_MAX_ARGS 8

/* The memo slot for this call: a filled one with the same key, else the
 * empty one where it would go (NULL when the call cannot be kept). */
static struct vm_memo *memo_slot(struct vm *vm, const struct mod_overload *ov,
                                 const struct mod_obj *self,
                                 const struct mod_val *args, uint32_t n)
{
    uint64_t h = (uint64_t)(uintptr_t)ov * 0x9e3779b97f4a7c15ull ^
                 (uint64_t)(uintptr_t)self;

    if (!ov->pure || n > MEMO_ARGS)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (args[i].type != MV_INT && args[i].type != MV_FLOAT)
            return NULL;
        h = (h ^ (uint64_t)args[i].u.i) * 0x100000001b3ull;
    }
    if (vm->memo == NULL &&
        (vm->memo = mem_calloc(MEMO_SLOTS, sizeof(*vm->memo))) == NULL)
        return NULL;
    for (uint32_t k = 0; k < MEMO_SLOTS; k++) {
        struct vm_memo *m = &vm->memo[(h + k) & (MEMO_SLOTS - 1)];
        bool same = m->gen == vm->memo_gen && m->ov == ov &&
                    m->self == self && m->n_args == n;

        if (m->gen != vm->memo_gen)
            return m;
        for (uint32_t i = 0; same && i < n; i++)
            same = m->args[i].type == args[i].type &&
                   m->args[i].u.i == args[i].u.i;
        if (same)
            return m;
    }
    return NULL;
}

/* MOD_CALL: any undefined or mistyped argument makes the result
 * undefined without a call, as yara's functions give for undefined
 * arguments. */
static void mod_call(struct run *r, int64_t imm)
{
    uint32_t member = (uint32_t)imm & 0xffff;
    uint32_t overload = ((uint32_t)imm >> 16) & 0xffff;
    uint32_t n = (uint32_t)((uint64_t)imm >> 32);
    struct mod_val args[MOD_MAX_ARGS];
    const struct mod_overload *ov;
    const struct mod_decl *d;
    struct vm_value o;
    struct mod_call call;
    struct vm_memo *memo;
    bool ok = true;

    if (n > MOD_MAX_ARGS || n + 1 > r->sp) {
        r->rc = CANDOR_ERROR_INTERNAL;
        return;
    }
    o = r->vm->stack[r->sp - n - 1];
    if (o.type != V_OBJ || o.u.o->kind != MT_STRUCT ||
        member >= o.u.o->decl->n_members ||
        (d = &o.u.o->decl->members[member])->type != MT_FUNC ||
        overload >= d->n_overloads ||
        strlen((ov = &d->overloads[overload])->args) != n)
        ok = false;
    for (uint32_t i = 0; ok && i < n; i++)
        ok = mod_arg(r->vm->stack[r->sp - n + i], ov->args[i], &args[i]);
    r->sp -= n + 1;
    if (!ok) {
        push_undef(r);
        return;
    }
    memo = memo_slot(r->vm, ov, o.u.o, args, n);
    if (memo != NULL && memo->gen == r->vm->memo_gen) {
        push(r, from_mod(memo->ret));
        return;
    }
    memset(&call, 0, sizeof(call));
    call.regex = regex_for_module;
    call.regex_ctx = r;
    call.inst = o.u.o->inst;
    call.self = o.u.o;
    call.data = r->env->data;
    call.size = r->env->size;
    call.args = args;
    ov->fn(&call);
    if (memo != NULL && r->vm->memo_used < MEMO_SLOTS / 4 * 3) {
        memo->gen = r->vm->memo_gen;
        memo->n_args = n;
        memo->ov = ov;
        memo->self = o.u.o;
        memcpy(memo->args, args, n * sizeof(*args));
        memo->ret = call.ret;
        r->vm->memo_used++;
    }
    push(r, from_mod(call.ret));
}

/* ---- Dispatch ----------------------------------------------------------- */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The deprecated `entrypoint` keyword: the entry point of the executable
 * formats yara 4.2.3 reads for it (PE, ELF), undefined for other data;
 * found once per file. */
static void entrypoint(struct run *r)
{
    struct vm *vm = r->vm;
    int64_t off;

    if (!vm->entry_known) {
        vm->entry.type = V_UNDEF;
        if (pe_entry_point(r->env->data, r->env->size, &off) ||
            elf_entrypoint(r->env->data, r->env->size, &off)) {
            vm->entry.type = V_INT;
            vm->entry.u.i = off;
        }
        vm->entry_known = true;
    }
    push(r, vm->entry);
}

static void load_value(struct run *r, const struct vm_insn *in)
{
    const struct ruleset *rs = r->env->rs;
    struct vm_value v = {V_STR, (uint32_t)in->imm,
                         {.s = (const uint8_t *)rs->strtab + in->arg}};
    double f;

    switch (in->op) {
    case OP_PUSH_INT: push_int(r, in->imm); return;
    case OP_PUSH_FLOAT:
        memcpy(&f, &in->imm, sizeof(f));
        push_float(r, f);
        return;
    case OP_PUSH_STR: push(r, v); return;
    case OP_PUSH_UNDEF: push_undef(r); return;
    case OP_FILESIZE: push_int(r, (int64_t)r->env->size); return;
    case OP_EXT: push(r, r->env->externals[in->arg]); return;
    case OP_RULE: push_int(r, r->env->rule_results[in->arg]); return;
    case OP_ENTRYPOINT: entrypoint(r); return;
    default: push_undef(r); return;
    }
}

/* Runs the chunk; returns the final value's truth. */
static bool execute(struct run *r)
{
    uint32_t pc = 0, steps = 0;
    struct vm_value v;

    while (pc < r->len && r->rc == CANDOR_OK) {
        const struct vm_insn *in = &r->code[pc++];
        switch ((enum vm_opcode)in->op) {
        case OP_HALT: return truthy(pop(r));
        case OP_PUSH_INT: case OP_PUSH_FLOAT: case OP_PUSH_STR:
        case OP_PUSH_UNDEF: case OP_FILESIZE: case OP_ENTRYPOINT:
        case OP_EXT: case OP_RULE:
            load_value(r, in);
            break;
        case OP_POP: pop(r); break;
        case OP_JUMP: pc = in->arg; break;
        case OP_AND_JUMP:
        case OP_OR_JUMP:
            v = pop(r);
            if (truthy(v) == (in->op == OP_OR_JUMP)) {
                push_int(r, in->op == OP_OR_JUMP);
                pc = in->arg;
            }
            break;
        case OP_TO_BOOL: push_int(r, truthy(pop(r))); break;
        case OP_NOT: case OP_NEG_I: case OP_NEG_F: case OP_BIT_NOT:
        case OP_DEFINED:
            unary(r, (enum vm_opcode)in->op);
            break;
        case OP_INT_TO_FLOAT: int_to_float(r, in->arg); break;
        case OP_ADD_I: case OP_SUB_I: case OP_MUL_I: case OP_DIV_I:
        case OP_MOD_I: case OP_SHL: case OP_SHR: case OP_BIT_AND:
        case OP_BIT_OR: case OP_BIT_XOR:
            int_binary(r, (enum vm_opcode)in->op);
            break;
        case OP_ADD_F: case OP_SUB_F: case OP_MUL_F: case OP_DIV_F:
            float_binary(r, (enum vm_opcode)in->op);
            break;
        case OP_CMP_I: case OP_CMP_F:
            compare_numbers(r, (enum vm_opcode)in->op, (enum cmp_kind)in->arg);
            break;
        case OP_CMP_S: compare_strings(r, (enum cmp_kind)in->arg); break;
        case OP_MATCHES: matches(r, in->arg); break;
        case OP_READ_INT: read_int(r, in->arg); break;
        case OP_STR_FOUND: case OP_STR_COUNT: case OP_STR_COUNT_IN:
        case OP_STR_OFFSET: case OP_STR_LENGTH: case OP_STR_AT:
        case OP_STR_IN:
            string_op(r, (enum vm_opcode)in->op, in->arg);
            break;
        case OP_OF_STR: of_strings(r, in->arg, in->imm); break;
        case OP_OF_RULE: of_rules(r, in->arg, in->imm); break;
        case OP_MOD_ROOT: mod_root(r, in); break;
        case OP_PUSH_REGEX: push_int(r, in->arg); break;
        case OP_MOD_FIELD: mod_field(r, in->imm); break;
        case OP_MOD_INDEX: mod_element(r); break;
        case OP_MOD_CALL: mod_call(r, in->imm); break;
        case OP_LOOP_RANGE: case OP_LOOP_ENUM: case OP_LOOP_SET:
        case OP_LOOP_OBJ:
            loop_begin(r, (enum vm_opcode)in->op, in->arg, in->imm);
            break;
        case OP_LOOP_NEXT:
            if (!loop_next(r, (uint32_t)in->imm))
                pc = in->arg;
            break;
        case OP_LOOP_STEP:
            loop_step(r, (uint32_t)in->imm);
            pc = in->arg;
            if (++steps % 4096 == 0 && r->env->deadline_ns != 0 &&
                now_ns() > r->env->deadline_ns)
                r->rc = CANDOR_ERROR_TIMEOUT;
            break;
        case OP_LOOP_END: loop_end(r, in->arg); break;
        case OP_LOOP_VAR: loop_var(r, in->arg); break;
        default: r->rc = CANDOR_ERROR_INTERNAL; break;
        }
    }
    if (r->rc == CANDOR_OK)
        r->rc = CANDOR_ERROR_INTERNAL; /* fell off the end: no HALT */
    return false;
}

enum candor_status vm_run(struct vm *vm, const struct vm_env *env,
                          uint32_t rule, bool *result)
{
    const struct rs_rule *ru = &env->rs->rules[rule];
    struct run r;

    if (ru->n_slots > vm->n_loops)
        return CANDOR_ERROR_INTERNAL;
    r.vm = vm;
    r.env = env;
    r.code = env->rs->code + ru->code_start;
    r.len = ru->code_len;
    r.sp = 0;
    r.rc = CANDOR_OK;
    *result = execute(&r);
    return r.rc;
}
