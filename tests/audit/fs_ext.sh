# tests/audit/fs_ext.sh - sourced by fs.sh: ext2, ext3 and ext4 images
# made by mke2fs -d from the same tree ($FST), each entry checked against
# the originals (stat, SHA-256: fstruth.py) like the SquashFS images, plus
# damaged and hostile images. debugfs (e2fsprogs) says where an inode is
# and checks that each image has the layout it is meant to test.

# ext_image NAME SIZE MKE2FS-OPTIONS...: $FS/NAME from the tree.
ext_image() {
    local name=$1 size=$2
    shift 2
    rm -f "$FS/$name"
    mke2fs -q -F -E root_owner=0:0 "$@" -d "$FST" "$FS/$name" "$size" >"$FS/$name.mk" 2>&1 \
        || bad "mke2fs $*: $(head -c 300 "$FS/$name.mk")"
}

# ext_stat IMAGE PATH: debugfs's view of an inode.
ext_stat() { debugfs -R "stat \"$2\"" "$1" 2>/dev/null; }

ext_count() { # JSONL PREFIX: the file records under PREFIX
    json_query "$1" 'sum(1 for r in recs if r["type"]=="file" and r["vpath"].startswith("'"$2"'"))'
}

# ext_truth IMAGE: the tree's truth, but for files whose size in the image
# is not the original's (mke2fs 1.47 with inline_data cuts a sparse file
# at its last data): those are checked against debugfs's dump of them.
ext_truth() {
    local img=$FS/$1
    python3 - "$FS/tree.tsv" "$img" >"$FS/ext-truth.tsv" <<'PY'
import hashlib, re, subprocess, sys
truth, img = sys.argv[1], sys.argv[2]
for line in open(truth, encoding="utf-8", errors="surrogateescape"):
    f = line.rstrip("\n").split("\t")
    if f[1] == "file":
        st = subprocess.run(["debugfs", "-R", 'stat "/%s"' % f[0], img],
                            capture_output=True).stdout.decode("utf-8", "replace")
        m = re.search(r"Size: (\d+)", st)
        if m and m.group(1) != f[2]:
            data = subprocess.run(["debugfs", "-R", 'cat "/%s"' % f[0], img],
                                  capture_output=True).stdout
            f[2], f[5] = m.group(1), hashlib.sha256(data).hexdigest()
            print("note: %s: %s bytes in the image" % (f[0], m.group(1)), file=sys.stderr)
    sys.stdout.write("\t".join(f) + "\n")
PY
}

n_tree=$(wc -l <"$FS/tree.tsv")
while IFS=: read -r name opts; do
    img=$name.img
    # shellcheck disable=SC2086
    ext_image "$img" 24M $opts
    fs_audit "$img"
    ext_truth "$img"
    FS_TRUTH=$FS/ext-truth.tsv fs_check "$img" "$img!ext!/" "$FS/$img.jsonl"
    # Nothing but the tree and mke2fs's lost+found.
    got=$(json_query "$FS/$img.jsonl" '[(r["kind"],r["mode"]) for r in recs if r.get("vpath")=="'"$img"'!ext!/lost+found"]')
    [ "$got" = "[('dir', '0700')]" ] && ok || bad "$img: lost+found $got"
    n=$(ext_count "$FS/$img.jsonl" "$img!ext!/")
    [ "$n" = $((n_tree + 1)) ] && ok || bad "$img: $n entries, want $((n_tree + 1))"
    fs_marker "$FS/$img.jsonl" "$img!ext!/bin/marked" 0
    [ -z "$(fs_errors "$FS/$img.jsonl")" ] && ok || bad "$img: $(fs_errors "$FS/$img.jsonl")"
done <<'EOF'
ext2-1k:-t ext2 -b 1024
ext2-4k:-t ext2 -b 4096
ext3-1k:-t ext3 -b 1024
ext4-1k:-t ext4 -b 1024
ext4-4k:-t ext4 -b 4096
ext4-ind:-t ext4 -b 4096 -O ^extent,^64bit
ext4-inline:-t ext4 -b 4096 -I 256 -O inline_data
EOF

