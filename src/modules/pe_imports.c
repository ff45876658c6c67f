/*
 * pe_imports.c - the pe module's imports, delayed imports and exports,
 * and the functions over them (imports, exports, exports_index, imphash),
 * as yara 4.2.3 gives them.
 *
 * yara's quirks kept here, each checked on real files: number_of_imports
 * counts every descriptor read, number_of_imported_functions every thunk,
 * while import_details lists only libraries with at least one function;
 * the functions' indices continue from one library to the next, so
 * import_details[1].functions starts where [0]'s ended (holes before),
 * and number_of_functions is that running total. Names of libraries and
 * functions compare without case; a function imported by ordinal is
 * named "ordN"; number_of_delayed_imports counts descriptors whose
 * library name is invalid too, and delay_import_details stays empty.
 * Reads are bounded by the data and by yara's limits
 * (16384 descriptors and thunks, 8192 exports, names of 512 bytes).
 */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <strings.h>

#include "modules/pe.h"

#define MAX_IMPORTS 16384
#define MAX_EXPORTS 8192
#define MAX_NAME 512

/* One library's functions, as parsed, before they become import_details. */
struct imp_fn {
    const uint8_t *name; /* NUL-terminated, in the arena */
    size_t name_len;
    int ordinal;         /* -1: imported by name */
    int64_t rva;         /* its import address table slot; -1: unknown */
    struct imp_fn *next;
};

struct imp_dll {
    const char *name;
    size_t name_len;
    struct imp_fn *fns;
    struct imp_dll *next;
};

/* The parsed lists, kept in pe->imports/delayed's place. */
struct imp_lists {
    struct imp_dll *standard;
    struct imp_dll *delayed;
};

static struct imp_lists *lists_of(struct pe *pe)
{
    return pe->imports;
}

/* A library name yara accepts: letters, digits, '_', '.', '-', at least
 * one, ended by a NUL inside the data. */
static bool valid_dll_name(const struct pe *pe, uint64_t off, size_t *len)
{
    size_t n = 0;

    while (bytes_has(pe->b, off + n, 1)) {
        uint8_t c = pe->b.p[off + n];
        if (c == 0) {
            *len = n;
            return n > 0;
        }
        if (!isalnum(c) && c != '_' && c != '.' && c != '-')
            return false;
        n++;
    }
    return false;
}

/* The length of the string at off: up to its NUL, at most max bytes
 * (less at the end of the data). */
static size_t str_len_at(const struct pe *pe, uint64_t off, size_t max)
{
    size_t n;

    bytes_cstr(pe->b, off, max, &n);
    return n;
}

static struct imp_fn *new_fn(struct pe *pe, const uint8_t *name,
                             size_t len, int ordinal)
{
    struct imp_fn *f = arena_alloc(pe->arena, sizeof(*f));

    if (f == NULL || (f->name = (const uint8_t *)arena_memdup(
                          pe->arena, name, len)) == NULL)
        return NULL;
    f->name_len = len;
    f->ordinal = ordinal;
    f->rva = -1;
    return f;
}

static struct imp_fn *ordinal_fn(struct pe *pe, unsigned ordinal)
{
    char buf[16];
    int n = snprintf(buf, sizeof(buf), "ord%u", ordinal);

    return new_fn(pe, (const uint8_t *)buf, (size_t)n, (int)ordinal);
}

/* The thunks of one import descriptor (by name: an RVA of a hint and a
 * name; by ordinal: the top bit set). *n_total counts every thunk. */
static struct imp_fn *parse_thunks(struct pe *pe, uint64_t desc,
                                   unsigned *n_total)
{
    struct imp_fn *head = NULL, **tail = &head;
    unsigned width = pe->is64 ? 8 : 4;
    uint64_t flag = pe->is64 ? 1ull << 63 : 1ull << 31, thunk;
    int64_t off = pe_rva_to_offset(pe, 0);
    uint32_t oft = 0, ft = 0;

    bytes_u32le(pe->b, desc, &oft);
    bytes_u32le(pe->b, desc + 16, &ft);
    off = pe_rva_to_offset(pe, oft);
    if (off <= 0)
        off = pe_rva_to_offset(pe, ft);
    if (off < 0)
        return NULL;
    for (uint64_t at = (uint64_t)off, slot = ft;
         *n_total < MAX_IMPORTS &&
         bytes_uint(pe->b, at, width, false, &thunk) && thunk != 0;
         at += width, slot += width, (*n_total)++) {
        struct imp_fn *f = NULL;
        if (thunk & flag) {
            f = ordinal_fn(pe, (unsigned)(thunk & 0xffff));
        } else {
            int64_t name = pe_rva_to_offset(pe, thunk & 0xffffffffu);
            if (thunk > 0xffffffffu)
                name = -1;
            if (name >= 0 && bytes_has(pe->b, (uint64_t)name, 4))
                f = new_fn(pe, pe->b.p + name + 2,
                           str_len_at(pe, (uint64_t)name + 2, MAX_NAME), -1);
        }
        if (f != NULL) {
            if (ft != 0)
                f->rva = (int64_t)slot;
            *tail = f;
            tail = &f->next;
        }
    }
    return head;
}

