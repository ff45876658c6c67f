/*
 * pe.c - YARA's pe module: the declaration, the headers, sections, data
 * directories and overlay, and the functions over them. Imports and
 * exports are in pe_imports.c. Every value follows yara 4.2.3 as observed
 * with `yara -D` and conditions on real and crafted files
 * (tests/cases/pe.case, tests/modules/dump_diff.sh), including its
 * quirks: entry_point is -1 when the entry point's RVA maps to no file
 * offset; rva_to_offset rounds a section's raw offset down to
 * min(FileAlignment, 0x200).
 *
 * Layout (PE/COFF specification): the DOS header's e_lfanew (offset 0x3c)
 * points at "PE\0\0", followed by the 20-byte file header, the optional
 * header (224 bytes for PE32, 240 for PE32+, with 16 data directories)
 * and, SizeOfOptionalHeader bytes after the optional header's start, the
 * 40-byte section headers.
 */
#include "modules/pe.h"

#include <string.h>

/* ---- Reading ------------------------------------------------------------ */

static uint16_t u16(const struct pe *pe, uint64_t off)
{
    uint16_t v = 0;

    bytes_u16le(pe->b, off, &v);
    return v;
}

static uint32_t u32(const struct pe *pe, uint64_t off)
{
    return pe_u32(pe, off);
}

static uint64_t u64(const struct pe *pe, uint64_t off)
{
    uint64_t v = 0;

    bytes_u64le(pe->b, off, &v);
    return v;
}

bool pe_open(struct pe *pe, struct arena *arena, struct mod_obj *root,
             const uint8_t *data, uint64_t size)
{
    uint16_t mz;
    uint32_t lfanew;
    uint64_t need;

    memset(pe, 0, sizeof(*pe));
    pe->b = bytes_make(data, (size_t)size);
    pe->arena = arena;
    pe->root = root;
    if (pe->b.len < 64 || !bytes_u16le(pe->b, 0, &mz) || mz != 0x5a4d ||
        !bytes_u32le(pe->b, 0x3c, &lfanew) || (int32_t)lfanew < 0)
        return false;
    pe->nt = lfanew;
    if (!bytes_has(pe->b, pe->nt, 24) || u32(pe, pe->nt) != 0x00004550)
        return false;
    pe->opt = pe->nt + 24;
    if (!bytes_has(pe->b, pe->opt, 224))
        return false;
    pe->magic = u16(pe, pe->opt);
    pe->is64 = pe->magic == 0x20b;
    need = pe->is64 ? 240 : 224;
    if (!bytes_has(pe->b, pe->opt, need))
        return false;
    pe->n_sections = u16(pe, pe->nt + 6);
    pe->characteristics = u16(pe, pe->nt + 22);
    pe->sections = pe->opt + u16(pe, pe->nt + 20);
    pe->file_alignment = u32(pe, pe->opt + 36);
    return true;
}

bool pe_directory(const struct pe *pe, unsigned i, uint32_t *rva,
                  uint32_t *size)
{
    uint64_t off = pe->opt + (pe->is64 ? 112 : 96) + 8 * (uint64_t)i;

    if (i >= 16 || !bytes_has(pe->b, off, 8))
        return false;
    *rva = u32(pe, off);
    *size = u32(pe, off + 4);
    return true;
}

/* The section header i, when it lies inside the data. */
static bool section_at(const struct pe *pe, unsigned i, uint64_t *off)
{
    *off = pe->sections + 40 * (uint64_t)i;
    return bytes_has(pe->b, *off, 40);
}

static unsigned max_sections(const struct pe *pe)
{
    return pe->n_sections < PE_MAX_SECTIONS ? pe->n_sections
                                            : PE_MAX_SECTIONS;
}

/*
 * yara's RVA to file offset: the last section (in table order) whose
 * virtual address is at most rva and at least the previous candidate's,
 * with its raw offset rounded down to min(FileAlignment, 0x200); an RVA
 * below every section maps to itself. -1 when the RVA falls past the
 * section's raw data or its virtual size (the smaller counts: yara 4.2.3
 * maps no RVA of .bss, nor the file padding past a section's virtual
 * size), past the file, or a section header is cut off.
 */
int64_t pe_rva_to_offset(const struct pe *pe, uint64_t rva)
{
    uint32_t lowest = 0xffffffff, sec_rva = 0, sec_off = 0, sec_raw = 0;
    uint64_t off, result;

    for (unsigned i = 0; i < max_sections(pe); i++) {
        uint32_t va;
        if (!section_at(pe, i, &off))
            return -1;
        va = u32(pe, off + 12);
        if (va < lowest)
            lowest = va;
        if (rva >= va && sec_rva <= va) {
            uint32_t align = pe->file_alignment < 0x200 ? pe->file_alignment
                                                         : 0x200;
            sec_rva = va;
            sec_off = u32(pe, off + 20);
            sec_raw = u32(pe, off + 16);
            if (u32(pe, off + 8) < sec_raw)
                sec_raw = u32(pe, off + 8);
            if (align != 0)
                sec_off -= sec_off % align;
        }
    }
    if (rva < lowest) {
        sec_rva = 0;
        sec_off = 0;
        sec_raw = (uint32_t)pe->b.len;
    }
    if (rva - sec_rva >= sec_raw)
        return -1;
    result = sec_off + (rva - sec_rva);
    return result >= pe->b.len ? -1 : (int64_t)result;
}

