# ulvm: the Makefile wraps Meson + Ninja and the test/bench/demo scripts.
# `make help` lists the targets.

BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON_OPTS ?=

.PHONY: all build asan deps test-deps check unit func check-asan demo bench fuzz soak \
	format lint clean help

all: build

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

# The whole suite: a short fuzz run of every parser, then unit + functional
# tests on the normal build, then both again on the ASan + UBSan build.
check: test-deps build asan
	tests/fuzz/run
	tests/run-all $(BUILD) $(ASAN_BUILD)

unit: build
	meson test -C $(BUILD) --print-errorlogs

func: test-deps build
	tests/func/run $(BUILD)/bin

check-asan: test-deps asan
	tests/run-all $(ASAN_BUILD)

demo: test-deps build
	scripts/demo $(BUILD)/bin

bench: test-deps build
	bench/run $(BUILD)/bin

fuzz: deps
	tests/fuzz/run --long

soak: test-deps build
	tests/soak/run $(BUILD)/bin

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

lint: build
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr -I include -I lib -I daemon --suppress=missingIncludeSystem \
		--suppress='assertWithSideEffect:tests/*' --suppress='doubleFree:tests/*' \
		$$(git ls-files '*.c')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

help:
	@echo "ulvm make targets:"
	@echo "  make            install missing build packages, build into $(BUILD)/bin"
	@echo "  make demo       the seed's example on image files (see README)"
	@echo "  make check      the whole test suite, plain and under ASan+UBSan"
	@echo "  make unit       unit tests only (plain build)"
	@echo "  make func       functional scenario tests only (plain build)"
	@echo "  make check-asan the suite on the ASan+UBSan build only"
	@echo "  make bench      benchmarks against nbdkit, qemu-nbd (prints a table)"
	@echo "  make fuzz       long fuzz runs of the parsers (clang, libFuzzer; 10 min each)"
	@echo "  make soak       long-running I/O soak tests"
	@echo "  make format     clang-format every C file"
	@echo "  make lint       cppcheck over the tree"
	@echo "  make clean      remove the build folders"
