"""One differential case: rules files, -d values, inputs and command lines.

build_cases(seed, index) returns the cases of one index: a valid case
(several rules files, inputs, several output modes) or, for every sixth
index, a handful of invalid ones (one injected compile error each, see
gen_invalid.py).  Everything is drawn from random.Random("seed:index"), so
a case can be rebuilt anywhere from its two numbers.  A Case is plain data
that the shrinker edits and write_case() puts on disk.
"""

import os
import random
import struct

from features import FEATURE_NAMES
from gen_cond import CondGen
from gen_strings import NON_WORD, WORD, gen_pattern

RULE_PREFIXES = ["alpha", "beta", "gamma", "delta", "omega", "rx", "Mal"]
STRING_IDS = ["a0", "a1", "a2", "b0", "b1", "c", "str1", "str2", "x"]
TAGS = ["t1", "t2", "foo", "bar", "Evil", "x_y", "T3"]
META_KEYS = ["author", "score", "ok", "desc", "id", "version"]
SIZES = [0, 1, 2, 3, 10, 64, 100, 256, 300, 512, 700, 1000, 1500, 2048,
         3000]
HOT = [0, 1, 2, 3, 4, 7, 8, 10, 16, 32, 64, 100, 128, 200, 255, 256, 300,
       512, 1000]
INVALID_EVERY = 6
INVALID_VARIANTS = 4
FORCED_PER_CASE = 10
VALID_FEATURES = [f for f in FEATURE_NAMES if not f.startswith("err-")]


class Gen:
    """Per-case generator state shared by the string and condition code."""

    def __init__(self, seed, index, sub=0, forced=()):
        self.rng = random.Random("%d:%d:%d" % (seed, index, sub))
        self.forced = set(forced)
        self.feats = set()
        self.pool = []
        self.value_plants = []
        self.externals = []
        self.hot_offsets = []
        self.sizes = []
        self.exe = []
        self.has_exe = False
        self.re_lazy = False

    def want(self, name, p):
        """True with probability p, or the first time a forced feature
        is asked for."""
        if name in self.forced:
            self.forced.discard(name)
            return True
        return self.rng.random() < p

    def ext_of(self, typ):
        return [(n, v) for n, t, _, v in self.externals if t == typ]


class Rule:
    def __init__(self, name):
        self.name = name
        self.is_global = False
        self.is_private = False
        self.tags = []
        self.metas = []
        self.strings = []
        self.condition = "true"
        self.feats = set()
        self.layout = 0
        self.comment = None
        self.inject = None

    def render(self):
        """The rule's source; layout 0 is one line, others multi-line."""
        head = ""
        if self.is_global:
            head += "global "
        if self.is_private:
            head += "private "
        head += "rule " + self.name
        if self.tags:
            head += " : " + " ".join(self.tags)
        if self.layout == 0:
            parts = [head, "{"]
            if self.metas:
                parts.append("meta:")
                parts += ["%s = %s" % m for m in self.metas]
            if self.strings:
                parts.append("strings:")
                parts += ["%s = %s" % (p.ident, p.source)
                          for p in self.strings]
            parts += ["condition:", self.condition, "}"]
            text = " ".join(parts) + "\n"
        else:
            ind = "    " if self.layout == 1 else "\t"
            lines = [head, "{"]
            if self.metas:
                lines.append(ind + "meta:")
                lines += [ind * 2 + "%s = %s" % m for m in self.metas]
            if self.strings:
                lines.append(ind + "strings:")
                lines += [ind * 2 + "%s = %s" % (p.ident, p.source)
                          for p in self.strings]
            lines.append(ind + "condition:")
            lines.append(ind * 2 + self.condition)
            lines.append("}")
            text = "\n".join(lines) + "\n"
        if self.comment == "line":
            text = "// rule %s\n" % self.name + text
        elif self.comment == "block":
            text = "/* rule %s\n   spans lines */\n" % self.name + text
        if self.inject is not None:
            text = self.inject(text)
        return text


class RuleFile:
    def __init__(self, ns, rules):
        self.ns = ns
        self.rules = rules
        self.tail = ""
        self.included = False
        self.head = ""

    def render(self, includes=""):
        """includes go after the rules (rules files are read in order, and
        rule sets must not see later names), before an open comment."""
        return self.head + "".join(r.render() + "\n" for r in self.rules) \
            + includes + self.tail


