/*
 * fuzz_sparse.c - the Android sparse image reader (src/unpack/sparse.c) on
 * hostile data: chunk headers with odd types and sizes, block counts that
 * overflow, truncated images, through tests/fuzz/fuzz_reader.h.
 */
#include "fuzz_reader.h"
#include "unpack/sparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_sparse, data, size);
    return 0;
}
