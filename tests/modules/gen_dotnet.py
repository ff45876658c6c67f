#!/usr/bin/env python3
"""Builds small .NET PE files from ECMA-335 (partition II, sections 22-24)
for the dotnet module's differential tests: well-formed ones covering every
field yara 4.2.3 reports, and truncated, corrupted and adversarial ones.

    gen_dotnet.py OUTDIR

Each file is a PE32 with one section (.text, RVA 0x2000, raw offset 0x200)
holding the CLI header, the resources and the metadata root with its
streams. The expected values come from yara 4.2.3 (tests/modules/dump_diff.sh
compares candor's -D output and conditions with yara's on each file).
"""
import os
import struct
import sys

# Column kinds: an int below 0x40 is an index into that table.
U8, U16, U32, STR, GUID, BLOB = 'u8', 'u16', 'u32', 'str', 'guid', 'blob'

CODED = {
    'TypeDefOrRef': (2, [0x02, 0x01, 0x1b]),
    'HasConstant': (2, [0x04, 0x08, 0x17]),
    'HasCustomAttribute': (5, [0x06, 0x04, 0x01, 0x02, 0x08, 0x09, 0x0a, 0x00,
                               0x0e, 0x17, 0x14, 0x11, 0x1a, 0x1b, 0x20, 0x23,
                               0x26, 0x27, 0x28, 0x2a, 0x2c, 0x2b]),
    'HasFieldMarshal': (1, [0x04, 0x08]),
    'HasDeclSecurity': (2, [0x02, 0x06, 0x20]),
    'MemberRefParent': (3, [0x02, 0x01, 0x1a, 0x06, 0x1b]),
    'HasSemantics': (1, [0x14, 0x17]),
    'MethodDefOrRef': (1, [0x06, 0x0a]),
    'MemberForwarded': (1, [0x04, 0x06]),
    'Implementation': (2, [0x26, 0x23, 0x27]),
    'CustomAttributeType': (3, [None, None, 0x06, 0x0a, None]),
    'ResolutionScope': (2, [0x00, 0x1a, 0x23, 0x01]),
    'TypeOrMethodDef': (1, [0x02, 0x06]),
}

TABLES = {
    0x00: [U16, STR, GUID, GUID, GUID],
    0x01: ['ResolutionScope', STR, STR],
    0x02: [U32, STR, STR, 'TypeDefOrRef', 0x04, 0x06],
    0x03: [0x04],
    0x04: [U16, STR, BLOB],
    0x05: [0x06],
    0x06: [U32, U16, U16, STR, BLOB, 0x08],
    0x07: [0x08],
    0x08: [U16, U16, STR],
    0x09: [0x02, 'TypeDefOrRef'],
    0x0a: ['MemberRefParent', STR, BLOB],
    0x0b: [U8, U8, 'HasConstant', BLOB],
    0x0c: ['HasCustomAttribute', 'CustomAttributeType', BLOB],
    0x0d: ['HasFieldMarshal', BLOB],
    0x0e: [U16, 'HasDeclSecurity', BLOB],
    0x0f: [U16, U32, 0x02],
    0x10: [U32, 0x04],
    0x11: [BLOB],
    0x12: [0x02, 0x14],
    0x13: [0x14],
    0x14: [U16, STR, 'TypeDefOrRef'],
    0x15: [0x02, 0x17],
    0x16: [0x17],
    0x17: [U16, STR, BLOB],
    0x18: [U16, 0x06, 'HasSemantics'],
    0x19: [0x02, 'MethodDefOrRef', 'MethodDefOrRef'],
    0x1a: [STR],
    0x1b: [BLOB],
    0x1c: [U16, 'MemberForwarded', STR, 0x1a],
    0x1d: [U32, 0x04],
    0x1e: [U32, U32],
    0x1f: [U32],
    0x20: [U32, U16, U16, U16, U16, U32, BLOB, STR, STR],
    0x21: [U32],
    0x22: [U32, U32, U32],
    0x23: [U16, U16, U16, U16, U32, BLOB, STR, STR, BLOB],
    0x24: [U32, 0x23],
    0x25: [U32, U32, U32, 0x23],
    0x26: [U32, STR, BLOB],
    0x27: [U32, U32, STR, STR, 'Implementation'],
    0x28: [U32, U32, STR, 'Implementation'],
    0x29: [0x02, 0x02],
    0x2a: [U16, U16, 'TypeOrMethodDef', STR],
    0x2b: ['MethodDefOrRef', BLOB],
    0x2c: [0x2a, 'TypeDefOrRef'],
}


