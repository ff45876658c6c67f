/*
 * fuzz_uimage.c - the uImage reader (src/unpack/uimage.c) on hostile data:
 * headers whose CRC holds, multi-file tables, truncated payloads,
 * through tests/fuzz/fuzz_reader.h.
 */
#include "fuzz_reader.h"
#include "unpack/uimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_uimage, data, size);
    return 0;
}
