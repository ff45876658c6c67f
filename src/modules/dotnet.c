/*
 * dotnet.c - YARA's dotnet module: the CLI metadata of a .NET PE file
 * (ECMA-335 partition II, sections 22 to 24), with the fields of yara
 * 4.2.3 as observed with `yara -D` and conditions on real and crafted
 * files (tests/modules/dump_diff.sh dotnet, tests/cases/dotnet.case).
 *
 * Layout: data directory 14 of the PE holds the RVA of the 72-byte CLI
 * header, whose MetaData entry (offset 8) points at the metadata root:
 * "BSJB", versions, the length-prefixed version string, flags, the number
 * of streams and their headers (offset from the root, size, a NUL-ended
 * name padded to 4 bytes). The #~ stream holds the tables: a header with
 * the heap index sizes, a 64-bit mask of the tables present and one row
 * count for each, then the rows of every present table in table order.
 * Row sizes follow from the heap sizes and the row counts (indices into a
 * table, and coded indices into several, take 4 bytes once the rows they
 * can address no longer fit in 2).
 *
 * Everything read from the file is hostile: every read goes through
 * base/bytes.h, a row loop stops at the first row past the data, strings
 * are read only up to a bounded length, and no value leads back to an
 * earlier one, so the work is linear in the data.
 */
#include "modules/dotnet.h"

#include <stdio.h>
#include <string.h>

#include "modules/pe.h"

/* yara 4.2.3 reads no table with more rows than this, nor any table after
 * it (in table order). */
#define DN_MAX_ROWS 10000

/* The longest #Strings entry read; a longer one (or one whose NUL lies
 * past the data) is no string. */
#define DN_MAX_STRING 1024

/* Tables (ECMA-335 II.22) by their number. */
enum {
    T_MODULE = 0x00,
    T_TYPEREF = 0x01,
    T_TYPEDEF = 0x02,
    T_FIELD = 0x04,
    T_METHODDEF = 0x06,
    T_PARAM = 0x08,
    T_INTERFACEIMPL = 0x09,
    T_MEMBERREF = 0x0a,
    T_CONSTANT = 0x0b,
    T_CUSTOMATTRIBUTE = 0x0c,
    T_DECLSECURITY = 0x0e,
    T_STANDALONESIG = 0x11,
    T_EVENT = 0x14,
    T_PROPERTY = 0x17,
    T_MODULEREF = 0x1a,
    T_TYPESPEC = 0x1b,
    T_FIELDRVA = 0x1d,
    T_ASSEMBLY = 0x20,
    T_ASSEMBLYREF = 0x23,
    T_FILE = 0x26,
    T_EXPORTEDTYPE = 0x27,
    T_MANIFESTRESOURCE = 0x28,
    T_GENERICPARAM = 0x2a,
    T_METHODSPEC = 0x2b,
    T_GENERICPARAMCONSTRAINT = 0x2c,
    T_KNOWN = 0x2d, /* tables past this have no known layout */
};

/* Column kinds: below 0x40 an index into that table; 0x40 + k the coded
 * index k; then the fixed ones. */
enum {
    C_CODED = 0x40,
    C_U8 = 0x80,
    C_U16,
    C_U32,
    C_STR,
    C_GUID,
    C_BLOB,
    C_END = 0xff,
};

/* Coded indices (II.24.2.6): the tag bits and the tables tags select
 * (0xff: a tag that names no table). */
enum {
    CI_TYPEDEFORREF,
    CI_HASCONSTANT,
    CI_HASCUSTOMATTRIBUTE,
    CI_HASFIELDMARSHAL,
    CI_HASDECLSECURITY,
    CI_MEMBERREFPARENT,
    CI_HASSEMANTICS,
    CI_METHODDEFORREF,
    CI_MEMBERFORWARDED,
    CI_IMPLEMENTATION,
    CI_CUSTOMATTRIBUTETYPE,
    CI_RESOLUTIONSCOPE,
    CI_TYPEORMETHODDEF,
    CI_COUNT,
};

struct coded {
    uint8_t bits;
    uint8_t n;
    uint8_t tables[22];
};

