/*
 * dex.c - the dex module: Android's Dalvik Executable files, their header,
 * the id tables, the map list, class definitions and what their class data
 * declares (fields and methods, with each method's code item), and
 * has_method()/has_class(). yara 4.2.3 does not document this module; its
 * fields, constants and values here are those it shows with -D and in
 * conditions (tests/modules/gen_dex.py, dex_conditions.yar), the layout is
 * the Dalvik Executable format specification (source.android.com).
 *
 * What yara 4.2.3 reads, and so what this reads:
 * - a file of at least the 0x70-byte header whose first 8 bytes are one
 *   of the five DEX_FILE_MAGIC_* values (with their NUL);
 * - then, in order, the string, type, proto, field and method id tables
 *   and the class definitions, each only when the whole table lies in
 *   the file; the map list when map_off is not 0 and its items, counted
 *   against the whole file's size, fit. A table that does not fit ends
 *   the reading there: what would follow stays undefined;
 * - a string whose data does not fit is a hole in string_ids, and the
 *   names that refer to it are undefined;
 * - each class definition with class data adds a class_data_item and its
 *   fields and methods; class data that does not fit ends the reading,
 *   and number_of_fields and number_of_methods, set at the very end, stay
 *   undefined.
 * Every read goes through base/bytes.h. yara has no caps; candor has
 * (docs/compat.md, tests/modules/check_dex_caps.py): the fields and the
 * methods (DEX_MAX_MEMBERS each; a valid file defines at most one per id,
 * and ids are 16-bit), since class definitions may all share one class
 * data item, whose reading stops at a cap; the rows of each id table
 * (DEX_MAX_ROWS, past what 16-bit ids reach); the strings (2^20, the
 * most elements mod_array_set_obj gives). Strings and instructions are
 * views of the scanned data, not copies, so methods sharing one code item
 * cost no more than its size once.
 */
#include <string.h>

#include "base/bytes.h"
#include "modules/modules.h"

#define DEX_HEADER_SIZE 0x70u
#define DEX_NO_INDEX 0xffffffffu
#define DEX_MAX_MEMBERS (1u << 17) /* fields; methods */
#define DEX_MAX_ROWS (1u << 17)    /* of each id table but string_ids */

/* ---- Declaration -------------------------------------------------------- */

enum {
    H_MAGIC, H_CHECKSUM, H_SIGNATURE, H_FILE_SIZE, H_HEADER_SIZE,
    H_ENDIAN_TAG, H_LINK_SIZE, H_LINK_OFFSET, H_MAP_OFFSET,
    H_STRING_IDS_SIZE, /* then the (size, offset) pairs up to data */
};
static const struct mod_decl header_members[] = {
    DECL_STRING("magic"), DECL_INT("checksum"), DECL_STRING("signature"),
    DECL_INT("file_size"), DECL_INT("header_size"), DECL_INT("endian_tag"),
    DECL_INT("link_size"), DECL_INT("link_offset"), DECL_INT("map_offset"),
    DECL_INT("string_ids_size"), DECL_INT("string_ids_offset"),
    DECL_INT("type_ids_size"), DECL_INT("type_ids_offset"),
    DECL_INT("proto_ids_size"), DECL_INT("proto_ids_offset"),
    DECL_INT("field_ids_size"), DECL_INT("field_ids_offset"),
    DECL_INT("method_ids_size"), DECL_INT("method_ids_offset"),
    DECL_INT("class_defs_size"), DECL_INT("class_defs_offset"),
    DECL_INT("data_size"), DECL_INT("data_offset"),
};

