/*
 * elf.c - the elf module: the ELF header, sections, segments, the dynamic
 * section and the symbol tables, field for field as yara 4.2.3 gives them
 * (checked with tests/modules/dump_diff.py on crafted files, the machine's
 * binaries and the bench corpus; tests/cases/elf.case).
 *
 * Layouts are the gABI's (ELF 1.2 and ELF-64): 32- and 64-bit, either
 * byte order by e_ident[EI_DATA]. What yara does with hostile files, and
 * so what this does:
 *  - the header's fields are set when the whole header and one more byte
 *    are present;
 *  - sections are listed when e_shstrndx < e_shnum and the table of
 *    e_shnum headers of the standard size lies inside the file
 *    (e_shentsize is ignored); a name is set when its offset falls inside
 *    the file, cut at its NUL or at the end of the file;
 *  - the last SHT_SYMTAB (SHT_DYNSYM) section whose link names a section
 *    and whose data and strings lie inside the file gives symtab
 *    (dynsym); a symbol's name is set when it starts inside its string
 *    table, cut at the NUL or the table's end;
 *  - segments are listed when the table of e_phnum standard headers lies
 *    inside the file; each PT_DYNAMIC segment lists its entries up to
 *    DT_NULL (included) or the end of the file, later segments writing
 *    over earlier ones' entries;
 *  - entry_point is e_entry as a file offset: through the PT_LOAD
 *    segments for ET_EXEC, through the sections for other types;
 *    undefined for an e_entry of 0.
 *
 * import_md5() and telfhash() are newer than 4.2.3 (YARA 4.3,
 * docs/modules/elf.rst): see their comments below.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "modules/elf.h"
#include "modules/modules.h"

/* ---- Declaration -------------------------------------------------------- */

static const struct mod_decl section_members[] = {
    DECL_INT("type"), DECL_INT("flags"), DECL_INT("address"),
    DECL_STRING("name"), DECL_INT("size"), DECL_INT("offset"),
};
enum { SEC_TYPE, SEC_FLAGS, SEC_ADDRESS, SEC_NAME, SEC_SIZE, SEC_OFFSET };

static const struct mod_decl segment_members[] = {
    DECL_INT("type"), DECL_INT("flags"), DECL_INT("offset"),
    DECL_INT("virtual_address"), DECL_INT("physical_address"),
    DECL_INT("file_size"), DECL_INT("memory_size"), DECL_INT("alignment"),
};
enum {
    SEG_TYPE, SEG_FLAGS, SEG_OFFSET, SEG_VADDR, SEG_PADDR, SEG_FILESZ,
    SEG_MEMSZ, SEG_ALIGN
};

static const struct mod_decl dynamic_members[] = {
    DECL_INT("type"), DECL_INT("val"),
};
enum { DYN_TYPE, DYN_VAL };

static const struct mod_decl symbol_members[] = {
    DECL_STRING("name"), DECL_INT("value"), DECL_INT("size"),
    DECL_INT("type"), DECL_INT("bind"), DECL_INT("shndx"),
};
enum { SYM_NAME, SYM_VALUE, SYM_SIZE, SYM_TYPE, SYM_BIND, SYM_SHNDX };

static const struct mod_overload elf_import_md5_fns[1];
static const struct mod_overload elf_telfhash_fns[1];

