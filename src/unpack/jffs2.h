/*
 * jffs2.h - JFFS2 images (Linux's journalling flash file system), both
 * byte orders, read by candor itself (Debian has no library).
 *
 * The layout is Linux's include/uapi/linux/jffs2.h: a log of nodes, each
 * 4-byte aligned, starting with the magic 0x1985, a node type, a total
 * length and a CRC-32 of those 8 bytes (JFFS2's CRC: the reflected
 * polynomial of zlib's crc32, seed 0, no inversions). The byte order is
 * the one the first node's magic is stored in. The image is scanned once
 * from its start: directory entries (0xE001) and inode nodes (0xE002)
 * whose header, node and name CRCs hold are indexed (at most 2^21 nodes);
 * clean markers, padding, summaries and extended attributes are skipped,
 * as are nodes marked obsolete. The scan ends at the data's end or after
 * 256 KiB holding no node that are not erased flash (0xFF): the image's
 * extent is the end of its last node.
 *
 * Like Linux, the highest version wins: a directory entry is the newest
 * of those with its parent and name (one naming inode 0 is a deletion),
 * an inode's mode, owner and size are its newest node's, and each byte of
 * a file is the newest node's that covers it, holes reading as zeros. Data
 * nodes are none, zero, rtime, zlib, lzo (liblzo2) or lzma (liblzma: raw
 * LZMA1 with lc=0, lp=0, pb=0 and an 8 KiB dictionary, as U-Boot's and
 * OpenWrt's JFFS2 LZMA support write it); each declares its size, at most
 * 4,096 bytes (a page) but for zero nodes, and the data's CRC is checked
 * when it is read. A file is assembled a page at a time, each read going
 * on where the last stopped.
 *
 * Entries come depth first from the root (inode 1) through fstree.h, with
 * path, kind, permission bits with setuid, setgid and sticky, the 16-bit
 * owner and group, size and symbolic link target; an inode named by more
 * than one entry is a hard link to its first path. Left out: the rubin
 * compressors (an error naming them), extended attributes, the summary
 * nodes' shortcut (the scan reads every node anyway).
 */
#ifndef CANDOR_UNPACK_JFFS2_H
#define CANDOR_UNPACK_JFFS2_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_jffs2;

#endif
