/*
 * fuzz_ubifs.c - the UBIFS reader (src/unpack/ubifs.c) on hostile data:
 * superblock and master nodes, index trees whose branches point anywhere
 * (loops, shared subtrees, wrong levels), directory entries, inode nodes,
 * data nodes under LZO, raw deflate and zstd, holes.
 */
#include "fuzz_reader.h"
#include "unpack/ubifs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_ubifs, data, size);
    return 0;
}
