# tests/audit/fs.sh - sourced by run.sh: file system images built with
# Debian's tools (mksquashfs, mke2fs -d, mkfs.jffs2), each checked entry by entry against the tree
# it was made from (tests/audit/fstruth.py: stat and SHA-256 of the
# originals), a rule's finding at its offset inside an image, an image
# inside a tar.gz, and damaged images.

FS=$WORK/fs
FST=$FS/tree # what every image holds

# fs_tree: files of 0, 1, 4095, 4096, 4097 bytes, a few MiB (several
# blocks and a fragment), a sparse file, the marker at a known offset,
# setuid, setgid, sticky and odd modes, other owners, symbolic links of 14
# and 100 bytes, a hard link, 40 nested directories, an empty directory,
# devices, a FIFO, a socket, names with spaces, UTF-8 and '%'.
fs_tree() {
    local d=$FST i p
    mkdir -p "$d/bin" "$d/etc" "$d/empty" "$d/sp ace/dïr %20"
    for i in 0 1 4095 4096 4097; do head -c $i /dev/urandom >"$d/bin/r$i"; done
    { seq 1 400000; head -c 1000000 /dev/urandom; } >"$d/bin/big"
    truncate -s 5000000 "$d/bin/sparse"
    printf 'in the middle' | dd of="$d/bin/sparse" bs=1 seek=1500000 conv=notrunc status=none
    # The marker at 200000 in text, so that compressed images do not hold
    # it as it is.
    { seq 1 40000 | head -c 200000; printf '%s' "$MARKER"; seq 1 20000; } >"$d/bin/marked"
    cp "$d/bin/r4097" "$d/bin/su-tool" && chmod 4755 "$d/bin/su-tool"
    printf 'group\n' >"$d/bin/sg-tool" && chmod 2711 "$d/bin/sg-tool"
    printf 'x' >"$d/etc/odd" && chmod 0401 "$d/etc/odd"
    printf 'secret\n' >"$d/etc/shadow" && chmod 0600 "$d/etc/shadow" &&
        chown 1234:5678 "$d/etc/shadow"
    # Owners past 16 bits (ext keeps the high half apart).
    printf 'high\n' >"$d/etc/high" && chown 70000:80001 "$d/etc/high"
    chmod 1777 "$d/empty"
    printf 'two names\n' >"$d/etc/a" && ln "$d/etc/a" "$d/bin/a-again"
    ln -s ../bin/r4096 "$d/etc/short"
    ln -s "/$(printf 'long/%.0s' $(seq 1 19))target" "$d/etc/long" # 100 bytes
    p=$d/deep
    for i in $(seq 1 40); do p=$p/d$i; done
    mkdir -p "$p" && printf 'bottom\n' >"$p/f"
    printf 'spaces\n' >"$d/sp ace/dïr %20/fïle %s.txt"
    mknod "$d/etc/null" c 1 3 2>/dev/null
    mknod "$d/etc/loop0" b 7 0 2>/dev/null
    mkfifo "$d/etc/fifo"
    python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$d/etc/sock"
}