class Mode:
    """One command line: flags, and a target of kind list, file or dir."""

    def __init__(self, flags, target="list", arg=0):
        self.flags = list(flags)
        self.target = target
        self.arg = arg

    def label(self):
        t = {"list": "", "file": " FILE", "dir": " DIR"}[self.target]
        return " ".join(self.flags) + t


class Case:
    def __init__(self, seed, index, sub, kind):
        self.seed = seed
        self.index = index
        self.sub = sub
        self.kind = kind
        self.files = []
        self.externals = []
        self.extra_args = []
        self.inputs = []
        self.modes = []
        self.missing_in_list = False
        self.feats = set()
        self.error_kind = None

    @property
    def name(self):
        if self.kind == "invalid":
            return "%d-%d.%d" % (self.seed, self.index, self.sub)
        return "%d-%d" % (self.seed, self.index)

    def rules(self):
        return [r for f in self.files for r in f.rules]


# ------------------------------------------------------------ rules


def gen_metas(g, rule):
    rng = g.rng
    for _ in range(rng.randint(0, 3)):
        key = rng.choice(META_KEYS)
        if any(k == key for k, _ in rule.metas):
            if not g.want("meta-duplicate", 0.3):
                continue
            rule.feats.add("meta-duplicate")
        r = rng.random()
        if r < 0.4:
            text = rng.choice(["x", "John Doe", "tab\\there", "q\\\"uote",
                               "nl\\nx", "back\\\\slash", "hex\\x41\\x01",
                               "high\\xff", ""])
            rule.feats.add("meta-string")
            if "\\" in text:
                rule.feats.add("meta-string-escape")
            rule.metas.append((key, '"%s"' % text))
        elif r < 0.75:
            v = rng.choice([0, 1, 42, 100, rng.randrange(1 << 31)])
            if g.want("meta-int-negative", 0.25):
                v = -v
                rule.feats.add("meta-int-negative")
            rule.feats.add("meta-int")
            rule.metas.append((key, str(v)))
        else:
            rule.feats.add("meta-bool")
            rule.metas.append((key, rng.choice(["true", "false"])))


def gen_strings(g, rule):
    rng = g.rng
    n = 0 if (rng.random() < 0.15 or g.want("rule-no-strings", 0.0)
              and rng.random() < 0.5) else rng.randint(1, 5)
    ids = STRING_IDS[:]
    rng.shuffle(ids)
    for i in range(n):
        p = gen_pattern(g)
        if g.want("string-anonymous", 0.08):
            p.ident = "$"
            p.features.add("string-anonymous")
        else:
            p.ident = "$" + ids[i]
        rule.strings.append(p)
        rule.feats |= p.features
    if not rule.strings:
        rule.feats.add("rule-no-strings")


def global_condition(g, rule, cg):
    """Global rules gate their whole namespace: mostly true."""
    rng = g.rng
    if not rule.strings:
        cg.note("filesize", "cmp-ne")
        return "filesize != %d" % rng.choice(g.sizes or [1])
    return cg.condition(1)


def gen_rule(g, name, earlier, prefixes):
    rng = g.rng
    rule = Rule(name)
    if g.want("rule-global", 0.06):
        rule.is_global = True
        rule.feats.add("rule-global")
    if g.want("rule-private", 0.12):
        rule.is_private = True
        rule.feats.add("rule-private")
    if rule.is_global and rule.is_private:
        rule.feats.add("rule-global-private")
    if g.want("rule-tags", 0.35):
        rule.tags = rng.sample(TAGS, rng.randint(1, 3))
        rule.feats.add("rule-tags")
    gen_metas(g, rule)
    gen_strings(g, rule)
    named = [p.ident[1:] for p in rule.strings if p.ident != "$"]
    anon = any(p.ident == "$" for p in rule.strings)
    cg = CondGen(g, named, anon, earlier, prefixes)
    if rule.is_global:
        rule.condition = global_condition(g, rule, cg)
    else:
        rule.condition = cg.condition(rng.choice([1, 2, 2, 3, 3, 4]))
    rule.feats |= cg.feats
    rule.layout = rng.choice([0, 1, 1, 2])
    if g.want("comment", 0.1):
        rule.comment = rng.choice(["line", "block"])
        rule.feats.add("comment")
    return rule, cg.used_prefixes


