#!/usr/bin/env python3
"""Crafted ELF files for the elf module's tests, built from the ELF
specification, not from any tool's output.

Layouts follow the System V gABI ("Tool Interface Standard (TIS)
Executable and Linking Format (ELF) Specification, Version 1.2", Book I,
chapter 1: ELF header, sections, string and symbol tables; chapter 2:
program headers and the dynamic section) and its 64-bit form ("ELF-64
Object File Format, Version 1.5"): field order and widths of Elf32_Ehdr /
Elf64_Ehdr, Elf{32,64}_Shdr, Elf{32,64}_Phdr, Elf{32,64}_Sym (st_info =
bind << 4 | type) and Elf{32,64}_Dyn, in either byte order (e_ident
EI_DATA 1 little, 2 big endian).

    mkelf.py OUTDIR     writes every variant below as OUTDIR/NAME.elf
    mkelf.py --hex NAME prints variant NAME as a case file's `--- input hex`

Each variant is a well-formed file or a well-formed file with one field
made hostile (a count past the end, an offset outside the file, a string
without its NUL ...), for the -D differential against yara and the fuzz
seeds.
"""
import os
import struct
import sys

ET_REL, ET_EXEC, ET_DYN = 1, 2, 3
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_DYNAMIC = 1, 2, 3, 6
SHT_NOBITS, SHT_DYNSYM = 8, 11
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
PT_LOAD, PT_DYNAMIC, PT_PHDR, PT_GNU_STACK = 1, 2, 6, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
DT_NULL, DT_NEEDED, DT_STRTAB, DT_SYMTAB, DT_STRSZ = 0, 1, 5, 6, 10


