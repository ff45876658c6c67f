/*
 * macho.c - the macho module: Mach-O headers, segments and sections, the
 * entry point, and fat (universal) binaries with one `file` per
 * architecture. yara 4.2.3 does not document this module; its fields,
 * constants and values here are those it shows with -D and in conditions
 * (tests/cases/macho.case, tests/modules/macho.sh), the file layout is
 * Apple's <mach-o/loader.h> and <mach-o/fat.h> as documented.
 *
 * Every read goes through base/bytes.h. Load commands are followed while
 * they fit in the data and in sizeofcmds, at most ncmds of them; a
 * truncated command ends the walk, leaving what follows undefined.
 */
#include "base/bytes.h"
#include "base/vec.h"
#include "modules/modules.h"

#define MH_MAGIC 0xfeedfaceu
#define MH_CIGAM 0xcefaedfeu
#define MH_MAGIC_64 0xfeedfacfu
#define MH_CIGAM_64 0xcffaedfeu
#define FAT_MAGIC 0xcafebabeu
#define FAT_MAGIC_64 0xcafebabfu

#define LC_SEGMENT 0x1u
#define LC_UNIXTHREAD 0x5u
#define LC_SEGMENT_64 0x19u
#define LC_MAIN 0x80000028u

#define CPU_TYPE_X86 7u
#define CPU_TYPE_X86_64 0x01000007u
#define CPU_TYPE_ARM 12u
#define CPU_TYPE_ARM64 0x0100000cu
#define CPU_TYPE_POWERPC 18u
#define CPU_TYPE_POWERPC64 0x01000012u

/* Members of a section, of a segment, of one Mach-O image (the module
 * itself and each fat `file`), and of a fat_arch entry. */
enum {
    SC_SECTNAME, SC_SEGNAME, SC_ADDR, SC_SIZE, SC_OFFSET, SC_ALIGN,
    SC_RELOFF, SC_NRELOC, SC_FLAGS, SC_RESERVED1, SC_RESERVED2,
    SC_RESERVED3
};
static const struct mod_decl section_members[] = {
    DECL_STRING("sectname"), DECL_STRING("segname"), DECL_INT("addr"),
    DECL_INT("size"), DECL_INT("offset"), DECL_INT("align"),
    DECL_INT("reloff"), DECL_INT("nreloc"), DECL_INT("flags"),
    DECL_INT("reserved1"), DECL_INT("reserved2"), DECL_INT("reserved3"),
};

enum {
    SG_SEGNAME, SG_VMADDR, SG_VMSIZE, SG_FILEOFF, SG_FSIZE, SG_MAXPROT,
    SG_INITPROT, SG_NSECTS, SG_FLAGS, SG_SECTIONS
};
static const struct mod_decl segment_members[] = {
    DECL_STRING("segname"), DECL_INT("vmaddr"), DECL_INT("vmsize"),
    DECL_INT("fileoff"), DECL_INT("fsize"), DECL_INT("maxprot"),
    DECL_INT("initprot"), DECL_INT("nsects"), DECL_INT("flags"),
    DECL_STRUCT_ARRAY("sections", section_members),
};

/* The image members, in the same order in the module and in `file`. */
enum {
    IM_MAGIC, IM_CPUTYPE, IM_CPUSUBTYPE, IM_FILETYPE, IM_NCMDS,
    IM_SIZEOFCMDS, IM_FLAGS, IM_RESERVED, IM_NUMBER_OF_SEGMENTS,
    IM_SEGMENTS, IM_ENTRY_POINT, IM_STACK_SIZE, IM_COUNT
};
#define IMAGE_MEMBERS                                                       \
    DECL_INT("magic"), DECL_INT("cputype"), DECL_INT("cpusubtype"),         \
        DECL_INT("filetype"), DECL_INT("ncmds"), DECL_INT("sizeofcmds"),    \
        DECL_INT("flags"), DECL_INT("reserved"),                            \
        DECL_INT("number_of_segments"),                                     \
        DECL_STRUCT_ARRAY("segments", segment_members),                     \
        DECL_INT("entry_point"), DECL_INT("stack_size")

