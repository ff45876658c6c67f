"""Random rule conditions, typed, rendered with yara 4.2.3's precedence.

Expressions are built bottom-up as X values (text, precedence level, a
bound on the absolute value for integers, and the value when constant).
Parentheses are added only where yara's precedence table needs them, plus
a few redundant ones, so the candidate's parser is exercised on implicit
precedence.  Integer bounds keep every intermediate value well inside
int64: yara folds constants at compile time and reports "integer
overflow", and runtime overflow is undefined in C, so neither is wanted in
a valid case.
"""

import re

# yara's precedence levels (writingrules, "Conditions"): lower binds tighter.
ATOM, POSTFIX, UNARY, MUL, ADD, SHIFT = 0, 1, 2, 3, 4, 5
BAND, BXOR, BOR = 6, 7, 8
REL, EQ, NOT, AND, OR = 9, 10, 11, 12, 13

BIG = 1 << 60

INT_OPS = [("+", ADD, "op-add"), ("-", ADD, "op-sub"), ("*", MUL, "op-mul"),
           ("\\", MUL, "op-div"), ("%", MUL, "op-mod"),
           ("&", BAND, "op-band"), ("|", BOR, "op-bor"),
           ("^", BXOR, "op-bxor"), ("<<", SHIFT, "op-shl"),
           (">>", SHIFT, "op-shr")]
CMP_OPS = [("<", REL, "cmp-lt"), ("<=", REL, "cmp-le"), (">", REL, "cmp-gt"),
           (">=", REL, "cmp-ge"), ("==", EQ, "cmp-eq"), ("!=", EQ, "cmp-ne")]
STR_OPS = ["contains", "icontains", "startswith", "istartswith", "endswith",
           "iendswith", "iequals"]
READS = [("int8", 1, True, False), ("int16", 2, True, False),
         ("int32", 4, True, False), ("uint8", 1, False, False),
         ("uint16", 2, False, False), ("uint32", 4, False, False),
         ("int8be", 1, True, True), ("int16be", 2, True, True),
         ("int32be", 4, True, True), ("uint8be", 1, False, True),
         ("uint16be", 2, False, True), ("uint32be", 4, False, True)]


class X:
    """A rendered expression."""

    __slots__ = ("text", "prec", "bound", "val")

    def __init__(self, text, prec=ATOM, bound=0, val=None):
        self.text = text
        self.prec = prec
        self.bound = bound
        self.val = val


def c_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def c_mod(a, b):
    return a - b * c_div(a, b)


def fold(op, a, b):
    """yara's value for a constant int operation, or None."""
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "\\":
        return c_div(a, b) if b else None
    if op == "%":
        return c_mod(a, b) if b else None
    if op == "&":
        return a & b
    if op == "|":
        return a | b
    if op == "^":
        return a ^ b
    if op == "<<":
        return a << b if b < 64 else 0
    if op == ">>":
        return a >> b if b < 64 else 0
    return None


