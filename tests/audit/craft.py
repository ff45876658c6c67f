#!/usr/bin/env python3
"""craft.py - hostile containers for tests/audit, built with Python's
tarfile and zipfile (and by hand where they refuse), with the ground
truth of what they hold taken from the construction.

Usage: craft.py KIND OUT [ARGS...]; prints the truth lines (vpath, kind,
size, mode, link, sha256 as in check.py; '-' for unchecked) of the
entries to stdout, with OUT's base name as the product's name.

  names-tar OUT DECOY_DIR MARKER   `../`, absolute paths into DECOY_DIR,
                                   links out of the tree and in loops,
                                   repeated and odd names, then a file
                                   holding MARKER
  names-zip OUT DECOY_DIR MARKER   the same kinds of names in a zip
"""
import hashlib
import io
import os
import stat
import sys
import tarfile
import zipfile


def sha(data):
    return hashlib.sha256(data).hexdigest()


class Truth:
    def __init__(self, prefix):
        self.prefix = prefix.encode()
        self.lines = []

    def add(self, name, kind, data=None, link=None):
        if isinstance(name, str):
            name = name.encode("utf-8", "surrogateescape")
        if isinstance(link, str):
            link = link.encode("utf-8", "surrogateescape")
        self.lines.append(b"\t".join([
            self.prefix + name, kind.encode(),
            str(len(data)).encode() if data is not None else b"-", b"-",
            link if link is not None else b"-",
            sha(data).encode() if data is not None else b"-"]))

    def write(self):
        sys.stdout.buffer.write(b"".join(l + b"\n" for l in self.lines))


def hostile_names(decoy_dir):
    """(name, data) of regular files whose names try to leave the tree or
    to clash, as bytes or str."""
    return [
        ("../../../decoy", b"dotdot\n"),
        ("x/../../../../decoy", b"inner dotdot\n"),
        (os.path.join(decoy_dir, "abs-decoy"), b"absolute\n"),
        ("..", b"just dotdot\n"),
        ("dup", b"first\n"),
        ("dup", b"second\n"),
        ("%41", b"percent\n"),
        ("\x01\x1b[31mred", b"control bytes\n"),
        (b"bad\xff\xfeutf8", b"invalid utf-8\n"),
        ("caf\u00e9", b"valid utf-8\n"),
        ("long-" + "n" * 295, b"300-byte name\n"),
        ("p" * 198 + "%", b"cut before an escape\n"),
        ("u" * 199 + "\u00e9", b"cut before a UTF-8 sequence\n"),
        ("d/" * 150 + "deep", b"151 components\n"),
        ("a//b/./c", b"empty and dot components\n"),
    ]


def names_tar(out, decoy_dir, marker):
    t = Truth(os.path.basename(out) + "!tar!/")
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tf:
        def reg(name, data):
            if isinstance(name, bytes):
                name = name.decode("utf-8", "surrogateescape")
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mode = 0o6755  # set-id bits are never written
            tf.addfile(ti, io.BytesIO(data))
            t.add(name, "file", data)

        def special(name, typ, link="", kind=None):
            ti = tarfile.TarInfo(name)
            ti.type = typ
            ti.linkname = link
            tf.addfile(ti)
            t.add(name, kind, link=link if link else None)

        for name, data in hostile_names(decoy_dir):
            reg(name, data)
        # Links out of the tree, in a loop, and files written through them.
        special("esc", tarfile.SYMTYPE, decoy_dir, "symlink")
        reg("esc/decoy", b"through a symlink\n")
        special("up", tarfile.SYMTYPE, "../../../..", "symlink")
        reg("up/decoy", b"through a relative symlink\n")
        special("loop1", tarfile.SYMTYPE, "loop2", "symlink")
        special("loop2", tarfile.SYMTYPE, "loop1", "symlink")
        reg("loop1/x", b"through a loop\n")
        special("hl", tarfile.LNKTYPE, "../../../decoy", "hardlink")
        special("hl2", tarfile.LNKTYPE, os.path.join(decoy_dir, "abs-decoy"),
                "hardlink")
        special("dev", tarfile.CHRTYPE, kind="chardev")
        special("fifo", tarfile.FIFOTYPE, kind="fifo")
        # A name taken by a file, then needed for a directory, and back.
        reg("f", b"a file first\n")
        reg("f/g", b"then under it\n")
        special("e/", tarfile.DIRTYPE, kind="dir")
        reg("e", b"a file where a directory is\n")
        reg("good/marked", b"x" * 100 + marker.encode() + b"\n")
    t.write()


def names_zip(out, decoy_dir, marker):
    t = Truth(os.path.basename(out) + "!zip!/")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        def reg(name, data):
            if isinstance(name, bytes):
                name = name.decode("utf-8", "surrogateescape")
            zf.writestr(zipfile.ZipInfo(name), data)
            t.add(name, "file", data)

        for name, data in hostile_names(decoy_dir):
            if isinstance(name, bytes) or name.startswith("d/"):
                continue  # zipfile writes str names only; depth: tar's
            reg(name, data)
        # A symbolic link: Unix mode S_IFLNK in the external attributes,
        # the target as data.
        zi = zipfile.ZipInfo("esc")
        zi.create_system = 3
        zi.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(zi, decoy_dir)
        t.add("esc", "symlink", link=decoy_dir)
        reg("esc/decoy", b"through a symlink\n")
        reg("good/marked", b"y" * 50 + marker.encode() + b"\n")
    t.write()


def main():
    kind, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    {
        "names-tar": names_tar,
        "names-zip": names_zip,
    }[kind](out, *args)


if __name__ == "__main__":
    main()
