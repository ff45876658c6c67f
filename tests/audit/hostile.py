#!/usr/bin/env python3
"""hostile.py - hostile products for `candor audit` (issue 5), built here
from the ZIP APPNOTE, RFC 1951/1952 and POSIX tar layouts with Python's
zlib, tarfile and zipfile and with Debian's tools, never from candor's
output.

Usage: hostile.py CANDOR WORK [CASE...]

Each case runs `candor audit --json` on its products with HOME, TMPDIR and
the working directory in a scratch area and checks:
  - the finding the case must give (limit.* or unpack.error, at its
    virtual path), and the absence of what must not happen;
  - peak memory (the child's ru_maxrss from wait4) and wall time under
    generous bounds for the limits the case sets;
  - nothing written: a listing with the sha256 of every file of the
    scratch area (products included) is the same after the run, TMPDIR is
    still empty, and decoys named by hostile entries do not exist;
  - the rest of the product still scanned: a marker file placed after the
    hostile member (in the same container, or as the next product) is
    found by the marker rule at its own virtual path.
Prints `FAIL ...` lines, `FIGURE case rss_mib wall_s` lines, and ends with
`N passed, N failed`.
"""
import hashlib
import io
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import tarfile
import time
import zipfile
import zlib

CANDOR = os.path.abspath(sys.argv[1])
WORK = os.path.join(os.path.abspath(sys.argv[2]), "hostile")
ONLY = set(sys.argv[3:])
HERE = os.path.dirname(os.path.abspath(__file__))
SCRATCH = os.path.join(WORK, "scratch")
CWD = os.path.join(SCRATCH, "cwd")  # products live here
HOME = os.path.join(SCRATCH, "home")
TMP = os.path.join(SCRATCH, "tmp")
OUT = os.path.join(WORK, "out")  # candor's stdout and stderr
DECOY = os.path.join(WORK, "decoy")  # absolute entry names point here
MARKER = b"CANDOR-HOSTILE-MARKER-31c4e7"
RULES = os.path.join(WORK, "rules.yar")
MIB = 1 << 20
# Under AddressSanitizer (build-san) memory and time grow several times:
# the bounds are scaled.
with open(CANDOR, "rb") as _f:
    SAN = b"__asan_init" in _f.read()

passed = failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what, flush=True)
    return cond


# --- builders ---------------------------------------------------------------

def marker_text(tag):
    """A marker file: text with MARKER in it (a rule matches it)."""
    return b"marker file " + tag.encode() + b"\n" + MARKER + b"\n"


def put(name, data):
    path = os.path.join(CWD, name)
    with open(path, "wb") as f:
        f.write(data)
    return name


def tar_bytes(members, fmt=tarfile.GNU_FORMAT):
    """A tar of members: (name, bytes) for files, or TarInfo objects
    (with their data as a second item, or None)."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=fmt) as t:
        for m in members:
            if isinstance(m[0], tarfile.TarInfo):
                ti, data = m
                t.addfile(ti, io.BytesIO(data) if data is not None else None)
            else:
                name, data = m
                ti = tarfile.TarInfo(name)
                ti.size = len(data)
                ti.mode = 0o644
                t.addfile(ti, io.BytesIO(data))
        end = t.offset
    # Without tarfile's padding to 10,240 bytes: the end-of-archive
    # blocks only (a chain of 100 nested tars stays small).
    return bio.getvalue()[:end] + bytes(1024)


def tinfo(name, typ, link="", size=0, mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.type = typ
    ti.linkname = link
    ti.size = size
    ti.mode = mode
    return ti


# CRC-32 of long runs without reading them, as zlib's crc32_combine does
# it, written from the linearity of the CRC over GF(2): appending n zero
# bytes to a message is a 32x32 bit matrix applied to its CRC register;
# the matrices for 2^k bytes come from squaring the one for a single bit.
def _gf2_times(mat, vec):
    s = 0
    i = 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


_ZEROS_OP = []  # _ZEROS_OP[k]: append 2^k zero bytes


def _zeros_op(k):
    if not _ZEROS_OP:
        m = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
        for _ in range(3):
            m = _gf2_square(m)  # 2, 4, 8 bits
        _ZEROS_OP.append(m)
    while len(_ZEROS_OP) <= k:
        _ZEROS_OP.append(_gf2_square(_ZEROS_OP[-1]))
    return _ZEROS_OP[k]


def crc32_combine(crc1, crc2, len2):
    """crc32(A + B) from crc32(A), crc32(B) and len(B)."""
    k = 0
    while len2:
        if len2 & 1:
            crc1 = _gf2_times(_zeros_op(k), crc1)
        len2 >>= 1
        k += 1
    return crc1 ^ crc2


def crc32_repeat(crc_chunk, chunk_len, n):
    """crc32 of a chunk repeated n times, by doubling."""
    total, total_len = 0, 0
    part, part_len = crc_chunk, chunk_len
    while n:
        if n & 1:
            total = crc32_combine(total, part, part_len)
            total_len += part_len
        part = crc32_combine(part, part, part_len)
        part_len *= 2
        n >>= 1
    return total


ZERO_BLOCK = MIB


def deflate_zeros(n_mib, final=True):
    """A raw deflate stream of n_mib MiB of zeros, fast: one MiB
    compressed after a full flush (byte aligned, history reset) repeats
    byte for byte. Returns (stream, crc32 of the output)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    zeros = bytes(ZERO_BLOCK)
    first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    assert first == again
    stream = first * n_mib
    if final:
        stream += c.flush(zlib.Z_FINISH)
    crc = crc32_repeat(zlib.crc32(zeros), ZERO_BLOCK, n_mib)
    return stream, crc


def check_deflate_builder():
    s, crc = deflate_zeros(3)
    d = zlib.decompress(s, -15)
    return d == bytes(3 * MIB) and crc == zlib.crc32(d)


def gzip_zeros(n_mib):
    body, crc = deflate_zeros(n_mib)
    head = b"\x1f\x8b\x08\x00" + b"\0\0\0\0" + b"\x02\x03"
    return head + body + struct.pack("<II", crc, (n_mib * MIB) & 0xFFFFFFFF)


class Zip:
    """A zip written from the APPNOTE layout: local headers, data, central
    directory, end record; entries may share data (overlap)."""

    def __init__(self):
        self.data = bytearray()
        self.central = []

    @staticmethod
    def local(name, method, crc, csize, usize):
        return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0,
                           0x21, crc, csize, usize, len(name), 0) + name

    def add(self, name, method, crc, csize, usize, payload):
        off = len(self.data)
        self.data += self.local(name, method, crc, csize, usize) + payload
        self.cd(name, method, crc, csize, usize, off)

    def cd(self, name, method, crc, csize, usize, off):
        self.central.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, 0, method, 0,
            0x21, crc, csize, usize, len(name), 0, 0, 0, 0, 0o100644 << 16,
            off) + name)

    def bytes(self):
        cd = b"".join(self.central)
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(self.central),
                          len(self.central), len(cd), len(self.data), 0)
        return bytes(self.data) + cd + end


def stored(name, data):
    z = Zip()
    z.add(name, 0, zlib.crc32(data), len(data), len(data), data)
    return z