def gen_rule_file(g, ns, names_taken, closed, other_names):
    """Rules of one file.  names_taken: names already in the namespace;
    closed: prefixes used in rule sets there, which later rule names must
    not start with (yara: "rule identifier ... matches previously used
    wildcard rule set")."""
    rng = g.rng
    rules = []
    counter = len(names_taken)
    for _ in range(rng.randint(2, 7)):
        name = None
        if other_names and g.want("same-name-2-namespaces", 0.1):
            cand = rng.choice(other_names)
            if cand not in names_taken and \
                    not any(cand.startswith(p) for p in closed):
                name = cand
                g.feats.add("same-name-2-namespaces")
        while name is None:
            name = "%s_%d" % (rng.choice(RULE_PREFIXES), counter)
            counter += 1
            if name in names_taken or \
                    any(name.startswith(p) for p in closed):
                name = None
        earlier = [(r.name, r.is_private) for r in rules]
        prefixes = set()
        for r in rules:
            for k in (1, 2, 3, len(r.name)):
                pfx = r.name[:k]
                if not name.startswith(pfx) and pfx not in closed:
                    prefixes.add(pfx)
        rule, used = gen_rule(g, name, earlier, prefixes)
        closed |= used
        names_taken.add(name)
        rules.append(rule)
    return RuleFile(ns, rules)


# ------------------------------------------------------------ externals


def gen_externals(g):
    rng = g.rng
    out = []
    for typ in ("int", "bool", "string", "float"):
        n = rng.choice([0, 0, 1, 1, 2])
        if n == 0 and g.want("ext-" + typ, 0.0):
            n = 1
        for i in range(n):
            name = "e%s%d" % (typ[0], i)
            if typ == "int":
                v = rng.choice([0, 1, -1, 5, 100, 4096,
                                rng.randint(-1000, 100000)])
                out.append((name, typ, str(v), v))
            elif typ == "bool":
                v = rng.choice(["true", "false"])
                out.append((name, typ, v, v))
            elif typ == "float":
                v = "%s%d.%d" % (rng.choice(["", "-"]), rng.randint(0, 300),
                                 rng.choice([0, 5, 25, 125]))
                out.append((name, typ, v, v))
            else:
                v = rng.choice(["Hello World", "tmp_data", "", "abcABC",
                                "x.exe", "Some-Path.txt", "data data"])
                out.append((name, typ, v, v))
            g.feats.add("ext-" + typ)
    return out


# ------------------------------------------------------------ inputs