class Elf:
    """An ELF image laid out as: header, program headers, section data (in
    order), section headers. Fields of `hdr`, `sections` and `segments`
    may be overridden before build(); patches apply to the bytes after."""

    def __init__(self, bits=64, big=False, etype=ET_EXEC, machine=62):
        self.bits, self.big = bits, big
        self.e = ">" if big else "<"
        self.hdr = {"type": etype, "machine": machine, "entry": None,
                    "flags": 0}
        self.sections = []   # dicts: name type flags addr data link info
        self.segments = []   # dicts: type flags offset vaddr paddr ...
        self.base = 0x400000 if bits == 64 else 0x8048000
        self.patches = []    # (offset or callable, bytes)
        self.tail = b""      # appended after the section headers
        self.truncate = None

    # -- pieces -------------------------------------------------------
    def strtab(self, names):
        """A string table (leading NUL) and each name's offset."""
        data, offs = b"\0", {}
        for n in names:
            if n not in offs:
                offs[n] = len(data)
                data += n.encode() + b"\0"
        return data, offs

    def symbols(self, syms, strtab_offs):
        """Elf_Sym entries: (name, value, size, bind, type, other, shndx);
        a first all-zero entry as the gABI requires."""
        out = b""
        for name, value, size, bind, typ, other, shndx in \
                [("", 0, 0, 0, 0, 0, 0)] + list(syms):
            info = (bind << 4) | typ
            if self.bits == 64:
                out += struct.pack(self.e + "IBBHQQ", strtab_offs.get(name, 0),
                                   info, other, shndx, value, size)
            else:
                out += struct.pack(self.e + "IIIBBH", strtab_offs.get(name, 0),
                                   value, size, info, other, shndx)
        return out

    def dynamic(self, entries):
        f = self.e + ("qQ" if self.bits == 64 else "iI")
        return b"".join(struct.pack(f, t, v) for t, v in entries)

    def add(self, name, typ, data=b"", flags=0, addr=None, link=0, info=0,
            entsize=0, size=None, align=8):
        s = dict(name=name, type=typ, data=data, flags=flags, addr=addr,
                 link=link, info=info, entsize=entsize, size=size,
                 align=align)
        self.sections.append(s)
        return len(self.sections)   # its index (0 is the null section)

    # -- layout -------------------------------------------------------
    def build(self):
        b64 = self.bits == 64
        ehsize = 64 if b64 else 52
        phsize = 56 if b64 else 32
        shsize = 64 if b64 else 40
        shstr, shoffs = self.strtab([s["name"] for s in self.sections] +
                                    [".shstrtab"])
        secs = self.sections + [dict(name=".shstrtab", type=SHT_STRTAB,
                                     data=shstr, flags=0, addr=0, link=0,
                                     info=0, entsize=0, size=None, align=1)]
        phoff = ehsize if self.segments else 0
        pos = phoff + phsize * len(self.segments)
        body = bytearray()
        for s in secs:
            a = s["align"] or 1
            pos = (pos + a - 1) // a * a
            s["offset"] = s.get("force_offset", pos)
            if s["addr"] is None:
                s["addr"] = self.base + pos if s["flags"] & SHF_ALLOC else 0
            if s["type"] != SHT_NOBITS:
                pos += len(s["data"])
            if s["size"] is None:
                s["size"] = len(s["data"])
        shoff = (pos + 7) // 8 * 8
        image = bytearray(shoff)
        for s in secs:
            if s["type"] != SHT_NOBITS and "force_offset" not in s:
                image[s["offset"]:s["offset"] + len(s["data"])] = s["data"]
        # section headers, index 0 null
        sh = bytearray(shsize)
        for s in secs:
            vals = (shoffs[s["name"]] if "name_off" not in s else
                    s["name_off"], s["type"], s["flags"], s["addr"],
                    s["offset"], s["size"], s["link"], s["info"],
                    s["align"], s["entsize"])
            if b64:
                sh += struct.pack(self.e + "IIQQQQIIQQ", *vals)
            else:
                sh += struct.pack(self.e + "IIIIIIIIII", *vals)
        image += sh
        # program headers
        ph = bytearray()
        for g in self.segments:
            g = dict(g)
            if "section" in g:      # cover a section
                s = secs[g.pop("section") - 1]
                g.setdefault("offset", s["offset"])
                g.setdefault("vaddr", s["addr"])
                g.setdefault("filesz", 0 if s["type"] == SHT_NOBITS
                             else s["size"])
                g.setdefault("memsz", s["size"])
            g.setdefault("paddr", g.get("vaddr", 0))
            g.setdefault("align", 8)
            if b64:
                ph += struct.pack(self.e + "IIQQQQQQ", g["type"], g["flags"],
                                  g["offset"], g["vaddr"], g["paddr"],
                                  g["filesz"], g["memsz"], g["align"])
            else:
                ph += struct.pack(self.e + "IIIIIIII", g["type"], g["offset"],
                                  g["vaddr"], g["paddr"], g["filesz"],
                                  g["memsz"], g["flags"], g["align"])
        image[phoff:phoff + len(ph)] = ph
        h = self.hdr
        ident = b"\x7fELF" + bytes([2 if b64 else 1, 2 if self.big else 1,
                                    1, 0]) + b"\0" * 8
        entry = h["entry"] if h["entry"] is not None else 0
        vals = (h["type"], h["machine"], 1, entry, phoff, shoff, h["flags"],
                ehsize, phsize, len(self.segments), shsize, len(secs) + 1,
                len(secs))
        vals = tuple(v if h.get(k) is None else h[k] for k, v in zip(
            ("type", "machine", "version", "entry", "phoff", "shoff",
             "flags", "ehsize", "phentsize", "phnum", "shentsize", "shnum",
             "shstrndx"), vals))
        fmt = self.e + ("HHIQQQIHHHHHH" if b64 else "HHIIIIIHHHHHH")
        image[0:ehsize] = ident + struct.pack(fmt, *vals)
        image += self.tail
        for off, data in self.patches:
            if callable(off):
                off = off(self, secs, shoff)
            image[off:off + len(data)] = data
        if self.truncate is not None:
            image = image[:self.truncate]
        self.layout = dict(shoff=shoff, secs=secs, phoff=phoff)
        return bytes(image)


