/*
 * trx.h - Broadcom's TRX firmware image: a header with a CRC-32 over the
 * image and the offsets of up to three (v1) or four (v2) partitions.
 */
#ifndef CANDOR_UNPACK_TRX_H
#define CANDOR_UNPACK_TRX_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_trx;

#endif
