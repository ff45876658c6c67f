#!/usr/bin/env python3
"""groundtruth.py - a firmware-like product whose every file is known.

Usage: groundtruth.py build OUTDIR
       groundtruth.py check OUTDIR AUDIT.jsonl
       groundtruth.py recall OUTDIR DIR     (files under DIR, by sha256)
       groundtruth.py recall-json OUTDIR AUDIT.jsonl

`build` makes a root file system (busybox-static with its applets as
symbolic links, a few other binaries, configuration with a hard-coded
credential, a setuid helper, odd modes, an empty file and directory),
packs it with Debian's tools into every container candor reads (FORMATS
below), and glues the containers into OUTDIR/blob.bin between gaps of
random bytes and of erased flash (FF), at offsets written to
OUTDIR/parts.tsv. OUTDIR/truth.tsv lists the files: path, kind, size,
mode, link target, sha256, all from stat and hashlib on the tree, never
from candor.

`check` reads `candor audit --json blob.bin` and checks that every file of
the truth is found in every container at its path with its sha256, size,
mode and link target, that the layout of the blob gives every container
at its offset, and that nothing was found by chance. Prints one FAIL line
per mismatch and `N passed, N failed`.

`recall` prints how many of the truth's regular files (by sha256) are
among the files under DIR, and how many there are, for make bench-audit;
`recall-json` the same among the file records of candor audit --json.
"""
import hashlib
import json
import os
import random
import shutil
import stat
import subprocess
import sys

SEED = 20261207
APPLETS = ["sh", "ls", "cat", "mount", "ifconfig", "telnetd", "udhcpc",
           "wget", "vi"]
OTHER_BINARIES = ["/usr/bin/xz", "/usr/bin/cpio"]