/* ---- Headers ------------------------------------------------------------ */

static void set_version(struct pe *pe, uint32_t member, uint64_t off,
                        unsigned width)
{
    struct mod_obj *o = mod_obj_child(pe->arena, pe->root, member);
    uint64_t major, minor;

    if (o != NULL && bytes_uint(pe->b, off, width, false, &major) &&
        bytes_uint(pe->b, off + width, width, false, &minor)) {
        mod_set_int(o, PE_VER_MAJOR, (int64_t)major);
        mod_set_int(o, PE_VER_MINOR, (int64_t)minor);
    }
}

static void parse_file_header(struct pe *pe)
{
    struct mod_obj *r = pe->root;
    uint64_t h = pe->nt + 4;

    mod_set_int(r, PE_MACHINE, u16(pe, h));
    mod_set_int(r, PE_NUMBER_OF_SECTIONS, pe->n_sections);
    mod_set_int(r, PE_TIMESTAMP, u32(pe, h + 4));
    mod_set_int(r, PE_POINTER_TO_SYMBOL_TABLE, u32(pe, h + 8));
    mod_set_int(r, PE_NUMBER_OF_SYMBOLS, u32(pe, h + 12));
    mod_set_int(r, PE_SIZE_OF_OPTIONAL_HEADER, u16(pe, h + 16));
    mod_set_int(r, PE_CHARACTERISTICS, pe->characteristics);
}

/* The optional header: PE32+ has no BaseOfData and 8-byte ImageBase and
 * stack and heap sizes, which shifts the fields after them. */
static void parse_optional_header(struct pe *pe)
{
    struct mod_obj *r = pe->root;
    uint64_t o = pe->opt, w = pe->is64 ? 8 : 4, s;
    uint32_t ep = u32(pe, o + 16);

    mod_set_int(r, PE_ENTRY_POINT, pe_rva_to_offset(pe, ep));
    mod_set_int(r, PE_ENTRY_POINT_RAW, ep);
    mod_set_int(r, PE_IMAGE_BASE,
                pe->is64 ? (int64_t)u64(pe, o + 24) : u32(pe, o + 28));
    mod_set_int(r, PE_NUMBER_OF_RVA_AND_SIZES,
                u32(pe, o + (pe->is64 ? 108 : 92)));
    mod_set_int(r, PE_OPTHDR_MAGIC, pe->magic);
    mod_set_int(r, PE_SIZE_OF_CODE, u32(pe, o + 4));
    mod_set_int(r, PE_SIZE_OF_INITIALIZED_DATA, u32(pe, o + 8));
    mod_set_int(r, PE_SIZE_OF_UNINITIALIZED_DATA, u32(pe, o + 12));
    mod_set_int(r, PE_BASE_OF_CODE, u32(pe, o + 20));
    if (!pe->is64)
        mod_set_int(r, PE_BASE_OF_DATA, u32(pe, o + 24));
    mod_set_int(r, PE_SECTION_ALIGNMENT, u32(pe, o + 32));
    mod_set_int(r, PE_FILE_ALIGNMENT, pe->file_alignment);
    set_version(pe, PE_LINKER_VERSION, o + 2, 1);
    set_version(pe, PE_OS_VERSION, o + 40, 2);
    set_version(pe, PE_IMAGE_VERSION, o + 44, 2);
    set_version(pe, PE_SUBSYSTEM_VERSION, o + 48, 2);
    mod_set_int(r, PE_WIN32_VERSION_VALUE, u32(pe, o + 52));
    mod_set_int(r, PE_SIZE_OF_IMAGE, u32(pe, o + 56));
    mod_set_int(r, PE_SIZE_OF_HEADERS, u32(pe, o + 60));
    mod_set_int(r, PE_CHECKSUM, u32(pe, o + 64));
    mod_set_int(r, PE_SUBSYSTEM, u16(pe, o + 68));
    mod_set_int(r, PE_DLL_CHARACTERISTICS, u16(pe, o + 70));
    s = o + 72;
    mod_set_int(r, PE_SIZE_OF_STACK_RESERVE,
                pe->is64 ? (int64_t)u64(pe, s) : u32(pe, s));
    mod_set_int(r, PE_SIZE_OF_STACK_COMMIT,
                pe->is64 ? (int64_t)u64(pe, s + w) : u32(pe, s + w));
    mod_set_int(r, PE_SIZE_OF_HEAP_RESERVE,
                pe->is64 ? (int64_t)u64(pe, s + 2 * w) : u32(pe, s + 2 * w));
    mod_set_int(r, PE_SIZE_OF_HEAP_COMMIT,
                pe->is64 ? (int64_t)u64(pe, s + 3 * w) : u32(pe, s + 3 * w));
    mod_set_int(r, PE_LOADER_FLAGS, u32(pe, s + 4 * w));
}

