#!/usr/bin/env python3
"""jffs2w.py - JFFS2 images with LZMA nodes, which no Debian tool writes.

    jffs2w.py tree TREE OUT le|be
        OUT holds TREE (directories, files, symbolic links, devices, FIFOs,
        sockets, hard links as a second directory entry for one inode) with
        every data node compressed as LZMA, in the given byte order.
    jffs2w.py hostile OUT
        OUT (little endian) holds what a hostile log may: 200,000 nodes of
        one page of one file (isize 1 GiB), 50,000 versions of one
        directory entry (the newest names a 5-byte file "last!"), 300
        nested directories, and a directory holding an entry for itself.
    jffs2w.py versions OUT le|be EXPECT.tsv
        OUT holds a small tree whose nodes overwrite, truncate and delete
        one another (newer versions win); EXPECT.tsv gives each surviving
        file: path, kind, size, mode, link, sha256, worked out here from
        what the nodes mean, never from candor.

The node layout is Linux's include/uapi/linux/jffs2.h: a 12-byte header
(magic 0x1985, node type, total length, CRC of those 8 bytes), then struct
jffs2_raw_dirent (parent inode, version, inode, time, name size, type, 2
unused bytes, node CRC, name CRC, the name) or struct jffs2_raw_inode
(inode, version, mode, uid, gid, size, atime, mtime, ctime, offset,
compressed and data sizes, compression, requested compression, flags, data
CRC, node CRC, the data). Every CRC is JFFS2's: zlib's CRC-32 with seed 0
and no inversions, i.e. ~crc32(data, 0xFFFFFFFF). Nodes are 4-byte aligned,
the gap 0xFF. Data nodes hold at most a page (4096 bytes). LZMA nodes
(compression 8) are raw LZMA1 without a header, lc=0, lp=0, pb=0, an 8 KiB
dictionary: the settings of U-Boot's fs/jffs2/compr_lzma.c and of
OpenWrt's JFFS2 LZMA patch for Linux and mtd-utils. Python's raw LZMA1
encoder ends each stream with an end marker, which a decoder that knows the
data size never reaches.
"""
import hashlib
import lzma
import os
import stat
import struct
import sys
import zlib

DIRENT, INODE, CLEANMARKER = 0xE001, 0xE002, 0x2003
NONE, ZERO, LZMA = 0, 1, 8
PAGE = 4096
DT = {stat.S_IFDIR: 4, stat.S_IFREG: 8, stat.S_IFLNK: 10, stat.S_IFCHR: 2,
      stat.S_IFBLK: 6, stat.S_IFIFO: 1, stat.S_IFSOCK: 12}
FILTERS = [{"id": lzma.FILTER_LZMA1, "dict_size": 0x2000, "lc": 0, "lp": 0,
            "pb": 0}]


def crc(b):
    return ~zlib.crc32(b, 0xFFFFFFFF) & 0xFFFFFFFF