def overlap_zip(n_files, kernel_mib):
    """David Fifield's "better zip bomb" (2019), built from the APPNOTE:
    n_files entries whose data overlap. The last entry's data is the
    kernel, a deflate stream of zeros; each earlier entry's data is a
    non-final stored deflate block quoting the next entry's local header,
    followed by the next entry's data. Every entry unpacks to the local
    headers after it plus the kernel, and the central directory names
    them all, so the archive unpacks to about n_files times the kernel."""
    kernel, kcrc = deflate_zeros(kernel_mib)
    names = [("f%04d" % i).encode() for i in range(n_files)]
    # From the last entry back: (crc, usize, csize) of each.
    crc, usize, csize = kcrc, kernel_mib * MIB, len(kernel)
    locals_ = [None] * n_files
    fields = [None] * n_files
    for i in range(n_files - 1, -1, -1):
        if i < n_files - 1:
            lh = locals_[i + 1]
            crc = crc32_combine(zlib.crc32(lh), crc, usize)
            usize += len(lh)
            csize += 5 + len(lh)
        fields[i] = (crc, csize, usize)
        locals_[i] = Zip.local(names[i], 8, crc, csize, usize)
    z = Zip()
    offsets = []
    for i in range(n_files):
        offsets.append(len(z.data))
        z.data += locals_[i]
        if i < n_files - 1:
            lh = locals_[i + 1]
            z.data += b"\x00" + struct.pack("<HH", len(lh), len(lh) ^ 0xFFFF)
    z.data += kernel
    for i in range(n_files):
        c, cs, us = fields[i]
        z.cd(names[i], 8, c, cs, us, offsets[i])
    return z.bytes(), sum(f[2] for f in fields)


def verify_zip_entry(data, index):
    """Inflates the index-th entry of the central directory from its
    local header; whether size and CRC-32 are as declared."""
    eocd = data.rindex(b"PK\x05\x06")
    n, cd_size, cd_off = struct.unpack_from("<HII", data, eocd + 10)
    pos = cd_off
    for i in range(n):
        (crc, csize, usize, nlen, xlen, clen) = struct.unpack_from(
            "<IIIHHH", data, pos + 16)
        lh = struct.unpack_from("<I", data, pos + 42)[0]
        if i == index:
            lnlen, lxlen = struct.unpack_from("<HH", data, lh + 26)
            start = lh + 30 + lnlen + lxlen
            out = zlib.decompress(data[start:start + csize], -15)
            return len(out) == usize and zlib.crc32(out) == crc
        pos += 46 + nlen + xlen + clen
    return False


def nested_zips(base_mib, fanout, layers):
    """A zip of zips, 42.zip style: layer 1 holds fanout files of base_mib
    MiB of zeros, each layer above fanout copies of the one below,
    written by Python's zipfile with ZIP_DEFLATED."""
    inner = bytes(base_mib * MIB)
    name = "zeros.bin"
    for layer in range(1, layers + 1):
        bio = io.BytesIO()
        with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED,
                             compresslevel=9) as z:
            for i in range(fanout):
                stem, dot, ext = name.partition(".")
                z.writestr("%s-%d.%s" % (stem, i, ext), inner)
        inner = bio.getvalue()
        name = "layer%d.zip" % layer
    return inner, base_mib * MIB * fanout ** layers


# --- running candor ---------------------------------------------------------

_hash_cache = {}


def snapshot(root):
    """Every entry below root: kind, size, mode, link target, sha256."""
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("l", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("d", st.st_mode)
            else:
                key = (p, st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                       st.st_ino)
                h = _hash_cache.get(key)
                if h is None:
                    with open(p, "rb") as f:
                        h = hashlib.file_digest(f, "sha256").hexdigest()
                    _hash_cache[key] = h
                out[rel] = ("f", st.st_mode, st.st_size, h)
    return out


FIGURES = []


class Run:
    def __init__(self, recs, rc, rss_mib, wall, err):
        self.recs, self.rc, self.rss, self.wall, self.err = (
            recs, rc, rss_mib, wall, err)

    def findings(self, rule=None, vpath=None, prefix=None):
        return [r for r in self.recs if r["type"] == "finding" and
                (rule is None or r["rule"] == rule) and
                (vpath is None or r["vpath"] == vpath) and
                (prefix is None or r["vpath"].startswith(prefix))]

    def files(self, vpath=None, prefix=None):
        return [r for r in self.recs if r["type"] == "file" and
                (vpath is None or r["vpath"] == vpath) and
                (prefix is None or r["vpath"].startswith(prefix))]

    def marker(self, vpath):
        return [r for r in self.findings("h:marker", vpath)]

    def rules(self):
        return sorted(set(r["rule"] for r in self.findings()))


def audit(case, products, flags=(), rss_mib=64, wall_s=20, hard_s=120,
          want_rc=0, san_rss_mib=None):
    """Runs candor audit --json on products (names in CWD) and checks the
    run: exit status, summary, memory, time and nothing written."""
    before = snapshot(SCRATCH)
    out = os.path.join(OUT, case + ".jsonl")
    err = os.path.join(OUT, case + ".err")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": HOME,
           "TMPDIR": TMP, "LC_ALL": "C.UTF-8"}
    tm = os.path.join(OUT, case + ".time")
    # Peak RSS from /usr/bin/time (GNU time, %M): a child of a small
    # process, so the figure is candor's own (a child that Python forks
    # or vforks starts with Python's high-water mark).
    argv = ["/usr/bin/time", "-f", "%M %e", "-o", tm, CANDOR, "audit",
            "--json", "-r", "h:" + RULES] + list(flags) + ["--"] + \
        list(products)
    with open(out, "wb") as fo, open(err, "wb") as fe:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, cwd=CWD, env=env, stdout=fo, stderr=fe,
                             stdin=subprocess.DEVNULL)
        try:
            p.wait(hard_s)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        wall = time.monotonic() - t0
    try:
        with open(tm) as f:
            last = f.read().split("\n")[-2].split()
        rss, wall = int(last[0]) / 1024.0, float(last[1])
    except (OSError, IndexError, ValueError):
        rss = 1e9  # killed, or no figure: fails the check below
    FIGURES.append((case, rss, wall))
    print("FIGURE %s %.1f MiB %.2f s" % (case, rss, wall), flush=True)
    recs = []
    with open(out, "rb") as f:
        for line in f:
            try:
                recs.append(json.loads(line))
            except ValueError:
                ok(False, "%s: a line that is not JSON: %r" % (case, line))
    with open(err, "rb") as f:
        errtext = f.read()
    r = Run(recs, p.returncode, rss, wall, errtext)
    ok(p.returncode == want_rc, "%s: exit %d (want %d): %r" %
       (case, p.returncode, want_rc, errtext[:300]))
    ok(recs and recs[-1]["type"] == "summary" and
       recs[-1]["products"] == len(products),
       "%s: no summary for %d products" % (case, len(products)))
    if SAN:
        rss_mib, wall_s = san_rss_mib or rss_mib * 4 + 512, wall_s * 6
    ok(rss <= rss_mib, "%s: peak RSS %.1f MiB > %d MiB" % (case, rss, rss_mib))
    ok(wall <= wall_s, "%s: %.2f s > %d s" % (case, wall, wall_s))
    after = snapshot(SCRATCH)
    changed = sorted(k for k in set(before) | set(after)
                     if before.get(k) != after.get(k))
    ok(not changed, "%s: the scratch area changed: %s" % (case, changed[:5]))
    ok(os.listdir(TMP) == [], "%s: TMPDIR not empty" % case)
    ok(os.listdir(DECOY) == [], "%s: decoy directory written: %s" %
       (case, os.listdir(DECOY)))
    return r


def has(run, case, rule, vpath):
    got = run.findings(rule, vpath)
    return ok(got, "%s: no %s at %s; findings: %s" % (
        case, rule, vpath, [(f["rule"], f["vpath"]) for f in run.findings()]))


def marked(run, case, vpath):
    return ok(run.marker(vpath), "%s: marker not found at %s; markers at %s" % (
        case, vpath[:200], str([f["vpath"] for f in
                                run.findings("h:marker")])[:300]))


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# --- bombs ------------------------------------------------------------------

