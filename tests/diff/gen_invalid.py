"""Invalid cases: a small valid rules file with one injected error.

Each injector edits one rule (or the command line) so that yara 4.2.3
stops with a compile error; the comparison then covers the first stderr
line (yara's `error: rule "R" in FILE(LINE): MESSAGE` or
`FILE(LINE): error: MESSAGE`), stdout and the exit code.  The variants
inside one kind are drawn at random.
"""

from gen_case import (Case, Gen, Mode, Rule, RuleFile, gen_externals,
                      gen_inputs, gen_rule, plan_inputs)
from gen_strings import Pattern


def new_string(ident, source):
    p = Pattern("text", source, lambda rng: b"", ())
    p.ident = ident
    return p


def add_cond(rule, text):
    rule.condition = "(%s) and %s" % (rule.condition, text)


def add_string_ref(rule, source, ident="$bad"):
    rule.strings.append(new_string(ident, source))
    add_cond(rule, ident)


def replace_in_rule(old, new):
    """An inject hook replacing the first `old` in the rendered rule."""
    return lambda text: text.replace(old, new, 1)


def inj_undefined_string(g, case, rule):
    add_cond(rule, g.rng.choice(["$undefined", "#nope > 1", "@zz[1] == 0",
                                 "!zz > 0", "any of ($nope*)"]))


def inj_dup_string(g, case, rule):
    named = [p for p in rule.strings if p.ident != "$"]
    if named:
        rule.strings.append(new_string(named[0].ident, '"dup"'))
    else:
        rule.strings += [new_string("$d", '"one"'), new_string("$d", '"two"')]
        add_cond(rule, "$d")


def inj_dup_rule(g, case, rule):
    dup = Rule(rule.name)
    dup.layout = g.rng.choice([0, 1])
    case.files[0].rules.append(dup)


def inj_unreferenced(g, case, rule):
    rule.strings.append(new_string("$unref", '"unreferenced"'))
    if "them" in rule.condition or "$*" in rule.condition:
        rule.condition = "true"


def inj_hex_syntax(g, case, rule):
    add_string_ref(rule, g.rng.choice(["{ 41 4G }", "{ 41 ; 42 }",
                                       "{ 41 ( 42 | ) }", "{ }",
                                       "{ 41 ?? ?? [-] }"]))


def inj_hex_odd(g, case, rule):
    add_string_ref(rule, g.rng.choice(["{ 41 4 }", "{ 414 }", "{ 4 }"]))


def inj_hex_jump(g, case, rule):
    add_string_ref(rule, g.rng.choice(["{ 41 [5-2] 42 }", "{ 41 [0] 42 }",
                                       "{ [1] 41 }", "{ 41 [1-2 }",
                                       "{ 41 42 [2] }",
                                       "{ 41 ( [1] 42 | 43 ) }"]))


def inj_hex_unbounded_alt(g, case, rule):
    add_string_ref(rule, g.rng.choice(["{ 41 ( 42 [1-] 43 | 44 ) }",
                                       "{ 41 ( 42 | 43 [-] 44 ) 45 }"]))


def inj_regex(g, case, rule):
    add_string_ref(rule, g.rng.choice(["/ab(/", "/a[/", "/a{3,1}/", "/a**/",
                                       "/()/", "/[z-a]/", "/a{99999}/",
                                       "/a)/", "/x+{2}/"]))


def inj_syntax(g, case, rule):
    rng = g.rng
    r = rng.randrange(6)
    if r == 0:
        rule.inject = replace_in_rule("condition:", "")
    elif r == 1:
        add_cond(rule, "(true))")
    elif r == 2:
        rule.inject = replace_in_rule("rule " + rule.name, "rule")
    elif r == 3:
        add_cond(rule, "1 ==")
    elif r == 4:
        rule.inject = replace_in_rule("{", "")
    else:
        add_cond(rule, "filesize > 0x")


def inj_unterminated(g, case, rule):
    r = g.rng.randrange(3)
    tail = ['rule zz { strings: $a = "abc condition: $a }\n',
            "rule zz { strings: $a = \"abc\" /* never closed\n"
            "condition: $a }\n",
            "rule zz { strings: $a = /abc condition: $a }\n"][r]
    case.files[0].tail = tail