static const struct coded coded_indices[CI_COUNT] = {
    [CI_TYPEDEFORREF] = {2, 3, {T_TYPEDEF, T_TYPEREF, T_TYPESPEC}},
    [CI_HASCONSTANT] = {2, 3, {T_FIELD, T_PARAM, T_PROPERTY}},
    [CI_HASCUSTOMATTRIBUTE] = {5, 22, {T_METHODDEF, T_FIELD, T_TYPEREF,
                                       T_TYPEDEF, T_PARAM, T_INTERFACEIMPL,
                                       T_MEMBERREF, T_MODULE, T_DECLSECURITY,
                                       T_PROPERTY, T_EVENT, T_STANDALONESIG,
                                       T_MODULEREF, T_TYPESPEC, T_ASSEMBLY,
                                       T_ASSEMBLYREF, T_FILE, T_EXPORTEDTYPE,
                                       T_MANIFESTRESOURCE, T_GENERICPARAM,
                                       T_GENERICPARAMCONSTRAINT,
                                       T_METHODSPEC}},
    [CI_HASFIELDMARSHAL] = {1, 2, {T_FIELD, T_PARAM}},
    [CI_HASDECLSECURITY] = {2, 3, {T_TYPEDEF, T_METHODDEF, T_ASSEMBLY}},
    [CI_MEMBERREFPARENT] = {3, 5, {T_TYPEDEF, T_TYPEREF, T_MODULEREF,
                                   T_METHODDEF, T_TYPESPEC}},
    [CI_HASSEMANTICS] = {1, 2, {T_EVENT, T_PROPERTY}},
    [CI_METHODDEFORREF] = {1, 2, {T_METHODDEF, T_MEMBERREF}},
    [CI_MEMBERFORWARDED] = {1, 2, {T_FIELD, T_METHODDEF}},
    [CI_IMPLEMENTATION] = {2, 3, {T_FILE, T_ASSEMBLYREF, T_EXPORTEDTYPE}},
    [CI_CUSTOMATTRIBUTETYPE] = {3, 5, {0xff, 0xff, T_METHODDEF, T_MEMBERREF,
                                       0xff}},
    [CI_RESOLUTIONSCOPE] = {2, 4, {T_MODULE, T_MODULEREF, T_ASSEMBLYREF,
                                   T_TYPEREF}},
    [CI_TYPEORMETHODDEF] = {1, 2, {T_TYPEDEF, T_METHODDEF}},
};

#define CI(k) (C_CODED + (k))

/* The columns of every table (II.22.2 to II.22.39), in order. */
static const uint8_t table_columns[T_KNOWN][10] = {
    [0x00] = {C_U16, C_STR, C_GUID, C_GUID, C_GUID, C_END},
    [0x01] = {CI(CI_RESOLUTIONSCOPE), C_STR, C_STR, C_END},
    [0x02] = {C_U32, C_STR, C_STR, CI(CI_TYPEDEFORREF), T_FIELD, T_METHODDEF,
              C_END},
    [0x03] = {T_FIELD, C_END},
    [0x04] = {C_U16, C_STR, C_BLOB, C_END},
    [0x05] = {T_METHODDEF, C_END},
    [0x06] = {C_U32, C_U16, C_U16, C_STR, C_BLOB, T_PARAM, C_END},
    [0x07] = {T_PARAM, C_END},
    [0x08] = {C_U16, C_U16, C_STR, C_END},
    [0x09] = {T_TYPEDEF, CI(CI_TYPEDEFORREF), C_END},
    [0x0a] = {CI(CI_MEMBERREFPARENT), C_STR, C_BLOB, C_END},
    [0x0b] = {C_U8, C_U8, CI(CI_HASCONSTANT), C_BLOB, C_END},
    [0x0c] = {CI(CI_HASCUSTOMATTRIBUTE), CI(CI_CUSTOMATTRIBUTETYPE), C_BLOB,
              C_END},
    [0x0d] = {CI(CI_HASFIELDMARSHAL), C_BLOB, C_END},
    [0x0e] = {C_U16, CI(CI_HASDECLSECURITY), C_BLOB, C_END},
    [0x0f] = {C_U16, C_U32, T_TYPEDEF, C_END},
    [0x10] = {C_U32, T_FIELD, C_END},
    [0x11] = {C_BLOB, C_END},
    [0x12] = {T_TYPEDEF, T_EVENT, C_END},
    [0x13] = {T_EVENT, C_END},
    [0x14] = {C_U16, C_STR, CI(CI_TYPEDEFORREF), C_END},
    [0x15] = {T_TYPEDEF, T_PROPERTY, C_END},
    [0x16] = {T_PROPERTY, C_END},
    [0x17] = {C_U16, C_STR, C_BLOB, C_END},
    [0x18] = {C_U16, T_METHODDEF, CI(CI_HASSEMANTICS), C_END},
    [0x19] = {T_TYPEDEF, CI(CI_METHODDEFORREF), CI(CI_METHODDEFORREF), C_END},
    [0x1a] = {C_STR, C_END},
    [0x1b] = {C_BLOB, C_END},
    [0x1c] = {C_U16, CI(CI_MEMBERFORWARDED), C_STR, T_MODULEREF, C_END},
    [0x1d] = {C_U32, T_FIELD, C_END},
    [0x1e] = {C_U32, C_U32, C_END},
    [0x1f] = {C_U32, C_END},
    [0x20] = {C_U32, C_U16, C_U16, C_U16, C_U16, C_U32, C_BLOB, C_STR, C_STR,
              C_END},
    [0x21] = {C_U32, C_END},
    [0x22] = {C_U32, C_U32, C_U32, C_END},
    [0x23] = {C_U16, C_U16, C_U16, C_U16, C_U32, C_BLOB, C_STR, C_STR, C_BLOB,
              C_END},
    [0x24] = {C_U32, T_ASSEMBLYREF, C_END},
    [0x25] = {C_U32, C_U32, C_U32, T_ASSEMBLYREF, C_END},
    [0x26] = {C_U32, C_STR, C_BLOB, C_END},
    [0x27] = {C_U32, C_U32, C_STR, C_STR, CI(CI_IMPLEMENTATION), C_END},
    [0x28] = {C_U32, C_U32, C_STR, CI(CI_IMPLEMENTATION), C_END},
    [0x29] = {T_TYPEDEF, T_TYPEDEF, C_END},
    [0x2a] = {C_U16, C_U16, CI(CI_TYPEORMETHODDEF), C_STR, C_END},
    [0x2b] = {CI(CI_METHODDEFORREF), C_BLOB, C_END},
    [0x2c] = {T_GENERICPARAM, CI(CI_TYPEDEFORREF), C_END},
};

