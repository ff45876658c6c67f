# candor - a plain GNU Makefile. `make help` lists the targets.
#
# Layout: src/ builds libcandor.a (every .c below src/ belongs to it),
# cli/ the `candor` command, tests/ the test programs. Objects go under
# $(BUILD); a sanitizer build uses its own folder so both can coexist.

CC       ?= cc
SANITIZE ?=
WERROR   ?= 1
OPT      ?= -O2

ifeq ($(SANITIZE),)
BUILD    ?= build
else
BUILD    ?= build-san
endif

PKGS     := libhs libpcre2-8 libcrypto zlib libmagic jansson libarchive liblzma libzstd liblz4 \
            libsquashfs1 ext2fs com_err
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla \
        -Wimplicit-fallthrough
ifeq ($(WERROR),1)
WARN += -Werror
endif

CFLAGS  ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) \
              -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS  := $(PKG_LIBS) -lbz2 -llzo2 -lstdc++ -lm -pthread

ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=$(SANITIZE)
endif

LIB_SRC  := $(sort $(shell find src -name '*.c'))
CLI_SRC  := $(sort $(wildcard cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c)) tests/harness.c

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)

LIB      := $(BUILD)/libcandor.a
CANDOR   := $(BUILD)/candor
UNIT     := $(BUILD)/unit-tests

.PHONY: demo diff modules-diff all check test-unit fuzz fuzz-replay bench bench-quick bench-audit conformance \
        format clean help setup

all: $(CANDOR)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

# `candor audit` without --rules uses the rules `make demo` uses.
$(BUILD)/cli/audit.o: ALL_CFLAGS += \
    -DCANDOR_DEFAULT_RULES='"$(abspath demo/rules/demo.yar)"'

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(CANDOR): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(UNIT): $(UNIT_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(LIB) $(LDLIBS)

# The whole test suite: unit tests, case files, differential runs against
# yara, fuzz-corpus replay. Ends with one line `N passed, N failed`.
check: $(CANDOR) $(UNIT) fuzz-build-replay
	@BUILD=$(BUILD) bash tests/run.sh

# The seeded differential run against yara alone (`check` runs it too).
diff: $(CANDOR)
	python3 tests/diff/difftest.py --candor $(CANDOR)

# The -D differential of the elf, pe and dotnet modules over the bench
# corpus's files of their types (make check runs it on crafted files and a
# few small ones only).
BENCH_WORK ?= bench/work
modules-diff: $(CANDOR)
	python3 tests/modules/dump_diff.py --candor $(CANDOR) --module elf \
	    --list $(BENCH_WORK)/corpus/full.types --type elf \
	    --root $(BENCH_WORK)/corpus/full
	CANDOR=$(CANDOR) CORPUS_DIR=$(BENCH_WORK)/corpus \
	    bash tests/modules/dump_diff.sh pe all
	CANDOR=$(CANDOR) CORPUS_DIR=$(BENCH_WORK)/corpus \
	    bash tests/modules/dump_diff.sh dotnet all

test-unit: $(UNIT)
	$(UNIT)

# Fuzz targets: libFuzzer binaries need clang; the replay binaries are the
# same targets linked with a small driver that runs a corpus once, so the
# corpora are replayed by `make check` with any compiler.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%-replay)

$(BUILD)/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDFLAGS) $(LDLIBS)

.PHONY: fuzz-build-replay
fuzz-build-replay: $(FUZZ_REPLAY)

fuzz:
	@bash tests/fuzz/build.sh

bench:
	bash bench/run.sh

bench-quick:
	bash bench/run.sh --quick

bench-audit: $(CANDOR)
	bash bench/audit.sh

conformance: $(CANDOR)
	bash tests/conformance.sh

format:
	clang-format -i $$(find include src cli tests -name '*.[ch]')

setup:
	bash scripts/setup.sh

clean:
	rm -rf build build-san

help:
	@echo "make            build $(CANDOR)"
	@echo "make check      run every test (SANITIZE=address,undefined for ASan+UBSan)"
	@echo "make fuzz       build the libFuzzer targets (clang)"
	@echo "make bench      candor against yara on the bench corpus (bench-quick: <5 min)"
	@echo "make bench-audit  candor audit against binwalk on the ground-truth blob"
	@echo "make conformance  every rule file yara compiles, candor vs yara (SET=module-free: 593)"
	@echo "make modules-diff  yara -D against candor on the bench corpus (BENCH_WORK=...)"

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

# The README's first command: scan the bundled sample with the bundled rules.
demo: $(CANDOR)
	$(CANDOR) scan -s -r demo/rules/demo.yar demo/sample