def program(bits=64, big=False, etype=ET_EXEC, machine=None):
    """A small dynamically linked program: code, data, bss, a dynamic
    symbol table with its strings, a dynamic section, a full symbol table,
    and the segments that load them."""
    if machine is None:
        machine = {(64, False): 62, (64, True): 21, (32, False): 3,
                   (32, True): 8}[(bits, big)]
    x = Elf(bits, big, etype, machine)
    dstr, doffs = x.strtab(["libc.so.6", "puts", "exit", "data_obj"])
    text = x.add(".text", SHT_PROGBITS, b"\x90" * 32 + b"\xc3",
                 SHF_ALLOC | SHF_EXECINSTR, align=16)
    data = x.add(".data", SHT_PROGBITS, b"hello\0" + b"\0" * 10,
                 SHF_ALLOC | SHF_WRITE)
    bss = x.add(".bss", SHT_NOBITS, flags=SHF_ALLOC | SHF_WRITE, size=64)
    dynstr = x.add(".dynstr", SHT_STRTAB, dstr, SHF_ALLOC, align=1)
    dsyms = x.symbols([("puts", 0, 0, 1, 2, 0, 0),
                       ("exit", 0, 0, 1, 2, 0, 0),
                       ("data_obj", 0x1000, 16, 1, 1, 0, data)], doffs)
    x.add(".dynsym", SHT_DYNSYM, dsyms, SHF_ALLOC, link=dynstr, info=1,
          entsize=24 if bits == 64 else 16)
    dyn = x.dynamic([(DT_NEEDED, doffs["libc.so.6"]), (DT_STRSZ, len(dstr)),
                     (0x6ffffffb, 1), (DT_NULL, 0)])
    dynamic = x.add(".dynamic", SHT_DYNAMIC, dyn, SHF_ALLOC | SHF_WRITE,
                    link=dynstr, entsize=16 if bits == 64 else 8)
    sstr, soffs = x.strtab(["crt.c", "main", "_start", "counter", "local_fn",
                            "weak_obj", "tls_var"])
    syms = x.symbols([("crt.c", 0, 0, 0, 4, 0, 0xfff1),
                      ("local_fn", 0x40, 8, 0, 2, 2, text),
                      ("", 0, 0, 0, 3, 0, data),
                      ("main", 0x10, 16, 1, 2, 0, text),
                      ("_start", 0, 16, 1, 2, 1, text),
                      ("counter", 8, 4, 1, 1, 3, bss),
                      ("weak_obj", 0, 8, 2, 1, 0, data),
                      ("tls_var", 0, 4, 1, 6, 0, 0xfff2)], soffs)
    strtab = len(x.sections) + 2
    x.add(".symtab", SHT_SYMTAB, syms, link=strtab, info=4,
          entsize=24 if bits == 64 else 16)
    x.add(".strtab", SHT_STRTAB, sstr, align=1)
    x.segments = [
        dict(type=PT_PHDR, flags=PF_R, offset=64 if bits == 64 else 52,
             vaddr=0, filesz=0, memsz=0),
        dict(type=PT_LOAD, flags=PF_R | PF_X, section=text),
        dict(type=PT_LOAD, flags=PF_R | PF_W, section=data),
        dict(type=PT_DYNAMIC, flags=PF_R | PF_W, section=dynamic),
        dict(type=PT_GNU_STACK, flags=PF_R | PF_W, offset=0, vaddr=0,
             filesz=0, memsz=0, align=16),
    ]
    x.build()  # to learn the layout: the entry is .text's address + 4
    x.hdr["entry"] = x.layout["secs"][text - 1]["addr"] + 4
    x.segments[0]["vaddr"] = x.base + x.segments[0]["offset"]
    return x


def p(x, fmt, *v):
    return struct.pack(x.e + fmt, *v)


def shdr_field(x, index, field):
    """The file offset of field of section header index."""
    f64 = dict(name=0, type=4, flags=8, addr=16, offset=24, size=32,
               link=40, info=44)
    f32 = dict(name=0, type=4, flags=8, addr=12, offset=16, size=20,
               link=24, info=28)
    size = 64 if x.bits == 64 else 40
    off = (f64 if x.bits == 64 else f32)[field]
    return lambda x_, secs, shoff: shoff + index * size + off


def word(x):
    return "Q" if x.bits == 64 else "I"


