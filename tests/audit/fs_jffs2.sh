# tests/audit/fs_jffs2.sh - sourced by fs.sh: JFFS2 images of the tree
# ($FST) made by mkfs.jffs2 (mtd-utils) in both byte orders with each
# compressor it has (zlib, rtime, lzo), with and without clean markers
# and padding, and by tests/audit/jffs2w.py with LZMA nodes (which no
# Debian tool writes) and with nodes that overwrite and delete one
# another; each entry checked against the originals (fstruth.py; JFFS2
# keeps owners in 16 bits), then damaged images.

n_tree=$(wc -l <"$FS/tree.tsv")
while IFS=: read -r name opts; do
    img=$name.jffs2
    # shellcheck disable=SC2086
    mkfs.jffs2 $opts -r "$FST" -o "$FS/$img" 2>"$FS/$img.mk" || bad "mkfs.jffs2 $opts: $(head -c 300 "$FS/$img.mk")"
    fs_audit "$img"
    FS_OWNER_BITS=16 fs_check "$img" "$img!jffs2!/" "$FS/$img.jsonl"
    n=$(json_query "$FS/$img.jsonl" 'sum(1 for r in recs if r["type"]=="file" and r["vpath"].startswith("'"$img"'!jffs2!/"))')
    [ "$n" = "$n_tree" ] && ok || bad "$img: $n entries, want $n_tree"
        # uncompressed and lzo images hold the marker as it is
    fs_marker "$FS/$img.jsonl" "$img!jffs2!/bin/marked" $(case $name in *none* | *lzo*) echo 0 ;; esac)
    [ -z "$(fs_errors "$FS/$img.jsonl")" ] && ok || bad "$img: $(fs_errors "$FS/$img.jsonl")"
done <<'EOF'
le-zlib:-l -e 0x10000
be-zlib:-b -e 0x10000
le-rtime:-l -e 0x10000 -x zlib
be-rtime:-b -e 0x20000 -x zlib
le-lzo:-l -e 0x10000 -X lzo -x zlib -x rtime
be-lzo:-b -e 0x10000 -X lzo -x zlib -x rtime
le-none-pad:-l -e 0x10000 -x zlib -x rtime -p
le-cm16:-l -e 0x10000 -c 16
be-nocm:-b -e 0x10000 -n
EOF

# Each compressor is in the image meant for it: count the nodes of each
# compression type, from the published layout (Python, not candor).
jffs2_comprs() { # IMAGE le|be: "type:count ..." of the inode nodes
    python3 - "$1" "$2" <<'PY'
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
e = ">" if sys.argv[2] == "be" else "<"
seen, pos = {}, 0
while pos + 12 <= len(b):
    magic, ntype, totlen, hcrc = struct.unpack_from(e + "HHII", b, pos)
    if magic != 0x1985 or hcrc != ~zlib.crc32(b[pos:pos + 8], 0xFFFFFFFF) & 0xFFFFFFFF:
        pos += 4
        continue
    if ntype == 0xE002:
        c = b[pos + 56]
        seen[c] = seen.get(c, 0) + 1
    pos += (totlen + 3) & ~3
print(" ".join("%d:%d" % kv for kv in sorted(seen.items())))
PY
}
for want in "le-zlib le 6" "be-rtime be 2" "le-lzo le 7"; do
    read -r jname jorder jtype <<<"$want"
    jffs2_comprs "$FS/$jname.jffs2" "$jorder" | grep -q "\b$jtype:[0-9]" && ok || bad "$jname: no nodes of compression $jtype: $(jffs2_comprs "$FS/$jname.jffs2" "$jorder")"
done

# LZMA nodes (jffs2w.py), both byte orders: the whole tree.
for order in le be; do
    img=lzma-$order.jffs2
    python3 "$HERE/jffs2w.py" tree "$FST" "$FS/$img" $order
    fs_audit "$img"
    FS_OWNER_BITS=16 fs_check "$img" "$img!jffs2!/" "$FS/$img.jsonl"
    fs_marker "$FS/$img.jsonl" "$img!jffs2!/bin/marked"
    [ -z "$(fs_errors "$FS/$img.jsonl")" ] && ok || bad "$img: $(fs_errors "$FS/$img.jsonl")"
    jffs2_comprs "$FS/$img" $order | grep -q '\b8:[0-9]' && ok || bad "$img: no LZMA nodes"
done

