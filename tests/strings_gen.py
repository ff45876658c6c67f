#!/usr/bin/env python3
"""strings_gen.py - random one-string rules and data for strings_diff.py.

    tests/strings_gen.py SEED N OUTDIR [KIND]

Writes OUTDIR/strings.defs (N definitions of KIND: text, hex, regex or mix)
and OUTDIR/data*.bin: data drawn from the same small alphabet as the
strings, with some of the strings planted in it, so that matches,
overlaps, word boundaries and buffer ends all occur. Then run
    tests/strings_diff.py OUTDIR/strings.defs OUTDIR/data*.bin
"""
import os
import random
import sys

ALPHA = b"ab_A \x00\n1"


def text_def(r):
    n = r.randint(1, 5)
    s = bytes(r.choice(ALPHA) for _ in range(n))
    body = "".join(chr(c) if chr(c).isalnum() or c in b"_ " else "\\x%02x" % c
                   for c in s)
    mods = []
    if r.random() < 0.15:
        mods.append(r.choice(["base64", "base64wide", "base64 base64wide"]))
        if r.random() < 0.3:
            mods.append(r.choice(["wide", "ascii", "wide ascii"]))
        return '"%s" %s' % (body, " ".join(mods))
    for m in ["nocase", "wide", "ascii", "fullword"]:
        if r.random() < 0.25:
            mods.append(m)
    if "nocase" not in mods and r.random() < 0.2:
        lo = r.randint(0, 3)
        mods.append(r.choice(["xor", "xor(%d)" % lo,
                              "xor(%d-%d)" % (lo, lo + r.randint(0, 40))]))
    return ('"%s" %s' % (body, " ".join(mods))).strip()


def hex_byte(r):
    c = r.random()
    b = r.choice(ALPHA)
    if c < 0.6:
        return "%02X" % b
    if c < 0.75:
        return "??"
    if c < 0.85:
        return "%X?" % (b >> 4)
    return "?%X" % (b & 15)


def hex_seq(r, depth, n, in_alt):
    toks = [hex_byte(r)]
    for _ in range(n):
        c = r.random()
        if c < 0.15:
            lo = r.randint(0, 3)
            j = r.choice(["[%d]" % (lo + 1), "[%d-%d]" % (lo, lo + r.randint(0, 3))]
                         + ([] if in_alt else ["[%d-]" % lo, "[-]",
                                               "[%d-%d]" % (lo, 201 + lo),
                                               "[%d-]" % (201 + lo)]))
            toks.append(j)
            toks.append(hex_byte(r))
        elif c < 0.3 and depth < 2:
            alts = [hex_seq(r, depth + 1, r.randint(0, 2), True)
                    for _ in range(r.randint(2, 3))]
            toks.append("( %s )" % " | ".join(alts))
        else:
            toks.append(hex_byte(r))
    return " ".join(toks)


def hex_def(r):
    return "{ %s }" % hex_seq(r, 0, r.randint(0, 5), False)


def re_atom(r, depth):
    c = r.random()
    if c < 0.45:
        return r.choice(["a", "b", "_", "A", " ", "\\x00", "1"])
    if c < 0.55:
        return "."
    if c < 0.7:
        return r.choice(["[ab]", "[^a]", "[a-b_]", "\\w", "\\W", "\\s", "\\d",
                         "[\\x00a]", "\\S"])
    if c < 0.8 and depth < 2:
        return "(%s)" % re_alt(r, depth + 1)
    return r.choice(["a", "b"])


def re_quant(r):
    c = r.random()
    if c < 0.65:
        return ""
    q = r.choice(["*", "+", "?", "{2}", "{1,3}", "{,2}", "{2,}", "{0,2}"])
    if r.random() < 0.35:
        q += "?"
    return q


def re_concat(r, depth):
    items = []
    for _ in range(r.randint(1, 4)):
        c = r.random()
        if c < 0.08:
            items.append(r.choice(["\\b", "\\B"]))
        else:
            items.append(re_atom(r, depth) + re_quant(r))
    if r.random() < 0.08:
        items.insert(0, "^")
    if r.random() < 0.08:
        items.append("$")
    return "".join(items)


def re_alt(r, depth):
    parts = [re_concat(r, depth)]
    while r.random() < 0.25:
        parts.append(re_concat(r, depth))
    return "|".join(parts)


def regex_def(r):
    flags = r.choice(["", "", "", "i", "s", "is"])
    mods = [m for m in ["nocase", "wide", "ascii", "fullword"]
            if r.random() < 0.2]
    return ("/%s/%s %s" % (re_alt(r, 0), flags, " ".join(mods))).strip()


def plant(r, data, n):
    """Plants little words of the alphabet and wide copies in data."""
    for _ in range(n):
        w = bytes(r.choice(ALPHA) for _ in range(r.randint(2, 6)))
        if r.random() < 0.3:
            w = b"".join(bytes([c, 0]) for c in w)
        at = r.randint(0, len(data))
        data[at:at] = w
    return data


def main():
    seed, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    kind = sys.argv[4] if len(sys.argv) > 4 else "mix"
    r = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    gens = {"text": [text_def], "hex": [hex_def], "regex": [regex_def],
            "mix": [text_def, hex_def, regex_def]}[kind]
    with open(os.path.join(out, "strings.defs"), "w") as f:
        for _ in range(n):
            f.write(r.choice(gens)(r) + "\n")
    for k in range(2):
        size = r.choice([16, 300, 3000])
        data = bytearray(r.choice(ALPHA) for _ in range(size))
        plant(r, data, size // 20 + 1)
        with open(os.path.join(out, "data%d.bin" % k), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