static struct imp_dll *new_dll(struct pe *pe, uint64_t name, size_t len,
                               struct imp_fn *fns)
{
    struct imp_dll *d = arena_alloc(pe->arena, sizeof(*d));

    if (d == NULL ||
        (d->name = arena_memdup(pe->arena, pe->b.p + name, len)) == NULL)
        return NULL;
    d->name_len = len;
    d->fns = fns;
    return d;
}

/* import_details (or delay_import_details) from the parsed list, with
 * yara's running function index. */
static void set_details(struct pe *pe, struct imp_dll *dll, uint32_t member)
{
    struct mod_obj *arr = mod_obj_child(pe->arena, pe->root, member);
    uint32_t n_fn = 0;

    for (uint32_t i = 0; dll != NULL; dll = dll->next, i++) {
        struct mod_obj *d = mod_array_push_obj(pe->arena, arr);
        struct mod_obj *fns = mod_obj_child(pe->arena, d, PE_IMP_FUNCTIONS);
        if (d == NULL || fns == NULL)
            return;
        for (struct imp_fn *f = dll->fns; f != NULL; f = f->next, n_fn++) {
            struct mod_obj *fo = mod_array_set_obj(pe->arena, fns, n_fn);
            if (fo == NULL)
                return;
            mod_set_str(pe->arena, fo, PE_FN_NAME, f->name, f->name_len);
            if (f->ordinal >= 0)
                mod_set_int(fo, PE_FN_ORDINAL, f->ordinal);
        }
        mod_set_str(pe->arena, d, PE_IMP_LIBRARY_NAME, dll->name,
                    dll->name_len);
        mod_set_int(d, PE_IMP_NUMBER_OF_FUNCTIONS, n_fn);
    }
}

static struct imp_dll *parse_standard(struct pe *pe)
{
    struct imp_dll *head = NULL, **tail = &head;
    unsigned n_dlls = 0, n_fns = 0;
    uint32_t rva, size, name_rva;
    int64_t off;

    mod_set_int(pe->root, PE_NUMBER_OF_IMPORTS, 0);
    mod_set_int(pe->root, PE_NUMBER_OF_IMPORTED_FUNCTIONS, 0);
    if (!pe_directory(pe, 1, &rva, &size) || rva == 0 ||
        (off = pe_rva_to_offset(pe, rva)) < 0)
        return NULL;
    for (uint64_t desc = (uint64_t)off;
         n_dlls < MAX_IMPORTS && bytes_has(pe->b, desc, 20) &&
         bytes_u32le(pe->b, desc + 12, &name_rva) && name_rva != 0;
         desc += 20, n_dlls++) {
        int64_t name = pe_rva_to_offset(pe, name_rva);
        size_t len;
        struct imp_fn *fns;
        struct imp_dll *d;
        if (name < 0)
            continue;
        if (!valid_dll_name(pe, (uint64_t)name, &len))
            break;
        fns = parse_thunks(pe, desc, &n_fns);
        if (fns != NULL && (d = new_dll(pe, (uint64_t)name, len, fns)) != NULL) {
            *tail = d;
            tail = &d->next;
        }
    }
    mod_set_int(pe->root, PE_NUMBER_OF_IMPORTS, n_dlls);
    mod_set_int(pe->root, PE_NUMBER_OF_IMPORTED_FUNCTIONS, n_fns);
    return head;
}

/*
 * Delay-load descriptors (32 bytes: attributes, then the RVAs of the name,
 * module handle, address table and name table, ...). Without the RVA bit
 * of the attributes the addresses are virtual: the image base comes off.
 */