# Versions: overwritten, truncated, deleted, renamed, chmod, relinked.
for order in le be; do
    img=ver-$order.jffs2
    python3 "$HERE/jffs2w.py" versions "$FS/$img" $order "$FS/ver.tsv"
    fs_audit "$img"
    sed "s|^|$img!jffs2!/|" "$FS/ver.tsv" >"$FS/ver-truth.tsv"
    python3 "$HERE/check.py" "$FS/ver-truth.tsv" "$FS/$img.jsonl" >"$FS/ver.out"
    tally "$FS/ver.out"
    got=$(json_query "$FS/$img.jsonl" 'sorted(r["vpath"].split("!/")[1] for r in recs if r["type"]=="file" and "!jffs2!/" in r["vpath"])')
    [ "$got" = "['v', 'v/chmod', 'v/new', 'v/over', 'v/relink', 'v/trunc']" ] && ok || bad "$img: entries $got"
    got=$(json_query "$FS/$img.jsonl" '[(r["uid"],r["gid"]) for r in recs if r.get("vpath","").endswith("!/v/chmod")]')
    [ "$got" = "[(42, 43)]" ] && ok || bad "$img: chmod owner $got"
done

# Carved: a little-endian and a big-endian image in a blob, between
# random bytes, erased flash, 8 bytes that look like a node header whose
# CRC fails (after the first image: no damage of it) and a gzip stream:
# each image at its offset with its extent (the end of its last node), no
# error.
{ head -c 1000 /dev/urandom; cat "$FS/le-lzo.jffs2"; head -c 3000 /dev/zero | tr '\0' '\377'
  printf '\205\031\001\340\000\000\000\000'
  cat "$FS/be-zlib.jffs2"; gzip -c "$FST/bin/marked"; } >"$FS/jblob.bin"
fs_audit jblob.bin
a=$(stat -c %s "$FS/le-lzo.jffs2")
b=$(stat -c %s "$FS/be-zlib.jffs2")
got=$(json_query "$FS/jblob.bin.jsonl" '[(x["offset"],x["length"],x["format"]) for r in recs if r["type"]=="layout" and r["vpath"]=="jblob.bin" for x in r["ranges"]]')
want="[(1000, $a, 'jffs2'), ($((1000 + a + 3008)), $b, 'jffs2'), ($((4008 + a + b)), $(gzip -c "$FST/bin/marked" | wc -c), 'gzip')]"
[ "$got" = "$want" ] && ok || bad "carved JFFS2: layout $got, want $want"
[ -z "$(fs_errors "$FS/jblob.bin.jsonl")" ] && ok || bad "carved JFFS2: $(fs_errors "$FS/jblob.bin.jsonl")"
for at in 1000 $((4008 + a)); do
    n=$(json_query "$FS/jblob.bin.jsonl" 'sum(1 for r in recs if r["type"]=="file" and r["vpath"].startswith("jblob.bin!jffs2@0x'"$(printf %x $at)"'!/"))')
    [ "$n" = "$n_tree" ] && ok || bad "carved JFFS2 at $at: $n entries, want $n_tree"
done

# Damaged images in a tar, a good file after them.
mkdir -p "$FS/jbad"
# Cut in the middle of a node at 90% (mkfs.jffs2 writes a directory's
# entries, then what is below them): bin's nodes before the cut are read.
n=$(stat -c %s "$FS/le-zlib.jffs2")
head -c $((n * 9 / 10 + 2)) "$FS/le-zlib.jffs2" >"$FS/jbad/cut.jffs2"
# A byte of bin/marked's first data node changed: its data CRC fails.
cp "$FS/le-none-pad.jffs2" "$FS/jbad/flipped.jffs2"
python3 - "$FS/jbad/flipped.jffs2" "$MARKER" <<'PY'
import sys
p, marker = sys.argv[1], sys.argv[2].encode()
b = bytearray(open(p, "rb").read())
# bin/marked is stored uncompressed: its text is in the image as it is;
# the node holding byte 200000 is changed a few bytes before the marker.
at = b.index(marker) - 10
b[at] ^= 0x20
open(p, "wb").write(b)
PY
# The header CRC of etc/odd's directory entry broken: that node is
# skipped (etc/odd is not found) and said so.
cp "$FS/be-zlib.jffs2" "$FS/jbad/header.jffs2"
python3 - "$FS/jbad/header.jffs2" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
# the dirent named "odd": its 40 bytes, then the name (the 3 bytes may
# also stand in compressed data by chance)
q = -1
while True:
    q = b.index(b"odd", q + 1)
    at = q - 40
    if at >= 0 and b[at:at + 4] == b"\x19\x85\xe0\x01" and b[at + 28] == 3:
        break
