#!/usr/bin/env bash
# tests/audit/run.sh - `candor audit` against ground truths built here with
# Debian's tools (tar, gzip, cpio, zip, 7z, bzip2), never from candor's own
# output: every file of a nested product with its virtual path, size, mode,
# symlink target and sha256 (stat and sha256sum on the originals); a rule
# that matches one inner file at an offset found by python in the original;
# exit codes; --extract (extract.sh). Then hostile products: nesting 100 deep, bombs, `../` and
# absolute paths, a truncated container among good products.
#
# Prints one line per failure and ends with `N passed, N failed`.
# CANDOR=path/to/candor (default build/candor).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CANDOR=${CANDOR:-build/candor}
case $CANDOR in /*) ;; *) CANDOR=$ROOT/$CANDOR ;; esac

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL $*"
    fail=$((fail + 1))
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/candor-audit.XXXXXX")
trap 'chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

for tool in tar gzip bzip2 cpio zip 7z sha256sum python3 mkimage dtc \
    img2simg simg2img mkbootimg lz4 objcopy srec_cat ubinize mksquashfs; do
    if ! command -v $tool >/dev/null 2>&1; then
        bad "$tool is not installed (scripts/setup.sh installs it)"
    fi
done
[ -x "$CANDOR" ] || bad "$CANDOR is not built"
[ "$fail" -eq 0 ] || finish

# tally FILE: adds the FAIL lines and the `N passed, N failed` line of a
# checker's output to this run's counts.
tally() {
    grep '^FAIL' "$1"
    local line f
    line=$(tail -n 1 "$1")
    pass=$((pass + ${line%% passed*}))
    f=${line#*passed, }
    fail=$((fail + ${f%% failed*}))
}

# json_query FILE PYTHON-EXPR: prints the expression evaluated over the
# list `recs` of the JSON Lines in FILE.
json_query() {
    python3 -c 'import json,sys
recs=[json.loads(l) for l in open(sys.argv[1],"rb")]
print(eval(sys.argv[2]))' "$1" "$2"
}

# --- the nested product ----------------------------------------------------
O=$WORK/orig
T=$O/tree # what the tar holds
MARKER=CANDOR-AUDIT-MARKER-7f3a9c
mkdir -p "$T/top/bin" "$T/top/etc" "$T/top/data/sticky" "$O/cdir/c/sub" \
    "$O/sdir/s" "$O/zdir"
head -c 5000 /dev/urandom >"$T/top/bin/su-helper"
chmod 4755 "$T/top/bin/su-helper"
echo "password=hunter2" >"$T/top/etc/secret"
chmod 0600 "$T/top/etc/secret"
printf 'odd\n' >"$T/top/data/odd"
chmod 0751 "$T/top/data/odd"
chmod 1777 "$T/top/data/sticky"
ln -s su-helper "$T/top/bin/sh"
ln -s /etc/passwd "$T/top/etc/abs"
ln -s ../../outside "$T/top/up"
head -c 3000 /dev/urandom >"$O/cdir/c/x.bin"
printf 'cpio text\n' >"$O/cdir/c/sub/t.txt"
chmod 0700 "$O/cdir/c/sub/t.txt"
ln -s x.bin "$O/cdir/c/lnk"
# The marker sits in one file inside the 7z, in compressible text, so that
# no container holds its bytes as they are.
{ seq 1 300; printf '%s' "$MARKER"; seq 1 200; } >"$O/sdir/s/marked.bin"
head -c 2000 /dev/urandom >"$O/sdir/s/r.bin"
(cd "$O/cdir" && find c | sort | cpio -o -H newc --quiet >"$O/zdir/inner.cpio")
(cd "$O/sdir" && 7z a -bd -y "$O/zdir/inner.7z" s >/dev/null)
printf 'zip note\n' >"$O/zdir/note.txt"
(cd "$O/zdir" && zip -q -X "$T/top/data/mid.zip" inner.cpio inner.7z note.txt)
PROD=$WORK/prod.tar.gz
tar --owner=1234 --group=5678 --numeric-owner -C "$T" -czf "$PROD" top

# The ground truth: vpath kind size mode link sha256, from the originals.
TRUTH=$WORK/truth.tsv
truth_tree() { # DIR PREFIX DIRSUFFIX CHECKMODE: every entry below DIR
    local dir=$1 prefix=$2 dsuf=$3 checkmode=$4 rel
    (cd "$dir" && find . -mindepth 1 | sort) | while IFS= read -r rel; do
        rel=${rel#./}
        local p="$dir/$rel" mode=- size=- link=- sha=- kind
        if [ -L "$p" ]; then
            kind=symlink
            link=$(readlink "$p")
        elif [ -d "$p" ]; then
            kind=dir
            rel="$rel$dsuf"
        else
            kind=file
            size=$(stat -c %s "$p")
            sha=$(sha256sum <"$p" | cut -d' ' -f1)
        fi
        if [ "$checkmode" = 1 ] && [ $kind != symlink ]; then
            mode=$(stat -c %a "$p")
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$prefix$rel" $kind $size $mode "$link" $sha
    done
}
P=prod.tar.gz
{
    truth_tree "$T" "$P!gzip+tar!/" / 1
    Z="$P!gzip+tar!/top/data/mid.zip!zip!/"
    truth_tree "$O/zdir" "$Z" "" 0
    truth_tree "$O/cdir" "${Z}inner.cpio!cpio!/" "" 1
    truth_tree "$O/sdir" "${Z}inner.7z!7zip!/" / 0 # libarchive adds the /
} >"$TRUTH"
[ "$(wc -l <"$TRUTH")" -ge 20 ] && ok || bad "ground truth too small: $(wc -l <"$TRUTH")"

cat >"$WORK/rules.yar" <<YAR
rule marker {
    meta:
        category = "hidden-function"
        severity = "Critical"
    strings:
        \$m = "$MARKER"
    condition:
        \$m
}
rule everything_with_size { condition: filesize == 1 }
YAR

(cd "$WORK" && "$CANDOR" audit --json --rules t:rules.yar prod.tar.gz \
    >audit.jsonl 2>audit.err)
rc=$?
[ $rc -eq 0 ] && ok || bad "nested: exit $rc: $(head -c 300 "$WORK/audit.err")"
python3 "$HERE/check.py" "$TRUTH" "$WORK/audit.jsonl" >"$WORK/check.out"
tally "$WORK/check.out"

# Owners of the tar entries (tar --owner/--group above).
n=$(json_query "$WORK/audit.jsonl" 'sum(1 for r in recs if r["type"]=="file" and "!gzip+tar!/" in r["vpath"] and "!zip!" not in r["vpath"] and (r["uid"],r["gid"])!=(1234,5678))')
[ "$n" = 0 ] && ok || bad "nested: $n tar entries without uid 1234 gid 5678"

# The rule finding: one, in the 7z entry, at the marker's offset.
want_off=$(python3 -c 'import sys; print(open(sys.argv[1],"rb").read().find(sys.argv[2].encode()))' \
    "$O/sdir/s/marked.bin" "$MARKER")
got=$(json_query "$WORK/audit.jsonl" '[(r["vpath"],r["offset"],r["length"],r["category"],r["severity"],r["norm"],r["evidence"]) for r in recs if r["type"]=="finding" and r["rule"]=="t:marker"]')
want="[('$P!gzip+tar!/top/data/mid.zip!zip!/inner.7z!7zip!/s/marked.bin', $want_off, ${#MARKER}, 'hidden-function', 'critical', '13(j)', '\$m: $MARKER')]"
[ "$got" = "$want" ] && ok || bad "marker finding: got $got want $want"
n=$(json_query "$WORK/audit.jsonl" 'sum(1 for r in recs if r.get("rule")=="t:everything_with_size")')
[ "$n" = 0 ] && ok || bad "a rule matched $n files of 1 byte (there are none)"
# The summary counts every file record and the four containers.
got=$(json_query "$WORK/audit.jsonl" '(recs[-1]["type"], recs[-1]["files"]==sum(1 for r in recs if r["type"]=="file"), recs[-1]["containers"])')
[ "$got" = "('summary', True, 4)" ] && ok || bad "summary: $got"

# Text output and exit codes.
out=$(cd "$WORK" && "$CANDOR" audit -r t:rules.yar prod.tar.gz)
echo "$out" | grep -q "^critical .*hidden-function .*t:marker .*inner.7z!7zip!/s/marked.bin @0x$(printf %x "$want_off") \$m: $MARKER\$" \
    && ok || bad "text line: $out"
echo "$out" | tail -n 1 | grep -q '^audit: 1 products, .* 1 critical, 0 high' && ok || bad "text summary: $out"
(cd "$WORK" && "$CANDOR" audit -r rules.yar --fail-on high prod.tar.gz >/dev/null)
[ $? -eq 1 ] && ok || bad "--fail-on high with a critical finding: not exit 1"
(cd "$WORK" && "$CANDOR" audit -r rules.yar --fail-on high orig/tree/top/etc/secret >/dev/null)
[ $? -eq 0 ] && ok || bad "--fail-on high without findings: not exit 0"
(cd "$WORK" && "$CANDOR" audit -r rules.yar --fail-on bogus prod.tar.gz >/dev/null 2>&1)
[ $? -eq 2 ] && ok || bad "--fail-on bogus: not exit 2"
(cd "$WORK" && "$CANDOR" audit -r missing.yar prod.tar.gz >/dev/null 2>&1)
[ $? -eq 2 ] && ok || bad "unreadable rules: not exit 2"
# Without --rules: the demo rules, which find the EICAR file in a zip.
(cd "$WORK" && cp "$ROOT/demo/sample/eicar.com" . && zip -q e.zip eicar.com &&
    "$CANDOR" audit e.zip >demo.out)
grep -q '^high .* default:eicar_test_file e.zip!zip!/eicar.com @0x0 ' "$WORK/demo.out" \
    && ok || bad "default rules: $(cat "$WORK/demo.out")"
# A directory product: walked, links not followed.
mkdir -p "$WORK/dirprod/sub" && cp "$PROD" "$WORK/dirprod/sub/" &&
    ln -s "$WORK/orig" "$WORK/dirprod/link"
(cd "$WORK" && "$CANDOR" audit --json -r rules.yar dirprod >dir.jsonl)
got=$(json_query "$WORK/dir.jsonl" '(recs[-1]["products"], sum(1 for r in recs if r.get("rule")=="default:marker"))')
[ "$got" = "(1, 1)" ] && ok || bad "directory product: $got"

# A gzip stream of zeros reads as an empty tar to libarchive: it is read
# again as a plain stream, so the audit still sees its 20,000 bytes.
head -c 20000 /dev/zero | gzip >"$WORK/zeros.gz"
want=$(head -c 20000 /dev/zero | sha256sum | cut -d' ' -f1)
(cd "$WORK" && "$CANDOR" audit --json -r rules.yar zeros.gz >zeros.jsonl)
got=$(json_query "$WORK/zeros.jsonl" '[(r["vpath"],r["size"],r["sha256"]) for r in recs if r["type"]=="file" and r["vpath"]!="zeros.gz"]')
[ "$got" = "[('zeros.gz!gzip', 20000, '$want')]" ] && ok || bad "gzip of zeros: $got"

# Carving: containers glued into one blob (tests/audit/carve.py).
python3 "$HERE/carve.py" "$CANDOR" "$WORK" >"$WORK/carve.out"
tally "$WORK/carve.out"

# Firmware images: uImage, FIT, TRX (tests/audit/firmware.py).
python3 "$HERE/firmware.py" "$CANDOR" "$WORK" >"$WORK/firmware.out"
tally "$WORK/firmware.out"

# Android's images: sparse, boot and vendor_boot (tests/audit/android.py).
python3 "$HERE/android.py" "$CANDOR" "$WORK" >"$WORK/android.out"
tally "$WORK/android.out"

# Intel HEX and S-records (tests/audit/hexrec.py).
python3 "$HERE/hexrec.py" "$CANDOR" "$WORK" >"$WORK/hexrec.out"
tally "$WORK/hexrec.out"

# UBI images (tests/audit/ubi.py).
python3 "$HERE/ubi.py" "$CANDOR" "$WORK" >"$WORK/ubi.out"
tally "$WORK/ubi.out"

# The ground-truth product: a root file system in every container format,
# glued into one blob (tests/audit/groundtruth.py).
python3 "$HERE/groundtruth.py" build "$WORK/gt" &&
    (cd "$WORK/gt" && "$CANDOR" audit --json -r /dev/null blob.bin >audit.jsonl)
python3 "$HERE/groundtruth.py" check "$WORK/gt" "$WORK/gt/audit.jsonl" \
    >"$WORK/gt.out"
tally "$WORK/gt.out"

. "$HERE/extract.sh"
. "$HERE/hostile.sh"
. "$HERE/sarif.sh"
. "$HERE/progress.sh"
. "$HERE/fs.sh"
. "$HERE/ubifs.sh"
. "$HERE/threads.sh"
finish