static struct imp_dll *parse_delayed(struct pe *pe)
{
    struct imp_dll *head = NULL, **tail = &head;
    unsigned n_dlls = 0, n_fns = 0, width = pe->is64 ? 8 : 4;
    uint64_t base = 0, flag = pe->is64 ? 1ull << 63 : 1ull << 31;
    uint32_t rva, size, attr, name_rva, iat, int_rva;
    int64_t off;

    mod_set_int(pe->root, PE_NUMBER_OF_DELAYED_IMPORTS, 0);
    mod_set_int(pe->root, PE_NUMBER_OF_DELAYED_IMPORTED_FUNCTIONS, 0);
    if (!pe_directory(pe, 13, &rva, &size) || rva == 0 ||
        (off = pe_rva_to_offset(pe, rva)) < 0)
        return NULL;
    bytes_uint(pe->b, pe->opt + (pe->is64 ? 24 : 28), width, false, &base);
    for (uint64_t desc = (uint64_t)off;
         n_dlls < MAX_IMPORTS && bytes_has(pe->b, desc, 32) &&
         bytes_u32le(pe->b, desc, &attr) &&
         bytes_u32le(pe->b, desc + 4, &name_rva) && name_rva != 0 &&
         bytes_u32le(pe->b, desc + 12, &iat) &&
         bytes_u32le(pe->b, desc + 16, &int_rva);
         desc += 32) {
        uint64_t adj = (attr & 1) ? 0 : base;
        struct imp_fn *fns = NULL, **ftail = &fns;
        struct imp_dll *d;
        int64_t name = pe_rva_to_offset(pe, name_rva - adj);
        int64_t names = pe_rva_to_offset(pe, int_rva - adj);
        int64_t funcs = pe_rva_to_offset(pe, iat - adj);
        size_t len;
        n_dlls++;
        if (name < 0 || !valid_dll_name(pe, (uint64_t)name, &len))
            continue;
        for (uint64_t i = 0; names >= 0 && funcs >= 0 && n_fns < MAX_IMPORTS;
             i++, n_fns++) {
            uint64_t thunk, fn, at = (uint64_t)names + i * width;
            struct imp_fn *f = NULL;
            int64_t by_name;
            if (!bytes_uint(pe->b, at, width, false, &thunk) ||
                !bytes_uint(pe->b, (uint64_t)funcs + i * width, width, false,
                            &fn) ||
                thunk == 0 || fn == 0)
                break;
            if (thunk & flag) {
                f = ordinal_fn(pe, (unsigned)(thunk & 0xffff));
            } else if ((by_name = pe_rva_to_offset(pe, thunk - adj + 2)) >= 0) {
                f = new_fn(pe, pe->b.p + by_name,
                           str_len_at(pe, (uint64_t)by_name, MAX_NAME), -1);
            }
            if (f != NULL) {
                *ftail = f;
                ftail = &f->next;
            }
        }
        if ((d = new_dll(pe, (uint64_t)name, len, fns)) != NULL) {
            *tail = d;
            tail = &d->next;
        }
    }
    mod_set_int(pe->root, PE_NUMBER_OF_DELAYED_IMPORTS, n_dlls);
    mod_set_int(pe->root, PE_NUMBER_OF_DELAYED_IMPORTED_FUNCTIONS, n_fns);
    return head;
}

void pe_parse_imports(struct pe *pe)
{
    struct imp_lists *l = arena_alloc(pe->arena, sizeof(*l));

    if (l == NULL)
        return;
    pe->imports = l;
    l->standard = parse_standard(pe);
    set_details(pe, l->standard, PE_IMPORT_DETAILS);
    /* yara 4.2.3 declares delay_import_details but never fills it: the
     * delayed imports are only seen through imports() and the counts. */
    l->delayed = parse_delayed(pe);
}

/* ---- Exports ------------------------------------------------------------ */

/* A string at an offset of the data, up to its NUL or the end, at most
 * max bytes. */
static void set_str_at(struct pe *pe, struct mod_obj *o, uint32_t member,
                       uint64_t off, size_t max)
{
    mod_set_str(pe->arena, o, member, pe->b.p + off,
                str_len_at(pe, off, max));
}

