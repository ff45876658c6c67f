/*
 * ubifs.h - UBIFS images (the flash file system that runs on a UBI
 * volume), read by candor itself: Debian ships no library for it. The
 * data is the volume's logical eraseblocks one after the other, as
 * mkfs.ubifs writes them and as the UBI reader gives a volume.
 */
#ifndef CANDOR_UNPACK_UBIFS_H
#define CANDOR_UNPACK_UBIFS_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_ubifs;

#endif