def ehdr(x, field):
    """The offset and format of an ELF header field."""
    t64 = dict(entry=(24, "Q"), phoff=(32, "Q"), shoff=(40, "Q"),
               phnum=(56, "H"), shnum=(60, "H"), shstrndx=(62, "H"),
               shentsize=(58, "H"))
    t32 = dict(entry=(24, "I"), phoff=(28, "I"), shoff=(32, "I"),
               phnum=(44, "H"), shnum=(48, "H"), shstrndx=(50, "H"),
               shentsize=(46, "H"))
    return (t64 if x.bits == 64 else t32)[field]


def set_hdr(x, field, value):
    off, f = ehdr(x, field)
    x.patches.append((off, p(x, f, value)))


def sec_index(x, name):
    for i, s in enumerate(x.sections):
        if s["name"] == name:
            return i + 1
    return len(x.sections) + 1   # .shstrtab


def variants():
    out = {}
    for bits in (64, 32):
        for big in (False, True):
            tag = "%d%s" % (bits, "be" if big else "le")
            out["prog-" + tag] = program(bits, big)
            out["dyn-" + tag] = program(bits, big, ET_DYN)
            out["rel-" + tag] = program(bits, big, ET_REL)

    def v(name, bits=64, big=False, etype=ET_EXEC):
        x = program(bits, big, etype)
        out[name] = x
        return x

    for bits in (64, 32):
        t = str(bits)
        # header fields pointing outside the file, or odd
        top = (1 << bits) - 8
        for name, field, value in (
                ("shnum-65535", "shnum", 65535),
                ("shoff-past-end", "shoff", 0x7fffff00),
                ("shoff-huge", "shoff", top),
                ("shstrndx-big", "shstrndx", 200),
                ("shstrndx-zero", "shstrndx", 0),
                ("shstrndx-text", "shstrndx", 1),   # not a string table
                ("shstrndx-bss", "shstrndx", 3),    # SHT_NOBITS
                ("phnum-65535", "phnum", 65535),
                ("phoff-past-end", "phoff", 0x7fffff00),
                ("phoff-huge", "phoff", top),
                ("shentsize-odd", "shentsize", 12),
                ("shnum-zero", "shnum", 0),
                ("phnum-zero", "phnum", 0)):
            set_hdr(v(name + "-" + t, bits), field, value)
        # entry points
        x = v("entry-zero-" + t, bits)
        set_hdr(x, "entry", 0)
        for et, nm in ((ET_DYN, "dyn"), (ET_REL, "rel")):
            # address 0 lies in .symtab (not allocated, address 0)
            x = v("entry-zero-%s-%s" % (nm, t), bits, etype=et)
            set_hdr(x, "entry", 0)
        x = v("entry-zero-load0-" + t, bits)   # a PT_LOAD at address 0
        x.segments[4].update(type=PT_LOAD, memsz=64, filesz=64)
        set_hdr(x, "entry", 0)
        x = v("entry-load0-" + t, bits)
        x.segments[4].update(type=PT_LOAD, memsz=64, filesz=64)
        set_hdr(x, "entry", 8)
        # a PT_NOTE segment before the PT_LOAD ones covers the entry with
        # another file offset
        for et, nm in ((ET_EXEC, ""), (ET_REL, "rel-")):
            x = v("entry-in-note-segment-%s%s" % (nm, t), bits, etype=et)
            x.segments.insert(1, dict(type=4, flags=PF_R, offset=0x10,
                                      vaddr=0, filesz=0x40, memsz=0x40))
            x.build()
            x.segments[1]["vaddr"] = x.layout["secs"][0]["addr"]
        # a segment whose end wraps around the address space
        top = (1 << bits) - 0x100
        x = v("entry-wrap-" + t, bits)
        x.segments[1].update(vaddr=top, memsz=0x200)
        set_hdr(x, "entry", top + 0x80)
        x = v("entry-wrap-rel-" + t, bits, etype=ET_DYN)
        x.patches.append((shdr_field(x, 1, "addr"), p(x, word(x), top)))
        x.patches.append((shdr_field(x, 1, "size"), p(x, word(x), 0x200)))
        set_hdr(x, "entry", top + 0x80)
        x = v("phoff-zero-" + t, bits)
        set_hdr(x, "phoff", 0)
        x = v("shoff-zero-dyn-" + t, bits, etype=ET_DYN)
        set_hdr(x, "shoff", 0)
        x = v("entry-unmapped-" + t, bits)
        set_hdr(x, "entry", 0x10)
        x = v("entry-bss-" + t, bits)
        x.build()
        set_hdr(x, "entry", x.layout["secs"][2]["addr"] + 8)
        for et, nm in ((ET_DYN, "dyn"), (ET_REL, "rel")):
            x = v("entry-unmapped-%s-%s" % (nm, t), bits, etype=et)
            set_hdr(x, "entry", 0x10)
            x = v("entry-bss-%s-%s" % (nm, t), bits, etype=et)
            x.build()
            set_hdr(x, "entry", x.layout["secs"][2]["addr"] + 8)
        # the string table of section names
        x = v("shstrtab-offset-past-end-" + t, bits)
        n = len(x.sections) + 1
        x.patches.append((shdr_field(x, n, "offset"),
                          p(x, word(x), 0x7ffffff0)))
        x = v("shstrtab-offset-huge-" + t, bits)
        x.patches.append((shdr_field(x, n, "offset"),
                          p(x, word(x), (1 << bits) - 2)))
        # the gABI's string tables start with a NUL; these do not
        x = v("shstrtab-first-not-nul-" + t, bits)
        x.build()
        x.patches.append((shdr_field(x, n, "offset"), p(
            x, word(x), x.layout["secs"][n - 1]["offset"] + 1)))
        x = v("symtab-strtab-first-not-nul-" + t, bits)
        x.build()
        sym = sec_index(x, ".symtab")
        x.patches.append((shdr_field(x, sym + 1, "offset"), p(
            x, word(x), x.layout["secs"][sym]["offset"] + 1)))
        x = v("shstrtab-size-huge-" + t, bits)
        x.patches.append((shdr_field(x, n, "size"),
                          p(x, word(x), 0x7ffffff0)))
        x = v("shstrtab-size-small-" + t, bits)
        x.patches.append((shdr_field(x, n, "size"), p(x, word(x), 9)))
        x = v("section-name-past-end-" + t, bits)
        x.patches.append((shdr_field(x, 1, "name"), p(x, "I", 0x7fffff00)))
        x = v("section-name-huge-" + t, bits)
        x.patches.append((shdr_field(x, 1, "name"), p(x, "I", 0xffffffff)))
        # a name running to the end of the file without its NUL: the
        # string table is moved to the file's last bytes
        x = v("section-name-no-nul-" + t, bits)
        x.tail = b"\0.unterminated"
        end = len(x.build())
        x.patches.append((shdr_field(x, n, "offset"),
                          p(x, word(x), end - 14)))
        x.patches.append((shdr_field(x, 1, "name"), p(x, "I", 1)))
        # symbol tables
        sym = sec_index(x, ".symtab")
        dsym = sec_index(x, ".dynsym")
        x = v("symtab-link-big-" + t, bits)
        x.patches.append((shdr_field(x, sym, "link"), p(x, "I", 500)))
        x = v("symtab-link-not-strtab-" + t, bits)
        x.patches.append((shdr_field(x, sym, "link"), p(x, "I", 1)))
        x = v("symtab-offset-past-end-" + t, bits)
        x.patches.append((shdr_field(x, sym, "offset"),
                          p(x, word(x), 0x7ffffff0)))
        x = v("symtab-size-huge-" + t, bits)
        x.patches.append((shdr_field(x, sym, "size"),
                          p(x, word(x), 0x7ffffff0)))
        x = v("symtab-size-odd-" + t, bits)
        x.build()
        x.patches.append((shdr_field(x, sym, "size"),
                          p(x, word(x), x.layout["secs"][sym - 1]["size"]
                            - 3)))
        x = v("symtab-strtab-past-end-" + t, bits)
        x.patches.append((shdr_field(x, sym + 1, "offset"),
                          p(x, word(x), 0x7ffffff0)))
        x = v("symtab-strtab-small-" + t, bits)
        x.patches.append((shdr_field(x, sym + 1, "size"),
                          p(x, word(x), 8)))
        x = v("symtab-strtab-huge-" + t, bits)
        x.patches.append((shdr_field(x, sym + 1, "size"),
                          p(x, word(x), 0x7ffffff0)))
        x = v("dynsym-link-big-" + t, bits)
        x.patches.append((shdr_field(x, dsym, "link"), p(x, "I", 0xffff)))
        x = v("dynsym-size-zero-" + t, bits)
        x.patches.append((shdr_field(x, dsym, "size"), p(x, word(x), 0)))
        x = v("two-symtabs-" + t, bits)
        x.patches.append((shdr_field(x, dsym, "type"), p(x, "I", SHT_SYMTAB)))
        # symbol names at the end of the file without a NUL
        x = v("symbol-name-no-nul-" + t, bits)
        x.tail = b"last_symbol_name"
        x.build()
        end = len(x.build())
        x.patches.append((shdr_field(x, sym + 1, "offset"),
                          p(x, word(x), end - 16)))
        x.patches.append((shdr_field(x, sym + 1, "size"), p(x, word(x), 16)))
        # the dynamic segment
        dyn_ph = 3
        phsz = 56 if bits == 64 else 32
        ph0 = 64 if bits == 64 else 52
        off_in_ph = 8 if bits == 64 else 4
        x = v("dynamic-offset-past-end-" + t, bits)
        x.patches.append((ph0 + dyn_ph * phsz + off_in_ph,
                          p(x, word(x), 0x7ffffff0)))
        x = v("dynamic-offset-huge-" + t, bits)
        x.patches.append((ph0 + dyn_ph * phsz + off_in_ph,
                          p(x, word(x), (1 << bits) - 4)))
        # no DT_NULL: the entries run on to the end of the file
        x = v("dynamic-no-null-" + t, bits)
        x.build()
        x.tail = b"\x11" * 40
        end = len(x.build())
        x.patches.append((ph0 + dyn_ph * phsz + off_in_ph,
                          p(x, word(x), end - 40)))
        x = v("dynamic-filesz-zero-" + t, bits)
        x.patches.append((ph0 + dyn_ph * phsz + (32 if bits == 64 else 16),
                          p(x, word(x), 0)))
        # two dynamic segments, the second shorter: its entries are
        # written over the first's, whose last entry stays
        es = 16 if bits == 64 else 8
        x = v("two-dynamic-" + t, bits)
        x.segments.append(dict(type=PT_DYNAMIC, flags=PF_R, offset=0,
                               vaddr=0, filesz=3 * es, memsz=3 * es))
        x.build()
        d = x.layout["secs"][sec_index(x, ".dynamic") - 1]
        x.segments[-1]["offset"] = d["offset"] + es
        x = v("two-dynamic-second-longer-" + t, bits)
        x.segments.insert(3, dict(type=PT_DYNAMIC, flags=PF_R,
                                  offset=0, vaddr=0, filesz=0, memsz=0))
        x.build()
        d = x.layout["secs"][sec_index(x, ".dynamic") - 1]
        x.segments[3]["offset"] = d["offset"] + es
        # a second symbol table after .strtab, shorter than .symtab
        x = v("two-symtabs-second-shorter-" + t, bits)
        x.build()
        st = x.layout["secs"][sec_index(x, ".symtab") - 1]
        ss = 24 if bits == 64 else 16
        x.add(".symtab2", SHT_SYMTAB, st["data"][:2 * ss],
              link=sec_index(x, ".strtab"), entsize=ss)
        x = v("two-dynsyms-second-shorter-" + t, bits)
        x.build()
        st = x.layout["secs"][sec_index(x, ".dynsym") - 1]
        x.add(".dynsym2", SHT_DYNSYM, st["data"][:2 * ss],
              link=sec_index(x, ".dynstr"), entsize=ss)
        # many PT_DYNAMIC segments at offsets one entry apart (the module
        # must not rescan the shared chain for each)
        x = v("many-dynamic-" + t, bits)
        x.segments += [dict(type=PT_DYNAMIC, flags=PF_R, offset=0, vaddr=0,
                            filesz=0, memsz=0) for _ in range(40)]
        x.build()
        d = x.layout["secs"][sec_index(x, ".dynamic") - 1]
        for k in range(40):
            x.segments[5 + k]["offset"] = d["offset"] - es * (k % 7) + \
                (k % 3) * 4
        # a negative 32-bit tag
        x = v("dynamic-negative-tag-" + t, bits)
        x.build()
        d = x.layout["secs"][sec_index(x, ".dynamic") - 1]
        x.patches.append((d["offset"] + 2 * es, p(x, word(x),
                                                  (1 << bits) - 5)))
        x = v("symtab-link-zero-" + t, bits)
        x.patches.append((shdr_field(x, sec_index(x, ".symtab"), "link"),
                          p(x, "I", 0)))
        # truncated files
        x = v("truncated-in-sections-" + t, bits)
        x.truncate = -20
        x = v("truncated-header-" + t, bits)
        x.truncate = 40
        x = v("header-only-" + t, bits)
        x.truncate = 64 if bits == 64 else 52
        x = v("header-plus-one-" + t, bits)
        x.truncate = (64 if bits == 64 else 52) + 1
    # identification bytes yara does not know
    # Section and segment tables that fit in the file with counts from
    # SHN_LORESERVE (0xff00) and at PN_XNUM (0xffff), where the ELF
    # specification keeps the real count elsewhere: yara lists no section,
    # no segment, but still reads the entry point. The ones below are
    # listed as usual.
    for shnum, phnum in ((0xfeff, 1), (0xff00, 1), (0x100, 0xfffe),
                         (0x100, 0xffff)):
        out["tables-sh%x-ph%x" % (shnum, phnum)] = BigTables(shnum, phnum)
    x = v("class-3")
    x.patches.append((4, b"\x03"))
    x = v("data-0")
    x.patches.append((5, b"\x00"))
    x = v("data-3")
    x.patches.append((5, b"\x03"))
    x = v("class32-in-64-layout")
    x.patches.append((4, b"\x01"))
    return out