struct stream {
    bool found;
    uint64_t off; /* in the file */
    uint32_t size;
};

struct dn {
    struct pe pe;
    struct bytes b;
    struct arena *arena;
    struct mod_obj *root;
    uint64_t md; /* the metadata root */
    struct stream tilde, strings, us, guid, blob;
    uint8_t heap_sizes;
    uint32_t rows[64];
    uint64_t table[T_KNOWN]; /* file offset of each known table */
    uint8_t row_size[T_KNOWN];
    uint8_t row_need[T_KNOWN]; /* bytes a row must have in the data */
    uint8_t col_off[T_KNOWN][10]; /* each column's offset in a row */
    uint8_t col_size[T_KNOWN][10];
};

/* ---- Reading ------------------------------------------------------------ */

static unsigned column_size(const struct dn *dn, uint8_t col)
{
    switch (col) {
    case C_U8: return 1;
    case C_U16: return 2;
    case C_U32: return 4;
    case C_STR: return dn->heap_sizes & 0x01 ? 4 : 2;
    case C_GUID: return dn->heap_sizes & 0x02 ? 4 : 2;
    case C_BLOB: return dn->heap_sizes & 0x04 ? 4 : 2;
    default: break;
    }
    if (col < C_CODED)
        return dn->rows[col] > 0xffff ? 4 : 2;
    {
        const struct coded *ci = &coded_indices[col - C_CODED];
        uint32_t max = 0;
        for (unsigned i = 0; i < ci->n; i++)
            if (ci->tables[i] != 0xff && dn->rows[ci->tables[i]] > max)
                max = dn->rows[ci->tables[i]];
        return max >= (1u << (16 - ci->bits)) ? 4 : 2;
    }
}

/*
 * The layout of a row of table t, once the row counts are known: each
 * column's offset and size, the row's size, and the bytes yara 4.2.3 needs
 * in the data to read a row: a Module, ModuleRef or FieldRVA row only when
 * it would fit with every index 4 bytes wide (seen with these tables at
 * the end of crafted files, tests/modules/gen_dotnet.py tail_*), any other
 * row when it fits.
 */
static void layout_columns(struct dn *dn, unsigned t)
{
    bool wide = t == T_MODULE || t == T_MODULEREF || t == T_FIELDRVA;
    unsigned off = 0, need = 0;

    for (unsigned i = 0; table_columns[t][i] != C_END; i++) {
        uint8_t col = table_columns[t][i];
        unsigned size = column_size(dn, col);
        dn->col_off[t][i] = (uint8_t)off;
        dn->col_size[t][i] = (uint8_t)size;
        off += size;
        need += wide && col != C_U8 && col != C_U16 && col != C_U32 ? 4
                                                                    : size;
    }
    dn->row_size[t] = (uint8_t)off;
    dn->row_need[t] = (uint8_t)need;
}

/* Column col of row i (0-based) of table t; false when the row is not in
 * the data. */
static bool cell(const struct dn *dn, unsigned t, uint32_t i, unsigned col,
                 uint32_t *out)
{
    uint64_t row = dn->table[t] + (uint64_t)i * dn->row_size[t], v = 0;

    if (dn->table[t] == 0 || i >= dn->rows[t] ||
        !bytes_has(dn->b, row, dn->row_need[t]))
        return false;
    bytes_uint(dn->b, row + dn->col_off[t][col], dn->col_size[t][col], false,
               &v);
    *out = (uint32_t)v;
    return true;
}

/* The #Strings entry at index: NUL-ended inside the data and at most
 * DN_MAX_STRING bytes. */
static bool heap_string(const struct dn *dn, uint32_t index,
                        const uint8_t **s, size_t *len)
{
    uint64_t off = dn->strings.off + index;

    if (!bytes_cstr(dn->b, off, DN_MAX_STRING + 1, len))
        return false;
    *s = dn->b.p + off;
    return true;
}

