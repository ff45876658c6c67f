"""String definitions for generated rules: text, hex and regex.

Each generator returns a Pattern: the source text that goes after
`$id =`, the features it uses, and a sampler that builds bytes which the
string should match (the planter puts those bytes into input files).  The
samplers are only a good guess: nothing here predicts yara's answer, the
reference run does that.
"""

import base64

WORD = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
NON_WORD = b" \t\n.,;:-+=()[]<>/!?\x00\x01\xff\x7f\"'"
VOCAB = [b"alpha", b"beta", b"gamma", b"delta", b"Hello", b"World", b"cmd",
         b"exe", b"http", b"This program", b"MZ", b"PE", b"key", b"data",
         b"Evil", b"payload", b"xyz", b"foo", b"bar", b"abc", b"ABC",
         b"tmp", b"0123", b"zz9", b"Qq"]
STD_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


class Pattern:
    """One string of a rule.  `ident` is filled in by the rule builder."""

    def __init__(self, kind, source, sampler, features, fullword=False,
                 private=False):
        self.ident = None
        self.kind = kind
        self.source = source
        self.sampler = sampler
        self.features = set(features)
        self.fullword = fullword
        self.private = private

    def sample(self, rng):
        return self.sampler(rng)


def wide(data):
    return b"".join(bytes([b, 0]) for b in data)


def flip_case(rng, data):
    out = bytearray(data)
    for i, b in enumerate(out):
        if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A:
            if rng.random() < 0.5:
                out[i] = b ^ 0x20
    return bytes(out)


def hexbyte(rng, value):
    text = "%02x" % value
    return text.upper() if rng.random() < 0.5 else text


# ---------------------------------------------------------------- text


def gen_literal(g, min_len=1):
    """Random bytes for a text string, mostly printable."""
    rng = g.rng
    r = rng.random()
    if r < 0.35:
        data = rng.choice(VOCAB)
        if rng.random() < 0.4:
            data += rng.choice([b"_", b"-", b" ", b"."]) + rng.choice(VOCAB)
    elif r < 0.55 and g.pool:
        data = rng.choice(g.pool)
    else:
        n = rng.choice([1, 2, 3, 4, 5, 6, 8, 11])
        alphabet = rng.choice([WORD, WORD + NON_WORD, bytes(range(256)),
                               b"abcAB"])
        data = bytes(rng.choice(alphabet) for _ in range(n))
    if rng.random() < 0.2:
        pos = rng.randrange(len(data) + 1)
        data = data[:pos] + rng.choice([b"\n", b"\t", b"\r", b"\\", b'"',
                                        bytes([rng.randrange(256)])]) \
            + data[pos:]
    while len(data) < min_len:
        data += bytes([rng.choice(WORD)])
    if len(g.pool) < 40:
        g.pool.append(data)
    return data


def render_text(g, data, feats):
    """Quote bytes as a YARA text string, recording the escapes used."""
    rng = g.rng
    out = []
    for b in data:
        if b == 0x22:
            out.append('\\"')
            feats.add("text-esc-quote")
        elif b == 0x5C:
            out.append("\\\\")
            feats.add("text-esc-backslash")
        elif b == 0x0A:
            out.append("\\n")
            feats.add("text-esc-n")
        elif b == 0x09:
            out.append("\\t")
            feats.add("text-esc-t")
        elif b == 0x0D:
            out.append("\\r")
            feats.add("text-esc-r")
        elif 0x20 <= b < 0x7F and rng.random() > 0.05:
            out.append(chr(b))
        else:
            out.append("\\x" + hexbyte(rng, b))
            feats.add("text-esc-hex")
    return '"' + "".join(out) + '"'


def gen_alphabet(rng):
    """A custom base64 alphabet: 64 distinct printable bytes."""
    chars = [c for c in range(0x20, 0x7F) if c not in (0x22, 0x5C)]
    if rng.random() < 0.3:
        chars.append(0x09)
    return bytes(rng.sample(chars, 64))


def render_alphabet(alpha):
    return '"' + "".join("\\x09" if c == 0x09 else chr(c) for c in alpha) \
        + '"'