def blob_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x4000:
        return struct.pack('>H', 0x8000 | n)
    return struct.pack('>I', 0xc0000000 | n)


class Heaps:
    def __init__(self):
        self.strings = bytearray(b'\0')
        self.str_index = {}
        self.blob = bytearray(b'\0')
        self.us = bytearray(b'\0')
        self.guids = []

    def string(self, s):
        if isinstance(s, int):
            return s
        if s not in self.str_index:
            self.str_index[s] = len(self.strings)
            self.strings += s.encode() + b'\0'
        return self.str_index[s]

    def add_blob(self, b):
        if isinstance(b, int):
            return b
        at = len(self.blob)
        self.blob += blob_len(len(b)) + b
        return at

    def user_string(self, s):
        data = s.encode('utf-16-le')
        flag = 1 if any(c >= 0x7f or c < 0x20 for c in data[::2]) else 0
        self.us += blob_len(len(data) + 1) + data + bytes([flag])


def tilde_stream(tables, heaps, heap_sizes=0, extra_rows=None, valid=None):
    """The #~ stream for tables {id: [row tuple, ...]}; extra_rows {id: n}
    overrides the declared row counts (the rows written stay the same)."""
    rows = {t: len(r) for t, r in tables.items()}
    counts = dict(rows)
    counts.update(extra_rows or {})

    def size(col):
        if col == U8:
            return 1
        if col == U16:
            return 2
        if col == U32:
            return 4
        if col == STR:
            return 4 if heap_sizes & 1 else 2
        if col == GUID:
            return 4 if heap_sizes & 2 else 2
        if col == BLOB:
            return 4 if heap_sizes & 4 else 2
        if isinstance(col, int):
            return 4 if counts.get(col, 0) > 0xffff else 2
        bits, targets = CODED[col]
        most = max(counts.get(t, 0) for t in targets if t is not None)
        return 4 if most >= (1 << (16 - bits)) else 2

    if valid is None:
        valid = 0
        for t in counts:
            valid |= 1 << t
    out = bytearray(struct.pack('<IBBBBQQ', 0, 2, 0, heap_sizes, 1, valid, 0))
    for t in range(64):
        if valid >> t & 1:
            out += struct.pack('<I', counts.get(t, 0))
    for t in sorted(tables):
        for row in tables[t]:
            for col, v in zip(TABLES[t], row):
                if col == STR:
                    v = heaps.string(v)
                elif col == BLOB:
                    v = heaps.add_blob(v)
                out += v.to_bytes(size(col), 'little')
    return bytes(out)


def align4(b):
    return b + b'\0' * (-len(b) % 4)


def metadata(streams, version=b'v4.0.30319', n_streams=None, ver_len=None):
    """The metadata root with the streams [(name, data)]."""
    ver = align4(version + b'\0')
    head = struct.pack('<IHHI', 0x424a5342, 1, 1, 0)
    head += struct.pack('<I', len(ver) if ver_len is None else ver_len) + ver
    head += struct.pack('<HH', 0, len(streams) if n_streams is None
                        else n_streams)
    hdr_len = sum(8 + len(align4(n.encode() + b'\0')) for n, _ in streams)
    off = len(head) + hdr_len
    hdrs = b''
    body = b''
    for name, data in streams:
        hdrs += struct.pack('<II', off, len(data)) + align4(name.encode() +
                                                            b'\0')
        data = align4(data)
        body += data
        off += len(data)
    return head + hdrs + body


