#!/usr/bin/env python3
"""Crafted PE files for the pe module's tests, built from the Microsoft
PE/COFF specification (revision 12.0, "PE Format" on learn.microsoft.com):
MS-DOS stub with e_lfanew at 0x3c; "PE\\0\\0"; COFF file header (20
bytes); optional header (PE32: 224 bytes with 16 data directories, PE32+:
240); 40-byte section headers; the .idata import directory table (20-byte
entries), lookup tables and hint/name table; the .edata export directory
(40 bytes) and its address, name pointer and ordinal tables; the delay-load
directory table (32-byte entries); the .rsrc directory tree (16-byte
directories, 8-byte entries, 16-byte data entries, length-prefixed UTF-16
names); the debug directory (28-byte entries) with a CodeView "RSDS"
record; the COFF string table after the symbol table for "/n" section
names. The VS_VERSIONINFO layout follows the Win32 documentation of
VS_VERSIONINFO, StringFileInfo, StringTable and String. The Rich header
("DanS" ... "Rich") follows its common description (XOR key repeated,
(id << 16 | build, count) pairs).

Usage: gen_pe.py OUTDIR   writes the files listed in FILES.
"""
import os
import struct
import sys

FA = 0x200     # file alignment
SA = 0x1000    # section alignment


def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


def align(v, a):
    return (v + a - 1) // a * a


class Blob:
    """A section's bytes being laid out at a known RVA."""

    def __init__(self, rva):
        self.rva = rva
        self.data = bytearray()

    def here(self):
        return self.rva + len(self.data)

    def put(self, b, al=1):
        while len(self.data) % al:
            self.data.append(0)
        at = self.here()
        self.data += b
        return at

    def patch(self, rva, b):
        off = rva - self.rva
        self.data[off:off + len(b)] = b


def wide(s):
    return s.encode("utf-16-le")


def hint_names(blob, fns, ordinal_flag):
    """The thunk values of fns: an ordinal with the flag, or the RVA of a
    hint/name entry (hint 0)."""
    thunks = []
    for f in fns:
        if isinstance(f, int):
            thunks.append(ordinal_flag | f)
        else:
            thunks.append(blob.put(u16(0) + f.encode() + b"\0", 2))
    return thunks


def imports(blob, libs, is64, ordinal_flag):
    """libs: [(name, [fn or int ordinal])]. Returns the directory RVA."""
    width = 8 if is64 else 4
    desc = blob.put(bytes(20 * (len(libs) + 1)), 4)
    for i, (lib, fns) in enumerate(libs):
        name = blob.put(lib.encode() + b"\0", 2)
        thunks = hint_names(blob, fns, ordinal_flag)
        pack = u64 if is64 else u32
        ilt = blob.put(b"".join(pack(t) for t in thunks) + pack(0), width)
        iat = blob.put(b"".join(pack(t) for t in thunks) + pack(0), width)
        blob.patch(desc + 20 * i, u32(ilt) + u32(0) + u32(0) + u32(name)
                   + u32(iat))
    return desc, 20 * (len(libs) + 1)


def delay_imports(blob, libs, is64, ordinal_flag):
    width = 8 if is64 else 4
    pack = u64 if is64 else u32
    desc = blob.put(bytes(32 * (len(libs) + 1)), 4)
    for i, (lib, fns) in enumerate(libs):
        name = blob.put(lib.encode() + b"\0", 2)
        thunks = hint_names(blob, fns, ordinal_flag)
        names = blob.put(b"".join(pack(t) for t in thunks) + pack(0), width)
        iat = blob.put(b"".join(pack(0x1000 + 16 * k) for k in
                                range(len(thunks))) + pack(0), width)
        blob.patch(desc + 32 * i, u32(1) + u32(name) + u32(0) + u32(iat)
                   + u32(names) + u32(0) + u32(0) + u32(0))
    return desc, 32 * (len(libs) + 1)


