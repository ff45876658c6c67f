# tests/audit/sarif.sh - sourced by run.sh: `candor audit --sarif FILE`.
#
# Every log is checked two ways, and any error fails: the SARIF Multitool's
# `validate` (scripts/setup.sh installs the pinned npm package under
# tests/work/tools), which applies the SARIF 2.1.0 JSON schema and its
# rules on top (URIs, indices, rule ids), and the schema the same package
# ships, applied with python3-jsonschema after decoding the bytes as strict
# UTF-8 (the Multitool lets some schema errors and invalid UTF-8 pass).
# Logs: the nested product, the demo rules' product and the directory,
# products that hit limits or cannot be read, and a product whose names
# hold invalid UTF-8, control bytes, '%', spaces, '../' and more. Values:
# the marker's result (rule, level, byte offset found by grep in the
# original, the chain of artifacts up to the product, the file's length
# and sha256), the level of each severity, every hostile name decoded back
# from its URI, and the other outputs unchanged by --sarif.

SARIF_TOOLS=${SARIF_TOOLS:-$ROOT/tests/work/tools/sarif-multitool-5.7.0}
SARIF_MT=$SARIF_TOOLS/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
SARIF_SCHEMA=$SARIF_TOOLS/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json
SARIF_CHECK=$HERE/sarif_check.py
sarif_ready=1
if [ ! -x "$SARIF_MT" ] || [ ! -f "$SARIF_SCHEMA" ]; then
    bad "sarif: the SARIF Multitool is not in $SARIF_TOOLS (scripts/setup.sh installs it)"
    sarif_ready=0
fi
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    bad "sarif: python3-jsonschema is not installed (scripts/setup.sh installs it)"
    sarif_ready=0
fi

# sarif_valid LOG: the schema check and the Multitool's, one ok or bad each.
sarif_valid() {
    local log=$1 out="$1.multitool" msg
    if msg=$(python3 "$SARIF_CHECK" schema "$log" "$SARIF_SCHEMA" 2>&1); then
        ok
    else
        bad "sarif schema: $msg"
    fi
    [ "$sarif_ready" = 1 ] || return
    rm -f "$out"
    if ! DOTNET_CLI_TELEMETRY_OPTOUT=1 "$SARIF_MT" validate "$log" -o "$out" \
        --level "Error;Warning" >"$out.stdout" 2>&1 || [ ! -s "$out" ]; then
        bad "sarif multitool on $log: $(tail -n 5 "$out.stdout")"
    elif msg=$(python3 "$SARIF_CHECK" multitool "$out" 2>&1); then
        ok
    else
        bad "sarif multitool on $(basename "$log"): $msg"
    fi
}

# sarif_q LOG EXPR: see sarif_check.py query.
sarif_q() { python3 "$SARIF_CHECK" query "$1" "$2"; }

S=$WORK/sarif
mkdir -p "$S"

# --- the nested product, with --json and with text ------------------------
(cd "$WORK" && "$CANDOR" audit --json --sarif sarif/nested.sarif \
    --rules t:rules.yar prod.tar.gz >sarif/nested.jsonl 2>sarif/nested.err)
rc=$?
[ $rc -eq 0 ] && [ ! -s "$S/nested.err" ] && ok ||
    bad "sarif nested: exit $rc: $(head -c 300 "$S/nested.err")"
sarif_valid "$S/nested.sarif"
# JSON Lines as without --sarif (but for the time taken).
strip_time() { sed -E 's/"seconds":[0-9.]+/"seconds":0/; s/, [0-9.]+ s;/, 0 s;/'; }
if diff <(strip_time <"$WORK/audit.jsonl") <(strip_time <"$S/nested.jsonl") >/dev/null; then
    ok
else
    bad "sarif: --sarif changed the JSON Lines output"
fi
(cd "$WORK" && "$CANDOR" audit --rules t:rules.yar prod.tar.gz >sarif/plain.txt &&
    "$CANDOR" audit --sarif sarif/text.sarif --rules t:rules.yar prod.tar.gz >sarif/text.txt)