static const struct mod_decl file_members[] = {IMAGE_MEMBERS};

enum { FA_CPUTYPE, FA_CPUSUBTYPE, FA_OFFSET, FA_SIZE, FA_ALIGN };
static const struct mod_decl fat_arch_members[] = {
    DECL_INT("cputype"), DECL_INT("cpusubtype"), DECL_INT("offset"),
    DECL_INT("size"), DECL_INT("align"),
};

/* One image being read: its bytes (the whole file or a fat slice), byte
 * order and word size. */
struct image {
    struct bytes b;
    bool be, is64;
};

static bool rd32(const struct image *im, uint64_t off, uint64_t *v)
{
    return bytes_uint(im->b, off, 4, im->be, v);
}

/* A fixed 16-byte name: up to its first NUL. */
static void set_name(struct arena *a, struct mod_obj *o, uint32_t member,
                     struct bytes b, uint64_t off)
{
    size_t n;

    if (!bytes_has(b, off, 16))
        return;
    bytes_cstr(b, off, 16, &n);
    mod_set_str(a, o, member, b.p + off, n);
}

/* Reads the fields at off of the given widths (4 or 8 bytes) into the
 * members first.. of o; false when they do not fit. */
static bool read_fields(const struct image *im, struct mod_obj *o,
                        uint64_t off, const unsigned *widths, unsigned n,
                        uint32_t first)
{
    uint64_t v;

    for (unsigned i = 0; i < n; i++) {
        if (!bytes_uint(im->b, off, widths[i], im->be, &v))
            return false;
        mod_set_int(o, first + i, (int64_t)v);
        off += widths[i];
    }
    return true;
}

static void read_section(struct mod_instance *inst, const struct image *im,
                         struct mod_obj *sect, uint64_t off, bool wide)
{
    unsigned w = wide ? 8 : 4;
    const unsigned addr_size[] = {w, w};
    const unsigned rest[] = {4, 4, 4, 4, 4, 4, 4, 4};

    set_name(inst->arena, sect, SC_SECTNAME, im->b, off);
    set_name(inst->arena, sect, SC_SEGNAME, im->b, off + 16);
    if (read_fields(im, sect, off + 32, addr_size, 2, SC_ADDR))
        read_fields(im, sect, off + 32 + 2 * w, rest, wide ? 8 : 7,
                    SC_OFFSET);
}

/* LC_SEGMENT(_64) at off, cmdsize bytes, laid out as its command says
 * (wide: LC_SEGMENT_64), whatever the image's header, as yara reads it. */
static void read_segment(struct mod_instance *inst, const struct image *im,
                         struct mod_obj *segs, uint64_t off, uint64_t size,
                         bool wide)
{
    unsigned w = wide ? 8 : 4;
    const unsigned widths[] = {w, w, w, w, 4, 4, 4, 4};
    uint64_t head = 8 + 16 + 4 * (uint64_t)w + 16;
    uint64_t sect_size = wide ? 80 : 68, nsects = 0;
    struct mod_obj *seg = mod_array_push_obj(inst->arena, segs), *sects;

    if (seg == NULL)
        return;
    set_name(inst->arena, seg, SG_SEGNAME, im->b, off + 8);
    if (!read_fields(im, seg, off + 24, widths, 8, SG_VMADDR))
        return;
    nsects = (uint64_t)mod_get(seg, SG_NSECTS).u.i;
    sects = mod_obj_child(inst->arena, seg, SG_SECTIONS);
    for (uint64_t i = 0; i < nsects; i++) {
        uint64_t at = off + head + i * sect_size;
        if (at + sect_size > off + size || !bytes_has(im->b, at, sect_size))
            break;
        read_section(inst, im, mod_array_push_obj(inst->arena, sects), at,
                     wide);
    }
}

/* A segment command's address range, for mapping entry points. */
struct va_range {
    uint64_t vmaddr, vmsize, fileoff;
};

/* The file offset of virtual address va through the first segment that
 * covers it; an end that wraps in 64 bits covers nothing, as in yara
 * (32-bit segments' ends do not wrap). */