def standard_streams(tables, heaps, heap_sizes=0, extra_rows=None,
                     order=None, **kw):
    tilde = tilde_stream(tables, heaps, heap_sizes, extra_rows, **kw)
    s = [('#~', tilde), ('#Strings', bytes(heaps.strings)),
         ('#US', bytes(heaps.us)), ('#GUID', b''.join(heaps.guids)),
         ('#Blob', bytes(heaps.blob))]
    if order is not None:
        s = [s[i] for i in order]
    return s


def pe(meta, resources=b'', cli_patch=None, field_data=b'', entry_code=b'',
       characteristics=0x2102, entry=None, pe64=False, n_dirs=16):
    """A PE32 (PE32+ with pe64) whose CLI header (at RVA 0x2000) points at
    meta; resources follow the CLI header, then field_data (RVA 0x2048 +
    len(resources)) and entry_code, where the entry point is unless entry
    gives its RVA. n_dirs is NumberOfRvaAndSizes (16 entries are written
    whatever it says)."""
    text_rva = 0x2000
    res_rva = text_rva + 72
    field_rva = res_rva + len(resources)
    code_rva = field_rva + len(field_data)
    md_rva = code_rva + len(entry_code)
    md_rva += -md_rva % 4
    if entry is None:
        entry = code_rva if entry_code else 0
    cli = struct.pack('<IHHII', 72, 2, 5, md_rva, len(meta))
    cli += struct.pack('<II', 1, 0)
    cli += struct.pack('<II', res_rva if resources else 0, len(resources))
    cli += b'\0' * (72 - len(cli))
    if cli_patch:
        cli = cli_patch(cli)
    body = cli + resources + field_data + entry_code
    body += b'\0' * (md_rva - text_rva - len(body)) + meta
    raw = body + b'\0' * (-len(body) % 0x200)
    dos = bytearray(0x80)
    dos[0:2] = b'MZ'
    struct.pack_into('<I', dos, 0x3c, 0x80)
    fh = struct.pack('<4sHHIIIHH', b'PE\0\0', 0x8664 if pe64 else 0x14c, 1,
                     0, 0, 0, 240 if pe64 else 224, characteristics)
    if pe64:
        opt = struct.pack('<HBBIIIIIQIIHHHHHHIIIIHHQQQQII', 0x20b, 8, 0,
                          len(raw), 0, 0, entry, text_rva, 0x400000, 0x2000,
                          0x200, 4, 0, 0, 0, 4, 0, 0, 0x4000, 0x200, 0, 3,
                          0x8540, 0x100000, 0x1000, 0x100000, 0x1000, 0,
                          n_dirs)
    else:
        opt = struct.pack('<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII', 0x10b, 8, 0,
                          len(raw), 0, 0, entry, text_rva, text_rva, 0x400000,
                          0x2000, 0x200, 4, 0, 0, 0, 4, 0, 0, 0x4000, 0x200,
                          0, 3, 0x8540, 0x100000, 0x1000, 0x100000, 0x1000,
                          0, n_dirs)
    dirs = [(0, 0)] * 16
    dirs[14] = (text_rva, 72)
    opt += b''.join(struct.pack('<II', a, b) for a, b in dirs)
    sec = struct.pack('<8sIIIIIIHHI', b'.text', len(raw), text_rva, len(raw),
                      0x200, 0, 0, 0, 0, 0x60000020)
    head = bytes(dos) + fh + opt + sec
    head += b'\0' * (0x200 - len(head))
    return head + raw


