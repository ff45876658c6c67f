/*
 * fuzz_unpack.c - candor audit's archive walker on hostile data.
 *
 * Each input is audited as a product held in memory (audit_mem): every
 * container libarchive recognizes in it is opened, recursively, each entry
 * read, hashed, recorded and scanned with a rule that reports a finding
 * with evidence. Limits are small so that one input stays fast: 8 levels,
 * 4 MiB in all, 1 MiB per entry, ratio 100, 200 entries, 10 seconds. The
 * report goes to /dev/null as JSON, so every string is escaped. An input
 * may give any findings but must not crash, leak, hang or read outside.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "audit/audit.h"
#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "rule any_header { meta: severity = \"low\" category = \"test\"\n"
    "  strings: $a = { 1F 8B } $b = \"PK\" $c = /ustar.{0,3}/\n"
    "  condition: any of them }\n"
    "rule small { condition: filesize < 16 }\n";

static struct candor_rules *rules;
static struct report report;
static struct audit *audit;

static void setup(void)
{
    struct candor_compiler *c;
    struct audit_limits lim;
    FILE *out = fopen("/dev/null", "w");

    if (out == NULL || candor_compiler_new(&c) != CANDOR_OK)
        abort();
    if (candor_compiler_add_string(c, rules_text, "fuzz_unpack.yar", NULL) !=
            CANDOR_OK ||
        candor_compiler_get_rules(c, &rules) != CANDOR_OK)
        abort();
    candor_compiler_free(c);
    audit_limits_default(&lim);
    lim.max_depth = 8;
    lim.max_total_bytes = 4u << 20;
    lim.max_entry_bytes = 1u << 20;
    lim.max_ratio = 100;
    lim.max_files = 200;
    lim.timeout = 10;
    report_init(&report, out, true);
    if (audit_new(rules, &lim, 1, &report, &audit) != CANDOR_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (audit == NULL)
        setup();
    if (size > (1u << 20))
        return 0;
    audit_mem(audit, "input", data, size);
    return 0;
}
