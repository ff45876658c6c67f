# tests/audit/threads.sh - sourced by run.sh after the ground truth: the
# report is the same whatever the number of threads (docs/audit.md,
# "Threads"). Each product is audited with -p 1, where one thread does
# everything in order, and with 3 and 8 threads, where unpacked files and
# products are jobs other threads take; the JSON Lines, the text and the
# SARIF log must be byte for byte the same (but for the summary's wall
# time). The many-files product is built so that jobs finish out of order:
# 400 entries, every fifth a 256 KiB file the rule reads byte by byte,
# each holding the marker, so a report written as jobs finish would
# interleave them differently.
TH=$WORK/threads
mkdir -p "$TH/many/d" "$TH/dir/a" "$TH/dir/b"
python3 - "$TH/many/d" "$MARKER" <<'PY'
import os, random, sys
d, marker = sys.argv[1], sys.argv[2].encode()
rng = random.Random(7)
for i in range(400):
    size = 256 * 1024 if i % 5 == 0 else rng.randrange(100, 3000)
    data = bytearray(rng.randbytes(size))
    at = rng.randrange(0, size - len(marker))
    data[at:at + len(marker)] = marker
    with open(os.path.join(d, "f%03d" % i), "wb") as f:
        f.write(data)
PY
(cd "$TH/many" && tar czf ../many.tar.gz d && zip -qr ../many.zip d)
cat >"$TH/slow.yar" <<YAR
rule marked { strings: \$m = "$MARKER" condition: \$m }
rule slow_sum { condition: filesize > 200000 and for all i in (0..filesize - 1): (uint8(i) >= 0) }
YAR
cp "$TH/many.tar.gz" "$PROD" "$TH/dir/a/" && cp "$TH/many.zip" "$WORK/gt/blob.bin" "$TH/dir/b/"

# same_report NAME ARGS...: the audit with -p 1, 3 and 8 gives one report.
same_report() {
    local name=$1 p
    shift
    for p in 1 3 8; do
        (cd "$TH" && "$CANDOR" audit -p $p "$@" --json --sarif "$name.$p.sarif" \
            >"$name.$p.jsonl" 2>"$name.$p.err" &&
            "$CANDOR" audit -p $p "$@" >"$name.$p.txt" 2>>"$name.$p.err")
        sed -i 's/"seconds":[0-9.]*/"seconds":0/' "$TH/$name.$p.jsonl"
        sed -i 's/ [0-9.]* s; findings:/ S s; findings:/' "$TH/$name.$p.txt"
        sed -i 's/TimeUtc":"[^"]*"/TimeUtc":"T"/g' "$TH/$name.$p.sarif"
    done
    for p in 3 8; do
        for ext in jsonl txt sarif; do
            if cmp -s "$TH/$name.1.$ext" "$TH/$name.$p.$ext"; then
                ok
            else
                bad "threads: $name: -p $p gives another $ext than -p 1:" \
                    "$(diff "$TH/$name.1.$ext" "$TH/$name.$p.$ext" | head -n 4)"
            fi
        done
    done
}
same_report many -r slow.yar many.tar.gz many.zip
same_report nested -r "$WORK/rules.yar" "$PROD"
same_report groundtruth -r /dev/null "$WORK/gt/blob.bin"
same_report products -r slow.yar dir
# Not a report of nothing: the many-files product has its 400 markers in
# each container, and the ground truth its files.
got=$(json_query "$TH/many.8.jsonl" 'sum(1 for r in recs if r.get("rule")=="default:marked" and "!/d/f" in r["vpath"])')
[ "$got" = 800 ] && ok || bad "threads: many: $got marker findings, want 800"
got=$(json_query "$TH/groundtruth.8.jsonl" 'recs[-1]["files"] > 250')
[ "$got" = True ] && ok || bad "threads: groundtruth: $(tail -n 1 "$TH/groundtruth.8.jsonl")"
