/*
 * fuzz_cramfs.c - the CramFS reader (src/unpack/cramfs.c) on hostile
 * data: superblocks in both byte orders, directory trees that loop or run
 * past the image, block pointer tables, zlib blocks, symbolic links.
 */
#include "fuzz_reader.h"
#include "unpack/cramfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_cramfs, data, size);
    return 0;
}
