/*
 * elf.h - what the elf module offers outside its declaration: the
 * `entrypoint` keyword's value for ELF files.
 */
#ifndef CANDOR_MODULES_ELF_H
#define CANDOR_MODULES_ELF_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The `entrypoint` keyword's value for an ELF file, as yara 4.2.3 gives
 * it: e_entry as a file offset, found as elf.entry_point finds it but
 * reading every file as little endian (a big-endian file's value is
 * garbage, as yara's), with 0 when no segment or section covers it, and
 * for an e_entry of 0. False when the data is not an ELF header of a
 * known class (the value is then undefined, or another format's).
 */
bool elf_entrypoint(const uint8_t *data, uint64_t size, int64_t *out);

#endif /* CANDOR_MODULES_ELF_H */