if diff <(strip_time <"$S/plain.txt") <(strip_time <"$S/text.txt") >/dev/null; then
    ok
else
    bad "sarif: --sarif changed the text output"
fi
# One result per finding of the JSON Lines, in the same order.
got=$(sarif_q "$S/nested.sarif" '[(r["ruleId"], r["properties"]["vpath"]) for r in run["results"]]')
want=$(json_query "$S/nested.jsonl" '[(r["rule"], r["vpath"]) for r in recs if r["type"]=="finding"]')
[ "$got" = "$want" ] && [ "$got" != "[]" ] && ok || bad "sarif results: got $got want $want"

# The marker: its offset in the original file, found by grep.
marked=$O/sdir/s/marked.bin
grep_off=$(grep -obUaF "$MARKER" "$marked" | head -n 1 | cut -d: -f1)
r='[r for r in run["results"] if r["ruleId"]=="t:marker"]'
got=$(sarif_q "$S/nested.sarif" "[(x['level'], x.get('kind','fail'), x['locations'][0]['physicalLocation']['region'], x['message']['text'], run['tool']['driver']['rules'][x['ruleIndex']]['id']) for x in $r]")
want="[('error', 'fail', {'byteOffset': $grep_off, 'byteLength': ${#MARKER}}, '\$m: $MARKER', 't:marker')]"
[ "$got" = "$want" ] && ok || bad "sarif marker result: got $got want $want"
# Its artifact chain, up to the product (relative to the CWD base id).
got=$(sarif_q "$S/nested.sarif" "[chain(x) for x in $r]")
want="[[b's/marked.bin', b'inner.7z', b'top/data/mid.zip', b'prod.tar.gz']]"
[ "$got" = "$want" ] && ok || bad "sarif marker chain: got $got want $want"
got=$(sarif_q "$S/nested.sarif" "[(run['artifacts'][i]['length'], run['artifacts'][i]['hashes']['sha-256'], run['artifacts'][i]['properties']['vpath']) for i in [x['locations'][0]['physicalLocation']['artifactLocation']['index'] for x in $r]]")
want="[($(stat -c %s "$marked"), '$(sha256sum <"$marked" | cut -d' ' -f1)', '$P!gzip+tar!/top/data/mid.zip!zip!/inner.7z!7zip!/s/marked.bin')]"
[ "$got" = "$want" ] && ok || bad "sarif marker artifact: got $got want $want"
got=$(sarif_q "$S/nested.sarif" "([a['location'] for a in run['artifacts'] if 'parentIndex' not in a], unquote(run['originalUriBaseIds']['CWD']['uri']), run['invocations'][0]['executionSuccessful'])")
want="([{'uri': 'prod.tar.gz', 'uriBaseId': 'CWD'}], 'file://$WORK/', True)"
[ "$got" = "$want" ] && ok || bad "sarif product and base: got $got want $want"
got=$(sarif_q "$S/nested.sarif" "[(d['id'], d['properties']) for d in run['tool']['driver']['rules']]")
want="[('t:marker', {'kind': 'rule', 'category': 'hidden-function', 'norm': '13(j)'})]"
[ "$got" = "$want" ] && ok || bad "sarif rules: got $got want $want"

# --- the demo rules on a zip, and the directory product -------------------
(cd "$WORK" && "$CANDOR" audit --sarif sarif/demo.sarif e.zip >/dev/null &&
    "$CANDOR" audit --sarif sarif/dir.sarif -r rules.yar dirprod >/dev/null)
