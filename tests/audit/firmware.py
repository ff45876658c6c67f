#!/usr/bin/env python3
"""firmware.py - the firmware readers (src/unpack: uimage.c, fit.c, trx.c)
against images built here, never against candor's own output.

Usage: firmware.py CANDOR WORKDIR
Builds each format with Debian's tools (mkimage of u-boot-tools for
legacy uImages, single and multi-file, and FIT images with embedded and
external data; dtc makes the device tree a FIT carries) or, where Debian
has none, from the format's published description (tests/audit/fwbuild.py:
TRX v1 and v2). Then checks what `candor audit --json` says:
  - each image alone: every entry's virtual path and the sha256 of the
    bytes that went in (and of what is inside a compressed payload);
  - one blob of all of them glued between random and FF gaps: the layout
    (every image's offset, length and format, the unknown and padding
    bytes) and every entry again under its carved path;
  - a blob of damaged images among good ones: a flipped data byte (the
    data CRC of a uImage, the image CRC of a TRX, a FIT hash node), a
    flipped header byte (no longer a uImage), a truncated image at the
    end: each gives its finding with the expected words, the damaged
    entries are still read (their sha256 is that of the damaged bytes) and
    the good images after them are found at their offsets.
Prints one FAIL line per mismatch and `N passed, N failed`.
"""
import hashlib
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwbuild  # noqa: E402

rng = random.Random(20261208)
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL firmware: " + what)


def write(d, name, data):
    """Writes data to d/name (the firmware tests' files)."""
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(d, name):
    with open(os.path.join(d, name), "rb") as f:
        return f.read()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def sh(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, shell=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))


def audit(candor, work, name):
    out = subprocess.run([candor, "audit", "--json", "-r", "/dev/null",
                          name], cwd=work, capture_output=True)
    check(out.returncode == 0, "%s: exit %d: %s" % (name, out.returncode,
                                                     out.stderr[:300]))
    return [json.loads(line) for line in out.stdout.splitlines()]


ITS = """/dts-v1/;
/ {
    description = "candor test";
    #address-cells = <1>;
    images {
        kernel-1 {
            description = "kernel";
            data = /incbin/("k.bin.gz");
            type = "kernel"; arch = "arm"; os = "linux";
            compression = "gzip"; load = <0x8000>; entry = <0x8000>;
            hash-1 { algo = "crc32"; };
            hash-2 { algo = "sha256"; };
        };
        ramdisk-1 {
            description = "ramdisk";
            data = /incbin/("r.txt");
            type = "ramdisk"; arch = "arm"; os = "linux";
            compression = "none";
            hash-1 { algo = "sha1"; };
            hash-2 { algo = "sha256"; };
        };
        fdt-1 {
            description = "device tree";
            data = /incbin/("b.dtb");
            type = "flat_dt"; arch = "arm"; compression = "none";
            hash-1 { algo = "crc32"; };
        };
    };
    configurations {
        default = "conf-1";
        conf-1 { kernel = "kernel-1"; ramdisk = "ramdisk-1"; fdt = "fdt-1"; };
    };
};
"""


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def build(d):
    """Every image: name -> (bytes, format, {path below it: sha256})."""
    k = rng.randbytes(30000)
    r = b"ramdisk text\n" * 50
    t = b"#!/bin/sh\necho uImage payload\n" * 30
    for name, data in (("k.bin", k), ("r.txt", r), ("t.txt", t)):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    sh("gzip -n -9 -k -f k.bin", d)
    kgz = open(os.path.join(d, "k.bin.gz"), "rb").read()
    with open(os.path.join(d, "b.dts"), "w") as f:
        f.write('/dts-v1/;\n/ { model = "candor"; compatible = "c,t"; };\n')
    sh("dtc -I dts -O dtb -o b.dtb b.dts", d)
    dtb = open(os.path.join(d, "b.dtb"), "rb").read()
    with open(os.path.join(d, "f.its"), "w") as f:
        f.write(ITS)
    mk = "mkimage -A arm -O linux "
    sh(mk + "-T kernel -C gzip -a 0x8000 -e 0x8000 -n Linux-6.1 "
       "-d k.bin.gz k.uimg", d)
    sh(mk + "-T multi -C none -n multi -d k.bin:r.txt:k.bin.gz m.uimg", d)
    sh(mk + "-T script -C none -n '' -d t.txt e.uimg", d)
    sh(mk + "-T ramdisk -C none -n plain -d t.txt t.uimg", d)
    sh("mkimage -f f.its f.itb", d)
    sh("mkimage -E -f f.its fe.itb", d)
    sh("mkimage -E -p 0x9000 -f f.its fp.itb", d)
    loader = rng.randbytes(3001)
    trx1, _ = fwbuild.trx([loader, kgz, r])
    binhdr = rng.randbytes(64)
    trx2, _ = fwbuild.trx([loader, kgz, r, binhdr], version=2)
    trx_two, _ = fwbuild.trx([kgz, t])  # kernel in slot 0, as on ARM
    fit_in = {"!/kernel-1": sha(kgz), "!/kernel-1!gzip": sha(k),
              "!/ramdisk-1": sha(r), "!/fdt-1": sha(dtb)}
    images = {
        "k.uimg": (None, "uimage", {"!/Linux-6.1": sha(kgz),
                                    "!/Linux-6.1!gzip": sha(k)}),
        "m.uimg": (None, "uimage", {"!/multi/0": sha(k), "!/multi/1": sha(r),
                                    "!/multi/2": sha(kgz),
                                    "!/multi/2!gzip": sha(k)}),
        # a script image's data is its own size table, then the text
        "e.uimg": (None, "uimage", {"": None}),
        "t.uimg": (None, "uimage", {"!/plain": sha(t)}),
        "f.itb": (None, "fit", fit_in),
        "fe.itb": (None, "fit", fit_in),
        "fp.itb": (None, "fit", fit_in),
        "v1.trx": (trx1, "trx", {"!/loader": sha(pad4(loader)),
                                 "!/kernel": sha(pad4(kgz)),
                                 "!/kernel!gzip": sha(k),
                                 "!/rootfs": None}),
        "v2.trx": (trx2, "trx", {"!/loader": sha(pad4(loader)),
                                 "!/kernel": sha(pad4(kgz)),
                                 "!/rootfs": sha(pad4(r)),
                                 "!/binheader": None}),
        "two.trx": (trx_two, "trx", {"!/loader": sha(pad4(kgz)),
                                     "!/loader!gzip": sha(k),
                                     "!/kernel": None}),
    }
    out = {}
    for name, (data, fmt, inner) in images.items():
        if data is None:
            data = open(os.path.join(d, name), "rb").read()
        else:
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        out[name] = (data, fmt, inner)
    # What the builders padded: the last partition of a TRX runs to the
    # image's end; a script uImage holds a size table before the text.
    end1 = trx1[trx1.find(r, 3001):]
    out["v1.trx"][2]["!/rootfs"] = sha(end1)
    out["v2.trx"][2]["!/binheader"] = sha(trx2[trx2.rfind(binhdr):])
    out["two.trx"][2]["!/kernel"] = sha(trx_two[trx_two.rfind(t):])
    out["e.uimg"][2][""] = sha(out["e.uimg"][0][64:])
    return out