static bool va_to_offset(const struct vec *ranges, uint64_t va,
                         uint64_t *out)
{
    for (size_t i = 0; i < ranges->n; i++) {
        const struct va_range *r = vec_at(ranges, i);
        uint64_t end = r->vmaddr + r->vmsize;
        if (va >= r->vmaddr && va < end) {
            *out = r->fileoff + (va - r->vmaddr);
            return true;
        }
    }
    return false;
}

/* LC_UNIXTHREAD at off, cmdsize bytes: the initial program counter,
 * whose place in the thread state depends on the CPU. yara takes it only
 * when the command holds the CPU's whole state (flavor and count, then
 * 64, 168, 68, 272, 160 or 304 bytes: found by growing cmdsize). */
static bool thread_pc(const struct image *im, uint64_t off, uint64_t size,
                      uint64_t cputype, uint64_t *pc)
{
    uint64_t state = off + 16, at, need;
    unsigned w;

    switch (cputype) {
    case CPU_TYPE_X86: at = 10 * 4, w = 4, need = 64; break;
    case CPU_TYPE_X86_64: at = 16 * 8, w = 8, need = 168; break;
    case CPU_TYPE_ARM: at = 15 * 4, w = 4, need = 68; break;
    case CPU_TYPE_ARM64: at = 32 * 8, w = 8, need = 272; break;
    case CPU_TYPE_POWERPC: at = 0, w = 4, need = 160; break;
    case CPU_TYPE_POWERPC64: at = 0, w = 8, need = 304; break;
    default: return false;
    }
    return size >= 16 + need && bytes_uint(im->b, state + at, w, im->be, pc);
}

/* A whole Mach-O image into img (the module, whose image members start
 * at base, or a fat `file`, base 0). The entry point of LC_UNIXTHREAD is
 * mapped through every segment command of the image, later ones too, as
 * yara maps it; the last command that gives one wins (LC_MAIN's too). */
static void read_image(struct mod_instance *inst, struct image *im,
                       struct mod_obj *img, uint32_t base)
{
    uint64_t magic, cputype, ncmds, sizeofcmds, off, end, v, cmd, size;
    const unsigned widths[] = {4, 4, 4, 4, 4, 4};
    struct mod_obj *segs;
    uint64_t n_segments = 0, main_at = 0, pc;
    struct vec ranges, pcs; /* struct va_range; uint64_t pairs (i, pc) */

    /* yara reads nothing of an image shorter than a 64-bit header. */
    if (im->b.len < 32 || !bytes_uint(im->b, 0, 4, false, &magic))
        return;
    im->be = magic == MH_CIGAM || magic == MH_CIGAM_64;
    im->is64 = magic == MH_MAGIC_64 || magic == MH_CIGAM_64;
    if (!rd32(im, 0, &magic) ||
        !read_fields(im, img, 4, widths, 6, base + IM_CPUTYPE))
        return;
    mod_set_int(img, base + IM_MAGIC, (int64_t)magic);
    if (im->is64 && rd32(im, 28, &v))
        mod_set_int(img, base + IM_RESERVED, (int64_t)v);
    cputype = (uint64_t)mod_get(img, base + IM_CPUTYPE).u.i;
    ncmds = (uint64_t)mod_get(img, base + IM_NCMDS).u.i;
    sizeofcmds = (uint64_t)mod_get(img, base + IM_SIZEOFCMDS).u.i;
    off = im->is64 ? 32 : 28;
    end = off + sizeofcmds;
    segs = mod_obj_child(inst->arena, img, base + IM_SEGMENTS);
    vec_init(&ranges, sizeof(struct va_range));
    vec_init(&pcs, 2 * sizeof(uint64_t));
    for (uint64_t i = 0; i < ncmds; i++) {
        if (!rd32(im, off, &cmd) || !rd32(im, off + 4, &size) || size < 8 ||
            off + size > end || !bytes_has(im->b, off, size))
            break;
        if (cmd == LC_SEGMENT || cmd == LC_SEGMENT_64) {
            struct va_range r, *slot;
            unsigned w = cmd == LC_SEGMENT_64 ? 8 : 4;
            read_segment(inst, im, segs, off, size, w == 8);
            n_segments++;
            if (bytes_uint(im->b, off + 24, w, im->be, &r.vmaddr) &&
                bytes_uint(im->b, off + 24 + w, w, im->be, &r.vmsize) &&
                bytes_uint(im->b, off + 24 + 2 * w, w, im->be, &r.fileoff) &&
                (slot = vec_push(&ranges)) != NULL)
                *slot = r;
        } else if (cmd == LC_MAIN) {
            uint64_t entry, stack;
            if (bytes_uint(im->b, off + 8, 8, im->be, &entry) &&
                bytes_uint(im->b, off + 16, 8, im->be, &stack)) {
                mod_set_int(img, base + IM_ENTRY_POINT, (int64_t)entry);
                mod_set_int(img, base + IM_STACK_SIZE, (int64_t)stack);
                main_at = i + 1;
            }
        } else if (cmd == LC_UNIXTHREAD && thread_pc(im, off, size, cputype,
                                                     &pc)) {
            uint64_t *slot = vec_push(&pcs);
            if (slot != NULL) {
                slot[0] = i + 1;
                slot[1] = pc;
            }
        }
        off += size;
    }
    mod_set_int(img, base + IM_NUMBER_OF_SEGMENTS, (int64_t)n_segments);
    /* The last thread after the last LC_MAIN whose counter maps. */
    for (size_t k = pcs.n; k-- > 0;) {
        const uint64_t *t = vec_at(&pcs, k);
        if (t[0] < main_at)
            break;
        if (va_to_offset(&ranges, t[1], &pc)) {
            mod_set_int(img, base + IM_ENTRY_POINT, (int64_t)pc);
            break;
        }
    }
    vec_fini(&ranges);
    vec_fini(&pcs);
}

