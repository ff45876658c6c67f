/*
 * fuzz_ubi.c - the UBI reader (src/unpack/ubi.c) on hostile data:
 * erase-counter and VID headers with odd offsets, sizes, LEB numbers and
 * sequence numbers, volume tables, truncated images, through
 * tests/fuzz/fuzz_reader.h.
 */
#include "fuzz_reader.h"
#include "unpack/ubi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_ubi, data, size);
    return 0;
}
