/*
 * console.c - the console module: console.log and console.hex write a line
 * for the user and are true. yara 4.2.3 writes them to stdout as the
 * condition runs; candor hands each line to the scanner's log sink
 * (mod_instance.log), which the command line prints in the same place.
 * Bytes outside 0x20-0x7e are written as \xNN, as yara does; integers in
 * decimal, floats with six decimals, hex() as 0x and lowercase digits.
 */
#include <inttypes.h>
#include <stdio.h>

#include "base/buf.h"
#include "modules/modules.h"

static void put_escaped(struct buf *b, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 0x20 && s[i] <= 0x7e)
            buf_append(b, &s[i], 1);
        else
            buf_printf(b, "\\x%02x", s[i]);
    }
}

static void put_value(struct buf *b, const struct mod_val *v, bool hex)
{
    if (v->type == MV_STR)
        put_escaped(b, v->u.s, v->len);
    else if (v->type == MV_FLOAT)
        buf_printf(b, "%f", v->u.f);
    else if (hex)
        buf_printf(b, "0x%" PRIx64, (uint64_t)v->u.i);
    else
        buf_printf(b, "%" PRId64, v->u.i);
}

/* Writes the arguments one after the other; the last one in hex when
 * hex is set. */
static void emit(struct mod_call *c, unsigned n_args, bool hex)
{
    struct buf b;

    buf_init(&b, 1u << 20);
    for (unsigned i = 0; i < n_args; i++)
        put_value(&b, &c->args[i], hex && i + 1 == n_args);
    if (c->inst->log != NULL && !b.failed)
        c->inst->log(c->inst->log_ctx, b.data != NULL ? (char *)b.data : "",
                     b.len);
    buf_fini(&b);
    mod_ret_int(c, 1);
}

static void log_1(struct mod_call *c) { emit(c, 1, false); }
static void log_2(struct mod_call *c) { emit(c, 2, false); }
static void hex_1(struct mod_call *c) { emit(c, 1, true); }
static void hex_2(struct mod_call *c) { emit(c, 2, true); }

static const struct mod_overload log_fns[] = {
    MOD_FN("s", 'b', log_1),  MOD_FN("ss", 'b', log_2), MOD_FN("si", 'b', log_2),
    MOD_FN("sf", 'b', log_2), MOD_FN("i", 'b', log_1),  MOD_FN("f", 'b', log_1),
};
static const struct mod_overload hex_fns[] = {
    MOD_FN("i", 'b', hex_1), MOD_FN("si", 'b', hex_2)};

static const struct mod_decl members[] = {
    DECL_FUNC("log", log_fns),
    DECL_FUNC("hex", hex_fns),
};

const struct module module_console = {
    .name = "console",
    .root = DECL_STRUCT("console", members),
    .load = NULL,
};
