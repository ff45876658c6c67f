/*
 * magic.c - the magic module: magic.type() and magic.mime_type(), what
 * libmagic (file(1)) says of the scanned data. One libmagic handle per
 * scanner, opened at the first call (loading the database is costly) and
 * kept until the scanner goes; the answers of one file are kept for the
 * rest of its scan.
 */
#include <magic.h>
#include <stdlib.h>
#include <string.h>

#include "modules/modules.h"

struct magic_state {
    magic_t type, mime;
};

struct magic_answers {
    const char *type, *mime;
    bool done_type, done_mime;
};

static magic_t open_cookie(int flags)
{
    magic_t m = magic_open(flags);

    if (m != NULL && magic_load(m, NULL) != 0) {
        magic_close(m);
        m = NULL;
    }
    return m;
}

static struct magic_answers *answers(struct mod_instance *inst)
{
    if (inst->state == NULL)
        inst->state = arena_alloc(inst->arena, sizeof(struct magic_answers));
    return inst->state;
}

/* What libmagic says (a copy in the scan's arena), or NULL. */
static const char *ask(struct mod_instance *inst, bool mime)
{
    struct magic_state *st = inst->persist;
    magic_t m;
    const char *s;

    if (st == NULL) {
        if ((st = calloc(1, sizeof(*st))) == NULL)
            return NULL;
        inst->persist = st;
    }
    if (mime && st->mime == NULL)
        st->mime = open_cookie(MAGIC_MIME_TYPE);
    if (!mime && st->type == NULL)
        st->type = open_cookie(MAGIC_NONE);
    m = mime ? st->mime : st->type;
    if (m == NULL || (s = magic_buffer(m, inst->data, inst->size)) == NULL)
        return NULL;
    return arena_strdup(inst->arena, s);
}

static void answer(struct mod_call *c, bool mime)
{
    struct magic_answers *a = answers(c->inst);

    if (a == NULL)
        return;
    if (mime && !a->done_mime) {
        a->mime = ask(c->inst, true);
        a->done_mime = true;
    } else if (!mime && !a->done_type) {
        a->type = ask(c->inst, false);
        a->done_type = true;
    }
    if ((mime ? a->mime : a->type) != NULL)
        mod_ret_str(c, mime ? a->mime : a->type,
                    strlen(mime ? a->mime : a->type));
}

static void type_fn(struct mod_call *c) { answer(c, false); }
static void mime_fn(struct mod_call *c) { answer(c, true); }

static void finish(struct mod_instance *inst)
{
    struct magic_state *st = inst->persist;

    if (st == NULL)
        return;
    if (st->type != NULL)
        magic_close(st->type);
    if (st->mime != NULL)
        magic_close(st->mime);
    free(st);
    inst->persist = NULL;
}

static const struct mod_overload type_fns[] = {MOD_FN("", 's', type_fn)};
static const struct mod_overload mime_fns[] = {MOD_FN("", 's', mime_fn)};

static const struct mod_decl members[] = {
    DECL_FUNC("type", type_fns),
    DECL_FUNC("mime_type", mime_fns),
};

const struct module module_magic = {
    .name = "magic",
    .root = DECL_STRUCT("magic", members),
    .load = NULL,
    .finish = finish,
};