static const struct mod_decl members[] = {
    DECL_CONST_INT("ET_NONE", 0), DECL_CONST_INT("ET_REL", 1),
    DECL_CONST_INT("ET_EXEC", 2), DECL_CONST_INT("ET_DYN", 3),
    DECL_CONST_INT("ET_CORE", 4),

    DECL_CONST_INT("EM_NONE", 0), DECL_CONST_INT("EM_M32", 1),
    DECL_CONST_INT("EM_SPARC", 2), DECL_CONST_INT("EM_386", 3),
    DECL_CONST_INT("EM_68K", 4), DECL_CONST_INT("EM_88K", 5),
    DECL_CONST_INT("EM_860", 7), DECL_CONST_INT("EM_MIPS", 8),
    DECL_CONST_INT("EM_MIPS_RS3_LE", 10), DECL_CONST_INT("EM_PPC", 20),
    DECL_CONST_INT("EM_PPC64", 21), DECL_CONST_INT("EM_ARM", 40),
    DECL_CONST_INT("EM_X86_64", 62), DECL_CONST_INT("EM_AARCH64", 183),

    DECL_CONST_INT("SHT_NULL", 0), DECL_CONST_INT("SHT_PROGBITS", 1),
    DECL_CONST_INT("SHT_SYMTAB", 2), DECL_CONST_INT("SHT_STRTAB", 3),
    DECL_CONST_INT("SHT_RELA", 4), DECL_CONST_INT("SHT_HASH", 5),
    DECL_CONST_INT("SHT_DYNAMIC", 6), DECL_CONST_INT("SHT_NOTE", 7),
    DECL_CONST_INT("SHT_NOBITS", 8), DECL_CONST_INT("SHT_REL", 9),
    DECL_CONST_INT("SHT_SHLIB", 10), DECL_CONST_INT("SHT_DYNSYM", 11),

    DECL_CONST_INT("SHF_WRITE", 1), DECL_CONST_INT("SHF_ALLOC", 2),
    DECL_CONST_INT("SHF_EXECINSTR", 4),

    DECL_INT("type"), DECL_INT("machine"), DECL_INT("entry_point"),
    DECL_INT("number_of_sections"), DECL_INT("sh_offset"),
    DECL_INT("sh_entry_size"), DECL_INT("number_of_segments"),
    DECL_INT("ph_offset"), DECL_INT("ph_entry_size"),
    DECL_STRUCT_ARRAY("sections", section_members),

    DECL_CONST_INT("PT_NULL", 0), DECL_CONST_INT("PT_LOAD", 1),
    DECL_CONST_INT("PT_DYNAMIC", 2), DECL_CONST_INT("PT_INTERP", 3),
    DECL_CONST_INT("PT_NOTE", 4), DECL_CONST_INT("PT_SHLIB", 5),
    DECL_CONST_INT("PT_PHDR", 6), DECL_CONST_INT("PT_TLS", 7),
    DECL_CONST_INT("PT_GNU_EH_FRAME", 0x6474e550),
    DECL_CONST_INT("PT_GNU_STACK", 0x6474e551),

    DECL_CONST_INT("DT_NULL", 0), DECL_CONST_INT("DT_NEEDED", 1),
    DECL_CONST_INT("DT_PLTRELSZ", 2), DECL_CONST_INT("DT_PLTGOT", 3),
    DECL_CONST_INT("DT_HASH", 4), DECL_CONST_INT("DT_STRTAB", 5),
    DECL_CONST_INT("DT_SYMTAB", 6), DECL_CONST_INT("DT_RELA", 7),
    DECL_CONST_INT("DT_RELASZ", 8), DECL_CONST_INT("DT_RELAENT", 9),
    DECL_CONST_INT("DT_STRSZ", 10), DECL_CONST_INT("DT_SYMENT", 11),
    DECL_CONST_INT("DT_INIT", 12), DECL_CONST_INT("DT_FINI", 13),
    DECL_CONST_INT("DT_SONAME", 14), DECL_CONST_INT("DT_RPATH", 15),
    DECL_CONST_INT("DT_SYMBOLIC", 16), DECL_CONST_INT("DT_REL", 17),
    DECL_CONST_INT("DT_RELSZ", 18), DECL_CONST_INT("DT_RELENT", 19),
    DECL_CONST_INT("DT_PLTREL", 20), DECL_CONST_INT("DT_DEBUG", 21),
    DECL_CONST_INT("DT_TEXTREL", 22), DECL_CONST_INT("DT_JMPREL", 23),
    DECL_CONST_INT("DT_BIND_NOW", 24), DECL_CONST_INT("DT_INIT_ARRAY", 25),
    DECL_CONST_INT("DT_FINI_ARRAY", 26),
    DECL_CONST_INT("DT_INIT_ARRAYSZ", 27),
    DECL_CONST_INT("DT_FINI_ARRAYSZ", 28), DECL_CONST_INT("DT_RUNPATH", 29),
    DECL_CONST_INT("DT_FLAGS", 30), DECL_CONST_INT("DT_ENCODING", 32),

    DECL_CONST_INT("STT_NOTYPE", 0), DECL_CONST_INT("STT_OBJECT", 1),
    DECL_CONST_INT("STT_FUNC", 2), DECL_CONST_INT("STT_SECTION", 3),
    DECL_CONST_INT("STT_FILE", 4), DECL_CONST_INT("STT_COMMON", 5),
    DECL_CONST_INT("STT_TLS", 6),

    DECL_CONST_INT("STB_LOCAL", 0), DECL_CONST_INT("STB_GLOBAL", 1),
    DECL_CONST_INT("STB_WEAK", 2),

    DECL_CONST_INT("PF_X", 1), DECL_CONST_INT("PF_W", 2),
    DECL_CONST_INT("PF_R", 4),
    DECL_STRUCT_ARRAY("segments", segment_members),

    DECL_INT("dynamic_section_entries"),
    DECL_STRUCT_ARRAY("dynamic", dynamic_members),
    DECL_INT("symtab_entries"),
    DECL_STRUCT_ARRAY("symtab", symbol_members),
    DECL_INT("dynsym_entries"),
    DECL_STRUCT_ARRAY("dynsym", symbol_members),
    DECL_FUNC("import_md5", elf_import_md5_fns),
    DECL_FUNC("telfhash", elf_telfhash_fns),
};

