/*
 * ubi.h - UBI images (ubinize, NAND dumps): erase-counter and volume
 * identifier headers per eraseblock, each volume an entry assembled from
 * its logical eraseblocks, named by the volume table.
 */
#ifndef CANDOR_UNPACK_UBI_H
#define CANDOR_UNPACK_UBI_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_ubi;

#endif