# The images have the layouts they are there for: extents, indirect
# blocks (bin/big needs a double indirect block with 1 KiB blocks), a slow
# symbolic link, inline data, a journal.
ext_stat "$FS/ext4-4k.img" /bin/big | grep -q '^EXTENTS:' && ok || bad "ext4-4k: bin/big has no extents"
ext_stat "$FS/ext4-ind.img" /bin/big | grep -q '(IND)' && ok || bad "ext4-ind: bin/big has no indirect block"
ext_stat "$FS/ext2-1k.img" /bin/big | grep -q '(DIND)' && ok || bad "ext2-1k: bin/big has no double indirect block"
ext_stat "$FS/ext2-4k.img" /etc/long | grep -q '^BLOCKS:' && ok || bad "ext2-4k: etc/long is a fast link"
ext_stat "$FS/ext4-inline.img" /bin/r1 | grep -q 'inline data' && ok || bad "ext4-inline: bin/r1 not inline"
ext_stat "$FS/ext4-inline.img" "/sp ace" | grep -q 'inline data' && ok || bad "ext4-inline: sp ace not inline"
debugfs -R features "$FS/ext3-1k.img" 2>/dev/null | grep -q has_journal && ok || bad "ext3-1k: no journal"

# Carved: after 1000 other bytes, followed by a gzip stream; the image
# ends where blocks_count * block_size says.
{ head -c 1000 /dev/urandom; cat "$FS/ext4-4k.img"; gzip -c "$FST/bin/marked"; } >"$FS/eblob.bin"
fs_audit eblob.bin
n=$(stat -c %s "$FS/ext4-4k.img")
got=$(json_query "$FS/eblob.bin.jsonl" 'sorted(r["vpath"] for r in recs if r.get("rule")=="t:marker")')
want="['eblob.bin', 'eblob.bin!ext@0x3e8!/bin/marked', 'eblob.bin!gzip@0x$(printf %x $((1000 + n)))']"
[ "$got" = "$want" ] && ok || bad "carved ext image: marker in $got, want $want"
n=$(ext_count "$FS/eblob.bin.jsonl" "eblob.bin!ext@0x3e8!/")
[ "$n" = $((n_tree + 1)) ] && ok || bad "carved ext image: $n entries, want $((n_tree + 1))"

# Damaged images in a tar with a good file after them.
mkdir -p "$FS/ebad"
# Cut after 3 MB: the superblock, descriptors, inode tables and the root
# directory are there, most data and the other directories are not: their
# data and listings fail, the rest is read.
head -c 3000000 "$FS/ext4-1k.img" >"$FS/ebad/cut.ext4"
# bin/big's inode changed (its access time): its checksum fails.
cp "$FS/ext4-4k.img" "$FS/ebad/flipped.ext4"
loc=$(debugfs -R 'imap /bin/big' "$FS/ebad/flipped.ext4" 2>/dev/null | sed -n 's/.*located at block \([0-9]*\), offset \(0x[0-9a-f]*\).*/\1 \2/p')
read -r blk off <<<"$loc"
# (Its bits inverted: writing a fixed byte left it as it was when the
# access time's low byte happened to be that byte.)
python3 -c 'import sys
f = open(sys.argv[1], "r+b"); at = int(sys.argv[2])
f.seek(at); b = f.read(1); f.seek(at); f.write(bytes([b[0] ^ 0xFF]))' \
    "$FS/ebad/flipped.ext4" $((blk * 4096 + off + 8))
