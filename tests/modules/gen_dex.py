#!/usr/bin/env python3
"""Crafted DEX files for the dex module's tests, built from the Dalvik
Executable format specification (source.android.com, "Dalvik executable
format"): the 0x70-byte header_item (magic "dex\\n0NN\\0", adler32
checksum of everything after it, SHA-1 signature of everything after
that, file_size, header_size, endian_tag 0x12345678, link, map and the
(size, offset) pairs of string_ids, type_ids, proto_ids, field_ids,
method_ids, class_defs and data); string_id_item (u4 string_data_off);
string_data_item (uleb128 utf16_size, MUTF-8 bytes, NUL); type_id_item
(u4 descriptor_idx); proto_id_item (u4 shorty_idx, return_type_idx,
parameters_off); field_id_item and method_id_item (u2 class_idx, u2
type_idx or proto_idx, u4 name_idx); class_def_item (eight u4);
class_data_item (four uleb128 sizes, encoded_field: uleb128 field_idx_diff
and access_flags, encoded_method: uleb128 method_idx_diff, access_flags
and code_off); code_item (u2 registers_size, ins_size, outs_size,
tries_size, u4 debug_info_off, insns_size, u2 insns[]); map_list (u4
size, 12-byte map_item: u2 type, u2 unused, u4 size, u4 offset).

Besides well-formed files it writes truncated and corrupted ones (huge
counts, offsets past the end, indices past their tables, a uleb128 that
runs off the end, a code item cut short), and copies the real DEX files
smali built (tests/modules/dex/*.dex, sources next to them: Debian's
libsmali-java, `smali a -o hello035.dex Hello.smali Other.smali` and
`smali a --api 28 -o try039.dex Try.smali Iface.smali Empty.smali`) with
truncations and corruptions of those.

Usage: gen_dex.py OUTDIR
"""
import hashlib
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = 0x70


def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)


def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def seal(buf):
    """Sets file_size, the signature and the checksum."""
    buf[32:36] = u32(len(buf))
    buf[12:32] = hashlib.sha1(bytes(buf[32:])).digest()
    buf[8:12] = u32(zlib.adler32(bytes(buf[12:])))
    return buf