/* The indices of the members the module sets: after 5 ET_, 14 EM_, 12
 * SHT_ and 3 SHF_ constants; segments after 10 PT_, 32 DT_, 7 STT_, 3 STB_
 * and 3 PF_. */
enum {
    M_TYPE = 5 + 14 + 12 + 3, M_MACHINE, M_ENTRY_POINT, M_NUMBER_OF_SECTIONS, M_SH_OFFSET,
    M_SH_ENTRY_SIZE, M_NUMBER_OF_SEGMENTS, M_PH_OFFSET, M_PH_ENTRY_SIZE,
    M_SECTIONS,
    M_SEGMENTS = M_SECTIONS + 1 + 10 + 32 + 7 + 3 + 3,
    M_DYNAMIC_ENTRIES, M_DYNAMIC, M_SYMTAB_ENTRIES, M_SYMTAB,
    M_DYNSYM_ENTRIES, M_DYNSYM, M_IMPORT_MD5, M_TELFHASH,
};

_Static_assert(DECL_LEN(members) == M_TELFHASH + 1, "member indices");

/* ---- The file ----------------------------------------------------------- */

#define ET_EXEC 2
#define SHT_NULL 0
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_NOBITS 8
#define SHT_DYNSYM 11
#define PT_DYNAMIC 2
#define SHN_LORESERVE 0xff00u
#define PN_XNUM 0xffffu

/* One ELF file's layout: where each table is and how wide its fields. */
struct elf {
    struct bytes b;
    bool is64, be;
    unsigned word;            /* 4 or 8: addresses, offsets, sizes */
    unsigned shsize, phsize;  /* the standard header sizes */
    unsigned symsize, dynsize;
    uint64_t type, entry, phoff, shoff, phnum, shnum, shstrndx;
};

/* An unsigned field of n bytes at off; 0 when out of the file (callers
 * check ranges first, this only keeps a hostile path from reading out). */
static uint64_t rd(const struct elf *e, uint64_t off, unsigned n)
{
    uint64_t v = 0;

    (void)bytes_uint(e->b, off, n, e->be, &v);
    return v;
}

static uint64_t rd_word(const struct elf *e, uint64_t off)
{
    return rd(e, off, e->word);
}

/* Fields of a section header, a program header, a symbol, by the
 * gABI's layouts. */
struct shdr {
    uint64_t name, type, flags, addr, offset, size, link;
};

static struct shdr section_at(const struct elf *e, uint64_t i)
{
    uint64_t o = e->shoff + i * e->shsize;
    unsigned w = e->word;
    struct shdr s;