static void parse_directories(struct pe *pe)
{
    struct mod_obj *dirs = mod_obj_child(pe->arena, pe->root,
                                         PE_DATA_DIRECTORIES);
    uint32_t rva, size;

    for (unsigned i = 0; i < 16 && pe_directory(pe, i, &rva, &size); i++) {
        struct mod_obj *d = mod_array_push_obj(pe->arena, dirs);
        if (d == NULL)
            return;
        mod_set_int(d, PE_DIR_VIRTUAL_ADDRESS, rva);
        mod_set_int(d, PE_DIR_SIZE, size);
    }
}

/* ---- Sections ----------------------------------------------------------- */

/*
 * A name "/123" refers to offset 123 of the COFF string table, which
 * follows the symbol table (18 bytes a symbol): the full name is the run
 * of printable bytes there. Otherwise, or when the table is absent or
 * out of the data, the full name is the short name.
 */
static void set_full_name(struct pe *pe, struct mod_obj *sec,
                          const uint8_t name[8], size_t name_len)
{
    uint32_t symtab = u32(pe, pe->nt + 12), n_sym = u32(pe, pe->nt + 16);
    uint64_t str = 0, at, len = 0;

    if (name[0] == '/' && symtab != 0) {
        for (unsigned i = 1; i < 8 && name[i] >= '0' && name[i] <= '9'; i++)
            str = str * 10 + (uint64_t)(name[i] - '0');
        at = (uint64_t)symtab + 18 * (uint64_t)n_sym + str;
        if (!bytes_has(pe->b, at, 1))
            return;
        while (bytes_has(pe->b, at + len, 1) && pe->b.p[at + len] >= 0x20 &&
               pe->b.p[at + len] < 0x7f)
            len++;
        mod_set_str(pe->arena, sec, PE_SEC_FULL_NAME, pe->b.p + at,
                    (size_t)len);
        return;
    }
    mod_set_str(pe->arena, sec, PE_SEC_FULL_NAME, name, name_len);
}

static void parse_sections(struct pe *pe)
{
    struct mod_obj *arr = mod_obj_child(pe->arena, pe->root, PE_SECTIONS);
    struct mod_obj *ov = mod_obj_child(pe->arena, pe->root, PE_OVERLAY);
    uint64_t off, last_end = 0;

    for (unsigned i = 0; i < max_sections(pe) && section_at(pe, i, &off);
         i++) {
        struct mod_obj *s = mod_array_push_obj(pe->arena, arr);
        const uint8_t *name = pe->b.p + off;
        size_t name_len;
        uint64_t end;
        if (s == NULL)
            return;
        bytes_cstr(pe->b, off, 8, &name_len); /* 8 bytes, NUL or not */
        mod_set_str(pe->arena, s, PE_SEC_NAME, name, name_len);
        set_full_name(pe, s, name, name_len);
        mod_set_int(s, PE_SEC_CHARACTERISTICS, u32(pe, off + 36));
        mod_set_int(s, PE_SEC_VIRTUAL_ADDRESS, u32(pe, off + 12));
        mod_set_int(s, PE_SEC_VIRTUAL_SIZE, u32(pe, off + 8));
        mod_set_int(s, PE_SEC_RAW_DATA_OFFSET, u32(pe, off + 20));
        mod_set_int(s, PE_SEC_RAW_DATA_SIZE, u32(pe, off + 16));
        mod_set_int(s, PE_SEC_POINTER_TO_RELOCATIONS, u32(pe, off + 24));
        mod_set_int(s, PE_SEC_POINTER_TO_LINE_NUMBERS, u32(pe, off + 28));
        mod_set_int(s, PE_SEC_NUMBER_OF_RELOCATIONS, u16(pe, off + 32));
        mod_set_int(s, PE_SEC_NUMBER_OF_LINE_NUMBERS, u16(pe, off + 34));
        end = (uint64_t)u32(pe, off + 20) + u32(pe, off + 16);
        if (end > last_end)
            last_end = end;
    }
    if (last_end != 0 && pe->b.len > last_end) {
        mod_set_int(ov, PE_OVERLAY_OFFSET, (int64_t)last_end);
        mod_set_int(ov, PE_OVERLAY_SIZE, (int64_t)(pe->b.len - last_end));
    } else {
        mod_set_int(ov, PE_OVERLAY_OFFSET, 0);
        mod_set_int(ov, PE_OVERLAY_SIZE, 0);
    }
}

/* ---- Load --------------------------------------------------------------- */

static void load(struct mod_instance *inst)
{
    struct pe *pe = arena_alloc(inst->arena, sizeof(*pe));

    mod_set_int(inst->root, PE_IS_PE, 0);
    if (pe == NULL)
        return;
    if (!pe_open(pe, inst->arena, inst->root, inst->data, inst->size))
        return;
    inst->state = pe;
    mod_set_int(inst->root, PE_IS_PE, 1);
    parse_file_header(pe);
    parse_optional_header(pe);
    parse_directories(pe);
    pe_parse_resources(pe);
    parse_sections(pe);
    pe_parse_rich(pe);
    pe_parse_debug(pe);
    pe_parse_certificates(pe);
    pe_parse_imports(pe);
    pe_parse_exports(pe);
}

struct pe *pe_of(const struct mod_call *c)
{
    return c->inst->state;
}

/* ---- Functions ---------------------------------------------------------- */

static struct mod_obj *sections_of(const struct pe *pe)
{
    struct mod_val v = mod_get(pe->root, PE_SECTIONS);

