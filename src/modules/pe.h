/*
 * pe.h - the pe module's parts (pe.c headers and sections, pe_imports.c,
 * pe_resources.c, pe_signatures.c): the parsed file they share and the
 * member indices of the declaration in pe.c.
 *
 * Everything refers to the scanned data through struct pe, which lives in
 * the scan's arena like the values it fills; nothing survives the scan.
 * Every read goes through base/bytes.h, and every count, offset, size and
 * RVA read from the file is treated as hostile.
 */
#ifndef CANDOR_MODULES_PE_H
#define CANDOR_MODULES_PE_H

#include "base/bytes.h"
#include "modules/modules.h"

/* yara reads at most this many section headers. */
#define PE_MAX_SECTIONS 96

struct imp_lists;

struct pe {
    struct bytes b;           /* the whole file */
    struct arena *arena;
    struct mod_obj *root;
    uint64_t nt;              /* offset of "PE\0\0" */
    uint64_t opt;             /* offset of the optional header */
    uint64_t sections;        /* offset of the first section header */
    uint16_t n_sections;      /* the header's NumberOfSections */
    uint16_t characteristics;
    uint16_t magic;           /* optional header magic */
    bool is64;                /* magic is 0x20b */
    uint32_t file_alignment;
    struct imp_lists *imports; /* the parsed imports (pe_imports.c) */
};

static inline uint32_t pe_u32(const struct pe *pe, uint64_t off)
{
    uint32_t v = 0;

    bytes_u32le(pe->b, off, &v);
    return v;
}

/* Member indices of the root structure, in declaration order (pe.c). */
enum pe_member {
    PE_N_CONSTANTS = 168, /* MACHINE_UNKNOWN ... IMAGE_DEBUG_TYPE_REPRO */
    PE_IS_PE = PE_N_CONSTANTS,
    PE_MACHINE,
    PE_NUMBER_OF_SECTIONS,
    PE_TIMESTAMP,
    PE_POINTER_TO_SYMBOL_TABLE,
    PE_NUMBER_OF_SYMBOLS,
    PE_SIZE_OF_OPTIONAL_HEADER,
    PE_CHARACTERISTICS,
    PE_ENTRY_POINT,
    PE_ENTRY_POINT_RAW,
    PE_IMAGE_BASE,
    PE_NUMBER_OF_RVA_AND_SIZES,
    PE_NUMBER_OF_VERSION_INFOS,
    PE_VERSION_INFO,
    PE_VERSION_INFO_LIST,
    PE_OPTHDR_MAGIC,
    PE_SIZE_OF_CODE,
    PE_SIZE_OF_INITIALIZED_DATA,
    PE_SIZE_OF_UNINITIALIZED_DATA,
    PE_BASE_OF_CODE,
    PE_BASE_OF_DATA,
    PE_SECTION_ALIGNMENT,
    PE_FILE_ALIGNMENT,
    PE_LINKER_VERSION,
    PE_OS_VERSION,
    PE_IMAGE_VERSION,
    PE_SUBSYSTEM_VERSION,
    PE_WIN32_VERSION_VALUE,
    PE_SIZE_OF_IMAGE,
    PE_SIZE_OF_HEADERS,
    PE_CHECKSUM,
    PE_SUBSYSTEM,
    PE_DLL_CHARACTERISTICS,
    PE_SIZE_OF_STACK_RESERVE,
    PE_SIZE_OF_STACK_COMMIT,
    PE_SIZE_OF_HEAP_RESERVE,
    PE_SIZE_OF_HEAP_COMMIT,
    PE_LOADER_FLAGS,
    PE_DATA_DIRECTORIES,
    PE_SECTIONS,
    PE_OVERLAY,
    PE_RICH_SIGNATURE,
    PE_IMPORT_DELAYED,
    PE_IMPORT_STANDARD,
    PE_IMPORT_ANY,
    PE_NUMBER_OF_IMPORTS,
    PE_NUMBER_OF_IMPORTED_FUNCTIONS,
    PE_NUMBER_OF_DELAYED_IMPORTS,
    PE_NUMBER_OF_DELAYED_IMPORTED_FUNCTIONS,
    PE_NUMBER_OF_EXPORTS,
    PE_DLL_NAME,
    PE_EXPORT_TIMESTAMP,
    PE_EXPORT_DETAILS,
    PE_IMPORT_DETAILS,
    PE_DELAY_IMPORT_DETAILS,
    PE_RESOURCE_TIMESTAMP,
    PE_RESOURCE_VERSION,
    PE_RESOURCES,
    PE_NUMBER_OF_RESOURCES,
    PE_PDB_PATH,
    PE_SIGNATURES,
    PE_NUMBER_OF_SIGNATURES,
};