sarif_valid "$S/demo.sarif"
sarif_valid "$S/dir.sarif"
got=$(sarif_q "$S/demo.sarif" "[(r['ruleId'], chain(r)) for r in run['results']]")
want="[('default:eicar_test_file', [b'eicar.com', b'e.zip'])]"
[ "$got" = "$want" ] && ok || bad "sarif demo: got $got want $want"
got=$(sarif_q "$S/dir.sarif" "[(r['ruleId'], chain(r)) for r in run['results']]")
want="[('default:marker', [b's/marked.bin', b'inner.7z', b'top/data/mid.zip', b'dirprod/sub/prod.tar.gz'])]"
[ "$got" = "$want" ] && ok || bad "sarif directory: got $got want $want"

# --- limits, a truncated container, a product that cannot be read --------
head -c 2000 "$PROD" >"$WORK/trunc.tar.gz"
(cd "$WORK" && "$CANDOR" audit --sarif sarif/limits.sarif --max-depth 2 \
    -r t:rules.yar prod.tar.gz trunc.tar.gz "$WORK/no such file" >/dev/null)
sarif_valid "$S/limits.sarif"
got=$(sarif_q "$S/limits.sarif" "sorted(set((r['ruleId'], r['level']) for r in run['results']))")
want="[('limit.depth', 'warning'), ('unpack.error', 'note'), ('unpack.read', 'note')]"
[ "$got" = "$want" ] && ok || bad "sarif limits: got $got want $want"
got=$(sarif_q "$S/limits.sarif" "[chain(r) for r in run['results'] if r['ruleId']=='unpack.read']")
want="[[b'file://$WORK/no such file']]"
[ "$got" = "$want" ] && ok || bad "sarif unreadable product: got $got want $want"

# --- hostile names, and one rule per severity ------------------------------
python3 - "$WORK/hostile.tar.gz" "$MARKER" "$S/names.txt" <<'PY'
import io, sys, tarfile
names = [b"bad\xff\xfeutf8", b"ctl\x01\x1b[31mred\x7f\n", b"pct%41%zz",
         b"with space/a b", b"../up", b"/abs/x", b"colon:x", b"q#?x!y",
         b"!/bang", b"uni\xc3\xa9", b"dot/./x/../y", b'"quote\\back']
with tarfile.open(sys.argv[1], "w:gz", format=tarfile.GNU_FORMAT,
                  encoding="utf-8", errors="surrogateescape") as t:
    for n in names:
        data = b"x" * len(n) + sys.argv[2].encode()
        ti = tarfile.TarInfo(n.decode("utf-8", "surrogateescape"))
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
with open(sys.argv[3], "w") as f:
    f.write(repr(sorted(names)))
PY
{
    for sev in info low medium high critical; do
        printf 'rule s_%s { meta: severity = "%s" strings: $m = "%s" condition: $m }\n' \
            $sev $sev "$MARKER"
    done
} >"$WORK/sev.yar"
(cd "$WORK" && "$CANDOR" audit --sarif sarif/hostile.sarif -r sev.yar \
    hostile.tar.gz >/dev/null)
sarif_valid "$S/hostile.sarif"
got=$(sarif_q "$S/hostile.sarif" "sorted(set(chain(r)[0] for r in run['results']))")
[ "$got" = "$(cat "$S/names.txt")" ] && ok || bad "sarif hostile names: got $got want $(cat "$S/names.txt")"
got=$(sarif_q "$S/hostile.sarif" "sorted(set((r['ruleId'], r['level'], r.get('kind', 'fail')) for r in run['results']))")
want="[('default:s_critical', 'error', 'fail'), ('default:s_high', 'error', 'fail'), ('default:s_info', 'none', 'informational'), ('default:s_low', 'note', 'fail'), ('default:s_medium', 'warning', 'fail')]"
[ "$got" = "$want" ] && ok || bad "sarif levels: got $got want $want"

# --- a log that cannot be written ------------------------------------------
(cd "$WORK" && "$CANDOR" audit --sarif nodir/x.sarif -r t:rules.yar prod.tar.gz \
    >/dev/null 2>&1)
[ $? -eq 2 ] && ok || bad "sarif: an unwritable --sarif FILE is not exit 2"
