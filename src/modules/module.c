/*
 * module.c - the module registry and the value tree modules fill.
 */
#include "modules/module.h"

#include <string.h>

#include "modules/modules.h"

static const struct module *const registry[] = {
    &module_console, &module_cuckoo, &module_dex,    &module_dotnet,
    &module_elf,     &module_hash,   &module_macho,  &module_magic,
    &module_math,    &module_pe,     &module_string, &module_time,
};

size_t module_count(void)
{
    return sizeof(registry) / sizeof(*registry);
}

const struct module *module_at(size_t i)
{
    return i < module_count() ? registry[i] : NULL;
}

size_t module_index(const struct module *m)
{
    for (size_t i = 0; i < module_count(); i++) {
        if (registry[i] == m)
            return i;
    }
    return module_count();
}

const struct module *module_find(const char *name, size_t len)
{
    for (size_t i = 0; i < module_count(); i++) {
        if (strlen(registry[i]->name) == len &&
            memcmp(registry[i]->name, name, len) == 0)
            return registry[i];
    }
    return NULL;
}

int mod_member(const struct mod_decl *decl, const char *name, size_t len)
{
    for (uint16_t i = 0; i < decl->n_members; i++) {
        const char *m = decl->members[i].name;
        if (strlen(m) == len && memcmp(m, name, len) == 0)
            return i;
    }
    return -1;
}

/* ---- Objects ------------------------------------------------------------ */

static bool is_container_decl(const struct mod_decl *d)
{
    return d->type == MT_ARRAY || d->type == MT_DICT;
}

static bool is_container(const struct mod_obj *o)
{
    return o->kind != MT_STRUCT;
}

/* A structure of decl's members (decl: a STRUCT, or an ARRAY or DICT of
 * STRUCT whose element this is). */
static struct mod_obj *new_struct(struct arena *a, const struct mod_decl *decl)
{
    struct mod_obj *o = arena_alloc(a, sizeof(*o));

    if (o == NULL)
        return NULL;
    o->decl = decl;
    o->kind = MT_STRUCT;
    o->n = o->cap = decl->n_members;
    o->inst = NULL;
    o->v = arena_alloc_array(a, o->n ? o->n : 1, sizeof(*o->v));
    if (o->v == NULL)
        return NULL;
    for (uint32_t i = 0; i < o->n; i++) {
        const struct mod_decl *m = &decl->members[i];
        struct mod_val *v = &o->v[i];
        if (m->type == MT_STRUCT) {
            /* Structures exist from their declaration, as in yara: their
             * functions can be called whatever the data. */
            if ((v->u.o = new_struct(a, m)) == NULL)
                return NULL;
            v->type = MV_OBJ;
            continue;
        }
        if (!m->constant)
            continue;
        if (m->type == MT_INT) {
            v->type = MV_INT;
            v->u.i = m->ival;
        } else if (m->type == MT_FLOAT) {
            v->type = MV_FLOAT;
            v->u.f = m->fval;
        } else if (m->type == MT_STRING) {
            v->type = MV_STR;
            v->u.s = (const uint8_t *)m->sval;
            v->len = (uint32_t)strlen(m->sval);
        }
    }
    return o;
}

/* Marks o and the structures created with it as inst's. */
static void set_inst(struct mod_obj *o, struct mod_instance *inst)
{
    o->inst = inst;
    for (uint32_t i = 0; o->kind == MT_STRUCT && i < o->n; i++) {
        if (o->v[i].type == MV_OBJ)
            set_inst(o->v[i].u.o, inst);
    }
}

struct mod_obj *mod_obj_new(struct arena *a, const struct mod_decl *decl)
{
    struct mod_obj *o;

    if (!is_container_decl(decl))
        return new_struct(a, decl);
    if ((o = arena_alloc(a, sizeof(*o))) != NULL) {
        o->decl = decl;
        o->kind = decl->type;
    }
    return o;
}

struct mod_obj *mod_obj_child(struct arena *a, struct mod_obj *o,
                              uint32_t member)
{
    struct mod_val *v;

    if (o == NULL || is_container(o) || member >= o->n)
        return NULL;
    v = &o->v[member];
    if (v->type != MV_OBJ) {
        const struct mod_decl *m = &o->decl->members[member];
        if (m->type != MT_STRUCT && !is_container_decl(m))
            return NULL;
        if ((v->u.o = mod_obj_new(a, m)) == NULL)
            return NULL;
        set_inst(v->u.o, o->inst);
        v->type = MV_OBJ;
    }
    return v->u.o;
}

static struct mod_val *scalar_slot(struct mod_obj *o, uint32_t member,
                                   enum mod_type t)
{
    if (o == NULL || is_container(o) || member >= o->n ||
        o->decl->members[member].type != t ||
        o->decl->members[member].constant)
        return NULL;
    return &o->v[member];
}

