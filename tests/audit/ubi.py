#!/usr/bin/env python3
"""ubi.py - UBI images (src/unpack/ubi.c) built with mtd-utils' ubinize,
never checked against candor's own output.

Usage: ubi.py CANDOR WORKDIR
Two images from ubinize.ini files: 128 KiB PEBs with 2048-byte pages and
512-byte sub-pages (a SquashFS volume, a static raw volume, a dynamic
raw volume of several LEBs, an empty autoresize volume), and 16 KiB PEBs
with 512-byte pages and the VID header at its own page. Expected: a
static volume is its input file byte for byte; a dynamic one is its input
padded with 0xFF to whole LEBs (the PEB less the data offset: UBI reads
what ubinize left unwritten as erased flash); the SquashFS volume's file
is found inside it with its sha256. Then alone, carved from a blob
(layout: every image's offset and PEBs), and damaged among good ones: a
byte of the static volume flipped (its data CRC fails), a VID header's
CRC broken (that LEB reads as unmapped, 0xFF), a newer copy of a LEB
appended with a higher sequence number (the newer data wins: UBI's rule),
an image cut in its last PEB.
Prints one FAIL line per mismatch and `N passed, N failed`.
"""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import firmware as fw  # noqa: E402
from firmware import (audit, check, check_entries, check_layout,  # noqa: E402
                      files_of, glue, rng, sh, sha, read,
                      write)


def ff_pad(data, leb):
    return data + b"\xff" * (-len(data) % leb)


INI = """[rootfs]
mode=ubi
image=sq.img
vol_id=0
vol_type=dynamic
vol_name=rootfs
[data]
mode=ubi
image=static.bin
vol_id=1
vol_type=static
vol_name=data
[big]
mode=ubi
image=big.bin
vol_id=3
vol_type=dynamic
vol_name=big
[rootfs_data]
mode=ubi
vol_id=2
vol_type=dynamic
vol_size=2MiB
vol_name=rootfs_data
vol_flags=autoresize
"""


def build(d):
    """name -> (bytes, {path below it: sha256}, PEB size, data offset)."""
    os.makedirs(os.path.join(d, "sq/etc"), exist_ok=True)
    inner = rng.randbytes(90000)
    write(d, "sq/etc/firmware.bin", inner)
    sh("mksquashfs sq sq.img -noappend -quiet -all-root", d)
    write(d, "static.bin", rng.randbytes(70001))
    write(d, "big.bin", rng.randbytes(300000))
    write(d, "u.ini", INI.encode())
    images = {}
    for name, peb, args, data_off in (
            ("a.ubi", 128 * 1024, "-p 128KiB -m 2048 -s 512", 2048),
            ("b.ubi", 16 * 1024, "-p 16KiB -m 512 -O 512", 1024)):
        sh("ubinize -o %s %s u.ini" % (name, args), d)
        leb = peb - data_off
        images[name] = (read(d, name), {
            "!/rootfs": sha(ff_pad(read(d, "sq.img"), leb)),
            "!/rootfs!squashfs!/etc/firmware.bin": sha(inner),
            "!/data": sha(read(d, "static.bin")),
            "!/big": sha(ff_pad(read(d, "big.bin"), leb)),
        }, peb, data_off)
    return images


def alone(candor, d, images):
    for name, (_, inner, _, _) in images.items():
        recs = audit(candor, d, name)
        files = files_of(recs)
        check_entries(files, name + "!ubi", inner, "alone")
        vols = sorted(v[len(name) + 6:] for v in files
                      if v.startswith(name + "!ubi!/") and
                      v.count("!") == 2)
        check(vols == ["big", "data", "rootfs"],
              "%s: volumes %s" % (name, vols))
        bad = [r for r in recs if r["type"] == "finding"]
        check(bad == [], "%s alone: findings %s" % (name, bad[:2]))


def carved(candor, d, images):
    names = list(images)
    parts = [(images[n][0], "ubi", None) for n in names]
    blob, ranges, padding = glue(parts, rng.randbytes(100))
    write(d, "ubi-blob.bin", blob)
    recs = audit(candor, d, "ubi-blob.bin")
    check_layout(recs, "ubi-blob.bin", blob, ranges, padding, "ubi-blob")
    files = files_of(recs)
    for name, (off, _, _) in zip(names, ranges):
        check_entries(files, "ubi-blob.bin!ubi@0x%x" % off, images[name][1],
                      "ubi-blob " + name)
    bad = [r for r in recs if r["type"] == "finding"]
    check(bad == [], "ubi-blob: findings %s" % bad[:2])


