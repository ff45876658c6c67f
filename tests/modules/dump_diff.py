#!/usr/bin/env python3
"""The -D differential: `yara -D` and `candor scan -D` on the same files
with one module imported, compared line for line.

    dump_diff.py --candor build/candor --module elf FILE_OR_DIR...
    dump_diff.py --candor build/candor --module elf --list LIST
    dump_diff.py --candor build/candor --rules RULES FILE_OR_DIR...

LIST holds one path a line, or `TYPE<TAB>SIZE<TAB>PATH` lines (the bench
corpus's full.types) with --type to keep one type and --root for relative
paths. Directories are walked. Each file counts once: identical output
passes; otherwise the first differing lines are shown (--show N).
With --rules, the files are scanned with those rules instead (no -D) and
the outputs compared: conditions over the module's values, checked
against yara on every file. Module-agnostic: the pe module's tests use it
with --module pe.
Ends with `N passed, N failed`.
"""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile


def files_of(args):
    out = []
    for p in args.paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                out += [os.path.join(root, n) for n in sorted(names)]
        else:
            out.append(p)
    if args.list:
        with open(args.list, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line:
                    continue
                parts = line.split("\t")
                if len(parts) >= 3:
                    if args.type and parts[0] != args.type:
                        continue
                    path = parts[2]
                else:
                    path = parts[0]
                if args.root and not os.path.isabs(path):
                    path = os.path.join(args.root, path)
                out.append(path)
    return out


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"timeout"
    return p.returncode, p.stdout + b"\n--- stderr\n" + p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", required=True)
    ap.add_argument("--yara", default="yara")
    ap.add_argument("--module")
    ap.add_argument("--rules", help="scan with these rules instead of -D")
    ap.add_argument("--list")
    ap.add_argument("--type", help="with --list: keep lines of this TYPE")
    ap.add_argument("--root", help="with --list: base of relative paths")
    ap.add_argument("--show", type=int, default=8,
                    help="differing lines shown per file")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    if not args.module and not args.rules:
        ap.error("--module or --rules is needed")
    files = files_of(args)
    if not files:
        print("no files")
        print("0 passed, 1 failed")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        if args.rules:
            rules, opts = args.rules, ["-w"]
        else:
            rules, opts = os.path.join(tmp, "r.yar"), ["-D"]
            with open(rules, "w") as f:
                f.write('import "%s"\nrule r { condition: true }\n' %
                        args.module)
        passed = failed = 0
        for path in files:
            want = run([args.yara] + opts + [rules, path], args.timeout)
            got = run([args.candor, "scan"] + opts + [rules, path],
                      args.timeout)
            if want == got:
                passed += 1
                continue
            failed += 1
            print("FAIL %s (exit yara %s, candor %s)" % (path, want[0], got[0]))
            diff = difflib.unified_diff(
                want[1].decode("latin-1").splitlines(),
                got[1].decode("latin-1").splitlines(),
                "yara", "candor", n=1, lineterm="")
            for i, line in enumerate(diff):
                if i >= args.show + 3:
                    print("  ...")
                    break
                print("  " + line)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
