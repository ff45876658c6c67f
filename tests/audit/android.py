#!/usr/bin/env python3
"""android.py - Android's image formats (src/unpack: sparse.c, bootimg.c)
against images built here, never against candor's own output.

Usage: android.py CANDOR WORKDIR
Sparse images: img2simg (android-sdk-libsparse-utils) of raw images with
data, holes and fill patterns, at two block sizes, of a SquashFS image and
of an ext4 image from mke2fs -d (whose files the audit must then find
inside the expanded image); and,
for what img2simg never writes (don't-care and CRC32 chunks, an image
checksum, longer headers), images laid out from AOSP's sparse_format.h
(fwbuild.sparse). The expected expanded bytes are simg2img's output.
Then, as tests/audit/firmware.py does: each image alone, all of them
carved from one blob (layout exact), and damaged ones among good ones
(a CRC32 chunk that no longer matches, a chunk of unknown type, a chunk
past the header's blocks, an image cut in a raw chunk): each its
finding, the good images after them found at their offsets.

Boot images: Debian's mkbootimg (Android 10's script) writes header
versions 0 to 3 and vendor_boot version 3 from files made here (a kernel,
ramdisks as cpio under gzip and under lz4's legacy format as Android uses
it, second stage, recovery DTBO, a dtb from dtc); versions 4 (boot and
vendor_boot with a ramdisk table and bootconfig), which it does not write,
come from AOSP's bootimg.h layout (fwbuild.boot_v4, vendor_boot_v4). Each
entry's sha256 must be its input file's, and the ramdisk's files must be
found inside it. The script divides page counts with Python 3's `/`
(a float) when it places a recovery DTBO, and fails: it is run with that
one function replaced by integer division (MKBOOTIMG below). Then carved
from a blob, and damaged: a kernel byte flipped (the id, mkbootimg's SHA-1
of the sections, no longer holds), a table ramdisk past the vendor
ramdisk, a cut image, and "ANDROID!" in text (no image).
Prints one FAIL line per mismatch and `N passed, N failed`.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwbuild  # noqa: E402
import firmware as fw  # noqa: E402
from firmware import (audit, check, check_entries, check_layout,  # noqa: E402
                      files_of, glue, rng, sh, sha, read,
                      write)


def raw_with_holes(path, size, pieces):
    """A file of size bytes with data only at the (offset, bytes) pieces:
    the rest are holes."""
    with open(path, "wb") as f:
        for off, data in pieces:
            f.seek(off)
            f.write(data)
        f.truncate(size)


def expanded(d, simg):
    """simg2img's expansion of d/simg: the expected bytes."""
    sh("simg2img %s %s.raw" % (simg, simg), d)
    return read(d, simg + ".raw")


def build_sparse(d):
    """Sparse images: name -> (bytes, format, {path below it: sha256})."""
    raw_with_holes(os.path.join(d, "holes.img"), 3 * 1024 * 1024 + 1000, [
        (0, rng.randbytes(10000)),
        (200000, b"\x55" * 8192),  # a fill chunk
        (1 << 20, rng.randbytes(70000)),
        (3 * 1024 * 1024 - 3, b"end")])
    sh("img2simg holes.img holes.simg", d)
    raw_with_holes(os.path.join(d, "small.img"), 50000, [
        (0, b"\xa5\x5a" * 512), (4096, rng.randbytes(5000)),
        (40000, b"tail of the small image")])
    sh("img2simg small.img b1k.simg 1024", d)
    # A SquashFS image in a sparse image: the audit opens what it expands.
    os.makedirs(os.path.join(d, "sq/etc"), exist_ok=True)
    inner = rng.randbytes(50000)
    write(d, "sq/etc/data.bin", inner)
    sh("mksquashfs sq sq.img -noappend -quiet -all-root", d)
    sh("img2simg sq.img sq.simg", d)
    # An ext4 image from mke2fs -d, as Android's system images are made,
    # then img2simg: the audit reads the expanded image as ext4.
    os.makedirs(os.path.join(d, "e4/etc"), exist_ok=True)
    e4_inner = rng.randbytes(60000)
    write(d, "e4/etc/system.bin", e4_inner)
    sh("rm -f e4.img && mke2fs -q -t ext4 -d e4 e4.img 4M && "
       "img2simg e4.img e4.simg", d)
    blk = 4096
    crafted, _ = fwbuild.sparse([
        (fwbuild.SPARSE_RAW, 2, rng.randbytes(2 * blk)),
        (fwbuild.SPARSE_DONT_CARE, 3, None),
        (fwbuild.SPARSE_FILL, 2, b"\x11\x22\x33\x44"),
        (fwbuild.SPARSE_CRC32, 0, None),
        (fwbuild.SPARSE_RAW, 1, rng.randbytes(blk)),
        (fwbuild.SPARSE_CRC32, 0, None),
        (fwbuild.SPARSE_DONT_CARE, 2, None),
    ], image_crc=True, header_extra=b"XTRA")
    write(d, "crafted.simg", crafted)
    images = {}
    for name in ("holes.simg", "b1k.simg", "sq.simg", "e4.simg",
                 "crafted.simg"):
        images[name] = (read(d, name), "sparse",
                        {"": sha(expanded(d, name))})
    images["sq.simg"][2]["!squashfs!/etc/data.bin"] = sha(inner)
    images["e4.simg"][2]["!ext!/etc/system.bin"] = sha(e4_inner)
    return images


