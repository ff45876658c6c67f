#!/usr/bin/python3
"""Helpers for bench/corpus.sh: classify corpus files, pick the mini tier,
and check the type counts with libmagic's `file`.

Classification here is our own magic check on the file's bytes, so the mini
selection depends only on the corpus contents, not on the version of `file`.
`file` is run separately as an independent check of the counts.

Subcommands (paths are relative to ROOT in every output):
  classify ROOT OUT.tsv        one line per regular file: class, size, path
  mini TYPES.tsv FULL MINI     hardlink the mini selection from FULL to MINI
  filecheck ROOT OUT.tsv       run `file` over ROOT, write path + description,
                               print counts of ELF / PE / .NET / PDF
"""

import hashlib
import os
import struct
import subprocess
import sys
from collections import Counter

# Mini tier budget per class, in bytes (32 MiB in all).  Binaries get the
# largest shares because they are where rule sets spend their time.
MINI_BUDGET = {
    "elf": 7 << 20,
    "pe": 8 << 20,
    "dotnet": 3 << 20,
    "pdf": 3 << 20,
    "compressed": 3 << 20,
    "text": 5 << 20,
    "other": 3 << 20,
}
# No single file may take more than this share of its class budget, so each
# class is a mix of many files rather than one or two big ones.
MINI_MAX_SHARE = 4

COMPRESSED_MAGIC = (
    b"\x1f\x8b",  # gzip
    b"\xfd7zXZ\x00",  # xz
    b"BZh",  # bzip2
    b"PK\x03\x04",  # zip, jar
    b"\x28\xb5\x2f\xfd",  # zstd
    b"\x5d\x00\x00",  # lzma alone
)


def pe_kind(f, head):
    """Return 'pe', 'dotnet' or None for an open file whose first bytes are
    head.  .NET means the CLR runtime header directory (index 14) is set."""
    if len(head) < 0x40 or head[:2] != b"MZ":
        return None
    (lfanew,) = struct.unpack_from("<I", head, 0x3C)
    f.seek(lfanew)
    hdr = f.read(24 + 240)
    if len(hdr) < 24 + 2 or hdr[:4] != b"PE\x00\x00":
        return None
    opt = hdr[24:]
    (magic,) = struct.unpack_from("<H", opt, 0)
    if magic == 0x10B:
        n_off, dir_off = 92, 96
    elif magic == 0x20B:
        n_off, dir_off = 108, 112
    else:
        return "pe"
    if len(opt) < dir_off + 15 * 8:
        return "pe"
    (n_dirs,) = struct.unpack_from("<I", opt, n_off)
    if n_dirs <= 14:
        return "pe"
    rva, size = struct.unpack_from("<II", opt, dir_off + 14 * 8)
    return "dotnet" if rva and size else "pe"