def sample_tables(h, n_methods=2, culture='', guid_attr=True):
    """A small assembly with one of each row yara 4.2.3 reports."""
    t = {
        0x00: [(0, 'sample.dll', 1, 0, 0)],
        0x01: [(6, 'GuidAttribute', 'System.Runtime.InteropServices'),
               (6, 'Object', 'System')],
        0x02: [(0, '<Module>', '', 0, 1, 1),
               (0x100001, 'Sample', 'Ns', 9, 1, 1)],
        0x04: [(0x16, 'field1', b'\x06\x08'), (0x56, 'data', b'\x06\x08'),
               (0x16, 'field3', b'\x06\x0e')],
        0x06: [(0, 0, 0x86, 'm%d' % i, b'\x00\x00\x01', 1)
               for i in range(n_methods)],
        0x0a: [(9, '.ctor', b'\x20\x01\x01\x0e')],
        0x0b: [(0x0e, 0, 4, 'hello'.encode('utf-16-le')),
               (0x08, 0, 8, b'\x2a\x00\x00\x00'),
               (0x0e, 0, 12, 'x'.encode('utf-16-le'))],
        0x0c: [(0x2e, 0x0b, b'\x01\x00\x24' +
                b'fd225bb4-fa53-44b2-a6db-85f5e48dcb54' + b'\x00\x00')]
        if guid_attr else [],
        0x1a: [('kernel32',), ('user32.dll',)],
        0x1d: [(0x2048 + len(RESOURCES) + 12, 2)],
        0x20: [(0x8004, 1, 2, 3, 4, 1, b'', 'sample', culture)],
        0x23: [(4, 0, 0, 0, 0, b'\xb7\x7a\x5c\x56\x19\x34\xe0\x89',
                'mscorlib', '', b''),
               (2, 5, 6, 7, 0, b'', 'Other', 'en', b'')],
        0x28: [(0, 1, 'first.resources', 0), (8, 1, 'second.bin', 0),
               (0, 1, 'elsewhere', 6)],
    }
    if not guid_attr:
        del t[0x0c]
    h.guids.append(bytes(range(16)))
    h.user_string('hello')
    h.user_string('')
    h.user_string('caf\u00e9')
    return t


RESOURCES = struct.pack('<I', 4) + b'abcd' + struct.pack('<I', 3) + b'xyz\0'


def sample(**kw):
    h = Heaps()
    t = sample_tables(h, **kw)
    return pe(metadata(standard_streams(t, h)), RESOURCES,
              field_data=b'\0' * 12 + b'\x11\x22\x33\x44')


def many_methods(n):
    """n MethodDef rows: at 8192 the MemberRefParent and
    CustomAttributeType coded indices take 4 bytes."""
    h = Heaps()
    t = sample_tables(h, n_methods=n)
    return pe(metadata(standard_streams(t, h)), RESOURCES)


def variant(heap_sizes=0, extra_rows=None, order=None, streams=None,
            resources=RESOURCES, cli_patch=None, tables=None, pe_kw=None,
            **meta_kw):
    h = Heaps()
    t = sample_tables(h)
    if tables:
        tables(t, h)
    s = standard_streams(t, h, heap_sizes, extra_rows, order)
    if streams:
        s = streams(s)
    return pe(metadata(s, **meta_kw), resources, cli_patch=cli_patch,
              field_data=b'\0' * 12 + b'\x11\x22\x33\x44', **(pe_kw or {}))


def set_row(table, i, row):
    def f(t, h):
        t[table][i] = row
    return f


