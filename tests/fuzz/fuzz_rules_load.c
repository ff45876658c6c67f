/*
 * fuzz_rules_load.c - the compiled-rules loader on hostile bytes.
 *
 * Any input must be refused with CANDOR_ERROR_FORMAT or loaded into a
 * ruleset that passed validation; nothing may crash, leak or hang. The
 * checksum would stop nearly every mutation at the door, so the target
 * recomputes it over the mutated body first: the validators behind it are
 * what is being fuzzed. A loaded ruleset is also scanned once.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/mem.h"
#include "compile/ruleset.h"
#include "scan/scanner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ruleset *rs = NULL;
    struct candor_scanner *s = NULL;
    uint8_t *copy;
    unsigned int n = 0;

    if (size < 32 || size > (1u << 24))
        return 0;
    copy = mem_memdup(data, size);
    if (copy == NULL)
        return 0;
    EVP_Digest(copy, size - 32, copy + size - 32, &n, EVP_sha256(), NULL);
    if (ruleset_load_mem(copy, size, NULL, 0, &rs) == CANDOR_OK) {
        if (scanner_new(rs, &s) == CANDOR_OK) {
            scanner_scan(s, (const uint8_t *)"MZ\x90\0abcabc", 10);
            scanner_free(s);
        }
        ruleset_free(rs);
    }
    mem_free(copy);
    return 0;
}