static void set_heap_string(struct dn *dn, struct mod_obj *o, uint32_t member,
                            uint32_t index)
{
    const uint8_t *s;
    size_t len;

    if (heap_string(dn, index, &s, &len))
        mod_set_str(dn->arena, o, member, s, len);
}

/* A blob's compressed length (II.23.2) at off: the length and the bytes
 * it takes; false when the first byte is no length or it is cut off. */
static bool blob_length(const struct dn *dn, uint64_t off, uint32_t *len,
                        unsigned *size)
{
    uint8_t b0;

    if (!bytes_u8(dn->b, off, &b0))
        return false;
    if ((b0 & 0x80) == 0) {
        *len = b0;
        *size = 1;
    } else if ((b0 & 0xc0) == 0x80) {
        if (!bytes_has(dn->b, off, 2))
            return false;
        *len = ((uint32_t)(b0 & 0x3f) << 8) | dn->b.p[off + 1];
        *size = 2;
    } else if ((b0 & 0xe0) == 0xc0) {
        if (!bytes_has(dn->b, off, 4))
            return false;
        *len = ((uint32_t)(b0 & 0x1f) << 24) |
               ((uint32_t)dn->b.p[off + 1] << 16) |
               ((uint32_t)dn->b.p[off + 2] << 8) | dn->b.p[off + 3];
        *size = 4;
    } else {
        return false;
    }
    return true;
}

/* The #Blob entry at index: its bytes, inside the data. */
static bool heap_blob(const struct dn *dn, uint32_t index, const uint8_t **p,
                      uint32_t *len)
{
    uint64_t off = dn->blob.off + index;
    unsigned size;

    if (!blob_length(dn, off, len, &size) ||
        !bytes_has(dn->b, off + size, *len))
        return false;
    *p = dn->b.p + off + size;
    return true;
}

/* ---- Streams ------------------------------------------------------------ */

static void note_stream(struct dn *dn, const uint8_t *name, size_t len,
                        uint64_t off, uint32_t size)
{
    static const struct {
        const char *name;
        size_t offset;
    } known[] = {
        {"#~", offsetof(struct dn, tilde)},
        {"#Strings", offsetof(struct dn, strings)},
        {"#US", offsetof(struct dn, us)},
        {"#GUID", offsetof(struct dn, guid)},
        {"#Blob", offsetof(struct dn, blob)},
    };

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        struct stream *s = (struct stream *)((char *)dn + known[i].offset);
        if (strlen(known[i].name) == len &&
            memcmp(known[i].name, name, len) == 0 && !s->found) {
            s->found = true;
            s->off = off;
            s->size = size;
        }
    }
}

/* The stream headers from off: offset and size, then the name, NUL-ended
 * and padded to a multiple of 4. yara 4.2.3 reads no header whose 8 bytes
 * and a 32-byte name would pass the end of the data, and stops at a name
 * with no NUL in its first 32 bytes. */
static void parse_streams(struct dn *dn, uint64_t off, unsigned n)
{
    struct mod_obj *arr = mod_obj_child(dn->arena, dn->root, DN_STREAMS);
    unsigned i;

    for (i = 0; i < n && arr != NULL; i++) {
        const uint8_t *name;
        size_t len;
        uint32_t s_off, s_size;
        struct mod_obj *s;
        if (!bytes_has(dn->b, off, 8 + 32))
            break;
        s_off = pe_u32(&dn->pe, off);
        s_size = pe_u32(&dn->pe, off + 4);
        name = dn->b.p + off + 8;
        if (!bytes_cstr(dn->b, off + 8, 32, &len))
            break;
        s = mod_array_push_obj(dn->arena, arr);
        if (s == NULL)
            return;
        mod_set_str(dn->arena, s, DN_STREAM_NAME, name, len);
        mod_set_int(s, DN_STREAM_OFFSET, (int64_t)(dn->md + s_off));
        mod_set_int(s, DN_STREAM_SIZE, s_size);
        note_stream(dn, name, len, dn->md + s_off, s_size);
        off += 8 + ((len + 4) & ~(size_t)3);
    }
    mod_set_int(dn->root, DN_NUMBER_OF_STREAMS, i);
}

/* #GUID: 16-byte GUIDs, printed as text (36 characters) into the arena. */
static void parse_guids(struct dn *dn)
{
    struct mod_obj *arr = mod_obj_child(dn->arena, dn->root, DN_GUIDS);
    uint32_t n = dn->guid.size / 16, i;

    for (i = 0; i < n && arr != NULL; i++) {
        uint64_t off = dn->guid.off + 16 * (uint64_t)i;
        const uint8_t *g;
        uint16_t w1, w2;
        char *text;
        struct mod_val v = {.type = MV_STR, .len = 36};
        if (!bytes_has(dn->b, off, 16) || !bytes_u16le(dn->b, off + 4, &w1) ||
            !bytes_u16le(dn->b, off + 6, &w2))
            break;
        g = dn->b.p + off;
        text = arena_alloc(dn->arena, 37);
        if (text == NULL)
            return;
        snprintf(text, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 pe_u32(&dn->pe, off), w1, w2, g[8], g[9], g[10], g[11],
                 g[12], g[13], g[14], g[15]);
        v.u.s = (const uint8_t *)text;
        mod_array_push(dn->arena, arr, v);
    }
    mod_set_int(dn->root, DN_NUMBER_OF_GUIDS, i);
}