    s.name = rd(e, o, 4);
    s.type = rd(e, o + 4, 4);
    s.flags = rd_word(e, o + 8);
    s.addr = rd_word(e, o + 8 + w);
    s.offset = rd_word(e, o + 8 + 2 * w);
    s.size = rd_word(e, o + 8 + 3 * w);
    s.link = rd(e, o + 8 + 4 * w, 4);
    return s;
}

struct phdr {
    uint64_t type, flags, offset, vaddr, paddr, filesz, memsz, align;
};

static struct phdr segment_at(const struct elf *e, uint64_t i)
{
    uint64_t o = e->phoff + i * e->phsize;
    struct phdr p;

    p.type = rd(e, o, 4);
    if (e->is64) {
        p.flags = rd(e, o + 4, 4);
        p.offset = rd(e, o + 8, 8);
        p.vaddr = rd(e, o + 16, 8);
        p.paddr = rd(e, o + 24, 8);
        p.filesz = rd(e, o + 32, 8);
        p.memsz = rd(e, o + 40, 8);
        p.align = rd(e, o + 48, 8);
    } else {
        p.offset = rd(e, o + 4, 4);
        p.vaddr = rd(e, o + 8, 4);
        p.paddr = rd(e, o + 12, 4);
        p.filesz = rd(e, o + 16, 4);
        p.memsz = rd(e, o + 20, 4);
        p.flags = rd(e, o + 24, 4);
        p.align = rd(e, o + 28, 4);
    }
    return p;
}

/* Whether n tables entries of size each at off lie inside the file. */
static bool table_inside(const struct elf *e, uint64_t off, uint64_t n,
                         uint64_t each)
{
    uint64_t len;

    return !__builtin_mul_overflow(n, each, &len) && off < e->b.len &&
           bytes_has(e->b, off, len);
}

static bool sections_inside(const struct elf *e)
{
    return e->shstrndx < e->shnum &&
           table_inside(e, e->shoff, e->shnum, e->shsize);
}

static bool segments_inside(const struct elf *e)
{
    return e->phnum > 0 && table_inside(e, e->phoff, e->phnum, e->phsize);
}

/*
 * Reads the identification and the header; false when yara would set
 * nothing: not an ELF file, a class or byte order it does not know, a
 * header without one byte after it. For the `entrypoint` keyword
 * (keyword), yara reads every ELF file as little endian, whatever its
 * EI_DATA, and takes a header that ends the file.
 */
static bool elf_open(struct elf *e, const uint8_t *data, uint64_t size,
                     bool keyword)
{
    uint8_t cls, order;
    unsigned hsize;

    memset(e, 0, sizeof(*e));
    e->b = bytes_make(data, (size_t)size);
    if (!bytes_has(e->b, 0, 16) || memcmp(data, "\x7f" "ELF", 4) != 0)
        return false;
    cls = data[4];
    order = data[5];
    if ((cls != 1 && cls != 2) ||
        (!keyword && order != 1 && order != 2))
        return false;
    e->is64 = cls == 2;
    e->be = !keyword && order == 2;
    e->word = e->is64 ? 8 : 4;
    hsize = e->is64 ? 64 : 52;
    e->shsize = e->is64 ? 64 : 40;
    e->phsize = e->is64 ? 56 : 32;
    e->symsize = e->is64 ? 24 : 16;
    e->dynsize = e->is64 ? 16 : 8;
    if (size < hsize || (!keyword && size == hsize))
        return false;
    e->type = rd(e, 16, 2);
    e->entry = rd_word(e, 24);
    e->phoff = rd_word(e, 24 + e->word);
    e->shoff = rd_word(e, 24 + 2 * e->word);
    e->phnum = rd(e, hsize - 8, 2);
    e->shnum = rd(e, hsize - 4, 2);
    e->shstrndx = rd(e, hsize - 2, 2);
    return true;
}

/* Whether rva lies in [start, start + size) with the end computed in the
 * file's word width, wrapping as yara's does: a range whose end wraps
 * holds nothing. */
static bool covers(const struct elf *e, uint64_t rva, uint64_t start,
                   uint64_t size)
{
    uint64_t end = start + size;

    if (!e->is64)
        end = (uint32_t)end;
    return rva >= start && rva < end;
}

