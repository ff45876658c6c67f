#!/usr/bin/env python3
"""specbuild.py - archives no Debian tool writes, built from their specifications.

    specbuild.py rar5 OUT DIR    a RAR 5.0 archive of DIR, files stored
    specbuild.py rar4 OUT DIR    a RAR 1.5-4.x archive of DIR, files stored
    specbuild.py xar OUT DIR     a xar archive of DIR, files zlib-encoded

Each holds every entry below DIR (sorted; directories, regular files,
symbolic links) with its permission bits, so tests/audit/groundtruth.py can
check candor's reading of it against the tree, as for the formats Debian's
tools write. Debian has no rar (non-free) and no xar; libarchive reads both.

Sources (the layouts only; no code was taken from them):
  - RAR 5.0: "RAR 5.0 archive format", https://www.rarlab.com/technote.htm:
    the signature 52 61 72 21 1A 07 01 00; each header a CRC32 of what
    follows it, the header size and type as vints (7 bits a byte, low first,
    high bit: more), header flags (0x0001 extra area, 0x0002 data area);
    the main archive header (type 1), file headers (type 2: file flags,
    unpacked size, attributes, mtime, data CRC32, compression information,
    host OS, name) and the end of archive header (type 5); a symbolic link
    is a file header with a file system redirection extra record (type 5,
    redirection type 1: Unix symlink).
  - RAR 1.5-4.x: unrar's technote.txt ("RAR version 4.x - File format
    description"): the marker block 52 61 72 21 1A 07 00, the archive
    header (0x73), file headers (0x74: HEAD_CRC, the low 16 bits of the
    CRC32 of the header from HEAD_TYPE; HEAD_FLAGS, HEAD_SIZE, PACK_SIZE,
    UNP_SIZE, HOST_OS, FILE_CRC, FTIME, UNP_VER, METHOD 0x30 (storing),
    NAME_SIZE, ATTR, FILE_NAME); a Unix host (3) keeps st_mode in ATTR and
    a symbolic link's target as its data; directories flag 0xE0.
  - xar: the format description of the xar project (header "xar!", header
    size 28, version 1, the compressed and uncompressed lengths of the
    table of contents, checksum algorithm 1 = SHA-1; then the zlib-
    compressed XML table of contents; then the heap, which begins with the
    TOC's checksum); each <file> with <name>, <type>, <mode>, and <data>
    (offset in the heap, size, length, encoding, archived and extracted
    checksums) or <link>.
"""
import hashlib
import os
import stat
import struct
import sys
import zlib
from xml.sax.saxutils import escape

from fstruth import walk as entries  # (relative path, lstat), sorted

MTIME = 1700000000


def content(root, rel, st):
    if stat.S_ISLNK(st.st_mode):
        return os.readlink(os.path.join(root, rel)).encode()
    if stat.S_ISREG(st.st_mode):
        with open(os.path.join(root, rel), "rb") as f:
            return f.read()
    return b""


def vint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def rar5_header(htype, flags, body, extra=b"", data_size=None):
    """One RAR 5 header: CRC32, size, then type, flags, areas, body."""
    fields = vint(htype)
    if extra:
        flags |= 0x0001
    if data_size is not None:
        flags |= 0x0002
    fields += vint(flags)
    if extra:
        fields += vint(len(extra))
    if data_size is not None:
        fields += vint(data_size)
    fields += body + extra
    sized = vint(len(fields)) + fields
    return struct.pack("<I", zlib.crc32(sized)) + sized


def rar5(out, root):
    blob = bytearray(b"Rar!\x1a\x07\x01\x00")
    blob += rar5_header(1, 0, vint(0))  # main archive header, no flags
    for rel, st in entries(root):
        data = content(root, rel, st)
        name = rel.encode()
        mode = stat.S_IMODE(st.st_mode) | stat.S_IFMT(st.st_mode)
        extra = b""
        if stat.S_ISDIR(st.st_mode):
            fflags, data = 0x0001 | 0x0002, b""
        elif stat.S_ISLNK(st.st_mode):
            # a file system redirection record: type 1, Unix symlink
            rec = vint(5) + vint(1) + vint(0) + vint(len(data)) + data
            extra = vint(len(rec)) + rec
            fflags, data = 0x0002 | 0x0004, b""
        else:
            fflags = 0x0002 | 0x0004
        body = vint(fflags) + vint(len(data)) + vint(mode)
        body += struct.pack("<I", MTIME)
        if fflags & 0x0004:
            body += struct.pack("<I", zlib.crc32(data))
        body += vint(0)  # version 0, not solid, method 0: stored
        body += vint(1)  # host OS: Unix
        body += vint(len(name)) + name
        # Every file header has a data area, a directory's empty (as RAR
        # writes them; libarchive refuses a file header without one).
        blob += rar5_header(2, 0, body, extra, len(data))
        blob += data
    blob += rar5_header(5, 0, vint(0))  # end of archive
    with open(out, "wb") as f:
        f.write(blob)