def exports(blob, dll, base, funcs):
    """funcs: [(rva or forwarder string, name or None)]; names sorted."""
    start = blob.put(bytes(40), 4)
    dll_name = blob.put(dll.encode() + b"\0")
    addrs = []
    for target, _ in funcs:
        if isinstance(target, str):
            addrs.append(None)
        else:
            addrs.append(target)
    named = sorted([(n, i) for i, (_, n) in enumerate(funcs) if n])
    name_rvas = [blob.put(n.encode() + b"\0") for n, _ in named]
    for i, (target, _) in enumerate(funcs):
        if isinstance(target, str):
            addrs[i] = blob.put(target.encode() + b"\0")
    at = blob.put(b"".join(u32(a) for a in addrs), 4)
    np = blob.put(b"".join(u32(r) for r in name_rvas), 4)
    no = blob.put(b"".join(u16(i) for _, i in named), 2)
    size = blob.here() - start
    blob.patch(start, u32(0) + u32(0x5f000000) + u16(0) + u16(0)
               + u32(dll_name) + u32(base) + u32(len(funcs))
               + u32(len(named)) + u32(at) + u32(np) + u32(no))
    return start, size


def version_info(strings):
    """A VS_VERSIONINFO resource with one StringTable."""
    def block(key, value_len, value_type, value, children):
        body = wide(key) + b"\0\0"
        head = 6 + len(body)
        pad = align(head, 4) - head
        data = body + bytes(pad) + value
        data += bytes(align(len(data) + 6, 4) - len(data) - 6)
        data += children
        return u16(6 + len(data)) + u16(value_len) + u16(value_type) + data

    entries = b""
    for k, v in strings:
        val = wide(v) + b"\0\0"
        e = block(k, len(v) + 1 if v else 0, 1, val, b"")
        entries += e + bytes(align(len(e), 4) - len(e))
    table = block("040904b0", 0, 1, b"", entries)
    sfi = block("StringFileInfo", 0, 1, b"", table)
    fixed = u32(0xfeef04bd) + bytes(48)
    return block("VS_VERSION_INFO", len(fixed), 0, fixed, sfi)


def resources(blob, items):
    """items: [(type, name, lang, data)]; type/name int or str."""
    tree = {}
    for t, n, lang, data in items:
        tree.setdefault(t, {}).setdefault(n, []).append((lang, data))
    root = blob.rva
    strings = {}
    # Directories first, then name strings, data entries, data.
    def dir_size(k): return 16 + 8 * k
    layout = []
    off = dir_size(len(tree))
    for t, names in tree.items():
        layout.append(("dir", t, off))
        off += dir_size(len(names))
        for n, langs in names.items():
            layout.append(("dir2", (t, n), off))
            off += dir_size(len(langs))
    blob.put(bytes(off))
    offsets = {key: o for kind, key, o in layout}

    def name_field(k):
        if isinstance(k, int):
            return k
        if k not in strings:
            strings[k] = blob.put(u16(len(k)) + wide(k), 2) - root
        return 0x80000000 | strings[k]

    def entries_sorted(keys):
        return sorted(keys, key=lambda k: (isinstance(k, int), str(k)))

    data_entries = []
    blob.patch(root, u32(0) + u32(0x12345678) + u16(4) + u16(2)
               + u16(sum(1 for t in tree if not isinstance(t, int)))
               + u16(sum(1 for t in tree if isinstance(t, int))))
    for i, t in enumerate(entries_sorted(tree)):
        names = tree[t]
        d = offsets[t]
        blob.patch(root + 16 + 8 * i, u32(name_field(t))
                   + u32(0x80000000 | d))
        blob.patch(root + d, u32(0) + u32(0) + u16(0) + u16(0)
                   + u16(sum(1 for n in names if not isinstance(n, int)))
                   + u16(sum(1 for n in names if isinstance(n, int))))
        for j, n in enumerate(entries_sorted(names)):
            d2 = offsets[(t, n)]
            blob.patch(root + d + 16 + 8 * j, u32(name_field(n))
                       + u32(0x80000000 | d2))
            langs = names[n]
            blob.patch(root + d2, u32(0) + u32(0) + u16(0) + u16(0) + u16(0)
                       + u16(len(langs)))
            for k, (lang, data) in enumerate(langs):
                de = blob.put(bytes(16), 4)
                blob.patch(root + d2 + 16 + 8 * k, u32(name_field(lang))
                           + u32(de - root))
                data_entries.append((de, data))
    for de, data in data_entries:
        at = blob.put(data, 4)
        blob.patch(de, u32(at) + u32(len(data)) + u32(0) + u32(0))
    return root, blob.here() - root


