#!/usr/bin/env python3
"""Seeded differential test: `candor scan` against the reference yara.

Generates random rules files and inputs from a seed, runs yara 4.2.3 and
the candidate with the same arguments in several output modes, and
compares stdout and the exit code byte for byte (plus the first stderr
line when the rules do not compile).  Prints one line per failed
comparison, the feature table, and last `N passed, N failed`.  Exits 0
only when nothing failed and every feature of features.py occurred.

    tests/diff/difftest.py                      # candidate build/candor
    tests/diff/difftest.py --candidate-cmd yara # the suite against itself
    tests/diff/difftest.py --seed 7 --cases 500 --jobs 4
    tests/diff/difftest.py --case 17 --keep     # one case, kept on disk

See docs/testing-diff.md.
"""

import argparse
import collections
import multiprocessing
import os
import shlex
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from features import FEATURE_NAMES, NEWER_THAN_4_2_3  # noqa: E402
from gen_case import build_cases  # noqa: E402
from runner import Runner  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SEED = 20240423
DEFAULT_CASES = 160
QUICK_CASES = 60
MAX_SHRUNK = 4

CFG = None


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Differential test of `candor scan` against yara.")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--cases", type=int, default=None,
                    help="number of case indices (default %d, %d with "
                    "--quick)" % (DEFAULT_CASES, QUICK_CASES))
    ap.add_argument("--case", type=int, action="append", default=[],
                    help="run only this case index (repeatable)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", action="store_true",
                    help="keep every case under tests/work/diff/")
    ap.add_argument("--quick", action="store_true",
                    help="%d cases instead of %d" % (QUICK_CASES,
                                                     DEFAULT_CASES))
    ap.add_argument("--yara", default="yara", help="the reference program")
    ap.add_argument("--candor", default=os.path.join("build", "candor"),
                    help="candor binary, run as `PATH scan ARGS` (relative "
                    "to the repository root)")
    ap.add_argument("--candidate-cmd", default=None,
                    help="command prefix for the candidate instead of "
                    "`--candor PATH scan`, e.g. 'yara'")
    ap.add_argument("--as-is", action="store_true",
                    help="run the reference on the rules as generated, not "
                    "rewritten around its documented bugs (known.py)")
    ap.add_argument("--no-shrink", dest="shrink", action="store_false")
    ap.add_argument("--shrink-seconds", type=float, default=60.0)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "work",
                                                  "diff-fail"),
                    help="where reproducers go")
    args = ap.parse_args(argv)
    if args.cases is None:
        args.cases = QUICK_CASES if args.quick else DEFAULT_CASES
    if args.candidate_cmd:
        cmd = shlex.split(args.candidate_cmd)
        if os.sep in cmd[0] and not os.path.isabs(cmd[0]):
            cmd[0] = os.path.abspath(cmd[0])
        args.candidate = cmd
    else:
        path = args.candor
        if not os.path.isabs(path):
            path = os.path.join(REPO, path)
        if not os.access(path, os.X_OK):
            ap.error("no candidate: %s is not an executable (build candor "
                     "or pass --candidate-cmd)" % path)
        args.candidate = [path, "scan"]
    if shutil.which(args.yara) is None and not os.access(args.yara, os.X_OK):
        ap.error("reference yara not found: %s" % args.yara)
    return args


def init_worker(cfg):
    global CFG
    CFG = cfg


def case_root(case):
    if CFG.keep:
        path = os.path.join(REPO, "tests", "work", "diff", case.name)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        return path
    return tempfile.mkdtemp(prefix="candor-diff-")


def matched_pairs(stdout):
    """(namespace:rule, file) pairs from `-g -m -e` output."""
    pairs = set()
    for line in stdout.decode("latin-1").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2:
            pairs.add((parts[0], parts[-1]))
    return pairs


def rule_stats(case, results):
    """Feature -> [rules using it, (rule, file) true, (rule, file) false]."""
    stats = collections.defaultdict(lambda: [0, 0, 0])
    gme = [r for m, r, _, _ in results
           if m.target == "list" and {"-g", "-m", "-e"} <= set(m.flags)
           and not ({"-n", "-i", "-t", "-l"} & set(m.flags))]
    pairs = matched_pairs(gme[0].stdout) if gme else None
    files = ["in/f%d" % i for i in range(len(case.inputs))]
    for f in case.files:
        ns = f.ns or "default"
        for rule in f.rules:
            hits = 0
            if pairs is not None and not rule.is_private:
                hits = sum((ns + ":" + rule.name, p) in pairs for p in files)
            for feat in rule.feats:
                s = stats[feat]
                s[0] += 1
                if pairs is not None and not rule.is_private:
                    s[1] += hits
                    s[2] += len(files) - hits
    for feat in case.feats:
        stats[feat][0] += 1
    return stats