enum { S_OFFSET, S_SIZE, S_VALUE };
static const struct mod_decl string_id_members[] = {
    DECL_INT("offset"), DECL_INT("size"), DECL_STRING("value"),
};
static const struct mod_decl type_id_members[] = {
    DECL_INT("descriptor_idx"),
};
static const struct mod_decl proto_id_members[] = {
    DECL_INT("shorty_idx"), DECL_INT("return_type_idx"),
    DECL_INT("parameters_offset"),
};
static const struct mod_decl field_id_members[] = {
    DECL_INT("class_idx"), DECL_INT("type_idx"), DECL_INT("name_idx"),
};
static const struct mod_decl method_id_members[] = {
    DECL_INT("class_idx"), DECL_INT("proto_idx"), DECL_INT("name_idx"),
};
enum { CD_CLASS_DATA_OFF = 6 };
static const struct mod_decl class_def_members[] = {
    DECL_INT("class_idx"), DECL_INT("access_flags"),
    DECL_INT("super_class_idx"), DECL_INT("interfaces_offset"),
    DECL_INT("source_file_idx"), DECL_INT("annotations_offset"),
    DECL_INT("class_data_offset"), DECL_INT("static_values_offset"),
};
static const struct mod_decl class_data_members[] = {
    DECL_INT("static_fields_size"), DECL_INT("instance_fields_size"),
    DECL_INT("direct_methods_size"), DECL_INT("virtual_methods_size"),
};
static const struct mod_decl map_item_members[] = {
    DECL_INT("type"), DECL_INT("unused"), DECL_INT("size"),
    DECL_INT("offset"),
};
enum { ML_SIZE, ML_ITEM };
static const struct mod_decl map_list_members[] = {
    DECL_INT("size"), DECL_STRUCT_ARRAY("map_item", map_item_members),
};

enum { F_CLASS_NAME, F_NAME, F_PROTO, F_IDX_DIFF, F_ACCESS_FLAGS };
static const struct mod_decl field_members[] = {
    DECL_STRING("class_name"), DECL_STRING("name"), DECL_STRING("proto"),
    DECL_INT("field_idx_diff"), DECL_INT("access_flags"),
};

/* yara declares `tries` a structure and `handlers` an array of structures,
 * both without members, and never fills them. */
enum {
    CI_REGISTERS_SIZE, CI_INS_SIZE, CI_OUTS_SIZE, CI_TRIES_SIZE,
    CI_DEBUG_INFO_OFF, CI_INSNS_SIZE, CI_INSNS,
};
static const struct mod_decl code_item_members[] = {
    DECL_INT("registers_size"), DECL_INT("ins_size"), DECL_INT("outs_size"),
    DECL_INT("tries_size"), DECL_INT("debug_info_off"),
    DECL_INT("insns_size"), DECL_STRING("insns"), DECL_INT("padding"),
    {.name = "tries", .type = MT_STRUCT},
    {.name = "handlers", .type = MT_ARRAY, .elem = MT_STRUCT},
};

enum {
    ME_CLASS_NAME, ME_NAME, ME_PROTO, ME_DIRECT, ME_VIRTUAL, ME_IDX_DIFF,
    ME_ACCESS_FLAGS, ME_CODE_OFF, ME_CODE_ITEM,
};
static const struct mod_decl method_members[] = {
    DECL_STRING("class_name"), DECL_STRING("name"), DECL_STRING("proto"),
    DECL_INT("direct"), DECL_INT("virtual"), DECL_INT("method_idx_diff"),
    DECL_INT("access_flags"), DECL_INT("code_off"),
    DECL_STRUCT("code_item", code_item_members),
};

static void has_method_name(struct mod_call *c);
static void has_method_class_name(struct mod_call *c);
static void has_method_name_re(struct mod_call *c);
static void has_method_class_name_re(struct mod_call *c);
static void has_class_name(struct mod_call *c);
static void has_class_re(struct mod_call *c);

static const struct mod_overload has_method_fns[] = {
    MOD_FN("s", 'i', has_method_name),
    MOD_FN("ss", 'i', has_method_class_name),
    MOD_FN("r", 'i', has_method_name_re),
    MOD_FN("rr", 'i', has_method_class_name_re),
};
static const struct mod_overload has_class_fns[] = {
    MOD_FN("s", 'i', has_class_name),
    MOD_FN("r", 'i', has_class_re),
};

#define N_CONSTS 47
enum {
    M_HEADER = N_CONSTS, M_STRING_IDS, M_TYPE_IDS, M_PROTO_IDS, M_FIELD_IDS,
    M_METHOD_IDS, M_CLASS_DEFS, M_CLASS_DATA_ITEM, M_MAP_LIST,
    M_NUMBER_OF_FIELDS, M_FIELD, M_NUMBER_OF_METHODS, M_METHOD,
};