static bool is_macho(uint64_t magic)
{
    return magic == MH_MAGIC || magic == MH_CIGAM || magic == MH_MAGIC_64 ||
           magic == MH_CIGAM_64;
}

/* ---- The module ---------------------------------------------------------- */

static void file_index(struct mod_call *c, bool subtype);
static void entry_for_arch(struct mod_call *c, bool subtype);
static void index_type(struct mod_call *c) { file_index(c, false); }
static void index_subtype(struct mod_call *c) { file_index(c, true); }
static void entry_type(struct mod_call *c) { entry_for_arch(c, false); }
static void entry_subtype(struct mod_call *c) { entry_for_arch(c, true); }

static const struct mod_overload file_index_fns[] = {
    MOD_FN("i", 'i', index_type), MOD_FN("ii", 'i', index_subtype)};
static const struct mod_overload entry_fns[] = {
    MOD_FN("i", 'i', entry_type), MOD_FN("ii", 'i', entry_subtype)};

#define N_CONSTS 150
enum {
    M_FAT_MAGIC = N_CONSTS + IM_COUNT, M_NFAT_ARCH, M_FAT_ARCH, M_FILE,
};

static const struct mod_decl members[] = {
#include "modules/macho_consts.inc"
    IMAGE_MEMBERS,
    DECL_INT("fat_magic"),
    DECL_INT("nfat_arch"),
    DECL_STRUCT_ARRAY("fat_arch", fat_arch_members),
    DECL_STRUCT_ARRAY("file", file_members),
    DECL_FUNC("file_index_for_arch", file_index_fns),
    DECL_FUNC("entry_point_for_arch", entry_fns),
};

_Static_assert(DECL_LEN(members) == M_FILE + 3,
               "macho: N_CONSTS must be the number of constants");