/*
 * The export directory: an ordinal for each entry of the address table
 * (its index plus the ordinal base); a name for an entry when the name
 * ordinal table points at it (the first such name, within the names);
 * an address inside the export directory is a forwarder's name, any
 * other is the offset of the function (-1 when it maps nowhere).
 */
void pe_parse_exports(struct pe *pe)
{
    uint32_t rva, size, n_funcs, n_names, base, names_rva, ords_rva, addrs_rva;
    int64_t dir, off, names = -1, ords, addrs;
    struct mod_obj *arr;
    uint32_t *first_name;
    uint64_t d;

    mod_set_int(pe->root, PE_NUMBER_OF_EXPORTS, 0);
    if (!pe_directory(pe, 0, &rva, &size) || rva == 0 ||
        (dir = pe_rva_to_offset(pe, rva)) < 0 ||
        !bytes_has(pe->b, (uint64_t)dir, 40))
        return;
    d = (uint64_t)dir;
    base = pe_u32(pe, d + 16);
    n_funcs = pe_u32(pe, d + 20);
    n_names = pe_u32(pe, d + 24);
    addrs_rva = pe_u32(pe, d + 28);
    names_rva = pe_u32(pe, d + 32);
    ords_rva = pe_u32(pe, d + 36);
    if (n_funcs > MAX_EXPORTS)
        n_funcs = MAX_EXPORTS;
    mod_set_int(pe->root, PE_EXPORT_TIMESTAMP, pe_u32(pe, d + 4));
    off = pe_rva_to_offset(pe, pe_u32(pe, d + 12));
    if (off > 0)
        set_str_at(pe, pe->root, PE_DLL_NAME, (uint64_t)off, SIZE_MAX);
    if (off >= 0 && (uint64_t)n_funcs * 4 > pe->b.len - (uint64_t)off)
        return;
    if (n_names > 0) {
        if ((names = pe_rva_to_offset(pe, names_rva)) < 0 ||
            (uint64_t)n_names * 4 > pe->b.len - (uint64_t)names)
            return;
    }
    if ((ords = pe_rva_to_offset(pe, ords_rva)) < 0 ||
        !bytes_has(pe->b, (uint64_t)ords, 2 * (uint64_t)n_funcs) ||
        (addrs = pe_rva_to_offset(pe, addrs_rva)) < 0 ||
        !bytes_has(pe->b, (uint64_t)addrs, 4 * (uint64_t)n_funcs))
        return;
    if (n_names > n_funcs)
        n_names = n_funcs;
    first_name = arena_alloc_array(pe->arena, n_funcs ? n_funcs : 1,
                                   sizeof(*first_name));
    arr = mod_obj_child(pe->arena, pe->root, PE_EXPORT_DETAILS);
    if (first_name == NULL || arr == NULL)
        return;
    for (uint32_t i = 0; i < n_funcs; i++)
        first_name[i] = UINT32_MAX;
    for (uint32_t j = 0; names >= 0 && j < n_names; j++) {
        uint16_t o = 0;
        bytes_u16le(pe->b, (uint64_t)ords + 2 * (uint64_t)j, &o);
        if (o < n_funcs && first_name[o] == UINT32_MAX)
            first_name[o] = j;
    }
    for (uint32_t i = 0; i < n_funcs; i++) {
        struct mod_obj *e = mod_array_push_obj(pe->arena, arr);
        if (e == NULL)
            return;
        mod_set_int(e, PE_EXP_ORDINAL, (int64_t)base + i);
        off = pe_rva_to_offset(pe, pe_u32(pe, (uint64_t)addrs + 4 * i));
        if (off > dir && off < dir + (int64_t)size)
            set_str_at(pe, e, PE_EXP_FORWARD_NAME, (uint64_t)off, MAX_NAME);
        else
            mod_set_int(e, PE_EXP_OFFSET, off);
        if (first_name[i] != UINT32_MAX) {
            off = pe_rva_to_offset(
                pe, pe_u32(pe, (uint64_t)names + 4 * (uint64_t)first_name[i]));
            if (off > 0)
                set_str_at(pe, e, PE_EXP_NAME, (uint64_t)off, MAX_NAME);
        }
    }
    mod_set_int(pe->root, PE_NUMBER_OF_EXPORTS, n_funcs);
}

/* ---- Functions ---------------------------------------------------------- */

static bool ieq(const void *a, size_t alen, const void *b, size_t blen)
{
    return alen == blen && strncasecmp(a, b, alen) == 0;
}

