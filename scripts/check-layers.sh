#!/usr/bin/env bash
# Checks that includes point down the stack (HOUSE_STYLE.md):
#   base: nothing; match, modules: base; rules: base, modules;
#   compile: base, rules, match, modules; scan: base, compile, match, modules;
#   unpack: base, match; report: base; audit: base, unpack, report and include/candor.h;
#   candor.c: anything below; cli: include/candor.h, and audit/ and report/
#   (the layers of `candor audit`, which sit on the public API).
# Also that only src/match includes <hs.h> or <pcre2.h>, only src/unpack
# <archive.h>.
# Prints each violation and `N passed, N failed` (one check per file).
set -u
cd "$(dirname "$0")/.."
allowed() {
    case $1 in
    base) echo "base" ;;
    match) echo "base match" ;;
    modules) echo "base modules" ;;
    rules) echo "base modules rules" ;;
    compile) echo "base rules match modules compile" ;;
    scan) echo "base compile match modules scan" ;;
    unpack) echo "base match unpack" ;;
    report) echo "base report" ;;
    audit) echo "base unpack report audit" ;;
    *) echo "" ;;
    esac
}
pass=0
fail=0
while IFS= read -r f; do
    layer=${f#src/}
    layer=${layer%%/*}
    ok=1
    if [[ $f == cli/* ]]; then
        if grep -qE '#include "(base|rules|compile|match|scan|modules|unpack)/' "$f"; then
            echo "layers: $f includes library internals"
            ok=0
        fi
    elif [[ $f == src/*/* ]]; then
        for inc in $(grep -oE '#include "[a-z]+/' "$f" | sed 's/#include "//; s/\///'); do
            if ! grep -qw "$inc" <<<"$(allowed "$layer")"; then
                echo "layers: $f ($layer) includes $inc/"
                ok=0
            fi
        done
    fi
    if [[ $f != src/match/* ]] && grep -qE '#include <(hs|hs/hs|pcre2)\.h>' "$f"; then
        echo "layers: $f includes vectorscan or PCRE2 outside src/match"
        ok=0
    fi
    if [[ $f != src/unpack/* ]] && grep -qE '#include <archive(_entry)?\.h>' "$f"; then
        echo "layers: $f includes libarchive outside src/unpack"
        ok=0
    fi
    if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done < <(find src cli -name '*.[ch]' | sort)
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
