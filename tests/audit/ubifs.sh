# tests/audit/ubifs.sh - sourced by run.sh after fs.sh, whose tree, truth
# and helpers (fs_audit, fs_check, fs_marker, fs_errors) it uses: UBIFS
# images made by mkfs.ubifs (mtd-utils) from that tree, each checked entry
# by entry against stat and SHA-256 of the originals, with every
# compressor mkfs.ubifs has, a deep index (fanout 3, small LEBs), the image
# carved from a blob and inside a tar.gz, and damaged images.
if command -v mkfs.ubifs >/dev/null 2>&1 && [ -s "$FS/tree.tsv" ]; then
    UB=$FS/ubifs
    mkdir -p "$UB"
    for comp in lzo zlib zstd none favor_lzo; do
        img=ubifs/img-$comp.ubifs
        mkfs.ubifs -r "$FST" -m 2048 -e 126976 -c 2000 -x $comp -o "$FS/$img"
        fs_audit $img
        fs_check $img "$img!ubifs!/" "$FS/$img.jsonl"
        fs_marker "$FS/$img.jsonl" "$img!ubifs!/bin/marked" $(case $comp in *lzo|none) echo 0 ;; esac)
        [ -z "$(fs_errors "$FS/$img.jsonl")" ] && ok || bad "$img: $(fs_errors "$FS/$img.jsonl")"
    done
    # The smallest LEBs UBIFS allows and an index of fanout 3: many index
    # levels, nodes spread over hundreds of LEBs.
    img=ubifs/img-deep.ubifs
    mkfs.ubifs -r "$FST" -m 512 -e 15360 -c 8000 -f 3 -x zlib -o "$FS/$img"
    fs_audit $img
    fs_check $img "$img!ubifs!/" "$FS/$img.jsonl"
    fs_marker "$FS/$img.jsonl" "$img!ubifs!/bin/marked"

    # Carved after 1000 random bytes and followed by a gzip stream: the
    # image's extent ends where its last LEB does.
    { head -c 1000 /dev/urandom; cat "$UB/img-zstd.ubifs"; gzip -c "$FST/bin/marked"; } >"$UB/blob.bin"
    fs_audit ubifs/blob.bin
    n=$(stat -c %s "$UB/img-zstd.ubifs")
    got=$(json_query "$UB/blob.bin.jsonl" 'sorted(r["vpath"] for r in recs if r.get("rule")=="t:marker")')
    want="['ubifs/blob.bin!gzip@0x$(printf %x $((1000 + n)))', 'ubifs/blob.bin!ubifs@0x3e8!/bin/marked']"
    [ "$got" = "$want" ] && ok || bad "carved ubifs: marker in $got, want $want"
    # Inside a tar.gz, at the second level.
    tar -C "$UB" -czf "$UB/nested.tar.gz" img-lzo.ubifs
    fs_audit ubifs/nested.tar.gz
    n=$(json_query "$UB/nested.tar.gz.jsonl" 'sum(1 for r in recs if r["type"]=="file" and r["vpath"].startswith("ubifs/nested.tar.gz!gzip+tar!/img-lzo.ubifs!ubifs!/"))')
    want=$(wc -l <"$FS/tree.tsv")
    [ "$n" = "$want" ] && ok || bad "nested ubifs: $n entries, want $want"

    # Damaged images in a tar, a good file after them. The master node of
    # LEB 1 spoiled: its copy in LEB 2 is read, every entry found. Both
    # spoiled: an unpack error. Cut after 5 LEBs: the index is gone. A
    # data node of bin/big spoiled: that file's error, the rest read.
    mkdir -p "$UB/bad"
    leb=126976
    cp "$UB/img-lzo.ubifs" "$UB/bad/mst1.ubifs"
    printf 'XXXX' | dd of="$UB/bad/mst1.ubifs" bs=1 seek=$((leb + 100)) conv=notrunc status=none
    cp "$UB/bad/mst1.ubifs" "$UB/bad/mst12.ubifs"
    printf 'XXXX' | dd of="$UB/bad/mst12.ubifs" bs=1 seek=$((2 * leb + 100)) conv=notrunc status=none
    head -c $((5 * leb)) "$UB/img-lzo.ubifs" >"$UB/bad/cut.ubifs"
    python3 - "$UB/img-none.ubifs" "$UB/bad/data.ubifs" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
# bin/big holds "300000\n300001\n" (no other file does), stored as it is.
at = b.index(b"300000\n300001\n")
b[at + 100:at + 104] = b"XXXX"
open(sys.argv[2], "wb").write(b)
PY
    cp "$FST/bin/marked" "$UB/bad/zz-after"
    tar -C "$UB/bad" -cf "$UB/bad.tar" mst1.ubifs mst12.ubifs cut.ubifs data.ubifs zz-after
    fs_audit ubifs/bad.tar
    errs=$(fs_errors "$UB/bad.tar.jsonl")
    n=$(json_query "$UB/bad.tar.jsonl" 'sum(1 for r in recs if r["type"]=="file" and "/mst1.ubifs!ubifs!/" in r["vpath"])')
    want=$(wc -l <"$FS/tree.tsv")
    [ "$n" = "$want" ] && ok || bad "master node of LEB 1 spoiled: $n entries, want $want ($errs)"
    echo "$errs" | grep -q '^ubifs/bad.tar!tar!/mst12.ubifs ubifs: no valid master node' \
        && ok || bad "both master nodes spoiled: $errs"
    echo "$errs" | grep -q '^ubifs/bad.tar!tar!/cut.ubifs ubifs: ' && ok || bad "truncated ubifs: $errs"
    echo "$errs" | grep -q '^ubifs/bad.tar!tar!/data.ubifs!ubifs!/bin/big ubifs: a damaged data node' \
        && ok || bad "spoiled data node: $errs"
    got=$(json_query "$UB/bad.tar.jsonl" 'sorted(r["vpath"] for r in recs if r.get("rule")=="t:marker" and "!tar!/" in r["vpath"] and not r["vpath"].endswith(".ubifs"))')
    want="['ubifs/bad.tar!tar!/data.ubifs!ubifs!/bin/marked', 'ubifs/bad.tar!tar!/mst1.ubifs!ubifs!/bin/marked', 'ubifs/bad.tar!tar!/zz-after']"
    [ "$got" = "$want" ] && ok || bad "after damaged ubifs images: marker found in $got"
else
    bad "mkfs.ubifs is not installed (scripts/setup.sh installs mtd-utils)"
fi
