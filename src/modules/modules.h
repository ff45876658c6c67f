/*
 * modules.h - every module candor has, for the registry (module.c).
 */
#ifndef CANDOR_MODULES_MODULES_H
#define CANDOR_MODULES_MODULES_H

#include "modules/module.h"

extern const struct module module_console;
extern const struct module module_cuckoo;
extern const struct module module_dex;
extern const struct module module_dotnet;
extern const struct module module_elf;
extern const struct module module_hash;
extern const struct module module_magic;
extern const struct module module_macho;
extern const struct module module_math;
extern const struct module module_pe;
extern const struct module module_string;
extern const struct module module_time;

/*
 * The `entrypoint` keyword for PE data (pe.c): the entry point's file
 * offset as yara 4.2.3 computes it; false when the data is no PE it reads
 * for it (the VM then asks elf_entrypoint, modules/elf.h).
 */
bool pe_entry_point(const uint8_t *data, uint64_t size, int64_t *offset);

/*
 * The bytes a function's (offset, size) arguments name, as yara takes them:
 * undefined (false) for a negative offset or size or an offset at or past
 * the end of the data; a size reaching past the end stops at the end.
 */
bool mod_range(const struct mod_call *c, int64_t offset, int64_t size,
               const uint8_t **p, size_t *n);

/*
 * Sets c's result to the lowercase hex form of the n bytes at p (a digest),
 * written in the instance's arena; leaves it undefined when memory ran out.
 */
void mod_ret_hex(struct mod_call *c, const unsigned char *p, size_t n);

/* Result setters for module functions. */
static inline void mod_ret_int(struct mod_call *c, int64_t v)
{
    c->ret.type = MV_INT;
    c->ret.u.i = v;
}

static inline void mod_ret_float(struct mod_call *c, double v)
{
    c->ret.type = MV_FLOAT;
    c->ret.u.f = v;
}

/* s must live as long as the scan (the instance's arena, or static). */
static inline void mod_ret_str(struct mod_call *c, const void *s, size_t len)
{
    c->ret.type = MV_STR;
    c->ret.len = (uint32_t)len;
    c->ret.u.s = s;
}

#endif /* CANDOR_MODULES_MODULES_H */
