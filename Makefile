# icegraph: `make demo` and `make test` are the two commands a fresh machine needs (see README.md).
SHELL := /bin/bash
ROOT := $(abspath .)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
PRESET ?= release
BIN := $(ROOT)/build/$(PRESET)/bin/icegraph
ASAN_BIN := $(ROOT)/build/asan/bin/icegraph
JOBS ?= $(shell nproc)
# ccache keys paths relative to the repository, and not the build directory, so the wheel's CMake build
# (build/wheel) reuses every object `make build` compiled (build/release): one C++ build per `make test`, not two.
export CCACHE_BASEDIR := $(ROOT)
export CCACHE_NOHASHDIR := 1

.PHONY: format-check all deps venv build build-asan wheel wheel-check-fresh test test-unit test-py test-wheel test-asan lint lint-changed format demo serve bench bench-spark reliability soak fuzz clean

all: build

deps:
	@scripts/deps.sh

venv: deps
	@scripts/venv.sh

build: venv
	@cmake --preset $(PRESET) -DICEGRAPH_PYTHON=$(PY) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

build-asan: venv
	@cmake --preset asan -DICEGRAPH_PYTHON=$(PY) >/dev/null
	@cmake --build --preset asan -j $(JOBS)

# dist/icegraph-<version>-py3-none-manylinux_*.whl (scripts/build_wheel.sh; docs/install.md).
# CMAKE_BUILD_PARALLEL_LEVEL: the wheel's CMake build runs JOBS compiles at once, as `make build` does (Ninja's own
# default would be nproc + 2).
wheel: venv
	@CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) PY=$(PY) scripts/build_wheel.sh

# The wheel in a debootstrapped minimal Debian 12 (no -dev packages): install, ldd, emulator, sync (root; ~10 min
# the first time, the root file system is kept in build/fresh-debian).
wheel-check-fresh: wheel
	@PY=$(PY) scripts/check_wheel_fresh_debian.sh

test-unit: build
	@ctest --preset $(PRESET) -j $(JOBS)

# tests/wheel installs the wheel `make wheel` built into a new venv (ICEGRAPH_WHEEL: that file, built once per run).
test-py: build wheel
	@ICEGRAPH_BIN=$(BIN) ICEGRAPH_WHEEL="$$(ls $(ROOT)/dist/icegraph-*.whl)" $(PY) -m pytest -q --durations=20 tests

test-wheel: wheel
	@ICEGRAPH_WHEEL="$$(ls $(ROOT)/dist/icegraph-*.whl)" $(PY) -m pytest -q tests/wheel

# One run of the unit tests and the emulator conformance suite under AddressSanitizer + UBSan.
test-asan: build-asan
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --preset asan -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ICEGRAPH_BIN=$(ASAN_BIN) $(PY) -m pytest -q tests/emulator -m "not slow"

# Formatting is checked over the whole tree in every CI run (seconds); clang-tidy over every translation unit takes
# ~45 min on 2 cores (`make lint`), so CI runs it over what changed since `.lint-base`, the last commit whose whole
# tree `make lint` found clean (scripts/lint.sh --since: changed .cc files and every .cc including a changed header).
test: format-check test-unit lint-changed test-py test-asan

format-check: deps
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror
	@echo "format-check: clang-format clean"

lint: build
	@scripts/lint.sh

lint-changed: build
	@scripts/lint.sh --since "$$(cat .lint-base)"

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

demo: build
	@ICEGRAPH_BIN=$(BIN) PY=$(PY) scripts/demo.sh

# The HTTP service and dashboard on the demo warehouse, in the foreground (SERVE_HOST, SERVE_PORT; Ctrl-C stops).
serve: build
	@ICEGRAPH_BIN=$(BIN) PY=$(PY) scripts/serve.sh

bench: build
	@ICEGRAPH_BIN=$(BIN) PY=$(PY) scripts/bench.sh

bench-spark: build  # the Spark engine alone (BENCH_SPARK_ROWS, default 10 M): section "Spark engine" of bench/results.md
	@$(PY) scripts/bench_spark.py --bin $(BIN) --rows $${BENCH_SPARK_ROWS:-10000000}

# The whole reliability suite (crash harness, fault suite with both sink paths and three seeds), then its table.
reliability: build
	@rm -f build/reliability/results.jsonl
	@ICEGRAPH_RELIABILITY=full ICEGRAPH_BIN=$(BIN) $(PY) -m pytest -q tests/reliability
	@$(PY) scripts/reliability_table.py build/reliability/results.jsonl

# Random histories of Iceberg commits and runs with the exactness invariant checked after every run
# (tests/sync/test_random_histories.py; make test runs 50): SOAK_HISTORIES from SOAK_SEED, SOAK_JOBS at a time.
# A failing history is printed minimised, with its seed, and written to build/soak/history-seed<N>.yaml.
SOAK_HISTORIES ?= 1000
SOAK_SEED ?= 1200
SOAK_JOBS ?= 2
soak: build
	@ICEGRAPH_HISTORIES=$(SOAK_HISTORIES) ICEGRAPH_HISTORY_SEED=$(SOAK_SEED) HISTORY_JOBS=$(SOAK_JOBS) \
	  HISTORY_FAILURES_DIR=$(ROOT)/build/soak ICEGRAPH_BIN=$(BIN) \
	  $(PY) -m pytest -q -s tests/sync/test_random_histories.py -k random_histories

# libFuzzer (Debian's clang) on the config loader, the GSQL parser and the CSV/JSON writers, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz: venv
	@FUZZ_SECONDS=$(FUZZ_SECONDS) PY=$(PY) JOBS=$(JOBS) scripts/fuzz.sh

clean:
	rm -rf build