def choose_text_modifiers(g):
    """A modifier set that yara 4.2.3 accepts (see its restrictions)."""
    rng = g.rng
    mods = {}
    base = rng.random()
    if g.want("mod-base64", 0.08) or g.want("mod-base64wide", 0.06) or \
            g.want("mod-base64-alphabet", 0.02) or \
            g.want("mod-base64wide-alphabet", 0.02):
        which = rng.choice([("base64",), ("base64wide",),
                            ("base64", "base64wide")])
        alpha = gen_alphabet(rng) if rng.random() < 0.35 else None
        for w in which:
            mods[w] = alpha
    elif g.want("mod-xor", 0.07) or g.want("mod-xor-key", 0.04) or \
            g.want("mod-xor-range", 0.05):
        kind = rng.random()
        if kind < 0.4:
            mods["xor"] = None
        elif kind < 0.6:
            k = rng.randrange(256)
            mods["xor"] = (k, k)
        else:
            lo = rng.randrange(256)
            mods["xor"] = (lo, rng.randrange(lo, min(256, lo + 40)))
    elif base < 0.3 or g.want("mod-nocase", 0.0):
        mods["nocase"] = None
    if g.want("mod-wide", 0.2):
        mods["wide"] = None
        if rng.random() < 0.5:
            mods["ascii"] = None
    elif rng.random() < 0.05:
        mods["ascii"] = None
    if "base64" not in mods and "base64wide" not in mods and \
            g.want("mod-fullword", 0.12):
        mods["fullword"] = None
    if g.want("mod-private", 0.08):
        mods["private"] = None
    return mods


def render_modifiers(g, mods, feats):
    parts = []
    for name, arg in mods.items():
        if name in ("base64", "base64wide"):
            if arg is None:
                parts.append(name)
                feats.add("mod-" + name)
            else:
                parts.append("%s(%s)" % (name, render_alphabet(arg)))
                feats.add("mod-%s-alphabet" % name)
                feats.add("mod-" + name)
        elif name == "xor":
            if arg is None:
                parts.append("xor")
                feats.add("mod-xor")
            elif arg[0] == arg[1]:
                parts.append("xor(%s)" % fmt_byte(g.rng, arg[0]))
                feats.add("mod-xor-key")
            else:
                parts.append("xor(%s-%s)" % (fmt_byte(g.rng, arg[0]),
                                             fmt_byte(g.rng, arg[1])))
                feats.add("mod-xor-range")
        else:
            parts.append(name)
    g.rng.shuffle(parts)
    return parts


def fmt_byte(rng, v):
    return "0x%02x" % v if rng.random() < 0.5 else str(v)


def b64_sample(rng, data, alpha, wide_out):
    pre = bytes(rng.randrange(256) for _ in range(rng.randrange(3)))
    post = bytes(rng.randrange(256) for _ in range(rng.randrange(3)))
    enc = base64.b64encode(pre + data + post)
    if alpha is not None:
        enc = enc.translate(bytes.maketrans(STD_B64, alpha))
    return wide(enc) if wide_out else enc


def gen_text(g):
    mods = choose_text_modifiers(g)
    min_len = 3 if ("base64" in mods or "base64wide" in mods) else 1
    data = gen_literal(g, min_len)
    feats = {"text"}
    source = render_text(g, data, feats)
    names = render_modifiers(g, mods, feats)
    for m in ("nocase", "wide", "ascii", "fullword", "private"):
        if m in mods:
            feats.add("mod-" + m)
    if "wide" in mods and "ascii" in mods:
        feats.add("mod-wide-ascii")

    def sampler(rng):
        d = flip_case(rng, data) if "nocase" in mods else data
        forms = []
        if "wide" in mods:
            forms.append(wide(d))
            if "ascii" in mods:
                forms.append(d)
        else:
            forms.append(d)
        d = rng.choice(forms)
        if "xor" in mods:
            lo, hi = mods["xor"] or (0, 255)
            k = rng.randint(lo, hi)
            d = bytes(b ^ k for b in d)
        b64 = [m for m in ("base64", "base64wide") if m in mods]
        if b64:
            which = rng.choice(b64)
            d = b64_sample(rng, d, mods[which], which == "base64wide")
        return d

    return Pattern("text", " ".join([source] + names), sampler, feats,
                   fullword="fullword" in mods, private="private" in mods)


# ---------------------------------------------------------------- hex


