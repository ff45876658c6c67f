#!/usr/bin/env python3
"""sarif_check.py - reads candor's SARIF logs for tests/audit/sarif.sh.

Usage:
  sarif_check.py schema LOG SCHEMA   the log is strict UTF-8 JSON valid
                                     against the SARIF 2.1.0 JSON schema
  sarif_check.py multitool OUT       OUT is the SARIF Multitool's own log of
                                     a `validate` run: its error-level results
  sarif_check.py query LOG EXPR      prints EXPR evaluated with `log` (the
                                     parsed log), `run` (its one run) and
                                     `chain(result)` (the location URIs from
                                     the result's artifact up to the product,
                                     percent-decoded to bytes), `unquote`
The first two print one line per problem and exit 1 if there is any.
"""
import json
import sys
import urllib.parse


def load(path):
    # json.loads on str: the bytes must be UTF-8, strictly.
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def schema(log_path, schema_path):
    import jsonschema

    with open(schema_path, "rb") as f:
        sch = json.load(f)
    cls = jsonschema.validators.validator_for(sch)
    try:
        log = load(log_path)
    except (UnicodeDecodeError, ValueError) as e:
        print("%s: not UTF-8 JSON: %s" % (log_path, e))
        return 1
    errors = list(cls(sch, format_checker=cls.FORMAT_CHECKER).iter_errors(log))
    for e in errors[:20]:
        print("%s: schema: %s at %s" % (log_path, e.message[:200],
                                        "/".join(str(p) for p in e.path)))
    return 1 if errors else 0


def multitool(out_path):
    log = load(out_path)
    bad = 0
    for run in log["runs"]:
        inv = run.get("invocations", [{}])[0]
        if not inv.get("executionSuccessful", False):
            print("the multitool's run did not succeed")
            bad += 1
        notes = inv.get("toolExecutionNotifications", []) + \
            inv.get("toolConfigurationNotifications", [])
        for n in notes:
            if n.get("level") == "error":
                print("multitool notification: %s" % n["message"])
                bad += 1
        for r in run.get("results", []):
            if r.get("level") == "error":
                msg = r["message"]
                print("multitool %s: %s" % (r.get("ruleId"),
                                             msg.get("text") or msg.get("arguments")))
                bad += 1
    return 1 if bad else 0


def query(log_path, expr):
    log = load(log_path)
    run = log["runs"][0]

    def chain(result):
        loc = result["locations"][0]["physicalLocation"]["artifactLocation"]
        uris, i = [], loc["index"]
        while i is not None:
            a = run["artifacts"][i]
            uris.append(urllib.parse.unquote_to_bytes(a["location"]["uri"]))
            i = a.get("parentIndex")
        return uris

    print(eval(expr, {"log": log, "run": run, "chain": chain,
                      "unquote": urllib.parse.unquote}))
    return 0


def main():
    cmd = sys.argv[1]
    if cmd == "schema":
        return schema(sys.argv[2], sys.argv[3])
    if cmd == "multitool":
        return multitool(sys.argv[2])
    if cmd == "query":
        return query(sys.argv[2], sys.argv[3])
    print("unknown command %s" % cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main())
