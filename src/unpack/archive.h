/*
 * archive.h - containers read through libarchive, from memory only.
 *
 * The formats are libarchive's (tar, cpio, zip, 7-Zip, ar, ISO 9660, RAR,
 * CAB, LHA, XAR, WARC) under any stack of the filters it decodes itself
 * (gzip, bzip2, compress, lzma, xz, lzip, lz4, zstd, uu, rpm). Left out on
 * purpose: mtree, whose reader opens the files an entry names on the
 * local disk, and the filters Debian's libarchive decodes by running an
 * external program (lzop, lrzip, grzip). A compressed stream that is not
 * an archive is a container too, with one unnamed entry (libarchive's
 * "raw" format).
 *
 * The format in virtual paths names the filters outermost first, then the
 * format, joined by '+' ("gzip+tar", "zip", "xz"); each filter and the
 * archive format count as one nesting level each.
 */
#ifndef CANDOR_UNPACK_ARCHIVE_H
#define CANDOR_UNPACK_ARCHIVE_H

#include "unpack/unpack.h"

/* Archives and compressed streams; falls back to unpack_libarchive_raw. */
extern const struct unpack_reader unpack_libarchive;
/* Compressed streams only, whatever they hold: for a stream that read as
   an archive without any entry, so that its bytes are still scanned. */
extern const struct unpack_reader unpack_libarchive_raw;

#endif
