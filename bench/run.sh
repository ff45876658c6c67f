#!/usr/bin/env bash
# bench/run.sh: time yara and candor over the same rules and corpus, and
# check that they report the same matches.  `make bench` runs it whole (under
# an hour on 2 cores), `make bench-quick` runs `--quick` (under 5 minutes once
# the corpus exists).
#
#   bash bench/run.sh [--quick] [--sets NAME,NAME...] [--tier NAME=full|mini]...
#
#   --quick   every set but yara-rules, on the mini tier, -p 1 only
#   --sets    run only these rule sets (names as in SETS below)
#   --tier    run one set on another tier than its default
#
# Environment:
#   CANDOR          the candor binary (default ./build/candor from the project
#                   root).  When it is not executable only yara's half runs.
#   BENCH_TIMEOUT   seconds one scan may take before it counts as TIMEOUT (1800)
#   BENCH_WORK      work directory (default bench/work, git-ignored)
#
# Outputs: the Markdown table on stdout and in bench/work/results.md, one
# line per measurement in bench/work/results.tsv, and every run's stdout,
# stderr and /usr/bin/time record under bench/work/runs/.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK=${BENCH_WORK:-$BENCH_DIR/work}
RULESETS=$(cd "$ROOT/../shared/rulesets" 2>/dev/null && pwd) || RULESETS=$ROOT/../shared/rulesets
RULES_DIR=$WORK/rules
RUNS=$WORK/runs
CORPUS=$WORK/corpus
STATE=$WORK/state
PY=/usr/bin/python3
TIMEOUT=${BENCH_TIMEOUT:-1800}
# Compiling and loading runs shorter than SHORT_RUN seconds are repeated,
# REPEATS in all, best kept (scans use rounds_for below).
SHORT_RUN=3
REPEATS=3
EXPECTED_MODULE_FREE=593

# The external variables some public rules use; both tools get the same ones.
EXTERNALS=(-d filename= -d filepath= -d extension= -d filetype= -d owner=)

# name:tier.  Sets on which yara runs at a few MB/s use the 32 MiB mini tier,
# the others the full tier, so the whole matrix fits in an hour.
SETS=(
    "all-787:mini"
    "all-593:mini"
    "yara-rules:mini"
    "reversinglabs:full"
    "gen-literals-20k:mini"
    "gen-hex-5k:mini"
    "gen-regex-1k:full"
)

# --quick leaves these out: yara-rules costs as much as all-593, which
# contains it, and the quick run must stay under 5 minutes.
QUICK_SKIP=",yara-rules,"

QUICK=0
ONLY_SETS=""
TIER_OVERRIDES=()

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
    exit "${1:-0}"
}

parse_args() {
    while (($#)); do
        case $1 in
        --quick) QUICK=1 ;;
        --sets) ONLY_SETS=${2:?--sets needs a list}; shift ;;
        --sets=*) ONLY_SETS=${1#--sets=} ;;
        --tier) TIER_OVERRIDES+=("${2:?--tier needs SET=TIER}"); shift ;;
        --tier=*) TIER_OVERRIDES+=("${1#--tier=}") ;;
        -h | --help) usage 0 ;;
        *) usage 2 ;;
        esac
        shift
    done
}

