#!/usr/bin/env python3
"""hexrec.py - Intel HEX and Motorola S-records (src/unpack/hexrec.c)
against files written by binutils' objcopy and SRecord's srec_cat, never
against candor's own output.

Usage: hexrec.py CANDOR WORKDIR
The expected image of every file is the memory it describes from its
lowest address to its highest, gaps as 0xFF: laid out here by python from
the regions that went in, and the same as `objcopy -I ihex|srec -O binary
--gap-fill 0xff` gives (checked too). Files: objcopy -O ihex / -O srec of
a 200 KB binary at 0x08000000 (extended linear address and S3 records);
srec_cat of three regions with gaps at 0x08000000, 0x08012345, 0x0801F000
as Intel HEX, as S3, S2 records, and S1 records below 64 KiB; objcopy
rewriting those (its own ihex and srec writers, gaps kept); Intel HEX with
extended segment addresses (8086 segment:offset), which neither tool
writes, from Intel's specification (fwbuild.ihex_segmented). Then damaged
files: a data record whose checksum fails (an unpack.error naming the
line; its bytes are 0xFF, the rest is laid out), a file cut in a line
(no end-of-file record), an address jump to 4 GiB (stopped by the ratio
limit, small memory, quickly), text starting with ':' or 'S0' that is no
record (no container, no finding), and the files inside a tar.
Prints one FAIL line per mismatch and `N passed, N failed`.
"""
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwbuild  # noqa: E402
import firmware as fw  # noqa: E402
from firmware import (audit, check, files_of, read, rng, sh,  # noqa: E402
                      sha, write)


def layout(regions):
    """The memory image of regions (address, bytes): from the lowest
    address to the highest, gaps as 0xFF."""
    low = min(a for a, _ in regions)
    high = max(a + len(b) for a, b in regions)
    image = bytearray(b"\xff" * (high - low))
    for a, b in regions:
        image[a - low:a - low + len(b)] = b
    return bytes(image)


def objcopy_binary(d, name, fmt):
    sh("objcopy -I %s -O binary --gap-fill 0xff %s %s.bin" %
       (fmt, name, name), d)
    return read(d, name + ".bin")


def build(d):
    """name -> (format, expected image)."""
    files = {}
    big = bytearray(b"\xff" * 200000)
    for off, n in ((0, 5000), (70000, 3000), (131072 - 100, 200),
                   (199000, 1000)):
        big[off:off + n] = rng.randbytes(n)
    write(d, "big.bin", big)
    for fmt, name in (("ihex", "big.hex"), ("srec", "big.srec")):
        sh("objcopy -I binary -O %s --change-addresses 0x08000000 big.bin "
           "%s" % (fmt, name), d)
        files[name] = (fmt, bytes(big))
    regions = [(0x08000000, rng.randbytes(3007)),
               (0x08012345, rng.randbytes(6007)),
               (0x0801F000, rng.randbytes(9007))]
    low = [(a & 0xffff, b) for a, b in regions]
    low[1] = (0x4345, regions[1][1])  # below 64 KiB, still apart
    low[2] = (0xA000, regions[2][1])
    for i, (a, b) in enumerate(regions):
        write(d, "r%d.bin" % i, b)
    args = " ".join("r%d.bin -binary -offset 0x%x" % (i, a)
                    for i, (a, _) in enumerate(regions))
    args_low = " ".join("r%d.bin -binary -offset 0x%x" % (i, a)
                        for i, (a, _) in enumerate(low))
    sh("srec_cat %s -o m.hex -intel" % args, d)
    sh("srec_cat %s -o m3.srec -motorola -address-length=4" % args, d)
    sh("srec_cat %s -o m2.srec -motorola -address-length=3" % args, d)
    sh("srec_cat %s -o m1.srec -motorola -address-length=2" % args_low, d)
    sh("objcopy -I ihex -O srec m.hex o.srec", d)
    sh("objcopy -I srec -O ihex m3.srec o.hex", d)
    image, image_low = layout(regions), layout(low)
    for name, fmt, want in (("m.hex", "ihex", image),
                            ("m3.srec", "srec", image),
                            ("m2.srec", "srec", image),
                            ("m1.srec", "srec", image_low),
                            ("o.srec", "srec", image),
                            ("o.hex", "ihex", image)):
        files[name] = (fmt, want)
    seg = [(0x1000, rng.randbytes(700)), (0x12345, rng.randbytes(1000)),
           (0x2F000, rng.randbytes(300))]
    write(d, "seg.hex", fwbuild.ihex_segmented(seg))
    files["seg.hex"] = ("ihex", layout(seg))
    for name, (fmt, want) in files.items():
        got = objcopy_binary(d, name, fmt)
        check(got == want, "%s: objcopy -O binary does not give the image "
              "laid out here (%d bytes, want %d)" % (name, len(got),
                                                     len(want)))
    return files