def rich_header(key, entries):
    clear = b"DanS" + bytes(12)
    for (tool, build, count) in entries:
        clear += u32(tool << 16 | build) + u32(count)
    raw = bytearray()
    for i in range(0, len(clear), 4):
        raw += u32(struct.unpack("<I", clear[i:i + 4])[0] ^ key)
    return bytes(raw) + b"Rich" + u32(key) + bytes(8)


def build(is64=False, dll=False, libs=(), delayed=(), exp=None, res=(),
          rich=None, pdb=None, long_names=False, overlay=b"",
          machine=None, entry_off=0x10, extra_sections=0):
    """A whole PE: .text, .rdata (imports, exports, debug), .rsrc."""
    n_sections = 3 + extra_sections
    lfanew = 0x80 + (len(rich) if rich else 0)
    lfanew = align(lfanew, 8)
    opt_size = 240 if is64 else 224
    headers = lfanew + 24 + opt_size + 40 * n_sections
    raw = align(headers, FA)
    text = Blob(0x1000)
    text.put(bytes([0xc3]) * 0x40)
    rdata = Blob(0x2000)
    dirs = [(0, 0)] * 16
    flag = (1 << 63) if is64 else (1 << 31)
    if libs:
        dirs[1] = imports(rdata, list(libs), is64, flag)
    if delayed:
        dirs[13] = delay_imports(rdata, list(delayed), is64, flag)
    if exp:
        dirs[0] = exports(rdata, *exp)
    if pdb:
        cv = rdata.put(b"RSDS" + bytes(range(16)) + u32(1)
                       + pdb.encode() + b"\0", 4)
        dbg = rdata.put(u32(0) + u32(0x5f000000) + u16(0) + u16(0) + u32(2)
                        + u32(24 + len(pdb) + 1) + u32(cv) + u32(0), 4)
        dirs[6] = (dbg, 28)
    rdata.put(b"\0")
    rsrc = Blob(0x3000)
    if res:
        dirs[2] = resources(rsrc, list(res))
    rsrc.put(b"\0")
    blobs = [(".text", text, 0x60000020), (".rdata", rdata, 0x40000040),
             (".rsrc", rsrc, 0x40000040)]
    # File offsets of the sections' raw data.
    sec_raw = []
    off = raw
    for _, b, _ in blobs:
        size = align(len(b.data), FA)
        sec_raw.append((off, size))
        off += size
    # Long section names live in the COFF string table after the symbols.
    strtab = b""
    names = [n for n, _, _ in blobs] + [".extra%d" % i
                                        for i in range(extra_sections)]
    if long_names:
        names[1] = "/4"
        strtab = u32(4 + len(".rdata_long_name") + 1) + \
            b".rdata_long_name\0"
    symtab = off if long_names else 0
    body_end = off + len(strtab)
    fixup_pdb = []
    if pdb:
        fixup_pdb.append(dirs[6])
    image = bytearray(body_end)
    # DOS header and stub.
    image[0:2] = b"MZ"
    image[0x3c:0x40] = u32(lfanew)
    image[0x40:0x40 + 39] = b"This program cannot be run in DOS mode."
    if rich:
        image[0x80:0x80 + len(rich)] = rich
    image[lfanew:lfanew + 4] = b"PE\0\0"
    chars = 0x0102 | (0x2000 if dll else 0) | (0x20 if is64 else 0)
    mach = machine if machine is not None else (0x8664 if is64 else 0x14c)
    fh = u16(mach) + u16(n_sections) + u32(0x5f5e1000) + u32(symtab) \
        + u32(0) + u16(opt_size) + u16(chars)
    image[lfanew + 4:lfanew + 24] = fh
    o = lfanew + 24
    size_of_image = 0x1000 + SA * n_sections
    opt = u16(0x20b if is64 else 0x10b) + bytes([14, 29]) \
        + u32(sec_raw[0][1]) + u32(sec_raw[1][1] + sec_raw[2][1]) + u32(0) \
        + u32(0x1000 + entry_off) + u32(0x1000)
    if is64:
        opt += u64(0x180000000)
    else:
        opt += u32(0x2000) + u32(0x10000000)
    opt += u32(SA) + u32(FA) + u16(6) + u16(0) + u16(1) + u16(2) \
        + u16(6) + u16(0) + u32(0) + u32(size_of_image) + u32(raw) \
        + u32(0x1234) + u16(3) + u16(0x8160)
    pack = u64 if is64 else u32
    opt += pack(0x100000) + pack(0x1000) + pack(0x100000) + pack(0x1000)
    opt += u32(0) + u32(16)
    for rva, size in dirs:
        opt += u32(rva) + u32(size)
    assert len(opt) == opt_size
    image[o:o + opt_size] = opt
    s = o + opt_size
    for i, name in enumerate(names):
        if i < 3:
            _, b, ch = blobs[i]
            vsize, rva = len(b.data), b.rva
            roff, rsize = sec_raw[i]
        else:
            vsize, rva, roff, rsize, ch = 0x100, 0x4000 + SA * (i - 3), 0, 0, \
                0xc0000080
        nb = name.encode()[:8].ljust(8, b"\0")
        image[s:s + 40] = nb + u32(vsize) + u32(rva) + u32(rsize) \
            + u32(roff) + u32(0) + u32(0) + u16(0) + u16(0) + u32(ch)
        s += 40
    for i, (_, b, _) in enumerate(blobs):
        roff, _ = sec_raw[i]
        image[roff:roff + len(b.data)] = b.data
    if long_names:
        image[symtab:symtab + len(strtab)] = strtab
    return bytes(image) + overlay