def rar4_block(htype, flags, fields, add_size=None):
    head = struct.pack("<BHH", htype, flags | (0x8000 if add_size is not None
                                               else 0), 7 + len(fields))
    crc = zlib.crc32(head + fields) & 0xFFFF
    return struct.pack("<H", crc) + head + fields


def rar4(out, root):
    blob = bytearray(b"Rar!\x1a\x07\x00")
    blob += rar4_block(0x73, 0, struct.pack("<HI", 0, 0))
    for rel, st in entries(root):
        data = content(root, rel, st)
        name = rel.encode()
        flags = 0xE0 if stat.S_ISDIR(st.st_mode) else 0
        fields = struct.pack("<IIBIIBBHI", len(data), len(data), 3,
                             zlib.crc32(data), 0x5A210000, 20, 0x30,
                             len(name), st.st_mode) + name
        blob += rar4_block(0x74, flags, fields, len(data))
        blob += data
    blob += rar4_block(0x7B, 0, b"")
    with open(out, "wb") as f:
        f.write(blob)


def xar(out, root):
    heap = bytearray(b"\0" * 20)  # the TOC's SHA-1, once known
    files = []
    ids = {}
    for n, (rel, st) in enumerate(entries(root), start=1):
        ids[rel] = n
        files.append((n, rel, st))
    # The TOC is a tree: each <file> holds those of its directory.
    children = {}
    for n, rel, st in files:
        children.setdefault(os.path.dirname(rel), []).append((n, rel, st))

    def file_xml(n, rel, st):
        x = '<file id="%d"><name>%s</name>' % (n, escape(os.path.basename(rel)))
        x += "<mode>%04o</mode><uid>%d</uid><gid>%d</gid>" % (
            stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
        data = content(root, rel, st)
        if stat.S_ISDIR(st.st_mode):
            x += "<type>directory</type>"
            for c in children.get(rel, []):
                x += file_xml(*c)
        elif stat.S_ISLNK(st.st_mode):
            x += '<type>symlink</type><link type="file">%s</link>' % escape(
                data.decode())
        else:
            packed = zlib.compress(data, 9)
            x += "<type>file</type><data><offset>%d</offset>" % len(heap)
            x += "<size>%d</size><length>%d</length>" % (len(data), len(packed))
            x += '<encoding style="application/x-gzip"/>'
            x += '<archived-checksum style="sha1">%s</archived-checksum>' % (
                hashlib.sha1(packed).hexdigest())
            x += '<extracted-checksum style="sha1">%s</extracted-checksum>' % (
                hashlib.sha1(data).hexdigest())
            x += "</data>"
            heap.extend(packed)
        return x + "</file>"

    toc = '<?xml version="1.0" encoding="UTF-8"?><xar><toc>'
    toc += '<checksum style="sha1"><offset>0</offset><size>20</size></checksum>'
    for c in children.get("", []):
        toc += file_xml(*c)
    toc += "</toc></xar>"
    raw = toc.encode()
    packed = zlib.compress(raw, 9)
    heap[0:20] = hashlib.sha1(packed).digest()
    head = struct.pack(">4sHHQQI", b"xar!", 28, 1, len(packed), len(raw), 1)
    with open(out, "wb") as f:
        f.write(head + packed + heap)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("rar5", "rar4", "xar"):
        sys.stderr.write(__doc__)
        return 2
    {"rar5": rar5, "rar4": rar4, "xar": xar}[sys.argv[1]](sys.argv[2],
                                                          sys.argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
