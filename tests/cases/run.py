#!/usr/bin/env python3
"""Data-driven case files: rules, an input, the expected output.

A case file (tests/cases/*.case) holds cases separated by lines
`=== NAME`. Each case has sections opened by `--- KIND`:

  --- rules           the rule source
  --- input           the scanned data, as text (a final newline is dropped;
                      escapes \\n \\t \\xNN \\\\ are decoded)
  --- input hex       the scanned data as hex bytes (whitespace ignored);
                      `*N` after a byte repeats it N times: `61*1000`
  --- args            extra arguments for `scan`, e.g. `-s -L`; $CASES
                      stands for this folder (data files in cases/data)
  --- expect          expected stdout, where the input's path and the space
                      before it are removed ("rule INPUT" becomes "rule")
  --- expect error    expected stderr (the rules' path shown as RULES);
                      the exit code must be non-zero
  --- newer           the feature is newer than yara 4.2.3: the expectation
                      comes from YARA's current documentation (say which
                      page in a comment) and yara is not run
  --- differs         yara 4.2.3 is wrong here (a crash, a misleading
                      message); the case is listed in docs/compat.md and
                      yara is not run

Every case runs under candor and, unless it is `newer`, under the reference
yara as well: both must print exactly the expectation, so an expectation
cannot silently encode candor's own mistake. Ends with `N passed, N failed`
(a case counts twice when yara is compared).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def decode_text(s):
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x" and i + 3 < len(s) + 1:
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0",
                    "\\": b"\\"}.get(n, ("\\" + n).encode())
            i += 2
            continue
        out += c.encode("utf-8")
        i += 1
    return bytes(out)


def decode_hex(s):
    out = bytearray()
    for tok in s.split():
        if "*" in tok:
            b, n = tok.split("*")
            out += bytes([int(b, 16)]) * int(n)
        else:
            out.append(int(tok, 16))
    return bytes(out)


def parse_cases(path):
    cases, case, section = [], None, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("=== "):
                case = {"name": line[4:].strip(), "file": path}
                cases.append(case)
                section = None
                continue
            if case is None:
                continue  # file header comments
            if line.startswith("--- "):
                section = line[4:].strip()
                case.setdefault(section, [])
                continue
            if section is not None:
                case[section].append(line)
    return cases


def text_of(case, key):
    lines = case.get(key)
    if lines is None:
        return None
    while lines and lines[-1] == "":
        lines = lines[:-1]
    return "\n".join(lines)


def run_tool(cmd, rules_path, input_path, args, tmp):
    argv = cmd + args + [rules_path, input_path]
    try:
        p = subprocess.run(argv, capture_output=True, timeout=60, cwd=tmp)
    except subprocess.TimeoutExpired:
        return None, "timeout", 124
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    out = out.replace(" " + input_path, "").replace(input_path, "")
    err = err.replace(rules_path, "RULES")
    return out.rstrip("\n"), err.rstrip("\n"), p.returncode


def check(tool, case, got, failures):
    out, err, rc = got
    want_out = text_of(case, "expect")
    want_err = text_of(case, "expect error")
    problems = []
    if out is None:
        problems.append("timed out")
    if want_out is not None and out != want_out:
        problems.append("stdout:\n%s\nexpected:\n%s" % (out, want_out))
    if want_err is not None:
        if err != want_err:
            problems.append("stderr:\n%s\nexpected:\n%s" % (err, want_err))
        if rc == 0:
            problems.append("exit code 0, expected an error")
    elif rc != 0:
        problems.append("exit code %d, stderr: %s" % (rc, err))
    if problems:
        failures.append("%s: %s [%s]: %s" % (
            os.path.relpath(case["file"]), case["name"], tool,
            "\n".join(problems)))
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", default="build/candor")
    ap.add_argument("--yara", default="yara")
    ap.add_argument("--no-reference", action="store_true",
                    help="do not run yara (sanitizer runs)")
    ap.add_argument("files", nargs="*")
    opts = ap.parse_args()
    if os.sep in opts.candor:
        opts.candor = os.path.abspath(opts.candor)

    files = opts.files or sorted(
        os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".case"))
    have_yara = shutil.which(opts.yara) is not None
    use_yara = not opts.no_reference
    if use_yara and not have_yara:
        if os.environ.get("CI") == "true":
            print("cases: yara is not installed (required under CI)")
            print("0 passed, 1 failed")
            return 1
        print("cases: yara is not installed: expectations are not checked "
              "against the reference")
        use_yara = False

    passed, failures = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            for case in parse_cases(path):
                rules = text_of(case, "rules") or ""
                rules_path = os.path.join(tmp, "rules.yar")
                input_path = os.path.join(tmp, "input")
                with open(rules_path, "w", encoding="utf-8") as f:
                    f.write(rules + "\n")
                if "input hex" in case:
                    data = decode_hex(text_of(case, "input hex"))
                else:
                    data = decode_text(text_of(case, "input") or "")
                with open(input_path, "wb") as f:
                    f.write(data)
                args = [a.replace("$CASES", HERE)
                        for a in (text_of(case, "args") or "").split()]
                tools = [("candor", [opts.candor, "scan"])]
                if use_yara and "newer" not in case and "differs" not in case:
                    tools.append(("yara", [opts.yara]))
                for name, cmd in tools:
                    got = run_tool(cmd, rules_path, input_path, args, tmp)
                    if check(name, case, got, failures):
                        passed += 1
    for f in failures:
        print("FAIL " + f)
    print("%d passed, %d failed" % (passed, len(failures)))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
