#!/usr/bin/env python3
"""strings_diff.py - candor's matcher against yara on one-string rules.

    tests/strings_diff.py [--fast] [--build DIR] DEFS DATA...

DEFS has one string definition per line (what follows `$a = ` in a rule,
e.g. `"abc" nocase wide` or `{ 4D [1-3] 5A }` or `/a.+?b/s`); `#` lines are
comments. For every DATA file both engines run every definition; the script
prints each difference in errors, "may slow down scanning" warnings,
"too many matches" overflows and the (offset, length) of every match, and
ends with `N passed, N failed` (one check per definition and file).

yara's matches come from its console module (offset and true length of each
match, not the 512-byte -L cap); candor's from tests/strings_driver.c, which
this script compiles against BUILD/libcandor.a (default build/).
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_driver(build):
    exe = os.path.join(build, "strings_driver")
    src = os.path.join(ROOT, "tests", "strings_driver.c")
    lib = os.path.join(build, "libcandor.a")
    if (os.path.exists(exe) and os.path.getmtime(exe) > os.path.getmtime(src)
            and os.path.getmtime(exe) > os.path.getmtime(lib)):
        return exe
    libs = subprocess.run(["pkg-config", "--libs", "--cflags", "libhs",
                           "libpcre2-8", "libcrypto"], capture_output=True,
                          text=True, check=True).stdout.split()
    san = ["-fsanitize=address,undefined"] if "san" in build else []
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-O1", "-g",
                    "-I" + os.path.join(ROOT, "include"),
                    "-I" + os.path.join(ROOT, "src"), src, lib, "-o", exe]
                   + san + libs + ["-lstdc++", "-lm", "-pthread"], check=True)
    return exe


def yara_run(defs, data, fast):
    """Returns {i: {"E": msg, "W": bool, "O": bool, "M": [(off, len)]}}."""
    res = {i: {"E": None, "W": False, "O": False, "M": []}
           for i in range(len(defs))}
    live = list(range(len(defs)))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "r.yar")
        while True:
            lines = ['import "console"']
            for i in live:
                lines.append(
                    'rule r%d { strings: $a = %s condition: #a == 0 or '
                    'for all k in (1..#a) : (console.log("R %d ", @a[k]) and '
                    'console.log("L ", !a[k])) }' % (i, defs[i], i))
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
            p = subprocess.run(["yara"] + (["-f"] if fast else []) +
                               [path, data], capture_output=True)
            out = p.stdout.decode("latin-1")
            err = p.stderr.decode("latin-1")
            errors = {}
            for line in err.splitlines():
                m = re.search(r'r\.yar\((\d+)\): (.*)', line)
                if m:
                    i = live[int(m.group(1)) - 2]
                    if line.startswith("error"):
                        errors[i] = m.group(2)
                    elif "slow down" in line:
                        res[i]["W"] = True
                m = re.search(r'rule "r(\d+)": too many matches', line)
                if m:
                    res[int(m.group(1))]["O"] = True
            if not errors:
                break
            for i, msg in errors.items():
                msg = re.sub(r'^(invalid (hex string|regular expression) '
                             r'"\$a": )', '', msg)
                res[i]["E"] = msg
                live.remove(i)
            if not live:
                return res
        pending = None
        for line in out.splitlines():
            m = re.match(r'R (\d+) (\d+)$', line)
            if m:
                pending = (int(m.group(1)), int(m.group(2)))
                continue
            m = re.match(r'L (\d+)$', line)
            if m and pending:
                res[pending[0]]["M"].append((pending[1], int(m.group(1))))
                pending = None
    return res


def candor_run(exe, defs_path, n, data, fast):
    res = {i: {"E": None, "W": False, "O": False, "M": []} for i in range(n)}
    p = subprocess.run([exe] + (["-f"] if fast else []) + [defs_path, data],
                       capture_output=True)
    if p.returncode != 0:
        raise SystemExit("strings_driver failed: %d %s" %
                         (p.returncode, p.stderr.decode()))
    pending = None
    for line in p.stdout.decode("latin-1").splitlines():
        f = line.split(" ", 2)
        if f[0] == "E":
            res[int(f[1])]["E"] = f[2]
        elif f[0] == "W":
            res[int(f[1])]["W"] = True
        elif f[0] == "O":
            res[int(f[1])]["O"] = True
        elif f[0] == "R":
            pending = (int(f[1]), int(f[2]))
        elif f[0] == "L":
            res[pending[0]]["M"].append((pending[1], int(f[1])))
    return res


def main():
    args = sys.argv[1:]
    fast = "--fast" in args
    args = [a for a in args if a != "--fast"]
    build = os.path.join(ROOT, "build")
    if "--build" in args:
        k = args.index("--build")
        build = args[k + 1]
        del args[k:k + 2]
    if len(args) < 2:
        print(__doc__)
        return 2
    with open(args[0]) as f:
        defs = [l.rstrip("\n") for l in f
                if l.strip() and not l.lstrip().startswith("#")]
    exe = build_driver(build)
    passed = failed = 0
    with tempfile.NamedTemporaryFile("w", suffix=".defs", delete=False) as t:
        t.write("\n".join(defs) + "\n")
        defs_path = t.name
    try:
        for data in args[1:]:
            y = yara_run(defs, data, fast)
            c = candor_run(exe, defs_path, len(defs), data, fast)
            for i, d in enumerate(defs):
                yi, ci = y[i], c[i]
                if fast:  # only whether a string matched is comparable
                    yi["M"] = yi["M"][:1] and [True]
                    ci["M"] = ci["M"][:1] and [True]
                bad = []
                for key in ("E", "W", "O"):
                    if yi[key] != ci[key]:
                        bad.append("%s yara=%r candor=%r" % (key, yi[key], ci[key]))
                if yi["M"] != ci["M"]:
                    ys, cs = set(yi["M"]), set(ci["M"])
                    bad.append("matches: yara %d candor %d; only yara %s; "
                               "only candor %s" % (
                                   len(yi["M"]), len(ci["M"]),
                                   sorted(ys - cs)[:5], sorted(cs - ys)[:5]))
                if bad:
                    failed += 1
                    print("DIFF %s on %s:\n  %s" % (d, os.path.basename(data),
                                                    "\n  ".join(bad)))
                else:
                    passed += 1
    finally:
        os.unlink(defs_path)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