/* #US: after the empty first entry, blobs of UTF-16 text each followed by
 * one flag byte, which the value leaves out; empty ones are left out too.
 * yara 4.2.3 reads none unless the whole stream lies in the data. */
static void parse_user_strings(struct dn *dn)
{
    struct mod_obj *arr = mod_obj_child(dn->arena, dn->root, DN_USER_STRINGS);
    uint64_t off = dn->us.off + 1, end = dn->us.off + dn->us.size;
    uint32_t count = 0, len;
    unsigned size;

    if (!bytes_has(dn->b, dn->us.off, dn->us.size))
        return;
    while (arr != NULL && off < end && blob_length(dn, off, &len, &size)) {
        off += size;
        if (len > 1) {
            struct mod_val v;
            if (!bytes_has(dn->b, off, len))
                break;
            v.type = MV_STR;
            v.len = len - 1;
            v.u.s = dn->b.p + off;
            mod_array_push(dn->arena, arr, v);
            count++;
        }
        off += len;
    }
    mod_set_int(dn->root, DN_NUMBER_OF_USER_STRINGS, count);
}

/* ---- Tables ------------------------------------------------------------- */

/* The #~ header: heap sizes, the mask of tables present and their row
 * counts; then where each known table starts, up to the first one with
 * more than DN_MAX_ROWS rows. False when the header does not fit. */
static bool layout_tables(struct dn *dn)
{
    uint64_t t = dn->tilde.off, valid = 0, off;

    if (!bytes_has(dn->b, t, 24))
        return false;
    dn->heap_sizes = dn->b.p[t + 6];
    bytes_u64le(dn->b, t + 8, &valid);
    off = t + 24;
    for (unsigned i = 0; i < 64; i++) {
        if ((valid >> i & 1) == 0)
            continue;
        if (!bytes_has(dn->b, off, 4))
            return false;
        dn->rows[i] = pe_u32(&dn->pe, off);
        off += 4;
    }
    for (unsigned i = 0; i < T_KNOWN; i++) {
        if ((valid >> i & 1) == 0)
            continue;
        if (dn->rows[i] > DN_MAX_ROWS)
            break;
        layout_columns(dn, i);
        dn->table[i] = off;
        off += (uint64_t)dn->rows[i] * dn->row_size[i];
    }
    return true;
}

static void set_version(struct mod_obj *o, const uint32_t v[4])
{
    for (unsigned i = 0; i < 4; i++)
        mod_set_int(o, DN_VER_MAJOR + i, v[i]);
}

static void parse_module(struct dn *dn)
{
    uint32_t name;

    if (cell(dn, T_MODULE, 0, 1, &name))
        set_heap_string(dn, dn->root, DN_MODULE_NAME, name);
}

static void parse_assembly(struct dn *dn)
{
    struct mod_obj *a = mod_obj_child(dn->arena, dn->root, DN_ASSEMBLY);
    uint32_t v[4], name, culture;
    const uint8_t *s;
    size_t len;

    if (a == NULL || !cell(dn, T_ASSEMBLY, 0, 7, &name))
        return;
    for (unsigned i = 0; i < 4; i++)
        cell(dn, T_ASSEMBLY, 0, 1 + i, &v[i]);
    set_version(mod_obj_child(dn->arena, a, DN_ASM_VERSION), v);
    set_heap_string(dn, a, DN_ASM_NAME, name);
    cell(dn, T_ASSEMBLY, 0, 8, &culture);
    if (heap_string(dn, culture, &s, &len) && len > 0)
        mod_set_str(dn->arena, a, DN_ASM_CULTURE, s, len);
}