enum { IMPORT_STANDARD = 1, IMPORT_DELAYED = 2 };

/* What one call of imports() looks for; counts what it finds. */
struct imp_query {
    const struct mod_call *c;
    const struct mod_val *dll, *fn; /* fn NULL: every function */
    bool regex;
    int64_t found;
};

static bool dll_matches(struct imp_query *q, const struct imp_dll *d)
{
    if (q->regex)
        return q->c->regex(q->c->regex_ctx, q->dll->u.i,
                            (const uint8_t *)d->name, d->name_len);
    return ieq(d->name, d->name_len, q->dll->u.s, q->dll->len);
}

static bool fn_matches(struct imp_query *q, const struct imp_fn *f)
{
    if (q->fn == NULL)
        return true;
    if (q->regex)
        return q->c->regex(q->c->regex_ctx, q->fn->u.i, f->name,
                            f->name_len);
    if (q->fn->type == MV_INT)
        return f->ordinal >= 0 && f->ordinal == q->fn->u.i;
    return ieq(f->name, f->name_len, q->fn->u.s, q->fn->len);
}

static void query(struct imp_query *q, const struct imp_dll *d)
{
    for (; d != NULL; d = d->next) {
        if (!dll_matches(q, d))
            continue;
        for (const struct imp_fn *f = d->fns; f != NULL; f = f->next)
            q->found += fn_matches(q, f);
    }
}

/* imports([flags,] dll [, fn]): with a function name or ordinal whether
 * it is imported, else (and for two regexes) how many functions are. */
static void imports(struct mod_call *c, int64_t flags, unsigned first,
                    unsigned n_args, bool regex)
{
    struct pe *pe = pe_of(c);
    struct imp_query q = {c, &c->args[first],
                          n_args > 1 ? &c->args[first + 1] : NULL, regex, 0};
    struct imp_lists *l;

    if (pe == NULL || (l = lists_of(pe)) == NULL)
        return;
    if (flags & IMPORT_STANDARD)
        query(&q, l->standard);
    if (flags & IMPORT_DELAYED)
        query(&q, l->delayed);
    if (n_args > 1 && !regex && q.found > 1)
        q.found = 1;
    mod_ret_int(c, q.found);
}

/*
 * import_rva(dll, function or ordinal) (YARA 4.3): the RVA of the import
 * address table slot of the first standard import that matches, names
 * compared without case; undefined when none does.
 */
static void import_rva(struct mod_call *c)
{
    struct pe *pe = pe_of(c);
    struct imp_query q = {c, &c->args[0], &c->args[1], false, 0};

    if (pe == NULL || lists_of(pe) == NULL)
        return;
    for (const struct imp_dll *d = lists_of(pe)->standard; d != NULL;
         d = d->next) {
        if (!dll_matches(&q, d))
            continue;
        for (const struct imp_fn *f = d->fns; f != NULL; f = f->next) {
            if (fn_matches(&q, f) && f->rva >= 0) {
                mod_ret_int(c, f->rva);
                return;
            }
        }
    }
}

const struct mod_overload pe_import_rva_fns[2] = {
    MOD_FN("ss", 'i', import_rva), MOD_FN("si", 'i', import_rva)};

static void imp_ss(struct mod_call *c) { imports(c, IMPORT_STANDARD, 0, 2, false); }
static void imp_s(struct mod_call *c) { imports(c, IMPORT_STANDARD, 0, 1, false); }
static void imp_rr(struct mod_call *c) { imports(c, IMPORT_STANDARD, 0, 2, true); }
static void imp_fss(struct mod_call *c) { imports(c, c->args[0].u.i, 1, 2, false); }
static void imp_fs(struct mod_call *c) { imports(c, c->args[0].u.i, 1, 1, false); }
static void imp_frr(struct mod_call *c) { imports(c, c->args[0].u.i, 1, 2, true); }

const struct mod_overload pe_imports_fns[8] = {
    MOD_FN("iss", 'i', imp_fss), MOD_FN("isi", 'i', imp_fss), MOD_FN("is", 'i', imp_fs),
    MOD_FN("irr", 'i', imp_frr), MOD_FN("ss", 'i', imp_ss),   MOD_FN("si", 'i', imp_ss),
    MOD_FN("s", 'i', imp_s),     MOD_FN("rr", 'i', imp_rr),
};

