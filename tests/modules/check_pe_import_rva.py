#!/usr/bin/env python3
"""pe.import_rva(dll, function) and pe.import_rva(dll, ordinal), newer
than yara 4.3 (YARA 4.3, docs/modules/pe.rst: "the RVA of an import
matching the DLL name and the function name [or ordinal]"), so checked
against an independent computation, not against yara: the RVA of the
function's import address table slot, as pefile (python3-pefile) gives it
(its address less the image base), on tests/modules/gen_pe.py's crafted
files and on up to 30 corpus PEs when the bench corpus is there. Names
compare without case; an import by ordinal is also found as "ordN".
Prints `N passed, N failed`.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import shutil

try:
    import pefile
except ImportError:   # a python3 other than Debian's: take Debian's module
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import pefile
    except ImportError:
        pefile = None

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("CORPUS_DIR", "bench/work/corpus")


def expected(path):
    """[(dll, name or None, ordinal or None, rva)] of the standard imports,
    the first slot of each (dll, function) only."""
    try:
        pe = pefile.PE(path, fast_load=True)
        pe.parse_data_directories(directories=[
            pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]])
    except Exception:
        return []
    out, seen = [], set()
    base = pe.OPTIONAL_HEADER.ImageBase
    for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
        dll = entry.dll.decode("latin-1")
        for imp in entry.imports:
            name = imp.name.decode("latin-1") if imp.name else None
            key = (dll.lower(), (name or "").lower(), imp.ordinal)
            if key in seen or imp.address is None:
                continue
            seen.add(key)
            out.append((dll, name, imp.ordinal if name is None else None,
                        imp.address - base))
    return out


def quote(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", default="build/candor")
    opts = ap.parse_args()
    if pefile is None:
        print("check_pe_import_rva: python3-pefile missing")
        failed = 1 if os.environ.get("CI") == "true" else 0
        print(f"0 passed, {failed} failed")
        return failed
    tmp = tempfile.mkdtemp()
    passed = failed = 0
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_pe.py"), tmp],
                       check=True, capture_output=True)
        files = sorted(os.path.join(tmp, f) for f in os.listdir(tmp))
        types = os.path.join(CORPUS, "full.types")
        if os.path.exists(types):
            pes = [l.rstrip("\n").split("\t")[2] for l in open(types)
                   if l.startswith("pe\t")]
            files += [os.path.join(CORPUS, "full", p) for p in pes[:30]]
        rules = os.path.join(tmp, "r.yar")
        for path in files:
            if not os.path.isfile(path):
                continue
            want = [w for w in expected(path)
                    if all(0x20 < ord(ch) < 0x7f for ch in w[0] + (w[1] or ""))]
            conds = []
            for dll, name, ordinal, rva in want[:200]:
                if name is not None:
                    conds.append(f'pe.import_rva("{quote(dll.upper())}", '
                                 f'"{quote(name.lower())}") == {rva}')
                else:
                    conds.append(f'pe.import_rva("{quote(dll)}", {ordinal})'
                                 f' == {rva}')
                    conds.append(f'pe.import_rva("{quote(dll)}", '
                                 f'"ORD{ordinal}") == {rva}')
            conds.append('not defined pe.import_rva("no such.dll", "f")')
            with open(rules, "w") as f:
                f.write('import "pe"\n')
                for i, c in enumerate(conds):
                    f.write(f"rule r{i} {{ condition: {c} }}\n")
            r = subprocess.run([opts.candor, "scan", "-c", rules, path],
                               capture_output=True, timeout=120)
            got = r.stdout.decode().strip().rsplit(" ", 1)[0]
            if r.returncode == 0 and got == str(len(conds)):
                passed += 1
            else:
                failed += 1
                r2 = subprocess.run([opts.candor, "scan", "-n", rules, path],
                                    capture_output=True, timeout=120)
                miss = [conds[int(l.split()[0][1:])] for l in
                        r2.stdout.decode().splitlines()[:3]]
                print(f"FAIL {os.path.basename(path)}: {got} of "
                      f"{len(conds)}; e.g. {miss}")
    finally:
        shutil.rmtree(tmp)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