# resolve_candor: CANDOR relative to where the user stood, else the default.
resolve_candor() {
    local c=${CANDOR:-$ROOT/build/candor}
    [[ $c == /* ]] || c=$START_DIR/$c
    CANDOR_BIN=$c
    if [[ -x $CANDOR_BIN && -f $CANDOR_BIN ]]; then
        HAVE_CANDOR=1
    else
        HAVE_CANDOR=0
        log "candor is missing ($CANDOR_BIN is not an executable): running yara's half only"
    fi
}

# ---------------------------------------------------------------- rule sets

# module_free_list: the public rule files that import no module, include no
# file and that yara compiles alone (module-free.list), and every public rule
# file yara compiles alone, modules included (all.list).  Cached: the key
# covers every rule file's bytes and yara's version, so a changed file or
# yara recomputes the lists.
module_free_list() {
    local out=$RULES_DIR/module-free.list key
    [[ -d $RULESETS ]] || die "rule sets not found at $RULESETS"
    key=$({ yara --version; cd "$RULESETS" && find . -type f \( -name '*.yar' -o -name '*.yara' \) -print0 |
        LC_ALL=C sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-64)
    if [[ -f $out && -f $out.key && $(cat "$out.key") == "$key" &&
        -f $RULES_DIR/all.list ]]; then
        return 0
    fi
    log "finding the rule files yara compiles alone (each with yarac)"
    local f tmp=$RULES_DIR/check.yc
    (
        cd "$RULESETS"
        find . -type f \( -name '*.yar' -o -name '*.yara' \) -printf '%P\n' | LC_ALL=C sort |
            while IFS= read -r f; do
                if yarac "${EXTERNALS[@]}" "$f" "$tmp" >/dev/null 2>&1; then
                    printf '%s\n' "$f"
                fi
            done
    ) >"$RULES_DIR/all.list.tmp"
    (
        cd "$RULESETS"
        while IFS= read -r f; do
            grep -q -E '^[[:space:]]*(import|include)[[:space:]]' "$f" || printf '%s\n' "$f"
        done <"$RULES_DIR/all.list.tmp"
    ) >"$out.tmp"
    rm -f "$tmp"
    mv "$RULES_DIR/all.list.tmp" "$RULES_DIR/all.list"
    mv "$out.tmp" "$out"
    echo "$key" >"$out.key"
}

# write_namespaced_args FILTER OUT [LIST]: one `NSn:/abs/path` argument per
# line for the files of LIST (default module-free.list) whose path starts
# with FILTER ("" for all).  n is the file's position in LIST, so a file has
# the same namespace in every set drawn from one list.
write_namespaced_args() {
    local filter=$1 out=$2 list=${3:-module-free.list}
    awk -v root="$RULESETS" -v filter="$filter" \
        'index($0, filter) == 1 { print "NS" NR ":" root "/" $0 }' \
        "$RULES_DIR/$list" >"$out"
}

# generate_rules: the seeded synthetic sets, regenerated when the generator
# changes.
generate_rules() {
    local key
    key=$(sha256sum "$BENCH_DIR/gen_rules.py" | cut -c1-64)
    if [[ -f $RULES_DIR/gen.key && $(cat "$RULES_DIR/gen.key") == "$key" ]]; then
        return 0
    fi
    log "generating the synthetic rule sets"
    "$PY" "$BENCH_DIR/gen_rules.py" "$RULES_DIR" >&2
    echo "$key" >"$RULES_DIR/gen.key"
}

prepare_rules() {
    local n
    mkdir -p "$RULES_DIR"
    module_free_list
    n=$(wc -l <"$RULES_DIR/module-free.list")
    if ((n != EXPECTED_MODULE_FREE)); then
        log "WARNING: $n module-free rule files compile alone, expected $EXPECTED_MODULE_FREE;"
        log "WARNING: the rule sets or yara changed, so figures are not comparable with older runs"
    fi
    MODULE_FREE_COUNT=$n
    ALL_COUNT=$(wc -l <"$RULES_DIR/all.list")
    log "module-free rule files: $n ($(grep -c '^yara-rules/' "$RULES_DIR/module-free.list") yara-rules," \
        "$(grep -c '^reversinglabs/' "$RULES_DIR/module-free.list") reversinglabs)"
    write_namespaced_args "" "$RULES_DIR/all-787.args" all.list
    write_namespaced_args "" "$RULES_DIR/all-593.args"
    write_namespaced_args "yara-rules/" "$RULES_DIR/yara-rules.args"
    write_namespaced_args "reversinglabs/" "$RULES_DIR/reversinglabs.args"
    generate_rules
    echo "$RULES_DIR/gen-literals.yar" >"$RULES_DIR/gen-literals-20k.args"
    echo "$RULES_DIR/gen-hex.yar" >"$RULES_DIR/gen-hex-5k.args"
    echo "$RULES_DIR/gen-regex.yar" >"$RULES_DIR/gen-regex-1k.args"
}

# ---------------------------------------------------------------- measuring

# warm_cache DIR: read every file once so scans time the engine, not the disk.
warm_cache() {
    find "$1" -type f -print0 | xargs -0 -r cat >/dev/null
}

# timed PREFIX CMD...: run CMD under /usr/bin/time and a timeout; stdout,
# stderr and the time record go to PREFIX.{out,err,time}.  Sets RC, WALL, CPU,
# PEAK_MIB.
timed() {
    local pfx=$1 rec
    shift
    RC=0
    /usr/bin/time -f '%e %U %S %M' -o "$pfx.time" \
        timeout "$TIMEOUT" "$@" >"$pfx.out" 2>"$pfx.err" || RC=$?
    # On failure time writes "Command exited..." first; the figures are last.
    rec=$(tail -n1 "$pfx.time")
    read -r WALL CPU PEAK_MIB < <(awk '{printf "%s %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' <<<"$rec")
}

# status_of RC: how a tool's run ended, for the table.
status_of() {
    case $1 in
    0) echo ok ;;
    124) echo TIMEOUT ;;
    *) echo "FAILED (rc $1)" ;;
    esac
}

mbps() {
    awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / s / 1e6; else print "inf" }'
}

# matches PFX: the run's `RULE FILE` lines, sorted, for comparing.
matches() {
    LC_ALL=C sort "$1.out" >"$1.sorted"
}

# timed_best PREFIX CMD...: like timed, but a run shorter than SHORT_RUN
# seconds is repeated (REPEATS runs in all) and the fastest one is kept, so
# that sub-second cells are not decided by one scheduling hiccup.  Stops at
# the first failure.
timed_best() {
    local pfx=$1 best_wall best_cpu best_peak i
    shift
    timed "$pfx" "$@"
    best_wall=$WALL best_cpu=$CPU best_peak=$PEAK_MIB
    for ((i = 1; i < REPEATS; i++)); do
        ((RC == 0)) || return 0
        awk -v w="$best_wall" -v s="$SHORT_RUN" 'BEGIN { exit !(w < s) }' || break
        timed "$pfx" "$@"
        if ((RC == 0)) && awk -v a="$WALL" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
            best_wall=$WALL best_cpu=$CPU best_peak=$PEAK_MIB
        fi
    done
    WALL=$best_wall CPU=$best_cpu PEAK_MIB=$best_peak
}

# ---------------------------------------------------------------- the matrix

# compile_set SET: yarac and candor compile for one set.  Sets YC, CC (the
# compiled files), Y_COMPILE, C_COMPILE, Y_LOAD, C_LOAD.
compile_set() {
    local set=$1 dir=$RUNS/$1
    local -a rules
    mapfile -t rules <"$RULES_DIR/$set.args"
    YC=$dir/rules.yarac
    CC=$dir/rules.candor
    # A file left by an earlier run must not stand in for a failed compile.
    rm -f "$YC" "$CC"
    timed_best "$dir/compile-yara" yarac "${EXTERNALS[@]}" "${rules[@]}" "$YC"
    if ((RC == 0)); then
        Y_COMPILE=$WALL
        timed_best "$dir/load-yara" yara "${EXTERNALS[@]}" -C "$YC" "$EMPTY"
        Y_LOAD=$WALL
        ((RC == 0)) || Y_LOAD="FAILED (rc $RC)"
    else
        Y_COMPILE="FAILED (rc $RC)"
        Y_LOAD=-
    fi
    C_COMPILE=-
    C_LOAD=-
    if ((HAVE_CANDOR)); then
        timed_best "$dir/compile-candor" "$CANDOR_BIN" compile "${EXTERNALS[@]}" "${rules[@]}" "$CC"
        if ((RC == 0)); then
            C_COMPILE=$WALL
            timed_best "$dir/load-candor" "$CANDOR_BIN" scan "${EXTERNALS[@]}" -C "$CC" "$EMPTY"
            C_LOAD=$WALL
            ((RC == 0)) || C_LOAD="FAILED (rc $RC)"
        else
            C_COMPILE="FAILED (rc $RC)"
            log "$set: candor compile failed: $(head -c 300 "$dir/compile-candor.err")"
        fi
    fi
}

# rounds_for SECONDS: how many rounds a cell gets, from its first round's
# longer wall time.  Sub-3-second cells are decided by scheduling noise, so
# they get 5; cells under a minute get 2 in the full run, which its hour
# allows; longer ones (and --quick's) are run once more only if short.
rounds_for() {
    awk -v w="$1" -v q="$QUICK" \
        'BEGIN { if (w < 3) print 5; else if (w < 60 && !q) print 2; else print 1 }'
}

# faster A B: true when A < B (seconds, decimals).
faster() {
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'
}

# run_cell SET TIER FORM P: one row of the table.
run_cell() {
    local set=$1 tier=$2 form=$3 p=$4
    local dir=$RUNS/$set tag="$form-p$p" target=$CORPUS/$tier bytes
    local -a rules yargs cargs
    local y_mbps=- c_mbps=- ratio=- y_cpu=- c_cpu=- y_peak=- c_peak=- y_wall=0 c_wall=0
    local y_rc=0 c_rc=0 run_candor=0 rounds r y_status c_status
    local comp=- load=-
    bytes=$(tier_bytes "$tier")
    if [[ $form == source ]]; then
        mapfile -t rules <"$RULES_DIR/$set.args"
        yargs=(yara -p "$p" -r "${EXTERNALS[@]}" "${rules[@]}" "$target")
        cargs=("$CANDOR_BIN" scan -p "$p" -r "${EXTERNALS[@]}" "${rules[@]}" "$target")
    else
        yargs=(yara -p "$p" -r "${EXTERNALS[@]}" -C "$YC" "$target")
        cargs=("$CANDOR_BIN" scan -p "$p" -r "${EXTERNALS[@]}" -C "$CC" "$target")
        comp="$Y_COMPILE / $C_COMPILE"
        load="$Y_LOAD / $C_LOAD"
    fi
    if ((HAVE_CANDOR)) && [[ $form == source || $C_COMPILE != FAILED* ]]; then
        run_candor=1
    fi

    # Round 1 gives the outputs that are compared.  Later rounds alternate
    # the tools, so a burst of load elsewhere on the machine hits both alike;
    # each tool keeps its fastest round.
    log "$set ($tier, $form, -p $p): round 1"
    timed "$dir/$tag-yara" "${yargs[@]}"
    y_rc=$RC y_wall=$WALL y_cpu=$CPU y_peak=$PEAK_MIB
    if ((run_candor)); then
        timed "$dir/$tag-candor" "${cargs[@]}"
        c_rc=$RC c_wall=$WALL c_cpu=$CPU c_peak=$PEAK_MIB
    fi
    rounds=$(rounds_for "$(awk -v a="$y_wall" -v b="$c_wall" 'BEGIN { print (a > b ? a : b) }')")
    for ((r = 2; r <= rounds; r++)); do
        log "$set ($tier, $form, -p $p): round $r of $rounds"
        if ((y_rc == 0)); then
            timed "$dir/$tag-yara.again" "${yargs[@]}"
            if ((RC == 0)) && faster "$WALL" "$y_wall"; then
                y_wall=$WALL y_cpu=$CPU y_peak=$PEAK_MIB
            fi
        fi
        if ((run_candor && c_rc == 0)); then
            timed "$dir/$tag-candor.again" "${cargs[@]}"
            if ((RC == 0)) && faster "$WALL" "$c_wall"; then
                c_wall=$WALL c_cpu=$CPU c_peak=$PEAK_MIB
            fi
        fi
    done
    rm -f "$dir/$tag"-*.again.*

    y_status=$(status_of "$y_rc")
    if [[ $y_status == ok ]]; then
        y_mbps=$(mbps "$bytes" "$y_wall")
    else
        # A killed or failed run's figures describe nothing worth comparing.
        y_mbps=$y_status y_cpu=- y_peak=-
    fi
    matches "$dir/$tag-yara"

    if ((run_candor)); then
        c_status=$(status_of "$c_rc")
        if [[ $c_status != ok ]]; then
            c_mbps=$c_status ratio=$c_status c_cpu=- c_peak=-
        else
            c_mbps=$(mbps "$bytes" "$c_wall")
            matches "$dir/$tag-candor"
            if [[ $y_status != ok ]]; then
                ratio="yara $y_status"
            elif cmp -s "$dir/$tag-yara.sorted" "$dir/$tag-candor.sorted"; then
                ratio=$(awk -v y="$y_wall" -v c="$c_wall" 'BEGIN { if (c > 0) printf "%.2f", y / c; else print "inf" }')
            else
                ratio=DIFFERENT
                record_difference "$set" "$tier" "$form" "$p" "$dir/$tag"
            fi
        fi
    elif ((HAVE_CANDOR)); then
        c_mbps="no compiled rules"
    else
        c_mbps="missing"
    fi

    local n_matches=-
    [[ $y_status != ok ]] || n_matches=$(wc -l <"$dir/$tag-yara.sorted")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$set" "$tier" "$p" "$form" "$y_mbps" "$c_mbps" "$ratio" "$y_cpu" "$c_cpu" \
        "$y_peak" "$c_peak" "$comp" "$load" "$n_matches" | tee -a "$TABLE"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$set" "$tier" "$p" "$form" "$bytes" "$y_wall" "$( ((run_candor)) && echo "$c_wall" || echo -)" "$ratio" "$y_cpu" "$c_cpu" \
        "$y_peak" "$c_peak" "$comp" "$load" "$n_matches" >>"$TSV"
}

# record_difference SET TIER FORM P PFX: say how the outputs differ, in the
# log and in the results' Differences section; never a ratio.
record_difference() {
    local set=$1 tier=$2 form=$3 p=$4 pfx=$5 diffs
    diffs=$(diff "$pfx-yara.sorted" "$pfx-candor.sorted" | grep '^[<>]' | head -n 8 || true)
    log "DIFFERENT: $set ($tier, $form, -p $p); first differing lines (< yara, > candor):"
    printf '%s\n' "$diffs" | sed 's/^/bench:   /' >&2
    {
        printf '\n### %s, %s tier, %s rules, -p %s\n' "$set" "$tier" "$form" "$p"
        printf 'yara %s lines, candor %s lines; first differing lines (< yara only, > candor only):\n```\n%s\n```\n' \
            "$(wc -l <"$pfx-yara.sorted")" "$(wc -l <"$pfx-candor.sorted")" "$diffs"
    } >>"$DIFFS"
}

# tier_for SET DEFAULT: the tier a --tier SET=TIER option asks for, else DEFAULT.
tier_for() {
    local o
    for o in "${TIER_OVERRIDES[@]}"; do
        if [[ ${o%%=*} == "$1" ]]; then
            [[ ${o#*=} == full || ${o#*=} == mini ]] || die "--tier $o: tier must be full or mini"
            echo "${o#*=}"
            return 0
        fi
    done
    echo "$2"
}

tier_bytes() {
    sed -n 3p "$STATE/$1.done"
}

table_header() {
    cat <<'EOF'
| rule set | tier | -p | rules | yara MB/s | candor MB/s | ratio | yara CPU s | candor CPU s | yara peak MiB | candor peak MiB | compile s (yara / candor) | load s (yara / candor) | matches |
| --- | --- | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |
EOF
}

# run_set SET TIER: every cell of one rule set.
run_set() {
    local set=$1 tier=$2 form p
    mkdir -p "$RUNS/$set"
    warm_cache "$CORPUS/$tier"
    for form in $FORMS; do
        if [[ $form == compiled ]]; then
            log "$set: compiling"
            compile_set "$set"
            if [[ $Y_COMPILE == FAILED* ]]; then
                log "$set: yarac failed, skipping compiled rows: $(head -c 300 "$RUNS/$set/compile-yara.err")"
                continue
            fi
        fi
        for p in $THREADS; do
            run_cell "$set" "$tier" "$form" "$p"
        done
    done
}

# machine_info: what a reader needs to compare figures across machines.
machine_info() {
    local cpu candor_version=missing
    cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
    if ((HAVE_CANDOR)); then
        candor_version=$("$CANDOR_BIN" --version 2>/dev/null | head -n1 || echo unknown)
    fi
    cat <<EOF
- date: $(date -u '+%Y-%m-%d %H:%M UTC'); mode: $MODE
- machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo);
  load average at the start $LOAD_START, at the end $(cut -d' ' -f1-3 /proc/loadavg) (above 0.5 or so,
  other work shared the cores and the figures are noisy)
- yara $(yara --version); candor: $candor_version ($CANDOR_BIN)
- corpus: full $(tier_bytes full) bytes in $(wc -l <"$CORPUS/full.manifest") files, manifest sha256 $(sed -n 2p "$STATE/full.done");
  mini $(tier_bytes mini) bytes in $(wc -l <"$CORPUS/mini.manifest") files, manifest sha256 $(sed -n 2p "$STATE/mini.done")
- rules: $ALL_COUNT public rule files yara compiles alone (all-787), $MODULE_FREE_COUNT of them module-free; generated sets from bench/gen_rules.py
  (sha256 $(cut -c1-12 "$RULES_DIR/gen.key"))
- MB/s = corpus bytes / 10^6 / whole-process wall seconds (warm page cache); ratio = candor MB/s / yara MB/s
  (above 1: candor is faster), shown only when both tools report the same \`RULE FILE\` lines
EOF
}

main() {
    START_DIR=$PWD
    parse_args "$@"
    cd "$ROOT"
    # shellcheck source=setup.sh
    source "$BENCH_DIR/setup.sh"
    bench_setup
    resolve_candor

    bash "$BENCH_DIR/corpus.sh" build >&2
    prepare_rules

    if ((QUICK)); then
        MODE="quick (mini tier, -p 1, yara-rules left out)"
        THREADS="1"
        FORMS="source compiled"
    else
        MODE=full
        THREADS="1 2"
        FORMS="source compiled"
    fi
    mkdir -p "$RUNS"
    EMPTY=$RUNS/empty-file
    : >"$EMPTY"
    TABLE=$WORK/results.table.tmp
    TSV=$WORK/results.tsv
    DIFFS=$WORK/results.diffs.tmp
    : >"$TABLE"
    : >"$DIFFS"
    printf 'set\ttier\tp\trules\tbytes\tyara_wall_s\tcandor_wall_s\tratio\tyara_cpu_s\tcandor_cpu_s\tyara_peak_mib\tcandor_peak_mib\tcompile_s\tload_s\tmatches\n' >"$TSV"

    local started=$SECONDS entry set tier
    LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
    if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 4) }'; then
        log "WARNING: load average $LOAD_START: other work is using the cores; figures will be noisy"
    fi
    table_header | tee -a "$TABLE"
    for entry in "${SETS[@]}"; do
        set=${entry%%:*}
        tier=${entry#*:}
        if [[ -n $ONLY_SETS && ",$ONLY_SETS," != *",$set,"* ]]; then
            continue
        fi
        if ((QUICK)); then
            [[ -n $ONLY_SETS || $QUICK_SKIP != *",$set,"* ]] || continue
            tier=mini
        fi
        tier=$(tier_for "$set" "$tier")
        run_set "$set" "$tier"
    done

    {
        echo "# candor benchmark results"
        echo
        machine_info
        echo
        cat "$TABLE"
        if [[ -s $DIFFS ]]; then
            echo
            echo "## Differences"
            cat "$DIFFS"
        fi
    } >"$WORK/results.md"
    if [[ -s $DIFFS ]]; then
        printf '\n## Differences\n'
        cat "$DIFFS"
    fi
    rm -f "$TABLE" "$DIFFS"
    log "done in $((SECONDS - started)) s; table in $WORK/results.md"
    if ((!HAVE_CANDOR)); then
        log "candor was missing: only yara's half ran (set CANDOR=path/to/candor)"
    fi
}

main "$@"