@case
def zip_bomb_flat():
    """One entry of 3,900 MiB of zeros deflated (3.8 MB), then a marker in
    the same zip; the zip inside a tar with a marker after it."""
    n = 3900
    body, crc = deflate_zeros(n)
    z = Zip()
    z.add(b"zeros.bin", 8, crc, len(body), n * MIB, body)
    mk = marker_text("zip")
    z.add(b"marker.txt", 0, zlib.crc32(mk), len(mk), len(mk), mk)
    put("flat.zip", z.bytes())
    put("flat.tar", tar_bytes([("flat.zip", z.bytes()),
                               ("after.txt", marker_text("tar"))]))
    put("next.txt", marker_text("next"))
    # --max-entry-bytes 16M: the entry is cut, drained until the ratio
    # limit (100 times the zip's 3.8 MB) stops the zip. (At the default
    # 1000 the drain inflates all 3.9 GiB: 10 s.)
    r = audit("zip_bomb_flat", ["flat.tar", "next.txt"],
              ["--max-entry-bytes", "16M", "--max-ratio", "100"],
              rss_mib=64, wall_s=20)
    v = "flat.tar!tar!/flat.zip!zip!/zeros.bin"
    has(r, "zip_bomb_flat", "limit.entry-bytes", v)
    has(r, "zip_bomb_flat", "limit.ratio", v)
    f = r.files(v)
    ok(f and f[0]["size"] == 16 * MIB and
       f[0]["sha256"] == hashlib.sha256(bytes(16 * MIB)).hexdigest(),
       "zip_bomb_flat: the cut entry is not its first 16 MiB: %s" % f)
    marked(r, "zip_bomb_flat", "flat.tar!tar!/after.txt")
    marked(r, "zip_bomb_flat", "next.txt")
    # A lower ratio: the zip stops after 20 times its size; without a
    # ratio stop (--max-ratio high) the marker after the bomb in the same
    # zip is read.
    r = audit("zip_bomb_flat_ratio20", ["flat.zip", "next.txt"],
              ["--max-entry-bytes", "8M", "--max-ratio", "20"], rss_mib=80)
    has(r, "zip_bomb_flat_ratio20", "limit.ratio", "flat.zip!zip!/zeros.bin")
    marked(r, "zip_bomb_flat_ratio20", "next.txt")
    # 256 MiB of zeros and the marker in one zip: cut, drained to the
    # end, the marker after it read.
    body, crc = deflate_zeros(256)
    z = Zip()
    z.add(b"zeros.bin", 8, crc, len(body), 256 * MIB, body)
    z.add(b"marker.txt", 0, zlib.crc32(mk), len(mk), len(mk), mk)
    put("flat256.zip", z.bytes())
    r = audit("zip_bomb_flat_entry", ["flat256.zip"],
              ["--max-entry-bytes", "8M", "--max-ratio", "100000"],
              rss_mib=64, wall_s=20)
    has(r, "zip_bomb_flat_entry", "limit.entry-bytes",
        "flat256.zip!zip!/zeros.bin")
    ok(not r.findings("limit.ratio"), "zip_bomb_flat_entry: a ratio stop")
    marked(r, "zip_bomb_flat_entry", "flat256.zip!zip!/marker.txt")


@case
def zip_bomb_nested():
    """42.zip style: 4 layers of 16 zips over 16 files of 4 MiB of zeros
    (256 GiB declared in a few KB), inside a tar with a marker after."""
    data, declared = nested_zips(4, 16, 4)
    ok(len(data) < 200000 and declared == 256 << 30,
       "nested bomb: %d bytes, %d declared" % (len(data), declared))
    put("nested.zip", data)
    put("nested.tar", tar_bytes([("nested.zip", data),
                                 ("after.txt", marker_text("tar"))]))
    put("next.txt", marker_text("next"))
    r = audit("zip_bomb_nested", ["nested.tar", "next.txt"],
              ["--max-total-bytes", "64M"], rss_mib=120)
    got = r.findings("limit.total-bytes", prefix="nested.tar!tar!/nested.zip!zip!/")
    ok(len(got) == 1, "zip_bomb_nested: limit.total-bytes: %s" % r.rules())
    ok(sum(f["size"] for f in r.files() if f["vpath"].endswith(".bin"))
       <= 64 * MIB, "zip_bomb_nested: more than 64 MiB of files read")
    marked(r, "zip_bomb_nested", "next.txt")
    # The depth limit stops it without reading the zeros.
    r = audit("zip_bomb_nested_depth", ["nested.zip", "next.txt"],
              ["--max-depth", "3"], rss_mib=64)
    ok(r.findings("limit.depth"), "zip_bomb_nested_depth: no limit.depth")
    ok(not r.files(prefix="nested.zip!zip!/layer3.zip!zip!/layer2.zip!zip!/"
                   "layer1.zip!zip!/"),
       "zip_bomb_nested_depth: layer 1 opened past --max-depth 3")
    marked(r, "zip_bomb_nested_depth", "next.txt")


@case
def gzip_bomb():
    """1 GiB of zeros in a 1 MB gzip: alone, in a tar, and a tar.gz
    whose one member is the zeros, with markers after."""
    gz = gzip_zeros(1024)
    ok(len(gz) < 1100 * 1024, "gzip bomb is %d bytes" % len(gz))
    put("bomb.gz", gz)
    put("bomb-in.tar", tar_bytes([("bomb.gz", gz),
                                  ("after.txt", marker_text("tar"))]))
    # A tar.gz whose first member is 256 MiB of zeros (its header, then the
    # zeros, then the marker), one gzip stream (RFC 1952): the header, a
    # raw deflate stream made of three parts cut at full flushes, the
    # CRC-32 and size of the whole tar.
    zmib = 256
    head = tar_bytes([(tinfo("zeros.bin", tarfile.REGTYPE, size=zmib * MIB),
                       None)])[:512]
    tail = tar_bytes([("after.txt", marker_text("targz"))])
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    p1 = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    p2, zcrc = deflate_zeros(zmib, final=False)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    p3 = c.compress(tail) + c.flush()
    crc = crc32_combine(zlib.crc32(head), zcrc, zmib * MIB)
    crc = crc32_combine(crc, zlib.crc32(tail), len(tail))
    size = (len(head) + zmib * MIB + len(tail)) & 0xFFFFFFFF
    targz = (b"\x1f\x8b\x08\x00\0\0\0\0\x02\x03" + p1 + p2 + p3 +
             struct.pack("<II", crc, size))
    put("bomb.tar.gz", targz)
    put("next.txt", marker_text("next"))
    # Cut at 16 MiB, drained: gzip's ratio (1,030) stays under
    # --max-ratio 2000, so the whole GiB is inflated and thrown away.
    r = audit("gzip_bomb", ["bomb-in.tar", "next.txt"],
              ["--max-entry-bytes", "16M", "--max-ratio", "2000"],
              rss_mib=64, wall_s=30)
    has(r, "gzip_bomb", "limit.entry-bytes", "bomb-in.tar!tar!/bomb.gz!gzip")
    marked(r, "gzip_bomb", "bomb-in.tar!tar!/after.txt")
    marked(r, "gzip_bomb", "next.txt")
    r = audit("gzip_bomb_ratio", ["bomb.gz", "next.txt"],
              ["--max-ratio", "50"], rss_mib=150)
    has(r, "gzip_bomb_ratio", "limit.ratio", "bomb.gz!gzip")
    marked(r, "gzip_bomb_ratio", "next.txt")
    # The tar.gz: the member is cut at 16 MiB, the rest drained, the
    # marker after it read (gzip's ratio stays under 1,100).
    r = audit("gzip_bomb_targz", ["bomb.tar.gz", "next.txt"],
              ["--max-entry-bytes", "16M", "--max-ratio", "2000"],
              rss_mib=120, wall_s=40)
    has(r, "gzip_bomb_targz", "limit.entry-bytes",
        "bomb.tar.gz!gzip+tar!/zeros.bin")
    marked(r, "gzip_bomb_targz", "bomb.tar.gz!gzip+tar!/after.txt")
    ok(not r.findings("unpack.error"), "gzip_bomb_targz: %s" % r.rules())
    marked(r, "gzip_bomb_targz", "next.txt")


