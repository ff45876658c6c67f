/*
 * module.h - YARA's modules: their declared shape (the schema) and the
 * values one scan gives them.
 *
 * A module declares its members once, statically, as a tree of struct
 * mod_decl: integers, floats, strings, structures, arrays and dictionaries
 * of those, and functions with their overloads. The parser resolves every
 * `pe.sections[i].name` against that tree, so a misspelt field is a compile
 * error and the code refers to members by their index in the declaration:
 * nothing is looked up by name while scanning.
 *
 * At scan time a module's load function fills a tree of struct mod_obj,
 * allocated in the scan's arena, mirroring its declaration: a structure has
 * one value per declared member, in declaration order; an array or a
 * dictionary has one value per element. Anything never set is undefined.
 * Modules set values by member index, through the helpers below, with the
 * indices as enum constants next to their declaration.
 *
 * A module is loaded for a file only when a condition first reads it (or
 * when its data is printed with -D), so a rule that never gets to its
 * `pe.` part costs no PE parsing.
 */
#ifndef CANDOR_MODULES_MODULE_H
#define CANDOR_MODULES_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

enum mod_type {
    MT_INT,
    MT_FLOAT,
    MT_STRING,
    MT_STRUCT,
    MT_ARRAY,
    MT_DICT,
    MT_FUNC,
};

/* A value of a module member, an element, a function argument or result. */
enum mod_vtype { MV_UNDEF, MV_INT, MV_FLOAT, MV_STR, MV_OBJ };

struct mod_obj;

struct mod_val {
    uint8_t type; /* enum mod_vtype */
    uint32_t len; /* MV_STR */
    union {
        int64_t i;
        double f;
        const uint8_t *s;
        struct mod_obj *o;
    } u;
};

struct mod_instance;

/* What a module function sees: the scanned data, its arguments (of the
 * types its overload declares: 'i' int and bool, 'f' float, 's' string, 'r'
 * a regex, given as its index for mod_call.regex), and where to put its result (left undefined on entry). */
struct mod_call {
    struct mod_instance *inst;
    const struct mod_obj *self; /* the structure the function belongs to */
    const uint8_t *data;
    uint64_t size;
    const struct mod_val *args;
    struct mod_val ret;
    /* Whether the rules' regex `index` (an 'r' argument) matches s; false
     * for an index the rules do not have. */
    bool (*regex)(void *ctx, int64_t index, const uint8_t *s, size_t n);
    void *regex_ctx;
};

typedef void (*mod_fn)(struct mod_call *call);

struct mod_overload {
    const char *args; /* argument types, e.g. "ii"; "" for none */
    char ret;         /* 'i', 'f', 's', or 'b' (an integer read as bool) */
    mod_fn fn;
    /* The result depends only on the arguments and the data, and costs
     * enough to keep: the VM reuses it for the rest of the file (vm.c). */
    bool pure;
};

/* Overload table entries; MOD_PURE_FN for the functions whose result is kept
 * per file (`pure` above). */
#define MOD_FN(a, r, f) {.args = (a), .ret = (r), .fn = (f)}
#define MOD_PURE_FN(a, r, f) {.args = (a), .ret = (r), .fn = (f), .pure = true}

struct mod_decl {
    const char *name;
    uint8_t type;                       /* enum mod_type */
    uint8_t elem;                       /* ARRAY, DICT: the elements' type */
    uint16_t n_members;                 /* STRUCT, or ARRAY/DICT of STRUCT */
    const struct mod_decl *members;
    uint16_t n_overloads;               /* FUNC */
    const struct mod_overload *overloads;
    bool constant;                      /* INT, FLOAT, STRING: value fixed */
    int64_t ival;
    double fval;
    const char *sval;
};

/* Declaration helpers, for the module tables. */
#define DECL_INT(n) {.name = (n), .type = MT_INT}
#define DECL_FLOAT(n) {.name = (n), .type = MT_FLOAT}
#define DECL_STRING(n) {.name = (n), .type = MT_STRING}
#define DECL_CONST_INT(n, v) {.name = (n), .type = MT_INT, .constant = true, .ival = (v)}
#define DECL_CONST_FLOAT(n, v) {.name = (n), .type = MT_FLOAT, .constant = true, .fval = (v)}
#define DECL_CONST_STRING(n, v) {.name = (n), .type = MT_STRING, .constant = true, .sval = (v)}
#define DECL_ARRAY_OF(n, t) {.name = (n), .type = MT_ARRAY, .elem = (t)}
#define DECL_DICT_OF(n, t) {.name = (n), .type = MT_DICT, .elem = (t)}
#define DECL_LEN(a) ((uint16_t)(sizeof(a) / sizeof((a)[0])))
#define DECL_STRUCT(n, m) {.name = (n), .type = MT_STRUCT, .n_members = DECL_LEN(m), .members = (m)}
#define DECL_STRUCT_ARRAY(n, m) {.name = (n), .type = MT_ARRAY, .elem = MT_STRUCT, .n_members = DECL_LEN(m), .members = (m)}
#define DECL_STRUCT_DICT(n, m) {.name = (n), .type = MT_DICT, .elem = MT_STRUCT, .n_members = DECL_LEN(m), .members = (m)}
#define DECL_FUNC(n, o) {.name = (n), .type = MT_FUNC, .n_overloads = DECL_LEN(o), .overloads = (o)}

