/*
 * fuzz_elf.c - the elf module on hostile data.
 *
 * Each input is scanned with `import "elf"`: the module loads it, its
 * values are printed as -D prints them (every field, element and string
 * read back), and a rule reads the fields through the VM, loops over
 * every array of structures and asks for the `entrypoint` keyword. A
 * scan may fail (timeout, limits) but must not crash, leak, hang or read
 * outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "import \"elf\"\n"
    "rule fields {\n"
    "  condition:\n"
    "    elf.type + elf.machine + elf.entry_point + entrypoint > 0 or\n"
    "    elf.sections[elf.number_of_sections - 1].name == \".x\" or\n"
    "    elf.segments[elf.number_of_segments - 1].type == 1 or\n"
    "    elf.dynamic[elf.dynamic_section_entries - 1].val == 0 or\n"
    "    elf.symtab[elf.symtab_entries - 1].name == \"main\" or\n"
    "    elf.dynsym[elf.dynsym_entries - 1].name == \"puts\"\n"
    "}\n"
    "rule loops {\n"
    "  condition:\n"
    "    for any s in elf.sections : (s.name == \".text\" and s.size > 0) or\n"
    "    for all g in elf.segments : (g.file_size <= g.memory_size) or\n"
    "    for any d in elf.dynamic : (d.type == elf.DT_NEEDED) or\n"
    "    for 2 s in elf.symtab : (s.bind == elf.STB_GLOBAL) or\n"
    "    for any s in elf.dynsym : (s.name == \"exit\")\n"
    "}\n";

static struct candor_rules *rules;
static struct candor_scanner *scanner;

/* Reads every byte of the printed values. */
static void on_text(void *ctx, const char *text, size_t len)
{
    volatile char sink = 0;

    (void)ctx;
    for (size_t i = 0; i < len; i++)
        sink ^= text[i];
    (void)sink;
}

static void setup(void)
{
    struct candor_compiler *c;

    if (candor_compiler_new(&c) != CANDOR_OK)
        abort();
    if (candor_compiler_add_string(c, rules_text, "fuzz_elf.yar", NULL) !=
            CANDOR_OK ||
        candor_compiler_get_rules(c, &rules) != CANDOR_OK)
        abort();
    candor_compiler_free(c);
    if (candor_scanner_new(rules, &scanner) != CANDOR_OK)
        abort();
    candor_scanner_set_module_data(scanner, on_text, NULL);
    candor_scanner_set_timeout(scanner, 10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (scanner == NULL)
        setup();
    if (size > (1u << 20))
        return 0;
    candor_scanner_scan_mem(scanner, data, size);
    return 0;
}
