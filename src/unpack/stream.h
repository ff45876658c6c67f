/*
 * stream.h - a single compressed stream (gzip, xz, lzma, bzip2, zstd,
 * LZ4) read by its own library, which stops at the stream's end: for
 * streams inside other data, where carving needs the exact extent.
 */
#ifndef CANDOR_UNPACK_STREAM_H
#define CANDOR_UNPACK_STREAM_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_stream;

#endif