def gen_hex_seq(g, depth, in_alt, feats):
    """A list of hex tokens; never starts or ends with a jump."""
    rng = g.rng
    n = rng.randint(1, 4) if in_alt else rng.randint(2, 7)
    seq = []
    for i in range(n):
        r = rng.random()
        edge = i == 0 or i == n - 1
        if not edge and r < 0.25:
            jump = gen_jump(g, in_alt, feats)
            # yara 4.2.3 can abort (scan.c:656 assertion) on two adjacent
            # jumps, e.g. { ?? 00 [3] [0-] ?4 }; keep jumps apart.
            if seq and seq[-1][0] == "jump":
                seq.append(("wild",))
            seq.append(jump)
        elif r < 0.35 and depth < 2:
            alts = [gen_hex_seq(g, depth + 1, True, feats)
                    for _ in range(rng.randint(2, 3))]
            feats.add("hex-alt")
            if depth > 0:
                feats.add("hex-alt-nested")
            seq.append(("alt", alts))
        elif r < 0.45:
            seq.append(("wild",))
            feats.add("hex-wildcard")
        elif r < 0.52:
            seq.append(("nib_hi", rng.randrange(16)))
            feats.add("hex-nibble-high")
        elif r < 0.59:
            seq.append(("nib_lo", rng.randrange(16)))
            feats.add("hex-nibble-low")
        else:
            seq.append(("byte", rng.choice([rng.randrange(256),
                                             rng.choice(WORD), 0])))
    return seq


def gen_jump(g, in_alt, feats):
    rng = g.rng
    if in_alt:
        feats.add("hex-jump-in-alt")
    r = rng.random()
    big = rng.random() < 0.1
    lo = rng.randrange(300) if big else rng.randrange(6)
    if in_alt:
        # yara: "jumps over 200 not allowed inside alternation (|)"
        lo = min(lo, 200)
    if r < 0.3:
        lo = max(lo, 1)
        feats.add("hex-jump-fixed")
        return ("jump", lo, lo, "fixed")
    if r < 0.7 or in_alt:
        hi = lo + (rng.randrange(400) if big else rng.randrange(6))
        if in_alt:
            hi = min(hi, 200)
            lo = min(lo, hi)
        feats.add("hex-jump-range")
        return ("jump", lo, hi, "range")
    if r < 0.85:
        feats.add("hex-jump-open")
        return ("jump", lo, None, "open")
    feats.add("hex-jump-any")
    return ("jump", 0, None, "any")


def render_hex_seq(rng, seq):
    out = []
    for tok in seq:
        kind = tok[0]
        if kind == "byte":
            out.append(hexbyte(rng, tok[1]))
        elif kind == "wild":
            out.append("??")
        elif kind == "nib_hi":
            out.append("?" + hexbyte(rng, tok[1])[1])
        elif kind == "nib_lo":
            out.append(hexbyte(rng, tok[1] << 4)[0] + "?")
        elif kind == "jump":
            if tok[3] == "fixed":
                out.append("[%d]" % tok[1])
            elif tok[3] == "range":
                out.append("[%d-%d]" % (tok[1], tok[2]))
            elif tok[3] == "open":
                out.append("[%d-]" % tok[1])
            else:
                out.append("[-]")
        else:
            out.append("( " + " | ".join(render_hex_seq(rng, a)
                                         for a in tok[1]) + " )")
    sep = " " if rng.random() < 0.85 else ""
    return sep.join(out)


def sample_hex_seq(rng, seq):
    out = bytearray()
    for tok in seq:
        kind = tok[0]
        if kind == "byte":
            out.append(tok[1])
        elif kind == "wild":
            out.append(rng.randrange(256))
        elif kind == "nib_hi":
            out.append((rng.randrange(16) << 4) | tok[1])
        elif kind == "nib_lo":
            out.append((tok[1] << 4) | rng.randrange(16))
        elif kind == "jump":
            hi = tok[2] if tok[2] is not None else tok[1] + 4
            out += bytes(rng.randrange(256)
                         for _ in range(rng.randint(tok[1], hi)))
        else:
            out += sample_hex_seq(rng, rng.choice(tok[1]))
    return bytes(out)


