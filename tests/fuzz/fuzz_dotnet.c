/*
 * fuzz_dotnet.c - the dotnet module on hostile data: each input is loaded
 * by the module (its -D dump is built and read, so every value it set is
 * touched) and a rule reads every array of the module. Seeds in
 * tests/fuzz/corpus/dotnet are crafted .NET files of
 * tests/modules/gen_dotnet.py.
 */
#include <stdint.h>
#include <stdlib.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "import \"dotnet\"\n"
    "rule fields {\n"
    "  condition:\n"
    "    dotnet.is_dotnet or dotnet.version == \"x\" or\n"
    "    dotnet.module_name == \"x\" or dotnet.typelib == \"x\" or\n"
    "    dotnet.assembly.name == \"x\" or dotnet.assembly.version.major == 1 or\n"
    "    for any s in dotnet.streams : (s.name == \"#~\" and s.size > 1) or\n"
    "    for any g in dotnet.guids : (g == \"x\") or\n"
    "    for any r in dotnet.resources : (r.offset + r.length == 1) or\n"
    "    for any r in dotnet.assembly_refs :\n"
    "        (r.public_key_or_token == \"x\" or r.version.revision_number == 1) or\n"
    "    for any m in dotnet.modulerefs : (m == \"x\") or\n"
    "    for any u in dotnet.user_strings : (u == \"x\") or\n"
    "    for any c in dotnet.constants : (c == \"x\") or\n"
    "    for any f in dotnet.field_offsets : (f == 1)\n"
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
    if (candor_compiler_add_string(c, rules_text, "fuzz_dotnet.yar", NULL) !=
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
