/*
 * fuzz_jffs2.c - the JFFS2 reader (src/unpack/jffs2.c: the node scan, the
 * index, rtime, zlib, lzo and lzma nodes, page assembly) on hostile images.
 */
#include "fuzz_reader.h"
#include "unpack/jffs2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_jffs2, data, size);
    return 0;
}