class Image:
    def __init__(self, order):
        self.e = ">" if order == "be" else "<"
        self.out = bytearray()

    def node(self, ntype, fixed, tail, crcs):
        """header + fixed + crcs computed over header+fixed + tail."""
        e = self.e
        totlen = 12 + len(fixed) + 4 * len(crcs) + len(tail)
        hdr = struct.pack(e + "HHI", 0x1985, ntype, totlen)
        hdr += struct.pack(e + "I", crc(hdr))
        body = hdr + fixed
        extra = b""
        for c in crcs:  # "node" is the CRC of what comes before it
            extra += struct.pack(e + "I", crc(body) if c == "node" else c)
        self.out += body + extra + tail
        while len(self.out) % 4:
            self.out += b"\xff"

    def cleanmarker(self):
        e = self.e
        hdr = struct.pack(e + "HHI", 0x1985, CLEANMARKER, 12)
        self.out += hdr + struct.pack(e + "I", crc(hdr))

    def dirent(self, pino, version, ino, name, dtype):
        fixed = struct.pack(self.e + "IIIIBBH", pino, version, ino, 0,
                            len(name), dtype, 0)
        # node CRC over the 32 bytes before it, then the name's CRC
        self.node(DIRENT, fixed, name, ["node", crc(name)])

    def inode(self, ino, version, mode, uid, gid, isize, offset, data,
              compr=LZMA, dsize=None):
        if compr == LZMA:
            packed = lzma.compress(data, format=lzma.FORMAT_RAW,
                                   filters=FILTERS)
        elif compr == ZERO:
            packed = b""
        else:
            packed = data
        if dsize is None:
            dsize = len(data)
        fixed = struct.pack(self.e + "IIIHHIIIIIIIBBH", ino, version, mode,
                            uid & 0xFFFF, gid & 0xFFFF, isize, 0, 0, 0,
                            offset, len(packed), dsize, compr, 0, 0)
        # the data's CRC, then the node CRC over the 60 bytes before it
        e = self.e
        totlen = 12 + len(fixed) + 8 + len(packed)
        hdr = struct.pack(e + "HHI", 0x1985, INODE, totlen)
        hdr += struct.pack(e + "I", crc(hdr))
        body = hdr + fixed
        self.out += body + struct.pack(e + "I", crc(packed)) + \
            struct.pack(e + "I", crc(body)) + packed
        while len(self.out) % 4:
            self.out += b"\xff"

    def file_data(self, ino, version, st, data):
        """data in pages, each an LZMA node; an empty file one node."""
        mode, uid, gid = st.st_mode, st.st_uid, st.st_gid
        if not data:
            self.inode(ino, version, mode, uid, gid, 0, 0, b"", NONE)
            return version + 1
        for off in range(0, len(data), PAGE):
            self.inode(ino, version, mode, uid, gid, len(data), off,
                       data[off:off + PAGE])
            version += 1
        return version


def build_tree(tree, out, order):
    img = Image(order)
    img.cleanmarker()
    inos = {}  # (st_dev, st_ino) -> ino, for hard links
    next_ino = [2]

    def walk(path, pino):
        for name in sorted(os.listdir(path)):
            p = os.path.join(path, name)
            st = os.lstat(p)
            key = (st.st_dev, st.st_ino)
            fmt = stat.S_IFMT(st.st_mode)
            bname = os.fsencode(name)
            if key in inos and fmt != stat.S_IFDIR:
                img.dirent(pino, 1, inos[key], bname, DT[fmt])
                continue
            ino = next_ino[0]
            next_ino[0] += 1
            inos[key] = ino
            img.dirent(pino, 1, ino, bname, DT[fmt])
            if fmt == stat.S_IFDIR:
                img.inode(ino, 1, st.st_mode, st.st_uid, st.st_gid, 0, 0,
                          b"", NONE)
                walk(p, ino)
            elif fmt == stat.S_IFREG:
                with open(p, "rb") as f:
                    img.file_data(ino, 1, st, f.read())
            elif fmt == stat.S_IFLNK:
                target = os.fsencode(os.readlink(p))
                img.inode(ino, 1, st.st_mode, st.st_uid, st.st_gid,
                          len(target), 0, target, NONE)
            elif fmt in (stat.S_IFCHR, stat.S_IFBLK):
                dev = struct.pack(img.e + "I", st.st_rdev & 0xFFFFFFFF)
                img.inode(ino, 1, st.st_mode, st.st_uid, st.st_gid,
                          len(dev), 0, dev, NONE)
            else:
                img.inode(ino, 1, st.st_mode, st.st_uid, st.st_gid, 0, 0,
                          b"", NONE)

    walk(tree, 1)
    with open(out, "wb") as f:
        f.write(img.out)