def sh(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, shell=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_tree(root, rng):
    for d in ["bin", "sbin", "usr/sbin", "etc/init.d", "lib", "var/empty",
              "www/cgi-bin"]:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy("/bin/busybox", os.path.join(root, "bin/busybox"))
    for a in APPLETS:
        os.symlink("busybox", os.path.join(root, "bin", a))
    os.symlink("../bin/busybox", os.path.join(root, "sbin/init"))
    for b in OTHER_BINARIES:
        shutil.copy(b, os.path.join(root, "usr/sbin", os.path.basename(b)))
    with open(os.path.join(root, "etc/passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n"
                "support:$1$GTsupp$Zqf3bGk7N6s0kYp1wq3Hh.:0:0::/:/bin/sh\n")
    with open(os.path.join(root, "etc/init.d/rcS"), "w") as f:
        f.write("#!/bin/sh\n/bin/telnetd -l /bin/sh -p 2323 &\n")
    os.chmod(os.path.join(root, "etc/init.d/rcS"), 0o755)
    with open(os.path.join(root, "www/cgi-bin/diag.cgi"), "w") as f:
        f.write("#!/bin/sh\neval \"$QUERY_STRING\"\n")
    os.chmod(os.path.join(root, "www/cgi-bin/diag.cgi"), 0o750)
    helper = os.path.join(root, "usr/sbin/su-helper")
    with open(helper, "wb") as f:
        f.write(b"\x7fELF" + rng.randbytes(3000))
    os.chmod(helper, 0o4755)
    with open(os.path.join(root, "lib/blob.bin"), "wb") as f:
        f.write(rng.randbytes(200000))
    open(os.path.join(root, "etc/empty.conf"), "w").close()
    with open(os.path.join(root, "etc/shadow"), "w") as f:
        f.write("root:*:19000:0:99999:7:::\n")
    os.chmod(os.path.join(root, "etc/shadow"), 0o600)


def truth(root):
    rows = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            mode = "%04o" % stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                rows.append((rel, "symlink", "-", mode, os.readlink(p), "-"))
            elif stat.S_ISDIR(st.st_mode):
                rows.append((rel, "dir", "-", mode, "-", "-"))
            else:
                data = open(p, "rb").read()
                rows.append((rel, "file", str(len(data)), mode, "-",
                             hashlib.sha256(data).hexdigest()))
    return rows


SPECBUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "specbuild.py")

# name, build command (run in the tree's parent, writes ../NAME), the format
# carving names the range with, the container path below it to the tree's
# root, and which truth columns the format keeps.
FORMATS = [
    ("rootfs.cpio.gz",
     "cd root && find . -mindepth 1 | sort | cpio -o -H newc --quiet | "
     "gzip -9 >../rootfs.cpio.gz",
     "gzip", "!cpio!/", {"mode", "link"}),
    ("rootfs.tar.xz", "tar -C root -cJf rootfs.tar.xz .",
     "xz", "!tar!/./", {"mode", "link"}),
    ("rootfs.tar.lzo", "tar -C root -cf - . | lzop -c >rootfs.tar.lzo",
     "lzop", "!tar!/./", {"mode", "link"}),
    ("rootfs.zip", "cd root && zip -qry ../rootfs.zip .",
     "zip", "!/", {"mode", "link"}),
    ("rootfs.7z", "cd root && 7z a -snl -bd -bso0 ../rootfs.7z .",
     "7zip", "!/", {"link"}),
    ("rootfs.cramfs", "mkfs.cramfs root rootfs.cramfs",
     "cramfs", "!/", {"mode", "link"}),
    ("rootfs-be.cramfs",
     "mkfs.cramfs root le.cramfs && cramfsswap le.cramfs rootfs-be.cramfs",
     "cramfs", "!/", {"mode", "link"}),
    # UBIFS as mkfs.ubifs writes it for the UBI volume below (128 KiB
    # eraseblocks, 2 KiB pages, 512-byte subpages: LEBs of 129024 bytes),
    # data compressed with zlib
    ("rootfs.ubifs",
     "mkfs.ubifs -r root -m 2048 -e 129024 -c 2000 -x zlib -o rootfs.ubifs",
     "ubifs", "!/", {"mode", "link"}),
    # U-Boot's legacy image of the initramfs, as a ramdisk
    ("rootfs.uimg",
     "mkimage -A arm -O linux -T ramdisk -C none -n rootfs "
     "-d rootfs.cpio.gz rootfs.uimg",
     "uimage", "!/rootfs!gzip+cpio!/", {"mode", "link"}),
    # an Android sparse image (img2simg) of the CramFS image, which the
    # audit expands and opens in turn
    ("rootfs.simg", "img2simg rootfs.cramfs rootfs.simg",
     "sparse", "!cramfs!/", {"mode", "link"}),
    # an Android boot image (mkbootimg, header version 0) with the
    # initramfs as its ramdisk
    ("rootfs.boot.img",
     "gzip -9 -n -c root/bin/busybox >bootkernel.gz && "
     "mkbootimg --header_version 0 --kernel bootkernel.gz "
     "--ramdisk rootfs.cpio.gz -o rootfs.boot.img",
     "bootimg", "!/ramdisk!gzip+cpio!/", {"mode", "link"}),
    # UBI (ubinize, 128 KiB eraseblocks) with the root file system as a
    # SquashFS volume
    ("rootfs.ubi",
     "mksquashfs root rootfs.sqfs -noappend -quiet -all-root && "
     "printf '[rootfs]\\nmode=ubi\\nimage=rootfs.sqfs\\nvol_id=0\\n"
     "vol_type=dynamic\\nvol_name=rootfs\\n' >ubi.ini && "
     "ubinize -o rootfs.ubi -p 128KiB -m 2048 -s 512 ubi.ini",
     "ubi", "!/rootfs!squashfs!/", {"mode", "link"}),
    # the same UBI geometry with the UBIFS image above as its volume
    # (mkfs.ubifs + ubinize, as NAND firmware is made)
    ("rootfs-ubifs.ubi",
     "printf '[rootfs]\\nmode=ubi\\nimage=rootfs.ubifs\\nvol_id=0\\n"
     "vol_type=dynamic\\nvol_name=rootfs\\n' >ubifs.ini && "
     "ubinize -o rootfs-ubifs.ubi -p 128KiB -m 2048 -s 512 ubifs.ini",
     "ubi", "!/rootfs!ubifs!/", {"mode", "link"}),
    # formats no Debian tool writes, built from their specifications by
    # tests/audit/specbuild.py (RAR 5.0, RAR 4.x, files stored; xar, files
    # zlib-encoded), which libarchive reads
    ("rootfs.rar",
     "python3 %s rar5 rootfs.rar root" % SPECBUILD,
     "rar5", "!/", {"mode", "link"}),
    ("rootfs-v4.rar",
     "python3 %s rar4 rootfs-v4.rar root" % SPECBUILD,
     "rar", "!/", {"mode", "link"}),
    ("rootfs.xar",
     "python3 %s xar rootfs.xar root" % SPECBUILD,
     "xar", "!/", {"mode", "link"}),
    # a Broadcom TRX: a loader, a compressed kernel, the root file system
    ("rootfs.trx",
     "head -c 2048 /usr/bin/cpio >loader.bin && "
     "gzip -9 -n -c root/bin/busybox >kernel.gz && "
     "(cd root && find . -mindepth 1 | sort | "
     "cpio -o -H newc --quiet >../rootfs.cpio) && "
     "python3 %s trx rootfs.trx loader.bin kernel.gz rootfs.cpio"
     % os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "fwbuild.py"),
     "trx", "!/rootfs!cpio!/", {"mode", "link"}),
    # ext4 with 1 KiB blocks, a journal and extents, as mke2fs -d makes it
    ("rootfs.ext4",
     "mke2fs -q -F -t ext4 -b 1024 -N 128 -m 0 -E root_owner=0:0 "
     "-d root rootfs.ext4 4M",
     "ext", "!/", {"mode", "link"}),
    # JFFS2 in both byte orders (mtd-utils), 64 KiB erase blocks
    ("rootfs.jffs2", "mkfs.jffs2 -l -e 0x10000 -r root -o rootfs.jffs2",
     "jffs2", "!/", {"mode", "link"}),
    ("rootfs-be.jffs2", "mkfs.jffs2 -b -e 0x10000 -r root -o rootfs-be.jffs2",
     "jffs2", "!/", {"mode", "link"}),
]


