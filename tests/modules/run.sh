#!/usr/bin/env bash
# The format modules against yara 4.2.3, fast enough for `make check`:
# the -D differential and tests/modules/*.yar conditions on crafted files
# (tests/modules/mkelf.py) and on files every Debian 12 has, and each
# tests/modules/check_*.py (macho: files built with clang, lld, lipo; dex:
# files just over its caps, which differ from yara on purpose); for
# pe and dotnet, tests/modules/dump_diff.sh on crafted files (gen_pe.py,
# gen_dotnet.py) and the smallest corpus files of their types; for dex, on
# crafted and real DEX files (gen_dex.py). The whole bench corpus is
# `make modules-diff`.
#   tests/modules/run.sh CANDOR
# Ends with `N passed, N failed`.
set -u
cd "$(dirname "$0")/../.."
CANDOR=${1:-build/candor}
work=tests/work/modules
rm -rf "$work"
mkdir -p "$work"
python3 tests/modules/mkelf.py "$work/elf" || { echo "0 passed, 1 failed"; exit 1; }
system=(/bin/true /usr/lib/x86_64-linux-gnu/libc.so.6)
pass=0
fail=0
# run_diff ARGS...: one dump_diff.py run, its counts added
run_diff() {
    local out line
    out=$(python3 tests/modules/dump_diff.py --candor "$CANDOR" "$@")
    line=$(tail -n 1 <<<"$out")
    grep -v -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$out" | head -n 60
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        pass=$((pass + BASH_REMATCH[1]))
        fail=$((fail + BASH_REMATCH[2]))
    else
        fail=$((fail + 1))
    fi
}
run_diff --module elf "$work/elf" "${system[@]}"
run_diff --rules tests/modules/elf.yar "$work/elf" "${system[@]}"
# check_*.py: a module's own check, building its sample files itself
for check in tests/modules/check_*.py; do
    out=$(python3 "$check" --candor "$CANDOR")
    line=$(tail -n 1 <<<"$out")
    grep -v -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$out" | head -n 60
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        pass=$((pass + BASH_REMATCH[1]))
        fail=$((fail + BASH_REMATCH[2]))
    else
        fail=$((fail + 1))
    fi
done
# The pe module: crafted PEs (gen_pe.py) and the 20 smallest corpus PEs;
# the dotnet module: crafted .NET files (gen_dotnet.py) and the 5 smallest
# corpus .NET files; the dex module: crafted DEX files and real ones
# (gen_dex.py; the corpus has none).
for spec in "pe 20" "dotnet 5" "dex 0"; do
    out=$(CANDOR=$CANDOR bash tests/modules/dump_diff.sh $spec)
    line=$(tail -n 1 <<<"$out")
    grep -v -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$out" | head -n 60
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        pass=$((pass + BASH_REMATCH[1]))
        fail=$((fail + BASH_REMATCH[2]))
    else
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