def build_versions(out, order, expect):
    """Nodes written out of version order, as a log after garbage
    collection may hold them."""
    img = Image(order)
    img.cleanmarker()
    reg, dirm, lnk = 0o100644, 0o40755, 0o120777
    rows = []

    def row(path, data=None, mode=None, link=None, kind="file"):
        rows.append((path, kind, str(len(data)) if data is not None else "-",
                     "%o" % (mode & 0o7777) if mode is not None else "-",
                     link or "-",
                     hashlib.sha256(data).hexdigest()
                     if data is not None else "-"))

    img.dirent(1, 1, 2, b"v", 4)
    img.inode(2, 1, dirm, 0, 0, 0, 0, b"", NONE)
    # over: two pages of A, then bytes 100-299 overwritten by B (version 9,
    # written first in the log), then a stale version 2 of page 0 of C.
    img.dirent(2, 1, 3, b"over", 8)
    img.inode(3, 9, reg, 0, 0, 8192, 100, b"B" * 200)
    img.inode(3, 3, reg, 0, 0, 8192, 0, b"A" * PAGE)
    img.inode(3, 4, reg, 0, 0, 8192, PAGE, b"A" * PAGE)
    img.inode(3, 2, reg, 0, 0, 4096, 0, b"C" * PAGE)
    row("v/over", b"A" * 100 + b"B" * 200 + b"A" * (8192 - 300), reg)
    # trunc: a page of C, cut to 10 bytes, then grown to 10000 by a hole
    # node of 9990 zeros (more than a page): the C after 10 stay gone.
    img.dirent(2, 2, 4, b"trunc", 8)
    img.inode(4, 1, reg, 0, 0, 4096, 0, b"C" * PAGE)
    img.inode(4, 2, reg, 0, 0, 10, 10, b"", NONE)
    img.inode(4, 3, reg, 0, 0, 10000, 10, b"", ZERO, dsize=9990)
    row("v/trunc", b"C" * 10 + bytes(9990), reg)
    # gone: named, then unnamed (a directory entry for inode 0).
    img.dirent(2, 3, 5, b"gone", 8)
    img.inode(5, 1, reg, 0, 0, 4, 0, b"gone")
    img.dirent(2, 7, 0, b"gone", 8)
    # renamed: old is deleted, new names the same inode.
    img.dirent(2, 4, 6, b"old", 8)
    img.inode(6, 1, reg, 0, 0, 5, 0, b"moved")
    img.dirent(2, 6, 0, b"old", 8)
    img.dirent(2, 5, 6, b"new", 8)
    row("v/new", b"moved", reg)
    # chmod: the newest node (no data) gives the mode and owner.
    img.dirent(2, 8, 7, b"chmod", 8)
    img.inode(7, 1, reg, 0, 0, 3, 0, b"abc")
    img.inode(7, 2, 0o104700, 42, 43, 3, 0, b"", NONE)
    row("v/chmod", b"abc", 0o4700)
    # relink: a symbolic link whose target was rewritten.
    img.dirent(2, 9, 8, b"relink", 10)
    img.inode(8, 1, lnk, 0, 0, 3, 0, b"old", NONE)
    img.inode(8, 2, lnk, 0, 0, 10, 0, b"new/target", NONE)
    row("v/relink", kind="symlink", link="new/target")
    row("v", kind="dir", mode=0o755)
    with open(out, "wb") as f:
        f.write(img.out)
    with open(expect, "w") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")


def build_hostile(out):
    img = Image("le")
    img.cleanmarker()
    reg, dirm = 0o100644, 0o40755
    img.dirent(1, 1, 2, b"many", 8)
    for v in range(1, 200001):
        img.inode(2, v, reg, 0, 0, 1 << 30, 0, b"", ZERO, dsize=PAGE)
    for v in range(1, 50001):
        img.dirent(1, v, 4 if v < 50000 else 3, b"same", 8)
    img.inode(3, 1, reg, 0, 0, 5, 0, b"last!", NONE)
    img.inode(4, 1, reg, 0, 0, 5, 0, b"stale", NONE)
    parent = 1
    for i in range(300):
        img.dirent(parent, 1, 10 + i, b"d", 4)
        img.inode(10 + i, 1, dirm, 0, 0, 0, 0, b"", NONE)
        parent = 10 + i
    img.dirent(1, 1, 400, b"loop", 4)
    img.inode(400, 1, dirm, 0, 0, 0, 0, b"", NONE)
    img.dirent(400, 1, 400, b"self", 4)
    with open(out, "wb") as f:
        f.write(img.out)


if __name__ == "__main__":
    if sys.argv[1] == "hostile":
        build_hostile(sys.argv[2])
    elif sys.argv[1] == "tree":
        build_tree(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        build_versions(sys.argv[2], sys.argv[3], sys.argv[4])