class Dex:
    """A DEX file described by its tables, laid out by assemble().

    strings: [str]; types: [string index]; protos: [(shorty string,
    return type, [param types])]; fields: [(class type, type, name
    string)]; methods: [(class type, proto, name string)]; classes:
    [dict(cls, flags, sup, static, instance, direct, virtual)] where the
    four lists hold (index, access_flags) for fields and (index,
    access_flags, code or None) for methods, code being (registers, ins,
    outs, tries, [u2 insns], and optionally the bytes that follow the
    insns: padding, try_items, handlers)."""

    def __init__(self, version=b"035"):
        self.version = version
        self.strings, self.types, self.protos = [], [], []
        self.fields, self.methods, self.classes = [], [], []

    def assemble(self):
        at = {}
        n = lambda xs: len(xs)
        off = HEADER
        layout = [("string_ids", 4, self.strings), ("type_ids", 4, self.types),
                  ("proto_ids", 12, self.protos), ("field_ids", 8, self.fields),
                  ("method_ids", 8, self.methods),
                  ("class_defs", 32, self.classes)]
        for name, size, xs in layout:
            at[name] = off if xs else 0
            off += size * n(xs)
        data = bytearray()
        base = off

        def put(b, al=1):
            while (base + len(data)) % al:
                data.append(0)
            p = base + len(data)
            data.extend(b)
            return p

        at["string_data"] = []
        for s in self.strings:
            enc = s.encode()
            at["string_data"].append(put(uleb(len(s)) + enc + b"\0"))
        starts = {0x2002: (base, len(self.strings))}
        params = []
        for _, _, ps in self.protos:
            params.append(put(u32(len(ps)) + b"".join(u16(p) for p in ps), 4)
                          if ps else 0)
        if any(params):
            starts[0x1001] = (min(p for p in params if p),
                              sum(1 for p in params if p))
        at["code"] = {}
        for ci, c in enumerate(self.classes):
            for mi, m in enumerate(c.get("direct", []) + c.get("virtual", [])):
                if m[2] is None:
                    continue
                regs, ins, outs, tries, insns = m[2][:5]
                at["code"][(ci, mi)] = put(
                    u16(regs) + u16(ins) + u16(outs) + u16(tries) + u32(0) +
                    u32(len(insns)) + b"".join(u16(i) for i in insns) +
                    b"".join(m[2][5:]), 4)
        if at["code"]:
            starts[0x2001] = (min(at["code"].values()), len(at["code"]))
        at["class_data"] = []
        for ci, c in enumerate(self.classes):
            if c.get("nodata"):
                at["class_data"].append(0)
                continue
            b = bytearray()
            for key in ("static", "instance", "direct", "virtual"):
                b += uleb(len(c.get(key, [])))
            for key in ("static", "instance"):
                prev = 0
                for idx, flags in c.get(key, []):
                    b += uleb(idx - prev) + uleb(flags)
                    prev = idx
            mi = 0
            for key in ("direct", "virtual"):
                prev = 0
                for idx, flags, _ in c.get(key, []):
                    b += uleb(idx - prev) + uleb(flags) + uleb(
                        at["code"].get((ci, mi), 0))
                    prev = idx
                    mi += 1
            at["class_data"].append(put(bytes(b)))
        items = [(0, 1, 0)]
        for t, name, xs in [(1, "string_ids", self.strings),
                            (2, "type_ids", self.types),
                            (3, "proto_ids", self.protos),
                            (4, "field_ids", self.fields),
                            (5, "method_ids", self.methods),
                            (6, "class_defs", self.classes)]:
            if xs:
                items.append((t, len(xs), at[name]))
        cds = [p for p in at["class_data"] if p]
        if cds:
            starts[0x2000] = (min(cds), len(cds))
        for t, (o, size) in sorted(starts.items(), key=lambda kv: kv[1]):
            items.append((t, size, o))
        at["map"] = put(b"", 4)
        items.append((0x1000, 1, at["map"]))
        put(u32(len(items)) + b"".join(u16(t) + u16(0) + u32(s) + u32(o)
                                       for t, s, o in items))
        buf = bytearray(HEADER)
        buf[0:8] = b"dex\n" + self.version + b"\0"
        hdr = [HEADER, 0x12345678, 0, 0, at["map"]]
        for name, _, xs in layout:
            hdr += [len(xs), at[name]]
        hdr += [len(data), base]
        buf[36:HEADER] = b"".join(u32(v) for v in hdr)
        tables = bytearray()
        tables += b"".join(u32(p) for p in at["string_data"])
        tables += b"".join(u32(t) for t in self.types)
        for i, (shorty, ret, _) in enumerate(self.protos):
            tables += u32(shorty) + u32(ret) + u32(params[i])
        for c, t, nm in self.fields:
            tables += u16(c) + u16(t) + u32(nm)
        for c, p, nm in self.methods:
            tables += u16(c) + u16(p) + u32(nm)
        for ci, c in enumerate(self.classes):
            tables += (u32(c["cls"]) + u32(c.get("flags", 1)) +
                       u32(c.get("sup", 0)) + u32(0) +
                       u32(c.get("source", 0xffffffff)) + u32(0) +
                       u32(at["class_data"][ci]) + u32(0))
        buf += tables + data
        self.at = at
        return seal(buf)


def sample(version=b"035"):
    """Two classes, fields and methods of every kind, code items."""
    d = Dex(version)
    d.strings = ["<init>", "I", "II", "La/B;", "La/C;", "Ljava/lang/Object;",
                 "V", "VI", "count", "f", "g", "main", "run", "\u00e9t\u00e9"]
    # types: 0 I, 1 La/B;, 2 La/C;, 3 Ljava/lang/Object;, 4 V
    d.types = [1, 3, 4, 5, 6]
    # protos: 0 (I)I, 1 ()V, 2 (I)V
    d.protos = [(2, 0, [0]), (6, 4, []), (7, 4, [0])]
    d.fields = [(1, 0, 8), (1, 2, 9), (2, 0, 10), (2, 1, 13)]
    d.methods = [(1, 1, 0), (1, 0, 11), (1, 2, 12), (2, 1, 0), (3, 1, 0)]
    d.classes = [
        dict(cls=1, sup=3, static=[(0, 8)], instance=[(1, 1)],
             direct=[(0, 0x10001, (1, 1, 1, 0, [0x1070, 3, 0, 0x000e])),
                     (1, 9, (2, 1, 0, 0, [0x0f01]))],
             virtual=[(2, 0x101, None)]),
        dict(cls=2, sup=1, flags=0x11, instance=[(2, 2), (3, 0x40)],
             direct=[(3, 0x10001, (1, 1, 0, 1, [0x0000, 0x0000, 0x000e],
                               # padding, a try_item over the first
                               # code unit, a catch-all handler at 2
                               u16(0) + u32(0) + u16(1) + u16(1) +
                               b"\x01\x00\x02"))]),
        dict(cls=3, sup=0xffffffff, nodata=True, flags=0x601),
    ]
    return d


