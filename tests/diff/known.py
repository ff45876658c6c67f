"""yara 4.2.3 bugs that docs/compat.md lists: how the suite still compares.

Where yara 4.2.3 is wrong, candor is not asked to copy it. For each such
bug the reference runs on rules rewritten into a form that yara 4.2.3
evaluates correctly and that means the same (candor always runs the rules
as generated). Every rewrite is counted and printed, so a documented
difference is never skipped silently:

count-in-lower   `#a in (lo..hi)` with lo other than the literal 0: yara
                 4.2.3 gives up the file with "error: 31" (its operands are
                 popped in the wrong order; lo == 0 happens to work). The
                 reference gets `#a in (0..hi) - #a in (0..m)` with
                 m = min(lo - 1, hi), which is the count in lo..hi, 0 when
                 lo > hi, undefined when a bound is.
for-none         `for none ... : (body)` is always true in yara 4.2.3 (it
                 compares the true count with 0 after the first iteration;
                 fixed in 4.3). The reference gets
                 `(for any ... : (true) and not for any ... : (body))`:
                 false when the loop has nothing to iterate (an undefined or
                 empty range, as every quantifier), else no body true.

and, checked on the outputs:

empty-message    where yara 4.2.3 prints an empty compile error message
                 (`error: rule "a" in r.yar(1): `) candor names the
                 problem: a negative shift count, an operand of type
                 regexp or of a loop variable read in its own range.
                 Everything before the message must be the same.
and-message      yara names `^` in a type error of the `&` operator
                 (`wrong type "float" for ^ operator` for `1.0 & 2`);
                 candor's line must be yara's with `&` in its place.
fast-first-match with -f, yara keeps for a string that the condition only
                 tests for every match found by verifying the first atom
                 hit that gives one: several when its atom follows a part
                 of variable length, which ones depending on its atoms.
                 candor keeps the string's first match. Accepted when the
                 rest of the output is the same and candor's one line is
                 a match yara reports without -f.
hex-alternative  where several alternatives of a hex string match at one
                 offset, yara keeps the one its atoms met first, candor
                 PCRE2's first in order (docs/matching.md). Accepted when
                 the -s output differs only in such lengths and both data
                 are whole matches of the hex string.
fibers           yara's regex engine runs out of fibers on some regexes
                 over some data and gives the whole file up: `error
                 scanning FILE: string "$a" in rule "r" caused error: 46`,
                 nothing printed for FILE. candor reports it. The outputs
                 are compared without FILE's lines (and, with -l, whose
                 count FILE's rules would change, without what follows);
                 for a single file, candor must succeed.
"""

import re

KNOWN = ("count-in-lower", "for-none", "empty-message", "and-message",
         "fast-first-match", "fibers", "hex-alternative")

COUNT_IN = re.compile(r"#([A-Za-z0-9_]*)\s+in\s*\(")
FOR_NONE = re.compile(r"\bfor\s+none\b")
INT_LIT = re.compile(r"^-?(0x[0-9a-fA-F]+|0o[0-7]+|[0-9]+)$")


def skip_literal(text, i):
    """Index of the closing quote or slash of the literal opened at i."""
    quote = text[i]
    j = i + 1
    while j < len(text) and text[j] != quote:
        j += 2 if text[j] == "\\" else 1
    return j