# A directory that holds a name for the root: a loop.
cp "$FS/ext2-1k.img" "$FS/ebad/loop.ext2"
debugfs -w -R 'link / /etc/up' "$FS/ebad/loop.ext2" >/dev/null 2>&1
cp "$FST/bin/marked" "$FS/ebad/zz-after"
tar -C "$FS/ebad" -cf "$FS/ebad.tar" cut.ext4 flipped.ext4 loop.ext2 zz-after
fs_audit ebad.tar
errs=$(fs_errors "$FS/ebad.tar.jsonl")
echo "$errs" | grep -q '^ebad.tar!tar!/cut.ext4!ext!/.* data at offset [0-9]*: .*short read' && ok || bad "cut ext image: $errs"
got=$(json_query "$FS/ebad.tar.jsonl" 'len([r for r in recs if r["type"]=="file" and r["vpath"].startswith("ebad.tar!tar!/cut.ext4!ext!/")])')
[ "$got" -ge 15 ] && ok || bad "cut ext image: $got entries read"
echo "$errs" | grep -q '^ebad.tar!tar!/flipped.ext4!ext inode: .*checksum.*: /bin/big$' && ok || bad "flipped inode: $errs"
echo "$errs" | grep -q '^ebad.tar!tar!/loop.ext2!ext a directory already read .*: /etc/up$' && ok || bad "ext loop: $errs"
got=$(json_query "$FS/ebad.tar.jsonl" 'sorted(r["vpath"] for r in recs if r.get("rule")=="t:marker" and r["vpath"].endswith("marked") or r.get("rule")=="t:marker" and r["vpath"].endswith("zz-after"))')
want="['ebad.tar!tar!/flipped.ext4!ext!/bin/marked', 'ebad.tar!tar!/loop.ext2!ext!/bin/marked', 'ebad.tar!tar!/zz-after']"
[ "$got" = "$want" ] && ok || bad "after damaged ext images: marker found in $got"
got=$(json_query "$FS/ebad.tar.jsonl" '[r["sha256"] for r in recs if r.get("vpath")=="ebad.tar!tar!/flipped.ext4!ext!/bin/r4097"]')
[ "$got" = "['$(sha256sum "$FST/bin/r4097" | cut -c1-64)']" ] && ok || bad "flipped ext image: bin/r4097 $got"

# Hostile superblocks on a 256 KiB image: 2^32 - 1 blocks of 1 KiB in
# groups of 8 (2^29 group descriptors, 16 GiB), and an inode count that
# does not match the groups. Each an error at once, in little memory.
mkdir -p "$FS/ehost"
printf 'small\n' >"$FS/ehost/f"
mke2fs -q -F -t ext2 -b 1024 -d "$FS/ehost" "$FS/ehost.img" 256k >/dev/null 2>&1
python3 - "$FS/ehost.img" "$FS" <<'PY'
import struct, sys
img, out = sys.argv[1], sys.argv[2]
b = bytearray(open(img, "rb").read())
def patched(fields):
    c = bytearray(b)
    for off, val in fields:
        struct.pack_into("<I", c, 1024 + off, val)
    return c
# s_blocks_count (4), s_blocks_per_group (32), s_inodes_count (0)
open(out + "/huge.ext2", "wb").write(patched([(4, 0xFFFFFFFF), (32, 8)]))
open(out + "/inodes.ext2", "wb").write(patched([(0, 0xFFFFFFF0)]))
PY
for f in huge inodes; do
    (cd "$FS" && command time -f %M -o "$f.mem" "$CANDOR" audit --json -r t:../rules.yar "$f.ext2" >"$f.ext2.jsonl" 2>/dev/null)
    mem=$(tail -n 1 "$FS/$f.mem")
    [ "$mem" -lt 100000 ] && ok || bad "$f.ext2: peak memory $mem KiB"
done
fs_errors "$FS/huge.ext2.jsonl" | grep -q '^huge.ext2!ext ext superblock: more group descriptors than the image holds' \
    && ok || bad "huge.ext2: $(fs_errors "$FS/huge.ext2.jsonl")"
fs_errors "$FS/inodes.ext2.jsonl" | grep -q '^inodes.ext2!ext ext superblock: inode count does not match the groups' \
    && ok || bad "inodes.ext2: $(fs_errors "$FS/inodes.ext2.jsonl")"

# 300 nested directories: 256 read, an error, the file after them read.
ext_deep=$FS/deep
[ -d "$ext_deep" ] || { mkdir -p "$ext_deep/$(printf 'd/%.0s' $(seq 1 300))"; printf 'after\n' >"$ext_deep/z"; }
mke2fs -q -F -t ext4 -d "$ext_deep" "$FS/deep.ext4" 8M >/dev/null 2>&1
fs_audit deep.ext4
fs_errors "$FS/deep.ext4.jsonl" | grep -q '^deep.ext4!ext directories nested too deep: not read: /d/d/d/d/d' \
    && ok || bad "300 ext directories: $(fs_errors "$FS/deep.ext4.jsonl")"
got=$(json_query "$FS/deep.ext4.jsonl" '[r["size"] for r in recs if r.get("vpath")=="deep.ext4!ext!/z"]')
[ "$got" = "[6]" ] && ok || bad "300 ext directories: z $got"