class CondGen:
    """Condition generator for one rule.

    g: the case generator (rng, want(), feature notes, hot offsets...)
    strings: named string identifiers of the rule (without '$')
    anon: whether the rule has anonymous strings
    rules: earlier rules of the namespace, as (name, is_private)
    prefixes: rule-name prefixes usable as rule sets
    """

    def __init__(self, g, strings, anon, rules, prefixes):
        self.g = g
        self.rng = g.rng
        self.strings = strings
        self.anon = anon
        self.rules = rules
        self.prefixes = prefixes
        self.used_prefixes = set()
        self.loop_vars = []
        self.in_forof = False
        self.referenced = set()
        self.uses_them = False
        self.feats = set()

    # ------------------------------------------------------------ helpers

    def note(self, *names):
        self.feats.update(names)

    def want(self, name, p):
        return self.g.want(name, p)

    def wrap(self, x, maxprec):
        """Parenthesize x if its level is looser than maxprec."""
        if x.prec > maxprec:
            return X("(" + x.text + ")", ATOM, x.bound, x.val)
        if x.prec > ATOM and self.rng.random() < 0.05:
            self.note("parens-redundant")
            return X("(" + x.text + ")", ATOM, x.bound, x.val)
        return x

    def binary(self, left, op, prec, right):
        """Left-associative binary operator."""
        for side in (left, right):
            if ATOM < side.prec <= BOR and side.prec != prec and \
                    side.prec <= prec:
                self.note("prec-implicit")
        lt = self.wrap(left, prec)
        rt = self.wrap(right, prec - 1)
        return lt.text + " " + op + " " + rt.text

    def sid(self):
        s = self.rng.choice(self.strings)
        self.referenced.add(s)
        return s

    # ------------------------------------------------------------ integers

    def lit(self, value=None, limit=BIG):
        """An integer literal in one of yara's spellings.  With no value
        given, also picks one (at most limit), sometimes a KB or MB
        multiple."""
        rng = self.rng
        if value is None:
            r = rng.random()
            if r < 0.04 or (self.want("lit-mb", 0.0) and r < 0.2):
                value = rng.choice([1, 2]) << 20
            elif r < 0.1 or (self.want("lit-kb", 0.0) and r < 0.3):
                value = rng.choice([1, 2, 3, 4]) << 10
            else:
                value = rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 10, 16, 100, 255,
                                    256, 1000, 0xFFFF, 0x7FFFFFFF,
                                    rng.randrange(64), rng.randrange(5000),
                                    rng.choice(self.g.hot_offsets),
                                    rng.choice(self.g.sizes)])
            if value > limit:
                value = rng.randint(0, min(limit, 64))
        r = rng.random()
        if value >= 1024 and value % 1024 == 0 and r < 0.7:
            if value % (1 << 20) == 0 and rng.random() < 0.7:
                self.note("lit-mb")
                return X("%dMB" % (value >> 20), ATOM, value, value)
            self.note("lit-kb")
            return X("%dKB" % (value >> 10), ATOM, value, value)
        if r < 0.3:
            self.note("lit-hex")
            text = "0x%x" % value if rng.random() < 0.5 else "0x%X" % value
            return X(text, ATOM, value, value)
        if r < 0.38:
            self.note("lit-oct")
            return X("0o%o" % value, ATOM, value, value)
        self.note("lit-dec")
        return X(str(value), ATOM, value, value)

    def int_leaf(self, limit=BIG):
        """A leaf whose absolute value cannot exceed limit."""
        rng = self.rng
        g = self.g
        choices = [self.lit, self.lit, self.lit]
        if limit >= 1 << 16:
            choices.append(self.filesize)
        if self.strings and limit >= 1 << 20:
            choices += [self.count, self.offset, self.length, self.count]
        if self.in_forof and limit >= 1 << 20:
            choices += [self.forof_value, self.forof_value]
        vars_ok = [v for v in self.loop_vars if v[1] <= limit]
        if vars_ok:
            choices += [self.loop_var, self.loop_var]
        if [v for _, v in g.ext_of("int") if abs(v) <= limit]:
            choices.append(self.ext_int)
        if limit >= 1 << 32:
            if self.want("entrypoint", 0.03):
                choices.append(self.entrypoint)
            choices.append(self.read)
        pick = rng.choice(choices)
        if pick == self.lit:
            return self.lit(None, limit)
        if pick == self.loop_var:
            name, bound = rng.choice(vars_ok)
            return X(name, ATOM, bound)
        if pick == self.ext_int:
            name, value = rng.choice([e for e in g.ext_of("int")
                                      if abs(e[1]) <= limit])
            return X(name, ATOM, abs(value))
        return pick()

    def filesize(self):
        self.note("filesize")
        return X("filesize", ATOM, 1 << 16)

    def entrypoint(self):
        # At most one input of a case is an executable, so the others
        # see an undefined entrypoint.
        self.note("entrypoint", "undef-entrypoint")
        return X("entrypoint", ATOM, 1 << 32)

    def ext_int(self):
        name, value = self.rng.choice(self.g.ext_of("int"))
        return X(name, ATOM, abs(value))

    def loop_var(self):
        name, bound = self.rng.choice(self.loop_vars)
        return X(name, ATOM, bound)

    def count(self):
        s = self.sid()
        if self.want("str-count-in", 0.15) or \
                "count-in-reversed" in self.g.forced:
            self.note("str-count-in")
            if self.want("count-in-reversed", 0.01):
                self.note("count-in-reversed")
                lo, hi = X("10"), X("5")
            else:
                lo, hi = self.range_bounds()
            return X("#%s in (%s..%s)" % (s, lo.text, hi.text), UNARY,
                     1 << 20)
        self.note("str-count")
        return X("#" + s, ATOM, 1 << 20)

    def index(self):
        """An occurrence index, sometimes past the last match."""
        rng = self.rng
        if self.loop_vars and rng.random() < 0.5:
            return self.loop_var()
        if rng.random() < 0.15:
            return self.lit(rng.choice([50, 100, 1000]))
        return self.lit(rng.randint(1, 4))

    def offset(self):
        s = self.sid()
        if self.want("str-offset-first", 0.2):
            self.note("str-offset-first")
            return X("@" + s, ATOM, 1 << 16)
        i = self.index()
        self.note("str-offset")
        if i.val is not None and i.val >= 50:
            self.note("undef-offset")
        return X("@%s[%s]" % (s, i.text), ATOM, 1 << 16)

    def length(self):
        s = self.sid()
        if self.want("str-length-first", 0.2):
            self.note("str-length-first")
            return X("!" + s, ATOM, 1 << 16)
        i = self.index()
        self.note("str-length")
        if i.val is not None and i.val >= 50:
            self.note("undef-length")
        return X("!%s[%s]" % (s, i.text), ATOM, 1 << 16)

    def forof_value(self):
        """#, @, !, @[i] or ![i] of the string a for..of is visiting."""
        rng = self.rng
        kinds = [("forof-count", "#"), ("forof-offset", "@"),
                 ("forof-length", "!"), ("forof-offset-index", None)]
        forced = [k for k in kinds if k[0] in self.g.forced]
        feat, text = forced[0] if forced else rng.choice(kinds)
        self.g.forced.discard(feat)
        self.note(feat)
        if text is not None:
            return X(text, ATOM, 1 << 20)
        i = self.index()
        if rng.random() < 0.7:
            return X("@[%s]" % i.text, ATOM, 1 << 16)
        return X("![%s]" % i.text, ATOM, 1 << 16)

    def read_offset(self):
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            return self.lit(rng.choice(self.g.hot_offsets + [0, 1, 2]))
        if r < 0.65 or self.want("undef-read", 0.0):
            self.note("undef-read", "filesize")
            k = rng.choice([0, 1, 2, 3])
            if k == 0:
                return X("filesize", ATOM, 1 << 16)
            return X("filesize - %d" % k, ADD, 1 << 16)
        return self.int_expr(1)

    def read(self):
        name, width, _, _ = self.rng.choice(READS)
        self.note(name)
        off = self.read_offset()
        if off.text.startswith("filesize"):
            self.note("undef-read")
        return X("%s(%s)" % (name, off.text), ATOM, 1 << 32)

    def int_expr(self, depth, limit=BIG):
        """An integer expression whose absolute value stays under limit:
        operands get a share of the limit before they are generated, so
        nothing is thrown away (its features would be counted)."""
        rng = self.rng
        if depth <= 0 or limit < 64 or rng.random() < 0.35:
            return self.int_leaf(limit)
        r = rng.random()
        if r < 0.12:
            x = self.int_expr(depth - 1, limit - 1)
            if rng.random() < 0.6:
                self.note("op-neg")
                inner = self.wrap(x, POSTFIX)
                val = -x.val if x.val is not None else None
                return X("-" + inner.text, UNARY, x.bound, val)
            self.note("op-bnot")
            inner = self.wrap(x, POSTFIX)
            val = ~x.val if x.val is not None else None
            return X("~" + inner.text, UNARY, x.bound + 1, val)
        op, prec, feat = rng.choice(INT_OPS)
        if op in ("+", "-"):
            left = self.int_expr(depth - 1, limit // 2)
            right = self.int_expr(depth - 1, limit // 2)
        elif op == "*":
            left = self.int_expr(depth - 1, limit)
            right = self.int_expr(depth - 1,
                                  max(1, limit // max(left.bound, 1)))
        elif op in ("\\", "%"):
            left = self.int_expr(depth - 1, limit)
            right = self.divisor(self.int_expr(depth - 1, limit // 4), feat)
        elif op in ("&", "|", "^"):
            left = self.int_expr(depth - 1, limit // 4)
            right = self.int_expr(depth - 1, limit // 4)
        else:
            left = self.int_expr(depth - 1, limit)
            right = self.shift_count(left, limit if op == "<<" else BIG)
        self.note(feat)
        val = None
        if left.val is not None and right.val is not None:
            val = fold(op, left.val, right.val)
        elif op in ("<<", ">>") and right.val is not None and \
                right.val >= 64:
            # yara folds `x >> 64` to the constant 0 even when x is not
            # constant, so `1 \ (filesize >> 70)` is "division by zero".
            val = 0
        return X(self.binary(left, op, prec, right), prec,
                 self.bound_of(op, left, right), val)

    def shift_count(self, left, limit):
        """A literal count; 64 and more give 0 in yara."""
        rng = self.rng
        if rng.random() < 0.15:
            return self.lit(rng.choice([64, 65, 70, 100]))
        k = rng.randint(0, 12)
        while k and (left.bound << k) > limit:
            k -= 1
        return self.lit(k)

    def divisor(self, right, feat):
        """yara rejects a constant zero divisor; a runtime zero is fine."""
        if right.val is not None and right.val == 0:
            inner = self.wrap(right, ADD)
            return X(inner.text + " + 1", ADD, right.bound + 1, 1)
        if right.val is None and self.rng.random() < 0.1:
            self.note("undef-div-zero" if feat == "op-div"
                      else "undef-mod-zero")
            a, b = self.wrap(right, ADD), self.wrap(right, ADD - 1)
            return X("(%s - %s)" % (a.text, b.text), ATOM, 2 * right.bound)
        return right

    @staticmethod
    def bound_of(op, left, right):
        a, b = left.bound, right.bound
        if op in ("+", "-"):
            return a + b
        if op == "*":
            return a * b
        if op == "\\":
            return a
        if op == "%":
            return min(a, b)
        if op in ("&", "|", "^"):
            return 1 << (max(a, b).bit_length() + 1)
        if op == "<<":
            k = right.val if right.val is not None else 64
            return 0 if k >= 64 else a << k
        return a

    def range_bounds(self):
        """Two ends of an offset range (lo..hi)."""
        rng = self.rng
        if self.want("undef-quantifier", 0.03) and self.strings:
            self.note("undef-quantifier")
            lo = X("@%s[%d]" % (self.sid(), rng.choice([50, 99])))
            return lo, self.lit(rng.choice(self.g.hot_offsets))
        r = rng.random()
        if r < 0.5:
            base = rng.choice(self.g.hot_offsets)
            lo = max(0, base - rng.choice([0, 1, 5, 20]))
            return self.lit(lo), self.lit(base + rng.choice([0, 1, 10, 300]))
        if r < 0.7:
            self.note("filesize")
            k = rng.choice([1, 10, 100])
            return (X("filesize - %d" % k, ADD, 1 << 16),
                    X("filesize", ATOM, 1 << 16))
        return self.int_expr(1), self.int_expr(1)

    # ------------------------------------------------------------ others

    def float_expr(self, depth):
        rng = self.rng
        r = rng.random()
        if depth <= 0 or r < 0.4:
            if self.g.ext_of("float") and rng.random() < 0.4:
                return X(rng.choice(self.g.ext_of("float"))[0], ATOM)
            self.note("lit-float")
            return X("%d.%s" % (rng.randint(0, 300),
                                rng.choice(["0", "5", "25", "125", "75"])))
        self.note("float-arith")
        op, prec, feat = rng.choice(INT_OPS[:4])
        self.note(feat)
        left = self.float_expr(depth - 1)
        if rng.random() < 0.5:
            right = self.int_expr(depth - 1)
        else:
            right = self.float_expr(depth - 1)
        if rng.random() < 0.5:
            left, right = right, left
        return X(self.binary(left, op, prec, right), prec)

    def str_expr(self):
        rng = self.rng
        if self.g.ext_of("string") and rng.random() < 0.6:
            return X(rng.choice(self.g.ext_of("string"))[0], ATOM)
        return self.str_lit()

    def str_lit(self):
        rng = self.rng
        self.note("lit-string")
        words = ["", "a", "abc", "ABC", "Hello", "hello world", "x\\ty",
                 "\\x41b", "quo\\\"te", "back\\\\slash", "tmp", "data"]
        pool = [v for _, v in self.g.ext_of("string")]
        if pool and rng.random() < 0.6:
            v = rng.choice(pool)
            cut = rng.random()
            if cut < 0.3:
                v = v[:rng.randint(0, len(v))]
            elif cut < 0.6:
                v = v[rng.randint(0, len(v)):]
            if rng.random() < 0.3:
                v = v.swapcase()
            return X('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
        return X('"' + rng.choice(words) + '"')

    # ------------------------------------------------------------ booleans

    def bool_leaf(self):
        rng = self.rng
        opts = [self.cmp_int, self.cmp_int, self.true_false]
        if self.strings:
            opts += [self.str_match] * 4 + [self.str_at, self.str_in,
                                            self.cmp_count]
        if self.strings or self.anon:
            opts += [self.of_expr, self.of_expr]
        if self.in_forof:
            opts += [self.dollar, self.dollar]
        if self.rules:
            opts += [self.rule_ref, self.rule_ref]
            if self.prefixes:
                opts.append(self.rule_set)
        opts += [self.cmp_float, self.str_op, self.read_cmp]
        if self.g.ext_of("bool"):
            opts.append(self.ext_bool)
        opts += [self.int_as_bool]
        if rng.random() < 0.1:
            opts.append(self.str_as_bool)
        return rng.choice(opts)()

    def true_false(self):
        if self.rng.random() < 0.5:
            self.note("bool-true")
            return X("true")
        self.note("bool-false")
        return X("false")

    def ext_bool(self):
        return X(self.rng.choice(self.g.ext_of("bool"))[0])

    def int_as_bool(self):
        self.note("int-as-bool")
        return self.int_expr(1)

    def str_as_bool(self):
        self.note("str-as-bool")
        return self.str_expr()

    def str_match(self):
        self.note("str-match")
        return X("$" + self.sid())

    def dollar(self):
        self.note("forof-dollar")
        return X("$")

    def str_at(self):
        self.note("str-at")
        s = self.sid()
        rng = self.rng
        if rng.random() < 0.6:
            where = self.lit(rng.choice(self.g.hot_offsets))
        else:
            where = self.int_expr(1)
        return X("$%s at %s" % (s, self.wrap(where, BOR).text), EQ)

    def str_in(self):
        self.note("str-in")
        s = self.sid()
        lo, hi = self.range_bounds()
        return X("$%s in (%s..%s)" % (s, lo.text, hi.text), EQ)

    def cmp_count(self):
        cnt = self.count()
        op, prec, feat = self.rng.choice(CMP_OPS)
        self.note(feat)
        k = self.lit(self.rng.choice([0, 1, 2, 3, 4]))
        return X(self.binary(cnt, op, prec, k), prec)

    def cmp_int(self):
        op, prec, feat = self.rng.choice(CMP_OPS)
        self.note(feat)
        left = self.int_expr(2)
        right = self.int_expr(1) if self.rng.random() < 0.6 else self.lit()
        return X(self.binary(left, op, prec, right), prec)

    def read_cmp(self):
        """uintN(off) == V where V is planted at off in some inputs."""
        rng = self.rng
        name, width, signed, be = rng.choice(READS)
        off = rng.choice(self.g.hot_offsets)
        value = rng.randrange(1 << (8 * width))
        self.g.value_plants.append((off, width, be, value))
        if signed and value >= 1 << (8 * width - 1):
            value -= 1 << (8 * width)
        self.note(name, "cmp-eq")
        v = self.lit(abs(value))
        if value < 0:
            self.note("op-neg")
            v = X("-" + v.text, UNARY, abs(value))
        return X("%s(%s) == %s" % (name, self.lit(off).text, v.text), EQ)

    def cmp_float(self):
        op, prec, feat = self.rng.choice(CMP_OPS)
        self.note(feat)
        left = self.float_expr(2)
        right = self.float_expr(1) if self.rng.random() < 0.5 \
            else self.int_expr(1)
        return X(self.binary(left, op, prec, right), prec)

    def str_op(self):
        rng = self.rng
        left = self.str_expr()
        r = rng.random()
        if r < 0.2:
            self.note("strop-matches")
            from gen_strings import gen_regex_body
            feats = set()
            body, _ = gen_regex_body(self.g, feats, False)
            flags = rng.choice(["", "", "i", "s", "is"])
            if "i" in flags:
                self.note("re-flag-i")
            if "s" in flags:
                self.note("re-flag-s")
            self.feats.update(f for f in feats if f.startswith("re-"))
            return X("%s matches /%s/%s" % (left.text, body, flags), EQ)
        if r < 0.35:
            op, prec, feat = rng.choice(CMP_OPS)
            self.note("strop-compare", feat)
            return X("%s %s %s" % (left.text, op, self.str_expr().text),
                     prec)
        op = rng.choice(STR_OPS)
        self.note("strop-" + op)
        return X("%s %s %s" % (left.text, op, self.str_expr().text), EQ)

    def rule_ref(self):
        name, private = self.rng.choice(self.rules)
        self.note("rule-ref")
        if private:
            self.note("rule-ref-private")
        return X(name)

    def rule_set(self):
        rng = self.rng
        if rng.random() < 0.6:
            pfx = rng.choice(sorted(self.prefixes))
            self.used_prefixes.add(pfx)
            self.note("ruleset-wildcard")
            items = [pfx + "*"]
            if rng.random() < 0.3:
                items.append(rng.choice(self.rules)[0])
        else:
            self.note("ruleset-list")
            k = rng.randint(1, min(3, len(self.rules)))
            items = [n for n, _ in rng.sample(self.rules, k)]
        q = self.quantifier(len(items) + 1, allow_percent=True)
        return X("%s of (%s)" % (q, ", ".join(items)), EQ)

    def quantifier(self, n, allow_percent):
        rng = self.rng
        r = rng.random()
        if r < 0.25:
            self.note("of-any")
            return "any"
        if r < 0.45:
            self.note("of-all")
            return "all"
        if r < 0.55:
            self.note("of-none")
            return "none"
        if allow_percent and r < 0.7:
            self.note("of-percent")
            return "%d%%" % rng.choice([1, 25, 50, 51, 66, 100])
        self.note("of-n")
        if self.want("undef-quantifier", 0.03) and self.strings:
            self.note("undef-quantifier")
            return "@%s[%d]" % (self.sid(), 77)
        k = self.lit(rng.randint(0, n + 1))
        return k.text

    def string_set(self):
        """Returns the set text ('them' or '($a, $b*)')."""
        rng = self.rng
        if self.anon or rng.random() < 0.25 or not self.strings:
            self.uses_them = True
            if rng.random() < 0.75:
                self.note("of-them")
                return "them"
            self.note("of-dollar-star")
            return "($*)"
        items = []
        pool = list(self.strings)
        for _ in range(rng.randint(1, 3)):
            s = rng.choice(pool)
            if rng.random() < 0.35:
                pfx = s[:rng.randint(1, len(s))]
                covered = [t for t in self.strings if t.startswith(pfx)]
                self.referenced.update(covered)
                items.append("$" + pfx + "*")
                self.note("of-wildcard")
            else:
                self.referenced.add(s)
                items.append("$" + s)
        return "(" + ", ".join(dict.fromkeys(items)) + ")"

    def of_expr(self):
        rng = self.rng
        sset = self.string_set()
        ranged = self.want("of-in", 0.15)
        # yara 4.2.3 has no "P% of ... in (..)" (syntax error).
        q = self.quantifier(len(self.strings) + 1, allow_percent=not ranged)
        text = "%s of %s" % (q, sset)
        if ranged:
            self.note("of-in")
            lo, hi = self.range_bounds()
            text += " in (%s..%s)" % (lo.text, hi.text)
        return X(text, EQ)

    def for_of(self, depth):
        rng = self.rng
        sset = self.string_set()
        r = rng.random()
        if r < 0.3:
            q, feat = "any", "forof-any"
        elif r < 0.55:
            q, feat = "all", "forof-all"
        elif r < 0.65:
            q, feat = "none", "forof-none"
        else:
            q, feat = self.lit(rng.randint(0, 3)).text, "forof-n"
        self.note(feat)
        self.in_forof = True
        if rng.random() < 0.4:
            op, prec, cfeat = rng.choice(CMP_OPS)
            self.note(cfeat)
            body = X(self.binary(self.forof_value(), op, prec,
                                 self.lit(rng.choice([0, 1, 2, 4, 16]))),
                     prec)
        else:
            body = self.bool_expr(depth - 1)
        self.in_forof = False
        return X("for %s of %s : ( %s )" % (q, sset, body.text), EQ)

    def for_in(self, depth):
        rng = self.rng
        names = [v for v in ("i", "j", "k", "n") if
                 v not in [lv[0] for lv in self.loop_vars]]
        if not names:
            return self.bool_leaf()
        var = names[0]
        r = rng.random()
        if r < 0.3:
            q, feat = "any", "forin-any"
        elif r < 0.55:
            q, feat = "all", "forin-all"
        elif r < 0.65:
            q, feat = "none", "forin-none"
        else:
            q, feat = self.lit(rng.randint(0, 3)).text, "forin-n"
        self.note(feat)
        if self.loop_vars:
            self.note("for-nested")
        if rng.random() < 0.35:
            self.note("forin-enum")
            items = [self.lit(rng.randint(0, 6)) for _ in
                     range(rng.randint(1, 4))]
            if self.strings and rng.random() < 0.3:
                items.append(self.count())
            if self.want("undef-quantifier", 0.02) and self.strings:
                self.note("undef-quantifier")
                items.append(X("@%s[88]" % self.sid()))
            it = "(" + ", ".join(x.text for x in items) + ")"
            bound = max(x.bound for x in items)
        else:
            self.note("forin-range")
            lo = self.lit(rng.choice([0, 1, 1, 2]))
            if self.strings and not self.loop_vars and rng.random() < 0.6:
                hi = self.count()
            elif self.strings and self.want("undef-quantifier", 0.03):
                self.note("undef-quantifier")
                hi = X("@%s[66]" % self.sid())
            else:
                hi = self.lit(rng.randint(0, 6))
            it = "(%s..%s)" % (lo.text, hi.text)
            bound = 1 << 20
        self.loop_vars.append((var, bound))
        body = self.bool_expr(depth - 1)
        self.loop_vars.pop()
        return X("for %s %s in %s : ( %s )" % (q, var, it, body.text), EQ)

    def bool_expr(self, depth):
        rng = self.rng
        if depth <= 0 or rng.random() < 0.25:
            return self.bool_leaf()
        r = rng.random()
        if r < 0.32:
            self.note("bool-and")
            return X(self.binary(self.bool_expr(depth - 1), "and", AND,
                                 self.bool_expr(depth - 1)), AND)
        if r < 0.6:
            self.note("bool-or")
            return X(self.binary(self.bool_expr(depth - 1), "or", OR,
                                 self.bool_expr(depth - 1)), OR)
        if r < 0.7:
            self.note("bool-not")
            x = self.bool_expr(depth - 1)
            return X("not " + self.wrap(x, NOT).text, NOT)
        if r < 0.76:
            self.note("defined")
            if rng.random() < 0.5:
                x = self.int_expr(2)
            else:
                x = self.bool_expr(depth - 1)
            return X("defined " + self.wrap(x, NOT).text, NOT)
        if r < 0.86 and (self.strings or self.anon) and not self.in_forof:
            return self.for_of(depth)
        if r < 0.96 and len(self.loop_vars) < 2:
            return self.for_in(depth)
        return self.bool_leaf()

    def scan_references(self, text):
        """Which strings the text references (yara errors on the others)."""
        if re.search(r"\bthem\b|\(\$\*|, \$\*", text):
            self.uses_them = True
        wild = re.findall(r"\$(\w*)\*", text)
        self.referenced = {
            s for s in self.strings
            if re.search(r"[$#@!]" + s + r"\b", text) or
            any(s.startswith(w) for w in wild)}

    def condition(self, depth):
        """The whole condition; every string ends up referenced."""
        rng = self.rng
        cond = self.bool_expr(depth)
        self.uses_them = False
        self.scan_references(cond.text)
        if self.anon and not self.uses_them:
            q = self.quantifier(3, allow_percent=True)
            self.note("of-them")
            tail = X("%s of them" % q, EQ)
            self.uses_them = True
            cond = self.join(cond, tail)
        missing = [s for s in self.strings if s not in self.referenced]
        if missing and not self.uses_them:
            if len(missing) == 1 and rng.random() < 0.5:
                self.note("str-match")
                tail = X("$" + missing[0])
            else:
                q = self.quantifier(len(missing), allow_percent=True)
                tail = X("%s of (%s)" % (q, ", ".join("$" + s
                                                      for s in missing)), EQ)
            cond = self.join(cond, tail)
        return cond.text

    def join(self, a, b):
        if self.rng.random() < 0.5:
            self.note("bool-or")
            return X(self.binary(a, "or", OR, b), OR)
        self.note("bool-and")
        return X(self.binary(a, "and", AND, b), AND)
