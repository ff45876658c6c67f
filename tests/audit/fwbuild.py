#!/usr/bin/env python3
"""fwbuild.py - firmware images that Debian has no tool to make, built
from their published descriptions (never from candor's readers).

As a module: trx(). As a command (for groundtruth.py's FORMATS):
    fwbuild.py trx OUT FILE...      a TRX v1 image of the files
"""
import struct
import sys
import zlib


def trx(parts, version=1, bin_ff=True):
    """A TRX image as OpenWrt's trx tool writes one (firmware-utils
    src/trx.c; the header on openwrt.org, docs/techref/headers): "HDR0",
    the length, a CRC-32, flags 0 and the version, then 3 (v1) or 4 (v2)
    partition offsets from the header's start; each file is padded with
    zeros to 4 bytes, the image to 4 KiB. The CRC is ISO 3309's
    (0xEDB88320, preset to all ones) without the final inversion, from
    the flags to the end; in v2 the bytes 22-29 of the fourth partition
    (the BIN header) count as 0xFF. Returns (image, [(offset, padded
    length)] of the partitions)."""
    n_slots = 3 if version == 1 else 4
    body = bytearray(16 + 4 * n_slots)
    offsets = []
    for p in parts:
        offsets.append(len(body))
        body += p + b"\0" * (-len(p) % 4)
    body += b"\0" * (-len(body) % 4096)
    struct.pack_into("<4sIII", body, 0, b"HDR0", len(body), 0,
                     version << 16)
    for i, off in enumerate(offsets):
        struct.pack_into("<I", body, 16 + 4 * i, off)
    view = bytearray(body)
    if version == 2 and len(offsets) == 4 and bin_ff:
        view[offsets[3] + 22:offsets[3] + 30] = b"\xff" * 8
    crc = zlib.crc32(bytes(view[12:])) ^ 0xffffffff
    struct.pack_into("<I", body, 8, crc)
    ends = offsets[1:] + [len(body)]
    return bytes(body), [(o, e - o) for o, e in zip(offsets, ends)]


if __name__ == "__main__":
    if sys.argv[1] == "trx":
        image, _ = trx([open(f, "rb").read() for f in sys.argv[3:]])
        with open(sys.argv[2], "wb") as f:
            f.write(image)
