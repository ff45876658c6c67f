#!/usr/bin/env python3
"""extract_check.py - checks what `candor audit --extract DIR` wrote.

Usage: extract_check.py TRUTH.tsv DIR
TRUTH is run.sh's ground truth (vpath, kind, size, mode, link, sha256; '-'
for unchecked) or one built by extract.sh for crafted containers. For every
line, the place docs/audit.md ("Extracting") gives the vpath is computed
here from the documentation's rules, not from candor's code, and checked:
a file is a regular file (not a link) with the sha256 of the truth, mode
0644 at most; a directory is a directory; a link, device or FIFO is not
created and DIR/manifest.jsonl records it with its target. The manifest's
path of each vpath must be the computed one. Then: nothing under DIR is a
symbolic link or has a setuid, setgid or sticky bit. A name taken by an
earlier entry may have "%%N" appended (same_place); no two entries share
a file: a vpath given twice has two, each with its own data.
Prints FAIL lines and `N passed, N failed`.
"""
import collections
import hashlib
import json
import os
import stat
import sys

NAME_MAX = 200  # bytes of a sanitised component
DEPTH_MAX = 128  # components of a sanitised path


def utf8_seq(raw, i):
    """The length of the valid UTF-8 sequence at raw[i] (a byte >= 0x80),
    0 if there is none: Python's decoder refuses overlong forms,
    surrogates and code points past U+10FFFF, as the rules say."""
    b = raw[i]
    n = 2 if 0xC0 <= b < 0xE0 else 3 if 0xE0 <= b < 0xF0 else 4
    try:
        raw[i:i + n].decode("utf-8")
    except UnicodeDecodeError:
        return 0
    return n


def units(raw):
    """A component's bytes as the units sanitising writes: '%', control
    bytes and bytes outside valid UTF-8 escaped as %XX, UTF-8 sequences
    kept whole."""
    out, i = [], 0
    while i < len(raw):
        b = raw[i]
        n = utf8_seq(raw, i) if b >= 0x80 else 1
        if b == 0x25 or b < 0x20 or b == 0x7F or n == 0:
            out.append(b"%%%02X" % b)
            i += 1
        else:
            out.append(raw[i:i + n])
            i += n
    return out


def json_text(raw):
    """The text candor's JSON gives for raw bytes: UTF-8 sequences as
    they are, any other byte as the code point of its value."""
    out, i = "", 0
    while i < len(raw):
        n = utf8_seq(raw, i) if raw[i] >= 0x80 else 0
        if n:
            out += raw[i:i + n].decode("utf-8")
            i += n
        else:
            out += chr(raw[i])
            i += 1
    return out


def sanitise(path):
    comps = []  # each: [bytes, cut]
    for raw in path.split(b"/"):
        if raw in (b"", b"."):
            continue
        us = [b"%2E%2E"] if raw == b".." else units(raw)
        if len(comps) == DEPTH_MAX:
            us = [b"%2F"] + us
        else:
            comps.append([b"", False])
        c = comps[-1]
        for u in us:
            if c[1] or len(c[0]) + len(u) > NAME_MAX:
                c[1] = True
            else:
                c[0] += u
    return b"/".join(c[0] for c in comps)


def layout(vpath, kind):
    """The path below DIR of a vpath PRODUCT!FMT!/entry!FMT!/entry...;
    entries hold no '!' in these tests."""
    parts = vpath.split(b"!")
    out = sanitise(parts[0].rsplit(b"/", 1)[-1])
    i = 1
    while i < len(parts):
        out += b".extracted/" + sanitise(parts[i])
        if i + 1 < len(parts):
            name = sanitise(parts[i + 1])
            if not name and kind == "file":
                name = b"%%"  # a file whose path sanitises to nothing
        else:
            name = b"data"  # a stream's one unnamed entry
        out += b"/" + name if name else b""
        i += 2
    return out


def same_place(got, want):
    """Whether got is want, but for names that were taken: a component
    may have "%%N" appended (a second entry of one name, a file where a
    directory is needed, or the reverse)."""
    if got is None:
        return False
    g, w = got.split(b"/"), want.split(b"/")
    return len(g) == len(w) and all(
        a == b or (a.startswith(b + b"%%") and a[len(b) + 2:].isdigit())
        for a, b in zip(g, w))


def main():
    truth_path, top = sys.argv[1], os.fsencode(sys.argv[2])
    manifest = collections.defaultdict(list)
    with open(os.path.join(top, b"manifest.jsonl"), "rb") as f:
        for line in f:
            rec = json.loads(line)
            manifest[rec["vpath"]].append(rec)
    passed = failed = 0
    seen = collections.Counter()
    written = set()

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            print("FAIL %s" % what)
            failed += 1

    with open(truth_path, "rb") as f:
        lines = [l.rstrip(b"\n").split(b"\t") for l in f]
    for vpath, kind, size, mode, link, sha in lines:
        kind = kind.decode()
        want = layout(vpath, kind)
        recs = [r for r in manifest.get(json_text(vpath), [])
                if r["kind"] == kind]
        n = seen[(vpath, kind)]
        seen[(vpath, kind)] += 1
        name = vpath.decode("utf-8", "replace")
        if n >= len(recs):
            check(False, "%s: not in the manifest" % name)
            continue
        rec = recs[n]
        got = rec["path"]
        got = None if got is None else got.encode("utf-8", "surrogateescape")
        problems = []
        if kind == "file":
            if not same_place(got, want):
                problems.append("manifest path %r, want %r" % (got, want))
            elif got in written:
                problems.append("%r written twice" % got)
            written.add(got)
            p = os.path.join(top, got or want)
            try:
                st = os.lstat(p)
            except OSError as e:
                problems.append("not written: %s" % e)
            else:
                if not stat.S_ISREG(st.st_mode):
                    problems.append("not a regular file")
                elif st.st_mode & 0o7133:
                    problems.append("mode %o" % (st.st_mode & 0o7777))
                elif sha != b"-":
                    with open(p, "rb") as g:
                        h = hashlib.sha256(g.read()).hexdigest().encode()
                    if h != sha:
                        problems.append("sha256 %s, want %s" % (h, sha))
        elif kind == "dir":
            if got != want:
                problems.append("manifest path %r, want %r" % (got, want))
            if not os.path.isdir(os.path.join(top, want)) or \
                    os.path.islink(os.path.join(top, want)):
                problems.append("no directory %r" % want)
        else:
            if got is not None:
                problems.append("a %s was made at %r" % (kind, got))
            if link != b"-" and rec.get("link") != json_text(link):
                problems.append("link %r, want %r" % (rec.get("link"), link))
        check(not problems, "%s (%s): %s" % (name, kind, "; ".join(problems)))
    bad = []
    for root, dirs, files in os.walk(top):
        for n in dirs + files:
            st = os.lstat(os.path.join(root, n))
            if stat.S_ISLNK(st.st_mode) or st.st_mode & 0o7000 or not (
                    stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                bad.append(os.path.join(root, n))
    check(not bad, "links, special files or set-id bits: %r" % bad[:5])
    print("%d passed, %d failed" % (passed, failed))


if __name__ == "__main__":
    main()
