/*
 * lzop.h - lzop files, decoded with liblzo2 (Debian's libarchive reads
 * them only by running the lzop program, which candor never does).
 */
#ifndef CANDOR_UNPACK_LZOP_H
#define CANDOR_UNPACK_LZOP_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_lzop;

#endif