def files_of(recs):
    return {r["vpath"]: r for r in recs if r["type"] == "file"}


def check_entries(files, prefix, inner, what):
    for sub, digest in inner.items():
        rec = files.get(prefix + sub)
        check(rec is not None and rec["sha256"] == digest,
              "%s: %s%s: got %s want %s" %
              (what, prefix, sub, rec and rec["sha256"], digest))


def alone(candor, d, images):
    for name, (_, fmt, inner) in images.items():
        recs = audit(candor, d, name)
        check_entries(files_of(recs), "%s!%s" % (name, fmt), inner, "alone")
        bad = [r for r in recs if r["type"] == "finding"]
        check(bad == [], "%s alone: findings %s" % (name, bad[:2]))


def glue(parts, tail=b""):
    """parts: (bytes, format, length or None). The blob, the layout it must
    have, and the padding bytes in it."""
    blob = bytearray()
    ranges = []
    padding = 0
    for i, (data, fmt, length) in enumerate(parts):
        if i % 3 == 2:
            n = rng.randrange(16, 3000)
            blob += b"\xff" * n
            padding += n
        else:
            blob += rng.randbytes(rng.randrange(1, 3000))
        if fmt is not None:
            ranges.append((len(blob), length or len(data), fmt))
        blob += data
    blob += tail
    return bytes(blob), ranges, padding


def check_layout(recs, name, blob, ranges, padding, what):
    lay = [r for r in recs if r["type"] == "layout" and r["vpath"] == name]
    check(len(lay) == 1, "%s: %d layout records" % (what, len(lay)))
    if not lay:
        return
    got = [(r["offset"], r["length"], r["format"]) for r in lay[0]["ranges"]]
    check(got == ranges, "%s: ranges: got %s want %s" % (what, got, ranges))
    known = sum(n for _, n, _ in ranges)
    check(lay[0]["unknown_bytes"] == len(blob) - known,
          "%s: unknown bytes: got %s want %d" %
          (what, lay[0]["unknown_bytes"], len(blob) - known))
    if padding is not None:
        check(lay[0]["padding_bytes"] == padding,
              "%s: padding: got %s want %d" %
              (what, lay[0]["padding_bytes"], padding))


def carved(candor, d, images):
    names = list(images)
    rng.shuffle(names)
    parts = [(images[n][0], images[n][1], None) for n in names]
    blob, ranges, padding = glue(parts, rng.randbytes(100))
    with open(os.path.join(d, "blob.bin"), "wb") as f:
        f.write(blob)
    recs = audit(candor, d, "blob.bin")
    check_layout(recs, "blob.bin", blob, ranges, padding, "blob")
    files = files_of(recs)
    for name, (off, _, fmt) in zip(names, ranges):
        check_entries(files, "blob.bin!%s@0x%x" % (fmt, off),
                      images[name][2], "blob " + name)
    bad = [r for r in recs if r["type"] == "finding"]
    check(bad == [], "blob: findings %s" % bad[:2])