@case
def zip_overlap():
    """Fifield's overlapping entries: 400 entries over one kernel of
    16 MiB of zeros (6.4 GiB from 60 KB); the ratio limit counts every
    entry of a container, so it stops the zip."""
    data, total = overlap_zip(400, 16)
    ok(len(data) < 100000 and total > 6 << 30,
       "overlap zip: %d bytes, %d unpacked" % (len(data), total))
    # Each entry's data, inflated from where its local header says, has
    # the size and CRC-32 its central directory entry gives.
    for i in (0, 200, 398, 399):
        ok(verify_zip_entry(data, i), "overlap zip: entry %d is wrong" % i)
    put("overlap.zip", data)
    put("overlap.tar", tar_bytes([("overlap.zip", data),
                                  ("after.txt", marker_text("tar"))]))
    put("next.txt", marker_text("next"))
    r = audit("zip_overlap", ["overlap.tar", "next.txt"], [],
              rss_mib=120, wall_s=10)
    got = r.findings("limit.ratio", prefix="overlap.tar!tar!/overlap.zip!zip!/")
    ok(len(got) == 1, "zip_overlap: ratio findings %s" % r.rules())
    marked(r, "zip_overlap", "overlap.tar!tar!/after.txt")
    marked(r, "zip_overlap", "next.txt")
    n = len(r.files(prefix="overlap.tar!tar!/overlap.zip!zip!/"))
    ok(n < 400, "zip_overlap: %d of 400 entries read at the default ratio" % n)


@case
def stream_bombs():
    """Zeros through the formats whose ratio passes gzip's 1,030 by far:
    512 MiB in zstd (36 KB), 128 MiB in xz, 64 MiB in bzip2 (a few hundred
    bytes), and a GNU sparse tar of a 64 GiB file of holes (10 KB, by GNU
    tar -S): at the default limits the ratio stops each early, with
    little read and little memory. Then sparse files read whole."""
    d = os.path.join(BUILD, "bombs")
    os.makedirs(d, exist_ok=True)
    sh("head -c 512M /dev/zero | zstd -q -1 -c > z.zst", d)
    sh("head -c 128M /dev/zero | xz -0 -c > z.xz", d)
    sh("head -c 64M /dev/zero | bzip2 -1 -c > z.bz2", d)
    sh("truncate -s 64G holes && tar -S -cf sparse.tar holes && rm holes",
       d)
    names = ["z.zst", "z.xz", "z.bz2", "sparse.tar"]
    sizes = {}
    for n in names:
        data = open(os.path.join(d, n), "rb").read()
        sizes[n] = len(data)
        put(n, data)
    put("next.txt", marker_text("next"))
    r = audit("stream_bombs", names + ["next.txt"], [], rss_mib=64,
              wall_s=20)
    for n, v in (("z.zst", "z.zst!zstd"), ("z.xz", "z.xz!xz"),
                 ("z.bz2", "z.bz2!bzip2"),
                 ("sparse.tar", "sparse.tar!tar!/holes")):
        has(r, "stream_bombs", "limit.ratio", v)
        f = r.files(v)
        ok(f and f[0]["size"] <= 1000 * sizes[n] + 64 * 1024,
           "stream_bombs: %s read %s bytes of a %d-byte container" %
           (v, f and f[0]["size"], sizes[n]))
    marked(r, "stream_bombs", "next.txt")
    # Sparse files of GNU tar -S (GNU and pax formats): one of holes only
    # (libarchive gave it as 0 bytes), one with data amid holes; each read
    # whole, as the file was (sha256 of what was written).
    with_data = bytearray(3 * MIB)
    with_data[MIB:MIB + 18] = b"DATA-IN-THE-MIDDLE"
    for n, data in (("holes1m", bytes(MIB)), ("mid3m", bytes(with_data))):
        with open(os.path.join(d, n), "wb") as f:
            f.truncate(len(data))
            k = data.find(b"DATA")
            if k >= 0:
                f.seek(k)
                f.write(data[k:k + 18])
    sh("tar -S --format=gnu -cf sp-gnu.tar holes1m mid3m && "
       "tar -S --format=posix -cf sp-pax.tar holes1m mid3m", d)
    for t in ("sp-gnu.tar", "sp-pax.tar"):
        put(t, open(os.path.join(d, t), "rb").read())
    r = audit("sparse_files", ["sp-gnu.tar", "sp-pax.tar"], [],
              rss_mib=64)
    for t in ("sp-gnu.tar", "sp-pax.tar"):
        for n, data in (("holes1m", bytes(MIB)), ("mid3m", bytes(with_data))):
            f = r.files("%s!tar!/%s" % (t, n))
            ok(f and f[0]["size"] == len(data) and
               f[0]["sha256"] == hashlib.sha256(data).hexdigest(),
               "sparse_files: %s!tar!/%s: %s" % (t, n, f and
                                                (f[0]["size"], f[0]["sha256"])))


# --- nesting ----------------------------------------------------------------