def alone(candor, d, files):
    for name, (fmt, want) in files.items():
        recs = audit(candor, d, name)
        rec = files_of(recs).get("%s!%s" % (name, fmt))
        check(rec is not None and rec["sha256"] == sha(want),
              "%s: %s" % (name, rec and (rec["size"], rec["sha256"])))
        bad = [r for r in recs if r["type"] == "finding"]
        check(bad == [], "%s: findings %s" % (name, bad[:2]))


def findings(recs):
    return [(r["vpath"], r["rule"], r["evidence"]) for r in recs
            if r["type"] == "finding"]


def damaged(candor, d, files):
    text = read(d, "m.hex").decode()
    lines = text.splitlines(keepends=True)
    k = len(lines) // 2
    assert lines[k][7:9] == "00"  # a data record
    data = bytes.fromhex(lines[k][9:-3])
    image = bytearray(files["m.hex"][1])
    at = image.find(data)
    image[at:at + len(data)] = b"\xff" * len(data)
    last = lines[k][-3:-1]
    lines[k] = lines[k][:-3] + ("%02X" % (int(last, 16) ^ 1)) + "\n"
    write(d, "badsum.hex", "".join(lines).encode())
    recs = audit(candor, d, "badsum.hex")
    rec = files_of(recs).get("badsum.hex!ihex")
    check(rec is not None and rec["sha256"] == sha(bytes(image)),
          "badsum.hex: the image without the bad record: %s" %
          (rec and rec["sha256"]))
    got = findings(recs)
    check(got == [("badsum.hex!ihex", "unpack.error",
                   "ihex: line %d: the checksum does not match" % (k + 1))],
          "badsum.hex: findings %s" % got)

    cut = text[:len(text) // 3 + 5]
    write(d, "cut.hex", cut.encode())
    got = findings(audit(candor, d, "cut.hex"))
    check(len(got) == 1 and got[0][0] == "cut.hex!ihex" and
          "line %d" % (cut.count("\n") + 1) in got[0][2],
          "cut.hex: findings %s" % got)

    # 16 bytes at 0, 16 at 0xFFFFFFF0: a 4 GiB image from 150 bytes.
    far = (fwbuild.ihex_record(0, 0, rng.randbytes(16)) +
           fwbuild.ihex_record(4, 0, b"\xff\xff") +
           fwbuild.ihex_record(0, 0xFFF0, rng.randbytes(16)) +
           fwbuild.ihex_record(1, 0, b"")).encode()
    write(d, "far.hex", far)
    t = time.monotonic()
    recs = audit(candor, d, "far.hex")
    took = time.monotonic() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    got = findings(recs)
    check([r[:2] for r in got] == [("far.hex!ihex", "limit.ratio")],
          "far.hex: findings %s" % got)
    check(took < 20, "far.hex: %.1f s" % took)
    check(rss < 300 * 1024,
          "far.hex: peak memory %d KiB" % rss)

    for name, text in (("colon.txt", b":note: not a record\n"),
                       ("s0.txt", b"S0 is not an S-record either\n"),
                       ("S.txt", b"S00600004844521B extra\n")):
        write(d, name, text)
        recs = audit(candor, d, name)
        check([r["vpath"] for r in recs if r["type"] == "file"] == [name]
              and findings(recs) == [], "%s: %s" % (name, recs[:3]))

    sh("tar -cf t.tar m.hex m3.srec", d)
    files_t = files_of(audit(candor, d, "t.tar"))
    for name in ("m.hex", "m3.srec"):
        fmt, want = files[name]
        rec = files_t.get("t.tar!tar!/%s!%s" % (name, fmt))
        check(rec is not None and rec["sha256"] == sha(want),
              "t.tar: %s: %s" % (name, rec))


def main():
    candor, work = sys.argv[1], sys.argv[2]
    d = os.path.join(work, "hexrec")
    os.makedirs(d, exist_ok=True)
    files = build(d)
    alone(candor, d, files)
    damaged(candor, d, files)
    print("%d passed, %d failed" % (fw.passed, fw.failed))


main()
