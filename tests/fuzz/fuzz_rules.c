/*
 * fuzz_rules.c - the rule compiler on hostile sources.
 *
 * Parses and compiles the input as a rule file, then scans a small buffer
 * with whatever compiled. Any input must end in rules or in diagnostics;
 * nothing may crash, leak or hang.
 */
#include <stdint.h>
#include <string.h>

#include "base/mem.h"
#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t sample[] = "MZ\x90\0abc\0d\0e hello world 0123";
    struct candor_compiler *c;
    struct candor_rules *rules = NULL;
    struct candor_scanner *s;
    char *src;

    if (size > 65536)
        return 0;
    src = mem_memdup(data, size); /* NUL-terminated copy */
    if (src == NULL || candor_compiler_new(&c) != CANDOR_OK) {
        mem_free(src);
        return 0;
    }
    candor_compiler_define_integer(c, "ext_int", 7);
    candor_compiler_define_string(c, "ext_str", "abc");
    if (candor_compiler_add_string(c, src, "fuzz.yar", NULL) == CANDOR_OK &&
        candor_compiler_get_rules(c, &rules) == CANDOR_OK) {
        if (candor_scanner_new(rules, &s) == CANDOR_OK) {
            candor_scanner_set_timeout(s, 5);
            candor_scanner_scan_mem(s, sample, sizeof(sample) - 1);
            candor_scanner_free(s);
        }
        candor_rules_free(rules);
    }
    candor_compiler_free(c);
    mem_free(src);
    return 0;
}