@case
def nesting_100():
    """gzip of gzip 100 deep, tar in tar 100 deep, zip in zip 100 deep;
    each with a marker at the bottom and after it."""
    data = marker_text("bottom")
    for _ in range(100):
        data = gz_wrap(data)
    put("deep.gz", data)
    t = marker_text("bottom")
    name = "m.txt"
    for i in range(100):
        t = tar_bytes([(name, t), ("side%d.txt" % i, b"x")])
        name = "l%d.tar" % i
    put("deep.tar", t)
    z = marker_text("bottom")
    name = "m.txt"
    for i in range(100):
        bio = io.BytesIO()
        with zipfile.ZipFile(bio, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(name, z)
        z = bio.getvalue()
        name = "l%d.zip" % i
    put("deep.zip", z)
    put("deep-all.tar", tar_bytes([("deep.gz", data), ("deep.tar", t),
                                   ("deep.zip", z),
                                   ("after.txt", marker_text("after"))]))
    put("next.txt", marker_text("next"))
    r = audit("nesting_100", ["deep-all.tar", "next.txt"], [], rss_mib=80)
    for inner in ("deep.gz", "deep.tar", "deep.zip"):
        ok(r.findings("limit.depth", prefix="deep-all.tar!tar!/" + inner),
           "nesting_100: no limit.depth in %s: %s" % (inner, r.rules()))
    # Default --max-depth 32: the bottom is never reached.
    ok(not [f for f in r.findings("h:marker") if "m.txt" in f["vpath"]],
       "nesting_100: a marker below 32 levels was read")
    deepest = max(f["vpath"].count("!") for f in r.files())
    ok(deepest <= 2 * 33 + 2, "nesting_100: a file %d '!' deep" % deepest)
    marked(r, "nesting_100", "deep-all.tar!tar!/after.txt")
    marked(r, "nesting_100", "next.txt")
    # With --max-depth 200 the bottom of each chain is read;
    # a gzip layer is one level (read by the stream reader, one at a time).
    r = audit("nesting_100_deep", ["deep.tar", "deep.zip", "deep.gz",
                                   "next.txt"],
              ["--max-depth", "200"], rss_mib=80)
    bottom_t = "deep.tar" + "".join("!tar!/l%d.tar" % i
                                    for i in range(98, -1, -1)) + "!tar!/m.txt"
    bottom_z = "deep.zip" + "".join("!zip!/l%d.zip" % i
                                    for i in range(98, -1, -1)) + "!zip!/m.txt"
    marked(r, "nesting_100_deep", bottom_t)
    marked(r, "nesting_100_deep", bottom_z)
    # The gzip layers: 100 in the virtual path of the bottom marker,
    # whether read one at a time ("!gzip") or stacked ("gzip+gzip").
    ok([f for f in r.findings("h:marker", prefix="deep.gz!")
        if f["vpath"].count("gzip") == 100],
       "nesting_100_deep: the marker under 100 gzip layers not found")
    marked(r, "nesting_100_deep", "next.txt")


def gz_wrap(data):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


# --- names and links --------------------------------------------------------

@case
def names_out():
    """../ and absolute entry names in tar, zip and cpio: reported as
    stored, nothing written where they point."""
    up = "../../../../../../../.." + DECOY + "/up.txt"
    ab = DECOY + "/abs.txt"
    t = tar_bytes([(up, b"up"), (ab, b"abs"), ("../rel.txt", b"rel"),
                   ("after.txt", marker_text("tar"))])
    put("names.tar", t)
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w") as z:
        for n, d in ((up, b"up"), (ab, b"abs"), ("../rel.txt", b"rel"),
                     ("after.txt", marker_text("zip"))):
            zi = zipfile.ZipInfo("x")
            zi.filename = n  # as given, not cleaned by ZipInfo
            z.writestr(zi, d)
    put("names.zip", bio.getvalue())
    put("names.cpio", cpio_newc([(up, b"up"), (ab, b"abs"),
                                 ("../rel.txt", b"rel"),
                                 ("after.txt", marker_text("cpio"))]))
    put("next.txt", marker_text("next"))
    r = audit("names_out", ["names.tar", "names.zip", "names.cpio",
                            "next.txt"], [], rss_mib=64)
    for prod, fmt in (("names.tar", "tar"), ("names.zip", "zip"),
                      ("names.cpio", "cpio")):
        for n in (up, ab, "../rel.txt"):
            v = "%s!%s!/%s" % (prod, fmt, n)
            ok(r.files(v), "names_out: no record %s" % v)
        marked(r, "names_out", "%s!%s!/after.txt" % (prod, fmt))
    marked(r, "names_out", "next.txt")
    ok(not os.path.exists(os.path.join(SCRATCH, "rel.txt")) and
       not os.path.exists(os.path.join(WORK, "rel.txt")),
       "names_out: ../rel.txt written")


def cpio_newc(members):
    """A newc cpio (the layout of cpio(5)): header, name, data, each
    padded to 4 bytes."""
    out = bytearray()
    ino = 1
    for name, data, *mode in members + [("TRAILER!!!", b"")]:
        m = mode[0] if mode else (0o100644 if name != "TRAILER!!!" else 0)
        nb = name.encode() + b"\0"
        hdr = b"070701" + b"".join(b"%08X" % v for v in (
            ino, m, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr + nb
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
        ino += 1
    return bytes(out)


@case
def links():
    """Symbolic links in a loop and out of the tree, a hard link to
    /etc/passwd, a file 'through' a link: recorded, never followed (no
    finding of the rule matching /etc/passwd's first line)."""
    members = [
        (tinfo("a", tarfile.SYMTYPE, "b"), None),
        (tinfo("b", tarfile.SYMTYPE, "a"), None),
        (tinfo("self", tarfile.SYMTYPE, "self"), None),
        (tinfo("passwd", tarfile.SYMTYPE, "/etc/passwd"), None),
        (tinfo("up", tarfile.SYMTYPE, "../../../../../../etc"), None),
        (tinfo("hard", tarfile.LNKTYPE, "/etc/passwd"), None),
        (tinfo("etc", tarfile.SYMTYPE, "/etc"), None),
        (tinfo("etc/passwd.new", tarfile.REGTYPE, size=3), b"new"),
        (tinfo("decoy", tarfile.SYMTYPE, DECOY), None),
        (tinfo("decoy/through.txt", tarfile.REGTYPE, size=3), b"thr"),
        ("after.txt", marker_text("tar")),
    ]
    put("links.tar", tar_bytes(members))
    put("links.cpio", cpio_newc([("loop", b"loop", 0o120777),
                                 ("passwd", b"/etc/passwd", 0o120777),
                                 ("after.txt", marker_text("cpio"))]))
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w") as z:
        zi = zipfile.ZipInfo("passwd")
        zi.create_system = 3
        zi.external_attr = (0o120777 << 16)
        z.writestr(zi, "/etc/passwd")
        z.writestr("after.txt", marker_text("zip"))
    put("links.zip", bio.getvalue())
    # A directory product with a link loop and a link to /etc.
    d = os.path.join(CWD, "linkdir")
    os.makedirs(d, exist_ok=True)
    for n, target in (("loop1", "loop2"), ("loop2", "loop1"),
                      ("etc", "/etc"), ("passwd", "/etc/passwd"),
                      ("up", "..")):
        if not os.path.lexists(os.path.join(d, n)):
            os.symlink(target, os.path.join(d, n))
    with open(os.path.join(d, "z-after.txt"), "wb") as f:
        f.write(marker_text("dir"))
    put("next.txt", marker_text("next"))
    r = audit("links", ["links.tar", "links.cpio", "links.zip", "linkdir",
                        "next.txt"], [], rss_mib=64)
    for n, kind, target in (("a", "symlink", "b"), ("b", "symlink", "a"),
                            ("self", "symlink", "self"),
                            ("passwd", "symlink", "/etc/passwd"),
                            ("hard", "hardlink", "/etc/passwd"),
                            ("etc", "symlink", "/etc")):
        f = r.files("links.tar!tar!/" + n)
        ok(f and f[0]["kind"] == kind and
           f[0].get("symlink" if kind == "symlink" else "hardlink") == target,
           "links: links.tar!tar!/%s: %s" % (n, f))
    f = r.files("links.tar!tar!/etc/passwd.new")
    ok(f and f[0]["sha256"] == hashlib.sha256(b"new").hexdigest(),
       "links: etc/passwd.new %s" % f)
    for prod, fmt in (("links.cpio", "cpio"), ("links.zip", "zip")):
        f = r.files("%s!%s!/passwd" % (prod, fmt))
        ok(f and f[0]["kind"] == "symlink" and
           f[0]["symlink"] == "/etc/passwd", "links: %s %s" % (prod, f))
        marked(r, "links", "%s!%s!/after.txt" % (prod, fmt))
    marked(r, "links", "links.tar!tar!/after.txt")
    marked(r, "links", "linkdir/z-after.txt")
    marked(r, "links", "next.txt")
    ok(not r.findings("h:passwd_line"),
       "links: /etc/passwd's contents were read: %s" %
       [f["vpath"] for f in r.findings("h:passwd_line")])
    ok(not r.files(prefix="linkdir/etc/") and
       not r.files(prefix="linkdir/up/"),
       "links: the directory walk followed a link")


# --- truncated and damaged images -------------------------------------------

BUILD = os.path.join(WORK, "build")  # where Debian's tools make images
ITS = """/dts-v1/;
/ {
    description = "hostile";
    #address-cells = <1>;
    images {
        kernel-1 {
            data = /incbin/("payload.bin");
            type = "kernel"; arch = "arm"; os = "linux"; compression = "none";
            load = <0x8000>; entry = <0x8000>;
            hash-1 { algo = "crc32"; };
        };
    };
    configurations { default = "conf-1"; conf-1 { kernel = "kernel-1"; }; };
};
"""


def sh(cmd, cwd=None):
    subprocess.run(cmd, shell=True, check=True, cwd=cwd or BUILD,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read(name):
    with open(os.path.join(BUILD, name), "rb") as f:
        return f.read()


def images():
    """One good image of every format candor reads, made by Debian's
    tools (TRX from OpenWrt's description, fwbuild.py): name -> (bytes,
    whether its data is checksummed, whether its last byte matters).
    Each holds 64 KiB of random bytes (incompressible: a byte in the
    middle of the image is payload) and a text file."""
    os.makedirs(os.path.join(BUILD, "t"), exist_ok=True)
    rnd = PAYLOAD
    with open(os.path.join(BUILD, "t", "payload.bin"), "wb") as f:
        f.write(rnd)
    with open(os.path.join(BUILD, "t", "note.txt"), "wb") as f:
        f.write(b"a note\n" * 20)
    with open(os.path.join(BUILD, "payload.bin"), "wb") as f:
        f.write(rnd)
    sh("tar --format=gnu -cf img.tar -C t payload.bin note.txt")
    sh("tar --format=gnu -czf img.tgz -C t payload.bin note.txt")
    sh("cd t && printf 'payload.bin\\nnote.txt\\n' | "
       "cpio -o -H newc --quiet > ../img.cpio")
    sh("cd t && zip -q -X ../img.zip payload.bin note.txt")
    sh("cd t && 7z a -bd -y -m0=lzma2 ../img.7z payload.bin note.txt")
    for tool, ext in (("gzip -n -9", "gz"), ("xz", "xz"), ("bzip2", "bz2"),
                      ("zstd -q", "zst"), ("lz4 -q", "lz4"),
                      ("lzop", "lzo")):
        sh("%s -c payload.bin > img.%s" % (tool, ext))
    sh("mkfs.cramfs t img.cramfs")
    sh("mksquashfs t img.squashfs -quiet -noappend -all-root "
       "-comp gzip")
    sh("mkimage -A arm -O linux -T kernel -C none -a 0x8000 -e 0x8000 "
       "-n hostile -d payload.bin img.uimage")
    with open(os.path.join(BUILD, "img.its"), "w") as f:
        f.write(ITS)
    sh("mkimage -f img.its img.fit")
    sys.path.insert(0, HERE)
    import fwbuild
    trx, _ = fwbuild.trx([rnd, b"a note\n" * 20])
    with open(os.path.join(BUILD, "img.trx"), "wb") as f:
        f.write(trx)
    # Android sparse: a 1 MiB raw image holding the payload, img2simg.
    with open(os.path.join(BUILD, "raw.img"), "wb") as f:
        f.write(rnd + bytes(MIB - len(rnd)))
    sh("img2simg raw.img img.simg")
    # Intel HEX and S-records by binutils; an Android boot image (v0) by
    # Debian's mkbootimg (as tests/audit/android.py runs it).
    # ext4 (mke2fs -d), UBIFS (mkfs.ubifs) and UBI (ubinize) holding the
    # SquashFS image, as groundtruth.py makes them.
    sh("mke2fs -q -F -t ext4 -b 1024 -N 32 -m 0 -E root_owner=0:0 "
       "-d t img.ext4 192K")
    sh("mkfs.ubifs -r t -m 2048 -e 129024 -c 100 -x zlib -o img.ubifs")
    with open(os.path.join(BUILD, "ubi.ini"), "w") as f:
        f.write("[v]\nmode=ubi\nimage=img.squashfs\nvol_id=0\n"
                "vol_type=dynamic\nvol_name=v\n")
    sh("ubinize -o img.ubi -p 128KiB -m 2048 -s 512 ubi.ini")
    sh("mkfs.jffs2 -r t -l -e 64KiB -o img.jffs2")
    sh("objcopy -I binary -O ihex payload.bin img.ihex")
    sh("objcopy -I binary -O srec payload.bin img.srec")
    with open(os.path.join(BUILD, "note.txt"), "wb") as f:
        f.write(b"a note\n" * 20)
    sh("python3 -c 'import sys; from importlib.machinery import "
       "SourceFileLoader; m = SourceFileLoader(\"mkbootimg\", "
       "\"/usr/bin/mkbootimg\").load_module(); m.get_number_of_pages = "
       "lambda size, page: (size + page - 1) // page; "
       "sys.argv[0] = \"mkbootimg\"; m.main()' --kernel payload.bin "
       "--ramdisk note.txt --header_version 0 --pagesize 2048 "
       "-o img.bootimg")
    # name: (data, data checksummed, last byte meaningful). From the
    # formats' descriptions: tar and cpio end in zero padding, SquashFS
    # and CramFS images are padded; SquashFS, CramFS, tar, cpio and sparse
    # images (img2simg writes no CRC chunk) do not check their data. A
    # zip one byte short loses the end of its end record only: its entries
    # are read from their local headers (each CRC-checked), the rest is a
    # layout record's unknown bytes ("layout"). Intel HEX and S-records
    # carry a checksum per record and end with a complete end record
    # before the last newline; mkbootimg's header id is the SHA-1 of the
    # parts, and the image is padded to its page size. ext4 checks its
    # metadata, not file data; UBIFS nodes carry a CRC-32; a UBI volume's
    # data (here SquashFS) is not checked; all three end in free space.
    # JFFS2 nodes carry header and data CRCs, and mkfs.jffs2 without -p
    # ends the image with its last node.
    fmts = {"tar": (0, 0), "cpio": (0, 0), "zip": (1, "layout"), "7z": (1, 1),
            "gz": (1, 1), "xz": (1, 1), "bz2": (1, 1), "zst": (1, 1),
            "lz4": (1, 1), "lzo": (1, 1), "cramfs": (0, 0),
            "squashfs": (0, 0), "uimage": (1, 1), "fit": (1, 1),
            "trx": (1, 1), "simg": (0, 1), "tgz": (1, 1),
            "ihex": (1, 0), "srec": (1, 0), "bootimg": (1, 0),
            "ext4": (0, 0), "ubifs": (1, 0), "ubi": (0, 0),
            "jffs2": (1, 1)}
    return {ext: (read("img." + ext), bool(c), e)
            for ext, (c, e) in fmts.items()}


PAYLOAD = __import__("random").Random(5).randbytes(65536)


def damaged_variants(data, last_matters):
    """(tag, bytes, must give a finding, whether the payload was hit).
    The payload byte flipped is in the middle of the 64 KiB of random
    bytes where the image holds them as they are (stored blocks, raw
    chunks, file data), else the image's middle byte."""
    n = len(data)
    mid = data.find(PAYLOAD[32768:32800])
    mid = mid if mid >= 0 else n // 2
    out = []
    for frac in (4, 2):
        out.append(("cut%d" % (n * (frac - 1) // frac), data[:n * (frac - 1)
                                                             // frac],
                    True, False))
    out.append(("cut%d" % (n // 4), data[:n // 4], True, False))
    out.append(("cut%d" % (n - 1), data[:n - 1], last_matters, False))
    out.append(("cut16", data[:16], False, False))
    for at, payload in ((mid, True), (5, False), (n - 6, False)):
        d = bytearray(data)
        d[at] ^= 0x5A
        out.append(("flip%d" % at, bytes(d), payload, payload))
    return out


@case
def damaged():
    """Each format truncated at three points inside it, one byte short,
    at 16 bytes, and with a byte flipped in the payload, the header and
    near the end: each variant is scanned as itself (its file record
    with its sha256), gives unpack.error (or a limit) where the image is
    cut inside or its checksummed payload is damaged, and the marker
    after it, as the next product, as the next member of a tar of all the
    variants and as a tar.gz glued after it in the same file, is found."""
    gap = __import__("random").Random(11).randbytes(333)
    tgz = gz_wrap(tar_bytes([("marker.txt", marker_text("glued"))]))
    for fmt, (data, checked, last) in images().items():
        prods, members = [], []
        want = []
        for tag, v, must, payload in damaged_variants(data, last):
            name = put("%s-%s.%s" % (fmt, tag, fmt), v)
            mname = put("%s-%s.marker" % (fmt, tag), marker_text(name))
            # The variant, random bytes and a tar.gz holding a marker, in
            # one file: what follows the damage is still carved.
            put("glued-" + name, v + gap + tgz)
            prods += [name, mname, "glued-" + name]
            members += [(name, v), (name + ".marker", marker_text(name))]
            if payload:
                must = checked
            # A UBI image shorter than one eraseblock has no second EC
            # header to tell the eraseblock's size (128 KiB, ubinize -p):
            # it cannot be known to be cut.
            if fmt == "ubi" and tag.startswith("cut") and len(v) < 131072:
                must = False
            want.append((name, v, must))
        put("%s-all.tar" % fmt, tar_bytes(members))
        prods.append("%s-all.tar" % fmt)
        r = audit("damaged_" + fmt, prods, [], rss_mib=64, wall_s=20)
        for name, v, must in want:
            f = r.files(name)
            ok(f and f[0]["size"] == len(v) and
               f[0]["sha256"] == hashlib.sha256(v).hexdigest(),
               "damaged %s: %s not scanned as itself" % (fmt, name))
            marked(r, "damaged " + fmt, name[:-len(fmt) - 1] + ".marker")
            marked(r, "damaged " + fmt,
                   "%s-all.tar!tar!/%s.marker" % (fmt, name))
            # A cut UBI image takes the rest of the file: every eraseblock
            # starts with UBI's magic, so carving inside it would open each
            # one again (the tar.gz is still read as the cut volume's data).
            # So does a cut tar, cpio or zip: libarchive's count of what it
            # read runs through the following bytes (the cut member's size
            # covers them), and carving on inside a damaged archive would
            # open overlapping local headers again and again (zip_overlap).
            if not (fmt in ("ubi", "tar", "cpio", "zip") and "cut" in name):
                marked(r, "damaged " + fmt,
                       "glued-%s!gzip@0x%x!tar!/marker.txt"
                       % (name, len(v) + len(gap)))
            for where in (name, "%s-all.tar!tar!/%s" % (fmt, name)):
                got = [x for x in r.findings()
                       if (x["vpath"] == where or
                           x["vpath"].startswith(where + "!")) and
                       (x["rule"] == "unpack.error" or
                        x["rule"].startswith("limit."))]
                if must == "layout":
                    lay = [x for x in r.recs if x["type"] == "layout" and
                           x["vpath"] == where]
                    ok(lay and lay[0]["unknown_bytes"] > 0,
                       "damaged %s: no layout with unknown bytes for %s" %
                       (fmt, where))
                elif must:
                    ok(got, "damaged %s: no unpack.error at or below %s" %
                       (fmt, where))
        ok(not r.findings("scan.error"), "damaged %s: scan.error" % fmt)


# --- limits, header-only entries, giant dictionaries -----------------------

def tar_headers(n, prefix):
    """A tar of n empty regular files (headers only, no data), written
    from one template header (POSIX ustar: name at 0, checksum at 148)."""
    tpl = bytearray(tarfile.TarInfo("x").tobuf(tarfile.USTAR_FORMAT))
    tpl[0:100] = bytes(100)
    tpl[148:156] = b" " * 8
    base = sum(tpl)
    head, tail = bytes(tpl[100:148]), bytes(tpl[156:])
    out = []
    for i in range(n):
        name = ("%s%07d" % (prefix, i)).encode()
        out += [name, bytes(100 - len(name)), head,
                b"%06o\0 " % (base + sum(name)), tail]
    return b"".join(out)


@case
def limits():
    """Each limit's flag, when hit, gives its own finding, and what comes
    after (the container's next member, or the next product) is read."""
    rnd = __import__("random").Random(7)
    put("next.txt", marker_text("next"))
    # --max-depth 2: a tar in a tar in a tar; the third is not opened.
    t = tar_bytes([("m3.txt", marker_text("3"))])
    t = tar_bytes([("l3.tar", t)])
    t = tar_bytes([("l2.tar", t), ("after.txt", marker_text("2"))])
    put("depth.tar", t)
    # --max-total-bytes 2M: three files of 1 MiB.
    put("total.tar", tar_bytes([("f%d.bin" % i, rnd.randbytes(MIB))
                                for i in range(3)]))
    # --max-entry-bytes 1M: a file of 3 MiB, then a marker.
    big = rnd.randbytes(3 * MIB)
    put("entry.tar", tar_bytes([("big.bin", big),
                                ("after.txt", marker_text("entry"))]))
    # --max-ratio 10: 10 MiB of zeros in a gzip of 10 KB.
    put("ratio.gz", gz_wrap(bytes(10 * MIB)))
    # --max-files 20: 50 empty files, then a marker.
    put("files.tar", tar_headers(50, "e") + tar_bytes(
        [("after.txt", marker_text("files"))]))
    r = audit("limits", ["depth.tar", "next.txt", "total.tar", "next.txt",
                         "entry.tar", "ratio.gz", "files.tar", "next.txt"],
              ["--max-depth", "2", "--max-total-bytes", "2M",
               "--max-entry-bytes", "1M", "--max-ratio", "10",
               "--max-files", "20"], rss_mib=64)
    has(r, "limits", "limit.depth", "depth.tar!tar!/l2.tar!tar!/l3.tar!tar")
    marked(r, "limits", "depth.tar!tar!/after.txt")
    ok(not r.files("depth.tar!tar!/l2.tar!tar!/l3.tar!tar!/m3.txt"),
       "limits: a file past --max-depth 2")
    has(r, "limits", "limit.total-bytes", "total.tar!tar!/f2.bin")
    ok(sum(f["size"] for f in r.files(prefix="total.tar!tar!/")) <= 2 * MIB,
       "limits: more than --max-total-bytes read")
    has(r, "limits", "limit.entry-bytes", "entry.tar!tar!/big.bin")
    f = r.files("entry.tar!tar!/big.bin")
    ok(f and f[0]["sha256"] == hashlib.sha256(big[:MIB]).hexdigest(),
       "limits: the cut entry is not its first MiB: %s" % f)
    marked(r, "limits", "entry.tar!tar!/after.txt")
    has(r, "limits", "limit.ratio", "ratio.gz!gzip")
    has(r, "limits", "limit.files", "files.tar!tar")
    ok(len(r.files(prefix="files.tar!")) <= 20,
       "limits: more than --max-files entries")
    n_next = len(r.marker("next.txt"))
    ok(n_next == 3, "limits: next.txt found %d times of 3" % n_next)
    # --timeout 1: the nested zip bomb without a total limit would inflate
    # 256 GiB; the product stops at its deadline, the next is read.
    if not os.path.exists(os.path.join(CWD, "nested.zip")):
        put("nested.zip", nested_zips(4, 16, 4)[0])
    r = audit("limits_timeout", ["nested.zip", "next.txt"],
              ["--timeout", "1", "--max-total-bytes", "1000G"],
              rss_mib=64, wall_s=8)
    ok(r.findings("limit.timeout", prefix="nested.zip"),
       "limits_timeout: no limit.timeout: %s" % r.rules())
    marked(r, "limits_timeout", "next.txt")


@case
def header_only():
    """Entries without data cost no bytes: 150,000 empty files in a
    tar.gz and 65,535 in a zip are stopped by --max-files (and the
    deadline). (Central-directory entries sharing one local header are
    read once by libarchive, which keys entries by their offset.)"""
    t = tar_headers(150000, "d/") + bytes(1024)
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    put("headers.tar.gz", c.compress(t) + c.flush())
    z = Zip()
    for i in range(65535):
        z.add(b"e%05d" % i, 0, 0, 0, 0, b"")
    put("headers.zip", z.bytes())
    put("next.txt", marker_text("next"))
    r = audit("header_only", ["headers.tar.gz", "headers.zip", "next.txt"],
              ["--max-files", "10000"], rss_mib=64, wall_s=20)
    has(r, "header_only", "limit.files", "headers.tar.gz!gzip+tar")
    has(r, "header_only", "limit.files", "headers.zip!zip")
    ok(len(r.files()) <= 2 * 10000 + 3,
       "header_only: %d file records" % len(r.files()))
    marked(r, "header_only", "next.txt")
    # The deadline is checked between entries: --timeout 1 stops the
    # 150,000 entries of the tar.gz (or they are all read within it).
    r = audit("header_only_timeout", ["headers.tar.gz", "next.txt"],
              ["--timeout", "1"], rss_mib=64, wall_s=20)
    n = len(r.files(prefix="headers.tar.gz!"))
    ok(n == 150000 or r.findings("limit.timeout"),
       "header_only_timeout: %d entries and no limit.timeout" % n)
    marked(r, "header_only_timeout", "next.txt")


@case
def giant_dictionary():
    """7-Zip (LZMA and LZMA2) and xz whose headers declare a 4 GiB
    dictionary (patched in, CRCs recomputed after 7zFormat.txt and the .xz
    format), and a 7z whose folder declares 1 TiB unpacked: memory stays
    bounded; the data decodes the same (a larger dictionary than the data
    needs changes nothing) or is refused."""
    os.makedirs(os.path.join(BUILD, "dict"), exist_ok=True)
    d = os.path.join(BUILD, "dict")
    data = __import__("random").Random(9).randbytes(200000)
    with open(os.path.join(d, "big.bin"), "wb") as f:
        f.write(data)
    sh("7z a -bd -y -m0=lzma2 -mhc=off l2.7z big.bin", d)
    sh("7z a -bd -y -m0=lzma -mhc=off l1.7z big.bin", d)
    sh("xz -k -c big.bin > big.xz", d)

    def patch7z(fn, find, at, new):
        b = bytearray(open(os.path.join(d, fn), "rb").read())
        nh_off, nh_size = struct.unpack_from("<QQ", b, 12)
        hs = 32 + nh_off
        i = b.index(find, hs)
        b[i + at:i + at + len(new)] = new
        struct.pack_into("<I", b, 28, zlib.crc32(b[hs:hs + nh_size]))
        struct.pack_into("<I", b, 8, zlib.crc32(b[12:32]))
        return bytes(b)
    # LZMA2's property byte 40: 4 GiB - 1; LZMA's 5 bytes: lc/lp/pb and
    # the dictionary size, little-endian.
    put("dict2.7z", patch7z("l2.7z", b"\x21\x21\x01", 3, b"\x28"))
    put("dict1.7z", patch7z("l1.7z", b"\x23\x03\x01\x01\x05", 6,
                            b"\xff\xff\xff\xff"))
    # The folder's unpack size (kCodersUnPackSize, a 7z NUMBER) made
    # 2^40: the header grows by 8 bytes, its size and CRCs are redone.
    b = bytearray(open(os.path.join(d, "l2.7z"), "rb").read())
    nh_off, nh_size = struct.unpack_from("<QQ", b, 12)
    h = b[32 + nh_off:32 + nh_off + nh_size]
    i = h.index(b"\x0c", 1)
    n = 1
    while n < 9 and h[i + 1] & (0x100 >> n):
        n += 1
    h = h[:i + 1] + b"\xff" + struct.pack("<Q", 1 << 40) + h[i + 1 + n:]
    b = b[:32 + nh_off] + h
    struct.pack_into("<Q", b, 20, len(h))
    struct.pack_into("<I", b, 28, zlib.crc32(h))
    struct.pack_into("<I", b, 8, zlib.crc32(b[12:32]))
    put("size1t.7z", bytes(b))
    x = bytearray(open(os.path.join(d, "big.xz"), "rb").read())
    size = (x[12] + 1) * 4
    i = x.index(b"\x21\x01", 12, 12 + size)
    x[i + 2] = 40
    struct.pack_into("<I", x, 12 + size - 4, zlib.crc32(x[12:12 + size - 4]))
    put("dict.xz", bytes(x))
    put("dict-in.tar", tar_bytes([("dict.xz", bytes(x)),
                                  ("after.txt", marker_text("tar"))]))
    put("next.txt", marker_text("next"))
    # (Under AddressSanitizer the 4 GiB allocation's shadow is written:
    # about 1 GiB.)
    r = audit("giant_dictionary", ["dict2.7z", "dict1.7z", "dict.xz",
                                   "dict-in.tar", "size1t.7z", "next.txt"],
              [], rss_mib=64, san_rss_mib=2048)
    ok(r.findings("unpack.error", prefix="size1t.7z") or
       [f for f in r.files(prefix="size1t.7z!") if f["sha256"] == want],
       "giant_dictionary: a 7z declaring 1 TiB neither refused nor read")
    want = hashlib.sha256(data).hexdigest()
    for v in ("dict2.7z!7zip!/big.bin", "dict1.7z!7zip!/big.bin",
              "dict.xz!xz", "dict-in.tar!tar!/dict.xz!xz"):
        f = r.files(v)
        c = v.rsplit("!", 1)[0] if v.endswith("big.bin") else v
        ok((f and f[0]["sha256"] == want) or
           r.findings("unpack.error", prefix=c.split("!")[0]),
           "giant_dictionary: %s neither read nor refused: %s" % (v, f))
    marked(r, "giant_dictionary", "dict-in.tar!tar!/after.txt")
    marked(r, "giant_dictionary", "next.txt")


# --- --extract ----------------------------------------------------------------

@case
def extract_hostile():
    """--extract DIR on the bombs, hostile names and links: everything
    written is below DIR, as regular files and directories only, at most
    what the limits let through; nothing else changes (the scratch area,
    the decoys)."""
    for prod, fn in (("flat.tar", zip_bomb_flat), ("nested.zip",
                     zip_bomb_nested), ("names.tar", names_out),
                     ("links.tar", links)):
        if not os.path.exists(os.path.join(CWD, prod)):
            fn()
    x = os.path.join(WORK, "extracted")
    shutil.rmtree(x, ignore_errors=True)
    prods = ["flat.tar", "nested.zip", "names.tar", "names.zip",
             "names.cpio", "links.tar", "links.cpio", "links.zip",
             "next.txt"]
    r = audit("extract_hostile", prods,
              ["--extract", x, "--max-entry-bytes", "16M", "--max-ratio",
               "100", "--max-total-bytes", "64M"], rss_mib=80, wall_s=30)
    total, bad_kinds, outside = 0, [], []
    real = os.path.realpath(x)
    for d, dirs, files in os.walk(x):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                bad_kinds.append(p)
            if not os.path.realpath(p).startswith(real + os.sep):
                outside.append(p)
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
                ok(not st.st_mode & 0o7111,
                   "extract_hostile: %s mode %o" % (p, st.st_mode))
    ok(not bad_kinds, "extract_hostile: not files or dirs: %s" %
       bad_kinds[:5])
    ok(not outside, "extract_hostile: outside DIR: %s" % outside[:5])
    # Per product at most --max-total-bytes unpacked, and the manifest.
    ok(total <= len(prods) * 64 * MIB + 16 * MIB,
       "extract_hostile: %d bytes written" % total)
    f = os.path.join(x, "flat.tar.extracted", "tar", "flat.zip.extracted",
                     "zip", "zeros.bin")
    ok(os.path.isfile(f) and os.path.getsize(f) == 16 * MIB,
       "extract_hostile: the cut bomb entry is not 16 MiB at %s" % f)
    ok(r.findings("limit.total-bytes", prefix="nested.zip"),
       "extract_hostile: nested bomb not stopped: %s" % r.rules())
    marked(r, "extract_hostile", "next.txt")
    shutil.rmtree(x, ignore_errors=True)


# --- main -------------------------------------------------------------------

def main():
    shutil.rmtree(WORK, ignore_errors=True)
    for d in (CWD, HOME, TMP, OUT, DECOY):
        os.makedirs(d)
    with open(RULES, "w") as f:
        f.write('rule marker { strings: $m = "%s" condition: $m }\n'
                % MARKER.decode())
        # /etc/passwd's first line on Debian: read only if a link was
        # followed.
        f.write('rule passwd_line { strings: $p = "root:x:0:0:" '
                'condition: $p }\n')
    ok(check_deflate_builder(), "the deflate builder is wrong")
    a, b = os.urandom(1000), os.urandom(3000)
    ok(crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) ==
       zlib.crc32(a + b), "crc32_combine is wrong")
    for fn in CASES:
        if not ONLY or fn.__name__ in ONLY:
            t0 = time.monotonic()
            fn()
            print("CASE %s %.1f s" % (fn.__name__, time.monotonic() - t0),
                  flush=True)
    print("%d passed, %d failed" % (passed, failed))


main()
