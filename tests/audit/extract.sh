# tests/audit/extract.sh - sourced by run.sh: `candor audit --extract DIR`.
# Every file of run.sh's nested product at the place docs/audit.md gives,
# with the sha256 of its original; then crafted tar and zip files whose
# names try to leave DIR (`../`, absolute paths, links out of the tree and
# in loops, a name needed as a file and as a directory): nothing outside
# DIR changes, nothing in it is a link, the file after them is audited.
# extract_check.py computes each place from the documented rules.

# tree_state DIR [PRUNE]: every path below DIR (but PRUNE) with its type,
# size, mode, modification time and, for files, sha256.
tree_state() {
    (cd "$1" && find . -mindepth 1 ${2:+-path ./$2 -prune -o} -printf '%p %y %s %m %T@\n' |
        sort && find . ${2:+-path ./$2 -prune -o} -type f -print0 |
        sort -z | xargs -0r sha256sum)
}

# The nested product: the same report with --extract, and every file.
X=$WORK/x-nested
(cd "$WORK" && "$CANDOR" audit --json --extract "$X" -r t:rules.yar \
    prod.tar.gz >x-nested.jsonl 2>x-nested.err)
rc=$?
[ $rc -eq 0 ] && ok || bad "extract nested: exit $rc: $(head -c 300 "$WORK/x-nested.err")"
cmp -s <(grep -v '"summary"' "$WORK/audit.jsonl") \
    <(grep -v '"summary"' "$WORK/x-nested.jsonl") && ok ||
    bad "extract nested: the report differs from the one without --extract"
python3 "$HERE/extract_check.py" "$TRUTH" "$X" >"$WORK/x-nested.out" 2>&1
tally "$WORK/x-nested.out"

# A stream: its one entry is DIR/NAME.extracted/FORMAT/data; the gzip of
# zeros that libarchive first takes for an empty tar leaves no gzip+tar.
X=$WORK/x-zeros
(cd "$WORK" && "$CANDOR" audit --extract "$X" -r rules.yar zeros.gz >/dev/null)
printf 'zeros.gz!gzip\tfile\t20000\t-\t-\t%s\n' \
    "$(head -c 20000 /dev/zero | sha256sum | cut -d' ' -f1)" >"$WORK/x-zeros.tsv"
python3 "$HERE/extract_check.py" "$WORK/x-zeros.tsv" "$X" >"$WORK/x-zeros.out" 2>&1
tally "$WORK/x-zeros.out"
got=$(cd "$X" && find . | sort | tr '\n' ' ')
[ "$got" = ". ./manifest.jsonl ./zeros.gz.extracted ./zeros.gz.extracted/gzip ./zeros.gz.extracted/gzip/data " ] &&
    ok || bad "extract zeros.gz: $got"

# DIR must be new or empty: else exit 2 and nothing written.
mkdir -p "$WORK/x-full" && echo keep >"$WORK/x-full/old"
(cd "$WORK" && "$CANDOR" audit --extract x-full -r rules.yar zeros.gz >/dev/null 2>&1)
rc=$?
got=$(ls -A "$WORK/x-full" | tr '\n' ' ')
[ $rc -eq 2 ] && [ "$got" = "old " ] && ok || bad "extract into a non-empty DIR: exit $rc, DIR holds $got"
(cd "$WORK" && "$CANDOR" audit --extract zeros.gz -r rules.yar zeros.gz >/dev/null 2>&1)
rc=$?
[ $rc -eq 2 ] && ok || bad "extract into a file: exit $rc"

# Hostile names, in a tar and a zip. Decoys sit where `../../../decoy`
# and the absolute entry would land if they were followed, and where the
# symbolic links point.
E=$WORK/ext
mkdir -p "$E"
echo "decoy, must stay" >"$E/decoy"
echo "absolute decoy, must stay" >"$E/abs-decoy"
python3 "$HERE/craft.py" names-tar "$E/names.tar" "$E" "$MARKER" >"$E/names.tsv" &&
    python3 "$HERE/craft.py" names-zip "$E/names.zip" "$E" "$MARKER" >>"$E/names.tsv" 2>/dev/null ||
    bad "craft.py names-tar/names-zip failed"
before=$(tree_state "$E" out)
(cd "$E" && "$CANDOR" audit --json --extract out -r t:../rules.yar \
    names.tar names.zip >names.jsonl 2>names.err)
rc=$?
[ $rc -eq 0 ] && ok || bad "extract names: exit $rc: $(head -c 300 "$E/names.err")"
after=$(tree_state "$E" out)
# names.jsonl and names.err are the only new files outside out/.
after=$(grep -v -e '^\./names\.\(jsonl\|err\) ' -e ' \./names\.\(jsonl\|err\)$' <<<"$after")
[ "$before" = "$after" ] && ok || bad "extract names: outside DIR changed: $(diff <(echo "$before") <(echo "$after") | head -5)"
python3 "$HERE/extract_check.py" "$E/names.tsv" "$E/out" >"$E/names.out" 2>&1
tally "$E/names.out"
# The marked file after the hostile entries is audited and extracted.
got=$(json_query "$E/names.jsonl" 'sorted(r["vpath"] for r in recs if r.get("rule")=="t:marker" and "!" in r["vpath"])')
[ "$got" = "['names.tar!tar!/good/marked', 'names.zip!zip!/good/marked']" ] && ok ||
    bad "extract names: marker findings $got"
[ -z "$(find "$E/out" -type l)" ] && ok || bad "extract names: a symbolic link was made"