def inj_int_overflow(g, case, rule):
    if g.rng.random() < 0.7:
        add_cond(rule, g.rng.choice(["99999999999999999999 > 0",
                                     "filesize < 0xffffffffffffffffff",
                                     "9223372036854775808 > 1"]))
    else:
        rule.metas.append(("big", "99999999999999999999"))


def inj_fold_overflow(g, case, rule):
    add_cond(rule, g.rng.choice(["0x7fffffffffffffff + 1 < 0",
                                 "9223372036854775807 * 2 > 0",
                                 "-9223372036854775807 - 2 < 0"]))


def inj_div_zero(g, case, rule):
    add_cond(rule, g.rng.choice(["filesize \\ 0 == 1", "1 % (2 - 2) == 0",
                                 "filesize % 0 == 0", "5 \\ (3 - 3) > 1"]))


def inj_type(g, case, rule):
    add_cond(rule, g.rng.choice(['"a" + 1 > 0', "1.5 & 1 == 1",
                                 "5 % 2.0 == 1", '1 contains "a"',
                                 '"abc" startswith 1', "-\"x\" == 1",
                                 '~1.5 == 1', '"a" < 1']))


def inj_modifier_combo(g, case, rule):
    add_string_ref(rule, g.rng.choice(['"abcd" nocase xor',
                                       '"abcd" base64 fullword',
                                       '"abcd" base64 nocase',
                                       '"abcd" xor base64wide',
                                       '"abcd" base64wide fullword']))


def inj_dup_modifier(g, case, rule):
    add_string_ref(rule, g.rng.choice(['"abcd" wide wide',
                                       '"abcd" xor(1-2) xor',
                                       '"abcd" nocase ascii nocase',
                                       '/abcd/ private private']))


def inj_base64_alphabet(g, case, rule):
    alpha = '"%s%s"' % ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm",
                        "nopqrstuvwxyz0123456789+-")
    add_string_ref(rule, g.rng.choice(['"abcd" base64("abc")',
                                       '"abcd" base64wide("")',
                                       '"abcd" base64(%s) base64wide' %
                                       alpha]))


def inj_xor_range(g, case, rule):
    add_string_ref(rule, g.rng.choice(['"abcd" xor(3-1)', '"abcd" xor(300)',
                                       '"abcd" xor(0-256)']))


def inj_empty_string(g, case, rule):
    add_string_ref(rule, '""')


def inj_escape(g, case, rule):
    add_string_ref(rule, g.rng.choice(['"a\\qb"', '"\\xZZ"', '"ab\\x4"']))


def inj_undefined_ident(g, case, rule):
    add_cond(rule, g.rng.choice(["no_such_rule", "any of (zzz*)",
                                 "later_rule"]))
    if "later_rule" in rule.condition:
        case.files[0].rules.append(Rule("later_rule"))


def inj_undefined_ext(g, case, rule):
    add_cond(rule, g.rng.choice(["ei9 == 1", "es9 contains \"a\"", "eb9"]))


def inj_dup_tag(g, case, rule):
    rule.tags = ["t1", "foo", "t1"] if g.rng.random() < 0.5 else ["x", "x"]


def inj_percent(g, case, rule):
    if not rule.strings:
        rule.strings.append(new_string("$p", '"percent"'))
    add_cond(rule, g.rng.choice(["150% of them", "0% of them",
                                 "101% of them"]))


def inj_max_strings(g, case, rule):
    if g.rng.random() < 0.4:
        # One hex string, but yara chains it into pieces that count.
        rule.strings = [new_string("$h", g.rng.choice(
            ["{ 61 62 [-] 63 64 }", "{ 61 62 [201] 63 64 }",
             "{ 61 62 [1-300] 63 64 }"]))]
        rule.condition = "$h"
        case.extra_args = ["--max-strings-per-rule=1"]
        return
    while len(rule.strings) < 2:
        rule.strings.append(new_string("$m%d" % len(rule.strings),
                                       '"many%d"' % len(rule.strings)))
        add_cond(rule, rule.strings[-1].ident)
    case.extra_args = ["--max-strings-per-rule=1"]