def gen_hex(g):
    feats = {"hex"}
    seq = gen_hex_seq(g, 0, False, feats)
    source = "{ " + render_hex_seq(g.rng, seq) + " }"
    private = g.want("hex-private", 0.08)
    if private:
        source += " private"
        feats.add("hex-private")
    return Pattern("hex", source, lambda rng: sample_hex_seq(rng, seq),
                   feats, private=private)


# ---------------------------------------------------------------- regex

RE_META = b".^$|()[]{}*+?\\/"


def re_char(rng, c, feats, in_class=False):
    """Render one byte inside a regex, escaping where needed."""
    special = b"]\\^-/" if in_class else RE_META
    if c == 0x0A:
        feats.add("re-escape")
        return "\\n"
    if c == 0x09:
        feats.add("re-escape")
        return "\\t"
    if c in special:
        feats.add("re-escape")
        return "\\" + chr(c)
    if 0x20 < c < 0x7F and rng.random() > 0.05:
        return chr(c)
    feats.add("re-escape")
    return "\\x" + hexbyte(rng, c)


SHORTHAND = {
    "w": WORD,
    "W": NON_WORD,
    "d": b"0123456789",
    "D": b"abcXYZ-_ \x00",
    "s": b" \t\n\r",
    "S": b"abc123!#",
}


def gen_re_atom(g, depth, feats, dotall):
    """Returns (text, sampler) for one regex atom."""
    rng = g.rng
    r = rng.random()
    if r < 0.45:
        lit = gen_literal(g)[:6]
        text = "".join(re_char(rng, c, feats) for c in lit)
        if len(lit) > 1:
            text = "(" + text + ")"
            feats.add("re-group")
        return text, lambda rng2, lit=lit: lit
    if r < 0.6:
        return gen_re_class(g, feats)
    if r < 0.72:
        k = rng.choice("wWdDsS")
        feats.add("re-" + k)
        chars = SHORTHAND[k]
        return "\\" + k, lambda rng2: bytes([rng2.choice(chars)])
    if r < 0.8:
        feats.add("re-dot")
        pool = bytes(range(256)) if dotall else \
            bytes(c for c in range(256) if c != 0x0A)
        return ".", lambda rng2: bytes([rng2.choice(pool)])
    if depth < 2:
        alts = [gen_re_seq(g, depth + 1, feats, dotall)
                for _ in range(rng.randint(2, 3))]
        feats.update(("re-alt", "re-group"))
        text = "(" + "|".join(a[0] for a in alts) + ")"
        return text, lambda rng2: rng2.choice(alts)[1](rng2)
    lit = bytes([rng.choice(WORD)])
    return re_char(rng, lit[0], feats), lambda rng2: lit


def gen_re_class(g, feats):
    rng = g.rng
    members = set()
    parts = []
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.4:
            a = rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEF")
            b = min(a + rng.randrange(8), 0x7A)
            if chr(a).isalnum() and chr(b).isalnum():
                parts.append("%s-%s" % (chr(a), chr(b)))
                members.update(range(a, b + 1))
                feats.add("re-class-range")
                continue
        if r < 0.55:
            k = rng.choice("wds")
            parts.append("\\" + k)
            members.update(SHORTHAND[k])
            feats.add("re-class-shorthand")
            continue
        c = rng.choice(WORD + b".-/]^ \x00\xff")
        parts.append(re_char(rng, c, feats, in_class=True))
        members.add(c)
    feats.add("re-class")
    if g.want("re-class-negated", 0.2):
        feats.add("re-class-negated")
        pool = bytes(c for c in range(256) if c not in members)
        text = "[^" + "".join(parts) + "]"
    else:
        pool = bytes(sorted(members))
        text = "[" + "".join(parts) + "]"
    return text, lambda rng2: bytes([rng2.choice(pool)])


def gen_quantifier(g, feats):
    """Returns (text, lo, hi) or None."""
    rng = g.rng
    r = rng.random()
    if r < 0.5:
        return None
    choices = [("*", 0, 3, "re-star"), ("+", 1, 3, "re-plus"),
               ("?", 0, 1, "re-opt")]
    n = rng.randint(0, 3)
    m = n + rng.randint(0, 3)
    choices += [("{%d}" % max(n, 1), max(n, 1), max(n, 1), "re-rep-n"),
                ("{%d,}" % n, n, n + 2, "re-rep-n-inf"),
                ("{,%d}" % max(m, 1), 0, max(m, 1), "re-rep-0-m"),
                ("{%d,%d}" % (n, max(m, 1)), n, max(m, 1), "re-rep-n-m")]
    text, lo, hi, feat = rng.choice(choices)
    feats.add(feat)
    if g.re_lazy:
        # yara: "greedy and ungreedy quantifiers can't be mixed in a
        # regular expression", so one regex is all lazy or all greedy.
        text += "?"
        feats.add("re-lazy")
    return text, lo, hi


