#!/usr/bin/env python3
"""The dex module's caps (docs/compat.md), one crafted file just over each:
2^20 strings (string_ids), 2^17 rows of each id table (type_ids,
proto_ids, field_ids, method_ids), 131,072 fields and 131,072 methods.
yara 4.2.3 has no caps, so these files are where candor differs from it on
purpose: each rule below says what yara gives and what candor gives (the
values follow from the files as built, by the format specification), and
both are checked: candor always, yara when it is installed (so that the
compat rows stay true of yara). The files are built with gen_dex.py's Dex;
their -D dumps (a million strings) are not kept.
Prints `N passed, N failed`.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_dex import Dex  # noqa: E402

MAX_STRINGS = 1 << 20
MAX_ROWS = 1 << 17
MAX_MEMBERS = 131072


def base():
    """One class type LA; (string 0), one proto ()V, one field and one
    method id of LA;, each named by string 0."""
    d = Dex()
    d.strings = ["LA;"]
    d.types = [0]
    d.protos = [(0, 0, [])]
    d.fields = [(0, 0, 0)]
    d.methods = [(0, 0, 0)]
    return d


def files():
    """Name -> (Dex, [(rule name, condition, true in yara, true in candor)])."""
    out = {}
    d = base()
    d.strings = ["s%d" % i for i in range(MAX_STRINGS + 1)]
    last, over = MAX_STRINGS - 1, MAX_STRINGS
    out["strings_over_cap.dex"] = (d, [
        ("count", "dex.header.string_ids_size == %d" % (over + 1), 1, 1),
        ("last_kept", 'dex.string_ids[%d].value == "s%d"' % (last, last), 1, 1),
        ("first_past", 'dex.string_ids[%d].value == "s%d"' % (over, over), 1, 0),
        ("past_undefined", "not defined dex.string_ids[%d].offset" % over, 0, 1),
    ])
    for table, attr, member in (("type_ids", "types", "descriptor_idx"),
                                ("proto_ids", "protos", "shorty_idx"),
                                ("field_ids", "fields", "name_idx"),
                                ("method_ids", "methods", "name_idx")):
        d = base()
        setattr(d, attr, getattr(d, attr) * (MAX_ROWS + 1))
        out["%s_over_cap.dex" % table] = (d, [
            ("count", "dex.header.%s_size == %d" % (table, MAX_ROWS + 1), 1, 1),
            ("last_kept", "dex.%s[%d].%s == 0" % (table, MAX_ROWS - 1, member), 1, 1),
            ("first_past", "dex.%s[%d].%s == 0" % (table, MAX_ROWS, member), 1, 0),
            ("past_undefined", "not defined dex.%s[%d].%s" % (table, MAX_ROWS, member), 0, 1),
        ])
    # Fields: class 0 has one field more than the cap, then a method;
    # class 1 only a method. Past the cap candor reads no more of class 0's
    # data (its methods follow the fields it did not read).
    d = base()
    d.classes = [dict(cls=0, static=[(0, 8)] * (MAX_MEMBERS + 1),
                      direct=[(0, 1, None)]),
                 dict(cls=0, direct=[(0, 2, None)])]
    out["fields_over_cap.dex"] = (d, [
        ("yara_counts", "dex.number_of_fields == %d and dex.number_of_methods == 2"
         % (MAX_MEMBERS + 1), 1, 0),
        ("candor_counts", "dex.number_of_fields == %d and dex.number_of_methods == 1"
         % MAX_MEMBERS, 0, 1),
        ("last_kept", 'dex.field[%d].name == "LA;" and dex.field[%d].access_flags == 8'
         % (MAX_MEMBERS - 1, MAX_MEMBERS - 1), 1, 1),
        ("past_undefined", "not defined dex.field[%d].access_flags" % MAX_MEMBERS, 0, 1),
        ("yara_methods", "dex.method[0].access_flags == 1 and dex.method[1].access_flags == 2", 1, 0),
        ("candor_method", "dex.method[0].access_flags == 2 and not defined dex.method[1].name", 0, 1),
        ("has_method", 'dex.has_method("LA;")', 1, 1),
    ])
    d = base()
    d.classes = [dict(cls=0, direct=[(0, 1, None)] * (MAX_MEMBERS + 1))]
    out["methods_over_cap.dex"] = (d, [
        ("yara_count", "dex.number_of_methods == %d" % (MAX_MEMBERS + 1), 1, 0),
        ("candor_count", "dex.number_of_methods == %d" % MAX_MEMBERS, 0, 1),
        ("last_kept", 'dex.method[%d].name == "LA;" and dex.method[%d].direct == 1'
         % (MAX_MEMBERS - 1, MAX_MEMBERS - 1), 1, 1),
        ("past_undefined", "not defined dex.method[%d].access_flags" % MAX_MEMBERS, 0, 1),
    ])
    return out


def matching(cmd, rules, path):
    r = subprocess.run(cmd + [rules, path], capture_output=True, timeout=600)
    if r.returncode != 0:
        return None, r.stderr.decode(errors="replace").strip()
    return {l.split()[0] for l in r.stdout.decode().splitlines() if l}, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", default="build/candor")
    opts = ap.parse_args()
    engines = [("candor", [opts.candor, "scan"], 1)]
    if shutil.which("yara") and not os.environ.get("NO_YARA"):
        engines.append(("yara", ["yara"], 0))
    tmp = tempfile.mkdtemp()
    passed = failed = 0
    try:
        for name, (dex, rules) in files().items():
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(bytes(dex.assemble()))
            rpath = os.path.join(tmp, "r.yar")
            with open(rpath, "w") as f:
                f.write('import "dex"\n')
                for rule, cond, _, _ in rules:
                    f.write("rule %s { condition: %s }\n" % (rule, cond))
            for engine, cmd, col in engines:
                got, err = matching(cmd, rpath, path)
                want = {r[0] for r in rules if r[2 + col]}
                if got == want:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s (%s): want %s, got %s %s" % (
                        name, engine, sorted(want),
                        sorted(got) if got is not None else None, err))
    finally:
        shutil.rmtree(tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
