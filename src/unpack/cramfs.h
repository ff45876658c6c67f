/*
 * cramfs.h - CramFS images (Linux's compressed ROM file system), little
 * and big endian, read by candor itself: Debian ships no library for it.
 */
#ifndef CANDOR_UNPACK_CRAMFS_H
#define CANDOR_UNPACK_CRAMFS_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_cramfs;

#endif