static void parse_assembly_refs(struct dn *dn)
{
    struct mod_obj *arr = mod_obj_child(dn->arena, dn->root,
                                        DN_ASSEMBLY_REFS);
    uint32_t i;

    if (dn->table[T_ASSEMBLYREF] == 0)
        return;
    for (i = 0; arr != NULL && i < dn->rows[T_ASSEMBLYREF]; i++) {
        uint32_t v[4], key, name;
        const uint8_t *p;
        uint32_t len;
        struct mod_obj *r;
        if (!cell(dn, T_ASSEMBLYREF, i, 6, &name))
            break;
        r = mod_array_push_obj(dn->arena, arr);
        if (r == NULL)
            return;
        for (unsigned k = 0; k < 4; k++)
            cell(dn, T_ASSEMBLYREF, i, k, &v[k]);
        set_version(mod_obj_child(dn->arena, r, DN_REF_VERSION), v);
        /* yara 4.2.3 drops the last byte of every blob, and reads no
         * name after a key blob out of the data. */
        cell(dn, T_ASSEMBLYREF, i, 5, &key);
        if (!heap_blob(dn, key, &p, &len))
            continue;
        if (len > 1)
            mod_set_str(dn->arena, r, DN_REF_PUBLIC_KEY_OR_TOKEN, p, len - 1);
        set_heap_string(dn, r, DN_REF_NAME, name);
    }
    mod_set_int(dn->root, DN_NUMBER_OF_ASSEMBLY_REFS, i);
}

static void parse_modulerefs(struct dn *dn)
{
    struct mod_obj *arr = mod_obj_child(dn->arena, dn->root, DN_MODULEREFS);
    uint32_t i, name, count = 0;

    if (dn->table[T_MODULEREF] == 0)
        return;
    for (i = 0; arr != NULL && cell(dn, T_MODULEREF, i, 0, &name); i++) {
        const uint8_t *s;
        size_t len;
        struct mod_val v = {.type = MV_STR};
        if (!heap_string(dn, name, &s, &len))
            continue;
        v.len = (uint32_t)len;
        v.u.s = s;
        mod_array_push(dn->arena, arr, v);
        count++;
    }
    mod_set_int(dn->root, DN_NUMBER_OF_MODULEREFS, count);
}

/* Constant rows of type string (ELEMENT_TYPE_STRING, 0x0e): the blob. */
static void parse_constants(struct dn *dn)
{
    struct mod_obj *arr = mod_obj_child(dn->arena, dn->root, DN_CONSTANTS);
    uint32_t count = 0, type, value;

    if (dn->table[T_CONSTANT] == 0)
        return;
    for (uint32_t i = 0; arr != NULL && cell(dn, T_CONSTANT, i, 0, &type);
         i++) {
        const uint8_t *p;
        uint32_t len;
        struct mod_val v = {.type = MV_STR};
        if (type != 0x0e)
            continue;
        cell(dn, T_CONSTANT, i, 3, &value);
        if (!heap_blob(dn, value, &p, &len))
            continue;
        v.len = len > 0 ? len - 1 : 0;
        v.u.s = p;
        mod_array_push(dn->arena, arr, v);
        count++;
    }
    mod_set_int(dn->root, DN_NUMBER_OF_CONSTANTS, count);
}

/* FieldRVA rows: the file offset of each field's initial data; RVAs that
 * map to no offset are left out. */
static void parse_field_offsets(struct dn *dn)
{
    struct mod_obj *arr = mod_obj_child(dn->arena, dn->root,
                                        DN_FIELD_OFFSETS);
    uint32_t i, rva, count = 0;

    if (dn->table[T_FIELDRVA] == 0)
        return;
    for (i = 0; arr != NULL && cell(dn, T_FIELDRVA, i, 0, &rva); i++) {
        struct mod_val v = {.type = MV_INT};
        v.u.i = pe_rva_to_offset(&dn->pe, rva);
        if (v.u.i < 0)
            continue;
        mod_array_push(dn->arena, arr, v);
        count++;
    }
    mod_set_int(dn->root, DN_NUMBER_OF_FIELD_OFFSETS, count);
}

/* ManifestResource rows of this file: the CLI header's Resources data
 * holds each one as a 4-byte length and the bytes, at the row's offset.
 * yara 4.2.3 drops a resource whose length, counted from the length field
 * itself, passes the end of the data (so the bytes may still overrun it
 * by up to 4). */
static void parse_resources(struct dn *dn, uint64_t cli)
{
    struct mod_obj *arr = mod_obj_child(dn->arena, dn->root, DN_RESOURCES);
    int64_t base = pe_rva_to_offset(&dn->pe, pe_u32(&dn->pe, cli + 24));
    uint32_t i, count = 0, off;

    if (dn->table[T_MANIFESTRESOURCE] == 0 || base < 0)
        return;
    for (i = 0; arr != NULL && cell(dn, T_MANIFESTRESOURCE, i, 0, &off); i++) {
        uint32_t impl, name, len;
        uint64_t at = (uint64_t)base + off;
        struct mod_obj *r;
        cell(dn, T_MANIFESTRESOURCE, i, 3, &impl);
        if (impl != 0 || !bytes_u32le(dn->b, at, &len) ||
            !bytes_has(dn->b, at, len))
            continue;
        r = mod_array_push_obj(dn->arena, arr);
        if (r == NULL)
            return;
        mod_set_int(r, DN_RES_OFFSET, (int64_t)(at + 4));
        mod_set_int(r, DN_RES_LENGTH, len);
        cell(dn, T_MANIFESTRESOURCE, i, 2, &name);
        set_heap_string(dn, r, DN_RES_NAME, name);
        count++;
    }
    mod_set_int(dn->root, DN_NUMBER_OF_RESOURCES, count);
}

