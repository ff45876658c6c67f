#!/usr/bin/env bash
# bench/setup.sh: install what the benchmark needs, from Debian's archive,
# only when it is missing.  Safe to run again; it changes nothing when all is
# there.  Sourced by corpus.sh and run.sh (bench_setup), or run on its own.
#
#   yara          yara and yarac 4.2.3, the reference we compare against
#   python3       the rule generator and the corpus classifier (Debian 3.11)
#   time          GNU /usr/bin/time, for peak RSS and user/sys CPU time
#   file          libmagic's `file`, to check the corpus type counts
#   dpkg-dev      dpkg-deb (in dpkg) and Debian's archive tools
#   binutils      `ar`, a fallback for unpacking a .deb
#   tar, xz-utils, zstd   GNU tar for the deterministic big files; the
#                 decompressors dpkg-deb needs for data.tar.*
#   coreutils     sha256sum, timeout, sort
set -euo pipefail

# command -> Debian package that provides it
BENCH_TOOLS=(
    "yara:yara"
    "yarac:yara"
    "/usr/bin/python3:python3"
    "/usr/bin/time:time"
    "file:file"
    "dpkg-deb:dpkg"
    "dpkg-architecture:dpkg-dev"
    "ar:binutils"
    "tar:tar"
    "xz:xz-utils"
    "zstd:zstd"
    "sha256sum:coreutils"
    "timeout:coreutils"
)

# bench_setup: apt-get install every package whose command is missing.
bench_setup() {
    local entry cmd pkg
    local -a missing=()
    for entry in "${BENCH_TOOLS[@]}"; do
        cmd=${entry%%:*}
        pkg=${entry#*:}
        if ! command -v "$cmd" >/dev/null 2>&1; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    # Deduplicate while keeping the order stable for the log line.
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
    echo "bench/setup: installing ${missing[*]}" >&2
    local sudo=()
    if [[ $(id -u) != 0 ]]; then
        sudo=(sudo)
    fi
    # An empty package index (a fresh machine) makes install fail; update first.
    if ! apt-cache policy yara 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        "${sudo[@]}" apt-get update -q
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q \
        --no-install-recommends "${missing[@]}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    bench_setup
    echo "bench/setup: all tools present"
fi
