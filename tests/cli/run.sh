#!/usr/bin/env bash
# tests/cli/run.sh - `candor scan` and `candor compile` side by side with
# yara 4.2.3 and yarac: every option and error path, comparing stdout,
# stderr (where the messages must match) and exit codes. Then the checks
# of what candor does on purpose differently (docs/cli.md), which have no
# yara counterpart.
#
# Prints one line per failure and ends with `N passed, N failed`.
# CANDOR=path/to/candor (default build/candor), YARA=..., YARAC=...
# Without yara the comparisons are skipped with a message (they count as
# failures when CI=true); the candor-only checks always run.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CANDOR=${CANDOR:-build/candor}
case $CANDOR in /*) ;; *) CANDOR=$ROOT/$CANDOR ;; esac
YARA=${YARA:-yara}
YARAC=${YARAC:-yarac}
RULES=$HERE/rules

pass=0
fail=0
skipped=0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/candor-cli.XXXXXX")
cleanup() {
    chmod -R u+rwx "$WORK" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x "$CANDOR" ]; then
    echo "cli: $CANDOR is not built"
    echo "0 passed, 1 failed"
    exit 1
fi

# A copy, so that a rebuild during the run cannot change the program.
cp "$CANDOR" "$WORK/candor-under-test" || exit 1
CANDOR=$WORK/candor-under-test

have_yara=1
if ! command -v "$YARA" >/dev/null 2>&1 || ! command -v "$YARAC" >/dev/null 2>&1; then
    have_yara=0
    if [ "${CI:-}" = true ]; then
        echo "cli: yara/yarac are not installed (required under CI)"
    else
        echo "cli: yara/yarac are not installed: comparisons with yara are skipped"
    fi
fi

ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL $*"
    fail=$((fail + 1))
}

# The one-line form of a file's first difference, for failure lines.
first_diff() {
    diff "$1" "$2" | grep -m 2 '^[<>]' | tr '\n' ' ' | cut -c1-200
}

# Program names differ; nothing else may.
normalize_err() {
    sed -e 's/^yara: /candor scan: /' -e 's/^Usage: yara /Usage: candor scan /' \
        -e 's/ | PID$//' -e 's/^yarac: /candor compile: /' \
        -e 's/^Usage: yarac /Usage: candor compile /' "$1"
}

# run PREFIX CMD...: runs CMD in $WORK, saving PREFIX.out/.err/.rc.
run() {
    local p=$1
    shift
    (cd "$WORK" && timeout 120 "$@" </dev/null >"$p.out" 2>"$p.err")
    echo $? >"$p.rc"
}

# One comparison, in its own directory D: prints "ok" or the failure line.
compare_one() {
    local d=$1 name=$2 what=$3 failed="" t0=$SECONDS t1
    mkdir -p "$d"
    run "$d/y" "${y[@]}"
    t1=$SECONDS
    run "$d/c" "${c[@]}"
    if [ -n "${CLI_TIMING:-}" ]; then
        echo "time $name: yara $((t1 - t0))s candor $((SECONDS - t1))s" >&2
    fi
    if [[ $what == *s* ]]; then
        sort -o "$d/y.out" "$d/y.out"
        sort -o "$d/c.out" "$d/c.out"
    fi
    if [[ $what == *o* ]] && ! cmp -s "$d/y.out" "$d/c.out"; then
        failed="stdout: $(first_diff "$d/y.out" "$d/c.out")"
    fi
    if [[ $what == *e* ]]; then
        normalize_err "$d/y.err" >"$d/y.nerr"
        if ! cmp -s "$d/y.nerr" "$d/c.err"; then
            failed="$failed stderr: $(first_diff "$d/y.nerr" "$d/c.err")"
        fi
    fi
    if [[ $what == *w* ]]; then
        grep '^warning: rule' "$d/y.err" | grep -v 'may slow down' >"$d/y.w"
        grep '^warning: rule' "$d/c.err" | grep -v 'may slow down' >"$d/c.w"
        if ! cmp -s "$d/y.w" "$d/c.w"; then
            failed="$failed warnings: $(first_diff "$d/y.w" "$d/c.w")"
        fi
    fi
    if [[ $what == *r* ]] && ! cmp -s "$d/y.rc" "$d/c.rc"; then
        failed="$failed exit code: yara $(cat "$d/y.rc"), candor $(cat "$d/c.rc")"
    fi
    if [ -n "$failed" ]; then
        echo "FAIL $name:$failed"
    else
        echo ok
    fi
}

# Comparisons run in the background, JOBS at a time; barrier waits for
# them and counts their results in the order they were started. Call it
# before anything that reads or rewrites files a comparison uses.
JOBS=${CLI_JOBS:-$(($(nproc 2>/dev/null || echo 2) * 2))}
n_started=0
n_counted=0
barrier() {
    wait
    while [ $n_counted -lt $n_started ]; do
        n_counted=$((n_counted + 1))
        local r
        r=$(cat "$WORK/cmp/$n_counted.result" 2>/dev/null)
        if [ "$r" = ok ]; then
            ok
        else
            bad "${r#FAIL }"
        fi
    done
}

# compare NAME WHAT YARA_CMD... :: CANDOR_CMD...
# WHAT has letters: o stdout, e stderr, r exit code, s sort stdout first
# (several threads), w stderr lines starting "warning: rule" only.
compare() {
    local name=$1 what=$2 y=() c=() seen=0 arg
    shift 2
    for arg in "$@"; do
        if [ $seen = 0 ] && [ "$arg" = "::" ]; then
            seen=1
        elif [ $seen = 0 ]; then
            y+=("$arg")
        else
            c+=("$arg")
        fi
    done
    if [ $have_yara = 0 ]; then
        skipped=$((skipped + 1))
        return
    fi
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
        wait -n
    done
    n_started=$((n_started + 1))
    mkdir -p "$WORK/cmp"
    compare_one "$WORK/cmp/$n_started" "$name" "$what" >"$WORK/cmp/$n_started.result" &
}

# scan NAME WHAT ARGS...: `yara ARGS` against `candor scan ARGS`.
scan() {
    local name=$1 what=$2
    shift 2
    compare "$name" "$what" "$YARA" "$@" :: "$CANDOR" scan "$@"
}

# expect NAME RC STDOUT STDERR CMD...: candor alone. STDOUT must match
# exactly; STDERR is a grep -E pattern that must match (or "" for empty).
expect() {
    local name=$1 rc=$2 out=$3 err=$4
    shift 4
    run "$WORK/e" "$@"
    local got_rc got_out failed=""
    got_rc=$(cat "$WORK/e.rc")
    got_out=$(cat "$WORK/e.out")
    [ "$got_rc" = "$rc" ] || failed="exit code $got_rc, expected $rc"
    [ "$got_out" = "$out" ] || failed="$failed stdout: $(head -c 150 "$WORK/e.out" | tr '\n' '|')"
    if [ -z "$err" ]; then
        [ -s "$WORK/e.err" ] && failed="$failed stderr: $(head -c 150 "$WORK/e.err" | tr '\n' '|')"
    elif ! grep -qE -- "$err" "$WORK/e.err"; then
        failed="$failed stderr lacks /$err/: $(head -c 150 "$WORK/e.err" | tr '\n' '|')"
    fi
    if [ -n "$failed" ]; then
        bad "$name: $failed"
    else
        ok
    fi
}

# ---- inputs --------------------------------------------------------------
cp "$RULES"/*.yar "$WORK/"
cd "$WORK" || exit 1
printf 'hello world foo\000bar "q" \\ \177\377 tab\there\n' >text.txt
printf 'nothing to see\n' >plain.txt
{
    printf 'A\000\001\037\177\200\377"\\'"'"'Z--'
    head -c 64 /dev/zero | tr '\0' a
    printf -- '--'
    head -c 65 /dev/zero | tr '\0' b
} >bytes.bin
head -c 1100000 /dev/zero | tr '\0' a >many.txt
{ head -c 17000000 /dev/zero; printf needle; } >huge.bin
head -c 200000 /dev/zero | tr '\0' a >slow.txt
{ printf xy; head -c 1000 /dev/zero | tr '\0' a; printf b; } >long.txt
printf 'a=b' >module.data
mkdir -p slowdir
cp slow.txt slowdir/slow.txt
printf 'b\n' >slowdir/quick.txt

mkdir -p tree/sub/deep tree/empty
printf 'hello\n' >tree/a.txt
printf 'hello world\n' >tree/sub/b.txt
printf 'foo world\n' >tree/sub/deep/c.txt
head -c 2000 /dev/zero >tree/big.bin
ln -s a.txt tree/link_a
ln -s sub tree/linkdir
ln -s /nonexistent/candor tree/dangling

printf 'text.txt\ntree\n\nmissing.txt\ntree/sub/b.txt\n text.txt\nplain.txt' >list.txt

# ---- output formats --------------------------------------------------------
scan plain oer -w basic.yar text.txt
for opts in -s -L "-s -L" -g -m -e "-e -g -m -s -L" -sgmeL "-s -e" "-m -g" \
    "-L -g" -c -n "-n -s -g" "-c -n" "-f -s" "-D"; do
    # shellcheck disable=SC2086
    scan "basic $opts" oer -w $opts basic.yar text.txt
done
scan "no match" oer -w basic.yar plain.txt
scan "modules: console lines before the rule, -D data first" oer -w -D modules.yar text.txt
scan "modules: console and -D over a tree, one thread" oer -w -D -p 1 -r modules.yar tree
mkdir -p samesize
printf 'aaaa\n' >samesize/a.txt
printf 'bbbb\n' >samesize/b.txt
printf 'abab\n' >samesize/c.txt
scan "per-file results: same-size files, one thread" soer -w -p 1 -r perfile.yar samesize
scan "escaping of matched data" oer -w -s escape.yar bytes.bin
scan "escaping of matched data, lengths" oer -w -s -L escape.yar bytes.bin
scan "lengths of matches over 512 bytes" oer -w -L long.yar long.txt
scan "lengths and data of matches over 512 bytes" oer -w -s -L long.yar long.txt
scan "escaping of metadata" oer -w -m meta.yar text.txt
scan "stats: rule count" r -S basic.yar text.txt
if [ $have_yara = 1 ]; then
    run "$WORK/y" "$YARA" -w -S basic.yar text.txt
    run "$WORK/c" "$CANDOR" scan -w -S basic.yar text.txt
    for field in "number of rules" "number of strings"; do
        if [ "$(grep "^$field" y.out)" = "$(grep "^$field" c.out)" ] &&
            [ "$(grep -c '^ *[0-9]*: ' y.out)" = "$(grep -c '^ *[0-9]*: ' c.out)" ]; then
            ok
        else
            bad "stats: '$field' or the shape differs: $(grep "^$field" c.out)"
        fi
    done
    if [ "$(tail -n 2 y.out)" = "$(tail -n 2 c.out)" ]; then ok; else bad "stats: rules after the stats differ"; fi
fi

# ---- filters and limits ----------------------------------------------------
for opts in "-t x" "-t x -t y" "-t nope" "-i r2 -i r6" "-i r2 -t x" "-i r1 -t y" \
    "-c -t x" "-c -i r1" "-l 2" "-l 2 -t y" "-l 2 -c" "-l 2 -n" "-l -1" \
    "-l 0" "-l 0x2" "-l 010" "--max-rules=1" "--max-rules=" "-sl 1" \
    "-n -t x" "--tag=x" "--identifier=" "--count=yes" "--print-tags=1 -g"; do
    # shellcheck disable=SC2086
    scan "filters $opts" oer -w $opts tags.yar text.txt
done

# ---- rule files, namespaces ------------------------------------------------
scan "two rule files" oer -w basic.yar other.yar text.txt
scan "namespaces" oer -w -e ns1:basic.yar ns2:other.yar text.txt
scan "same namespace twice" oer -w -e ns1:basic.yar ns1:other.yar text.txt
scan "empty namespace" oer -w -e :other.yar text.txt
scan "namespace then colon in path" oer -w a:b:other.yar text.txt
scan "duplicate rule" oer -w dup.yar text.txt
scan "same file twice" oer -w basic.yar basic.yar text.txt
scan "same file, two namespaces" oer -w basic.yar ns:basic.yar text.txt
scan "options after the files" oer basic.yar text.txt -w -s
scan "a lone dash is ignored" oer -w - basic.yar text.txt
scan "double dash is a file" oer -w -- basic.yar text.txt

# ---- external variables ----------------------------------------------------
scan "-d all types" oer -w -d iv=5 -d fv=1.5 -d bv=true -d sv=a=b ext.yar text.txt
scan "-d 010 is ten" oer -w -d iv=010 -d fv=1. -d bv=false -d sv=x ext.yar text.txt
scan "-d wraps to 32 bits" oer -w -d iv=4294967301 -d fv=1.5 -d bv=true -d sv=a=b ext.yar text.txt
scan "-d without =" oer -w -d iv -d fv=1.5 ext.yar text.txt
scan "-d after a good one, without =" oer -w -d iv=5 -d fv=1.5 -d bv=true -d sv=a=b -d oops ext.yar text.txt
scan "-d twice" er -w -d iv=5 -d iv=6 ext.yar text.txt
scan "-d of the wrong type" r -w -d iv=abc -d fv=1.5 -d bv=true -d sv=a=b ext.yar text.txt
scan "-d empty name" oer -w -d =5 basic.yar text.txt
compare "-d with compiled rules" or "$YARAC" -d iv=5 -d fv=1.5 -d bv=true -d sv=a=b ext.yar y-ext.yarc \
    :: "$CANDOR" compile -d iv=5 -d fv=1.5 -d bv=true -d sv=a=b ext.yar c-ext.cdr
barrier
# scan_compiled NAME WHAT SET ARGS...: yara -C y-SET.yarc against candor
# scan -C c-SET.cdr (compiled by an earlier comparison, then barrier).
scan_compiled() {
    local name=$1 what=$2 set=$3
    shift 3
    compare "$name" "$what" "$YARA" "$@" "y-$set.yarc" text.txt :: "$CANDOR" scan "$@" "c-$set.cdr" text.txt
}
if [ $have_yara = 1 ]; then
    scan_compiled "-C" oer ext -C
    scan_compiled "-C -d overrides" oer ext -C -d iv=4 -d bv=false
    scan_compiled "-C -d wrong type" oer ext -C -d iv=abc
    scan_compiled "-C -d without =" oer ext -C -d iv
    scan_compiled "-C -s -e -g" oer ext -C -s -e -g
fi

# ---- usage errors ----------------------------------------------------------
scan "no arguments" oer
scan "one argument" oer basic.yar
scan "unknown short option" oer -q basic.yar text.txt
scan "unknown option in a group" oer -sq basic.yar text.txt
scan "unknown long option" oer --bogus basic.yar text.txt
scan "unknown long option with value" oer --bogus=1 basic.yar text.txt
scan "abbreviated long option" oer --coun basic.yar text.txt
scan "negative number is an option" oer basic.yar -5
scan "integer expected" oer -l abc basic.yar text.txt
scan "integer with junk" oer -l 2x basic.yar text.txt
scan "attached value" oer -l1 basic.yar text.txt
scan "value not last in group" oer -ls 1 basic.yar text.txt
scan "string value not last" oer -ts x basic.yar text.txt
scan "long value without =" oer --max-rules 1 basic.yar text.txt
scan "long string without =" oer --tag x basic.yar text.txt
scan "long integer junk" oer --threads=x basic.yar text.txt
scan "missing value at the end" oer basic.yar text.txt -l
scan "too many -t" oer $(for i in $(seq 33); do printf -- '-t t%d ' "$i"; done) basic.yar text.txt
scan "32 -t are fine" oer -w $(for i in $(seq 32); do printf -- '-t t%d ' "$i"; done) basic.yar text.txt
scan "too many -d" oer $(for i in $(seq 33); do printf -- '-d v%d=1 ' "$i"; done) basic.yar text.txt
scan "too many threads" oer -p 33 basic.yar text.txt
scan "too many threads, no files" oer -p 40
scan "-x without =" oer -x foo basic.yar text.txt
scan "-x missing file" oer -x foo=missing.data basic.yar text.txt
scan "-x before the thread check" oer -x foo -p 40 basic.yar text.txt
scan "-x is accepted" oer -w -x cuckoo=module.data basic.yar text.txt
printf 'import "cuckoo"\nrule c { condition: not cuckoo.sync.mutex(/m/) }\n' >cuckoo.yar
expect "cuckoo report that is not JSON: one warning, scanned as without a report" 0 \
    "c text.txt" 'warning: module cuckoo cannot read "module.data"' \
    "$CANDOR" scan -x cuckoo=module.data cuckoo.yar text.txt
scan "atom table missing" oer --atom-quality-table=missing basic.yar text.txt
scan "atom table accepted" oer -w --atom-quality-table=module.data basic.yar text.txt
scan "-k accepted" oer -w -k 100 basic.yar text.txt
scan "-k integer" oer -k x basic.yar text.txt
scan "process chunk accepted" oer -w --max-process-memory-chunk=5 basic.yar text.txt
scan "process chunk integer" oer --max-process-memory-chunk=x basic.yar text.txt
scan "-a 0 and negative" oer -w -a -1 basic.yar text.txt
scan "-v" r -v
scan "-v wins over -h" r -v -h
scan "-v with junk" r -sv
scan "-h" r -h
scan "a flag twice" oer -s -s basic.yar text.txt
scan "a flag twice in a group" oer -gg basic.yar text.txt
scan "an integer option twice" oer -l 1 -l 2 basic.yar text.txt

# ---- compile errors, warnings --------------------------------------------
scan "undefined identifier" oer errors.yar text.txt
scan "syntax error" oer syntax.yar text.txt
scan "missing rules file" oer missing.yar text.txt
scan "missing rules file, namespace" oer ns:missing.yar text.txt
scan "stops after a file with errors" oer errors.yar missing.yar text.txt
scan "missing second file" oer -w basic.yar missing.yar text.txt
scan "warning" oer warn.yar text.txt
scan "-w" oer -w warn.yar text.txt
scan "--fail-on-warnings" oer --fail-on-warnings warn.yar text.txt
scan "--fail-on-warnings -w" oer --fail-on-warnings -w warn.yar text.txt
scan "--fail-on-warnings goes on" oer --fail-on-warnings warn.yar errors.yar text.txt
scan "--max-strings-per-rule" oer --max-strings-per-rule=1 basic.yar text.txt
scan "--max-strings-per-rule=3" oer -w --max-strings-per-rule=3 basic.yar text.txt

# ---- scan errors -----------------------------------------------------------
scan "missing target" oer -w basic.yar missing.txt
scan "missing target, count" oer -w -c basic.yar missing.txt
scan "namespace-looking target" oer -w basic.yar ns:text.txt
scan "timeout" oer -w -a 1 slow.yar slow.txt
scan "timeout, count" oer -w -c -a 1 slow.yar slow.txt
scan "too many matches" orw many.yar many.txt
scan "too many matches, -w" oer -w many.yar many.txt
scan "too many matches, count" orw -c many.yar many.txt
scan "a file above the read size is mapped" oer -s big.yar huge.bin
scan "too many matches, any of them, -s -c" orw -s -c many_any.yar many.txt
scan "too many matches, any of them, -L -c" orw -L -c many_any.yar many.txt

# ---- compiled rules ----------------------------------------------------------
compare "compile" oer "$YARAC" -w basic.yar y-basic.yarc :: "$CANDOR" compile -w basic.yar c-basic.cdr
barrier
scan_compiled "-C output" oer basic -w -C
scan_compiled "-C -s -e -g -m" oer basic -w -C -s -e -g -m
compare "compile namespaces" oer "$YARAC" -w ns1:basic.yar ns2:other.yar y-ns.yarc \
    :: "$CANDOR" compile -w ns1:basic.yar ns2:other.yar c-ns.cdr
barrier
scan_compiled "-C namespaces" oer ns -w -C -e
scan "-C with two rule files" oer -C basic.yar other.yar text.txt
scan "-C missing file" oer -C missing.cdr text.txt
scan "-C source file" oer -C basic.yar text.txt
scan "-C does not split namespaces" oer -C ns:missing text.txt
compare "compile: no arguments" oer "$YARAC" :: "$CANDOR" compile
compare "compile: one argument" oer "$YARAC" basic.yar :: "$CANDOR" compile basic.yar
compare "compile: errors" oer "$YARAC" errors.yar y.o3 :: "$CANDOR" compile errors.yar c.o3
compare "compile: missing file" oer "$YARAC" missing.yar y.o4 :: "$CANDOR" compile missing.yar c.o4
compare "compile: warning" oer "$YARAC" warn.yar y.o5 :: "$CANDOR" compile warn.yar c.o5
compare "compile: --fail-on-warnings" oer "$YARAC" --fail-on-warnings warn.yar y.o6 \
    :: "$CANDOR" compile --fail-on-warnings warn.yar c.o6
compare "compile: -d without =" oer "$YARAC" -w -d x basic.yar y.o7 :: "$CANDOR" compile -w -d x basic.yar c.o7
compare "compile: unknown -x" oer "$YARAC" -x a=b basic.yar y.o8 :: "$CANDOR" compile -x a=b basic.yar c.o8
compare "compile: -v" r "$YARAC" -v :: "$CANDOR" compile -v
compare "compile: -h" r "$YARAC" -h :: "$CANDOR" compile -h

# ---- directories -------------------------------------------------------------
for opts in "" "-r" "-r -N" "-N" "-c" "-c -r" "-r -s" "-r -z 7" "-r -z 6" "-r -z 2000" \
    "-r -z 0" "-r -z -1" "-r -c -z 7" "-r -l 1" "-r -n -i anyfile"; do
    # shellcheck disable=SC2086
    scan "tree -p 1 $opts" oer -w -p 1 $opts anyfile.yar tree
done
scan "tree, trailing slash" oer -w -p 1 -r anyfile.yar tree/
scan "empty directory" oer -w -p 1 -r anyfile.yar tree/empty
scan "symlinked file given" oer -w -N anyfile.yar tree/link_a
scan "symlinked directory given" oer -w -p 1 -r -N anyfile.yar tree/linkdir
scan "dangling target" oer -w anyfile.yar tree/dangling
scan "tree with strings" oer -w -p 1 -r -s -e basic.yar tree
scan "tree with 4 threads (sorted)" ors -w -p 4 -r -s basic.yar tree
scan "tree, default threads (sorted)" ors -w -r -c anyfile.yar tree
scan "scan list" oer -w -p 1 --scan-list anyfile.yar list.txt
scan "scan list, count" oer -w -p 1 -c --scan-list anyfile.yar list.txt
scan "scan list, recursive" oer -w -p 1 -r --scan-list anyfile.yar list.txt
scan "scan list, -z only in directories" oer -w -p 1 -z 7 --scan-list anyfile.yar list.txt
scan "scan list is a directory" oer --scan-list anyfile.yar tree
printf 'text.txt\nplain.txt\ntext.txt\nplain.txt\n' >list4.txt
for opts in "-l 3" "-l 2" "-l 1" "-n -l 1" "-n -l 2" "-c -l 3" "-s -l 3"; do
    # shellcheck disable=SC2086
    scan "scan list, $opts over files" oer -w -p 1 $opts --scan-list limit.yar list4.txt
done
scan "scan list missing" oer --scan-list anyfile.yar missing.txt
scan "directory with a scan error" oer -w -p 1 -a 1 slow.yar slowdir
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
    AS_USER=()
fi
mkdir -p locked/ok locked/closed
printf 'hi\n' >locked/ok/x
printf 'hi\n' >locked/secret
chmod 755 "$WORK"
chmod -R a+rX locked
chmod 000 locked/secret locked/closed
if [ "$(id -u)" != 0 ] || [ ${#AS_USER[@]} -gt 0 ]; then
    compare "unreadable file in a directory" or "${AS_USER[@]}" "$YARA" -w -p 1 -r -c anyfile.yar locked \
        :: "${AS_USER[@]}" "$CANDOR" scan -w -p 1 -r -c anyfile.yar locked
    compare "unreadable file" oer "${AS_USER[@]}" "$YARA" -w anyfile.yar locked/secret \
        :: "${AS_USER[@]}" "$CANDOR" scan -w anyfile.yar locked/secret
else
    echo "cli: running as root without setpriv: unreadable-file checks skipped"
fi
scan "a device given by name is an empty file, as in yara" oer anyfile.yar /dev/null
scan "an endless device is an empty file too" oer anyfile.yar /dev/zero

barrier

# ---- candor only: where candor differs on purpose (docs/cli.md) --------------
mkdir -p loop/sub
printf 'x\n' >loop/x.txt
printf 'y\n' >loop/sub/y.txt
ln -s .. loop/sub/back
expect "a link back to a parent is not followed round" 0 \
    "$(printf 'anyfile loop/sub/y.txt\nanyfile loop/x.txt' | sort)" "" \
    bash -c "'$CANDOR' scan -w -r -p 1 anyfile.yar loop | sort"
mkdir -p special
printf 'x\n' >special/f.txt
mkfifo special/fifo 2>/dev/null
expect "a FIFO is skipped with a warning, never opened" 0 "anyfile special/f.txt" \
    "^warning: skipping special/fifo: not a regular file$" \
    timeout 10 "$CANDOR" scan -p 1 anyfile.yar special
expect "-w silences the FIFO warning" 0 "anyfile special/f.txt" "" \
    timeout 10 "$CANDOR" scan -w -p 1 anyfile.yar special
expect "a FIFO given as the target does not block" 1 "" \
    "^error scanning special/fifo: could not open file$" \
    timeout 10 "$CANDOR" scan anyfile.yar special/fifo
expect "existence only: the first match is enough, no too-many warning" 0 \
    "$(printf 'too_many many.txt\nafter many.txt')" "" \
    "$CANDOR" scan -w many_any.yar many.txt
expect "a dangling link in a directory warns" 0 "anyfile tree/a.txt" \
    "^warning: skipping tree/dangling: No such file or directory$" \
    bash -c "'$CANDOR' scan -p 1 anyfile.yar tree | grep -x 'anyfile tree/a.txt'"
expect "a PID is refused clearly" 1 "" "^error scanning 999999: candor does not scan processes" \
    "$CANDOR" scan anyfile.yar 999999
expect "-p 0 means the default" 0 "anyfile tree/a.txt" "" \
    bash -c "'$CANDOR' scan -w -p 0 anyfile.yar tree | grep -x 'anyfile tree/a.txt'"
{
    echo text.txt
    head -c 5000 /dev/zero | tr '\0' x
    echo
    echo plain.txt
} >longlist.txt
expect "a scan-list line longer than a path" 0 "always text.txt" \
    "^error: longlist.txt, line 2: longer than a path$" \
    bash -c "'$CANDOR' scan -w -p 1 --scan-list basic.yar longlist.txt | grep -x 'always text.txt'"
expect "candor alone prints usage" 1 "" "^Usage: candor COMMAND" "$CANDOR"
expect "candor --version" 0 "candor $(sed -n 's/^#define CANDOR_VERSION "\(.*\)"/\1/p' "$ROOT/include/candor.h")" "" \
    "$CANDOR" --version
expect "candor help" 0 "$("$CANDOR" help)" "" "$CANDOR" help
expect "candor help scan" 0 "$("$CANDOR" scan --help)" "" "$CANDOR" help scan
expect "unknown command" 1 "" "^candor: unknown command \`frob\`" "$CANDOR" frob
expect "compile: cannot write" 1 "" "^error: could not save compiled rules to missing/dir/x.cdr: " \
    env HOME="$WORK/home0" XDG_CONFIG_HOME= "$CANDOR" compile -w basic.yar missing/dir/x.cdr

# The threads give the same lines as one thread, each file's lines together.
"$CANDOR" scan -w -p 1 -r -s basic.yar tree >p1.out 2>&1
"$CANDOR" scan -w -p 8 -r -s basic.yar tree >p8.out 2>&1
if [ -s p1.out ] && cmp -s <(sort p1.out) <(sort p8.out); then ok; else bad "-p 8 and -p 1 print different lines"; fi
awk '/^0x/ { if (!rule) bad = 1; next } { rule = 1 } END { exit bad }' p8.out &&
    ok || bad "-p 8: a match line before any rule line"

# The per-user key: made on first compile, 32 bytes, mode 0600, reused.
mkdir -p home
expect "compile makes the per-user key" 0 "" "" \
    env HOME="$WORK/home" XDG_CONFIG_HOME= "$CANDOR" compile -w basic.yar k.cdr
key=home/.config/candor/rules.key
if [ -f "$key" ] && [ "$(stat -c '%a %s' "$key")" = "600 32" ] &&
    [ "$(stat -c '%a' home/.config/candor)" = 700 ]; then ok; else
    bad "per-user key: $(stat -c '%a %s' "$key" 2>&1)"
fi
cp "$key" key.copy
expect "a second compile keeps the key" 0 "" "" \
    env HOME="$WORK/home" XDG_CONFIG_HOME= "$CANDOR" compile -w basic.yar k.cdr
cmp -s "$key" key.copy && ok || bad "the per-user key changed"
expect "XDG_CONFIG_HOME is used" 0 "" "" \
    env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/xdg" "$CANDOR" compile -w basic.yar k.cdr
[ -f xdg/candor/rules.key ] && ok || bad "no key under XDG_CONFIG_HOME"
expect "scan -C with the per-user key" 0 "$(printf 'text_and_hex text.txt\nwith_private_string text.txt\nalways text.txt')" "" \
    env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/xdg" "$CANDOR" scan -w -C k.cdr text.txt
head -c 16 /dev/urandom >my.key
chmod 600 my.key
expect "--rules-key FILE" 0 "" "" "$CANDOR" compile -w --rules-key my.key basic.yar m.cdr
expect "CANDOR_RULES_KEY_FILE" 0 "$(printf 'text_and_hex text.txt\nwith_private_string text.txt\nalways text.txt')" "" \
    env CANDOR_RULES_KEY_FILE="$WORK/my.key" "$CANDOR" scan -w -C m.cdr text.txt
expect "scan -C without any key still loads" 0 "$(printf 'text_and_hex text.txt\nwith_private_string text.txt\nalways text.txt')" "" \
    env HOME="$WORK/nohome" XDG_CONFIG_HOME= "$CANDOR" scan -w -C m.cdr text.txt
expect "a named key must exist" 1 "" "^error: could not read rules key missing.key: " \
    "$CANDOR" scan -C --rules-key missing.key m.cdr text.txt
chmod 666 my.key
expect "a key others can write is refused" 1 "" "writable by others" \
    "$CANDOR" scan -C --rules-key=my.key m.cdr text.txt

if [ $skipped -gt 0 ]; then
    echo "cli: $skipped comparisons with yara skipped (yara not installed)"
    if [ "${CI:-}" = true ]; then
        fail=$((fail + skipped))
    fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