def build(out):
    rng = random.Random(SEED)
    if os.path.exists(out):
        shutil.rmtree(out)
    root = os.path.join(out, "root")
    os.makedirs(root)
    make_tree(root, rng)
    rows = truth(root)
    with open(os.path.join(out, "truth.tsv"), "w") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    blob = bytearray()
    parts = []
    for i, (name, cmd, fmt, _, _) in enumerate(FORMATS):
        sh(cmd, out)
        gap = (b"\xff" * rng.randrange(64, 9000) if i % 2
               else rng.randbytes(rng.randrange(1, 9000)))
        blob += gap
        data = open(os.path.join(out, name), "rb").read()
        parts.append((len(blob), len(data), fmt, name))
        blob += data
    blob += rng.randbytes(333)
    with open(os.path.join(out, "blob.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(out, "parts.tsv"), "w") as f:
        for p in parts:
            f.write("%d\t%d\t%s\t%s\n" % p)


def load(out):
    rows = [l.rstrip("\n").split("\t")
            for l in open(os.path.join(out, "truth.tsv"))]
    parts = [l.rstrip("\n").split("\t")
             for l in open(os.path.join(out, "parts.tsv"))]
    return rows, [(int(o), int(n), f, name) for o, n, f, name in parts]


def check(out, audit):
    rows, parts = load(out)
    recs = [json.loads(l) for l in open(audit, "rb")]
    files = {r["vpath"]: r for r in recs if r["type"] == "file"}
    passed = failed = 0

    def ok(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print("FAIL groundtruth: " + what)

    layout = [r for r in recs if r["type"] == "layout"
              and r["vpath"] == "blob.bin"]
    got = [(r["offset"], r["length"], r["format"])
           for r in (layout[0]["ranges"] if layout else [])]
    want = [(o, n, f) for o, n, f, _ in parts]
    ok(got == want, "layout: got %s want %s" % (got, want))
    for (off, _, fmt, name), (_, _, _, below, keeps) in zip(parts, FORMATS):
        prefix = "blob.bin!%s@0x%x%s" % (fmt, off, below)
        for rel, kind, size, mode, link, sha in rows:
            rec = files.get(prefix + rel) or files.get(prefix + rel + "/")
            if rec is None:
                ok(False, "%s: %s missing" % (name, rel))
                continue
            problems = []
            if rec["kind"] != kind:
                problems.append("kind %s" % rec["kind"])
            if kind == "file" and (rec["sha256"] != sha or
                                   str(rec["size"]) != size):
                problems.append("size %s sha256 %s" % (rec["size"],
                                                       rec["sha256"]))
            if "mode" in keeps and kind != "symlink" and rec["mode"] != mode:
                problems.append("mode %s, want %s" % (rec["mode"], mode))
            if "link" in keeps and kind == "symlink" and \
                    rec["symlink"] != link:
                problems.append("link %s, want %s" % (rec["symlink"], link))
            ok(not problems, "%s: %s: %s" % (name, rel, ", ".join(problems)))
    bad = [r for r in recs if r["type"] == "finding"
           and r["kind"] in ("unpack-error", "limit")]
    ok(bad == [], "unpack errors or limits: %s" % bad[:3])
    print("%d passed, %d failed" % (passed, failed))


def recall(out, seen):
    rows, _ = load(out)
    want = {sha for _, kind, _, _, _, sha in rows if kind == "file"}
    print("%d %d" % (len(want & seen), len(want)))


def hashes_under(directory):
    seen = set()
    for dirpath, _, filenames in os.walk(directory):
        for name in filenames:
            p = os.path.join(dirpath, name)
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, "rb") as f:
                    seen.add(hashlib.sha256(f.read()).hexdigest())
    return seen


def hashes_in(audit):
    recs = [json.loads(l) for l in open(audit, "rb")]
    return {r["sha256"] for r in recs if r["type"] == "file"
            and r["sha256"] is not None}


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "recall":
        recall(sys.argv[2], hashes_under(sys.argv[3]))
    else:
        recall(sys.argv[2], hashes_in(sys.argv[3]))
