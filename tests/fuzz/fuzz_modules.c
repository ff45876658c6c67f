/*
 * fuzz_modules.c - the modules without a file format of their own (math,
 * hash, console, string, time, cuckoo) on hostile data and reports.
 *
 * The input is a cuckoo report, a 0xff byte, then the data to scan (all
 * of it is data when there is no 0xff). Fixed rules call every function
 * with ranges taken from the data, so offsets and sizes are hostile too;
 * -D printing runs over every module the rules import.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "candor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
    "import \"math\"\nimport \"hash\"\nimport \"console\"\n"
    "import \"string\"\nimport \"time\"\nimport \"cuckoo\"\n"
    "rule m { condition:\n"
    "  math.entropy(uint8(0), uint16(1)) >= 0.0 or\n"
    "  math.mean(int32(0), filesize) > 1.0 or\n"
    "  math.deviation(uint8(3), uint32(4), 1.5) > 0.0 or\n"
    "  math.serial_correlation(int8(1), int8(2)) < 0.5 or\n"
    "  math.monte_carlo_pi(0, filesize) > 0.1 or\n"
    "  math.count(uint8(0), uint8(1), uint8(2)) > 1 or\n"
    "  math.percentage(int16(2)) > 0.5 or math.mode(1, uint8(5)) == 0 or\n"
    "  math.index_of_coincidence(0, filesize) > 0.0 or\n"
    "  math.to_string(int32(0), uint8(4)) == \"1\" or\n"
    "  math.abs(int32(2)) + math.min(int32(1), 3) + math.max(1, 2) > 9\n"
    "}\n"
    "rule h { condition:\n"
    "  hash.md5(uint8(0), uint16(2)) == hash.sha1(0, filesize) or\n"
    "  hash.sha256(int8(0), 1) != \"\" and hash.crc32(0, uint16(0)) > 0 and\n"
    "  hash.checksum32(int32(1), int32(5)) > 0\n"
    "}\n"
    "rule s { condition:\n"
    "  console.log(\"x\", math.mean(0, 4)) and console.hex(\"y\", uint8(0))\n"
    "  and string.to_int(\"0x1f\") == 31 and time.now() > 0\n"
    "}\n"
    "rule c { condition:\n"
    "  cuckoo.network.http_request(/a/) or cuckoo.network.http_get(/b/) or\n"
    "  cuckoo.network.http_post(/c/) or cuckoo.network.http_user_agent(/d/)\n"
    "  or cuckoo.network.dns_lookup(/e/) or cuckoo.network.host(/f/) or\n"
    "  cuckoo.network.tcp(/g/, 80) or cuckoo.network.udp(/h/, 53) or\n"
    "  cuckoo.sync.mutex(/i/) or cuckoo.filesystem.file_access(/j/) or\n"
    "  cuckoo.registry.key_access(/k/)\n"
    "}\n";

static struct candor_rules *rules;

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
    struct candor_scanner *s;
    const uint8_t *sep;
    size_t report_len = 0;

    if (size > (1u << 20))
        return 0;
    if (rules == NULL) {
        struct candor_compiler *c;
        if (candor_compiler_new(&c) != CANDOR_OK ||
            candor_compiler_add_string(c, rules_text, "fuzz_modules.yar",
                                       NULL) != CANDOR_OK ||
            candor_compiler_get_rules(c, &rules) != CANDOR_OK)
            abort();
        candor_compiler_free(c);
    }
    if (candor_scanner_new(rules, &s) != CANDOR_OK)
        return 0;
    sep = size > 0 ? memchr(data, 0xff, size) : NULL;
    if (sep != NULL) {
        report_len = (size_t)(sep - data);
        candor_scanner_set_module_input(s, "cuckoo", data, report_len);
        data += report_len + 1;
        size -= report_len + 1;
    }
    candor_scanner_set_console(s, drop, NULL);
    candor_scanner_set_module_data(s, drop, NULL);
    candor_scanner_set_timeout(s, 10);
    candor_scanner_scan_mem(s, data, size);
    candor_scanner_free(s);
    return 0;
}