b[at + 8] ^= 1  # hdr_crc
open(p, "wb").write(b)
PY
cp "$FST/bin/marked" "$FS/jbad/zz-after"
tar -C "$FS/jbad" -cf "$FS/jbad.tar" cut.jffs2 flipped.jffs2 header.jffs2 zz-after
fs_audit jbad.tar
errs=$(fs_errors "$FS/jbad.tar.jsonl")
echo "$errs" | grep -q '^jbad.tar!tar!/cut.jffs2!jffs2 node at offset [0-9]* of [0-9]* bytes past the image.s end' \
    && ok || bad "cut JFFS2: $errs"
echo "$errs" | grep -q '^jbad.tar!tar!/header.jffs2!jffs2 1 nodes whose CRC does not hold: skipped' \
    && ok || bad "JFFS2 header CRC: $errs"
got=$(json_query "$FS/jbad.tar.jsonl" '[r["vpath"] for r in recs if r["type"]=="file" and r["vpath"].startswith("jbad.tar!tar!/header.jffs2!jffs2!/etc/")]')
case $got in *etc/odd*) bad "JFFS2 header CRC: etc/odd read" ;; *etc/shadow*) ok ;; *) bad "JFFS2 header CRC: $got" ;; esac
echo "$errs" | grep -q '^jbad.tar!tar!/flipped.jffs2!jffs2!/bin/marked data at offset 196608: data CRC of the node at offset' \
    && ok || bad "flipped JFFS2 data: $errs"
got=$(json_query "$FS/jbad.tar.jsonl" 'len([r for r in recs if r["type"]=="file" and "cut.jffs2!jffs2!/" in r["vpath"]])')
[ "$got" -ge 8 ] && ok || bad "cut JFFS2: $got entries read"
got=$(json_query "$FS/jbad.tar.jsonl" 'sorted(r["vpath"] for r in recs if r.get("rule")=="t:marker" and (r["vpath"].endswith("/marked") or r["vpath"].endswith("zz-after")))')
want="['jbad.tar!tar!/header.jffs2!jffs2!/bin/marked', 'jbad.tar!tar!/zz-after']"
[ "$got" = "$want" ] && ok || bad "after damaged JFFS2 images: marker found in $got"
got=$(json_query "$FS/jbad.tar.jsonl" '[r["sha256"] for r in recs if r.get("vpath")=="jbad.tar!tar!/flipped.jffs2!jffs2!/bin/r4097"]')
[ "$got" = "['$(sha256sum "$FST/bin/r4097" | cut -c1-64)']" ] && ok || bad "flipped JFFS2 image: bin/r4097 $got"

# A hostile log (jffs2w.py hostile): 200,000 nodes of one page of a 1 GiB
# file, 50,000 versions of one directory entry, 300 nested directories, a
# directory holding itself. Each its finding, the newest entry's file
# right, in little time and memory.
python3 "$HERE/jffs2w.py" hostile "$FS/hostile.jffs2"
(cd "$FS" && command time -f '%e %M' -o hostile.time "$CANDOR" audit --json --max-entry-bytes 1048576 \
    -r t:../rules.yar hostile.jffs2 >hostile.jffs2.jsonl 2>/dev/null)
read -r secs mem <"$FS/hostile.time"
[ "$mem" -lt 150000 ] && ok || bad "hostile JFFS2: peak memory $mem KiB"
python3 -c 'import sys; sys.exit(float(sys.argv[1]) > 30)' "$secs" && ok || bad "hostile JFFS2: $secs s"
errs=$(fs_errors "$FS/hostile.jffs2.jsonl")
echo "$errs" | grep -q '^hostile.jffs2!jffs2 directories nested too deep: not read: /d/d/d' && ok || bad "hostile JFFS2 depth: $errs"
echo "$errs" | grep -q '^hostile.jffs2!jffs2 a directory already read .*: /loop/self$' && ok || bad "hostile JFFS2 loop: $errs"
got=$(json_query "$FS/hostile.jffs2.jsonl" '[(r["rule"]) for r in recs if r.get("vpath")=="hostile.jffs2!jffs2!/many" and r["type"]=="finding"]')
[ "$got" = "['limit.entry-bytes']" ] && ok || bad "hostile JFFS2 many: $got"
got=$(json_query "$FS/hostile.jffs2.jsonl" '[r["sha256"] for r in recs if r.get("vpath")=="hostile.jffs2!jffs2!/same"]')
[ "$got" = "['$(printf 'last!' | sha256sum | cut -c1-64)']" ] && ok || bad "hostile JFFS2 same: $got"
