/*
 * ext.h - ext2, ext3 and ext4 images, read from memory through libext2fs
 * (e2fsprogs).
 *
 * libext2fs reads the image through an io_manager of this file's over the
 * buffer: read-only, bounds-checked, a block read outside the image fails;
 * nothing is written anywhere and the journal is neither replayed nor
 * read. The superblock is checked before libext2fs allocates from it (the
 * group descriptors must fit in the image, the inode count must match the
 * groups), so a small image cannot make it allocate much more than its
 * size.
 *
 * Entries come depth first through fstree.h, each directory before what
 * it holds (lost+found too), with path, kind, permission bits with setuid,
 * setgid and sticky, owner with its high 16 bits, size and link target
 * (fast, slow and inline symbolic links). Files are read through
 * libext2fs's file interface: extents and indirect blocks, inline data,
 * holes and unwritten extents as zeros. An inode reached under a second
 * name is a hard link to its first path. A directory listing is kept to
 * 16 MiB of names and 2^22 records; past that it is cut, with an error.
 *
 * Left out: extended attributes, encrypted and casefolded names (given as
 * stored), the journal's content.
 */
#ifndef CANDOR_UNPACK_EXT_H
#define CANDOR_UNPACK_EXT_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_ext;

#endif
