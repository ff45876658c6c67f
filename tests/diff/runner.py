"""Running one case against the reference and the candidate.

run_case() puts a case on disk, runs every mode with both programs and
compares exit code and stdout byte for byte (and the first error line of
stderr when yara rejected the rules).  On a mismatch it shrinks the case
(drop inputs, files, rules, strings, simplify conditions, cut inputs)
while the mismatch persists and writes a reproducer directory.
"""

import collections
import copy
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time

import known
from gen_case import argv, write_case

COMPILE_ERROR = re.compile(rb'^(error: rule "[^"]*" in .*\(\d+\): |'
                           rb'.*\(\d+\): error: )')
NUMBERS = re.compile(rb"\(\d+\)")
TIMEOUT = 30


class Result:
    def __init__(self, rc, stdout, stderr):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr

    def first_error(self):
        """The first stderr line that is not a warning."""
        for line in self.stderr.split(b"\n"):
            if line and not line.startswith(b"warning:") and \
                    b": warning: " not in line:
                return line
        return b""

    def compile_failed(self):
        return bool(COMPILE_ERROR.match(self.first_error()))


def run(prefix, args, cwd):
    try:
        p = subprocess.run(prefix + args, cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
        return Result(p.returncode, p.stdout, p.stderr)
    except subprocess.TimeoutExpired as e:
        return Result("timeout", e.stdout or b"", e.stderr or b"")
    except OSError as e:
        return Result("cannot run: %s" % e.strerror, b"", b"")


def first_diff_line(a, b):
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else None
        y = lb[i] if i < len(lb) else None
        if x != y:
            return i + 1, x, y
    return 0, None, None


def show(line):
    if line is None:
        return "(no line)"
    text = repr(line)[2:-1]
    return text if len(text) <= 70 else text[:67] + "..."


def ref_crashed(ref):
    """yara itself died (it has assertion failures): not the candidate's
    fault, so such a comparison is skipped."""
    return ref.rc == "timeout" or (isinstance(ref.rc, int) and ref.rc < 0)


def compare(case, ref, cand):
    """None when equal, else a one-line reason."""
    if ref.rc != cand.rc:
        return "exit code: yara %s, candidate %s" % (ref.rc, cand.rc)
    if ref.stdout != cand.stdout:
        n, x, y = first_diff_line(ref.stdout, cand.stdout)
        return "stdout line %d: yara '%s', candidate '%s'" % (
            n, show(x), show(y))
    if case.kind == "invalid" or ref.compile_failed():
        x, y = ref.first_error(), cand.first_error()
        if x != y:
            return "stderr: yara '%s', candidate '%s'" % (show(x), show(y))
    return None


def list_order(case):
    """The scan list's files, in order (gen_case.write_case)."""
    names = ["in/f%d" % i for i in range(len(case.inputs))]
    if case.missing_in_list:
        names.insert(len(names) // 2, "in/missing")
    return names


def hex_sources(case):
    """(rule name, '$id') -> a hex string's source; a key two rules (in
    different namespaces) give different sources is left out."""
    table, clash = {}, set()
    for r in case.rules():
        for p in r.strings:
            if p.kind != "hex" or p.ident == "$":
                continue
            key = (r.name, p.ident)
            if table.get(key, p.source) != p.source:
                clash.add(key)
            table[key] = p.source
    for key in clash:
        del table[key]
    return table


def rule_table(case):
    """Rule name -> (its conditions, most anonymous strings), for
    known.fast_mode_explained (a name may be in several namespaces)."""
    table = {}
    for r in case.rules():
        cond, anon = table.get(r.name, ("", 0))
        n = sum(1 for p in r.strings if p.ident == "$")
        table[r.name] = (cond + " ; " + r.condition, max(anon, n))
    return table


def reference_view(case):
    """The case as the reference runs it (known.py): rules rewritten
    around yara 4.2.3's documented bugs, and what was rewritten."""
    applied = collections.Counter()
    ref = copy.deepcopy(case)
    for f in ref.files:
        for r in f.rules:
            r.condition = known.for_reference(r.condition, applied)
    return ref, applied


class Runner:
    def __init__(self, cfg):
        self.cfg = cfg
        self.ref = [cfg.yara]
        self.cand = cfg.candidate
        self.as_is = getattr(cfg, "as_is", False)

    def write(self, case, path):
        """Puts the case in path and, when yara needs other rules, their
        rewritten copy in path/ref; returns that directory (or path) and
        the rewrites."""
        write_case(case, path)
        if self.as_is:
            return path, collections.Counter()
        ref_case, applied = reference_view(case)
        if not applied:
            return path, applied
        ref_path = os.path.join(path, "ref")
        write_case(ref_case, ref_path)
        return ref_path, applied

    def run_mode(self, case, mode, path, ref_path=None):
        args = argv(case, mode)
        return run(self.ref, args, ref_path or path), run(self.cand, args,
                                                           path)

    def judge(self, case, mode, ref, cand, ref_path, seen):
        """compare(), then the differences known.py documents; seen
        counts those met."""
        reason = compare(case, ref, cand)
        if reason is None or self.as_is:
            return reason
        x, y = ref.first_error(), cand.first_error()
        tag = known.message_difference(x, y)
        if ref.rc == cand.rc and ref.stdout == cand.stdout and tag:
            seen[tag] += 1
            return None
        gone = known.fiber_files(ref.stderr)
        if gone:
            if mode.target == "file":
                ok = cand.rc == 0
            else:
                order = None
                if "-l" in mode.flags:
                    order = [n.encode() for n in list_order(case)]
                counts = "-c" in mode.flags
                ok = ref.rc == cand.rc and known.without_files(
                    ref.stdout, gone, order, counts) == known.without_files(
                    cand.stdout, gone, order, counts)
            if ok:
                seen["fibers"] += 1
                return None
            return reason
        if "-f" in mode.flags and ({"-s", "-L"} & set(mode.flags)) and \
                ref.rc == cand.rc:
            args = [a for a in argv(case, mode) if a != "-f"]
            full = run(self.ref, args, ref_path)
            if full.rc == ref.rc and known.fast_mode_explained(
                    rule_table(case), ref.stdout, cand.stdout, full.stdout,
                    "-L" in mode.flags):
                seen["fast-first-match"] += 1
                return None
        if "-s" in mode.flags and ref.rc == cand.rc and \
                known.hex_choice_explained(hex_sources(case), ref.stdout,
                                           cand.stdout, "-L" in mode.flags):
            seen["hex-alternative"] += 1
            return None
        return reason

    def run_case(self, case, path):
        """Returns ([(mode, ref, cand, reason)] for every mode, the
        rewrites of known.py, and in how many modes they changed yara's
        output)."""
        ref_path, applied = self.write(case, path)
        seen = collections.Counter()
        out, changed = [], 0
        for mode in case.modes:
            ref, cand = self.run_mode(case, mode, path, ref_path)
            if ref_crashed(ref):
                reason = "SKIP"
            else:
                reason = self.judge(case, mode, ref, cand, ref_path, seen)
            if applied:
                own = run(self.ref, argv(case, mode), path)
                changed += (own.rc, own.stdout) != (ref.rc, ref.stdout)
            out.append((mode, ref, cand, reason))
        return out, applied + seen, changed

    # ------------------------------------------------------------ shrink

    def still_fails(self, case, mode, ref0):
        path = tempfile.mkdtemp(prefix="candor-shrink-")
        try:
            trial = copy.copy(case)
            trial.modes = [mode]
            ref_path, _ = self.write(trial, path)
            ref, cand = self.run_mode(trial, mode, path, ref_path)
            if ref_crashed(ref) or ref.rc != ref0.rc or \
                    ref.compile_failed() != ref0.compile_failed():
                return False
            # An invalid case must keep its error (line numbers may move).
            if (case.kind == "invalid" or ref0.compile_failed()) and \
                    NUMBERS.sub(b"N", ref.first_error()) != \
                    NUMBERS.sub(b"N", ref0.first_error()):
                return False
            return self.judge(trial, mode, ref, cand, ref_path,
                              collections.Counter()) is not None
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def shrink(self, case, mode, ref0):
        """Smallest variant of case that still fails in mode."""
        deadline = time.monotonic() + self.cfg.shrink_seconds
        case = copy.deepcopy(case)
        case.modes = [mode]
        tries = 0
        progress = True
        while progress and time.monotonic() < deadline:
            progress = False
            for step in (drop_inputs, drop_files, drop_half_rules,
                         drop_rules, simplify_rules,
                         drop_strings, drop_decorations, cut_inputs):
                while time.monotonic() < deadline:
                    for cand in step(case):
                        tries += 1
                        if self.still_fails(cand, mode, ref0):
                            case = cand
                            progress = True
                            break
                    else:
                        break
        return case, tries

    def reproduce(self, case, failures, out_root):
        """Writes tests/work/diff-fail/CASE/ for the first failing mode."""
        mode, ref0, cand0, reason = failures[0]
        root = os.path.join(out_root, case.name)
        shutil.rmtree(root, ignore_errors=True)
        orig = os.path.join(root, "original")
        os.makedirs(orig)
        ref_path, _ = self.write(case, orig)
        write_commands(self, case, [f[0] for f in failures], orig,
                       ref_path != orig)
        small, tries = case, 0
        if self.cfg.shrink:
            small, tries = self.shrink(case, mode, ref0)
        small = copy.copy(small)
        small.modes = [mode]
        ref_path, _ = self.write(small, root)
        ref, cand = self.run_mode(small, mode, root, ref_path)
        write_commands(self, small, [mode], root, ref_path != root)
        for tag, res in (("yara", ref), ("candidate", cand)):
            for part in ("stdout", "stderr"):
                with open(os.path.join(root, "%s.%s" % (tag, part)),
                          "wb") as fh:
                    fh.write(getattr(res, part))
            with open(os.path.join(root, tag + ".rc"), "w") as fh:
                fh.write("%s\n" % res.rc)
        with open(os.path.join(root, "README"), "w") as fh:
            fh.write("case %s, mode [%s]\n%s\nshrunk with %d tries; "
                     "now: %s\nall failing modes of the case:\n%s\n" % (
                         case.name, mode.label(), reason, tries,
                         compare(small, ref, cand),
                         "".join("  [%s] %s\n" % (f[0].label(), f[3])
                                 for f in failures)))


def write_commands(runner, case, modes, path, rewritten=False):
    lines = ["#!/bin/sh", "# run from this directory", "cd \"$(dirname "
             "\"$0\")\""]
    if rewritten:
        lines.append("# yara runs on ref/, the rules rewritten around its "
                     "known bugs (tests/diff/known.py)")
    for mode in modes:
        args = argv(case, mode)
        ref = shlex.join(runner.ref + args) + " > yara.stdout"
        if rewritten:
            ref = "(cd ref && %s)" % ref.replace("> yara.stdout",
                                                 "> ../yara.stdout")
        lines.append(ref)
        lines.append(shlex.join(runner.cand + args) + " > candidate.stdout")
    with open(os.path.join(path, "cmd.sh"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(os.path.join(path, "cmd.sh"), 0o755)


# ------------------------------------------------------------ shrink steps
# Each step yields modified copies of the case, smallest change first.


def clone(case):
    return copy.deepcopy(case)


def drop_inputs(case):
    for i in range(len(case.inputs)):
        if len(case.inputs) > 1:
            c = clone(case)
            del c.inputs[i]
            yield c


def drop_files(case):
    for i in range(len(case.files)):
        if len(case.files) > 1:
            c = clone(case)
            del c.files[i]
            yield c


def drop_half_rules(case):
    for i, f in enumerate(case.files):
        n = len(f.rules)
        if n >= 4:
            for keep in (f.rules[n // 2:], f.rules[:n // 2]):
                c = clone(case)
                c.files[i].rules = copy.deepcopy(keep)
                yield c


def drop_rules(case):
    for i, f in enumerate(case.files):
        for j in reversed(range(len(f.rules))):
            c = clone(case)
            del c.files[i].rules[j]
            yield c


skip_literal = known.skip_literal


def wrapped(p):
    """True when p is '( ... )' with the first paren closing at the end."""
    if not (p.startswith("(") and p.endswith(")")):
        return False
    depth, i = 0, 0
    while i < len(p):
        if p[i] in "\"/":
            i = skip_literal(p, i)
        elif p[i] == "(":
            depth += 1
        elif p[i] == ")":
            depth -= 1
            if depth == 0 and i != len(p) - 1:
                return False
        i += 1
    return True


def top_level_parts(cond):
    """Operands of the outermost and/or chain, parentheses stripped."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(cond):
        c = cond[i]
        if c in "\"/":
            i = skip_literal(cond, i)
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0:
            for op in (" and ", " or "):
                if cond.startswith(op, i):
                    parts.append(cond[start:i])
                    start = i + len(op)
                    i = start - 1
                    break
        i += 1
    parts.append(cond[start:])
    out = []
    for p in parts:
        p = p.strip()
        if wrapped(p):
            p = p[1:-1].strip()
        out.append(p)
    return out if len(out) > 1 else [cond]


def simplify_rules(case):
    for i, f in enumerate(case.files):
        for j, r in enumerate(f.rules):
            options = top_level_parts(r.condition)
            options = [p for p in options if p != r.condition]
            options += ["true", "false"]
            if r.strings:
                options.append("any of them")
                options += [p.ident for p in r.strings if p.ident != "$"]
            for cond in options:
                if r.condition != cond and len(cond) < len(r.condition):
                    c = clone(case)
                    c.files[i].rules[j].condition = cond
                    yield c


def drop_strings(case):
    for i, f in enumerate(case.files):
        for j, r in enumerate(f.rules):
            for k in reversed(range(len(r.strings))):
                c = clone(case)
                del c.files[i].rules[j].strings[k]
                yield c


def drop_decorations(case):
    for i, f in enumerate(case.files):
        for j, r in enumerate(f.rules):
            if r.metas or r.tags or r.comment:
                c = clone(case)
                rr = c.files[i].rules[j]
                rr.metas, rr.tags, rr.comment = [], [], None
                yield c
            if r.is_private or r.is_global:
                c = clone(case)
                c.files[i].rules[j].is_private = False
                c.files[i].rules[j].is_global = False
                yield c
    if case.externals:
        c = clone(case)
        c.externals = []
        yield c


def cut_inputs(case):
    for i, data in enumerate(case.inputs):
        n = len(data)
        if n < 8:
            continue
        for piece in (data[:n // 2], data[n // 2:], data[:n - n // 4],
                      data[n // 4:]):
            c = clone(case)
            c.inputs[i] = piece
            yield c