/* The fat_arch entry at off (32- or 64-bit), and its slice as a file. */
static void read_arch(struct mod_instance *inst, struct bytes b, bool fat64,
                      uint64_t off)
{
    struct mod_obj *arch, *files, *file;
    uint64_t cputype, subtype, offset, size, align;
    unsigned w = fat64 ? 8 : 4;
    struct image im;

    if (!bytes_uint(b, off, 4, true, &cputype) ||
        !bytes_uint(b, off + 4, 4, true, &subtype) ||
        !bytes_uint(b, off + 8, w, true, &offset) ||
        !bytes_uint(b, off + 8 + w, w, true, &size) ||
        !bytes_uint(b, off + 8 + 2 * w, 4, true, &align))
        return;
    arch = mod_array_push_obj(inst->arena,
                              mod_obj_child(inst->arena, inst->root,
                                            M_FAT_ARCH));
    files = mod_obj_child(inst->arena, inst->root, M_FILE);
    if (arch == NULL)
        return;
    mod_set_int(arch, FA_CPUTYPE, (int64_t)cputype);
    mod_set_int(arch, FA_CPUSUBTYPE, (int64_t)subtype);
    mod_set_int(arch, FA_OFFSET, (int64_t)offset);
    mod_set_int(arch, FA_SIZE, (int64_t)size);
    mod_set_int(arch, FA_ALIGN, (int64_t)align);
    /* yara reads a slice only when it lies wholly in the file; the
     * architecture's `file` is then missing (a hole). */
    if (!bytes_slice(b, offset, size, &im.b)) {
        mod_array_hole(inst->arena, files);
        return;
    }
    if ((file = mod_array_push_obj(inst->arena, files)) != NULL)
        read_image(inst, &im, file, 0);
}

static void load(struct mod_instance *inst)
{
    struct bytes b = bytes_make(inst->data, (size_t)inst->size);
    uint64_t magic, n_arch, entry;
    struct image im;

    if (!bytes_uint(b, 0, 4, false, &magic))
        return;
    if (is_macho(magic)) {
        im.b = b;
        read_image(inst, &im, inst->root, N_CONSTS);
        return;
    }
    if (!bytes_uint(b, 0, 4, true, &magic) ||
        (magic != FAT_MAGIC && magic != FAT_MAGIC_64) ||
        !bytes_uint(b, 4, 4, true, &n_arch))
        return;
    mod_set_int(inst->root, M_FAT_MAGIC, (int64_t)magic);
    mod_set_int(inst->root, M_NFAT_ARCH, (int64_t)n_arch);
    /* yara reads the architectures only when their whole table fits. */
    entry = magic == FAT_MAGIC_64 ? 32 : 20;
    if (n_arch > b.len / entry || !bytes_has(b, 8, n_arch * entry))
        return;
    for (uint64_t i = 0; i < n_arch; i++)
        read_arch(inst, b, magic == FAT_MAGIC_64, 8 + i * entry);
}

/* The fat_arch index for the CPU type (and subtype), or -1. */
static int64_t arch_index(struct mod_call *c, bool subtype)
{
    const struct mod_obj *archs = mod_get(c->inst->root, M_FAT_ARCH).u.o;

    if (mod_get(c->inst->root, M_FAT_ARCH).type != MV_OBJ)
        return -1;
    for (uint32_t i = 0; i < archs->n; i++) {
        const struct mod_obj *a = mod_index(archs, i).u.o;
        if (mod_get(a, FA_CPUTYPE).u.i == c->args[0].u.i &&
            (!subtype || mod_get(a, FA_CPUSUBTYPE).u.i == c->args[1].u.i))
            return i;
    }
    return -1;
}

static void file_index(struct mod_call *c, bool subtype)
{
    int64_t i = arch_index(c, subtype);

    if (i >= 0)
        mod_ret_int(c, i);
}

/* The entry point of that architecture's image, as an offset in the whole
 * file. */
static void entry_for_arch(struct mod_call *c, bool subtype)
{
    int64_t i = arch_index(c, subtype);
    struct mod_val file, arch, entry;

    if (i < 0)
        return;
    file = mod_index(mod_get(c->inst->root, M_FILE).u.o, i);
    arch = mod_index(mod_get(c->inst->root, M_FAT_ARCH).u.o, i);
    if (file.type != MV_OBJ || arch.type != MV_OBJ)
        return;
    entry = mod_get(file.u.o, IM_ENTRY_POINT);
    if (entry.type == MV_INT)
        mod_ret_int(c, (int64_t)((uint64_t)entry.u.i +
                                 (uint64_t)mod_get(arch.u.o, FA_OFFSET).u.i));
}

const struct module module_macho = {
    .name = "macho",
    .root = DECL_STRUCT("macho", members),
    .load = load,
};