def alone(candor, d, images):
    for name, (_, fmt, inner) in images.items():
        recs = audit(candor, d, name)
        files = files_of(recs)
        check_entries(files, "%s!%s" % (name, fmt), inner, "alone")
        bad = [r for r in recs if r["type"] == "finding"]
        check(bad == [], "%s alone: findings %s" % (name, bad[:2]))


def carved(candor, d, images, blob_name):
    names = list(images)
    rng.shuffle(names)
    parts = [(images[n][0], images[n][1], None) for n in names]
    blob, ranges, padding = glue(parts, rng.randbytes(100))
    write(d, blob_name, blob)
    recs = audit(candor, d, blob_name)
    check_layout(recs, blob_name, blob, ranges, padding, blob_name)
    files = files_of(recs)
    for name, (off, _, fmt) in zip(names, ranges):
        check_entries(files, "%s!%s@0x%x" % (blob_name, fmt, off),
                      images[name][2], blob_name + " " + name)
    bad = [r for r in recs if r["type"] == "finding"]
    check(bad == [], "%s: findings %s" % (blob_name, bad[:2]))


def chunk_at(image, n):
    """The offset of chunk n's header in a sparse image."""
    file_hdr, chunk_hdr = struct.unpack_from("<HH", image, 8)
    at = file_hdr
    for _ in range(n):
        at += struct.unpack_from("<I", image, at + 8)[0]
    return at


def damaged_blob(candor, d, parts, blob_name, inner=()):
    """parts: (image, format (None: no image), extent or None, the
    finding's path below the image or None, words of its evidence, {entry:
    sha256}). Glues
    them, audits the blob: the layout, the entries, one finding each.
    inner: (index of a range, offset in it, length, format) of containers
    carved inside an image whose end is unknown (it runs past the data):
    that image's range ends where they start."""
    blob, ranges, _ = glue([(p[0], p[1], p[2]) for p in parts])
    write(d, blob_name, blob)
    recs = audit(candor, d, blob_name)
    layout = list(ranges)
    for i, at, n, fmt in inner:
        layout[i] = (ranges[i][0], at, ranges[i][2])
        layout.append((ranges[i][0] + at, n, fmt))
    check_layout(recs, blob_name, blob, sorted(layout), None, blob_name)
    files = files_of(recs)
    want = set()
    for (off, _, fmt), p in zip(ranges, [p for p in parts if p[1]]):
        prefix = "%s!%s@0x%x" % (blob_name, fmt, off)
        check_entries(files, prefix, p[5], blob_name + " " + fmt)
        if p[3] is not None:
            want.add((prefix + p[3], p[4]))
    got = [(r["vpath"], r["evidence"]) for r in recs
           if r["type"] == "finding"]
    for vpath, words in want:
        check(any(v == vpath and words in e for v, e in got),
              "%s: no finding with %r at %s (got %s)" %
              (blob_name, words, vpath, got))
    check(len(got) == len(want), "%s: %d findings, want %d: %s" %
          (blob_name, len(got), len(want), got))


