#!/usr/bin/env bash
# The whole test suite, as `make check` and CI run it:
#   1. build warning-free, plain and with AddressSanitizer + UndefinedBehaviorSanitizer;
#   2. unit tests in both builds, and the fuzzing corpora replayed (tests/fuzz);
#   3. integration and end-to-end tests (real knot, pebble, certbot, provider
#      mocks on loopback) against the sanitizer build.
# Ends with one line "N passed, N failed" over every test case.
set -uo pipefail

cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
log_dir=build/check
mkdir -p "$log_dir"

# Adds the counts of the last "N passed, N failed" line of a log to the totals.
count() {
	local line
	line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 | sed -E 's/^[^0-9]*//')
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + $(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')))
	failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
}

step() {
	local name=$1
	shift
	echo "== $name"
	if ! "$@"; then
		echo "check: step '$name' failed"
		return 1
	fi
}

build_ok=1
step "build" make -j"$jobs" WERROR=1 all || build_ok=0
step "build with sanitizers" make -j"$jobs" WERROR=1 BUILD=build/asan SAN=1 all || build_ok=0
if [ "$build_ok" -ne 1 ]; then
	echo "0 passed, 1 failed"
	exit 1
fi

make -j"$jobs" WERROR=1 unit 2>&1 | tee "$log_dir/unit.log"
count "$log_dir/unit.log"
make -j"$jobs" WERROR=1 BUILD=build/asan SAN=1 unit 2>&1 | tee "$log_dir/unit-asan.log"
count "$log_dir/unit-asan.log"

# Builds the libFuzzer targets and replays every committed corpus once, as a regression test.
fuzz_replay() {
	if ! make -j"$jobs" fuzz-build >"$log_dir/fuzz-build.log" 2>&1; then
		echo "fuzz: the targets did not build; see $log_dir/fuzz-build.log"
		echo "fuzz: 0 passed, 1 failed"
		return 1
	fi
	tests/fuzz/run.sh replay
}
fuzz_replay 2>&1 | tee "$log_dir/fuzz.log"
count "$log_dir/fuzz.log"

DNS01_BIN=$PWD/build/asan/bin tests/run-integration.sh 2>&1 | tee "$log_dir/integration.log"
count "$log_dir/integration.log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