/* e_entry as a file offset, or false: the first segment of any type
 * (ET_EXEC), or else the first section but SHT_NULL and SHT_NOBITS ones,
 * that covers it. */
static bool entry_offset(const struct elf *e, uint64_t *out)
{
    uint64_t rva = e->entry;

    if (e->type == ET_EXEC) {
        if (e->phoff == 0 || !segments_inside(e))
            return false;
        for (uint64_t i = 0; i < e->phnum; i++) {
            struct phdr p = segment_at(e, i);
            if (covers(e, rva, p.vaddr, p.memsz)) {
                *out = p.offset + (rva - p.vaddr);
                return true;
            }
        }
        return false;
    }
    if (e->shoff == 0 || e->shnum == 0 ||
        !table_inside(e, e->shoff, e->shnum, e->shsize))
        return false;
    for (uint64_t i = 0; i < e->shnum; i++) {
        struct shdr s = section_at(e, i);
        if (s.type != SHT_NULL && s.type != SHT_NOBITS &&
            covers(e, rva, s.addr, s.size)) {
            *out = s.offset + (rva - s.addr);
            return true;
        }
    }
    return false;
}

bool elf_entrypoint(const uint8_t *data, uint64_t size, int64_t *out)
{
    struct elf e;
    uint64_t off = 0;

    if (!elf_open(&e, data, size, true))
        return false;
    (void)entry_offset(&e, &off);
    *out = (int64_t)off;
    return true;
}

/*
 * The string at offset name of a string table at off whose strings end
 * before end: yara takes a name only from a table whose first byte is the
 * NUL the gABI puts there, and only when the name's NUL comes before end.
 */
static bool string_in(const struct elf *e, uint64_t off, uint64_t end,
                      uint64_t name, const uint8_t **s, size_t *n)
{
    uint64_t start;

    if (end > e->b.len)
        end = e->b.len;
    if (off >= end || e->b.p[off] != 0 ||
        __builtin_add_overflow(off, name, &start) ||
        !bytes_cstr(bytes_make(e->b.p, (size_t)end), start, SIZE_MAX, n))
        return false;
    *s = e->b.p + start;
    return true;
}

/* A symbol table found among the sections. */
struct symtab {
    bool found;
    uint64_t offset, size, str_offset, str_size;
};

/* What the module keeps for its functions: the file and the symbol table
 * they read (the dynamic one when the file has one, as YARA does). */
struct elf_state {
    struct elf e;
    struct symtab syms;
};

/* The fields of the Elf32_Sym or Elf64_Sym at off (inside the file: the
 * table was checked to be). */
struct sym {
    uint64_t name, value, size, info, shndx;
};

static struct sym symbol_at(const struct elf *e, uint64_t o)
{
    struct sym s;

    s.name = rd(e, o, 4);
    if (e->is64) {
        s.info = rd(e, o + 4, 1);
        s.shndx = rd(e, o + 6, 2);
        s.value = rd(e, o + 8, 8);
        s.size = rd(e, o + 16, 8);
    } else {
        s.value = rd(e, o + 4, 4);
        s.size = rd(e, o + 8, 4);
        s.info = rd(e, o + 12, 1);
        s.shndx = rd(e, o + 14, 2);
    }
    return s;
}

static void list_symbols(struct mod_instance *inst, const struct elf *e,
                         const struct symtab *t, uint32_t array,
                         uint32_t count)
{
    struct arena *a = inst->arena;
    struct mod_obj *arr = mod_obj_child(a, inst->root, array);
    uint64_t n = t->size / e->symsize;

    for (uint64_t i = 0; i < n; i++) {
        struct sym y = symbol_at(e, t->offset + i * e->symsize);
        struct mod_obj *s = mod_array_push_obj(a, arr);
        const uint8_t *str;
        size_t len;

        if (s == NULL)
            return;
        if (string_in(e, t->str_offset, t->str_offset + t->str_size, y.name,
                      &str, &len))
            mod_set_str(a, s, SYM_NAME, str, len);
        mod_set_int(s, SYM_VALUE, (int64_t)y.value);
        mod_set_int(s, SYM_SIZE, (int64_t)y.size);
        mod_set_int(s, SYM_TYPE, (int64_t)(y.info & 0xf));
        mod_set_int(s, SYM_BIND, (int64_t)(y.info >> 4));
        mod_set_int(s, SYM_SHNDX, (int64_t)y.shndx);
    }
    mod_set_int(inst->root, count, (int64_t)n);
}

