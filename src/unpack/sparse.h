/*
 * sparse.h - Android's sparse image (img2simg, fastboot): chunks of raw,
 * fill and don't-care blocks, expanded into one unnamed entry.
 */
#ifndef CANDOR_UNPACK_SPARSE_H
#define CANDOR_UNPACK_SPARSE_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_sparse;

#endif