/* The first export_details index whose name (string, regex) or ordinal
 * matches; -1 for none. yara looks for an ordinal only from 1 to the
 * number of exports, whatever the ordinal base. */
static int64_t find_export(const struct mod_call *c, char how)
{
    struct pe *pe = pe_of(c);
    struct mod_obj *arr = mod_obj_child(pe->arena, pe->root,
                                        PE_EXPORT_DETAILS);
    const struct mod_val *a = &c->args[0];

    if (how == 'i' && (a->u.i <= 0 || arr == NULL || a->u.i > arr->n))
        return -1;

    for (uint32_t i = 0; arr != NULL && i < arr->n; i++) {
        struct mod_obj *e = mod_index(arr, i).u.o;
        struct mod_val name = mod_get(e, PE_EXP_NAME);
        if (how == 'i') {
            if (mod_get(e, PE_EXP_ORDINAL).u.i == a->u.i)
                return i;
        } else if (name.type != MV_STR) {
            continue;
        } else if (how == 's' ? ieq(name.u.s, name.len, a->u.s, a->len)
                              : c->regex(c->regex_ctx, a->u.i, name.u.s,
                                         name.len)) {
            return i;
        }
    }
    return -1;
}

static void exports(struct mod_call *c, char how)
{
    if (pe_of(c) != NULL)
        mod_ret_int(c, find_export(c, how) >= 0);
}

static void exports_index(struct mod_call *c, char how)
{
    int64_t i;

    if (pe_of(c) != NULL && (i = find_export(c, how)) >= 0)
        mod_ret_int(c, i);
}

static void exp_s(struct mod_call *c) { exports(c, 's'); }
static void exp_i(struct mod_call *c) { exports(c, 'i'); }
static void exp_r(struct mod_call *c) { exports(c, 'r'); }
static void expi_s(struct mod_call *c) { exports_index(c, 's'); }
static void expi_i(struct mod_call *c) { exports_index(c, 'i'); }
static void expi_r(struct mod_call *c) { exports_index(c, 'r'); }

const struct mod_overload pe_exports_fns[3] = {
    MOD_FN("s", 'i', exp_s), MOD_FN("i", 'i', exp_i), MOD_FN("r", 'i', exp_r)};
const struct mod_overload pe_exports_index_fns[3] = {
    MOD_FN("s", 'i', expi_s), MOD_FN("i", 'i', expi_i), MOD_FN("r", 'i', expi_r)};

/*
 * imphash: the MD5 of "lib.fn,lib.fn,..." over the standard imports,
 * lowercased, where a library name loses its extension when the part
 * from its first dot starts with ".dll", ".ocx" or ".sys".
 */
static void imphash(struct mod_call *c)
{
    struct pe *pe = pe_of(c);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_MD_CTX *ctx;
    bool first = true, ok;

    if (pe == NULL || lists_of(pe) == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
        return;
    ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;
    for (const struct imp_dll *d = lists_of(pe)->standard; ok && d != NULL;
         d = d->next) {
        const char *dot = memchr(d->name, '.', d->name_len);
        size_t len = d->name_len;
        if (dot != NULL && (size_t)(d->name + len - dot) >= 4 &&
            (strncasecmp(dot, ".ocx", 4) == 0 ||
             strncasecmp(dot, ".sys", 4) == 0 ||
             strncasecmp(dot, ".dll", 4) == 0))
            len = (size_t)(dot - d->name);
        for (const struct imp_fn *f = d->fns; ok && f != NULL; f = f->next) {
            size_t n = len + f->name_len + 2;
            char *s = arena_alloc(pe->arena, n + 1);
            if (s == NULL) {
                ok = false;
                break;
            }
            snprintf(s, n + 1, "%s%.*s.%s", first ? "" : ",", (int)len,
                     d->name, (const char *)f->name);
            n = strlen(s);
            for (size_t i = 0; i < n; i++)
                s[i] = (char)tolower((unsigned char)s[i]);
            ok = EVP_DigestUpdate(ctx, s, n) == 1;
            first = false;
        }
    }
    ok = ok && EVP_DigestFinal_ex(ctx, md, &md_len) == 1;
    EVP_MD_CTX_free(ctx);
    if (ok)
        mod_ret_hex(c, md, md_len);
}

const struct mod_overload pe_imphash_fns[1] = {MOD_PURE_FN("", 's', imphash)};
