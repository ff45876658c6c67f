/*
 * fuzz_scan.c - the scanner on hostile data.
 *
 * One fixed rule set, compiled once, scans each input. The rules touch
 * every kind of string (text with its modifiers, hex with jumps and
 * alternatives, chained hex, regexes with and without atoms) and every
 * condition that reads the data (integer readers, offsets, lengths,
 * counts, loops, string operators). Each matching rule's matches are
 * read back, so match lists and the data they point at are checked by
 * the sanitizers too. A scan may fail (timeout, limits) but must not
 * crash, leak or hang.
 */
#include <stdint.h>
#include <stdlib.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "rule text {\n"
    "  strings:\n"
    "    $a = \"MZ\"\n"
    "    $b = \"This program\" nocase wide ascii\n"
    "    $c = \"abc\" fullword\n"
    "    $d = \"key\" xor(1-255)\n"
    "    $e = \"hidden\" base64 base64wide\n"
    "    $f = \"aa\"\n"
    "  condition:\n"
    "    any of them and #f < 1000 and (@a[1] == 0 or !b[1] > 3)\n"
    "}\n"
    "rule hex {\n"
    "  strings:\n"
    "    $a = { 4D 5A [2-40] 50 45 00 00 }\n"
    "    $b = { ( 00 01 | 02 ?? 03 | 0? F? ) [1-3] ?0 }\n"
    "    $c = { 7F 45 4C 46 [-] 00 00 [300-] FF }\n"
    "    $d = { 61 [0-2] 62 [250] 63 }\n"
    "  condition:\n"
    "    for any i in (1..#a) : (uint32(@a[i] + !a[i] - 4) == 0x4550)\n"
    "    or $b in (0..100) or $c or $d at 0\n"
    "}\n"
    "rule re {\n"
    "  strings:\n"
    "    $a = /[a-z0-9._-]+@[a-z0-9-]+\\.[a-z]{2,4}/ nocase\n"
    "    $b = /(a|aa)+(a|aa)+b/\n"
    "    $c = /\\bhttps?:\\/\\/[^ \\x00]{4,}/ wide ascii\n"
    "    $d = /[A-Za-z0-9+\\/]{16,}={0,2}/\n"
    "    $e = /x.{0,5}y|z*/s\n"
    "  condition:\n"
    "    2 of them or for all of ($a, $c) : (# > 0)\n"
    "}\n"
    "rule readers {\n"
    "  condition:\n"
    "    filesize > 4 and (uint16(0) == 0x5A4D or uint32be(0) == 0x7F454C46\n"
    "    or int8(filesize - 1) == -1 or uint32(1) & 0xff == 3)\n"
    "}\n"
    "private rule p { strings: $a = \"secret\" condition: $a }\n"
    "global rule g { condition: filesize < 1MB }\n"
    "rule uses { condition: p or any of (text, hex*) }\n";

static struct candor_rules *rules;
static struct candor_scanner *scanner;

static int on_event(void *ctx, enum candor_event ev,
                    const struct candor_rule *rule,
                    const struct candor_string *string)
{
    const struct candor_match *m;
    volatile uint8_t sink = 0;

    (void)ctx;
    (void)string;
    if (ev != CANDOR_EVENT_RULE_MATCHING)
        return 0;
    for (size_t i = 0; i < candor_rule_string_count(rule); i++) {
        size_t n = candor_scanner_matches(
            scanner, candor_rule_string(rule, i), &m);
        for (size_t j = 0; j < n; j++) {
            if (m[j].data_len > 0)
                sink ^= m[j].data[m[j].data_len - 1];
        }
    }
    (void)sink;
    return 0;
}

static void setup(void)
{
    struct candor_compiler *c;

    if (candor_compiler_new(&c) != CANDOR_OK)
        abort();
    if (candor_compiler_add_string(c, rules_text, "fuzz_scan.yar", NULL) != CANDOR_OK ||
        candor_compiler_get_rules(c, &rules) != CANDOR_OK)
        abort();
    candor_compiler_free(c);
    if (candor_scanner_new(rules, &scanner) != CANDOR_OK)
        abort();
    candor_scanner_set_callback(scanner, on_event, NULL);
    candor_scanner_set_timeout(scanner, 10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (scanner == NULL)
        setup();
    if (size > (1u << 20))
        return 0;
    /* The first byte chooses the scan flags; all of the input is data. */
    candor_scanner_set_flags(
        scanner, size > 0 && (data[0] & 1) ? CANDOR_SCAN_FAST : 0);
    candor_scanner_scan_mem(scanner, data, size);
    return 0;
}