static const struct mod_decl members[] = {
    DECL_CONST_STRING("DEX_FILE_MAGIC_035", "dex\n035"),
    DECL_CONST_STRING("DEX_FILE_MAGIC_036", "dex\n036"),
    DECL_CONST_STRING("DEX_FILE_MAGIC_037", "dex\n037"),
    DECL_CONST_STRING("DEX_FILE_MAGIC_038", "dex\n038"),
    DECL_CONST_STRING("DEX_FILE_MAGIC_039", "dex\n039"),
    DECL_CONST_INT("ENDIAN_CONSTANT", 0x12345678),
    DECL_CONST_INT("REVERSE_ENDIAN_CONSTANT", 0x78563412),
    DECL_CONST_INT("NO_INDEX", DEX_NO_INDEX),
    DECL_CONST_INT("ACC_PUBLIC", 0x1),
    DECL_CONST_INT("ACC_PRIVATE", 0x2),
    DECL_CONST_INT("ACC_PROTECTED", 0x4),
    DECL_CONST_INT("ACC_STATIC", 0x8),
    DECL_CONST_INT("ACC_FINAL", 0x10),
    DECL_CONST_INT("ACC_SYNCHRONIZED", 0x20),
    DECL_CONST_INT("ACC_VOLATILE", 0x40),
    DECL_CONST_INT("ACC_BRIDGE", 0x40),
    DECL_CONST_INT("ACC_TRANSIENT", 0x80),
    DECL_CONST_INT("ACC_VARARGS", 0x80),
    DECL_CONST_INT("ACC_NATIVE", 0x100),
    DECL_CONST_INT("ACC_INTERFACE", 0x200),
    DECL_CONST_INT("ACC_ABSTRACT", 0x400),
    DECL_CONST_INT("ACC_STRICT", 0x800),
    DECL_CONST_INT("ACC_SYNTHETIC", 0x1000),
    DECL_CONST_INT("ACC_ANNOTATION", 0x2000),
    DECL_CONST_INT("ACC_ENUM", 0x4000),
    DECL_CONST_INT("ACC_CONSTRUCTOR", 0x10000),
    DECL_CONST_INT("ACC_DECLARED_SYNCHRONIZED", 0x20000),
    DECL_CONST_INT("TYPE_HEADER_ITEM", 0x0000),
    DECL_CONST_INT("TYPE_STRING_ID_ITEM", 0x0001),
    DECL_CONST_INT("TYPE_TYPE_ID_ITEM", 0x0002),
    DECL_CONST_INT("TYPE_PROTO_ID_ITEM", 0x0003),
    DECL_CONST_INT("TYPE_FIELD_ID_ITEM", 0x0004),
    DECL_CONST_INT("TYPE_METHOD_ID_ITEM", 0x0005),
    DECL_CONST_INT("TYPE_CLASS_DEF_ITEM", 0x0006),
    DECL_CONST_INT("TYPE_CALL_SITE_ID_ITEM", 0x0007),
    DECL_CONST_INT("TYPE_METHOD_HANDLE_ITEM", 0x0008),
    DECL_CONST_INT("TYPE_MAP_LIST", 0x1000),
    DECL_CONST_INT("TYPE_TYPE_LIST", 0x1001),
    DECL_CONST_INT("TYPE_ANNOTATION_SET_REF_LIST", 0x1002),
    DECL_CONST_INT("TYPE_ANNOTATION_SET_ITEM", 0x1003),
    DECL_CONST_INT("TYPE_CLASS_DATA_ITEM", 0x2000),
    DECL_CONST_INT("TYPE_CODE_ITEM", 0x2001),
    DECL_CONST_INT("TYPE_STRING_DATA_ITEM", 0x2002),
    DECL_CONST_INT("TYPE_DEBUG_INFO_ITEM", 0x2003),
    DECL_CONST_INT("TYPE_ANNOTATION_ITEM", 0x2004),
    DECL_CONST_INT("TYPE_ENCODED_ARRAY_ITEM", 0x2005),
    DECL_CONST_INT("TYPE_ANNOTATIONS_DIRECTORY_ITEM", 0x2006),
    DECL_STRUCT("header", header_members),
    DECL_STRUCT_ARRAY("string_ids", string_id_members),
    DECL_STRUCT_ARRAY("type_ids", type_id_members),
    DECL_STRUCT_ARRAY("proto_ids", proto_id_members),
    DECL_STRUCT_ARRAY("field_ids", field_id_members),
    DECL_STRUCT_ARRAY("method_ids", method_id_members),
    DECL_STRUCT_ARRAY("class_defs", class_def_members),
    DECL_STRUCT_ARRAY("class_data_item", class_data_members),
    DECL_STRUCT("map_list", map_list_members),
    DECL_INT("number_of_fields"),
    DECL_STRUCT_ARRAY("field", field_members),
    DECL_INT("number_of_methods"),
    DECL_STRUCT_ARRAY("method", method_members),
    DECL_FUNC("has_method", has_method_fns),
    DECL_FUNC("has_class", has_class_fns),
};

