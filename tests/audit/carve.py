#!/usr/bin/env python3
"""carve.py - carving: containers glued into one blob with random gaps.

Usage: carve.py CANDOR WORKDIR
Builds the containers with Debian's tools (tar+gzip, zip, xz, 7z, bzip2,
zstd, lz4, lzma, lzop, cpio) and python's tarfile (a plain ustar archive), glues them
into one blob between gaps of random bytes and of zeros, and checks what
`candor audit --json` says of the blob against the construction: the
layout record (every container's offset and length, the unknown bytes,
the padding), and every file inside each container by its virtual path
and the sha256 of the original. A ustar archive ends after the two zero
blocks of POSIX (pax, "ustar Interchange Format"); the zeros python
writes after them to fill its 10240-byte record are padding, and so are
the zeros cpio writes after the newc trailer. Prints one
FAIL line per mismatch and `N passed, N failed`.
"""
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import tarfile

rng = random.Random(20261207)
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL carve: " + what)


def sh(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, shell=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    candor, work = sys.argv[1], sys.argv[2]
    src = os.path.join(work, "carve-src")
    os.makedirs(os.path.join(src, "d"), exist_ok=True)
    files = {"d/one.bin": rng.randbytes(5000),
             "d/two.txt": b"CARVE-MARKER " * 40,
             "three.bin": rng.randbytes(70000)}
    for name, data in files.items():
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)
    # (file, format in the layout, {vpath below the container: sha256})
    sha = {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    sh("tar --format=ustar -czf ../c.tgz d three.bin", src)
    sh("zip -qr ../c.zip d three.bin", src)
    open(os.path.join(src, "empty"), "wb").close()
    sh("zip -q ../e.zip empty d/two.txt", src)  # a first entry of 0 bytes
    sh("xz -c three.bin >../c.xz", src)
    sh("7z a -bd -bso0 ../c.7z d three.bin", src)
    sh("bzip2 -c d/one.bin >../c.bz2", src)
    sh("zstd -q -c d/two.txt >../c.zst", src)
    sh("lz4 -q -c three.bin >../c.lz4", src)
    sh("xz --format=lzma -c d/two.txt >../c.lzma", src)
    sh("lzop -c three.bin >../c.lzo", src)
    sh("lzop -9 --crc32 -c d/one.bin >../c9.lzo", src)  # LZO1X-999, CRC-32
    sh("printf 'd/one.bin\\nthree.bin\\n' | cpio -o -H newc --quiet "
       ">../c.cpio", src)
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w",
                      format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo("d/two.txt")
        info.size = len(files["d/two.txt"])
        t.addfile(info, io.BytesIO(files["d/two.txt"]))
    tar_bytes = tar.getvalue()
    # header + data blocks, then the two zero blocks that end the archive
    tar_len = 512 + (info.size + 511) // 512 * 512 + 1024
    with open(os.path.join(work, "c.tar"), "wb") as f:
        f.write(tar_bytes)

    # newc (cpio(5)): the archive ends with the entry TRAILER!!!, a 110-byte
    # header and its name with the NUL, padded to 4; cpio -o fills its last
    # 512-byte block with zeros after that.
    cpio = open(os.path.join(work, "c.cpio"), "rb").read()
    trailer = cpio.rfind(b"070701")
    cpio_len = (trailer + 110 + len(b"TRAILER!!!\0") + 3) // 4 * 4

    parts = [
        ("c.tgz", "gzip", {"!tar!/d/one.bin": sha["d/one.bin"],
                           "!tar!/d/two.txt": sha["d/two.txt"],
                           "!tar!/three.bin": sha["three.bin"]}, None),
        ("c.zip", "zip", {"!/d/one.bin": sha["d/one.bin"],
                          "!/d/two.txt": sha["d/two.txt"],
                          "!/three.bin": sha["three.bin"]}, None),
        ("c.xz", "xz", {"": sha["three.bin"]}, None),
        ("e.zip", "zip", {"!/empty": hashlib.sha256(b"").hexdigest(),
                          "!/d/two.txt": sha["d/two.txt"]}, None),
        ("c.7z", "7zip", {"!/d/one.bin": sha["d/one.bin"],
                          "!/three.bin": sha["three.bin"]}, None),
        ("c.bz2", "bzip2", {"": sha["d/one.bin"]}, None),
        ("c.zst", "zstd", {"": sha["d/two.txt"]}, None),
        ("c.lz4", "lz4", {"": sha["three.bin"]}, None),
        ("c.lzma", "lzma", {"": sha["d/two.txt"]}, None),
        ("c.lzo", "lzop", {"": sha["three.bin"]}, None),
        ("c9.lzo", "lzop", {"": sha["d/one.bin"]}, None),
        ("c.cpio", "cpio", {"!/d/one.bin": sha["d/one.bin"],
                            "!/three.bin": sha["three.bin"]}, cpio_len),
        ("c.tar", "tar", {"!/d/two.txt": sha["d/two.txt"]}, tar_len),
    ]
    blob = bytearray()
    want_ranges = []
    want_padding = 0
    gap_random = 0
    want_files = {}
    for i, (name, fmt, inner, length) in enumerate(parts):
        if i % 3 == 2:  # erased flash between some parts
            n = rng.randrange(16, 5000)
            blob += b"\xff" * n
            want_padding += n
        else:
            n = rng.randrange(1, 3000)
            blob += rng.randbytes(n)
            gap_random += n
        data = open(os.path.join(work, name), "rb").read()
        off = len(blob)
        blob += data
        length = length or len(data)
        want_ranges.append((off, length, fmt))
        want_padding += len(data) - length  # the tar's record fill
        for sub, digest in inner.items():
            want_files["blob.bin!%s@0x%x%s" % (fmt, off, sub)] = digest
    tail = rng.randbytes(100)
    blob += tail
    with open(os.path.join(work, "blob.bin"), "wb") as f:
        f.write(blob)
    out = subprocess.run([candor, "audit", "--json", "-r", "/dev/null",
                          "blob.bin"], cwd=work, capture_output=True)
    check(out.returncode == 0, "exit %d: %s" % (out.returncode,
                                                 out.stderr[:300]))
    recs = [json.loads(line) for line in out.stdout.splitlines()]
    layouts = [r for r in recs if r["type"] == "layout"
               and r["vpath"] == "blob.bin"]
    check(len(layouts) == 1, "%d layout records for the blob" % len(layouts))
    if layouts:
        got = [(r["offset"], r["length"], r["format"])
               for r in layouts[0]["ranges"]]
        check(got == want_ranges, "ranges: got %s want %s" %
              (got, want_ranges))
        known = sum(n for _, n, _ in want_ranges)
        check(layouts[0]["unknown_bytes"] == len(blob) - known,
              "unknown bytes: got %s want %d" %
              (layouts[0]["unknown_bytes"], len(blob) - known))
        # random gaps may hold a run of 16 equal 00 or FF bytes: never
        # seen with this seed, and the check would say so
        check(layouts[0]["padding_bytes"] == want_padding,
              "padding: got %s want %d" % (layouts[0]["padding_bytes"],
                                           want_padding))
    got_files = {r["vpath"]: r["sha256"] for r in recs
                 if r["type"] == "file"}
    for vpath, digest in want_files.items():
        check(got_files.get(vpath) == digest, "%s: got %s want %s" %
              (vpath, got_files.get(vpath), digest))
    findings = [r for r in recs if r["type"] == "finding"]
    check(findings == [], "findings on a clean blob: %s" % findings[:3])
    print("%d passed, %d failed" % (passed, failed))


main()