def at_of(buf, name):
    """A header field's offset, by name."""
    names = ["file_size", "header_size", "endian_tag", "link_size",
             "link_off", "map_off", "string_ids_size", "string_ids_off",
             "type_ids_size", "type_ids_off", "proto_ids_size",
             "proto_ids_off", "field_ids_size", "field_ids_off",
             "method_ids_size", "method_ids_off", "class_defs_size",
             "class_defs_off", "data_size", "data_off"]
    return 32 + 4 * names.index(name)


def get32(buf, off):
    return struct.unpack_from("<I", buf, off)[0]


def patched(buf, *edits):
    """A copy with (offset, bytes) edits; an offset given as a header
    field name means that field (4 bytes)."""
    b = bytearray(buf)
    for off, val in edits:
        if isinstance(off, str):
            off = at_of(b, off)
        if isinstance(val, int):
            val = u32(val)
        b[off:off + len(val)] = val
    return b


def crafted():
    """Name -> bytes."""
    out = {}
    d = sample()
    good = d.assemble()
    at = d.at
    out["sample035.dex"] = good
    for v in (b"036", b"037", b"038", b"039", b"040", b"034"):
        out["sample%s.dex" % v.decode()] = sample(v).assemble()
    out["bad_magic.dex"] = patched(good, (7, b"\n"))
    out["header_only.dex"] = good[:HEADER]
    out["short_header.dex"] = good[:HEADER - 1]
    for cut in (0x80, 0xa0, at["class_data"][0] + 3, len(good) - 40,
                len(good) - 1):
        out["sample.cut%d.dex" % cut] = good[:cut]
    sd = at["string_data"]
    huge = 0xffffffff
    out["strings_huge_count.dex"] = patched(good, ("string_ids_size", 0x40000000))
    out["strings_off_past_end.dex"] = patched(good, ("string_ids_off", len(good) + 8))
    out["string_data_past_end.dex"] = patched(
        good, (get32(good, at_of(good, "string_ids_off")) + 4, len(good) + 100))
    out["string_data_at_end.dex"] = patched(
        good, (get32(good, at_of(good, "string_ids_off")) + 4, len(good) - 2))
    out["string_len_huge.dex"] = patched(good, (sd[2], b"\xff\xff\xff\xff\x0f"))
    out["string_len_long.dex"] = patched(good, (sd[2], b"\x90\x03"))
    out["string_uleb_at_end.dex"] = good + b"\xff\xff"
    out["string_uleb_at_end.dex"] = patched(
        out["string_uleb_at_end.dex"],
        (get32(good, at_of(good, "string_ids_off")) + 8, len(good)))
    out["types_huge.dex"] = patched(good, ("type_ids_size", huge))
    out["type_desc_past.dex"] = patched(
        good, (get32(good, at_of(good, "type_ids_off")) + 4, 5000))
    out["protos_huge.dex"] = patched(good, ("proto_ids_size", huge))
    out["proto_shorty_past.dex"] = patched(
        good, (get32(good, at_of(good, "proto_ids_off")) + 12, 777))
    out["fields_huge.dex"] = patched(good, ("field_ids_size", huge))
    out["methods_huge.dex"] = patched(good, ("method_ids_size", huge))
    out["method_ids_off_past.dex"] = patched(good, ("method_ids_off", huge - 3))
    out["field_ids_off_zero.dex"] = patched(good, ("field_ids_off", 0))
    out["classes_huge.dex"] = patched(good, ("class_defs_size", huge))
    out["classes_off_past.dex"] = patched(good, ("class_defs_off", len(good)))
    cdefs = get32(good, at_of(good, "class_defs_off"))
    out["class_data_past.dex"] = patched(good, (cdefs + 24, len(good) + 1))
    out["class_data_at_end.dex"] = patched(good, (cdefs + 24, len(good) - 1))
    out["class_data_loop.dex"] = patched(good, (cdefs + 32 + 24, at["class_data"][0]))
    cd0 = at["class_data"][0]
    out["class_data_huge_sizes.dex"] = patched(
        good, (cd0, b"\xff\xff\xff\xff\x0f"))
    out["class_data_huge_methods.dex"] = patched(
        good, (cd0 + 2, b"\xff\xff\xff\xff\x0f"))
    out["field_idx_past.dex"] = patched(good, (cd0 + 4, b"\x7f"))
    out["field_idx_far.dex"] = patched(good, (cd0 + 4, b"\xff\xff\x03"))
    out["method_idx_past.dex"] = patched(good, (cd0 + 8, b"\x40"))
    # The class and name indices inside field and method ids, past their
    # tables.
    fids = get32(good, at_of(good, "field_ids_off"))
    mids = get32(good, at_of(good, "method_ids_off"))
    pids = get32(good, at_of(good, "proto_ids_off"))
    out["field_class_past.dex"] = patched(good, (fids, b"\x99\x00"))
    out["field_name_past.dex"] = patched(good, (fids + 4, 0x1000))
    out["field_type_past.dex"] = patched(good, (fids + 2, b"\xff\xff"))
    out["method_class_past.dex"] = patched(good, (mids, b"\x09\x00"))
    out["method_proto_past.dex"] = patched(good, (mids + 2, b"\x33\x00"))
    out["method_name_past.dex"] = patched(good, (mids + 4, huge))
    out["proto_shorty_far.dex"] = patched(good, (pids, huge))
    code = sorted(at["code"].values())
    out["code_insns_huge.dex"] = patched(good, (code[0] + 12, huge))
    out["code_insns_long.dex"] = patched(good, (code[0] + 12, 0x400))
    out["code_cut.dex"] = good[:code[0] + 10]
    out["code_insns_cut.dex"] = good[:code[0] + 18]
    out["map_off_past.dex"] = patched(good, ("map_off", len(good) + 4))
    out["map_off_zero.dex"] = patched(good, ("map_off", 0))
    out["map_size_huge.dex"] = patched(good, (at["map"], huge))
    out["map_size_over.dex"] = patched(good, (at["map"], 40))
    out["map_at_end.dex"] = patched(good, ("map_off", len(good) - 2))
    out["endian_reverse.dex"] = patched(good, ("endian_tag", 0x78563412))
    out["all_huge.dex"] = patched(good, *[(f, huge) for f in (
        "string_ids_size", "type_ids_size", "proto_ids_size",
        "field_ids_size", "method_ids_size", "class_defs_size",
        "map_off", "data_off", "link_off")])
    out["magic_no_nul.dex"] = patched(good, (7, b"X"))
    # yara takes the signature up to its first NUL.
    out["signature_nul.dex"] = patched(good, (20, b"\0"))
    out["signature_empty.dex"] = patched(good, (12, b"\0"))
    # Strings at the end of the file: yara wants 4 bytes there, and takes
    # the characters one byte after the string's start.
    sid = get32(good, at_of(good, "string_ids_off"))
    for i, tail in enumerate([b"\0\0\0", b"\0\0\0\0", b"\x01AB", b"\x01ABC",
                              b"\x02AB\0\0", b"\x81\x00A\0\0",
                              b"\x84\x00ABC", b"\x85\x00ABC",
                              b"\x80\x80\x80\x01"]):
        out["string_tail%d.dex" % i] = patched(good + tail,
                                               (sid + 4, len(good)))
    # Class data at the end of the file (class 1's, moved there): yara
    # wants 16 bytes for its sizes, 8 for a field, 12 for a method.
    cd1 = cdefs + 32 + 24
    tails = {
        "cd15": bytes(15), "cd16": bytes(16),
        "field_fit7": b"\x81\x80\x80\x80\x00" + b"\x80\x80\x80\x80\x00" * 3 +
                      b"\x00\x08" + bytes(5),
        "field_fit8": b"\x81\x80\x80\x80\x00" + b"\x80\x80\x80\x80\x00" * 3 +
                      b"\x00\x08" + bytes(6),
        "method_fit11": b"\x80\x80\x80\x80\x00" * 2 + b"\x81\x80\x80\x80\x00" +
                        b"\x80\x80\x80\x80\x00" + b"\x03\x01\x00" + bytes(8),
        "method_fit12": b"\x80\x80\x80\x80\x00" * 2 + b"\x81\x80\x80\x80\x00" +
                        b"\x80\x80\x80\x80\x00" + b"\x03\x01\x00" + bytes(9),
        # a field index past the table: the element keeps its diff and
        # flags, is not counted, and ends its list
        "field_bad_last": b"\x01\x00\x00\x00\x05\x01" + bytes(16),
        "field_bad_then_wrap": b"\x02\x00\x00\x00\x05\x01" +
                               uleb(0xfffffffe) + b"\x02" + bytes(16),
        "field_bad_accumulate": b"\x02\x00\x00\x00" + uleb(0x80000001) +
                                b"\x01" + bytes(16),
        "field_bad_then_instance": b"\x01\x01\x00\x00\x05\x01\x01\x03" +
                                   bytes(16),
        # the next list starts where the failed element did
        "method_bad_then_virtual": b"\x00\x00\x01\x01\x09\x01\x00\x01\x02\x00" +
                                   bytes(16),
        "method_bad_code": b"\x00\x00\x01\x00\x09\x01" + uleb(code[0]) +
                           bytes(16),
        "method_code_past": b"\x00\x00\x01\x00\x03\x01" + uleb(len(good) + 40) +
                            bytes(16),
        "method_code_at_end": b"\x00\x00\x01\x00\x03\x01" + uleb(len(good) + 10) +
                              bytes(16) + b"\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x09\x00\x00\x00\x0e\x00",
        "huge_static_bad": uleb(0xffffffff) + b"\x00\x00\x00\x09\x01" + bytes(16),
        "huge_static_nofit": uleb(0xffffffff) + b"\x00\x00\x00\x09\x01\x00",
        "huge_methods_good": b"\x00\x00" + uleb(0xffffffff) + b"\x00" +
                             b"\x03\x01\x00" + b"\x00\x01\x00" * 40 + bytes(16),
    }
    for name, tail in tails.items():
        out["classdata_%s.dex" % name] = patched(good + tail, (cd1, len(good)))
    # A code item at the end of the file: yara reads its 16-byte head only
    # when all of it is there, its instructions only when they all are.
    item = u16(1) + u16(1) + u16(0) + u16(0) + u32(0) + u32(1) + b"\x0e\x00"
    for k in (15, 16, 17, 18):
        code_at = len(good) + 37
        data = b"\x00\x00\x01\x00\x03\x01" + uleb(code_at)
        data += bytes(37 - len(data))
        out["code_at_end%d.dex" % k] = patched(good + data + item[:k],
                                               (cd1, len(good)))
    # Every class definition shares one class data item.
    many = bytearray(good)
    n = 12
    many[at_of(many, "class_defs_size"):at_of(many, "class_defs_size") + 4] = u32(n)
    many[at_of(many, "class_defs_off"):at_of(many, "class_defs_off") + 4] = u32(len(good))
    for i in range(n):
        many += bytes(good[cdefs:cdefs + 32])
    out["classes_share_data.dex"] = many
    return out


def real():
    """The DEX files smali built, their truncations and corruptions."""
    out = {}
    src = os.path.join(HERE, "dex")
    for name in sorted(os.listdir(src)):
        if not name.endswith(".dex"):
            continue
        with open(os.path.join(src, name), "rb") as f:
            buf = bytearray(f.read())
        stem = name[:-4]
        out["real_" + name] = buf
        for frac in (3, 2):
            out["real_%s.cut%d.dex" % (stem, len(buf) * frac // 4)] = \
                buf[:len(buf) * frac // 4]
        out["real_%s.strings0.dex" % stem] = patched(buf, ("string_ids_size", 0))
        out["real_%s.types0.dex" % stem] = patched(buf, ("type_ids_size", 0))
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    files = crafted()
    files.update(real())
    for name, data in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(bytes(data))


if __name__ == "__main__":
    main()