def adversarial():
    out = {}
    out['heaps4.bin'] = variant(heap_sizes=7)
    out['reordered.bin'] = variant(order=[4, 3, 2, 1, 0])
    out['rows_huge.bin'] = variant(extra_rows={0x06: 0xffffffff})
    out['rows_limit.bin'] = variant(extra_rows={0x1a: 10001})
    out['module_rows.bin'] = variant(extra_rows={0x00: 10001})
    out['nstreams_ffff.bin'] = variant(n_streams=0xffff)
    out['nstreams_0.bin'] = variant(n_streams=0)
    out['nstreams_300.bin'] = variant(n_streams=0x300)
    for n in (0, 13, 256, 0xffffffff):
        out['verlen_%x.bin' % n] = variant(ver_len=n)
    out['version_nonul.bin'] = variant(version=b'v4.0.30319xx')
    out['dup_tilde.bin'] = variant(
        streams=lambda s: [('#~', b'\0' * 24)] + s)
    out['long_stream_name.bin'] = variant(
        streams=lambda s: s + [('#' + 'x' * 31, b'abcd'), ('#' + 'y' * 40,
                                                          b'')])
    out['no_strings.bin'] = variant(streams=lambda s: [x for x in s
                                                       if x[0] != '#Strings'])
    out['no_blob.bin'] = variant(streams=lambda s: [x for x in s
                                                    if x[0] != '#Blob'])
    out['no_tilde.bin'] = variant(streams=lambda s: [x for x in s
                                                     if x[0] != '#~'])
    out['long_name.bin'] = variant(tables=set_row(
        0x00, 0, (0, 'n' * 5000, 1, 0, 0)))
    out['name_4096.bin'] = variant(tables=set_row(
        0x00, 0, (0, 'n' * 4096, 1, 0, 0)))
    out['name_1024.bin'] = variant(tables=set_row(
        0x00, 0, (0, 'n' * 1024, 1, 0, 0)))
    out['name_1025.bin'] = variant(tables=set_row(
        0x00, 0, (0, 'n' * 1025, 1, 0, 0)))
    out['str_index_out.bin'] = variant(heap_sizes=1, tables=set_row(
        0x1a, 0, (0x7fffffff,)))
    out['str_index_heap.bin'] = variant(tables=set_row(0x1a, 0, (0xfff0,)))
    out['blob_index_out.bin'] = variant(heap_sizes=4, tables=set_row(
        0x0b, 0, (0x0e, 0, 4, 0x7fffffff)))
    out['blob_index_heap.bin'] = variant(tables=set_row(
        0x0b, 0, (0x0e, 0, 4, 0xfff0)))
    out['blob_bad_len.bin'] = variant(tables=lambda t, h: (
        t[0x0b].append((0x0e, 0, 4, len(h.blob))),
        h.blob.extend(b'\xe0\x01\x02\x03\x04')))
    out['blob_empty.bin'] = variant(tables=lambda t, h: (
        t[0x0b].append((0x0e, 0, 4, b'')),
        t[0x23].append((1, 1, 1, 1, 0, b'\x01', 'one', '', b''))))
    out['res_out.bin'] = variant(tables=lambda t, h: t[0x28].append(
        (0x7ffffff0, 1, 'far', 0)))
    out['fieldrva_unmapped.bin'] = variant(tables=lambda t, h: t[0x1d].extend(
        [(0, 1), (0x100000, 3), (0x2048 + len(RESOURCES) + 12, 1)]))
    out['no_cli.bin'] = variant(cli_patch=lambda c: c[:8] + b'\0' * 8 + c[16:])
    out['bad_magic.bin'] = variant().replace(b'BSJB', b'BSJA')
    out['rows_limit_10000.bin'] = variant(extra_rows={0x1a: 10000})
    out.update(cli_checks())
    out.update(resource_lengths())
    out.update(typelibs())
    out.update(table_tails())
    return out


def table_tails():
    """The #~ stream last in the file and one table last in it, the file
    cut delta bytes after that table's last row: yara 4.2.3 reads a
    Module, ModuleRef or FieldRVA row only when it would fit with 4-byte
    indices (18, 4 and 8 bytes), other rows when they fit."""
    out = {}
    for table, heap_sizes, deltas in (
            (0x00, 0, (0, 7, 8)), (0x00, 7, (-1, 0)),
            (0x0b, 0, (-1, 0)), (0x0c, 0, (-1, 0)),
            (0x1a, 0, (-2, -1, 0, 1, 2)), (0x1a, 7, (-1, 0)),
            (0x1d, 0, (0, 1, 2)), (0x1d, 7, (1, 2)),
            (0x20, 0, (-1, 0)), (0x23, 0, (-1, 0)), (0x28, 0, (-1, 0))):
        def last(t, h, table=table):
            for k in [k for k in t if k > table]:
                del t[k]
        d = variant(heap_sizes=heap_sizes, order=[1, 2, 3, 4, 0], tables=last)
        md = d.index(b'BSJB')
        off, size = struct.unpack_from('<II', d, d.index(b'#~\0', md) - 8)
        end = md + off + size
        assert d[end:end + 8] == b'\0' * 8
        for delta in deltas:
            out['tail_%02x_h%d_%+d.bin' % (table, heap_sizes, delta)] = \
                d[:end + delta]
    return out


