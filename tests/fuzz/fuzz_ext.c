/*
 * fuzz_ext.c - the ext2/3/4 reader (src/unpack/ext.c, over libext2fs and
 * its io_manager over memory) on hostile images.
 */
#include "fuzz_reader.h"
#include "unpack/ext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_ext, data, size);
    return 0;
}