    return v.type == MV_OBJ ? v.u.o : NULL;
}

/* section_index(name): the first section of that exact name. */
static void section_index_name(struct mod_call *c)
{
    struct pe *pe = pe_of(c);
    struct mod_obj *secs;

    if (pe == NULL || (secs = sections_of(pe)) == NULL)
        return;
    for (uint32_t i = 0; i < secs->n; i++) {
        struct mod_val n = mod_get(mod_index(secs, i).u.o, PE_SEC_NAME);
        if (n.type == MV_STR && n.len == c->args[0].len &&
            memcmp(n.u.s, c->args[0].u.s, n.len) == 0) {
            mod_ret_int(c, i);
            return;
        }
    }
}

/* section_index(addr): the first section whose raw data holds the file
 * offset addr. */
static void section_index_addr(struct mod_call *c)
{
    struct pe *pe = pe_of(c);
    struct mod_obj *secs;
    int64_t addr = c->args[0].u.i;

    if (pe == NULL || (secs = sections_of(pe)) == NULL)
        return;
    for (uint32_t i = 0; i < secs->n; i++) {
        struct mod_obj *s = mod_index(secs, i).u.o;
        int64_t off = mod_get(s, PE_SEC_RAW_DATA_OFFSET).u.i;
        int64_t size = mod_get(s, PE_SEC_RAW_DATA_SIZE).u.i;
        if (addr >= off && addr < off + size) {
            mod_ret_int(c, i);
            return;
        }
    }
}

/* locale(id) and language(id): whether a resource's language has that
 * locale (16 bits) or primary language (8 bits). */
static void resource_language(struct mod_call *c, int64_t mask)
{
    struct pe *pe = pe_of(c);
    struct mod_val v;
    struct mod_obj *res;

    if (pe == NULL)
        return;
    v = mod_get(pe->root, PE_RESOURCES);
    res = v.type == MV_OBJ ? v.u.o : NULL;
    for (uint32_t i = 0; res != NULL && i < res->n; i++) {
        struct mod_val lang = mod_get(mod_index(res, i).u.o, PE_RES_LANGUAGE);
        if (lang.type == MV_INT && (lang.u.i & mask) == c->args[0].u.i) {
            mod_ret_int(c, 1);
            return;
        }
    }
    mod_ret_int(c, 0);
}

static void locale(struct mod_call *c) { resource_language(c, 0xffff); }
static void language(struct mod_call *c) { resource_language(c, 0xff); }

static void is_dll(struct mod_call *c)
{
    struct pe *pe = pe_of(c);

    if (pe != NULL)
        mod_ret_int(c, (pe->characteristics & 0x2000) != 0);
}

static void is_32bit(struct mod_call *c)
{
    struct pe *pe = pe_of(c);

    if (pe != NULL)
        mod_ret_int(c, pe->magic == 0x10b);
}

static void is_64bit(struct mod_call *c)
{
    struct pe *pe = pe_of(c);

    if (pe != NULL)
        mod_ret_int(c, pe->magic == 0x20b);
}

static void rva_to_offset(struct mod_call *c)
{
    struct pe *pe = pe_of(c);
    int64_t off;

    if (pe == NULL || c->args[0].u.i < 0)
        return;
    off = pe_rva_to_offset(pe, (uint64_t)c->args[0].u.i);
    if (off >= 0)
        mod_ret_int(c, off);
}

/*
 * The PE checksum: the data as 32-bit little-endian words (a short tail
 * padded with zeros) without the CheckSum field, summed with the carries
 * folded in, folded to 16 bits, plus the data's length. The field is
 * skipped only at a 4-aligned offset, as yara does.
 */
