#!/usr/bin/env bash
# Builds every tests/fuzz/fuzz_*.c as a libFuzzer binary (clang, ASan+UBSan)
# in build-fuzz/. Run one with its corpus, e.g.
#   build-fuzz/fuzz_rules -max_total_time=1800 tests/fuzz/corpus/rules
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build-fuzz
mkdir -p "$out"
make -s CC=clang BUILD="$out/lib" SANITIZE=address,undefined \
    OPT="-O1 -fsanitize=fuzzer-no-link" "$out/lib/libcandor.a"
flags="-std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc $(pkg-config --cflags libhs)"
libs="$(pkg-config --libs libhs libpcre2-8 libcrypto zlib libmagic jansson libarchive liblzma libzstd liblz4 libsquashfs1 ext2fs com_err) -lbz2 -llzo2 -lstdc++ -lm -pthread"
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    echo "fuzz: $out/$name"
    clang $flags -fsanitize=fuzzer,address,undefined -o "$out/$name" \
        "$src" "$out/lib/libcandor.a" $libs
done
