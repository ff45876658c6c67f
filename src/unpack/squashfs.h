/*
 * squashfs.h - SquashFS 4.0 images, read from memory through libsquashfs
 * (squashfs-tools-ng).
 *
 * Every compressor the installed libsquashfs was built with is read
 * (Debian's 1.2: gzip, xz, lzma, lz4, zstd; not lzo); an image whose
 * compressor is not is an error. Entries come depth first, each directory
 * before what it holds, with their paths from the root ("usr/sbin/httpd"),
 * kind, permission bits, owner from the ID table, size and link target. An
 * inode reached under a second name is given again as a hard link to its
 * first path (size 0, not read again). The tree's limits are fstree.h's.
 *
 * Left out: big-endian images (SquashFS 4 as some old firmware writes it,
 * magic "sqsh") and versions before 4.0, which libsquashfs does not read;
 * extended attributes.
 */
#ifndef CANDOR_UNPACK_SQUASHFS_H
#define CANDOR_UNPACK_SQUASHFS_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_squashfs;

#endif