def cli_size(n):
    return lambda c: struct.pack('<I', n) + c[4:]


def entry_at_end(code):
    """A PE32 EXE whose entry point is the last len(code) bytes of the
    file, code: an RVA below every section maps to itself."""
    d = bytearray(variant(pe_kw=dict(characteristics=EXE)) + code)
    struct.pack_into('<I', d, 0x80 + 24 + 16, len(d) - len(code))
    return bytes(d)


EXE = 0x0102  # IMAGE_FILE_EXECUTABLE_IMAGE | IMAGE_FILE_32BIT_MACHINE


def cli_checks():
    """yara 4.2.3 takes a PE for .NET only when the CLI header's Size is
    72, a PE32 EXE's entry point holds FF 25 and a PE32+ has at least 14
    data directories."""
    out = {}
    for n in (0, 71, 73, 99):
        out['cli_size%d.bin' % n] = variant(cli_patch=cli_size(n))
    for name, kw in (
            ('exe_entry_mz', {}),
            ('exe_entry_ff25', dict(entry_code=b'\xff\x25\0\x20\x40\0')),
            ('exe_entry_ff24', dict(entry_code=b'\xff\x24\0\x20\x40\0')),
            ('exe_entry_unmapped', dict(entry=0x900000)),
            ('pe64_dirs16', dict(pe64=True)),
            ('pe64_dirs14', dict(pe64=True, n_dirs=14)),
            ('pe64_dirs13', dict(pe64=True, n_dirs=13)),
            ('pe64_exe', dict(pe64=True, characteristics=0x22)),
            ('pe32_dirs0', dict(n_dirs=0))):
        kw.setdefault('characteristics', EXE)
        if name.startswith('pe64_dirs'):
            kw['characteristics'] = 0x2022
        out[name + '.bin'] = variant(pe_kw=kw)
    out['exe_size99_ff25.bin'] = variant(cli_patch=cli_size(99), pe_kw=dict(
        characteristics=EXE, entry_code=b'\xff\x25'))
    out['exe_entry_last_ff.bin'] = entry_at_end(b'\xff')
    out['exe_entry_last_ff25.bin'] = entry_at_end(b'\xff\x25')
    return out


def resource_lengths():
    """Two more resources whose 4-byte lengths sit in the file's last 16
    (zero) bytes, 16 and 8 bytes from its end: yara 4.2.3 keeps one whose
    length, counted from the length field, ends inside the data."""
    n = len(variant())
    out = {}
    for name, lens in (('fit', (16, 8)), ('over', (17, 9)),
                       ('big', (0x7fffffff, 0xffffffff))):
        def rows(t, h):
            for i in range(2):
                t[0x28].append((n - 16 + 8 * i - 0x248, 1, 'r%d' % i, 0))
        d = bytearray(variant(tables=rows))
        assert len(d) == n and d[-16:] == b'\0' * 16
        for i, length in enumerate(lens):
            struct.pack_into('<I', d, n - 16 + 8 * i, length)
        out['res_len_%s.bin' % name] = bytes(d)
    return out


GUID_TEXT = b'fd225bb4-fa53-44b2-a6db-85f5e48dcb54'