def flip(data, at):
    b = bytearray(data)
    b[at] ^= 0x40
    return bytes(b)


def damaged(candor, d, images):
    """Damaged images among good ones: (part, the finding's path below the
    image, words of its evidence, {entry: sha256 of what is read})."""
    t_uimg = images["t.uimg"][0]
    m_uimg = images["m.uimg"][0]
    trx1 = images["v1.trx"][0]
    fit = images["f.itb"][0]
    k_gz = images["k.uimg"][0]
    r = open(os.path.join(d, "r.txt"), "rb").read()
    dtb = open(os.path.join(d, "b.dtb"), "rb").read()
    bad_data = flip(t_uimg, 64 + 100)
    r_in_multi = 64 + 16 + 30000  # after the size table and k.bin
    bad_multi = flip(m_uimg, r_in_multi + 5)
    r_in_trx = trx1.rfind(r)
    bad_trx = flip(trx1, r_in_trx + 10)
    r_in_fit, dtb_in_fit = fit.find(r), fit.find(dtb)
    bad_fit = flip(flip(fit, r_in_fit + 7),
                   dtb_in_fit + dtb.find(b"candor"))
    bad_header = flip(k_gz, 16)  # the load address: the header CRC fails
    cut = t_uimg[:64 + 700]
    parts = [
        (bad_data, "uimage", None, "!/plain", "CRC-32",
         {"!/plain": sha(bad_data[64:])}),
        (images["v1.trx"][0], "trx", None, None, None, {}),
        (bad_multi, "uimage", None, "!/multi/2", "CRC-32",
         {"!/multi/0": images["m.uimg"][2]["!/multi/0"],
          "!/multi/1": sha(bad_multi[r_in_multi:r_in_multi + len(r)]),
          "!/multi/2!gzip": images["m.uimg"][2]["!/multi/2!gzip"]}),
        (bad_trx, "trx", None, "!/rootfs", "CRC-32",
         {"!/loader": images["v1.trx"][2]["!/loader"],
          "!/kernel!gzip": images["v1.trx"][2]["!/kernel!gzip"],
          "!/rootfs": sha(bad_trx[r_in_trx:])}),
        (bad_fit, "fit", None, "!/ramdisk-1", "SHA-256",
         {"!/kernel-1!gzip": images["f.itb"][2]["!/kernel-1!gzip"],
          "!/ramdisk-1": sha(bad_fit[r_in_fit:r_in_fit + len(r)]),
          "!/fdt-1": sha(bad_fit[dtb_in_fit:dtb_in_fit + len(dtb)])}),
        # no longer a uImage: its gzip payload is carved alone
        (bad_header, None, None, None, None, {}),
        (images["fe.itb"][0], "fit", None, None, None,
         images["fe.itb"][2]),
        (cut, "uimage", len(cut), "!/plain", "truncated",
         {"!/plain": sha(cut[64:])}),
    ]
    blob, ranges, _ = glue([(p[0], p[1], p[2]) for p in parts])
    # the gzip inside the header-damaged uImage, carved on its own
    i = 5
    gz_off = blob.find(bad_header) + 64
    ranges.insert(i, (gz_off, len(bad_header) - 64, "gzip"))
    with open(os.path.join(d, "damaged.bin"), "wb") as f:
        f.write(blob)
    recs = audit(candor, d, "damaged.bin")
    check_layout(recs, "damaged.bin", blob, ranges, None, "damaged")
    files = files_of(recs)
    want_findings = set()
    at = [r for r in ranges if r[2] != "gzip"]
    for (off, _, fmt), p in zip(at, [p for p in parts if p[1]]):
        prefix = "damaged.bin!%s@0x%x" % (fmt, off)
        check_entries(files, prefix, p[5], "damaged " + fmt)
        if p[3] is not None:
            want_findings.add((prefix + p[3], p[4]))
        if p[0] is bad_fit:
            want_findings.add((prefix + "!/fdt-1", "CRC-32"))
    got = [(r["vpath"], r["evidence"]) for r in recs
           if r["type"] == "finding"]
    for vpath, words in want_findings:
        check(any(v == vpath and words in e for v, e in got),
              "damaged: no finding with %r at %s (got %s)" %
              (words, vpath, got))
    check(len(got) == len(want_findings),
          "damaged: %d findings, want %d: %s" %
          (len(got), len(want_findings), got))


def main():
    candor, work = sys.argv[1], sys.argv[2]
    d = os.path.join(work, "fw")
    os.makedirs(d, exist_ok=True)
    images = build(d)
    alone(candor, d, images)
    carved(candor, d, images)
    damaged(candor, d, images)
    print("%d passed, %d failed" % (passed, failed))


if __name__ == "__main__":
    main()
