/*
 * print.c - a module's values as yara's -D prints them.
 *
 * The module's name, then its members one per line, indented by tabs:
 * `name = value` for scalars (`YR_UNDEFINED` when unset, strings quoted
 * with bytes outside 0x20-0x7e as \xNN, `"` and `\` as they are, floats
 * with six decimals), `name` alone for structures, arrays and dictionaries
 * with their contents one level deeper: array elements as `[i]`,
 * dictionary entries by their bare key (pe.version_info's
 * `CompanyName = "..."` in yara 4.2.3),
 * unset elements left out. Functions are not printed.
 *
 * Member order follows yara's: its objects keep members in a list that
 * each copy reverses, and every array or dictionary element is a copy of
 * its declaration (taken again with each enclosing element). So a
 * structure under an even number of element levels (the module itself,
 * a structure in it) lists its members last declared first; one under an
 * odd number (an element of a top-level array) in declared order.
 */
#include <inttypes.h>

#include "base/buf.h"
#include "modules/module.h"

static void indent(struct buf *b, unsigned depth)
{
    for (unsigned i = 0; i < depth; i++)
        buf_putc(b, '\t');
}

static void put_string(struct buf *b, const uint8_t *s, size_t n)
{
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 0x20 && s[i] <= 0x7e)
            buf_putc(b, s[i]);
        else
            buf_printf(b, "\\x%02x", s[i]);
    }
    buf_putc(b, '"');
}

static void put_value(struct buf *b, struct mod_val v, unsigned depth,
                      unsigned copies);

/* A member never set: yara's objects exist from their declaration, so a
 * structure lists its members, an array or a dictionary is empty. */
static void put_unset(struct buf *b, const struct mod_decl *d, unsigned depth,
                      unsigned copies)
{
    if (d->type != MT_STRUCT && d->type != MT_ARRAY && d->type != MT_DICT) {
        buf_puts(b, " = YR_UNDEFINED\n");
        return;
    }
    buf_putc(b, '\n');
    if (d->type != MT_STRUCT)
        return;
    for (uint16_t k = 0; k < d->n_members; k++) {
        uint16_t i = copies % 2 ? k : (uint16_t)(d->n_members - 1 - k);
        const struct mod_decl *m = &d->members[i];
        if (m->type == MT_FUNC)
            continue;
        indent(b, depth);
        buf_puts(b, m->name);
        put_unset(b, m, depth + 1, copies);
    }
}

static void put_object(struct buf *b, const struct mod_obj *o, unsigned depth,
                       unsigned copies)
{
    if (o->kind == MT_STRUCT) {
        for (uint32_t k = 0; k < o->n; k++) {
            uint32_t i = copies % 2 ? k : o->n - 1 - k;
            const struct mod_decl *m = &o->decl->members[i];
            if (m->type == MT_FUNC)
                continue;
            indent(b, depth);
            buf_puts(b, m->name);
            if (o->v[i].type == MV_UNDEF)
                put_unset(b, m, depth + 1, copies);
            else
                put_value(b, o->v[i], depth + 1, copies);
        }
        return;
    }
    for (uint32_t i = 0; i < o->n; i++) {
        if (o->v[i].type == MV_UNDEF)
            continue;
        indent(b, depth);
        if (o->kind == MT_DICT) {
            buf_append(b, o->keys[i].u.s, o->keys[i].len);
        } else {
            buf_printf(b, "[%" PRIu32 "]", i);
        }
        put_value(b, o->v[i], depth + 1, copies + 1);
    }
}

/* After a name: ` = value` and the newline, or the newline and the
 * contents of an object one level deeper. */
static void put_value(struct buf *b, struct mod_val v, unsigned depth,
                      unsigned copies)
{
    switch (v.type) {
    case MV_INT: buf_printf(b, " = %" PRId64 "\n", v.u.i); break;
    case MV_FLOAT: buf_printf(b, " = %f\n", v.u.f); break;
    case MV_STR:
        buf_puts(b, " = ");
        put_string(b, v.u.s, v.len);
        buf_putc(b, '\n');
        break;
    case MV_OBJ:
        buf_putc(b, '\n');
        put_object(b, v.u.o, depth, copies);
        break;
    default: buf_puts(b, " = YR_UNDEFINED\n"); break;
    }
}

bool mod_print(struct mod_instance *inst, struct buf *out)
{
    if (!mod_instance_load(inst))
        return false;
    buf_puts(out, inst->mod->name);
    buf_putc(out, '\n');
    put_object(out, inst->root, 1, 0);
    return !out->failed;
}