static void calculate_checksum(struct mod_call *c)
{
    struct pe *pe = pe_of(c);
    uint64_t sum = 0, field, n;

    if (pe == NULL)
        return;
    field = pe->opt + 64;
    n = pe->b.len;
    for (uint64_t i = 0; i <= n / 4; i++) {
        uint64_t w = 0;
        if (4 * i == field)
            continue;
        for (unsigned j = 0; j < 4 && 4 * i + j < n; j++)
            w |= (uint64_t)pe->b.p[4 * i + j] << (8 * j);
        sum += w;
        if (sum > 0xffffffff)
            sum = (sum & 0xffffffff) + (sum >> 32);
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum += sum >> 16;
    sum &= 0xffff;
    mod_ret_int(c, (int64_t)(sum + n));
}

/* ---- Declaration -------------------------------------------------------- */

static const struct mod_overload section_index_fns[] = {
    MOD_FN("s", 'i', section_index_name), MOD_FN("i", 'i', section_index_addr)};
static const struct mod_overload is_dll_fns[] = {MOD_FN("", 'i', is_dll)};
static const struct mod_overload locale_fns[] = {MOD_FN("i", 'i', locale)};
static const struct mod_overload language_fns[] = {MOD_FN("i", 'i', language)};
static const struct mod_overload is_32bit_fns[] = {MOD_FN("", 'i', is_32bit)};
static const struct mod_overload is_64bit_fns[] = {MOD_FN("", 'i', is_64bit)};
static const struct mod_overload rva_to_offset_fns[] = {
    MOD_FN("i", 'i', rva_to_offset)};
static const struct mod_overload checksum_fns[] = {
    MOD_PURE_FN("", 'i', calculate_checksum)};

static const struct mod_decl version_members[] = {
    DECL_INT("major"),
    DECL_INT("minor"),
};

static const struct mod_decl dir_members[] = {
    DECL_INT("virtual_address"),
    DECL_INT("size"),
};

static const struct mod_decl section_members[] = {
    DECL_STRING("name"),
    DECL_STRING("full_name"),
    DECL_INT("characteristics"),
    DECL_INT("virtual_address"),
    DECL_INT("virtual_size"),
    DECL_INT("raw_data_offset"),
    DECL_INT("raw_data_size"),
    DECL_INT("pointer_to_relocations"),
    DECL_INT("pointer_to_line_numbers"),
    DECL_INT("number_of_relocations"),
    DECL_INT("number_of_line_numbers"),
};

static const struct mod_decl overlay_members[] = {
    DECL_INT("offset"),
    DECL_INT("size"),
};

static const struct mod_decl rich_members[] = {
    DECL_INT("offset"),
    DECL_INT("length"),
    DECL_INT("key"),
    DECL_STRING("raw_data"),
    DECL_STRING("clear_data"),
    DECL_FUNC("version", pe_rich_version_fns),
    DECL_FUNC("toolid", pe_rich_toolid_fns),
};

static const struct mod_decl function_members[] = {
    DECL_STRING("name"),
    DECL_INT("ordinal"),
};

static const struct mod_decl import_members[] = {
    DECL_STRING("library_name"),
    DECL_INT("number_of_functions"),
    DECL_STRUCT_ARRAY("functions", function_members),
};

static const struct mod_decl export_members[] = {
    DECL_INT("offset"),
    DECL_STRING("name"),
    DECL_STRING("forward_name"),
    DECL_INT("ordinal"),
};

static const struct mod_decl resource_members[] = {
    DECL_INT("rva"),
    DECL_INT("offset"),
    DECL_INT("length"),
    DECL_INT("type"),
    DECL_INT("id"),
    DECL_INT("language"),
    DECL_STRING("type_string"),
    DECL_STRING("name_string"),
    DECL_STRING("language_string"),
};

static const struct mod_decl version_info_members[] = {
    DECL_STRING("key"),
    DECL_STRING("value"),
};

static const struct mod_decl signature_members[] = {
    DECL_STRING("thumbprint"),
    DECL_STRING("issuer"),
    DECL_STRING("subject"),
    DECL_INT("version"),
    DECL_STRING("algorithm"),
    DECL_STRING("algorithm_oid"),
    DECL_STRING("serial"),
    DECL_INT("not_before"),
    DECL_INT("not_after"),
    DECL_FUNC("valid_on", pe_valid_on_fns),
};

/* In yara's order: -D lists them last to first. */
static const struct mod_decl members[] = {
    DECL_CONST_INT("MACHINE_UNKNOWN", 0),
    DECL_CONST_INT("MACHINE_AM33", 467),
    DECL_CONST_INT("MACHINE_AMD64", 34404),
    DECL_CONST_INT("MACHINE_ARM", 448),
    DECL_CONST_INT("MACHINE_ARMNT", 452),
    DECL_CONST_INT("MACHINE_ARM64", 43620),
    DECL_CONST_INT("MACHINE_EBC", 3772),
    DECL_CONST_INT("MACHINE_I386", 332),
    DECL_CONST_INT("MACHINE_IA64", 512),
    DECL_CONST_INT("MACHINE_M32R", 36929),
    DECL_CONST_INT("MACHINE_MIPS16", 614),
    DECL_CONST_INT("MACHINE_MIPSFPU", 870),
    DECL_CONST_INT("MACHINE_MIPSFPU16", 1126),
    DECL_CONST_INT("MACHINE_POWERPC", 496),
    DECL_CONST_INT("MACHINE_POWERPCFP", 497),
    DECL_CONST_INT("MACHINE_R4000", 358),
    DECL_CONST_INT("MACHINE_SH3", 418),
    DECL_CONST_INT("MACHINE_SH3DSP", 419),
    DECL_CONST_INT("MACHINE_SH4", 422),
    DECL_CONST_INT("MACHINE_SH5", 424),
    DECL_CONST_INT("MACHINE_THUMB", 450),
    DECL_CONST_INT("MACHINE_WCEMIPSV2", 361),
    DECL_CONST_INT("MACHINE_TARGET_HOST", 1),
    DECL_CONST_INT("MACHINE_R3000", 354),
    DECL_CONST_INT("MACHINE_R10000", 360),
    DECL_CONST_INT("MACHINE_ALPHA", 388),
    DECL_CONST_INT("MACHINE_SH3E", 420),
    DECL_CONST_INT("MACHINE_ALPHA64", 644),
    DECL_CONST_INT("MACHINE_AXP64", 644),
    DECL_CONST_INT("MACHINE_TRICORE", 1312),
    DECL_CONST_INT("MACHINE_CEF", 3311),
    DECL_CONST_INT("MACHINE_CEE", 49390),
    DECL_CONST_INT("SUBSYSTEM_UNKNOWN", 0),
    DECL_CONST_INT("SUBSYSTEM_NATIVE", 1),
    DECL_CONST_INT("SUBSYSTEM_WINDOWS_GUI", 2),
    DECL_CONST_INT("SUBSYSTEM_WINDOWS_CUI", 3),
    DECL_CONST_INT("SUBSYSTEM_OS2_CUI", 5),
    DECL_CONST_INT("SUBSYSTEM_POSIX_CUI", 7),
    DECL_CONST_INT("SUBSYSTEM_NATIVE_WINDOWS", 8),
    DECL_CONST_INT("SUBSYSTEM_WINDOWS_CE_GUI", 9),
    DECL_CONST_INT("SUBSYSTEM_EFI_APPLICATION", 10),
    DECL_CONST_INT("SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER", 11),
    DECL_CONST_INT("SUBSYSTEM_EFI_RUNTIME_DRIVER", 12),
    DECL_CONST_INT("SUBSYSTEM_EFI_ROM_IMAGE", 13),
    DECL_CONST_INT("SUBSYSTEM_XBOX", 14),
    DECL_CONST_INT("SUBSYSTEM_WINDOWS_BOOT_APPLICATION", 16),
    DECL_CONST_INT("HIGH_ENTROPY_VA", 32),
    DECL_CONST_INT("DYNAMIC_BASE", 64),
    DECL_CONST_INT("FORCE_INTEGRITY", 128),
    DECL_CONST_INT("NX_COMPAT", 256),
    DECL_CONST_INT("NO_ISOLATION", 512),
    DECL_CONST_INT("NO_SEH", 1024),
    DECL_CONST_INT("NO_BIND", 2048),
    DECL_CONST_INT("APPCONTAINER", 4096),
    DECL_CONST_INT("WDM_DRIVER", 8192),
    DECL_CONST_INT("GUARD_CF", 16384),
    DECL_CONST_INT("TERMINAL_SERVER_AWARE", 32768),
    DECL_CONST_INT("RELOCS_STRIPPED", 1),
    DECL_CONST_INT("EXECUTABLE_IMAGE", 2),
    DECL_CONST_INT("LINE_NUMS_STRIPPED", 4),
    DECL_CONST_INT("LOCAL_SYMS_STRIPPED", 8),
    DECL_CONST_INT("AGGRESIVE_WS_TRIM", 16),
    DECL_CONST_INT("LARGE_ADDRESS_AWARE", 32),
    DECL_CONST_INT("BYTES_REVERSED_LO", 128),
    DECL_CONST_INT("MACHINE_32BIT", 256),
    DECL_CONST_INT("DEBUG_STRIPPED", 512),
    DECL_CONST_INT("REMOVABLE_RUN_FROM_SWAP", 1024),
    DECL_CONST_INT("NET_RUN_FROM_SWAP", 2048),
    DECL_CONST_INT("SYSTEM", 4096),
    DECL_CONST_INT("DLL", 8192),
    DECL_CONST_INT("UP_SYSTEM_ONLY", 16384),
    DECL_CONST_INT("BYTES_REVERSED_HI", 32768),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_EXPORT", 0),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_IMPORT", 1),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_RESOURCE", 2),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_EXCEPTION", 3),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_SECURITY", 4),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_BASERELOC", 5),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_DEBUG", 6),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_ARCHITECTURE", 7),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_COPYRIGHT", 7),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_GLOBALPTR", 8),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_TLS", 9),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG", 10),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_BOUND_IMPORT", 11),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_IAT", 12),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT", 13),
    DECL_CONST_INT("IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR", 14),
    DECL_CONST_INT("IMAGE_NT_OPTIONAL_HDR32_MAGIC", 267),
    DECL_CONST_INT("IMAGE_NT_OPTIONAL_HDR64_MAGIC", 523),
    DECL_CONST_INT("IMAGE_ROM_OPTIONAL_HDR_MAGIC", 263),
    DECL_CONST_INT("SECTION_NO_PAD", 8),
    DECL_CONST_INT("SECTION_CNT_CODE", 32),
    DECL_CONST_INT("SECTION_CNT_INITIALIZED_DATA", 64),
    DECL_CONST_INT("SECTION_CNT_UNINITIALIZED_DATA", 128),
    DECL_CONST_INT("SECTION_LNK_OTHER", 256),
    DECL_CONST_INT("SECTION_LNK_INFO", 512),
    DECL_CONST_INT("SECTION_LNK_REMOVE", 2048),
    DECL_CONST_INT("SECTION_LNK_COMDAT", 4096),
    DECL_CONST_INT("SECTION_NO_DEFER_SPEC_EXC", 16384),
    DECL_CONST_INT("SECTION_GPREL", 32768),
    DECL_CONST_INT("SECTION_MEM_FARDATA", 32768),
    DECL_CONST_INT("SECTION_MEM_PURGEABLE", 131072),
    DECL_CONST_INT("SECTION_MEM_16BIT", 131072),
    DECL_CONST_INT("SECTION_MEM_LOCKED", 262144),
    DECL_CONST_INT("SECTION_MEM_PRELOAD", 524288),
    DECL_CONST_INT("SECTION_ALIGN_1BYTES", 1048576),
    DECL_CONST_INT("SECTION_ALIGN_2BYTES", 2097152),
    DECL_CONST_INT("SECTION_ALIGN_4BYTES", 3145728),
    DECL_CONST_INT("SECTION_ALIGN_8BYTES", 4194304),
    DECL_CONST_INT("SECTION_ALIGN_16BYTES", 5242880),
    DECL_CONST_INT("SECTION_ALIGN_32BYTES", 6291456),
    DECL_CONST_INT("SECTION_ALIGN_64BYTES", 7340032),
    DECL_CONST_INT("SECTION_ALIGN_128BYTES", 8388608),
    DECL_CONST_INT("SECTION_ALIGN_256BYTES", 9437184),
    DECL_CONST_INT("SECTION_ALIGN_512BYTES", 10485760),
    DECL_CONST_INT("SECTION_ALIGN_1024BYTES", 11534336),
    DECL_CONST_INT("SECTION_ALIGN_2048BYTES", 12582912),
    DECL_CONST_INT("SECTION_ALIGN_4096BYTES", 13631488),
    DECL_CONST_INT("SECTION_ALIGN_8192BYTES", 14680064),
    DECL_CONST_INT("SECTION_ALIGN_MASK", 15728640),
    DECL_CONST_INT("SECTION_LNK_NRELOC_OVFL", 16777216),
    DECL_CONST_INT("SECTION_MEM_DISCARDABLE", 33554432),
    DECL_CONST_INT("SECTION_MEM_NOT_CACHED", 67108864),
    DECL_CONST_INT("SECTION_MEM_NOT_PAGED", 134217728),
    DECL_CONST_INT("SECTION_MEM_SHARED", 268435456),
    DECL_CONST_INT("SECTION_MEM_EXECUTE", 536870912),
    DECL_CONST_INT("SECTION_MEM_READ", 1073741824),
    DECL_CONST_INT("SECTION_MEM_WRITE", 2147483648),
    DECL_CONST_INT("SECTION_SCALE_INDEX", 1),
    DECL_CONST_INT("RESOURCE_TYPE_CURSOR", 1),
    DECL_CONST_INT("RESOURCE_TYPE_BITMAP", 2),
    DECL_CONST_INT("RESOURCE_TYPE_ICON", 3),
    DECL_CONST_INT("RESOURCE_TYPE_MENU", 4),
    DECL_CONST_INT("RESOURCE_TYPE_DIALOG", 5),
    DECL_CONST_INT("RESOURCE_TYPE_STRING", 6),
    DECL_CONST_INT("RESOURCE_TYPE_FONTDIR", 7),
    DECL_CONST_INT("RESOURCE_TYPE_FONT", 8),
    DECL_CONST_INT("RESOURCE_TYPE_ACCELERATOR", 9),
    DECL_CONST_INT("RESOURCE_TYPE_RCDATA", 10),
    DECL_CONST_INT("RESOURCE_TYPE_MESSAGETABLE", 11),
    DECL_CONST_INT("RESOURCE_TYPE_GROUP_CURSOR", 12),
    DECL_CONST_INT("RESOURCE_TYPE_GROUP_ICON", 14),
    DECL_CONST_INT("RESOURCE_TYPE_VERSION", 16),
    DECL_CONST_INT("RESOURCE_TYPE_DLGINCLUDE", 17),
    DECL_CONST_INT("RESOURCE_TYPE_PLUGPLAY", 19),
    DECL_CONST_INT("RESOURCE_TYPE_VXD", 20),
    DECL_CONST_INT("RESOURCE_TYPE_ANICURSOR", 21),
    DECL_CONST_INT("RESOURCE_TYPE_ANIICON", 22),
    DECL_CONST_INT("RESOURCE_TYPE_HTML", 23),
    DECL_CONST_INT("RESOURCE_TYPE_MANIFEST", 24),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_UNKNOWN", 0),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_COFF", 1),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_CODEVIEW", 2),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_FPO", 3),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_MISC", 4),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_EXCEPTION", 5),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_FIXUP", 6),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_OMAP_TO_SRC", 7),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_OMAP_FROM_SRC", 8),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_BORLAND", 9),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_RESERVED10", 10),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_CLSID", 11),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_VC_FEATURE", 12),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_POGO", 13),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_ILTCG", 14),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_MPX", 15),
    DECL_CONST_INT("IMAGE_DEBUG_TYPE_REPRO", 16),
    DECL_INT("is_pe"),
    DECL_INT("machine"),
    DECL_INT("number_of_sections"),
    DECL_INT("timestamp"),
    DECL_INT("pointer_to_symbol_table"),
    DECL_INT("number_of_symbols"),
    DECL_INT("size_of_optional_header"),
    DECL_INT("characteristics"),
    DECL_INT("entry_point"),
    DECL_INT("entry_point_raw"),
    DECL_INT("image_base"),
    DECL_INT("number_of_rva_and_sizes"),
    DECL_INT("number_of_version_infos"),
    DECL_DICT_OF("version_info", MT_STRING),
    DECL_STRUCT_ARRAY("version_info_list", version_info_members),
    DECL_INT("opthdr_magic"),
    DECL_INT("size_of_code"),
    DECL_INT("size_of_initialized_data"),
    DECL_INT("size_of_uninitialized_data"),
    DECL_INT("base_of_code"),
    DECL_INT("base_of_data"),
    DECL_INT("section_alignment"),
    DECL_INT("file_alignment"),
    DECL_STRUCT("linker_version", version_members),
    DECL_STRUCT("os_version", version_members),
    DECL_STRUCT("image_version", version_members),
    DECL_STRUCT("subsystem_version", version_members),
    DECL_INT("win32_version_value"),
    DECL_INT("size_of_image"),
    DECL_INT("size_of_headers"),
    DECL_INT("checksum"),
    DECL_INT("subsystem"),
    DECL_INT("dll_characteristics"),
    DECL_INT("size_of_stack_reserve"),
    DECL_INT("size_of_stack_commit"),
    DECL_INT("size_of_heap_reserve"),
    DECL_INT("size_of_heap_commit"),
    DECL_INT("loader_flags"),
    DECL_STRUCT_ARRAY("data_directories", dir_members),
    DECL_STRUCT_ARRAY("sections", section_members),
    DECL_STRUCT("overlay", overlay_members),
    DECL_STRUCT("rich_signature", rich_members),
    DECL_CONST_INT("IMPORT_DELAYED", 2),
    DECL_CONST_INT("IMPORT_STANDARD", 1),
    DECL_CONST_INT("IMPORT_ANY", -1),
    DECL_INT("number_of_imports"),
    DECL_INT("number_of_imported_functions"),
    DECL_INT("number_of_delayed_imports"),
    DECL_INT("number_of_delayed_imported_functions"),
    DECL_INT("number_of_exports"),
    DECL_STRING("dll_name"),
    DECL_INT("export_timestamp"),
    DECL_STRUCT_ARRAY("export_details", export_members),
    DECL_STRUCT_ARRAY("import_details", import_members),
    DECL_STRUCT_ARRAY("delay_import_details", import_members),
    DECL_INT("resource_timestamp"),
    DECL_STRUCT("resource_version", version_members),
    DECL_STRUCT_ARRAY("resources", resource_members),
    DECL_INT("number_of_resources"),
    DECL_STRING("pdb_path"),
    DECL_STRUCT_ARRAY("signatures", signature_members),
    DECL_INT("number_of_signatures"),
    DECL_FUNC("section_index", section_index_fns),
    DECL_FUNC("is_dll", is_dll_fns),
    DECL_FUNC("is_32bit", is_32bit_fns),
    DECL_FUNC("is_64bit", is_64bit_fns),
    DECL_FUNC("rva_to_offset", rva_to_offset_fns),
    DECL_FUNC("calculate_checksum", checksum_fns),
    DECL_FUNC("imports", pe_imports_fns),
    DECL_FUNC("exports", pe_exports_fns),
    DECL_FUNC("exports_index", pe_exports_index_fns),
    DECL_FUNC("imphash", pe_imphash_fns),
    DECL_FUNC("locale", locale_fns),
    DECL_FUNC("language", language_fns),
    DECL_FUNC("import_rva", pe_import_rva_fns),
};