/* major, minor (linker_version, os_version, ...). */
enum { PE_VER_MAJOR, PE_VER_MINOR };
/* data_directories[i] */
enum { PE_DIR_VIRTUAL_ADDRESS, PE_DIR_SIZE };
/* sections[i] */
enum {
    PE_SEC_NAME,
    PE_SEC_FULL_NAME,
    PE_SEC_CHARACTERISTICS,
    PE_SEC_VIRTUAL_ADDRESS,
    PE_SEC_VIRTUAL_SIZE,
    PE_SEC_RAW_DATA_OFFSET,
    PE_SEC_RAW_DATA_SIZE,
    PE_SEC_POINTER_TO_RELOCATIONS,
    PE_SEC_POINTER_TO_LINE_NUMBERS,
    PE_SEC_NUMBER_OF_RELOCATIONS,
    PE_SEC_NUMBER_OF_LINE_NUMBERS,
};
/* overlay */
enum { PE_OVERLAY_OFFSET, PE_OVERLAY_SIZE };
/* rich_signature */
enum {
    PE_RICH_OFFSET,
    PE_RICH_LENGTH,
    PE_RICH_KEY,
    PE_RICH_RAW_DATA,
    PE_RICH_CLEAR_DATA,
};
/* import_details[i], delay_import_details[i] */
enum { PE_IMP_LIBRARY_NAME, PE_IMP_NUMBER_OF_FUNCTIONS, PE_IMP_FUNCTIONS };
/* import_details[i].functions[j] */
enum { PE_FN_NAME, PE_FN_ORDINAL };
/* export_details[i] */
enum { PE_EXP_OFFSET, PE_EXP_NAME, PE_EXP_FORWARD_NAME, PE_EXP_ORDINAL };
/* resources[i] */
enum {
    PE_RES_RVA,
    PE_RES_OFFSET,
    PE_RES_LENGTH,
    PE_RES_TYPE,
    PE_RES_ID,
    PE_RES_LANGUAGE,
    PE_RES_TYPE_STRING,
    PE_RES_NAME_STRING,
    PE_RES_LANGUAGE_STRING,
};
/* version_info_list[i] */
enum { PE_VI_KEY, PE_VI_VALUE };
/* signatures[i] */
enum {
    PE_SIG_THUMBPRINT,
    PE_SIG_ISSUER,
    PE_SIG_SUBJECT,
    PE_SIG_VERSION,
    PE_SIG_ALGORITHM,
    PE_SIG_ALGORITHM_OID,
    PE_SIG_SERIAL,
    PE_SIG_NOT_BEFORE,
    PE_SIG_NOT_AFTER,
};

/* Whether the data is a PE yara accepts: "MZ", a non-negative e_lfanew,
 * "PE\0\0" there and the whole optional header (PE32 or PE32+, by its
 * magic) inside the data. Fills pe (the dotnet module's too), with root
 * the structure its parts fill. */
bool pe_open(struct pe *pe, struct arena *arena, struct mod_obj *root,
             const uint8_t *data, uint64_t size);

/* The parsed file of a call, or NULL when the data is not a PE. */
struct pe *pe_of(const struct mod_call *c);

/* yara's mapping of an RVA to a file offset; -1 when it has none. */
int64_t pe_rva_to_offset(const struct pe *pe, uint64_t rva);

/* The data directory entry i (0..15): false when it does not fit. */
bool pe_directory(const struct pe *pe, unsigned i, uint32_t *rva,
                  uint32_t *size);

/* Parts filled by their own files. */
void pe_parse_imports(struct pe *pe);
void pe_parse_exports(struct pe *pe);
void pe_parse_resources(struct pe *pe);
void pe_parse_rich(struct pe *pe);
void pe_parse_debug(struct pe *pe);
void pe_parse_certificates(struct pe *pe);

/* pe.imports(), pe.exports(), ... (pe_imports.c). */
extern const struct mod_overload pe_imports_fns[8];
extern const struct mod_overload pe_exports_fns[3];
extern const struct mod_overload pe_exports_index_fns[3];
extern const struct mod_overload pe_imphash_fns[1];
extern const struct mod_overload pe_import_rva_fns[2];
/* rich_signature.version(), .toolid(); signatures[i].valid_on()
 * (pe_signatures.c). */
extern const struct mod_overload pe_rich_version_fns[2];
extern const struct mod_overload pe_rich_toolid_fns[2];
extern const struct mod_overload pe_valid_on_fns[1];

#endif /* CANDOR_MODULES_PE_H */
