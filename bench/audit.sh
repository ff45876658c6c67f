#!/usr/bin/env bash
# bench/audit.sh - `make bench-audit`: candor audit and Debian's binwalk on
# the same ground-truth product (tests/audit/groundtruth.py: a root file
# system in every container format candor reads, glued into one blob), in
# one run. Prints each tool's recall (the ground truth's regular files
# found by sha256: among binwalk's extracted files, among candor's file
# records), wall time and peak memory (/usr/bin/time), and the speed
# ratio when both recovered everything.
#
#   bash bench/audit.sh        (BENCH_WORK: work directory, default bench/work)
#   CANDOR=path/to/candor      (default build/candor)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK=${BENCH_WORK:-$BENCH_DIR/work}/audit
CANDOR=${CANDOR:-$ROOT/build/candor}
GT=$ROOT/tests/audit/groundtruth.py

if ! command -v binwalk >/dev/null 2>&1; then
    echo "bench-audit: installing binwalk (Debian's package)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends binwalk >&2
fi
[ -x "$CANDOR" ] || { echo "bench-audit: $CANDOR is not built" >&2; exit 2; }

rm -rf "$WORK"
mkdir -p "$WORK"
python3 "$GT" build "$WORK/gt"
BLOB=$WORK/gt/blob.bin
size=$(stat -c %s "$BLOB")

# time_run NAME CMD...: runs CMD in $WORK, its /usr/bin/time record in
# $WORK/NAME.time as "seconds kilobytes".
time_run() {
    local name=$1
    shift
    (cd "$WORK" && /usr/bin/time -f "%e %M" -o "$name.time" "$@" \
        >"$name.out" 2>"$name.err")
}

time_run candor "$CANDOR" audit --json -r /dev/null "$BLOB"
time_run candor1 "$CANDOR" audit -p 1 --json -r /dev/null "$BLOB"
time_run binwalk binwalk -Me --run-as=root -C "$WORK/binwalk" "$BLOB"

read -r c_found c_all < <(python3 "$GT" recall-json "$WORK/gt" "$WORK/candor.out")
read -r b_found b_all < <(python3 "$GT" recall "$WORK/gt" "$WORK/binwalk")
read -r c_s c_kb <"$WORK/candor.time"
read -r c1_s c1_kb <"$WORK/candor1.time"
if ! cmp -s <(grep -v '"summary"' "$WORK/candor.out") \
    <(grep -v '"summary"' "$WORK/candor1.out"); then
    echo "bench-audit: candor -p 1 and candor with $(nproc) threads differ" >&2
    exit 1
fi
read -r b_s b_kb <"$WORK/binwalk.time"
bw_version=$(binwalk --help 2>&1 | sed -n 's/^Binwalk v//p' | head -n 1)

n_parts=$(wc -l <"$WORK/gt/parts.tsv")
echo "ground truth: $c_all regular files in each of $n_parts containers, blob of $size bytes"
printf '| tool | recall | wall s | peak MiB |\n| --- | --- | --- | --- |\n'
awk -v f="$c_found" -v a="$c_all" -v s="$c_s" -v k="$c_kb" \
    'BEGIN { printf "| candor audit | %s/%s | %s | %.1f |\n", f, a, s, k / 1024 }'
awk -v f="$c_found" -v a="$c_all" -v s="$c1_s" -v k="$c1_kb" \
    'BEGIN { printf "| candor audit -p 1 | %s/%s | %s | %.1f |\n", f, a, s, k / 1024 }'
awk -v v="$bw_version" -v f="$b_found" -v a="$b_all" -v s="$b_s" -v k="$b_kb" \
    'BEGIN { printf "| binwalk %s -Me | %s/%s | %s | %.1f |\n", v, f, a, s, k / 1024 }' 
if [ "$c_found" = "$c_all" ] && [ "$b_found" = "$b_all" ]; then
    awk -v b="$b_s" -v c="$c_s" \
        'BEGIN { printf "candor is %.1fx faster than binwalk\n", b / (c + 0.005) }' 
else
    echo "no ratio: a tool did not recover every file"
fi
