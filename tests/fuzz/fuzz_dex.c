/*
 * fuzz_dex.c - the dex module on hostile files: load (header, id tables,
 * map list, class definitions, class data, code items), -D printing, and
 * conditions that walk methods and fields and call has_method() and
 * has_class() with strings and regexes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "import \"dex\"\n"
    "rule r { condition:\n"
    "  for any m in dex.method : (m.code_item.insns_size > 2 and\n"
    "    m.code_item.insns contains \"\\x0e\\x00\") or\n"
    "  for any f in dex.field : (f.access_flags & dex.ACC_STATIC and\n"
    "    f.name == \"x\") or\n"
    "  for any s in dex.string_ids : (s.size > 100) or\n"
    "  for any i in dex.map_list.map_item : (i.type == dex.TYPE_CODE_ITEM) or\n"
    "  dex.has_method(\"main\") or dex.has_method(\"La/B;\", \"run\") or\n"
    "  dex.has_method(/^on[A-Z]/) or dex.has_method(/Activity;$/, /^on/) or\n"
    "  dex.has_class(\"Lcom/example/Hello;\") or dex.has_class(/^Landroid\\//)\n"
    "  or dex.number_of_fields > 3\n"
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
            candor_compiler_add_string(c, rules_text, "fuzz_dex.yar",
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