def damaged_sparse(candor, d, images):
    crafted = images["crafted.simg"][0]
    holes = images["holes.simg"][0]
    # a byte of the first raw chunk: the CRC32 chunk after it fails
    bad_crc = fw.flip(crafted, chunk_at(crafted, 0) + 12 + 100)
    write(d, "bad_crc.simg", bad_crc)
    # the third chunk of unknown type: the image ends at it
    at = chunk_at(holes, 2)
    bad_type = bytearray(holes)
    bad_type[at:at + 2] = b"\xc9\xca"
    bad_type = bytes(bad_type)
    # the header gives fewer blocks than the chunks hold
    few = bytearray(holes)
    struct.pack_into("<I", few, 16, 5)
    few = bytes(few)
    # cut in the middle of its last raw chunk
    cut = holes[:chunk_at(holes, 8) + 12 + 2000]
    parts = [
        (bad_crc, "sparse", None, "", "CRC32 chunk",
         {"": sha(expanded(d, "bad_crc.simg"))}),
        (holes, "sparse", None, None, None, images["holes.simg"][2]),
        (bad_type, "sparse", at, "", "unknown type", {}),
        (images["sq.simg"][0], "sparse", None, None, None,
         images["sq.simg"][2]),
        (few, "sparse", None, "", "past the 5 blocks", {}),
        (images["b1k.simg"][0], "sparse", None, None, None,
         images["b1k.simg"][2]),
        (cut, "sparse", chunk_at(holes, 8), "", "truncated", {}),
    ]
    damaged_blob(candor, d, parts, "damaged-sparse.bin")


# Debian's mkbootimg with its get_number_of_pages giving an integer.
MKBOOTIMG = """python3 -c '
import sys
from importlib.machinery import SourceFileLoader
m = SourceFileLoader("mkbootimg", "/usr/bin/mkbootimg").load_module()
m.get_number_of_pages = lambda size, page: (size + page - 1) // page
sys.argv[0] = "mkbootimg"
m.main()' """


def build_boot(d):
    """Boot images: name -> (bytes, format, {path below it: sha256})."""
    rd = os.path.join(d, "rd")
    os.makedirs(os.path.join(rd, "bin"), exist_ok=True)
    files = {"init": b"#!/bin/sh\nexec /bin/tool\n",
             "bin/tool": rng.randbytes(7000)}
    for name, data in files.items():
        write(rd, name, data)
    os.chmod(os.path.join(rd, "init"), 0o755)
    sh("cd rd && find . -mindepth 1 | sort | cpio -o -H newc --quiet "
       ">../rd.cpio", d)
    sh("gzip -9 -n -c rd.cpio >rd.cpio.gz && lz4 -q -l -9 -f rd.cpio "
       "rd.cpio.lz4", d)
    inputs = {"kernel": rng.randbytes(30001), "second": rng.randbytes(5000),
              "dtbo": rng.randbytes(3000), "sig": rng.randbytes(1024),
              "bootconfig": b"androidboot.hardware=candor\n"}
    for name, data in inputs.items():
        write(d, name, data)
    with open(os.path.join(d, "b.dts"), "w") as f:
        f.write('/dts-v1/;\n/ { model = "candor"; compatible = "c,t"; };\n')
    sh("dtc -I dts -O dtb -o b.dtb b.dts", d)
    for name in ("rd.cpio.gz", "rd.cpio.lz4", "b.dtb"):
        inputs[name] = read(d, name)
    mk = MKBOOTIMG + "--kernel kernel "
    sh(mk + "--header_version 0 --pagesize 2048 --ramdisk rd.cpio.gz "
       "--second second -o v0.img", d)
    sh(mk + "--header_version 1 --ramdisk rd.cpio.lz4 --recovery_dtbo dtbo "
       "-o v1.img", d)
    sh(mk + "--header_version 2 --pagesize 16384 --ramdisk rd.cpio.gz "
       "--second second --recovery_dtbo dtbo --dtb b.dtb -o v2.img", d)
    sh(mk + "--header_version 3 --ramdisk rd.cpio.gz -o v3.img "
       "--vendor_boot vb3.img --vendor_ramdisk rd.cpio.lz4 --dtb b.dtb "
       "--pagesize 2048", d)
    write(d, "v4.img", fwbuild.boot_v4(inputs["kernel"], inputs["rd.cpio.gz"],
                                       inputs["sig"]))
    write(d, "vb4.img", fwbuild.vendor_boot_v4(
        4096, [(b"platform", inputs["rd.cpio.gz"], 1),
               (b"", inputs["rd.cpio.lz4"], 3)],
        inputs["b.dtb"], inputs["bootconfig"]))

    def want(**entries):
        out = {}
        for entry, name in entries.items():
            out["!/" + entry] = sha(inputs[name])
            if name.startswith("rd."):
                inner = "!/%s!%s+cpio!/" % (
                    entry, {"gz": "gzip", "lz4": "lz4"}[name.split(".")[-1]])
                for f, data in files.items():
                    out[inner + f] = sha(data)
        return {k.replace("__", "/"): v for k, v in out.items()}
    return {
        "v0.img": (read(d, "v0.img"), "bootimg",
                   want(kernel="kernel", ramdisk="rd.cpio.gz",
                        second="second")),
        "v1.img": (read(d, "v1.img"), "bootimg",
                   want(kernel="kernel", ramdisk="rd.cpio.lz4",
                        recovery_dtbo="dtbo")),
        "v2.img": (read(d, "v2.img"), "bootimg",
                   want(kernel="kernel", ramdisk="rd.cpio.gz",
                        second="second", recovery_dtbo="dtbo", dtb="b.dtb")),
        "v3.img": (read(d, "v3.img"), "bootimg",
                   want(kernel="kernel", ramdisk="rd.cpio.gz")),
        "vb3.img": (read(d, "vb3.img"), "vendor_boot",
                    want(vendor_ramdisk="rd.cpio.lz4", dtb="b.dtb")),
        "v4.img": (read(d, "v4.img"), "bootimg",
                   want(kernel="kernel", ramdisk="rd.cpio.gz",
                        signature="sig")),
        "vb4.img": (read(d, "vb4.img"), "vendor_boot",
                    want(vendor_ramdisk__platform="rd.cpio.gz",
                         vendor_ramdisk__1="rd.cpio.lz4", dtb="b.dtb",
                         bootconfig="bootconfig")),
    }