def inj_anon_misuse(g, case, rule):
    if not rule.strings:
        rule.strings.append(new_string("$an", '"anon"'))
        add_cond(rule, "$an")
    add_cond(rule, g.rng.choice(["$ at 0", "# == 1", "@ > 0", "! == 2"]))


def inj_dup_loop_var(g, case, rule):
    add_cond(rule, "for any i in (1..2) : ( for all i in (0..1) : "
             "( i == 1 ) )")


def inj_ident_too_long(g, case, rule):
    long = "r" + "x" * g.rng.choice([128, 140])
    if g.rng.random() < 0.5:
        rule.inject = replace_in_rule("rule " + rule.name, "rule " + long)
    else:
        rule.tags = [long]


def inj_d_syntax(g, case, rule):
    case.extra_args = ["-d", g.rng.choice(["novalue", "x"])]


def inj_negative_shift(g, case, rule):
    add_cond(rule, g.rng.choice(["1 << -1 == 0", "filesize >> -2 == 0"]))


def inj_nested_forof(g, case, rule):
    if not rule.strings:
        rule.strings.append(new_string("$n", '"nested"'))
    add_cond(rule, "for any of them : ( for all of them : ( $ ) )")


def inj_include(g, case, rule):
    case.files[0].head = 'include "%s"\n' % g.rng.choice(
        ["missing.yar", "in/nothing.yar", "r9.yar"])


ERR_KINDS = [
    ("err-undefined-string", inj_undefined_string),
    ("err-dup-string", inj_dup_string),
    ("err-dup-rule", inj_dup_rule),
    ("err-unreferenced", inj_unreferenced),
    ("err-hex-syntax", inj_hex_syntax),
    ("err-hex-odd", inj_hex_odd),
    ("err-hex-jump", inj_hex_jump),
    ("err-hex-unbounded-alt", inj_hex_unbounded_alt),
    ("err-regex", inj_regex),
    ("err-syntax", inj_syntax),
    ("err-unterminated", inj_unterminated),
    ("err-int-overflow", inj_int_overflow),
    ("err-fold-overflow", inj_fold_overflow),
    ("err-div-zero", inj_div_zero),
    ("err-type", inj_type),
    ("err-modifier-combo", inj_modifier_combo),
    ("err-dup-modifier", inj_dup_modifier),
    ("err-base64-alphabet", inj_base64_alphabet),
    ("err-xor-range", inj_xor_range),
    ("err-empty-string", inj_empty_string),
    ("err-escape", inj_escape),
    ("err-undefined-ident", inj_undefined_ident),
    ("err-undefined-ext", inj_undefined_ext),
    ("err-dup-tag", inj_dup_tag),
    ("err-percent", inj_percent),
    ("err-max-strings", inj_max_strings),
    ("err-anon-misuse", inj_anon_misuse),
    ("err-dup-loop-var", inj_dup_loop_var),
    ("err-ident-too-long", inj_ident_too_long),
    ("err-d-syntax", inj_d_syntax),
    ("err-negative-shift", inj_negative_shift),
    ("err-nested-forof", inj_nested_forof),
    ("err-include", inj_include),
]


def build_invalid(seed, index, sub):
    from gen_case import INVALID_EVERY, INVALID_VARIANTS
    g = Gen(seed, index, sub)
    rng = g.rng
    case = Case(seed, index, sub, "invalid")
    nth = (index // INVALID_EVERY) * INVALID_VARIANTS + sub
    kind, inject = ERR_KINDS[nth % len(ERR_KINDS)]
    case.error_kind = kind
    plan_inputs(g)
    g.sizes = g.sizes[:1]
    g.exe = g.exe[:1]
    case.externals = gen_externals(g)
    g.externals = case.externals
    rules = []
    for i in range(rng.randint(1, 3)):
        rule, _ = gen_rule(g, "rule_%d" % i, [], set())
        rules.append(rule)
    case.files = [RuleFile(None, rules)]
    target = rng.choice(rules)
    inject(g, case, target)
    case.inputs = gen_inputs(g, [], g.feats)
    case.modes = [Mode(["-w"] + rng.choice([[], ["-s"], ["-c"]]), "file", 0)]
    case.feats = {kind}
    return case
