/*
 * fuzz_pe.c - the pe module on hostile data: each input is loaded by the
 * module (its -D dump is built and read, so every value it set is touched)
 * and rules call every function of the module on it. Seeds in
 * tests/fuzz/corpus/pe are the crafted PEs of tests/modules/gen_pe.py.
 */
#include <stdint.h>
#include <stdlib.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "import \"pe\"\n"
    "rule functions {\n"
    "  condition:\n"
    "    pe.imports(\"kernel32.dll\", \"CreateFileA\") or\n"
    "    pe.imports(\"kernel32.dll\", 1) or pe.imports(\"kernel32.dll\") > 1 or\n"
    "    pe.imports(/k/i, /e/) > 0 or pe.imports(pe.IMPORT_ANY, /./, /./) or\n"
    "    pe.imports(pe.IMPORT_DELAYED, \"x.dll\", \"y\") or\n"
    "    pe.imports(pe.IMPORT_DELAYED, \"x.dll\", 3) or\n"
    "    pe.imports(pe.IMPORT_ANY, \"x.dll\") > 0 or\n"
    "    pe.exports(\"a\") or pe.exports(2) or pe.exports(/b/) or\n"
    "    pe.exports_index(\"a\") == 1 or pe.exports_index(2) == 1 or\n"
    "    pe.exports_index(/b/) == 1 or pe.imphash() == \"x\" or\n"
    "    pe.section_index(\".text\") == 1 or pe.section_index(100) == 1 or\n"
    "    pe.is_dll() or pe.is_32bit() or pe.is_64bit() or\n"
    "    pe.rva_to_offset(0x1000) == 1 or pe.calculate_checksum() == 1 or\n"
    "    pe.locale(0x409) or pe.language(9) or entrypoint == 1 or\n"
    "    pe.rich_signature.version(1) == 2 or\n"
    "    pe.rich_signature.toolid(1, 2) == 2 or\n"
    "    for any s in pe.signatures : (s.valid_on(0)) or\n"
    "    for any s in pe.sections : (s.name == \"x\") or\n"
    "    for any r in pe.resources : (r.type == 3) or\n"
    "    for any k, v in pe.version_info : (k == v)\n"
    "}\n";

static struct candor_rules *rules;
static struct candor_scanner *scanner;

/* Reads the whole dump, so the sanitizers see every byte of it. */
static void on_dump(void *ctx, const char *text, size_t len)
{
    volatile uint8_t sink = 0;

    (void)ctx;
    for (size_t i = 0; i < len; i++)
        sink ^= (uint8_t)text[i];
    (void)sink;
}

static void setup(void)
{
    struct candor_compiler *c;

    if (candor_compiler_new(&c) != CANDOR_OK)
        abort();
    if (candor_compiler_add_string(c, rules_text, "fuzz_pe.yar", NULL) !=
            CANDOR_OK ||
        candor_compiler_get_rules(c, &rules) != CANDOR_OK)
        abort();
    candor_compiler_free(c);
    if (candor_scanner_new(rules, &scanner) != CANDOR_OK)
        abort();
    candor_scanner_set_module_data(scanner, on_dump, NULL);
    candor_scanner_set_timeout(scanner, 10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (scanner == NULL)
        setup();
    if (size > (1u << 22))
        return 0;
    candor_scanner_scan_mem(scanner, data, size);
    return 0;
}
