/*
 * uimage.h - U-Boot's legacy image (uImage): a 64-byte header whose
 * CRC-32 is checked, then one payload or a multi-file image's parts.
 */
#ifndef CANDOR_UNPACK_UIMAGE_H
#define CANDOR_UNPACK_UIMAGE_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_uimage;

#endif