static void list_sections(struct mod_instance *inst, const struct elf *e,
                          struct symtab *chosen)
{
    struct arena *a = inst->arena;
    struct mod_obj *arr = mod_obj_child(a, inst->root, M_SECTIONS);
    struct shdr strs = section_at(e, e->shstrndx);
    struct symtab tabs[2] = {{0}, {0}};

    for (uint64_t i = 0; i < e->shnum; i++) {
        struct shdr s = section_at(e, i);
        struct mod_obj *o = mod_array_push_obj(a, arr);
        const uint8_t *name;
        size_t len;

        if (o == NULL)
            return;
        mod_set_int(o, SEC_TYPE, (int64_t)s.type);
        mod_set_int(o, SEC_FLAGS, (int64_t)s.flags);
        mod_set_int(o, SEC_ADDRESS, (int64_t)s.addr);
        mod_set_int(o, SEC_SIZE, (int64_t)s.size);
        mod_set_int(o, SEC_OFFSET, (int64_t)s.offset);
        if (string_in(e, strs.offset, e->b.len, s.name, &name, &len))
            mod_set_str(a, o, SEC_NAME, name, len);
        if ((s.type == SHT_SYMTAB || s.type == SHT_DYNSYM) &&
            s.link < e->shnum) {
            struct shdr str = section_at(e, s.link);
            struct symtab *t = &tabs[s.type == SHT_DYNSYM];
            if (str.type == SHT_STRTAB && bytes_has(e->b, s.offset, s.size) &&
                bytes_has(e->b, str.offset, str.size)) {
                t->found = true;
                t->offset = s.offset;
                t->size = s.size;
                t->str_offset = str.offset;
                t->str_size = str.size;
            }
        }
    }
    if (tabs[0].found)
        list_symbols(inst, e, &tabs[0], M_SYMTAB, M_SYMTAB_ENTRIES);
    if (tabs[1].found)
        list_symbols(inst, e, &tabs[1], M_DYNSYM, M_DYNSYM_ENTRIES);
    *chosen = tabs[tabs[1].found];
}

/* A PT_DYNAMIC segment: where its entries start (and that offset modulo
 * the entry size, its chain), how many it has. */
struct dyn_seg {
    uint64_t offset, chain, count;
};

/* By chain, then offset, both descending: count_dynamic's order. */
static int by_chain_desc(const void *x, const void *y)
{
    const struct dyn_seg *a = *(const struct dyn_seg *const *)x;
    const struct dyn_seg *b = *(const struct dyn_seg *const *)y;

    if (a->chain != b->chain)
        return a->chain < b->chain ? 1 : -1;
    if (a->offset != b->offset)
        return a->offset < b->offset ? 1 : -1;
    return 0;
}

/*
 * Sets each segment's count: its entries up to DT_NULL, included, or to
 * the last whole entry of the file. Segments whose offsets are a whole
 * number of entries apart share the tail of one chain of entries, so they
 * are taken from the highest offset down and each scan stops where the
 * previous one started: every entry of the file is read once at most,
 * however many segments there are (65535 headers of one hostile file).
 */
static void count_dynamic(const struct elf *e, struct dyn_seg **order,
                          size_t n)
{
    const struct dyn_seg *prev = NULL;

    qsort(order, n, sizeof(*order), by_chain_desc);
    for (size_t k = 0; k < n; k++) {
        struct dyn_seg *d = order[k];
        uint64_t q = d->offset, c = 0;

        if (prev != NULL && prev->chain != d->chain)
            prev = NULL;
        while (bytes_has(e->b, q, e->dynsize)) {
            if (prev != NULL && q == prev->offset) {
                c += prev->count;
                break;
            }
            c++;
            if (rd_word(e, q) == 0)
                break;
            q += e->dynsize;
        }
        d->count = c;
        prev = d;
    }
}