def walk(text, i=0):
    """(index, character, brackets open before it) from i on, string and
    regex literals passed over."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c in "\"/":
            i = skip_literal(text, i) + 1
            continue
        yield i, c, depth
        depth += (c in "([") - (c in ")]")
        i += 1


def closing(text, i):
    """Index of the parenthesis closing the one at i."""
    for j, c, depth in walk(text, i):
        if c == ")" and depth == 1:
            return j
    raise ValueError("unbalanced condition: %r" % text)


def split_range(inner):
    """'lo..hi' at depth 0 -> (lo, hi)."""
    for i, _, depth in walk(inner):
        if depth == 0 and inner.startswith("..", i):
            return inner[:i].strip(), inner[i + 2:].strip()
    raise ValueError("no range in %r" % inner)


def int_value(text):
    """The value of a plain integer literal (yara reads 010 as ten)."""
    if not INT_LIT.match(text):
        return None
    digits = text.lstrip("-")
    v = int(digits, 0) if digits[:2] in ("0x", "0o") else int(digits, 10)
    return -v if text.startswith("-") else v


def search(pattern, text, i):
    """pattern.match at the first position >= i outside a literal."""
    while i < len(text):
        if text[i] in "\"/":
            i = skip_literal(text, i) + 1
            continue
        m = pattern.match(text, i)
        if m is not None:
            return m
        i += 1
    return None


def rewrite_count_in(text, applied):
    out, i = [], 0
    while True:
        m = search(COUNT_IN, text, i)
        if m is None:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:m.start()])
        open_at = m.end() - 1
        close_at = closing(text, open_at)
        lo, hi = split_range(text[open_at + 1:close_at])
        lo = rewrite_count_in(lo, applied)
        hi = rewrite_count_in(hi, applied)
        ident = "#" + m.group(1)
        lv, hv = int_value(lo), int_value(hi)
        if lv == 0:
            out.append("%s in (%s..%s)" % (ident, lo, hi))
        else:
            applied["count-in-lower"] += 1
            if lv is not None and hv is not None:
                mid = str(min(lv - 1, hv))
            else:
                # min(lo - 1, hi) without a comparison; `+ 0 * filesize`
                # keeps yara from folding the shift (it folds >> as <<).
                d = "((%s) - 1 - (%s))" % (lo, hi)
                mid = "(%s) + (%s & ((%s + 0 * filesize) >> 63))" % (
                    hi, d, d)
            out.append("(%s in (0..%s) - %s in (0..%s))" % (
                ident, hi, ident, mid))
        i = close_at + 1


def rewrite_for_none(text, applied):
    m = search(FOR_NONE, text, 0)
    if m is None:
        return text
    # The iteration runs to the first ':' outside parentheses, the body
    # is the parenthesized expression after it.
    i = next(j for j, c, depth in walk(text, m.end())
             if c == ":" and depth == 0)
    iteration = text[m.end():i].strip()
    body_open = text.index("(", i)
    body_close = closing(text, body_open)
    body = text[body_open:body_close + 1]
    applied["for-none"] += 1
    iteration = rewrite_for_none(iteration, applied)
    body = rewrite_for_none(body, applied)
    new = "(for any %s : (true) and not for any %s : %s)" % (
        iteration, iteration, body)
    return text[:m.start()] + new + rewrite_for_none(text[body_close + 1:],
                                                      applied)


def for_reference(condition, applied):
    """The condition yara 4.2.3 gets; applied counts the rewrites."""
    return rewrite_for_none(rewrite_count_in(condition, applied), applied)


# ------------------------------------------------------------ outputs

EMPTY_FILLED = re.compile(rb'^(negative shift count|wrong type '
                          rb'"(regexp|undefined)" for .+ operator)$')


def message_difference(ref_line, cand_line):
    """The documented difference between two error lines, or None."""
    if ref_line.endswith(b": ") and cand_line.startswith(ref_line) and \
            EMPTY_FILLED.match(cand_line[len(ref_line):]) is not None:
        return "empty-message"
    if ref_line.endswith(b" for ^ operator") and \
            cand_line == ref_line[:-len(b"^ operator")] + b"& operator":
        return "and-message"
    return None


def string_id(line, with_length):
    """'$id' of a -s line `0xOFF:[LEN:]$id: data`."""
    parts = line.split(b":", 3 if with_length else 2)
    return parts[2 if with_length else 1]


def blocks(stdout, with_length):
    """[(rule line, {string id: [match lines]})] of -s output."""
    out = []
    for line in stdout.split(b"\n"):
        if not line:
            continue
        if line.startswith(b"0x") and out:
            out[-1][1].setdefault(string_id(line, with_length),
                                  []).append(line)
        else:
            out.append((line, {}))
    return out


FULL_USE = re.compile(r"(?:[#@]|!(?!=))([A-Za-z0-9_]*)|"
                      r"\$([A-Za-z0-9_]*)\s+(at|in)\b")


def all_match_strings(condition):
    """Identifiers ('$a', or '$' for every string of the rule) of strings
    the condition reads beyond existence (the parser's all_matches)."""
    ids, i = set(), 0
    while True:
        m = search(FULL_USE, condition, i)
        if m is None:
            return ids
        name = m.group(1) if m.group(1) is not None else m.group(2)
        ids.add("$" + name)
        i = m.end()


def fast_mode_explained(rules, ref, cand, full, with_length):
    """For -f -s: ref and cand differ only in strings that the condition
    only tests for, where candor prints one line that yara prints without
    -f (full). rules: rule name -> (condition, anonymous string count)."""
    r_blocks = blocks(ref, with_length)
    c_blocks = blocks(cand, with_length)
    f_blocks = blocks(full, with_length)
    if [b[0] for b in r_blocks] != [b[0] for b in c_blocks] or \
            len(f_blocks) != len(r_blocks):
        return False
    for (head, r_ids), (_, c_ids), (_, f_ids) in zip(r_blocks, c_blocks,
                                                      f_blocks):
        if list(r_ids) != list(c_ids):
            return False
        name = head.split(b" ")[0].split(b":")[-1].decode("latin-1")
        cond, n_anon = rules.get(name, ("", 0))
        full_ids = all_match_strings(cond)
        for sid, lines in r_ids.items():
            mine = c_ids[sid]
            if mine == lines:
                continue
            sid_text = sid.decode("latin-1")
            if "$" in full_ids or sid_text in full_ids:
                return False
            limit = n_anon if sid_text == "$" else 1
            if not 1 <= len(mine) <= limit or \
                    not set(mine) <= set(f_ids.get(sid, [])):
                return False
    return True


FIBERS = re.compile(rb"^error scanning (.*): string .* caused error: 46$",
                    re.M)


def fiber_files(stderr):
    """Files yara gave up with its error 46."""
    return set(FIBERS.findall(stderr))


def without_files(stdout, files, order, counts):
    """stdout without the lines about files (rule lines `... FILE` and
    their match lines, or with -c (counts) `FILE: N`); order: the files in
    scan order to drop everything from the first of files on (-l), or
    None."""
    out, keep, stop = [], True, None
    if order is not None:
        stop = min((order.index(f) for f in files if f in order),
                   default=None)
    for line in stdout.split(b"\n"):
        if line.startswith(b"0x"):
            if keep:
                out.append(line)
            continue
        if not line:
            out.append(line)
            continue
        f = line.rsplit(b": ", 1)[0] if counts else line.rsplit(b" ", 1)[-1]
        keep = f not in files
        if stop is not None and f in order and order.index(f) >= stop:
            keep = False
        if keep:
            out.append(line)
    return b"\n".join(out)


HEX_TOKEN = re.compile(r"\s*(\[[^\]]*\]|[()|]|~?[0-9A-Fa-f?]{2})")


def hex_regex(source):
    """A Python bytes regex for a hex string's source `{ ... }` (jumps
    lazy, alternatives in order), or None when it has a form not known."""
    body = source[source.index("{") + 1:source.rindex("}")]
    out, i = [], 0
    while i < len(body):
        if body[i].isspace():
            i += 1
            continue
        m = HEX_TOKEN.match(body, i)
        if m is None:
            return None
        t = m.group(1)
        i = m.end()
        if t in "()|":
            out.append({"(": "(?:", ")": ")", "|": "|"}[t])
        elif t.startswith("["):
            inner = t[1:-1].strip()
            lo, _, hi = inner.partition("-")
            if "-" not in inner:
                out.append(".{%d}" % int(lo))
            else:
                out.append(".{%s,%s}?" % (lo.strip() or "0", hi.strip()))
        elif t.startswith("~"):
            return None
        else:
            hi_n, lo_n = t[0], t[1]
            if t == "??":
                out.append(".")
            elif "?" not in t:
                out.append(re.escape(bytes([int(t, 16)])).decode("latin-1"))
            else:
                vals = [v for v in range(256)
                        if (hi_n == "?" or v >> 4 == int(hi_n, 16)) and
                        (lo_n == "?" or v & 15 == int(lo_n, 16))]
                out.append("[" + "".join("\\x%02x" % v for v in vals)
                           + "]")
    return re.compile("".join(out).encode("latin-1"), re.S)


def hex_data(line, with_length):
    """The bytes a -s line shows for a hex string."""
    text = line.split(b": ", 1)[1] if not with_length else \
        line.split(b":", 3)[3][1:]
    return bytes(int(b, 16) for b in text.split())


def hex_choice_explained(hex_sources, ref, cand, with_length):
    """-s outputs that differ only in the lengths of hex string matches
    whose both data are whole matches. hex_sources: (rule name, '$id') ->
    source of a hex string."""
    r_blocks, c_blocks = blocks(ref, with_length), blocks(cand, with_length)
    if [b[0] for b in r_blocks] != [b[0] for b in c_blocks]:
        return False
    for (head, r_ids), (_, c_ids) in zip(r_blocks, c_blocks):
        if list(r_ids) != list(c_ids):
            return False
        name = head.split(b" ")[0].split(b":")[-1].decode("latin-1")
        for sid, lines in r_ids.items():
            mine = c_ids[sid]
            if mine == lines:
                continue
            src = hex_sources.get((name, sid.decode("latin-1")))
            pat = hex_regex(src) if src else None
            if pat is None or len(mine) != len(lines):
                return False
            for a, b in zip(lines, mine):
                if a == b:
                    continue
                if a.split(b":", 1)[0] != b.split(b":", 1)[0]:
                    return False
                da, db = hex_data(a, with_length), hex_data(b, with_length)
                if len(da) >= 512 or len(db) >= 512 or \
                        not pat.fullmatch(da) or not pat.fullmatch(db):
                    return False
    return True
