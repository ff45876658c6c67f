#!/usr/bin/env bash
# bench/corpus.sh: build the benchmark corpus from pinned Debian 12 packages.
#
#   bash bench/corpus.sh [build]      download, extract, build both tiers (idempotent)
#   bash bench/corpus.sh verify       re-hash the full tier and compare with its manifest
#   bash bench/corpus.sh lock [NAME...]   rewrite bench/packages.lock with the versions
#                                     and .deb digests apt-cache shows now
#
# Layout (all under bench/work/, which git ignores):
#   debs/                      the downloaded .debs, checked against packages.lock
#   corpus/full/deb/NAME/      each package extracted with dpkg-deb -x
#   corpus/full/big/*.tar      uncompressed tars of some package trees (> 100 MB each)
#   corpus/full.manifest       `sha256  path` for every file, sorted by path
#   corpus/mini/               about 32 MiB hardlinked from full (see lib/corpus_tool.py)
#   corpus/mini.manifest
#   state/                     stamps that let a rebuild skip finished steps
#
# The manifest digest is sha256 of the manifest file: the sorted list of
# `sha256  relative-path` lines.  Two machines with the same lock and the same
# GNU tar produce the same digest.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${BENCH_WORK:-$BENCH_DIR/work}
LOCK=$BENCH_DIR/packages.lock
DEBS=$WORK/debs
CORPUS=$WORK/corpus
FULL=$CORPUS/full
MINI=$CORPUS/mini
STATE=$WORK/state
PY=/usr/bin/python3
TOOL=$BENCH_DIR/lib/corpus_tool.py

# Bump when the recipe below changes in a way that changes the corpus bytes, so
# stamps from an older recipe are not trusted.
RECIPE=3

# The full tier's files over 100 MB that no package ships (libLLVM-15.so.1 is
# the one real one): uncompressed tars of whole package trees, a realistic
# "archive of binaries" and "archive of sources and docs".
#   name:package package ...
BIG_TARS=(
    "pe-runtimes.tar:gcc-mingw-w64-x86-64-win32-runtime gcc-mingw-w64-i686-win32-runtime nsis nsis-common grub-efi-amd64-signed shim-signed shim-helpers-amd64-signed mono-mcs libmono-corlib4.5-cil libmono-system4.0-cil libmono-system-core4.0-cil libmono-system-xml4.0-cil libmono-system-data4.0-cil libmono-system-web4.0-cil libmono-system-windows-forms4.0-cil"
    "docs-and-sources.tar:python3.11-doc perl-modules-5.36 libpython3.11-stdlib mingw-w64-i686-dev"
)

# Thresholds the full tier must meet (file(1) counts).
MIN_FULL_BYTES=$((512 * 1000 * 1000))
MIN_PE=100
MIN_DOTNET=20
MIN_ELF=50
MIN_PDF=5
MIN_BIG=2

log() { printf 'corpus: %s\n' "$*" >&2; }
die() { printf 'corpus: error: %s\n' "$*" >&2; exit 1; }

# lock_entries: print "name version sha256" for each non-comment lock line.
lock_entries() {
    grep -v -e '^#' -e '^[[:space:]]*$' "$LOCK"
}

# deb_path NAME VERSION: where apt-get download leaves that package (the
# epoch's ':' is written as %3a).
deb_path() {
    local name=$1 version=$2 arch
    arch=$(apt-cache show "$name=$version" 2>/dev/null | awk '/^Architecture:/{print $2; exit}')
    [[ -n $arch ]] || arch=$(ls "$DEBS" 2>/dev/null | sed -n "s/^${name}_.*_\(amd64\|all\)\.deb$/\1/p" | head -n1)
    printf '%s/%s_%s_%s.deb' "$DEBS" "$name" "${version//:/%3a}" "${arch:-amd64}"
}