class BigTables:
    """A 64-bit little-endian ET_EXEC with shnum section headers (the
    second a 16-byte PROGBITS) and phnum program headers (the first a
    PT_LOAD over the whole file), both tables inside the file."""

    def __init__(self, shnum, phnum):
        self.shnum, self.phnum = shnum, phnum

    def build(self):
        shoff = 64
        phoff = shoff + self.shnum * 64
        size = phoff + self.phnum * 56 + 16
        d = bytearray(size)
        d[:16] = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
        struct.pack_into("<HHIQQQIHHHHHH", d, 16, ET_EXEC, 62, 1, 0x400000,
                         phoff, shoff, 0, 64, 56, self.phnum, 64,
                         self.shnum, 0)
        struct.pack_into("<IIQQQQIIQQ", d, shoff + 64, 0, 1, 0, 0, 0, 16,
                         0, 0, 1, 0)
        struct.pack_into("<IIQQQQQQ", d, phoff, PT_LOAD, 5, 0, 0x400000,
                         0x400000, size, size, 0x1000)
        return bytes(d)


def case_hex(data):
    """Hex bytes, 24 a line, runs of 8 or more equal bytes as `BB*N`."""
    toks, i = [], 0
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i]:
            j += 1
        if j - i >= 8:
            toks.append("%02x*%d" % (data[i], j - i))
            i = j
        else:
            toks.append("%02x" % data[i])
            i += 1
    return "\n".join(" ".join(toks[k:k + 24]) for k in range(0, len(toks), 24))


def main():
    if sys.argv[1] == "--hex":
        print(case_hex(variants()[sys.argv[2]].build()))
        return
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, x in sorted(variants().items()):
        with open(os.path.join(outdir, name + ".elf"), "wb") as f:
            f.write(x.build())


if __name__ == "__main__":
    main()