_Static_assert(DECL_LEN(members) == M_METHOD + 3,
               "dex: N_CONSTS must be the number of constants");

/* ---- Reading ------------------------------------------------------------ */

static size_t c_len(const uint8_t *s, size_t n);

/* The header's u4 fields from file_size on, by their index here. */
enum {
    HW_FILE_SIZE, HW_HEADER_SIZE, HW_ENDIAN_TAG, HW_LINK_SIZE, HW_LINK_OFF,
    HW_MAP_OFF, HW_STRING_IDS_SIZE, HW_STRING_IDS_OFF, HW_TYPE_IDS_SIZE,
    HW_TYPE_IDS_OFF, HW_PROTO_IDS_SIZE, HW_PROTO_IDS_OFF, HW_FIELD_IDS_SIZE,
    HW_FIELD_IDS_OFF, HW_METHOD_IDS_SIZE, HW_METHOD_IDS_OFF,
    HW_CLASS_DEFS_SIZE, HW_CLASS_DEFS_OFF, HW_DATA_SIZE, HW_DATA_OFF,
    HW_COUNT
};

struct dex {
    struct mod_instance *inst;
    struct bytes b;
    uint32_t h[HW_COUNT];
    /* The tables read, for the names of fields and methods. */
    struct mod_obj *strings, *types, *protos, *field_ids, *method_ids;
    struct mod_obj *fields, *methods;
    uint32_t n_fields, n_methods;
};

/* A uleb128 of at most 5 bytes at *off, all inside the data; *off moves
 * past it. Bits past the 32nd are dropped. */
static bool uleb(const struct dex *d, uint64_t *off, uint32_t *out)
{
    uint32_t v = 0;
    uint8_t byte;

    for (unsigned i = 0; i < 5; i++) {
        if (!bytes_u8(d->b, *off + i, &byte))
            return false;
        v |= (uint32_t)(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80) || i == 4) {
            *off += i + 1;
            *out = v;
            return true;
        }
    }
    return false;
}

/* Whether the table of n entries of size bytes at off lies in the data. */
static bool table_fits(const struct dex *d, unsigned size_word,
                       uint64_t entry, uint64_t *off, uint64_t *n)
{
    *n = d->h[size_word];
    *off = d->h[size_word + 1];
    return bytes_has(d->b, *off, *n * entry);
}

/* Sets member of o to n bytes of the scanned data at off (in the data),
 * without copying them: the data lives as long as the scan's values. */
static void set_view(const struct dex *d, struct mod_obj *o, uint32_t member,
                     uint64_t off, uint64_t n)
{
    mod_set_view(o, member, d->b.p + off, (size_t)n);
}

/* Sets the n members of o from first on to the little-endian integers of
 * the widths (in bytes) at *at, which moves past them; the caller has
 * checked that they lie in the data. Returns the last integer. */
static uint64_t read_ints(const struct dex *d, struct mod_obj *o,
                          uint32_t first, uint64_t *at,
                          const unsigned *widths, unsigned n)
{
    uint64_t v = 0;

    for (unsigned k = 0; k < n; k++) {
        bytes_uint(d->b, *at, widths[k], false, &v);
        mod_set_int(o, first + k, (int64_t)v);
        *at += widths[k];
    }
    return v;
}

