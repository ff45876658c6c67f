#!/usr/bin/env python3
"""fstruth.py - the ground truth of a file system image, from its source tree.

    fstruth.py truth TREE PREFIX
        prints check.py's truth lines for every entry below TREE (stat and
        SHA-256 of the originals; never candor's output), the virtual path
        being PREFIX + the path relative to TREE. Kinds: file, dir, symlink,
        chardev, blockdev, fifo, socket. A file with more than one name is
        given there with its mode only: which name comes first is the
        image's order, checked by `extra`.
    fstruth.py extra TREE PREFIX AUDIT.jsonl
        checks what check.py does not: every entry's owner (uid, gid; their
        low FS_OWNER_BITS bits when that is set), and
        that each set of hard-linked names is one file record with the data
        and hard links to its path for the others. Prints one FAIL line per
        mismatch and `N passed, N failed`.
"""
import hashlib
import os
import stat
import sys

from check import file_records

# FS_OWNER_BITS=16: the image keeps owners in 16 bits (JFFS2).
OWNER_MASK = (1 << int(os.environ.get("FS_OWNER_BITS", "32"))) - 1

KINDS = [
    (stat.S_ISLNK, "symlink"),
    (stat.S_ISDIR, "dir"),
    (stat.S_ISREG, "file"),
    (stat.S_ISCHR, "chardev"),
    (stat.S_ISBLK, "blockdev"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
]


def walk(tree):
    """(relative path, lstat) of every entry below tree, sorted."""
    out = []
    for root, dirs, files in os.walk(tree):
        for name in dirs + files:
            path = os.path.join(root, name)
            out.append((os.path.relpath(path, tree), os.lstat(path)))
    return sorted(out)


def kind_of(st):
    for test, name in KINDS:
        if test(st.st_mode):
            return name
    return "other"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def truth(tree, prefix):
    for rel, st in walk(tree):
        path = os.path.join(tree, rel)
        kind = kind_of(st)
        size = link = sha = "-"
        mode = "%o" % stat.S_IMODE(st.st_mode)
        if kind == "symlink":
            link = os.readlink(path)
            mode = "-"
        elif kind == "file" and st.st_nlink > 1:
            kind = "-"
        elif kind == "file":
            size = str(st.st_size)
            sha = sha256(path)
        print("\t".join([prefix + rel, kind, size, mode, link, sha]))


def extra(tree, prefix, audit):
    recs = file_records(audit)
    passed = failed = 0
    groups = {}

    def result(problem):
        nonlocal passed, failed
        if problem:
            print("FAIL " + problem)
            failed += 1
        else:
            passed += 1

    for rel, st in walk(tree):
        r = recs.get(prefix + rel)
        if r is None:
            result("%s%s: missing" % (prefix, rel))
            continue
        got = (r["uid"], r["gid"])
        want = (st.st_uid & OWNER_MASK, st.st_gid & OWNER_MASK)
        result(None if got == want else "%s%s: owner %s, want %s"
               % (prefix, rel, got, want))
        if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            groups.setdefault(st.st_ino, []).append(rel)
    for names in groups.values():
        files = [n for n in names if recs[prefix + n]["kind"] == "file"]
        if len(files) != 1:
            result("hard links %s: %d file records" % (names, len(files)))
            continue
        first = files[0]
        want_sha = sha256(os.path.join(tree, first))
        problems = []
        if recs[prefix + first]["sha256"] != want_sha:
            problems.append("%s: sha256 %s" % (first,
                            recs[prefix + first]["sha256"]))
        for n in names:
            r = recs[prefix + n]
            if n != first and (r["kind"], r["hardlink"]) != ("hardlink", first):
                problems.append("%s: %s to %r, want a hard link to %r"
                                % (n, r["kind"], r["hardlink"], first))
        result("; ".join(problems))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    if sys.argv[1] == "truth":
        truth(sys.argv[2], sys.argv[3])
        return 0
    return extra(sys.argv[2], sys.argv[3], sys.argv[4])


if __name__ == "__main__":
    sys.exit(main())
