/*
 * fuzz_trx.c - the TRX reader (src/unpack/trx.c) on hostile data: headers
 * with odd offsets and lengths, v1 and v2, truncated images,
 * through tests/fuzz/fuzz_reader.h.
 */
#include "fuzz_reader.h"
#include "unpack/trx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_trx, data, size);
    return 0;
}
