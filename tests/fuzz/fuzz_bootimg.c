/*
 * fuzz_bootimg.c - the Android boot image reader (src/unpack/bootimg.c) on
 * hostile data: boot headers of versions 0-4 and vendor_boot 3-4 with odd
 * page sizes, section sizes and ramdisk tables, truncated images, through
 * tests/fuzz/fuzz_reader.h.
 */
#include "fuzz_reader.h"
#include "unpack/bootimg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_bootimg, data, size);
    return 0;
}