def gen_re_seq(g, depth, feats, dotall):
    rng = g.rng
    parts = []
    for _ in range(rng.randint(1, 3 if depth else 4)):
        text, sampler = gen_re_atom(g, depth, feats, dotall)
        q = gen_quantifier(g, feats)
        if q is not None:
            if len(text) > 1 and not text.startswith(("(", "[", "\\")):
                text = "(" + text + ")"
                feats.add("re-group")
            qtext, lo, hi = q
            text += qtext

            def sampler(rng2, s=sampler, lo=lo, hi=hi):
                return b"".join(s(rng2) for _ in range(rng2.randint(lo, hi)))
        parts.append((text, sampler))
    text = "".join(p[0] for p in parts)
    return text, lambda rng2: b"".join(p[1](rng2) for p in parts)


def gen_regex_body(g, feats, dotall):
    """Regex source without delimiters, and its sampler."""
    rng = g.rng
    g.re_lazy = g.want("re-lazy", 0.2)
    text, sampler = gen_re_seq(g, 0, feats, dotall)
    # A literal keeps yara's atoms good and the runs fast.
    lit = gen_literal(g, 2)[:5]
    lit_text = "".join(re_char(rng, c, feats) for c in lit)
    if rng.random() < 0.5:
        text, inner = lit_text + text, sampler
        sampler = lambda rng2, inner=inner: lit + inner(rng2)  # noqa: E731
    else:
        text, inner = text + lit_text, sampler
        sampler = lambda rng2, inner=inner: inner(rng2) + lit  # noqa: E731
    if g.want("re-b", 0.08):
        feats.add("re-b")
        text = "\\b" + text if rng.random() < 0.5 else text + "\\b"
    elif g.want("re-B", 0.04):
        feats.add("re-B")
        text = "\\B" + text if rng.random() < 0.5 else text + "\\B"
    if g.want("re-anchor-start", 0.06):
        feats.add("re-anchor-start")
        text = "^" + text
    elif g.want("re-anchor-end", 0.06):
        feats.add("re-anchor-end")
        text = text + "$"
    return text, sampler


def gen_regex(g):
    rng = g.rng
    feats = {"re"}
    flags = ""
    if g.want("re-flag-i", 0.15):
        flags += "i"
        feats.add("re-flag-i")
    if g.want("re-flag-s", 0.15):
        flags += "s"
        feats.add("re-flag-s")
    body, base = gen_regex_body(g, feats, "s" in flags)
    mods = []
    if "i" not in flags and g.want("re-nocase", 0.15):
        mods.append("nocase")
        feats.add("re-nocase")
    wide_mode = None
    if g.want("re-wide", 0.15):
        mods.append("wide")
        feats.add("re-wide")
        wide_mode = "wide"
        if rng.random() < 0.5:
            mods.append("ascii")
            feats.add("re-ascii")
            wide_mode = "both"
    if g.want("re-fullword", 0.1):
        mods.append("fullword")
        feats.add("re-fullword")
    if g.want("re-private", 0.08):
        mods.append("private")
        feats.add("re-private")
    rng.shuffle(mods)
    nocase = "i" in flags or "nocase" in mods

    def sampler(rng2):
        d = base(rng2)
        if nocase:
            d = flip_case(rng2, d)
        if wide_mode == "wide" or (wide_mode == "both" and
                                   rng2.random() < 0.5):
            d = wide(d)
        return d

    source = "/" + body + "/" + flags
    if mods:
        source += " " + " ".join(mods)
    return Pattern("regex", source, sampler, feats,
                   fullword="fullword" in mods, private="private" in mods)


def gen_pattern(g):
    r = g.rng.random()
    if r < 0.5:
        return gen_text(g)
    if r < 0.75:
        return gen_hex(g)
    return gen_regex(g)
