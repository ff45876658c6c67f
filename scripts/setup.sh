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
    liblzma-dev libbz2-dev libzstd-dev liblz4-dev liblzo2-dev   # compressed streams (src/unpack/stream.c, lzop.c)
    libsquashfs-dev         # candor audit: SquashFS images (src/unpack/squashfs.c)
    tar gzip bzip2 xz-utils zstd lz4 lzop cpio zip p7zip-full busybox-static cramfsswap   # tests/audit builds its products
    u-boot-tools device-tree-compiler   # tests/audit/firmware.py: mkimage, dtc
    android-sdk-libsparse-utils mkbootimg   # tests/audit/android.py: img2simg,
                            # simg2img, mkbootimg
    binutils srecord        # tests/audit/hexrec.py: objcopy, srec_cat
    mtd-utils               # tests/audit/ubi.py, ubifs.sh, fs_jffs2.sh,
                            # groundtruth.py: ubinize, mkfs.ubifs, mkfs.jffs2
    squashfs-tools          # tests/audit/fs.sh: mksquashfs
    libext2fs-dev e2fsprogs # candor audit: ext2/3/4 (src/unpack/ext.c); mke2fs -d in tests
    lld-14 llvm-14          # Mach-O test files (ld64.lld, llvm-lipo)
    yara python3 file time
    python3-pefile          # expected values of tests/modules/check_pe_import_rva.py
    python3-jsonschema libicu72  # tests/audit/sarif.sh: the SARIF schema, and
                            # the ICU the SARIF Multitool (.NET) runs on
    libclang-rt-14-dev      # libFuzzer and sanitizer runtimes for clang
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

SUDO=
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# Node.js and npm only when there is no npm at all: a Node.js from
# elsewhere (with its own npm) must not be replaced by Debian's.
if ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The SARIF Multitool validates `candor audit --sarif` in tests/audit/sarif.sh:
# an exact version from the npm registry (its Linux package holds a
# self-contained .NET build and the SARIF 2.1.0 JSON schema), installed in
# tests/work/tools, which git ignores.
SARIF_MULTITOOL_VERSION=5.7.0
tools="$(cd "$(dirname "$0")/.." && pwd)/tests/work/tools/sarif-multitool-$SARIF_MULTITOOL_VERSION"
if [ ! -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
    echo "setup: installing @microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION in $tools"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --save-exact --silent \
        "@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION" \
        "@microsoft/sarif-multitool-linux@$SARIF_MULTITOOL_VERSION"
    chmod u+x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
fi