def work(index):
    """Runs all cases of one index; returns a plain summary."""
    runner = Runner(CFG)
    lines, stats = [], collections.defaultdict(lambda: [0, 0, 0])
    known = collections.Counter()
    passed = failed = unexpected = 0
    for case in build_cases(CFG.seed, index):
        path = case_root(case)
        try:
            results, applied, changed = runner.run_case(case, path)
            known.update(applied)
            known["changed"] += changed
        finally:
            if not CFG.keep:
                shutil.rmtree(path, ignore_errors=True)
        skipped = [r for r in results if r[3] == "SKIP"]
        for mode, ref, _, _ in skipped:
            lines.append("note: yara crashed (%s) in case %s [%s]; not "
                         "compared" % (ref.rc, case.name, mode.label()))
        results = [r for r in results if r[3] != "SKIP"]
        for mode, _, _, _ in results:
            files = len(case.inputs) if mode.target == "list" else 1
            known["pairs"] += len(case.rules()) * files
        bad = [r for r in results if r[3] is not None]
        for mode, _, _, reason in bad:
            lines.append("FAIL case %s [%s]: %s" % (case.name, mode.label(),
                                                    reason))
        passed += len(results) - len(bad)
        failed += len(bad)
        ref_compiled = not any(r[1].compile_failed() for r in results)
        if case.kind == "valid" and not ref_compiled:
            unexpected += 1
            first = [r[1].first_error() for r in results
                     if r[1].compile_failed()][0].decode("latin-1")
            lines.append("note: case %s did not compile with yara: %s" %
                         (case.name, first))
        elif case.kind == "invalid" and ref_compiled and \
                case.error_kind != "err-d-syntax":
            lines.append("note: case %s (%s) compiled with yara" %
                         (case.name, case.error_kind))
        else:
            for feat, s in rule_stats(case, results).items():
                for k in range(3):
                    stats[feat][k] += s[k]
        if bad and CFG.shrink_budget.value > 0:
            with CFG.shrink_budget.get_lock():
                CFG.shrink_budget.value -= 1
            runner.reproduce(case, bad, CFG.out)
            lines.append("  reproducer: %s" % os.path.relpath(
                os.path.join(CFG.out, case.name)))
    return index, lines, dict(stats), passed, failed, unexpected, known


def print_table(stats):
    print("feature coverage (rules or cases using it / rule-file pairs "
          "true / false):")
    cells = []
    for name in FEATURE_NAMES:
        used, t, f = stats.get(name, (0, 0, 0))
        mark = "  " if used else "!!"
        detail = "%d/%d" % (t, f) if t or f else ""
        cells.append("%s%-24s %5d %-11s" % (mark, name, used, detail))
    half = (len(cells) + 1) // 2
    for i in range(half):
        right = cells[half + i] if half + i < len(cells) else ""
        print(cells[i] + "  " + right)


def main(argv):
    global CFG
    cfg = parse_args(argv)
    cfg.shrink_budget = multiprocessing.Value("i", MAX_SHRUNK)
    CFG = cfg
    start = time.monotonic()
    indices = cfg.case or list(range(cfg.cases))
    totals = collections.defaultdict(lambda: [0, 0, 0])
    passed = failed = unexpected = 0
    known = collections.Counter()
    with multiprocessing.Pool(cfg.jobs, init_worker, (cfg,)) as pool:
        for _, lines, stats, p, f, u, k in pool.imap(work, indices):
            known.update(k)
            for line in lines:
                print(line, flush=True)
            for feat, s in stats.items():
                for k in range(3):
                    totals[feat][k] += s[k]
            passed += p
            failed += f
            unexpected += u
    unknown = sorted(set(totals) - set(FEATURE_NAMES))
    missing = [n for n in FEATURE_NAMES if totals[n][0] == 0]
    if not cfg.case:
        print_table(totals)
    for name in unknown:
        print("internal error: feature %s is not in features.py" % name)
    if missing and not cfg.case:
        print("missing features: " + " ".join(missing))
    if unexpected:
        print("note: %d valid cases did not compile with yara" % unexpected)
    if not cfg.as_is:
        print("documented differences from yara 4.2.3 (docs/compat.md, "
              "tests/diff/known.py): count-in-lower %d, for-none %d "
              "(conditions rewritten for the reference; yara's own answer "
              "differed in %d comparisons), empty-message %d, "
              "and-message %d, fast-first-match %d, fibers %d, "
              "hex-alternative %d (comparisons)" % (
                  known["count-in-lower"], known["for-none"],
                  known["changed"], known["empty-message"],
                  known["and-message"], known["fast-first-match"],
                  known["fibers"], known["hex-alternative"]))
    print("not generated (yara 4.2.3 rejects them): " +
          ", ".join(n for n, _ in NEWER_THAN_4_2_3))
    print("seed %d, %d case indices, %d comparisons of %d rule/input pairs, "
          "%.1f s" % (cfg.seed, len(indices), passed + failed,
                      known["pairs"], time.monotonic() - start))
    print("%d passed, %d failed" % (passed, failed))
    ok = failed == 0 and not unknown and (cfg.case or not missing)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