/* Integer member i of element index of a table read, or -1. */
static int64_t table_int(const struct mod_obj *table, uint64_t index,
                         uint32_t member)
{
    struct mod_val e = mod_index(table, (int64_t)index), v;

    if (e.type != MV_OBJ)
        return -1;
    v = mod_get(e.u.o, member);
    return v.type == MV_INT ? v.u.i : -1;
}

/* Sets member of o to string index's value, when there is one. */
static bool set_string_ref(const struct dex *d, struct mod_obj *o,
                           uint32_t member, int64_t index)
{
    struct mod_val e, v;

    if (index < 0)
        return false;
    e = mod_index(d->strings, index);
    if (e.type != MV_OBJ)
        return false;
    v = mod_get(e.u.o, S_VALUE);
    return v.type == MV_STR && mod_set_view(o, member, v.u.s, v.len);
}

/* Sets member of o to the descriptor of type index. */
static bool set_type_ref(const struct dex *d, struct mod_obj *o,
                         uint32_t member, int64_t index)
{
    if (index < 0)
        return false;
    return set_string_ref(d, o, member, table_int(d->types, (uint64_t)index, 0));
}

static void read_header(struct dex *d)
{
    struct mod_obj *h = mod_obj_child(d->inst->arena, d->inst->root, M_HEADER);
    uint64_t v = 0;

    set_view(d, h, H_MAGIC, 0, 7);
    if (bytes_uint(d->b, 8, 4, false, &v))
        mod_set_int(h, H_CHECKSUM, (int64_t)v);
    /* yara takes the signature as a C string: up to its first NUL. */
    set_view(d, h, H_SIGNATURE, 12, c_len(d->b.p + 12, 20));
    for (unsigned i = 0; i < HW_COUNT; i++) {
        bytes_uint(d->b, 32 + 4 * (uint64_t)i, 4, false, &v);
        d->h[i] = (uint32_t)v;
        mod_set_int(h, H_FILE_SIZE + i, (int64_t)v);
    }
}

static bool read_strings(struct dex *d)
{
    uint64_t off, n, at = 0, len_at;
    uint32_t len = 0;
    struct mod_obj *s;

    if (!table_fits(d, HW_STRING_IDS_SIZE, 4, &off, &n))
        return false;
    d->strings = mod_obj_child(d->inst->arena, d->inst->root, M_STRING_IDS);
    for (uint64_t i = 0; i < n; i++) {
        bytes_uint(d->b, off + 4 * i, 4, false, &at);
        /* yara wants 4 bytes at the string, and takes its characters one
         * byte after it, however long the uleb128 length. A length whose
         * fifth byte is past the end yara reads out of bounds: a hole. */
        len_at = at;
        if (!bytes_has(d->b, at, 4) || !uleb(d, &len_at, &len) ||
            !bytes_has(d->b, at + 1, len))
            continue;
        s = mod_array_set_obj(d->inst->arena, d->strings, (uint32_t)i);
        if (s == NULL)
            break;
        mod_set_int(s, S_OFFSET, (int64_t)at);
        mod_set_int(s, S_SIZE, len);
        set_view(d, s, S_VALUE, at + 1, len);
    }
    return true;
}

/* A table of n entries of fixed fields (widths in bytes) into member. */
static bool read_table(struct dex *d, unsigned size_word, uint32_t member,
                       const unsigned *widths, unsigned n_widths,
                       struct mod_obj **table)
{
    uint64_t off, n, entry = 0;
    struct mod_obj *e;

    for (unsigned k = 0; k < n_widths; k++)
        entry += widths[k];
    if (!table_fits(d, size_word, entry, &off, &n))
        return false;
    *table = mod_obj_child(d->inst->arena, d->inst->root, member);
    for (uint64_t i = 0; i < n && i < DEX_MAX_ROWS; i++) {
        uint64_t at = off + i * entry;
        if ((e = mod_array_push_obj(d->inst->arena, *table)) == NULL)
            return false;
        read_ints(d, e, 0, &at, widths, n_widths);
    }
    return true;
}