bool mod_set_int(struct mod_obj *o, uint32_t member, int64_t v)
{
    struct mod_val *s = scalar_slot(o, member, MT_INT);

    if (s == NULL)
        return false;
    s->type = MV_INT;
    s->u.i = v;
    return true;
}

bool mod_set_float(struct mod_obj *o, uint32_t member, double v)
{
    struct mod_val *s = scalar_slot(o, member, MT_FLOAT);

    if (s == NULL)
        return false;
    s->type = MV_FLOAT;
    s->u.f = v;
    return true;
}

static bool str_val(struct arena *a, const void *s, size_t len,
                    struct mod_val *out)
{
    char *copy;

    if (len > UINT32_MAX || (copy = arena_memdup(a, s, len)) == NULL)
        return false;
    out->type = MV_STR;
    out->len = (uint32_t)len;
    out->u.s = (const uint8_t *)copy;
    return true;
}

bool mod_set_str(struct arena *a, struct mod_obj *o, uint32_t member,
                 const void *s, size_t len)
{
    struct mod_val *slot = scalar_slot(o, member, MT_STRING);

    return slot != NULL && str_val(a, s, len, slot);
}

bool mod_set_view(struct mod_obj *o, uint32_t member, const void *s,
                  size_t len)
{
    struct mod_val *slot = scalar_slot(o, member, MT_STRING);

    if (slot == NULL || len > UINT32_MAX)
        return false;
    slot->type = MV_STR;
    slot->len = (uint32_t)len;
    slot->u.s = (const uint8_t *)s;
    return true;
}

/* Room for one more element of a container. */
static bool grow(struct arena *a, struct mod_obj *c)
{
    uint32_t cap;
    struct mod_val *v, *k = NULL;

    if (c->n < c->cap)
        return true;
    if (c->cap >= UINT32_MAX / 2)
        return false;
    cap = c->cap ? c->cap * 2 : 8;
    v = arena_alloc_array(a, cap, sizeof(*v));
    if (c->kind == MT_DICT)
        k = arena_alloc_array(a, cap, sizeof(*k));
    if (v == NULL || (c->kind == MT_DICT && k == NULL))
        return false;
    if (c->n > 0) {
        memcpy(v, c->v, c->n * sizeof(*v));
        if (k != NULL)
            memcpy(k, c->keys, c->n * sizeof(*k));
    }
    c->v = v;
    c->keys = k;
    c->cap = cap;
    return true;
}

static bool elem_ok(const struct mod_obj *c, enum mod_type want)
{
    return c != NULL && is_container(c) && c->decl->elem == want;
}

static bool scalar_matches(const struct mod_obj *c, struct mod_val v)
{
    switch (c->decl->elem) {
    case MT_INT: return v.type == MV_INT || v.type == MV_UNDEF;
    case MT_FLOAT: return v.type == MV_FLOAT || v.type == MV_UNDEF;
    case MT_STRING: return v.type == MV_STR || v.type == MV_UNDEF;
    default: return false;
    }
}

struct mod_obj *mod_array_push_obj(struct arena *a, struct mod_obj *arr)
{
    struct mod_obj *e;

    if (!elem_ok(arr, MT_STRUCT) || arr->kind != MT_ARRAY ||
        !grow(a, arr) || (e = new_struct(a, arr->decl)) == NULL)
        return NULL;
    set_inst(e, arr->inst);
    arr->v[arr->n].type = MV_OBJ;
    arr->v[arr->n++].u.o = e;
    return e;
}

/* Most elements an array may reach by mod_array_set_obj: holes cost a
 * value each, so a hostile index must not allocate without bound. */
#define MOD_ARRAY_MAX_INDEX (1u << 20)

struct mod_obj *mod_array_set_obj(struct arena *a, struct mod_obj *arr,
                                  uint32_t index)
{
    struct mod_obj *e;

    if (!elem_ok(arr, MT_STRUCT) || arr->kind != MT_ARRAY ||
        index >= MOD_ARRAY_MAX_INDEX)
        return NULL;
    if (index < arr->n && arr->v[index].type == MV_OBJ)
        return arr->v[index].u.o;
    while (arr->n <= index) {
        if (!grow(a, arr))
            return NULL;
        arr->v[arr->n++].type = MV_UNDEF;
    }
    if ((e = new_struct(a, arr->decl)) == NULL)
        return NULL;
    e->inst = arr->inst;
    arr->v[index].type = MV_OBJ;
    arr->v[index].u.o = e;
    return e;
}

bool mod_array_push(struct arena *a, struct mod_obj *arr, struct mod_val v)
{
    if (arr == NULL || arr->kind != MT_ARRAY ||
        !scalar_matches(arr, v) || !grow(a, arr))
        return false;
    if (v.type == MV_STR && !str_val(a, v.u.s, v.len, &v))
        return false;
    arr->v[arr->n++] = v;
    return true;
}

