/*
 * pe_resources.c - the pe module's resources and version information, as
 * yara 4.2.3 gives them.
 *
 * The resource directory (PE/COFF specification, ".rsrc Section") is a
 * tree of three levels: type, name, language. Each directory is 16 bytes
 * (characteristics, timestamp, major and minor version, named and id
 * entry counts) followed by 8-byte entries (name or id; offset of a
 * subdirectory, high bit set, or of a 16-byte data entry: RVA, size,
 * codepage), offsets relative to the start of the resource directory. A
 * name with its high bit set is the offset of a UTF-16 string with its
 * length in front.
 *
 * yara walks the tree depth first; an entry that is no subdirectory, or
 * any entry at the third level, is a resource, with the type, id and
 * language last seen. Directories with characteristics or more than 32768
 * entries of a kind are skipped; a cut-off entry stops the walk. yara has
 * no bound on the walk itself (a tree whose directories share their
 * subdirectories can take 2^48 steps): candor stops after 2^22 entries
 * (docs/compat.md), beyond yara's 65537 collected resources.
 *
 * A resource of type 16 (RT_VERSION) is parsed for version_info: the
 * VS_VERSION_INFO block, past its fixed part, then VarFileInfo blocks
 * skipped and the StringFileInfo blocks' tables of key/value strings
 * (UTF-16, each byte kept as its low byte, keys cut at 63 bytes and
 * values at 255).
 */
#include "modules/pe.h"

#define MAX_RESOURCES 65536
#define MAX_WALK (1u << 22)

struct res_walk {
    struct pe *pe;
    uint64_t base;   /* file offset of the root directory */
    int32_t type, id, language;
    int64_t type_str, name_str, lang_str; /* offsets, or -1 */
    uint32_t n_resources;
    uint32_t steps;
    uint32_t n_version_infos;
    struct mod_obj *arr;
};

/* ---- Version information ------------------------------------------------ */

/* Whether a UTF-16 string at off ends (two NUL bytes) inside the data;
 * its length in characters. */
static bool wide_len(const struct pe *pe, uint64_t off, uint64_t *len)
{
    uint64_t n = 0;

    while (bytes_has(pe->b, off + 2 * n, 2)) {
        if (pe->b.p[off + 2 * n] == 0 && pe->b.p[off + 2 * n + 1] == 0) {
            *len = n;
            return true;
        }
        n++;
    }
    return false;
}

/* Whether the UTF-16 key at off is the ASCII word w (with its NUL). */
static bool wide_is(const struct pe *pe, uint64_t off, const char *w)
{
    size_t n = strlen(w) + 1;

    if (!bytes_has(pe->b, off, 2 * (uint64_t)n))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (pe->b.p[off + 2 * i] != (uint8_t)w[i] ||
            pe->b.p[off + 2 * i + 1] != 0)
            return false;
    }
    return true;
}

/* The low bytes of a UTF-16 string, up to a NUL low byte or max - 1. */
static size_t narrow(const struct pe *pe, uint64_t off, char *dst, size_t max)
{
    size_t n = 0;

    while (n + 1 < max && bytes_has(pe->b, off + 2 * n, 2) &&
           pe->b.p[off + 2 * n] != 0) {
        dst[n] = (char)pe->b.p[off + 2 * n];
        n++;
    }
    return n;
}

static uint64_t align4(uint64_t v)
{
    return (v + 3) & ~(uint64_t)3;
}

static uint16_t u16_at(const struct pe *pe, uint64_t off)
{
    uint16_t v = 0;

    bytes_u16le(pe->b, off, &v);
    return v;
}

/* One key/value string of a string table. */
static void version_string(struct res_walk *w, uint64_t s)
{
    struct pe *pe = w->pe;
    uint64_t key_len, val_len, value;
    char key[64], val[256];
    size_t kn, vn;
    struct mod_val v = {MV_STR, 0, {0}};
    struct mod_obj *e;

    if (!wide_len(pe, s + 6, &key_len))
        return;
    value = s + align4(6 + 2 * (key_len + 1));
    if (!wide_len(pe, value, &val_len))
        return;
    kn = narrow(pe, s + 6, key, sizeof(key));
    vn = u16_at(pe, s + 2) == 0 ? 0 : narrow(pe, value, val, sizeof(val));
    v.u.s = (const uint8_t *)val;
    v.len = (uint32_t)vn;
    mod_dict_set(pe->arena, mod_obj_child(pe->arena, pe->root,
                                          PE_VERSION_INFO),
                 key, kn, v);
    e = mod_array_push_obj(pe->arena, mod_obj_child(pe->arena, pe->root,
                                                    PE_VERSION_INFO_LIST));
    mod_set_str(pe->arena, e, PE_VI_KEY, key, kn);
    mod_set_str(pe->arena, e, PE_VI_VALUE, val, vn);
    w->n_version_infos++;
}

/* The string tables of one StringFileInfo block, from t to end. */
static void string_tables(struct res_walk *w, uint64_t t, uint64_t end)
{
    struct pe *pe = w->pe;

    while (t < end && w->steps++ < MAX_WALK) {
        uint64_t key_len, s, t_end;
        uint16_t t_len = u16_at(pe, t);
        if (!wide_len(pe, t + 6, &key_len) || t_len == 0)
            return;
        s = align4(t + 6 + 2 * (key_len + 1));
        t_end = t + t_len;
        while (s < t_end && w->steps++ < MAX_WALK) {
            uint16_t len;
            if (!bytes_has(pe->b, s, 6))
                return;
            len = u16_at(pe, s);
            version_string(w, s);
            if (len == 0)
                break;
            s = align4(s + len);
        }
        t = t_end;
    }
}

