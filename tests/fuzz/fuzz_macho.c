/*
 * fuzz_macho.c - the macho module on hostile files: load (thin and fat
 * images, load commands, thread states), -D printing, and conditions that
 * walk segments and sections and call its functions.
 */
#include <stdint.h>
#include <stdlib.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "import \"macho\"\n"
    "rule r { condition:\n"
    "  for any s in macho.segments : (for any t in s.sections :\n"
    "    (t.sectname == \"__text\" and t.size > 0)) or\n"
    "  for any f in macho.file : (f.entry_point > 0 or f.number_of_segments\n"
    "    > 2) or macho.entry_point_for_arch(macho.CPU_TYPE_X86_64) > 0 or\n"
    "  macho.file_index_for_arch(12, 0) == 1 or macho.entry_point > 0\n"
    "}\n";

static struct candor_rules *rules;
static struct candor_scanner *scanner;

static void drop(void *ctx, const char *text, size_t len)
{
    volatile char sink = 0;

    (void)ctx;
    if (len > 0)
        sink = text[len - 1];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (scanner == NULL) {
        struct candor_compiler *c;
        if (candor_compiler_new(&c) != CANDOR_OK ||
            candor_compiler_add_string(c, rules_text, "fuzz_macho.yar",
                                       NULL) != CANDOR_OK ||
            candor_compiler_get_rules(c, &rules) != CANDOR_OK ||
            candor_scanner_new(rules, &scanner) != CANDOR_OK)
            abort();
        candor_compiler_free(c);
        candor_scanner_set_module_data(scanner, drop, NULL);
        candor_scanner_set_timeout(scanner, 10);
    }
    if (size <= (1u << 22))
        candor_scanner_scan_mem(scanner, data, size);
    return 0;
}