def elf64(entry_off, size):
    """ELF64 header whose one PT_LOAD segment maps the file at 0x400000."""
    body = bytearray(size)
    vaddr = 0x400000
    body[0:16] = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    struct.pack_into("<HHIQQQIHHHHHH", body, 16, 2, 0x3E, 1,
                     vaddr + entry_off, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    struct.pack_into("<IIQQQQQQ", body, 64, 1, 5, 0, vaddr, vaddr, size,
                     size, 0x1000)
    return body


def pe32(entry_off, size):
    """PE32 with one section at RVA 0x1000 mapping file offset 0x200."""
    b = bytearray(size)
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3C, 0x40)
    b[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", b, 0x44, 0x14C, 1, 0, 0, 0, 0xE0, 0x0102)
    opt = 0x58
    struct.pack_into("<HBBIIIIII", b, opt, 0x10B, 0, 0, 0x200, 0, 0,
                     0x1000 + entry_off - 0x200, 0x1000, 0)
    struct.pack_into("<III", b, opt + 28, 0x400000, 0x1000, 0x200)
    struct.pack_into("<I", b, opt + 56, 0x2000)
    struct.pack_into("<I", b, opt + 60, 0x200)
    struct.pack_into("<I", b, opt + 92, 16)
    sec = opt + 0xE0
    b[sec:sec + 8] = b".text\0\0\0"
    struct.pack_into("<IIII", b, sec + 8, 0x1000, 0x1000, size - 0x200,
                     0x200)
    struct.pack_into("<I", b, sec + 36, 0x60000020)
    return b


TEXT_WORDS = [b"the", b"quick", b"brown", b"fox", b"alpha", b"Hello",
              b"world", b"data", b"key", b"cmd.exe", b"http://x.y/z",
              b"foo_bar", b"123", b"\n", b"\t", b"  ", b",", b"."]


def background(g, size, feats):
    rng = g.rng
    if size == 0:
        feats.add("in-empty")
        return bytearray()
    if size <= 3:
        feats.add("in-tiny")
    r = rng.random()
    if r < 0.35:
        feats.add("in-random")
        return bytearray(rng.randrange(256) for _ in range(size))
    if r < 0.55:
        feats.add("in-zero")
        return bytearray(size)
    feats.add("in-text")
    out = bytearray()
    while len(out) < size:
        out += rng.choice(TEXT_WORDS) + b" "
    return out[:size]


def plant_offset(g, buf, length, last, protect, feats):
    rng = g.rng
    top = len(buf) - length
    if top < protect:
        return None
    r = rng.random()
    if r < 0.25:
        off = rng.choice(g.hot_offsets)
        feats.add("plant-hot-offset")
    elif r < 0.35:
        off = 0
        feats.add("plant-start")
    elif r < 0.45:
        off = top
        feats.add("plant-end")
    elif r < 0.6 and last is not None:
        off = last[0] + rng.randint(1, max(1, last[1]))
        feats.add("plant-overlap" if off < last[0] + last[1]
                  else "plant-repeat")
    else:
        off = rng.randint(protect, top)
    if off < protect or off > top:
        return None
    return off


def plant(g, buf, patterns, protect, feats):
    rng = g.rng
    last = None
    for _ in range(rng.randint(0, 7)):
        if not patterns or not buf:
            return
        p = rng.choice(patterns)
        times = 1
        if g.want("plant-repeat", 0.15):
            times = rng.randint(2, 4)
            feats.add("plant-repeat")
        for _ in range(times):
            data = bytearray(p.sample(rng))
            if not data:
                continue
            if g.want("plant-near-miss", 0.12):
                i = rng.randrange(len(data))
                data[i] ^= 1 << rng.randrange(8)
                feats.add("plant-near-miss")
            off = plant_offset(g, buf, len(data), last, protect, feats)
            if off is None:
                continue
            buf[off:off + len(data)] = data
            if p.fullword or g.want("plant-word-neighbour", 0.1):
                feats.add("plant-word-neighbour")
                pool = WORD if rng.random() < 0.5 else NON_WORD
                if off - 1 >= protect:
                    buf[off - 1] = rng.choice(pool)
                end = off + len(data)
                if end < len(buf):
                    buf[end] = rng.choice(pool)
            last = (off, len(data))


def plant_values(g, buf, protect, feats):
    rng = g.rng
    for off, width, be, value in g.value_plants:
        if rng.random() < 0.4 and protect <= off and off + width <= len(buf):
            buf[off:off + width] = value.to_bytes(width,
                                                  "big" if be else "little")
            feats.add("plant-value")


def gen_inputs(g, patterns, feats):
    out = []
    for size, exe in zip(g.sizes, g.exe):
        protect = 0
        if exe == "elf":
            buf = elf64(g.ep_elf, size)
            protect = 120
            feats.add("in-elf")
        elif exe == "pe":
            buf = pe32(g.ep_pe, size)
            protect = 0x1C8
            feats.add("in-pe")
        else:
            buf = background(g, size, feats)
        plant(g, buf, patterns, protect, feats)
        plant_values(g, buf, protect, feats)
        out.append(bytes(buf))
    return out


def plan_inputs(g):
    """Sizes, hot offsets and executable headers, decided before rules."""
    rng = g.rng
    g.ep_elf = rng.choice([128, 200, 256, 300])
    g.ep_pe = 0x200 + rng.choice([0, 0x10, 0x40])
    g.hot_offsets = sorted(set(rng.sample(HOT, rng.randint(4, 7)) +
                               [g.ep_elf, g.ep_pe]))
    n = rng.randint(3, 6)
    g.sizes = [rng.choice(SIZES) for _ in range(n)]
    if g.want("in-empty", 0.15):
        g.sizes[0] = 0
    if g.want("in-tiny", 0.1):
        g.sizes[-1] = rng.randint(1, 3)
    g.exe = [None] * n
    elf, pe = g.want("in-elf", 0.12), g.want("in-pe", 0.12)
    if elf or pe or "entrypoint" in g.forced:
        i = rng.randrange(1, n)
        if elf == pe:
            kind = rng.choice(["elf", "pe"])
        else:
            kind = "elf" if elf else "pe"
        g.exe[i] = kind
        ep = g.ep_pe if kind == "pe" else g.ep_elf
        g.sizes[i] = max(g.sizes[i], ep + rng.choice([16, 64, 300]))
        g.has_exe = True


# ------------------------------------------------------------ modes


def gen_modes(g, case):
    rng = g.rng
    rules = case.rules()
    modes = [Mode([]), Mode(["-s"]), Mode(["-s", "-L"]),
             Mode(["-g", "-m", "-e"]), Mode(["-n"]), Mode(["-c"])]
    tags = sorted({t for r in rules for t in r.tags}) or ["t1"]
    n_inputs = len(case.inputs)
    # yara counts a hex string with a jump over 200 or an unbounded one
    # as several (chained) strings against --max-strings-per-rule.
    max_str = max([sum(1 + p.source.count("[") for p in r.strings)
                   for r in rules] + [1])
    extras = {
        "flag-f": lambda: Mode(["-f", "-s"]),
        "flag-i": lambda: Mode(["-i", rng.choice([r.name for r in rules] +
                                                 ["no_such_rule"])]),
        "flag-t": lambda: Mode(["-t", rng.choice(tags)] +
                               rng.choice([[], ["-n"], ["-g", "-s"]])),
        "flag-l": lambda: Mode(["-l", str(rng.randint(1, 3))] +
                               rng.choice([[], ["-s"], ["-c"]])),
        "flag-fail-on-warnings": lambda: Mode(["--fail-on-warnings"]),
        "flag-k": lambda: Mode(["-k", "32768", "-a", "60", "-N", "-s"]),
        "flag-max-strings": lambda: Mode(
            ["--max-strings-per-rule=%d" % (max_str + rng.randint(0, 3))]),
        "target-file": lambda: Mode(rng.choice([[], ["-s"], ["-c"], ["-n"],
                                                ["-s", "-L", "-e"]]),
                                    "file", rng.randrange(n_inputs)),
        "target-dir": lambda: Mode(
            rng.choice([["-r"], ["-r"], []]) + rng.choice([[], ["-N"]]) +
            ["-z", str(max(1, rng.choice(g.sizes) + rng.choice([-1, 0, 1])))]
            + rng.choice([[], ["-s"]]), "dir", rng.randrange(n_inputs)),
        "flag-c": lambda: Mode(["-c", "-n"]),
        "flag-n": lambda: Mode(["-n", "-g", "-m", "-e", "-s"]),
    }
    keys = sorted(extras)
    chosen = [k for k in keys if k in g.forced]
    chosen += rng.sample(keys, 3)
    for k in dict.fromkeys(chosen):
        modes.append(extras[k]())
    for m in modes:
        if "--fail-on-warnings" not in m.flags and rng.random() < 0.4:
            m.flags.append("-w")
        if rng.random() < 0.3 and all(f in SWITCHES for f in m.flags):
            rng.shuffle(m.flags)
        if m.target != "file" or rng.random() < 0.5:
            m.flags += ["-p", "1"]
    return modes


# Flags that take no value, so their order can be shuffled.
SWITCHES = {"-s", "-L", "-g", "-m", "-e", "-n", "-c", "-f", "-w", "-r",
            "-N", "--fail-on-warnings"}


def mode_features(case):
    feats = set()
    names = {"-s": "flag-s", "-L": "flag-L", "-g": "flag-g", "-m": "flag-m",
             "-e": "flag-e", "-n": "flag-n", "-c": "flag-c", "-f": "flag-f",
             "-i": "flag-i", "-t": "flag-t", "-l": "flag-l", "-r": "flag-r",
             "-z": "flag-z", "-N": "flag-N", "-w": "flag-w", "-k": "flag-k",
             "-a": "flag-a", "-p": "flag-p",
             "--fail-on-warnings": "flag-fail-on-warnings"}
    for m in case.modes:
        for f in m.flags:
            if f in names:
                feats.add(names[f])
            if f.startswith("--max-strings-per-rule"):
                feats.add("flag-max-strings")
        feats.add({"list": "flag-scan-list", "file": "target-file",
                   "dir": "target-dir"}[m.target])
    if case.externals:
        feats.add("flag-d")
    return feats


# ------------------------------------------------------------ cases


def forced_for(index):
    """Round-robin features that valid case `index` must try to use."""
    nvalid = index - index // INVALID_EVERY
    start = (nvalid * FORCED_PER_CASE) % len(VALID_FEATURES)
    return [VALID_FEATURES[(start + k) % len(VALID_FEATURES)]
            for k in range(FORCED_PER_CASE)]


def build_valid(seed, index):
    g = Gen(seed, index, 0, forced_for(index))
    rng = g.rng
    case = Case(seed, index, 0, "valid")
    plan_inputs(g)
    case.externals = gen_externals(g)
    g.externals = case.externals
    n_files = rng.choice([1, 1, 2, 3]) if not g.want("multi-file", 0.0) \
        else rng.choice([2, 3])
    ns_names = {}
    all_names = []
    for i in range(n_files):
        ns = None
        include = i > 0 and i == n_files - 1 and g.want("include", 0.3)
        if include:
            # Included at the end of the previous file, so yara reads the
            # rules in the order they were generated in.
            ns = case.files[-1].ns
        elif i > 0 or rng.random() < 0.3:
            if g.want("namespace", 0.6):
                ns = rng.choice(["ns%d" % i, "main", "Other_%d" % i])
                if ns in [f.ns for f in case.files]:
                    ns = "ns%d" % i
        taken, closed = ns_names.setdefault(ns, (set(), set()))
        others = [n for n in all_names if n not in taken]
        rf = gen_rule_file(g, ns, taken, closed, others)
        if g.want("comment-open-at-eof", 0.03):
            # yara 4.2.3 accepts a comment left open at the end of a file.
            rf.tail = "/* this comment is never closed\nrule zz { }\n"
            g.feats.add("comment-open-at-eof")
        all_names += [r.name for r in rf.rules]
        rf.included = include
        if include:
            g.feats.add("include")
        case.files.append(rf)
    if n_files > 1:
        g.feats.add("multi-file")
    if any(f.ns for f in case.files):
        g.feats.add("namespace")
    patterns = [p for r in case.rules() for p in r.strings]
    case.inputs = gen_inputs(g, patterns, g.feats)
    case.missing_in_list = g.want("scan-list-missing", 0.05)
    if case.missing_in_list:
        g.feats.add("scan-list-missing")
    case.modes = gen_modes(g, case)
    case.feats = g.feats | mode_features(case)
    return case


def build_cases(seed, index):
    if index % INVALID_EVERY == INVALID_EVERY - 1:
        from gen_invalid import build_invalid
        return [build_invalid(seed, index, sub)
                for sub in range(INVALID_VARIANTS)]
    return [build_valid(seed, index)]


# ------------------------------------------------------------ on disk


def write_case(case, path):
    """Writes rules, inputs, the scan list and the directory target."""
    os.makedirs(os.path.join(path, "in"), exist_ok=True)
    for i, f in enumerate(case.files):
        nxt = i + 1 < len(case.files) and case.files[i + 1].included
        with open(os.path.join(path, "r%d.yar" % i), "w") as fh:
            fh.write(f.render('include "r%d.yar"\n' % (i + 1) if nxt
                              else ""))
    names = []
    for i, data in enumerate(case.inputs):
        name = "in/f%d" % i
        with open(os.path.join(path, name), "wb") as fh:
            fh.write(data)
        names.append(name)
    if case.missing_in_list:
        names.insert(len(names) // 2, "in/missing")
    with open(os.path.join(path, "list"), "w") as fh:
        fh.write("".join(n + "\n" for n in names))
    for m in case.modes:
        if m.target == "dir":
            sub = os.path.join(path, "dir%d" % m.arg, "sub")
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, "f"), "wb") as fh:
                fh.write(case.inputs[m.arg % len(case.inputs)])
            if "-N" in m.flags:
                # Skipped with -N; without it the walk order would matter.
                for name, target in (("link", "f"),
                                     ("link2", "../../in/f0")):
                    if not os.path.lexists(os.path.join(sub, name)):
                        os.symlink(target, os.path.join(sub, name))


def argv(case, mode):
    """yara's arguments for one mode (the program name not included)."""
    args = list(mode.flags)
    for name, _, value, _ in case.externals:
        args += ["-d", "%s=%s" % (name, value)]
    args += case.extra_args
    for i, f in enumerate(case.files):
        path = "r%d.yar" % i
        if not f.included:
            args.append("%s:%s" % (f.ns, path) if f.ns else path)
    if mode.target == "list":
        args.insert(0, "--scan-list")
        args.append("list")
    elif mode.target == "file":
        args.append("in/f%d" % (mode.arg % max(1, len(case.inputs))))
    else:
        args.append("dir%d" % mode.arg if "-r" in mode.flags
                    else "dir%d/sub" % mode.arg)
    return args