def damaged_boot(candor, d, images):
    v0 = images["v0.img"][0]
    bad_id = fw.flip(v0, 2048 + 500)  # a kernel byte
    kernel = read(d, "kernel")
    vb4 = bytearray(images["vb4.img"][0])
    # the second table entry's offset: past the vendor ramdisk
    table = 4096 * (1 + sum(-(-n // 4096) for n in (
        struct.unpack_from("<I", vb4, 24)[0],
        struct.unpack_from("<I", vb4, 2100)[0])))
    struct.pack_into("<I", vb4, table + 108 + 4, 1 << 20)
    vb4 = bytes(vb4)
    v2 = images["v2.img"][0]
    dtb_at = v2.rfind(read(d, "b.dtb"))
    cut = v2[:dtb_at + 20]
    decoy = b"ANDROID!" + b"boot image magic, then text: not an image " * 20
    good = {k: v for k, v in images["v0.img"][2].items() if k != "!/kernel"}
    good["!/kernel"] = sha(bad_id[2048:2048 + len(kernel)])
    parts = [
        (bad_id, "bootimg", None, "!/second", "SHA-1", good),
        (images["v1.img"][0], "bootimg", None, None, None,
         images["v1.img"][2]),
        (vb4, "vendor_boot", None, "!/vendor_ramdisk/1",
         "runs past the vendor ramdisk",
         {k: v for k, v in images["vb4.img"][2].items()
          if "/1" not in k}),
        (decoy, None, None, None, None, {}),
        (images["v4.img"][0], "bootimg", None, None, None,
         images["v4.img"][2]),
        (cut, "bootimg", len(cut), "!/dtb", "truncated",
         {k: v for k, v in images["v2.img"][2].items() if "dtb" not in k}),
    ]
    # The cut image runs past the data: its end is unknown, so carving
    # goes on inside it and finds its ramdisk's gzip stream.
    rdgz = read(d, "rd.cpio.gz")
    damaged_blob(candor, d, parts, "damaged-boot.bin",
                 [(4, cut.find(rdgz), len(rdgz), "gzip")])


def main():
    candor, work = sys.argv[1], sys.argv[2]
    d = os.path.join(work, "android")
    os.makedirs(d, exist_ok=True)
    sparse = build_sparse(d)
    alone(candor, d, sparse)
    carved(candor, d, sparse, "sparse.bin")
    damaged_sparse(candor, d, sparse)
    boot = build_boot(d)
    alone(candor, d, boot)
    carved(candor, d, boot, "boot.bin")
    damaged_boot(candor, d, boot)
    print("%d passed, %d failed" % (fw.passed, fw.failed))


main()