static void parse_version_info(struct res_walk *w, uint32_t rva)
{
    struct pe *pe = w->pe;
    int64_t start = pe_rva_to_offset(pe, rva);
    uint64_t v;

    if (start < 0 || !bytes_has(pe->b, (uint64_t)start, 6) ||
        !wide_is(pe, (uint64_t)start + 6, "VS_VERSION_INFO"))
        return;
    v = (uint64_t)start + 92;
    while (wide_is(pe, v + 6, "VarFileInfo") && u16_at(pe, v) != 0)
        v += u16_at(pe, v);
    while (wide_is(pe, v + 6, "StringFileInfo") && u16_at(pe, v) != 0 &&
           w->steps < MAX_WALK) {
        uint64_t end = v + u16_at(pe, v);
        string_tables(w, v + 36, end);
        v = end;
    }
}

/* ---- Resources ---------------------------------------------------------- */

/* The name string of an entry whose name has the high bit set: the
 * offset of its length, when 2 bytes fit; else -1. */
static int64_t name_string(const struct res_walk *w, uint32_t name)
{
    uint64_t off = w->base + (name & 0x7fffffffu);

    if (!(name & 0x80000000u) || !bytes_has(w->pe->b, off, 2))
        return -1;
    return (int64_t)off;
}

static void set_name(struct res_walk *w, struct mod_obj *r, int64_t str,
                     uint32_t member_str, uint32_t member_int, int32_t v)
{
    struct pe *pe = w->pe;

    if (str >= 0) {
        uint64_t len = 2 * (uint64_t)u16_at(pe, (uint64_t)str);
        if (bytes_has(pe->b, (uint64_t)str + 2, len))
            mod_set_str(pe->arena, r, member_str, pe->b.p + str + 2,
                        (size_t)len);
    } else {
        mod_set_int(r, member_int, v);
    }
}

/* A data entry at off: one resource. */
static void collect(struct res_walk *w, uint64_t off)
{
    struct pe *pe = w->pe;
    uint32_t rva = pe_u32(pe, off), size = pe_u32(pe, off + 4);
    struct mod_obj *r;
    int64_t file_off;

    if (w->n_resources > MAX_RESOURCES)
        return;
    if ((r = mod_array_push_obj(pe->arena, w->arr)) == NULL)
        return;
    mod_set_int(r, PE_RES_RVA, rva);
    if ((file_off = pe_rva_to_offset(pe, rva)) != -1)
        mod_set_int(r, PE_RES_OFFSET, file_off);
    mod_set_int(r, PE_RES_LENGTH, size);
    set_name(w, r, w->type_str, PE_RES_TYPE_STRING, PE_RES_TYPE, w->type);
    set_name(w, r, w->name_str, PE_RES_NAME_STRING, PE_RES_ID, w->id);
    set_name(w, r, w->lang_str, PE_RES_LANGUAGE_STRING, PE_RES_LANGUAGE,
             w->language);
    if (w->type == 16)
        parse_version_info(w, rva);
    w->n_resources++;
}

/* Walks the directory at dir (level 0 type, 1 name, 2 language); false
 * when the walk must stop. */
static bool walk(struct res_walk *w, uint64_t dir, int level)
{
    struct pe *pe = w->pe;
    uint16_t named = u16_at(pe, dir + 12), ids = u16_at(pe, dir + 14);
    uint32_t total = (uint32_t)named + ids;

    if (pe_u32(pe, dir) != 0 || named > 32768 || ids > 32768)
        return true;
    for (uint32_t i = 0; i < total; i++) {
        uint64_t e = dir + 16 + 8 * (uint64_t)i;
        uint32_t name, data;
        uint64_t target;
        if (!bytes_has(pe->b, e, 8) || ++w->steps > MAX_WALK)
            return false;
        name = pe_u32(pe, e);
        data = pe_u32(pe, e + 4);
        if (level == 0) {
            w->type = (int32_t)name;
            w->type_str = name_string(w, name);
        } else if (level == 1) {
            w->id = (int32_t)name;
            w->name_str = name_string(w, name);
        } else {
            w->language = (int32_t)name;
            w->lang_str = name_string(w, name);
        }
        target = w->base + (data & 0x7fffffffu);
        if ((data & 0x80000000u) && level < 2) {
            if (!bytes_has(pe->b, target, 16) || !walk(w, target, level + 1))
                return false;
        } else {
            if (!bytes_has(pe->b, target, 16))
                return false;
            collect(w, target);
        }
    }
    return true;
}

void pe_parse_resources(struct pe *pe)
{
    struct res_walk w = {pe, 0, -1, -1, -1, -1, -1, -1, 0, 0, 0, NULL};
    uint32_t rva, size;
    int64_t off;
    struct mod_obj *ver;

    if (pe_directory(pe, 2, &rva, &size) && rva != 0 &&
        (off = pe_rva_to_offset(pe, rva)) >= 0 &&
        bytes_has(pe->b, (uint64_t)off, 16)) {
        w.base = (uint64_t)off;
        w.arr = mod_obj_child(pe->arena, pe->root, PE_RESOURCES);
        mod_set_int(pe->root, PE_RESOURCE_TIMESTAMP, pe_u32(pe, w.base + 4));
        ver = mod_obj_child(pe->arena, pe->root, PE_RESOURCE_VERSION);
        mod_set_int(ver, PE_VER_MAJOR, u16_at(pe, w.base + 8));
        mod_set_int(ver, PE_VER_MINOR, u16_at(pe, w.base + 10));
        walk(&w, w.base, 0);
    }
    mod_set_int(pe->root, PE_NUMBER_OF_RESOURCES, w.n_resources);
    mod_set_int(pe->root, PE_NUMBER_OF_VERSION_INFOS, w.n_version_infos);
}
