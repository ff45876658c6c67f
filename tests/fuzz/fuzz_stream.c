/*
 * fuzz_stream.c - the compressed-stream reader (src/unpack/stream.c) on
 * hostile data: gzip, xz, lzma-alone, bzip2, zstd and LZ4 headers and
 * streams, truncated, corrupt, or asking for huge dictionaries.
 */
#include "fuzz_reader.h"
#include "unpack/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_stream, data, size);
    return 0;
}
