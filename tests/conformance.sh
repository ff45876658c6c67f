#!/usr/bin/env bash
# make conformance: every public rule file yara compiles, candor against yara.
#
# 1. Each rule file of ../shared/rulesets that yara 4.2.3 compiles alone
#    (787 of them; SET=module-free: the 593 that import no module and
#    include no file, issue 3's set) must compile alone in candor too.
# 2. All of them together, each in its own namespace, scanned over the bench
#    corpus (built by bench/corpus.sh) with `-s -e -p 1 --scan-list`, must
#    print exactly what yara prints. On a difference the files are compared
#    one by one to name the rule files that differ.
# Too slow for CI (minutes); run it before calling issues 3 and 4 done.
# Ends with `N passed, N failed`. TIER=mini scans the small tier only;
# BENCH_WORK is bench/run.sh's work directory (default bench/work).
set -u
cd "$(dirname "$0")/.."
CANDOR=${CANDOR:-build/candor}
TIER=${TIER:-full}
SET=${SET:-all}
RULESETS=$(cd ../shared/rulesets 2>/dev/null && pwd) || {
    echo "conformance: ../shared/rulesets is missing"; echo "0 passed, 1 failed"; exit 1; }
CORPUS=${BENCH_WORK:-bench/work}/corpus/$TIER
WORK=tests/work/conformance
EXT=(-d filename= -d filepath= -d extension= -d filetype= -d owner=)
mkdir -p "$WORK"
[ -d "$CORPUS" ] || bash bench/corpus.sh >&2 || { echo "0 passed, 1 failed"; exit 1; }

pass=0
fail=0
: >"$WORK/list"
: >"$WORK/args"
n=0
while IFS= read -r f; do
    if [ "$SET" = module-free ]; then
        grep -q -E '^[[:space:]]*(import|include)[[:space:]]' "$RULESETS/$f" && continue
    fi
    yarac "${EXT[@]}" "$RULESETS/$f" "$WORK/y.yc" >/dev/null 2>&1 || continue
    n=$((n + 1))
    echo "$f" >>"$WORK/list"
    echo "NS$n:$RULESETS/$f" >>"$WORK/args"
    if "$CANDOR" compile "${EXT[@]}" "$RULESETS/$f" "$WORK/c.cr" >"$WORK/compile.out" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL compile $f: $(head -n 3 "$WORK/compile.out")"
    fi
done < <(cd "$RULESETS" && find . -type f \( -name '*.yar' -o -name '*.yara' \) -printf '%P\n' | LC_ALL=C sort)
echo "conformance: $n rule files ($SET) compile alone in yara"

find "$CORPUS" -type f | LC_ALL=C sort >"$WORK/files"
mapfile -t rules <"$WORK/args"
yara -w -s -e -p 1 "${EXT[@]}" --scan-list "${rules[@]}" "$WORK/files" >"$WORK/yara.full" 2>"$WORK/yara.err"
"$CANDOR" scan -w -s -e -p 1 "${EXT[@]}" --scan-list "${rules[@]}" "$WORK/files" >"$WORK/candor.full" 2>"$WORK/candor.err"
# Set aside the match lines of the strings tests/conformance.known names
# (a documented difference each), counted.
known_strings() {
    grep -v '^#' tests/conformance.known | while read -r file id _; do
        n=$(grep -n -x -F "$file" "$WORK/list" | cut -d: -f1)
        [ -n "$n" ] && echo "NS$n $id"
    done
}
known_strings >"$WORK/known"
for side in yara candor; do
    awk 'NR == FNR { k[$1 " " $2] = 1; next }
         !/^0x/ { split($1, a, ":"); ns = a[1]; print; next }
         { split($0, f, ":"); if ((ns " " f[2]) in k) { aside++; next } print }
         END { print aside + 0 > "/dev/stderr" }' \
        "$WORK/known" "$WORK/$side.full" >"$WORK/$side.out" 2>"$WORK/$side.aside"
done
echo "conformance: documented differences set aside (tests/conformance.known): $(cat "$WORK/yara.aside") lines of yara, $(cat "$WORK/candor.aside") of candor, for $(wc -l <"$WORK/known") strings"
if cmp -s "$WORK/yara.out" "$WORK/candor.out"; then
    pass=$((pass + 1))
    echo "conformance: -s output identical ($(wc -l <"$WORK/yara.out") lines over $(wc -l <"$WORK/files") files, $(xargs -d '\n' stat -c %s <"$WORK/files" | awk '{ s += $1 } END { print s }') bytes)"
else
    fail=$((fail + 1))
    echo "FAIL -s output differs over $CORPUS; first differences:"
    diff "$WORK/yara.out" "$WORK/candor.out" | head -n 20
    # Name the namespaces (rule files) whose rules differ.
    diff <(grep -v '^0x' "$WORK/yara.out") <(grep -v '^0x' "$WORK/candor.out") |
        grep -oE 'NS[0-9]+' | sort -u | head -n 20 | while read -r ns; do
            echo "  differs: ${ns} = $(sed -n "${ns#NS}p" "$WORK/list")"
        done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