def typelibs():
    """The GuidAttribute as yara 4.2.3 reads it: the constructor, the
    name, the value blob, and which of several attributes counts."""
    def guid_ca(blob, parent=0x2e, typ=0x0b):
        return (parent, typ, blob)

    def typeref_name(name):
        return set_row(0x01, 0, (6, name, 'System.Runtime.InteropServices'))

    def memberref_class(cls):
        return set_row(0x0a, 0, (cls, '.ctor', b'\x20\x01\x01\x0e'))

    def attrs(*rows):
        def f(t, h):
            t[0x0c] = list(rows)
        return f

    def typedef_named(t, h):
        memberref_class(2 << 3)(t, h)
        t[0x02][1] = (0x100001, 'GuidAttribute', 'Ns', 9, 1, 1)

    good = b'\x01\x00\x24' + GUID_TEXT + b'\0\0'
    cases = {
        'prefix': typeref_name('GuidAttributeX'),
        'short': typeref_name('GuidAttribut'),
        'name_unread': typeref_name(0xfff0),
        'name_1024': typeref_name('Other' + 'x' * 1019),
        'name_1025': typeref_name('Other' + 'x' * 1020),
        'typedef': typedef_named,
        'moduleref': memberref_class((1 << 3) | 2),
        'typeref_row0': memberref_class(1),
        'typeref_out': memberref_class((9 << 3) | 1),
        'memberref_row0': attrs(guid_ca(good, typ=0x03)),
        'memberref_out': attrs(guid_ca(good, typ=(5 << 3) | 3)),
        'two': attrs(guid_ca(good), guid_ca(b'\x01\x00\x05abcde\0\0')),
        'two_bad_last': attrs(guid_ca(good),
                              guid_ca(b'\x02\x00\x05abcde\0\0')),
        'value_00': attrs(guid_ca(b'\x01\x00\x00abc')),
        'value_ff': attrs(guid_ca(b'\x01\x00\xff' + b'a' * 300)),
        'value_nul': attrs(guid_ca(b'\x01\x00\x24' + b'\0' * 38)),
        'value_mid_nul': attrs(guid_ca(b'\x01\x00\x24' + GUID_TEXT[:5] +
                                       b'\0' + GUID_TEXT[6:])),
        'value_past_blob': attrs(guid_ca(b'\x01\x00\x30' + GUID_TEXT)),
        'value_first_ff': attrs(guid_ca(b'\x01\x00\x05\xffabcd')),
        'value_first_fe': attrs(guid_ca(b'\x01\x00\x05\xfeabcd')),
        'blob3': attrs(guid_ca(b'\x01\x00\x00')),
        'blob4': attrs(guid_ca(b'\x01\x00\x05a')),
    }
    out = {'tl_%s.bin' % k: variant(tables=f) for k, f in cases.items()}
    for name, n in (('at_end', 3), ('past_end', 4)):
        blob = b'\x01\x00' + bytes([n]) + b'abc'
        d = variant(tables=attrs(guid_ca(blob)))
        out['tl_value_%s.bin' % name] = d[:d.index(blob) + len(blob)]
    return out


def files():
    out = {}
    out['sample.bin'] = sample()
    out['culture.bin'] = sample(culture='de-DE')
    out['noguidattr.bin'] = sample(guid_attr=False)
    good = out['sample.bin']
    md = good.index(b'BSJB')
    cuts = [0x100, 0x248, md + 8, md + 20, md + 28, md + 30, md + 32,
            md + 36, md + 42, md + 60]
    for name in (b'#~', b'#Strings', b'#US', b'#GUID', b'#Blob'):
        hdr = good.index(name + b'\0', md) - 8
        start = md + struct.unpack_from('<I', good, hdr)[0]
        size = struct.unpack_from('<I', good, hdr + 4)[0]
        cuts += [start + 1, start + size // 2, start + size - 1]
    for cut in sorted(set(cuts)):
        out['sample.cut%d.bin' % cut] = good[:cut]
    out.update(adversarial())
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, data in files().items():
        with open(os.path.join(outdir, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
