/*
 * fuzz_squashfs.c - the SquashFS reader (src/unpack/squashfs.c, over
 * libsquashfs and its file over memory) on hostile images.
 */
#include "fuzz_reader.h"
#include "unpack/squashfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_squashfs, data, size);
    return 0;
}