/* The values come first, then the 13 functions (test_modules.c checks
 * every index against its name). */
_Static_assert(DECL_LEN(members) == PE_NUMBER_OF_SIGNATURES + 14,
               "pe.h's member indices follow the declaration");

const struct module module_pe = {
    .name = "pe",
    .root = DECL_STRUCT("pe", members),
    .load = load,
};

/* ---- The entrypoint keyword --------------------------------------------- */

/*
 * yara 4.2.3 computes `entrypoint` apart from the module, with looser
 * checks: "MZ", a non-negative e_lfanew, "PE\0\0", an i386 or AMD64
 * machine and the data reaching past the optional header as the file
 * header sizes it; then the entry point's RVA minus the virtual address
 * of the last best-matching section of the first 60, plus that section's
 * raw offset, unrounded and unchecked against the data's size.
 */
bool pe_entry_point(const uint8_t *data, uint64_t size, int64_t *offset)
{
    struct bytes b = bytes_make(data, (size_t)size);
    uint32_t lfanew, ep, sec_rva = 0, sec_off = 0, sig;
    uint16_t mz, machine, opt_size, n;
    uint64_t nt, sections;

    if (size < 64 || !bytes_u16le(b, 0, &mz) || mz != 0x5a4d ||
        !bytes_u32le(b, 0x3c, &lfanew) || (int32_t)lfanew < 0)
        return false;
    nt = lfanew;
    if (!bytes_u32le(b, nt, &sig) || !bytes_u16le(b, nt + 4, &machine) ||
        !bytes_u16le(b, nt + 6, &n) || !bytes_u16le(b, nt + 20, &opt_size) ||
        sig != 0x00004550 || (machine != 0x14c && machine != 0x8664) ||
        size <= nt + 24 + opt_size || !bytes_u32le(b, nt + 40, &ep))
        return false;
    sections = nt + 24 + opt_size;
    for (unsigned i = 0; i < n && i < 60; i++) {
        uint64_t off = sections + 40 * (uint64_t)i;
        uint32_t va, raw;
        if (off - nt + 40 >= size - nt || !bytes_u32le(b, off + 12, &va) ||
            !bytes_u32le(b, off + 20, &raw))
            break;
        if (ep >= va && sec_rva <= va) {
            sec_rva = va;
            sec_off = raw;
        }
    }
    *offset = (int64_t)sec_off + (int64_t)(ep - sec_rva);
    return true;
}
