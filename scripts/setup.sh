#!/usr/bin/env bash
# Installs what candor needs to build, test and benchmark on Debian 12.
# Idempotent: only missing packages are installed. Run as root (or with
# sudo available); prints what it installs.
set -euo pipefail

PACKAGES=(
    make gcc clang pkg-config
    libvectorscan-dev libpcre2-dev libssl-dev zlib1g-dev
    libmagic-dev libjansson-dev
    libarchive-dev          # candor audit: containers (src/unpack)
    tar gzip bzip2 xz-utils zstd cpio zip p7zip-full   # tests/audit builds its products
    lld-14 llvm-14          # Mach-O test files (ld64.lld, llvm-lipo)
    yara python3 file time
    python3-pefile          # expected values of tests/modules/check_pe_import_rva.py
    libclang-rt-14-dev      # libFuzzer and sanitizer runtimes for clang
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