# fetch_deb NAME VERSION SHA256: download the pinned .deb unless a copy with
# the right digest is already cached.
fetch_deb() {
    local name=$1 version=$2 sha=$3 deb
    deb=$(deb_path "$name" "$version")
    if [[ -f $deb ]] && echo "$sha  $deb" | sha256sum -c --status; then
        return 0
    fi
    rm -f "$deb"
    log "downloading $name=$version"
    # apt's _apt user cannot write into bench/work; downloading as the
    # caller is what `apt-get download` does anyway, minus the warning.
    (cd "$DEBS" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$name=$version" >/dev/null) ||
        die "apt-get download $name=$version failed (is the version still in the archive? see docs/bench.md)"
    [[ -f $deb ]] || die "downloaded $name but $deb is missing"
    echo "$sha  $deb" | sha256sum -c --status ||
        die "$deb does not match the sha256 in packages.lock"
}

# normalize DIR: make an extracted tree plain data.  Symlinks go (a scanner
# following them would scan files twice or leave the corpus), as do empty
# directories; modes become readable and never setuid.
normalize() {
    local dir=$1
    find "$dir" -type l -delete
    find "$dir" ! -type f ! -type d -delete
    find "$dir" -mindepth 1 -type d -empty -delete
    chmod -R u=rwX,go=rX "$dir"
}

# extract_deb NAME VERSION SHA256: unpack into full/deb/NAME unless the stamp
# says this exact .deb was unpacked there with this recipe.
extract_deb() {
    local name=$1 version=$2 sha=$3 deb dst stamp tmp
    deb=$(deb_path "$name" "$version")
    dst=$FULL/deb/$name
    stamp=$STATE/extract/$name
    if [[ -d $dst && -f $stamp && $(cat "$stamp") == "$RECIPE $sha" ]]; then
        return 0
    fi
    log "extracting $name"
    tmp=$FULL/deb/.tmp-$name
    rm -rf "$tmp" "$dst"
    mkdir -p "$tmp"
    dpkg-deb -x "$deb" "$tmp"
    normalize "$tmp"
    mv "$tmp" "$dst"
    echo "$RECIPE $sha" >"$stamp"
}

# build_big_tars: the deterministic big files.  Every property that reaches
# the tar bytes is fixed: member order, owner, mtime, format, hard links
# stored as contents.
build_big_tars() {
    local entry name pkgs p sig stamp tmp
    local -a members
    mkdir -p "$FULL/big"
    for entry in "${BIG_TARS[@]}"; do
        name=${entry%%:*}
        pkgs=${entry#*:}
        members=()
        for p in $pkgs; do
            [[ -d $FULL/deb/$p ]] || die "big tar $name needs package $p (not in packages.lock?)"
            members+=("deb/$p")
        done
        # The signature covers the member packages' stamps (their .deb digests).
        sig="$RECIPE $(for p in $pkgs; do cat "$STATE/extract/$p"; done | sha256sum | cut -c1-64)"
        stamp=$STATE/big-$name
        if [[ -f $FULL/big/$name && -f $stamp && $(cat "$stamp") == "$sig" ]]; then
            continue
        fi
        log "building big/$name from: $pkgs"
        tmp=$FULL/big/.tmp-$name
        tar -C "$FULL" --sort=name --format=gnu --mtime=@0 \
            --owner=0 --group=0 --numeric-owner --hard-dereference \
            -cf "$tmp" "${members[@]}"
        mv "$tmp" "$FULL/big/$name"
        echo "$sig" >"$stamp"
    done
}

# write_manifest ROOT OUT: `sha256  path` lines for every regular file under
# ROOT, sorted by path (byte order), then print the digest of that list.
write_manifest() {
    local root=$1 out=$2
    (cd "$root" && find . -type f -printf '%P\0' | LC_ALL=C sort -z |
        xargs -0 -r sha256sum) >"$out.tmp"
    mv "$out.tmp" "$out"
    sha256sum "$out" | cut -c1-64
}

# lock_signature: what a finished build depends on.
lock_signature() {
    { echo "recipe $RECIPE"; lock_entries; printf '%s\n' "${BIG_TARS[@]}"; } | sha256sum | cut -c1-64
}

# prune_unlocked: remove extracted packages that are no longer in the lock.
prune_unlocked() {
    local dir name
    [[ -d $FULL/deb ]] || return 0
    for dir in "$FULL"/deb/*/ "$FULL"/deb/.tmp-*; do
        [[ -e $dir ]] || continue
        name=$(basename "$dir")
        if ! lock_entries | awk -v n="$name" '$1 == n {found=1} END {exit !found}'; then
            log "removing $name (not in packages.lock)"
            rm -rf "$dir" "$STATE/extract/$name"
        fi
    done
}

# count_of KEY FILE: a FILECOUNT figure written by corpus_tool.py filecheck.
count_of() {
    awk -v k="$1" '$1 == "FILECOUNT" && $2 == k {v = $3} END {print v + 0}' "$2"
}

# check_full: fail if the full tier misses a promised kind of file.
check_full() {
    local counts=$1 bytes=$2 big
    local pe dotnet elf pdf
    pe=$(($(count_of pe "$counts") + $(count_of pe-efi "$counts") + $(count_of dotnet "$counts")))
    dotnet=$(count_of dotnet "$counts")
    elf=$(($(count_of elf-exec "$counts") + $(count_of elf-shared "$counts")))
    pdf=$(count_of pdf "$counts")
    big=$(find "$FULL" -type f -size +100M | wc -l)
    log "full tier: $bytes bytes, ELF $elf, PE $pe, .NET $dotnet, PDF $pdf, files > 100 MB: $big"
    ((bytes >= MIN_FULL_BYTES)) || die "full tier is only $bytes bytes"
    ((pe >= MIN_PE)) || die "only $pe PE files"
    ((dotnet >= MIN_DOTNET)) || die "only $dotnet .NET assemblies"
    ((elf >= MIN_ELF)) || die "only $elf ELF executables/libraries"
    ((pdf >= MIN_PDF)) || die "only $pdf PDFs"
    ((big >= MIN_BIG)) || die "only $big files over 100 MB"
}

# build_full: every package, the big tars, the manifest and the checks.
build_full() {
    local sig name version sha digest bytes
    sig=$(lock_signature)
    if [[ -f $STATE/full.done && $(head -n1 "$STATE/full.done") == "$sig" && -f $CORPUS/full.manifest ]]; then
        log "full tier up to date ($(sed -n 2p "$STATE/full.done"))"
        return 0
    fi
    mkdir -p "$DEBS" "$FULL/deb" "$STATE/extract"
    prune_unlocked
    while read -r name version sha; do
        fetch_deb "$name" "$version" "$sha"
        extract_deb "$name" "$version" "$sha"
    done < <(lock_entries)
    build_big_tars
    log "hashing the full tier"
    digest=$(write_manifest "$FULL" "$CORPUS/full.manifest")
    bytes=$(find "$FULL" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    log "classifying (own magic check)"
    "$PY" "$TOOL" classify "$FULL" "$CORPUS/full.types" >&2
    log "checking with file(1)"
    "$PY" "$TOOL" filecheck "$FULL" "$CORPUS/full.file" >"$CORPUS/full.counts"
    grep -v '^FILECOUNT' "$CORPUS/full.counts" >&2
    check_full "$CORPUS/full.counts" "$bytes"
    printf '%s\n%s\n%s\n' "$sig" "$digest" "$bytes" >"$STATE/full.done"
}

# build_mini: the mini tier, rebuilt only when the full tier's digest changed.
build_mini() {
    local full_digest digest bytes
    full_digest=$(sed -n 2p "$STATE/full.done")
    if [[ -f $STATE/mini.done && $(head -n1 "$STATE/mini.done") == "$full_digest" && -f $CORPUS/mini.manifest ]]; then
        log "mini tier up to date ($(sed -n 2p "$STATE/mini.done"))"
        return 0
    fi
    log "building the mini tier"
    rm -rf "$MINI"
    mkdir -p "$MINI"
    "$PY" "$TOOL" mini "$CORPUS/full.types" "$FULL" "$MINI" >&2
    digest=$(write_manifest "$MINI" "$CORPUS/mini.manifest")
    bytes=$(find "$MINI" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    printf '%s\n%s\n%s\n' "$full_digest" "$digest" "$bytes" >"$STATE/mini.done"
}

# summary: the figures a results table needs.
summary() {
    local t
    for t in full mini; do
        printf '%s tier: %s files, %s bytes, manifest sha256 %s\n' "$t" \
            "$(wc -l <"$CORPUS/$t.manifest")" "$(sed -n 3p "$STATE/$t.done")" \
            "$(sed -n 2p "$STATE/$t.done")"
    done
}

cmd_build() {
    # shellcheck source=setup.sh
    source "$BENCH_DIR/setup.sh"
    bench_setup
    build_full
    build_mini
    summary
}

cmd_verify() {
    local digest
    [[ -f $CORPUS/full.manifest ]] || die "no manifest; run build first"
    log "re-hashing the full tier"
    (cd "$FULL" && sha256sum --quiet -c "$CORPUS/full.manifest") || die "corpus files differ from the manifest"
    local n_files n_manifest
    n_files=$(find "$FULL" -type f | wc -l)
    n_manifest=$(wc -l <"$CORPUS/full.manifest")
    [[ $n_files == "$n_manifest" ]] || die "$n_files files on disk, $n_manifest in the manifest"
    digest=$(sha256sum "$CORPUS/full.manifest" | cut -c1-64)
    echo "full tier matches its manifest: $digest"
}

# cmd_lock [NAME...]: pin NAMEs (default: the names already in the lock) to
# the candidate version apt shows now, with the .deb's sha256 from the index.
cmd_lock() {
    local -a names=("$@")
    local name version sha
    if ((${#names[@]} == 0)); then
        mapfile -t names < <(lock_entries | awk '{print $1}')
    fi
    {
        echo "# Debian 12 (bookworm + bookworm-security) packages the benchmark corpus is built from."
        echo "# name version sha256-of-the-.deb; written by 'bash bench/corpus.sh lock' from apt-cache policy."
        for name in "${names[@]}"; do
            version=$(apt-cache policy "$name" | awk '/Candidate:/{print $2}')
            [[ -n $version && $version != "(none)" ]] || die "no candidate version for $name"
            sha=$(apt-cache show "$name=$version" | awk '/^SHA256:/{print $2; exit}')
            [[ -n $sha ]] || die "no SHA256 for $name=$version"
            echo "$name $version $sha"
        done
    } >"$LOCK.tmp"
    mv "$LOCK.tmp" "$LOCK"
    log "wrote $LOCK (${#names[@]} packages)"
}

main() {
    local cmd=${1:-build}
    shift || true
    case $cmd in
    build) cmd_build ;;
    verify) cmd_verify ;;
    lock) cmd_lock "$@" ;;
    *) die "usage: corpus.sh [build|verify|lock [NAME...]]" ;;
    esac
}

main "$@"