KERNEL32 = ("KERNEL32.dll", ["CreateFileA", "ReadFile", "CloseHandle"])
USER32 = ("user32.dll", ["MessageBoxA", 5])
MSVCRT = ("msvcrt.dll", ["printf", "malloc"])

FILES = {
    "pe32_exe.bin": lambda: build(
        libs=[KERNEL32, ("empty.dll", []), USER32, MSVCRT],
        rich=rich_header(0xA1B2C3D4, [(0x0104, 30729, 7), (0x0093, 30729, 3),
                                       (0x0104, 24215, 61)]),
        pdb="C:\\build\\Release\\app.pdb", overlay=b"OVERLAY DATA" * 4),
    "pe32_dll_exports.bin": lambda: build(
        dll=True, libs=[KERNEL32],
        exp=("sample.dll", 5, [(0x1010, "Alpha"), (0x1020, None),
                               ("NTDLL.RtlAllocateHeap", "Forwarded"),
                               (0x1030, "beta"), (0x9999, "OutOfSection")])),
    "pe64_resources.bin": lambda: build(
        is64=True, dll=True, libs=[KERNEL32, MSVCRT],
        delayed=[("SHELL32.dll", ["ShellExecuteW", 7]), ("bad name.dll", [])],
        res=[(16, 1, 1033, version_info([
            ("CompanyName", "Candor Tests"), ("FileVersion", "1.2.3.4"),
            ("Comments", ""), ("ProductName", "crafted \"pe\" \\ test")])),
            (10, "CONFIG", 1033, b"config data"),
            ("MYTYPE", 7, 1049, b"typed resource"),
            (3, 1, 0, b"\x89PNG icon")],
        long_names=True, extra_sections=2),
    "pe32_arm_noimports.bin": lambda: build(machine=0x1c0,
                                            entry_off=0x5000),
}

# Cut-off copies: headers only, in the middle of the section table, in
# the middle of the import data.
TRUNCATED = {
    "pe32_exe.cut300.bin": ("pe32_exe.bin", 300),
    "pe32_exe.cut400.bin": ("pe32_exe.bin", 400),
    "pe32_exe.cut2100.bin": ("pe32_exe.bin", 0x840),
    "pe64_resources.cut2900.bin": ("pe64_resources.bin", 2900),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    made = {}
    for name, fn in FILES.items():
        made[name] = fn()
    for name, (src, n) in TRUNCATED.items():
        made[name] = made[src][:n]
    for name, data in made.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
