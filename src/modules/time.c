/*
 * time.c - the time module: time.now(), the seconds since the epoch.
 */
#include <time.h>

#include "modules/modules.h"

static void now(struct mod_call *c)
{
    mod_ret_int(c, (int64_t)time(NULL));
}

static const struct mod_overload now_fns[] = {MOD_FN("", 'i', now)};

static const struct mod_decl members[] = {
    DECL_FUNC("now", now_fns),
};

const struct module module_time = {
    .name = "time",
    .root = DECL_STRUCT("time", members),
    .load = NULL,
};