def pebs(image, peb, vid_off):
    """(PEB offset, volume id, LEB number) of each PEB with a VID header."""
    out = []
    for at in range(0, len(image), peb):
        if image[at + vid_off:at + vid_off + 4] == b"UBI!":
            vol, lnum = struct.unpack_from(">II", image, at + vid_off + 8)
            out.append((at, vol, lnum))
    return out


def ubi_crc(data):
    """UBI's CRC-32 (ubi-media.h): preset to all ones, not inverted."""
    return ~zlib.crc32(data) & 0xffffffff


def damaged(candor, d, images):
    image, inner, peb, data_off = images["a.ubi"]
    vid_off = 512  # the sub-page after the EC header (-s 512)
    leb = peb - data_off
    where = {(v, l): at for at, v, l in pebs(image, peb, vid_off)}
    big = read(d, "big.bin")
    static = read(d, "static.bin")
    # a byte of the static volume: its data CRC fails
    bad_crc = fw.flip(image, where[(1, 0)] + data_off + 1000)
    want_crc = dict(inner)
    want_crc["!/data"] = sha(fw.flip(static, 1000))
    # LEB 1 of "big": its VID header's CRC fails, it reads as unmapped
    bad_vid = fw.flip(image, where[(3, 1)] + vid_off + 20)
    padded = bytearray(ff_pad(big, leb))
    padded[leb:2 * leb] = b"\xff" * leb
    want_vid = dict(inner)
    want_vid["!/big"] = sha(bytes(padded))
    # a newer copy of LEB 0 of "big", with other data, appended
    at = where[(3, 0)]
    copy = bytearray(image[at:at + peb])
    new_data = rng.randbytes(leb)
    copy[data_off:] = new_data
    struct.pack_into(">Q", copy, vid_off + 40, 7)  # sqnum
    struct.pack_into(">I", copy, vid_off + 60,
                     ubi_crc(bytes(copy[vid_off:vid_off + 60])))
    newer = image + bytes(copy)
    padded = bytearray(ff_pad(big, leb))
    padded[:leb] = new_data
    want_new = dict(inner)
    want_new["!/big"] = sha(bytes(padded))
    # cut in the middle of its last PEB's data
    last_at, last_vol, _ = max(pebs(image, peb, vid_off))
    names = {0: "rootfs", 1: "data", 3: "big"}
    cut = image[:last_at + data_off + 500]
    want_cut = {"!/" + names[v]: inner["!/" + names[v]]
                for v in names if v != last_vol}
    parts = [
        (bad_crc, "!/data", "data CRC", want_crc),
        (images["b.ubi"][0], None, None, images["b.ubi"][1]),
        (bad_vid, "!/big", "volume identifier header's CRC", want_vid),
        (newer, None, None, want_new),
        (cut, "!/" + names[last_vol], "truncated", want_cut),
    ]
    blob, ranges, _ = glue([(p[0], "ubi", None) for p in parts])
    write(d, "ubi-damaged.bin", blob)
    recs = audit(candor, d, "ubi-damaged.bin")
    check_layout(recs, "ubi-damaged.bin", blob, ranges, None, "ubi-damaged")
    files = files_of(recs)
    want = set()
    for (off, _, _), p in zip(ranges, parts):
        prefix = "ubi-damaged.bin!ubi@0x%x" % off
        check_entries(files, prefix, p[3], "ubi-damaged")
        if p[1] is not None:
            want.add((prefix + p[1], p[2]))
    got = [(r["vpath"], r["evidence"]) for r in recs
           if r["type"] == "finding"]
    for vpath, words in want:
        check(any(v == vpath and words in e for v, e in got),
              "ubi-damaged: no finding with %r at %s (got %s)" %
              (words, vpath, got))
    check(len(got) == len(want), "ubi-damaged: %d findings, want %d: %s" %
          (len(got), len(want), got))


def main():
    candor, work = sys.argv[1], sys.argv[2]
    d = os.path.join(work, "ubi")
    os.makedirs(d, exist_ok=True)
    images = build(d)
    alone(candor, d, images)
    carved(candor, d, images)
    damaged(candor, d, images)
    print("%d passed, %d failed" % (fw.passed, fw.failed))


main()
