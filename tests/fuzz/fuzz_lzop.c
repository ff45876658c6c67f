/*
 * fuzz_lzop.c - the lzop reader (src/unpack/lzop.c) on hostile data:
 * headers, block sizes and checksums, LZO1X data.
 */
#include "fuzz_reader.h"
#include "unpack/lzop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_lzop, data, size);
    return 0;
}