/* Row index of a coded index's row number; yara 4.2.3 reads row 0 for
 * the null index 0 as for 1. */
static uint32_t coded_row(uint32_t coded, unsigned bits)
{
    uint32_t row = coded >> bits;

    return row > 0 ? row - 1 : 0;
}

/* Whether the constructor a CustomAttribute's Type column names is one of
 * a type yara 4.2.3 takes for GuidAttribute: a MemberRef whose class is a
 * TypeRef (not a TypeDef) whose name starts with the 13 bytes
 * "GuidAttribute", or whose name cannot be read at all. */
static bool is_guid_attribute(const struct dn *dn, uint32_t type)
{
    unsigned tbits = coded_indices[CI_CUSTOMATTRIBUTETYPE].bits;
    uint32_t cls, name;
    const uint8_t *s;
    size_t len;

    if ((type & ((1u << tbits) - 1)) != 3 || /* MemberRef */
        !cell(dn, T_MEMBERREF, coded_row(type, tbits), 0, &cls) ||
        (cls & 7) != 1 || /* MemberRefParent: TypeRef */
        !cell(dn, T_TYPEREF, coded_row(cls, 3), 1, &name))
        return false;
    return !heap_string(dn, name, &s, &len) ||
           (len >= 13 && memcmp(s, "GuidAttribute", 13) == 0);
}

/*
 * typelib: the GuidAttribute on the assembly, as yara 4.2.3 takes it
 * (checked on crafted files, tests/modules/gen_dotnet.py tl_*): the last
 * CustomAttribute row whose parent is the Assembly, whose constructor
 * passes is_guid_attribute and whose value blob is at least 4 bytes: the
 * prolog 01 00, a one-byte length and the text. The text's bytes need to
 * lie in the data, not in the blob; the value ends at the first NUL, and
 * is empty when the text starts with FF.
 */
static void parse_typelib(struct dn *dn)
{
    unsigned pbits = coded_indices[CI_HASCUSTOMATTRIBUTE].bits;
    uint32_t parent, type, value, blen;
    const uint8_t *p, *text = NULL;
    size_t len = 0;

    for (uint32_t i = 0; cell(dn, T_CUSTOMATTRIBUTE, i, 0, &parent); i++) {
        if ((parent & ((1u << pbits) - 1)) != 14) /* Assembly */
            continue;
        cell(dn, T_CUSTOMATTRIBUTE, i, 1, &type);
        cell(dn, T_CUSTOMATTRIBUTE, i, 2, &value);
        if (!is_guid_attribute(dn, type) ||
            !heap_blob(dn, value, &p, &blen) || blen < 4 || p[0] != 1 ||
            p[1] != 0 || !bytes_has(dn->b, (uint64_t)(p + 3 - dn->b.p), p[2]))
            continue;
        text = p + 3;
        bytes_cstr(dn->b, (uint64_t)(text - dn->b.p), p[2], &len);
        if (text[0] == 0xff)
            len = 0;
    }
    if (text != NULL)
        mod_set_str(dn->arena, dn->root, DN_TYPELIB, text, len);
}

static void parse_tables(struct dn *dn, uint64_t cli)
{
    if (!layout_tables(dn))
        return;
    parse_module(dn);
    parse_typelib(dn);
    parse_constants(dn);
    parse_field_offsets(dn);
    parse_modulerefs(dn);
    parse_assembly(dn);
    parse_assembly_refs(dn);
    parse_resources(dn, cli);
}

/* ---- Load --------------------------------------------------------------- */

/* Whether the PE passes yara 4.2.3's test for a .NET file at the CLI
 * header cli, seen with crafted files: the header's Size is 72; a PE32+
 * has at least 14 data directories (NumberOfRvaAndSizes); a PE32 that is
 * no DLL has its entry point mapped to the bytes FF 25 (jmp [mscoree's
 * _CorExeMain]). */
static bool cli_accepted(const struct dn *dn, uint64_t cli)
{
    const struct pe *pe = &dn->pe;
    int64_t ep;

    if (pe_u32(pe, cli) != 72)
        return false;
    if (pe->is64)
        return pe_u32(pe, pe->opt + 108) >= 14;
    if (pe->characteristics & 0x2000) /* IMAGE_FILE_DLL */
        return true;
    ep = pe_rva_to_offset(pe, pe_u32(pe, pe->opt + 16));
    return ep >= 0 && bytes_has(dn->b, (uint64_t)ep, 2) &&
           dn->b.p[ep] == 0xff && dn->b.p[ep + 1] == 0x25;
}

