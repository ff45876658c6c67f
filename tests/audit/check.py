#!/usr/bin/env python3
"""check.py - compares `candor audit --json` with a ground truth.

Usage: check.py TRUTH.tsv AUDIT.jsonl
TRUTH has one line per file the audit must report, built by run.sh from
the originals with stat and sha256sum (never from candor's output):
    vpath <TAB> kind <TAB> size <TAB> mode <TAB> link <TAB> sha256
where any column but vpath may be '-' (not checked). Prints one FAIL line
per mismatch and `N passed, N failed` (one check per truth line).
"""
import json
import sys


def file_records(audit_path):
    """The file records of an audit's JSON Lines, by virtual path."""
    records = {}
    with open(audit_path, "rb") as f:
        for raw in f:
            rec = json.loads(raw)
            if rec.get("type") == "file":
                records[rec["vpath"]] = rec
    return records


def main():
    truth_path, audit_path = sys.argv[1], sys.argv[2]
    records = file_records(audit_path)
    passed = failed = 0
    with open(truth_path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            vpath, kind, size, mode, link, sha = line.rstrip("\n").split("\t")
            rec = records.get(vpath)
            problems = []
            if rec is None:
                problems.append("missing")
            else:
                if kind != "-" and rec["kind"] != kind:
                    problems.append("kind %s, want %s" % (rec["kind"], kind))
                if size != "-" and rec["size"] != int(size):
                    problems.append("size %s, want %s" % (rec["size"], size))
                if mode != "-" and int(rec["mode"], 8) != int(mode, 8):
                    problems.append("mode %s, want %s" % (rec["mode"], mode))
                if mode != "-" and rec["setuid"] != bool(int(mode, 8) & 0o4000):
                    problems.append("setuid %s" % rec["setuid"])
                target = rec["symlink"] if kind == "symlink" else rec["hardlink"]
                if link != "-" and target != link:
                    problems.append("link %r, want %r" % (target, link))
                if sha != "-" and rec["sha256"] != sha:
                    problems.append("sha256 %s, want %s" % (rec["sha256"], sha))
            if problems:
                print("FAIL %s: %s" % (vpath, "; ".join(problems)))
                failed += 1
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
