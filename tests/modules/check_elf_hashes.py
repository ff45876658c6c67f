#!/usr/bin/env python3
"""elf.import_md5() and elf.telfhash(), newer than yara 4.2.3 (YARA 4.3,
docs/modules/elf.rst), so checked against independent computations, not
against yara:

import_md5 is the MD5 of the names of the undefined symbols (st_shndx
SHN_UNDEF, name not empty) of the dynamic symbol table, or of the symbol
table when the file has no dynamic one, lowercased, sorted and joined with
commas. The expected digests here come from Python's hashlib over name
lists taken from the crafted files' own definitions (tests/modules/
mkelf.py) and, for files every Debian 12 has, from binutils' readelf.

telfhash is always undefined (docs/compat.md says why): checked too.
Prints `N passed, N failed`.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkelf  # noqa: E402

SYSTEM = ["/bin/true", "/usr/lib/x86_64-linux-gnu/libc.so.6",
          "/usr/bin/python3"]


def md5_of(names):
    """The documented digest of a list of undefined symbol names, or None
    when there are none (the function is then undefined)."""
    names = sorted(n.lower() for n in names if n)
    if not names:
        return None
    return hashlib.md5(",".join(names).encode()).hexdigest()


def elf_with(bits, big, dynsyms, syms):
    """A file with a dynamic symbol table of dynsyms and a symbol table of
    syms (either None for none): (name, shndx) pairs, functions."""
    x = mkelf.Elf(bits, big, mkelf.ET_DYN, 62 if bits == 64 else 3)
    text = x.add(".text", mkelf.SHT_PROGBITS, b"\xc3" * 16,
                 mkelf.SHF_ALLOC | mkelf.SHF_EXECINSTR)
    ent = 24 if bits == 64 else 16
    for kind, table in ((mkelf.SHT_DYNSYM, dynsyms),
                        (mkelf.SHT_SYMTAB, syms)):
        if table is None:
            continue
        strs, offs = x.strtab([n for n, _ in table])
        rows = x.symbols([(n, 0, 0, 1, 2, 0, text if s else 0)
                          for n, s in table], offs)
        strsec = len(x.sections) + 2
        x.add(".dynsym" if kind == mkelf.SHT_DYNSYM else ".symtab", kind,
              rows, link=strsec, info=1, entsize=ent)
        x.add(".dynstr" if kind == mkelf.SHT_DYNSYM else ".strtab",
              mkelf.SHT_STRTAB, strs, align=1)
    # a segment, so that the sections' data starts after the headers
    x.segments = [dict(type=mkelf.PT_LOAD, flags=mkelf.PF_R | mkelf.PF_X,
                       section=text)]
    return x.build()


def crafted():
    """(name, bytes, expected import_md5 or None)."""
    out = []
    prog_names = ["puts", "exit"]   # mkelf.program's undefined dynsyms
    for bits in (32, 64):
        for big in (False, True):
            tag = f"{bits}{'be' if big else 'le'}"
            out.append((f"program-{tag}",
                        mkelf.program(bits, big).build(), md5_of(prog_names)))
            dyn = [("Zeta", 0), ("alpha", 0), ("puts", 0), ("puts", 0),
                   ("", 0), ("mine", 1), ("_Start", 0)]
            out.append((f"mixed-case-{tag}", elf_with(bits, big, dyn, None),
                        md5_of([n for n, s in dyn if s == 0])))
            sym = [("B", 0), ("a", 0), ("defined", 1)]
            out.append((f"symtab-only-{tag}", elf_with(bits, big, None, sym),
                        md5_of(["B", "a"])))
            out.append((f"dynsym-first-{tag}",
                        elf_with(bits, big, [("own", 1)], sym), None))
            out.append((f"no-undefined-{tag}",
                        elf_with(bits, big, [("f", 1)], [("g", 1)]), None))
    return out


def readelf_undefined(path):
    """The names of path's undefined .dynsym symbols, by readelf."""
    r = subprocess.run(["readelf", "--dyn-syms", "-W", path],
                       capture_output=True, text=True, timeout=60)
    names = []
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[6] == "UND":
            names.append(f[7].split("@")[0])
    return names


def scan(candor, rules, path):
    r = subprocess.run([candor, "scan", rules, path], capture_output=True,
                       timeout=60)
    return r.returncode, r.stdout.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", default="build/candor")
    opts = ap.parse_args()
    passed = failed = 0
    tmp = tempfile.mkdtemp()
    try:
        cases = [(n, p, e) for n, p, e in crafted()]
        files = []
        for name, data, want in cases:
            p = os.path.join(tmp, name + ".elf")
            with open(p, "wb") as f:
                f.write(data)
            files.append((name, p, want))
        if shutil.which("readelf"):
            for p in SYSTEM:
                if os.path.exists(p):
                    files.append((p, p, md5_of(readelf_undefined(p))))
        elif os.environ.get("CI") == "true":
            failed += 1
            print("FAIL readelf missing")
        rules = os.path.join(tmp, "r.yar")
        for name, p, want in files:
            cond = ("not defined elf.import_md5()" if want is None
                    else f'elf.import_md5() == "{want}"')
            with open(rules, "w") as f:
                f.write('import "elf"\n'
                        f"rule md5 {{ condition: {cond} }}\n"
                        "rule telfhash { condition: "
                        "not defined elf.telfhash() }\n")
            rc, out = scan(opts.candor, rules, p)
            got = sorted(line.split()[0] for line in out.splitlines())
            if rc == 0 and got == ["md5", "telfhash"]:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {name}: want {cond}; rc {rc}, matched {got}")
    finally:
        shutil.rmtree(tmp)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