/* The CLI header and the metadata root; false when either is missing. */
static bool parse_metadata(struct dn *dn, uint64_t *cli)
{
    uint32_t rva, size, len;
    int64_t off;
    const uint8_t *ver;
    size_t vlen;
    uint8_t n_streams;

    if (!pe_directory(&dn->pe, 14, &rva, &size) ||
        (off = pe_rva_to_offset(&dn->pe, rva)) < 0 ||
        !bytes_has(dn->b, (uint64_t)off, 72) ||
        !cli_accepted(dn, (uint64_t)off))
        return false;
    *cli = (uint64_t)off;
    off = pe_rva_to_offset(&dn->pe, pe_u32(&dn->pe, *cli + 8));
    if (off < 0 || !bytes_has(dn->b, (uint64_t)off, 16) ||
        pe_u32(&dn->pe, (uint64_t)off) != 0x424a5342)
        return false;
    dn->md = (uint64_t)off;
    len = pe_u32(&dn->pe, dn->md + 12);
    if (len == 0 || len > 255 || len % 4 != 0 ||
        !bytes_has(dn->b, dn->md + 16, len))
        return false;
    mod_set_int(dn->root, DN_IS_DOTNET, 1);
    ver = dn->b.p + dn->md + 16;
    if (bytes_cstr(dn->b, dn->md + 16, len, &vlen))
        mod_set_str(dn->arena, dn->root, DN_VERSION, ver, vlen);
    /* The count of streams is 16 bits, of which yara 4.2.3 reads the low
     * byte only. */
    if (!bytes_u8(dn->b, dn->md + 16 + len + 2, &n_streams) ||
        !bytes_has(dn->b, dn->md + 16 + len + 2, 2))
        return false;
    parse_streams(dn, dn->md + 16 + len + 4, n_streams);
    return true;
}

static void load(struct mod_instance *inst)
{
    struct dn *dn = arena_alloc(inst->arena, sizeof(*dn));
    uint64_t cli;

    if (dn == NULL)
        return;
    memset(dn, 0, sizeof(*dn));
    if (!pe_open(&dn->pe, inst->arena, inst->root, inst->data, inst->size))
        return;
    dn->b = dn->pe.b;
    dn->arena = inst->arena;
    dn->root = inst->root;
    mod_set_int(dn->root, DN_IS_DOTNET, 0);
    if (!parse_metadata(dn, &cli))
        return;
    if (dn->guid.found)
        parse_guids(dn);
    if (dn->tilde.found && dn->strings.found && dn->blob.found)
        parse_tables(dn, cli);
    if (dn->us.found)
        parse_user_strings(dn);
}

/* ---- Declaration -------------------------------------------------------- */

static const struct mod_decl version_members[] = {
    DECL_INT("major"),
    DECL_INT("minor"),
    DECL_INT("build_number"),
    DECL_INT("revision_number"),
};

static const struct mod_decl stream_members[] = {
    DECL_STRING("name"),
    DECL_INT("offset"),
    DECL_INT("size"),
};

static const struct mod_decl resource_members[] = {
    DECL_INT("offset"),
    DECL_INT("length"),
    DECL_STRING("name"),
};

static const struct mod_decl assembly_members[] = {
    DECL_STRUCT("version", version_members),
    DECL_STRING("name"),
    DECL_STRING("culture"),
};

static const struct mod_decl assembly_ref_members[] = {
    DECL_STRUCT("version", version_members),
    DECL_STRING("public_key_or_token"),
    DECL_STRING("name"),
};

/* In yara 4.2.3's order: -D lists them last to first. */
static const struct mod_decl members[] = {
    DECL_INT("is_dotnet"),
    DECL_STRING("version"),
    DECL_STRING("module_name"),
    DECL_STRUCT_ARRAY("streams", stream_members),
    DECL_INT("number_of_streams"),
    DECL_ARRAY_OF("guids", MT_STRING),
    DECL_INT("number_of_guids"),
    DECL_STRUCT_ARRAY("resources", resource_members),
    DECL_INT("number_of_resources"),
    DECL_STRUCT_ARRAY("assembly_refs", assembly_ref_members),
    DECL_INT("number_of_assembly_refs"),
    DECL_STRUCT("assembly", assembly_members),
    DECL_ARRAY_OF("modulerefs", MT_STRING),
    DECL_INT("number_of_modulerefs"),
    DECL_ARRAY_OF("user_strings", MT_STRING),
    DECL_INT("number_of_user_strings"),
    DECL_STRING("typelib"),
    DECL_ARRAY_OF("constants", MT_STRING),
    DECL_INT("number_of_constants"),
    DECL_ARRAY_OF("field_offsets", MT_INT),
    DECL_INT("number_of_field_offsets"),
};

_Static_assert(DECL_LEN(members) == DN_NUMBER_OF_FIELD_OFFSETS + 1,
               "dotnet.h's member indices follow the declaration");

const struct module module_dotnet = {
    .name = "dotnet",
    .root = DECL_STRUCT("dotnet", members),
    .load = load,
};