static void set_dynamic(struct mod_obj *d, const struct elf *e, uint64_t off)
{
    uint64_t tag = rd_word(e, off), val = rd_word(e, off + e->word);

    /* Elf32_Sword d_tag as unsigned: yara's 0xfffffffb, not -5 */
    mod_set_int(d, DYN_TYPE, (int64_t)tag);
    mod_set_int(d, DYN_VAL, (int64_t)val);
}

/*
 * Each PT_DYNAMIC segment writes its entries from index 0 of `dynamic`
 * and sets the count, as yara's do: a later, shorter one leaves the tail
 * of an earlier, longer one. Going backwards, each index is written once,
 * by the last segment reaching it.
 */
static void list_dynamic(struct mod_instance *inst, const struct elf *e)
{
    struct arena *a = inst->arena;
    struct dyn_seg *segs, **order;
    struct mod_obj *dyn;
    size_t n = 0;
    uint64_t filled = 0;

    for (uint64_t i = 0; i < e->phnum; i++)
        n += segment_at(e, i).type == PT_DYNAMIC;
    if (n == 0 || (segs = arena_alloc_array(a, n, sizeof(*segs))) == NULL ||
        (order = arena_alloc_array(a, n, sizeof(*order))) == NULL ||
        (dyn = mod_obj_child(a, inst->root, M_DYNAMIC)) == NULL)
        return;
    n = 0;
    for (uint64_t i = 0; i < e->phnum; i++) {
        struct phdr p = segment_at(e, i);
        if (p.type == PT_DYNAMIC) {
            segs[n].offset = p.offset;
            segs[n].chain = p.offset % e->dynsize;
            order[n] = &segs[n];
            n++;
        }
    }
    count_dynamic(e, order, n);
    mod_set_int(inst->root, M_DYNAMIC_ENTRIES, (int64_t)segs[n - 1].count);
    for (size_t k = n; k-- > 0;) {
        for (; filled < segs[k].count; filled++) {
            struct mod_obj *d = mod_array_push_obj(a, dyn);
            if (d == NULL)
                return;
            set_dynamic(d, e, segs[k].offset + filled * e->dynsize);
        }
    }
}

static void list_segments(struct mod_instance *inst, const struct elf *e)
{
    struct arena *a = inst->arena;
    struct mod_obj *arr = mod_obj_child(a, inst->root, M_SEGMENTS);

    for (uint64_t i = 0; i < e->phnum; i++) {
        struct phdr p = segment_at(e, i);
        struct mod_obj *o = mod_array_push_obj(a, arr);

        if (o == NULL)
            return;
        mod_set_int(o, SEG_TYPE, (int64_t)p.type);
        mod_set_int(o, SEG_FLAGS, (int64_t)p.flags);
        mod_set_int(o, SEG_OFFSET, (int64_t)p.offset);
        mod_set_int(o, SEG_VADDR, (int64_t)p.vaddr);
        mod_set_int(o, SEG_PADDR, (int64_t)p.paddr);
        mod_set_int(o, SEG_FILESZ, (int64_t)p.filesz);
        mod_set_int(o, SEG_MEMSZ, (int64_t)p.memsz);
        mod_set_int(o, SEG_ALIGN, (int64_t)p.align);
    }
    list_dynamic(inst, e);
}

static void elf_load(struct mod_instance *inst)
{
    struct mod_obj *root = inst->root;
    struct elf_state *st = arena_alloc(inst->arena, sizeof(*st));
    struct elf e;
    uint64_t entry;

    if (st == NULL || !elf_open(&e, inst->data, inst->size, false))
        return;
    mod_set_int(root, M_TYPE, (int64_t)e.type);
    mod_set_int(root, M_MACHINE, (int64_t)rd(&e, 18, 2));
    mod_set_int(root, M_SH_OFFSET, (int64_t)e.shoff);
    mod_set_int(root, M_SH_ENTRY_SIZE,
                (int64_t)rd(&e, e.is64 ? 58 : 46, 2));
    mod_set_int(root, M_NUMBER_OF_SECTIONS, (int64_t)e.shnum);
    mod_set_int(root, M_PH_OFFSET, (int64_t)e.phoff);
    mod_set_int(root, M_PH_ENTRY_SIZE, (int64_t)rd(&e, e.is64 ? 54 : 42, 2));
    mod_set_int(root, M_NUMBER_OF_SEGMENTS, (int64_t)e.phnum);
    if (e.entry != 0 && entry_offset(&e, &entry))
        mod_set_int(root, M_ENTRY_POINT, (int64_t)entry);
    /* yara lists no section from SHN_LORESERVE on and no segment at
     * PN_XNUM (where the real counts would be elsewhere); the entry point
     * above is found without that check, as yara finds it. */
    if (e.shnum < SHN_LORESERVE && sections_inside(&e)) {
        st->e = e;
        list_sections(inst, &e, &st->syms);
        inst->state = st;
    }
    if (e.phnum < PN_XNUM && segments_inside(&e))
        list_segments(inst, &e);
}

