/*
 * string.c - the string module (newer than yara 4.2.3, which has no such
 * module; from YARA's current documentation): string.to_int(s [, base])
 * and string.length(s).
 *
 * to_int reads an optional sign, then digits in the base (0: "0x" means
 * 16, a leading "0" means 8, else 10; otherwise 2 to 36); the whole string
 * must be taken and the value must fit in 64 bits, else it is undefined.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modules/modules.h"

static void to_int(struct mod_call *c, int64_t base)
{
    char buf[80], *end;
    long long v;
    size_t n = c->args[0].len;

    if ((base != 0 && (base < 2 || base > 36)) || n == 0 ||
        n >= sizeof(buf) || memchr(c->args[0].u.s, 0, n) != NULL)
        return;
    memcpy(buf, c->args[0].u.s, n);
    buf[n] = '\0';
    errno = 0;
    v = strtoll(buf, &end, (int)base);
    if (errno != 0 || *end != '\0' || end == buf)
        return;
    mod_ret_int(c, v);
}

static void to_int_0(struct mod_call *c) { to_int(c, 0); }
static void to_int_base(struct mod_call *c) { to_int(c, c->args[1].u.i); }

static void length(struct mod_call *c)
{
    mod_ret_int(c, c->args[0].len);
}

static const struct mod_overload to_int_fns[] = {
    MOD_FN("s", 'i', to_int_0), MOD_FN("si", 'i', to_int_base)};
static const struct mod_overload length_fns[] = {MOD_FN("s", 'i', length)};

static const struct mod_decl members[] = {
    DECL_FUNC("to_int", to_int_fns),
    DECL_FUNC("length", length_fns),
};

const struct module module_string = {
    .name = "string",
    .root = DECL_STRUCT("string", members),
    .load = NULL,
};