static bool read_map(struct dex *d)
{
    struct mod_obj *map, *items, *e;
    uint64_t off = d->h[HW_MAP_OFF], n;
    static const unsigned widths[] = {2, 2, 4, 4};

    if (off == 0 || !bytes_uint(d->b, off, 4, false, &n))
        return true;
    map = mod_obj_child(d->inst->arena, d->inst->root, M_MAP_LIST);
    mod_set_int(map, ML_SIZE, (int64_t)n);
    /* yara weighs the items against the whole file, not what follows
     * map_off, then stops at the first item past the end. */
    if (n * 12 > d->b.len)
        return false;
    items = mod_obj_child(d->inst->arena, map, ML_ITEM);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t at = off + 4 + 12 * i;
        if (!bytes_has(d->b, at, 12))
            return false;
        if ((e = mod_array_push_obj(d->inst->arena, items)) == NULL)
            return false;
        read_ints(d, e, 0, &at, widths, 4);
    }
    return true;
}

/* The code item of a method at off. */
static void read_code(struct dex *d, struct mod_obj *m, uint64_t off)
{
    struct mod_obj *c = mod_obj_child(d->inst->arena, m, ME_CODE_ITEM);
    static const unsigned widths[] = {2, 2, 2, 2, 4, 4};
    uint64_t at = off, insns;

    if (!bytes_has(d->b, off, 16))
        return;
    /* registers_size to insns_size: the last is the instructions' count */
    insns = read_ints(d, c, CI_REGISTERS_SIZE, &at, widths, 6);
    if (bytes_has(d->b, at, insns * 2))
        set_view(d, c, CI_INSNS, at, insns * 2);
}

/*
 * The class data's fields and methods, as yara reads them: an element
 * needs 8 bytes (a field) or 12 (a method) in the data, else it is not
 * read; its uleb128 values are then read and set (a field's
 * field_idx_diff and access_flags; a method's direct, virtual,
 * method_idx_diff, access_flags and code_off), its index moves by the
 * diff, and the names come from the tables read. An element whose index
 * is past its id table, or which does not fit, ends its list without being
 * counted (the next element takes its place in the array); the next list
 * starts where that element did. A uleb128 running past the end (yara
 * reads on, out of bounds) counts as not fitting.
 */
static bool read_field(struct dex *d, uint64_t *off, uint32_t *idx)
{
    uint32_t diff = 0, flags = 0;
    uint64_t at = *off, fi;
    struct mod_obj *f;

    if (!bytes_has(d->b, at, 8) || !uleb(d, &at, &diff) ||
        !uleb(d, &at, &flags))
        return false;
    f = mod_array_set_obj(d->inst->arena, d->fields, d->n_fields);
    if (f == NULL)
        return false;
    mod_set_int(f, F_IDX_DIFF, diff);
    mod_set_int(f, F_ACCESS_FLAGS, flags);
    *idx += diff;
    fi = *idx;
    if (table_int(d->field_ids, fi, 0) < 0)
        return false;
    set_type_ref(d, f, F_CLASS_NAME, table_int(d->field_ids, fi, 0));
    set_string_ref(d, f, F_NAME, table_int(d->field_ids, fi, 2));
    set_type_ref(d, f, F_PROTO, table_int(d->field_ids, fi, 1));
    d->n_fields++;
    *off = at;
    return true;
}