/* ---- Functions ---------------------------------------------------------- */

/* A symbol's name, lowercased (ASCII only), in the arena. */
struct name {
    const char *s;
    size_t len;
};

static int by_name(const void *x, const void *y)
{
    const struct name *a = x, *b = y;
    int d = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

    return d != 0 ? d : (a->len > b->len) - (a->len < b->len);
}

/*
 * import_md5(): the MD5, in lowercase hex, of the names of the undefined
 * symbols (st_shndx SHN_UNDEF, name not empty) of the dynamic symbol table
 * (of the symbol table when there is none), lowercased, sorted bytewise
 * and joined with commas; undefined when there is no such name. Names are
 * those elf.dynsym[i].name gives.
 */
static void import_md5(struct mod_call *c)
{
    const struct elf_state *st = c->inst->state;
    struct name *names;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    uint64_t n, count = 0;
    EVP_MD_CTX *ctx;
    bool ok;

    if (st == NULL || !st->syms.found)
        return;
    n = st->syms.size / st->e.symsize;
    if (n == 0 || (names = arena_alloc(c->inst->arena,
                                       (size_t)n * sizeof(*names))) == NULL)
        return;
    for (uint64_t i = 0; i < n; i++) {
        struct sym y = symbol_at(&st->e, st->syms.offset + i * st->e.symsize);
        const uint8_t *str;
        size_t len;
        char *low;

        if (y.shndx != 0 ||
            !string_in(&st->e, st->syms.str_offset,
                       st->syms.str_offset + st->syms.str_size, y.name, &str,
                       &len) ||
            len == 0)
            continue;
        if ((low = arena_alloc(c->inst->arena, len)) == NULL)
            return;
        for (size_t j = 0; j < len; j++)
            low[j] = (char)(str[j] >= 'A' && str[j] <= 'Z' ? str[j] + 32
                                                           : str[j]);
        names[count].s = low;
        names[count++].len = len;
    }
    if (count == 0 || (ctx = EVP_MD_CTX_new()) == NULL)
        return;
    qsort(names, (size_t)count, sizeof(*names), by_name);
    ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;
    for (uint64_t i = 0; ok && i < count; i++)
        ok = (i == 0 || EVP_DigestUpdate(ctx, ",", 1) == 1) &&
             EVP_DigestUpdate(ctx, names[i].s, names[i].len) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &md_len) == 1;
    EVP_MD_CTX_free(ctx);
    if (ok)
        mod_ret_hex(c, md, md_len);
}

/*
 * telfhash(): declared, so that rules using it compile, but always
 * undefined: YARA gives the TLSH digest of a list of symbol names, and the
 * only TLSH Debian 12 has (libtlsh 3.4.4) hashes nothing shorter than 256
 * bytes, where YARA's hashes 50 bytes and up; every value in YARA's
 * documentation and tests is of a shorter list (docs/compat.md).
 */
static void telfhash(struct mod_call *c)
{
    (void)c;
}

static const struct mod_overload elf_import_md5_fns[1] = {
    MOD_PURE_FN("", 's', import_md5)};
static const struct mod_overload elf_telfhash_fns[1] = {MOD_FN("", 's', telfhash)};

const struct module module_elf = {
    .name = "elf",
    .root = DECL_STRUCT("elf", members),
    .load = elf_load,
};
