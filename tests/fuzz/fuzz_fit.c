/*
 * fuzz_fit.c - the FIT reader (src/unpack/fit.c) on hostile data: device
 * trees with broken tokens, names, properties and external data,
 * through tests/fuzz/fuzz_reader.h.
 */
#include "fuzz_reader.h"
#include "unpack/fit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_fit, data, size);
    return 0;
}