static bool read_method(struct dex *d, uint64_t *off, uint32_t *idx,
                        bool direct)
{
    uint32_t diff = 0, flags = 0, code = 0;
    uint64_t at = *off, mi;
    struct mod_obj *m;

    if (!bytes_has(d->b, at, 12) || !uleb(d, &at, &diff) ||
        !uleb(d, &at, &flags) || !uleb(d, &at, &code))
        return false;
    m = mod_array_set_obj(d->inst->arena, d->methods, d->n_methods);
    if (m == NULL)
        return false;
    mod_set_int(m, ME_DIRECT, direct);
    mod_set_int(m, ME_VIRTUAL, !direct);
    mod_set_int(m, ME_IDX_DIFF, diff);
    mod_set_int(m, ME_ACCESS_FLAGS, flags);
    mod_set_int(m, ME_CODE_OFF, code);
    *idx += diff;
    mi = *idx;
    if (table_int(d->method_ids, mi, 0) < 0)
        return false;
    set_type_ref(d, m, ME_CLASS_NAME, table_int(d->method_ids, mi, 0));
    set_string_ref(d, m, ME_NAME, table_int(d->method_ids, mi, 2));
    set_string_ref(d, m, ME_PROTO,
                   table_int(d->protos,
                             (uint64_t)table_int(d->method_ids, mi, 1), 0));
    if (code != 0)
        read_code(d, m, code);
    d->n_methods++;
    *off = at;
    return true;
}

/* The class data at off; false when yara would not read it (16 bytes
 * must lie in the data): the reading ends. An element past the cap of
 * its kind ends the item's reading: where the methods after fields past
 * the cap start is not known without reading those. */
static bool read_class_data(struct dex *d, uint64_t off)
{
    uint32_t sizes[4] = {0, 0, 0, 0}, idx;
    struct mod_obj *item;

    if (!bytes_has(d->b, off, 16))
        return false;
    for (unsigned k = 0; k < 4; k++) {
        if (!uleb(d, &off, &sizes[k]))
            return false;
    }
    item = mod_array_push_obj(d->inst->arena,
                              mod_obj_child(d->inst->arena, d->inst->root,
                                            M_CLASS_DATA_ITEM));
    for (unsigned k = 0; k < 4; k++)
        mod_set_int(item, k, sizes[k]);
    for (unsigned list = 0; list < 4; list++) {
        const uint32_t *count = list < 2 ? &d->n_fields : &d->n_methods;
        idx = 0;
        for (uint32_t j = 0; j < sizes[list]; j++) {
            if (*count >= DEX_MAX_MEMBERS)
                return true;
            if (list < 2 ? !read_field(d, &off, &idx)
                         : !read_method(d, &off, &idx, list == 2))
                break;
        }
    }
    return true;
}

static bool read_classes(struct dex *d)
{
    static const unsigned widths[] = {4, 4, 4, 4, 4, 4, 4, 4};
    uint64_t off, n, at, v;
    struct mod_obj *defs, *e;

    if (!table_fits(d, HW_CLASS_DEFS_SIZE, 32, &off, &n))
        return false;
    defs = mod_obj_child(d->inst->arena, d->inst->root, M_CLASS_DEFS);
    d->fields = mod_obj_child(d->inst->arena, d->inst->root, M_FIELD);
    d->methods = mod_obj_child(d->inst->arena, d->inst->root, M_METHOD);
    for (uint64_t i = 0; i < n; i++) {
        if ((e = mod_array_push_obj(d->inst->arena, defs)) == NULL)
            return false;
        at = off + 32 * i;
        read_ints(d, e, 0, &at, widths, 8);
        v = (uint64_t)mod_get(e, CD_CLASS_DATA_OFF).u.i;
        if (v != 0 && !read_class_data(d, v))
            return false;
    }
    return true;
}

static bool is_dex(struct bytes b)
{
    static const char versions[][4] = {"035", "036", "037", "038", "039"};

    if (b.len < DEX_HEADER_SIZE || memcmp(b.p, "dex\n", 4) != 0 ||
        b.p[7] != 0)
        return false;
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        if (memcmp(b.p + 4, versions[i], 3) == 0)
            return true;
    }
    return false;
}