bool mod_array_hole(struct arena *a, struct mod_obj *arr)
{
    if (arr == NULL || arr->kind != MT_ARRAY || !grow(a, arr))
        return false;
    memset(&arr->v[arr->n++], 0, sizeof(struct mod_val));
    return true;
}

static bool has_key(const struct mod_obj *d, const void *key, size_t len)
{
    return mod_lookup(d, key, len).type != MV_UNDEF;
}

struct mod_obj *mod_dict_put_obj(struct arena *a, struct mod_obj *dict,
                                 const void *key, size_t key_len)
{
    struct mod_obj *e;

    if (!elem_ok(dict, MT_STRUCT) || dict->kind != MT_DICT ||
        has_key(dict, key, key_len) || !grow(a, dict) ||
        !str_val(a, key, key_len, &dict->keys[dict->n]) ||
        (e = new_struct(a, dict->decl)) == NULL)
        return NULL;
    set_inst(e, dict->inst);
    dict->v[dict->n].type = MV_OBJ;
    dict->v[dict->n++].u.o = e;
    return e;
}

bool mod_dict_put(struct arena *a, struct mod_obj *dict, const void *key,
                  size_t key_len, struct mod_val v)
{
    if (dict == NULL || dict->kind != MT_DICT ||
        !scalar_matches(dict, v))
        return false;
    if (has_key(dict, key, key_len))
        return true;
    if (!grow(a, dict) || !str_val(a, key, key_len, &dict->keys[dict->n]))
        return false;
    if (v.type == MV_STR && !str_val(a, v.u.s, v.len, &v))
        return false;
    dict->v[dict->n++] = v;
    return true;
}

bool mod_dict_set(struct arena *a, struct mod_obj *dict, const void *key,
                  size_t key_len, struct mod_val v)
{
    if (dict == NULL || dict->kind != MT_DICT || !scalar_matches(dict, v))
        return false;
    for (uint32_t i = 0; i < dict->n; i++) {
        if (dict->keys[i].len == key_len &&
            (key_len == 0 || memcmp(dict->keys[i].u.s, key, key_len) == 0)) {
            if (v.type == MV_STR && !str_val(a, v.u.s, v.len, &v))
                return false;
            dict->v[i] = v;
            return true;
        }
    }
    return mod_dict_put(a, dict, key, key_len, v);
}

struct mod_val mod_get(const struct mod_obj *o, uint32_t member)
{
    struct mod_val undef = {MV_UNDEF, 0, {0}};

    if (o == NULL || is_container(o) || member >= o->n)
        return undef;
    return o->v[member];
}

struct mod_val mod_index(const struct mod_obj *o, int64_t i)
{
    struct mod_val undef = {MV_UNDEF, 0, {0}};

    if (o == NULL || o->kind != MT_ARRAY || i < 0 ||
        (uint64_t)i >= o->n)
        return undef;
    return o->v[i];
}

struct mod_val mod_lookup(const struct mod_obj *o, const uint8_t *key,
                          size_t len)
{
    struct mod_val undef = {MV_UNDEF, 0, {0}};

    if (o == NULL || o->kind != MT_DICT)
        return undef;
    for (uint32_t i = 0; i < o->n; i++) {
        if (o->keys[i].len == len &&
            (len == 0 || memcmp(o->keys[i].u.s, key, len) == 0))
            return o->v[i];
    }
    return undef;
}

bool mod_instance_load(struct mod_instance *inst)
{
    if (inst->root != NULL)
        return true;
    inst->root = mod_obj_new(inst->arena, &inst->mod->root);
    if (inst->root == NULL)
        return false;
    set_inst(inst->root, inst);
    if (inst->mod->load != NULL)
        inst->mod->load(inst);
    return true;
}

bool mod_range(const struct mod_call *c, int64_t offset, int64_t size,
               const uint8_t **p, size_t *n)
{
    if (offset < 0 || size < 0 || (uint64_t)offset >= c->size)
        return false;
    *p = c->data + offset;
    *n = (uint64_t)size < c->size - (uint64_t)offset
             ? (size_t)size
             : (size_t)(c->size - (uint64_t)offset);
    return true;
}

void mod_ret_hex(struct mod_call *c, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *s = arena_alloc(c->inst->arena, 2 * n + 1);

    if (s == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = hex[p[i] >> 4];
        s[2 * i + 1] = hex[p[i] & 15];
    }
    s[2 * n] = '\0';
    c->ret.type = MV_STR;
    c->ret.len = (uint32_t)(2 * n);
    c->ret.u.s = (const uint8_t *)s;
}
