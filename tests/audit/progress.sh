# tests/audit/progress.sh - sourced by run.sh: the progress line of
# `candor audit` on a terminal (stderr on a pseudo-terminal made by
# progress_check.py), and none elsewhere.
#
# The audit takes a moment (1.8 s here): 40 files of 2 MiB of zeros in a
# tar.gz, in a directory whose name holds ESC, "[31m" and the byte 0xFF,
# with a rule that reads every byte in a loop, audited with the nested
# product (2 products, findings on stdout). On the
# terminal: progress lines only, escaped, cut to the width (200 and 40
# columns), at most one per 0.2 s, erased at the end; stdout as without a
# terminal; without a terminal, nothing on stderr.

python3 - "$WORK/slow.tar.gz" <<'PY'
import io, sys, tarfile
zeros = bytes(2 << 20)
with tarfile.open(sys.argv[1], "w:gz", compresslevel=1, format=tarfile.GNU_FORMAT,
                  encoding="utf-8", errors="surrogateescape") as t:
    for i in range(40):
        name = b"d\x1b[31m\xff/z%d" % i
        ti = tarfile.TarInfo(name.decode("utf-8", "surrogateescape"))
        ti.size = len(zeros)
        t.addfile(ti, io.BytesIO(zeros))
PY
PG=$WORK/progress
mkdir -p "$PG"
echo 'rule slow { condition: for any i in (0..filesize-1) : (uint8(i) == 1) }' \
    >"$WORK/slow.yar"
(cd "$WORK" && "$CANDOR" audit -r t:rules.yar -r s:slow.yar slow.tar.gz prod.tar.gz \
    >"$PG/plain.out" 2>"$PG/plain.err")
[ -s "$PG/plain.out" ] && [ ! -s "$PG/plain.err" ] && ok ||
    bad "progress: without a terminal, stderr is not empty: $(head -c 300 "$PG/plain.err" | od -c | head -5)"
for cols in 200 40; do
    expect=
    [ $cols = 200 ] && expect='slow.tar.gz!gzip+tar!/d\x1B[31m\xFF/z'
    if msg=$(cd "$WORK" && python3 "$HERE/progress_check.py" $cols "$PG/tty$cols.out" \
        "$expect" -- "$CANDOR" audit -r t:rules.yar -r s:slow.yar slow.tar.gz prod.tar.gz 2>&1); then
        ok
    else
        bad "progress on $cols columns: $msg"
    fi
    if diff <(strip_time <"$PG/plain.out") <(strip_time <"$PG/tty$cols.out") >/dev/null; then
        ok
    else
        bad "progress on $cols columns: stdout differs from the run without a terminal"
    fi
done