static void load(struct mod_instance *inst)
{
    static const unsigned u4[] = {4}, proto[] = {4, 4, 4},
                          ref[] = {2, 2, 4};
    struct dex *d;

    if (!is_dex(bytes_make(inst->data, (size_t)inst->size)))
        return;
    if ((d = arena_alloc(inst->arena, sizeof(*d))) == NULL)
        return;
    memset(d, 0, sizeof(*d));
    d->inst = inst;
    d->b = bytes_make(inst->data, (size_t)inst->size);
    read_header(d);
    if (!read_strings(d) ||
        !read_table(d, HW_TYPE_IDS_SIZE, M_TYPE_IDS, u4, 1, &d->types) ||
        !read_table(d, HW_PROTO_IDS_SIZE, M_PROTO_IDS, proto, 3,
                    &d->protos) ||
        !read_table(d, HW_FIELD_IDS_SIZE, M_FIELD_IDS, ref, 3,
                    &d->field_ids) ||
        !read_table(d, HW_METHOD_IDS_SIZE, M_METHOD_IDS, ref, 3,
                    &d->method_ids) ||
        !read_map(d) || !read_classes(d))
        return;
    mod_set_int(inst->root, M_NUMBER_OF_FIELDS, d->n_fields);
    mod_set_int(inst->root, M_NUMBER_OF_METHODS, d->n_methods);
}

/* ---- Functions ---------------------------------------------------------- */

/* The length of s up to its first NUL: yara compares the names as C
 * strings, so "La/B;\0..." is "La/B;" to has_method() and has_class(). */
static size_t c_len(const uint8_t *s, size_t n)
{
    size_t len;

    bytes_cstr(bytes_make(s, n), 0, n, &len);
    return len;
}

/* What has_method() and has_class() look for: arguments of c, regexes or
 * strings (of len bytes, up to their NUL). */
struct query {
    const struct mod_call *c;
    bool regex;
    size_t len[2];
};

/* Whether a name matches argument k of the query. */
static bool arg_matches(const struct query *q, unsigned k, struct mod_val v)
{
    size_t n = c_len(v.u.s, v.len);

    if (q->regex)
        return q->c->regex(q->c->regex_ctx, q->c->args[k].u.i, v.u.s, n);
    return q->len[k] == n && memcmp(q->c->args[k].u.s, v.u.s, n) == 0;
}

enum { ASK_NAME = 1, ASK_CLASS = 2 };

/* Whether a method has the name and/or class asked (args: the class, then
 * the name, those asked). Undefined when no methods were counted. As in
 * yara 4.2.3, a method without a name never matches a name; one without
 * a class name matches any class asked with a name (has_method), none
 * asked alone (has_class). */
static void find_method(struct mod_call *c, unsigned ask, bool regex)
{
    struct mod_val count = mod_get(c->inst->root, M_NUMBER_OF_METHODS);
    const struct mod_obj *methods = mod_get(c->inst->root, M_METHOD).u.o;
    unsigned name_arg = ask & ASK_CLASS ? 1 : 0;
    struct query q = {.c = c, .regex = regex};
    bool found = false;

    if (count.type != MV_INT)
        return;
    for (unsigned k = 0; !regex && k <= name_arg; k++)
        q.len[k] = c_len(c->args[k].u.s, c->args[k].len);
    for (int64_t i = 0; i < count.u.i && !found; i++) {
        struct mod_val m = mod_index(methods, i), name, cls;
        if (m.type != MV_OBJ)
            continue;
        name = mod_get(m.u.o, ME_NAME);
        cls = mod_get(m.u.o, ME_CLASS_NAME);
        if (ask & ASK_NAME)
            found = name.type == MV_STR && arg_matches(&q, name_arg, name) &&
                    (!(ask & ASK_CLASS) || cls.type != MV_STR ||
                     arg_matches(&q, 0, cls));
        else
            found = cls.type == MV_STR && arg_matches(&q, 0, cls);
    }
    mod_ret_int(c, found);
}

static void has_method_name(struct mod_call *c) { find_method(c, ASK_NAME, false); }
static void has_method_class_name(struct mod_call *c) { find_method(c, ASK_NAME | ASK_CLASS, false); }
static void has_method_name_re(struct mod_call *c) { find_method(c, ASK_NAME, true); }
static void has_method_class_name_re(struct mod_call *c) { find_method(c, ASK_NAME | ASK_CLASS, true); }
static void has_class_name(struct mod_call *c) { find_method(c, ASK_CLASS, false); }
static void has_class_re(struct mod_call *c) { find_method(c, ASK_CLASS, true); }

const struct module module_dex = {
    .name = "dex",
    .root = DECL_STRUCT("dex", members),
    .load = load,
};