struct module {
    const char *name;
    struct mod_decl root; /* a STRUCT named like the module */
    /* Fills inst->root for the data; may leave anything undefined. Called
     * at most once per scan. NULL: the module has only functions and
     * constants. */
    void (*load)(struct mod_instance *inst);
    /* Frees inst->persist when the scanner goes; NULL: nothing to free. */
    void (*finish)(struct mod_instance *inst);
    /* Whether data given with -x can be read; NULL: the module takes
     * none. */
    bool (*check_input)(const uint8_t *data, size_t len);
};

/* One module's values during one scan. */
struct mod_instance {
    const struct module *mod;
    struct arena *arena;     /* the scan's; freed or reset between files */
    const uint8_t *data;
    uint64_t size;
    struct mod_obj *root;
    void *state;             /* the module's own, in arena */
    void *persist;           /* the module's own, kept across scans (for
                                what is costly to set up), see finish */
    const uint8_t *input;    /* data given with -x MODULE=FILE, or NULL */
    size_t input_len;

    /* Where console output goes (the console module); NULL drops it. */
    void (*log)(void *ctx, const char *text, size_t len);
    void *log_ctx;
};

struct mod_obj {
    struct mod_instance *inst;   /* the module instance it belongs to */
    const struct mod_decl *decl; /* its member's declaration */
    uint8_t kind;                /* MT_STRUCT (also an element of an ARRAY
                                    or DICT of STRUCT), MT_ARRAY, MT_DICT */
    uint32_t n;                  /* values in v */
    uint32_t cap;
    struct mod_val *v;
    struct mod_val *keys;        /* DICT: one MV_STR per value */
};

/* ---- Registry ----------------------------------------------------------- */

/* The module of that name, or NULL. */
const struct module *module_find(const char *name, size_t len);
/* Every module, in a fixed order; index with module_at. */
size_t module_count(void);
const struct module *module_at(size_t i);
size_t module_index(const struct module *m);

/* The member of decl (a STRUCT, or an ARRAY/DICT of STRUCT) called name,
 * or -1. */
int mod_member(const struct mod_decl *decl, const char *name, size_t len);

/* ---- Values ----------------------------------------------------------- */

struct buf;
/* Loads inst if needed and appends its values as yara's -D prints them.
 * False when memory ran out or out's cap was reached. */
bool mod_print(struct mod_instance *inst, struct buf *out);

/* Loads inst (once); inst->root is then the module's structure. Returns
 * false only when memory ran out. */
bool mod_instance_load(struct mod_instance *inst);

/* A new structure object for decl (STRUCT, or an element of an ARRAY or
 * DICT of STRUCT), with every constant set and everything else undefined;
 * or an empty ARRAY or DICT object. NULL when memory ran out. */
struct mod_obj *mod_obj_new(struct arena *a, const struct mod_decl *decl);

/* The structure member at index (created on first use for structure,
 * array and dictionary members). NULL when memory ran out. */
struct mod_obj *mod_obj_child(struct arena *a, struct mod_obj *o,
                              uint32_t member);
bool mod_set_int(struct mod_obj *o, uint32_t member, int64_t v);
bool mod_set_float(struct mod_obj *o, uint32_t member, double v);
/* Copies the bytes into the arena. */
bool mod_set_str(struct arena *a, struct mod_obj *o, uint32_t member,
                 const void *s, size_t len);
/* Points the member at the bytes without copying them: they must live as
 * long as the scan's values do (the scanned data, or another value). */
bool mod_set_view(struct mod_obj *o, uint32_t member, const void *s,
                  size_t len);

/* Appends an element to an ARRAY (a new structure for an array of
 * structures, returned; for scalars the element is set from v). */
struct mod_obj *mod_array_push_obj(struct arena *a, struct mod_obj *arr);
bool mod_array_push(struct arena *a, struct mod_obj *arr, struct mod_val v);
/* Appends an element that stays undefined (a hole: reads give undefined,
 * -D leaves it out), so later elements keep their indices. */
bool mod_array_hole(struct arena *a, struct mod_obj *arr);
/* The structure at index of an ARRAY of STRUCT, created if needed; the
 * elements between the old end and index stay undefined (holes, which -D
 * leaves out, as yara does). NULL when memory ran out or index is beyond
 * 2^20. */
struct mod_obj *mod_array_set_obj(struct arena *a, struct mod_obj *arr,
                                  uint32_t index);
/* Sets a DICT element; a repeated key keeps its first value, as yara's
 * dictionaries do. */
struct mod_obj *mod_dict_put_obj(struct arena *a, struct mod_obj *dict,
                                 const void *key, size_t key_len);
bool mod_dict_put(struct arena *a, struct mod_obj *dict, const void *key,
                  size_t key_len, struct mod_val v);

/* Sets a DICT element of scalars; a repeated key takes the new value, as
 * yara's set_string("dict[%s]") does (pe.version_info). */
bool mod_dict_set(struct arena *a, struct mod_obj *dict, const void *key,
                  size_t key_len, struct mod_val v);

/* Reads: undefined when the object is NULL, the index out of range or the
 * key absent. */
struct mod_val mod_get(const struct mod_obj *o, uint32_t member);
struct mod_val mod_index(const struct mod_obj *o, int64_t i);
struct mod_val mod_lookup(const struct mod_obj *o, const uint8_t *key,
                          size_t len);

#endif /* CANDOR_MODULES_MODULE_H */
