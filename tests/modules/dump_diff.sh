#!/usr/bin/env bash
# dump_diff.sh MODULE [N|all]: a module's `-D` dump and condition results,
# candor against yara 4.2.3, file by file.
#
# Files: the crafted ones tests/modules/gen_MODULE.py builds (always), and
# from the bench corpus (bench/work/corpus/full.types, when present) the N
# smallest files of the module's types (default 20; `all` for every one).
# For each file `candor scan -D` must print exactly what `yara -D` prints,
# and tests/modules/MODULE_conditions.yar must give the same rules.
#
# Without yara (a fresh CI machine) the crafted files are compared with the
# dumps yara gave for them, kept in tests/modules/expected/MODULE/ (NO_YARA=1
# forces that); with
# yara those dumps are checked against it too. A missing corpus is skipped.
# Ends with `N passed, N failed`; differences go to tests/work/dump_diff/.
set -u
cd "$(dirname "$0")/../.."
MODULE=${1:?usage: dump_diff.sh MODULE [N|all]}
COUNT=${2:-20}
CANDOR=${CANDOR:-build/candor}
WORK=tests/work/dump_diff/$MODULE
EXPECTED=tests/modules/expected/$MODULE
CORPUS_DIR=${CORPUS_DIR:-bench/work/corpus}
TYPES=$CORPUS_DIR/full.types
case $MODULE in
pe) KINDS="pe dotnet" ;;
*) KINDS=$MODULE ;;
esac
rm -rf "$WORK"
mkdir -p "$WORK/crafted"
python3 "tests/modules/gen_$MODULE.py" "$WORK/crafted" || {
    echo "gen_$MODULE.py failed"; echo "0 passed, 1 failed"; exit 1; }
printf 'import "%s"\nrule dump { condition: false }\n' "$MODULE" >"$WORK/dump.yar"
CONDS=tests/modules/${MODULE}_conditions.yar
have_yara=false
command -v yara >/dev/null 2>&1 && [ -z "${NO_YARA:-}" ] && have_yara=true
pass=0
fail=0

# compare NAME EXPECTED_FILE GOT_FILE
compare() {
    if cmp -s "$2" "$3"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "DIFF $1"
        diff "$2" "$3" | head -n 8
    fi
}

# check FILE NAME GOLDEN: the dump and the conditions of one file.
check() {
    local f=$1 name=$2 golden=$3 out
    out=$WORK/$(echo "$name" | tr '/' '_')
    "$CANDOR" scan -D "$WORK/dump.yar" "$f" >"$out.candor.D" 2>&1
    "$CANDOR" scan -w "$CONDS" "$f" 2>&1 | sed "s| $f\$||" >"$out.candor.rules"
    if $have_yara; then
        yara -D "$WORK/dump.yar" "$f" >"$out.yara.D" 2>&1
        yara -w "$CONDS" "$f" 2>&1 | sed "s| $f\$||" >"$out.yara.rules"
        compare "$name (-D)" "$out.yara.D" "$out.candor.D"
        compare "$name (conditions)" "$out.yara.rules" "$out.candor.rules"
        if [ -n "$golden" ]; then
            compare "$name (kept dump)" "$golden.D" "$out.yara.D"
            compare "$name (kept conditions)" "$golden.rules" "$out.yara.rules"
        fi
    elif [ -n "$golden" ]; then
        compare "$name (-D)" "$golden.D" "$out.candor.D"
        compare "$name (conditions)" "$golden.rules" "$out.candor.rules"
    fi
}

for f in "$WORK"/crafted/*; do
    name=$(basename "$f")
    check "$f" "crafted/$name" "$EXPECTED/$name"
done

if [ -f "$TYPES" ] && $have_yara; then
    awk -F'\t' -v kinds=" $KINDS " 'index(kinds, " " $1 " ") {print $2 "\t" $3}' "$TYPES" |
        sort -n -k1,1 -k2,2 | cut -f2 >"$WORK/corpus.list"
    if [ "$COUNT" != all ]; then
        head -n "$COUNT" "$WORK/corpus.list" >"$WORK/l"
        mv "$WORK/l" "$WORK/corpus.list"
    fi
    n=0
    while IFS= read -r f; do
        check "$CORPUS_DIR/full/$f" "$f" ""
        n=$((n + 1))
    done <"$WORK/corpus.list"
    echo "dump_diff $MODULE: $n corpus files"
else
    echo "dump_diff $MODULE: corpus or yara missing, crafted files only"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
