/*
 * fuzz_dotnet.c - the dotnet module on hostile data: each input is loaded
 * by the module (its -D dump is built and read, so every value it set is
 * touched) and one rule a field reads every value of the module. Seeds in
 * tests/fuzz/corpus/dotnet are crafted .NET files of
 * tests/modules/gen_dotnet.py.
 */
#include <stdint.h>
#include <stdlib.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One rule a field, each false on any likely input, so that no rule's
 * result stops the reading of another field: every value the module set
 * is read by a condition. */
static const char rules_text[] =
    "import \"dotnet\"\n"
    "rule is_dotnet { condition: dotnet.is_dotnet == 2 }\n"
    "rule version { condition: dotnet.version == \"q\\x01\" }\n"
    "rule module_name { condition: dotnet.module_name == \"q\\x01\" }\n"
    "rule typelib { condition: dotnet.typelib == \"q\\x01\" }\n"
    "rule streams { condition: dotnet.number_of_streams == -1 or\n"
    "  for any s in dotnet.streams :\n"
    "    (s.name == \"q\\x01\" or s.offset + s.size == -1) }\n"
    "rule guids { condition: dotnet.number_of_guids == -1 or\n"
    "  for any g in dotnet.guids : (g == \"q\\x01\") }\n"
    "rule resources { condition: dotnet.number_of_resources == -1 or\n"
    "  for any r in dotnet.resources :\n"
    "    (r.name == \"q\\x01\" or r.offset + r.length == -1) }\n"
    "rule assembly { condition: dotnet.assembly.name == \"q\\x01\" or\n"
    "  dotnet.assembly.culture == \"q\\x01\" or\n"
    "  dotnet.assembly.version.major + dotnet.assembly.version.minor +\n"
    "  dotnet.assembly.version.build_number +\n"
    "  dotnet.assembly.version.revision_number == -1 }\n"
    "rule assembly_refs { condition: dotnet.number_of_assembly_refs == -1 or\n"
    "  for any r in dotnet.assembly_refs :\n"
    "    (r.name == \"q\\x01\" or r.public_key_or_token == \"q\\x01\" or\n"
    "     r.version.major + r.version.minor + r.version.build_number +\n"
    "     r.version.revision_number == -1) }\n"
    "rule modulerefs { condition: dotnet.number_of_modulerefs == -1 or\n"
    "  for any m in dotnet.modulerefs : (m == \"q\\x01\") }\n"
    "rule user_strings { condition: dotnet.number_of_user_strings == -1 or\n"
    "  for any u in dotnet.user_strings : (u == \"q\\x01\") }\n"
    "rule constants { condition: dotnet.number_of_constants == -1 or\n"
    "  for any c in dotnet.constants : (c == \"q\\x01\") }\n"
    "rule field_offsets { condition: dotnet.number_of_field_offsets == -1 or\n"
    "  for any f in dotnet.field_offsets : (f == -1) }\n";

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
