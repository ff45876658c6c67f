/*
 * fuzz_compile.c - the whole rule compiler on hostile text: parser, type
 * checks, code generation, strings to atoms and PCRE2, the vectorscan
 * build, then one scan of a fixed sample with every rule reported.
 *
 * fuzz_rules stops after parsing; this target goes on to the rule set a
 * user gets. Inputs naming `include` are skipped: an include reads files,
 * and a fuzzer that names /dev/zero must not read it forever.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t sample[] =
    "MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0abcabc a\0b\0c\0 This program "
    "cannot be run in DOS mode.\r\n\x7f" "ELF\x01\x02\x03\x04_AaZz09 "
    "user@example.org http://example.org/x aGlkZGVu \xe4\xfc\n";

static void drop(void *ctx, const struct candor_diag *d)
{
    (void)ctx;
    (void)d;
}

static int on_event(void *ctx, enum candor_event ev,
                    const struct candor_rule *rule,
                    const struct candor_string *string)
{
    struct candor_scanner *s = ctx;
    const struct candor_match *m;

    (void)string;
    if (ev != CANDOR_EVENT_RULE_MATCHING)
        return 0;
    for (size_t i = 0; i < candor_rule_string_count(rule); i++)
        candor_scanner_matches(s, candor_rule_string(rule, i), &m);
    return 0;
}

static bool names_include(const uint8_t *data, size_t size)
{
    static const char word[] = "include";
    const size_t n = sizeof(word) - 1;

    for (size_t i = 0; i + n <= size; i++) {
        if (memcmp(data + i, word, n) == 0)
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct candor_compiler *c;
    struct candor_rules *rules = NULL;
    struct candor_scanner *s = NULL;
    char *text;

    if (size > (1u << 16) || names_include(data, size))
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (candor_compiler_new(&c) != CANDOR_OK) {
        free(text);
        return 0;
    }
    candor_compiler_set_diag(c, drop, NULL);
    candor_compiler_define_integer(c, "ext", 7);
    candor_compiler_define_string(c, "sext", "abc");
    if (candor_compiler_add_string(c, text, "fuzz.yar", NULL) == CANDOR_OK &&
        candor_compiler_get_rules(c, &rules) == CANDOR_OK &&
        candor_scanner_new(rules, &s) == CANDOR_OK) {
        candor_scanner_set_callback(s, on_event, s);
        candor_scanner_set_timeout(s, 5);
        candor_scanner_set_flags(s, CANDOR_SCAN_REPORT_NOT_MATCHING);
        candor_scanner_scan_mem(s, sample, sizeof(sample) - 1);
    }
    candor_scanner_free(s);
    candor_rules_free(rules);
    candor_compiler_free(c);
    free(text);
    return 0;
}