def looks_text(head):
    """Text: no NUL byte and valid UTF-8 (a cut multibyte tail allowed)."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        return e.start >= len(head) - 3 and e.reason == "unexpected end of data"


def classify_file(path):
    with open(path, "rb") as f:
        head = f.read(8192)
        if head[:4] == b"\x7fELF":
            return "elf"
        kind = pe_kind(f, head)
    if kind:
        return kind
    if head[:5] == b"%PDF-":
        return "pdf"
    if any(head.startswith(m) for m in COMPRESSED_MAGIC):
        return "compressed"
    if looks_text(head):
        return "text"
    return "other"


def walk_sorted(root):
    """Yield paths of regular files under root, relative, in byte order."""
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            if os.path.isfile(full) and not os.path.islink(full):
                out.append(os.path.relpath(full, root))
    out.sort(key=os.fsencode)
    return out


def cmd_classify(root, out_path):
    counts = Counter()
    sizes = Counter()
    with open(out_path + ".tmp", "w", encoding="utf-8", errors="surrogateescape") as out:
        for rel in walk_sorted(root):
            full = os.path.join(root, rel)
            cls = classify_file(full)
            size = os.path.getsize(full)
            counts[cls] += 1
            sizes[cls] += size
            out.write(f"{cls}\t{size}\t{rel}\n")
    os.replace(out_path + ".tmp", out_path)
    print_class_counts(counts, sizes)


def print_class_counts(counts, sizes):
    total_n = sum(counts.values())
    total_b = sum(sizes.values())
    print(f"  {'class':<11} {'files':>7} {'MB':>9}")
    for cls in sorted(counts, key=lambda c: -sizes[c]):
        print(f"  {cls:<11} {counts[cls]:>7} {sizes[cls] / 1e6:>9.1f}")
    print(f"  {'total':<11} {total_n:>7} {total_b / 1e6:>9.1f}")


def read_types(types_path):
    with open(types_path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            cls, size, rel = line.rstrip("\n").split("\t", 2)
            yield cls, int(size), rel


def cmd_mini(types_path, full_root, mini_root):
    """The mini rule: within each class, order files by sha256 of their path
    (a fixed shuffle that mixes packages), then take every file that still
    fits the class budget and is at most budget/MINI_MAX_SHARE bytes."""
    by_class = {}
    for cls, size, rel in read_types(types_path):
        by_class.setdefault(cls, []).append((size, rel))
    chosen = []
    counts, sizes = Counter(), Counter()
    for cls, budget in MINI_BUDGET.items():
        files = sorted(
            by_class.get(cls, []),
            key=lambda sr: hashlib.sha256(os.fsencode(sr[1])).digest(),
        )
        used = 0
        for size, rel in files:
            if size > budget // MINI_MAX_SHARE or used + size > budget:
                continue
            used += size
            chosen.append(rel)
            counts[cls] += 1
            sizes[cls] += size
    for rel in chosen:
        dst = os.path.join(mini_root, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        src = os.path.join(full_root, rel)
        try:
            os.link(src, dst)
        except OSError:
            subprocess.run(["cp", "-p", src, dst], check=True)
    print_class_counts(counts, sizes)


def file_descriptions(root):
    """Run `file` over every regular file; yield (relpath, description)."""
    rels = walk_sorted(root)
    proc = subprocess.run(
        ["file", "-b", "-N", "-f", "-"],
        input=b"".join(os.fsencode(os.path.join(root, r)) + b"\n" for r in rels),
        stdout=subprocess.PIPE,
        check=True,
    )
    descs = proc.stdout.decode("utf-8", "replace").split("\n")
    return zip(rels, descs)


def magic_class(desc):
    """Map a `file` description to the classes we count."""
    if desc.startswith("ELF "):
        if "shared object" in desc:
            return "elf-shared"
        if "executable" in desc:
            return "elf-exec"
        return "elf-other"
    if desc.startswith("PE32"):
        if "Mono/.Net assembly" in desc:
            return "dotnet"
        if "EFI" in desc:
            return "pe-efi"
        return "pe"
    if desc.startswith("PDF document"):
        return "pdf"
    for word in ("gzip", "XZ", "bzip2", "Zip archive", "Java archive", "Zstandard"):
        if desc.startswith(word):
            return "compressed"
    if "text" in desc:
        return "text"
    return "other"


def cmd_filecheck(root, out_path):
    counts = Counter()
    with open(out_path + ".tmp", "w", encoding="utf-8", errors="surrogateescape") as out:
        for rel, desc in file_descriptions(root):
            counts[magic_class(desc)] += 1
            out.write(f"{rel}\t{desc}\n")
    os.replace(out_path + ".tmp", out_path)
    pe_all = counts["pe"] + counts["pe-efi"] + counts["dotnet"]
    elf_all = counts["elf-exec"] + counts["elf-shared"] + counts["elf-other"]
    print(
        f"  file(1): ELF {elf_all} (executables {counts['elf-exec']}, "
        f"shared libraries {counts['elf-shared']}), PE {pe_all} "
        f"(of which EFI {counts['pe-efi']}, .NET {counts['dotnet']}), "
        f"PDF {counts['pdf']}, compressed {counts['compressed']}, "
        f"text {counts['text']}, other {counts['other']}"
    )
    for key, value in sorted(counts.items()):
        print(f"FILECOUNT {key} {value}")


def main(argv):
    cmds = {"classify": (cmd_classify, 2), "mini": (cmd_mini, 3), "filecheck": (cmd_filecheck, 2)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    fn, _n = cmds[argv[1]]
    fn(*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