# fs_check IMAGE PREFIX JSONL: the audit of IMAGE against the tree (whose
# truth fs_tree_truth wrote once, or FS_TRUTH).
fs_check() {
    local img=$1 prefix=$2 out=$3 line f
    PREFIX=$prefix python3 -c 'import os,sys
for l in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    sys.stdout.write(os.environ["PREFIX"] + l)' "${FS_TRUTH:-$FS/tree.tsv}" >"$FS/truth.tsv"
    { python3 "$HERE/check.py" "$FS/truth.tsv" "$out"
      python3 "$HERE/fstruth.py" extra "$FST" "$prefix" "$out"; } >"$FS/check.out"
    grep '^FAIL' "$FS/check.out" | sed "s|^FAIL |FAIL $img: |" | head -n 20
    for line in $(grep -E '^[0-9]+ passed' "$FS/check.out" | tr ' ' '_'); do
        pass=$((pass + ${line%%_passed*}))
        f=${line#*passed,_}
        fail=$((fail + ${f%%_failed*}))
    done
}

# fs_marker JSONL VPATH [ALL]: the marker rule found once, at VPATH, at the
# offset the marker has in the original; with ALL=0, findings in files
# that are not bin/marked are not counted (an uncompressed image holds the
# marker as it is).
fs_marker() {
    local got want
    got=$(json_query "$1" '[(r["vpath"],r["offset"]) for r in recs if r["type"]=="finding" and r["rule"]=="t:marker" and ('"${3:-1}"' or r["vpath"].endswith("/bin/marked"))]')
    want="[('$2', 200000)]"
    [ "$got" = "$want" ] && ok || bad "marker in $2: got $got want $want"
}

# fs_errors JSONL: the unpack errors, one a line.
fs_errors() {
    json_query "$1" '"\n".join(r["vpath"]+" "+r["evidence"] for r in recs if r.get("rule")=="unpack.error")'
}

fs_audit() { # IMAGE-NAME: audits $FS/IMAGE-NAME into $FS/IMAGE-NAME.jsonl
    (cd "$FS" && "$CANDOR" audit --json -r t:../rules.yar "$1" >"$1.jsonl" 2>"$1.err")
    local rc=$?
    [ $rc -eq 0 ] && ok || bad "$1: exit $rc: $(head -c 300 "$FS/$1.err")"
}

mkdir -p "$FS"
fs_tree
python3 "$HERE/fstruth.py" truth "$FST" "" >"$FS/tree.tsv"

if command -v mksquashfs >/dev/null 2>&1; then
    for comp in gzip xz lzma lz4 zstd; do
        img=img-$comp.sqfs
        mksquashfs "$FST" "$FS/$img" -comp $comp -noappend -quiet -no-progress >/dev/null
        fs_audit $img
        fs_check $img "$img!squashfs!/" "$FS/$img.jsonl"
        # lz4 keeps the marker as a literal: only its entry is checked.
        fs_marker "$FS/$img.jsonl" "$img!squashfs!/bin/marked" $([ $comp = lz4 ] && echo 0)
        [ -z "$(fs_errors "$FS/$img.jsonl")" ] && ok || bad "$img: $(fs_errors "$FS/$img.jsonl")"
    done
    # 4 KiB blocks, nothing compressed, no fragments: the other paths of
    # the data reader (and of the directory index: 40 levels, many blocks).
    img=img-small.sqfs
    mksquashfs "$FST" "$FS/$img" -b 4096 -noI -noD -noF -no-fragments -noappend -quiet -no-progress >/dev/null
    fs_audit $img
    fs_check $img "$img!squashfs!/" "$FS/$img.jsonl"
    fs_marker "$FS/$img.jsonl" "$img!squashfs!/bin/marked" 0

    # Inside a tar.gz: the image is found and read at the second level.
    tar -C "$FS" -czf "$FS/nested.tar.gz" img-zstd.sqfs
    fs_audit nested.tar.gz
    fs_marker "$FS/nested.tar.gz.jsonl" "nested.tar.gz!gzip+tar!/img-zstd.sqfs!squashfs!/bin/marked"
    n=$(json_query "$FS/nested.tar.gz.jsonl" 'sum(1 for r in recs if r["type"]=="file" and r["vpath"].startswith("nested.tar.gz!gzip+tar!/img-zstd.sqfs!squashfs!/"))')
    want=$(wc -l <"$FS/tree.tsv")
    [ "$n" = "$want" ] && ok || bad "nested image: $n entries, want $want"

    # Carved: after 1000 other bytes, and followed by a gzip stream.
    { head -c 1000 /dev/urandom; cat "$FS/img-zstd.sqfs"; gzip -c "$FST/bin/marked"; } >"$FS/blob.bin"
    fs_audit blob.bin
    n=$(stat -c %s "$FS/img-zstd.sqfs")
    got=$(json_query "$FS/blob.bin.jsonl" 'sorted(r["vpath"] for r in recs if r.get("rule")=="t:marker")')
    want="['blob.bin!gzip@0x$(printf %x $((1000 + n)))', 'blob.bin!squashfs@0x3e8!/bin/marked']"
    [ "$got" = "$want" ] && ok || bad "carved image: marker in $got, want $want"

    # LZO: mksquashfs writes it, Debian's libsquashfs does not read it. An
    # unpack error names the compressor; the image is still scanned whole.
    if mksquashfs "$FST" "$FS/img-lzo.sqfs" -comp lzo -noappend -quiet -no-progress >/dev/null 2>&1; then
        fs_audit img-lzo.sqfs
        fs_errors "$FS/img-lzo.sqfs.jsonl" | grep -q '^img-lzo.sqfs .*compressor lzo' \
            && ok || bad "lzo image: $(fs_errors "$FS/img-lzo.sqfs.jsonl")"
    fi

    # Damaged images in a tar with a good file after them: an unpack error
    # for each, no crash, and the file after them still scanned.
    mkdir -p "$FS/bad"
    head -c 100000 "$FS/img-xz.sqfs" >"$FS/bad/cut.sqfs"
    # bin/big's blocks come first, after the superblock: spoiling one
    # gives a data error for that file and the others are read.
    cp "$FS/img-gzip.sqfs" "$FS/bad/flipped.sqfs"
    printf '%01000d' 0 | dd of="$FS/bad/flipped.sqfs" bs=1 seek=2000 conv=notrunc status=none
    cp "$FST/bin/marked" "$FS/bad/zz-after"
    tar -C "$FS/bad" -cf "$FS/bad.tar" cut.sqfs flipped.sqfs zz-after
    fs_audit bad.tar
    errs=$(fs_errors "$FS/bad.tar.jsonl")
    echo "$errs" | grep -q '^bad.tar!tar!/cut.sqfs' && ok || bad "truncated image: $errs"
    echo "$errs" | grep -q '^bad.tar!tar!/flipped.sqfs!squashfs!/bin/big ' && ok || bad "flipped image: $errs"
    got=$(json_query "$FS/bad.tar.jsonl" 'sorted(r["vpath"] for r in recs if r.get("rule")=="t:marker" and r["vpath"]!="bad.tar")')
    want="['bad.tar!tar!/flipped.sqfs!squashfs!/bin/marked', 'bad.tar!tar!/zz-after']"
    [ "$got" = "$want" ] && ok || bad "after damaged images: marker found in $got"

    # A directory whose entry leads back to the root (metadata left
    # uncompressed, then the entry's inode offset patched): an unpack error
    # for it, the rest read. The same for 300 nested directories.
    mkdir -p "$FS/loop/sub/loop" "$FS/deep/$(printf 'd/%.0s' $(seq 1 300))"
    printf 'after\n' >"$FS/loop/sub/z"
    printf 'after\n' >"$FS/deep/z"
    mksquashfs "$FS/loop" "$FS/loop.sqfs" -noI -noD -noF -noappend -quiet -no-progress >/dev/null
    mksquashfs "$FS/deep" "$FS/deep.sqfs" -noappend -quiet -no-progress >/dev/null
    python3 - "$FS/loop.sqfs" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
root = int.from_bytes(b[32:40], "little")
# A directory entry: offset, inode diff, type 1 (directory), name size - 1.
at = b.index(b"\x01\x00\x03\x00loop") - 4
assert root >> 16 == 0, "the root inode is not in the first block"
b[at:at + 2] = (root & 0xFFFF).to_bytes(2, "little")
open(p, "wb").write(b)
PY
    fs_audit loop.sqfs
    fs_audit deep.sqfs
    errs=$(fs_errors "$FS/loop.sqfs.jsonl")
    echo "$errs" | grep -q '^loop.sqfs!squashfs a directory already read .*: /sub/loop$' \
        && ok || bad "directory loop: $errs"
    got=$(json_query "$FS/loop.sqfs.jsonl" '[r["size"] for r in recs if r.get("vpath")=="loop.sqfs!squashfs!/sub/z"]')
    [ "$got" = "[6]" ] && ok || bad "after the loop: $got"
    errs=$(fs_errors "$FS/deep.sqfs.jsonl")
    echo "$errs" | grep -q '^deep.sqfs!squashfs directories nested too deep: not read: /d/d/d/d/d' \
        && ok || bad "300 directories: $errs"
    got=$(json_query "$FS/deep.sqfs.jsonl" '(sum(1 for r in recs if r["type"]=="file" and r["kind"]=="dir"), [r["size"] for r in recs if r.get("vpath")=="deep.sqfs!squashfs!/z"])')
    [ "$got" = "(256, [6])" ] && ok || bad "300 directories: (directories, z) $got"
else
    bad "mksquashfs is not installed (scripts/setup.sh installs squashfs-tools)"
fi

if command -v mke2fs >/dev/null 2>&1; then
    . "$HERE/fs_ext.sh"
else
    bad "mke2fs is not installed (scripts/setup.sh installs e2fsprogs)"
fi

if command -v mkfs.jffs2 >/dev/null 2>&1; then
    . "$HERE/fs_jffs2.sh"
else
    bad "mkfs.jffs2 is not installed (scripts/setup.sh installs mtd-utils)"
fi
