# tests/audit/hostile.sh - sourced by run.sh: hostile products (issue 5):
# zip, nested zip, gzip and overlapping-entry bombs, nesting 100 deep, ../
# and absolute names, symbolic link loops and links out of the tree,
# truncated and damaged images of every format, each limit's flag.
# tests/audit/hostile.py builds them and checks each run's findings, peak
# memory, time, the scratch area unchanged and the markers after the
# hostile members; its FIGURE lines (peak RSS, wall time per run) stay in
# $WORK/hostile.out.
python3 "$HERE/hostile.py" "$CANDOR" "$WORK" >"$WORK/hostile.out" 2>&1
if tail -n 1 "$WORK/hostile.out" | grep -q '^[0-9]* passed, [0-9]* failed$'; then
    tally "$WORK/hostile.out"
else
    bad "hostile.py stopped: $(tail -n 5 "$WORK/hostile.out")"
fi
