#!/usr/bin/env bash
# Run the libFuzzer targets of tests/fuzz/ (built by `make fuzz-build` into
# build/fuzz/).
#
# Usage: tests/fuzz/run.sh replay
#          run every input of each committed corpus tests/fuzz/corpus/TARGET/
#          once: the regression test that tests/check.sh runs
#        tests/fuzz/run.sh run [SECONDS]
#          fuzz each target for SECONDS (default 30), starting from its
#          committed corpus; new inputs go to build/fuzz/corpus/TARGET/,
#          crashing inputs to build/fuzz/artifacts/
# Prints PASS or FAIL per target and ends with "fuzz: N passed, N failed";
# exits 1 when a target failed. Logs: build/fuzz/logs/TARGET.log.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FUZZ_DIR=$REPO/build/fuzz
CORPUS_DIR=$REPO/tests/fuzz/corpus
LOG_DIR=$FUZZ_DIR/logs
# Leaks count as failures; a slow input (over 10 s) too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

usage() {
    echo "usage: $0 replay | run [SECONDS]" >&2
    exit 2
}

# Print the names of the targets: one per tests/fuzz/fuzz_*.c.
targets() {
    local source
    for source in "$REPO"/tests/fuzz/fuzz_*.c; do
        basename "$source" .c
    done
}

replay_one() {
    local target=$1 inputs=()
    mapfile -t inputs < <(find "$CORPUS_DIR/$target" -type f | sort)
    if ((${#inputs[@]} == 0)); then
        echo "no inputs in $CORPUS_DIR/$target" >"$LOG_DIR/$target.log"
        return 1
    fi
    "$FUZZ_DIR/$target" -timeout=10 -rss_limit_mb=2048 "${inputs[@]}" >"$LOG_DIR/$target.log" 2>&1 || return 1
    REPLAYED=${#inputs[@]}
}

run_one() {
    local target=$1 seconds=$2 work=$FUZZ_DIR/corpus/$target
    mkdir -p "$work" "$FUZZ_DIR/artifacts"
    "$FUZZ_DIR/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="$FUZZ_DIR/artifacts/$target-" -print_final_stats=1 \
        "$work" "$CORPUS_DIR/$target" >"$LOG_DIR/$target.log" 2>&1 || return 1
    REPLAYED=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$LOG_DIR/$target.log" | grep -oE '[0-9]+$')
}

main() {
    local mode=${1:-} seconds=${2:-30} passed=0 failed=0 target
    case $mode in
        replay) ;;
        run) [[ $seconds =~ ^[0-9]+$ ]] || usage ;;
        *) usage ;;
    esac
    mkdir -p "$LOG_DIR"
    for target in $(targets); do
        if [[ ! -x $FUZZ_DIR/$target ]]; then
            printf 'FAIL %s\n    reason: %s not built; run make fuzz-build\n' "$target" "$FUZZ_DIR/$target"
            failed=$((failed + 1))
            continue
        fi
        REPLAYED=0
        if { [[ $mode == replay ]] && replay_one "$target"; } ||
            { [[ $mode == run ]] && run_one "$target" "$seconds"; }; then
            printf 'PASS %s (%s inputs)\n' "$target" "$REPLAYED"
            passed=$((passed + 1))
        else
            printf 'FAIL %s\n    log: %s\n' "$target" "$LOG_DIR/$target.log"
            grep -m 3 -E 'ERROR|check failed|SUMMARY' "$LOG_DIR/$target.log" | sed 's/^/    /'
            failed=$((failed + 1))
        fi
    done
    printf 'fuzz: %d passed, %d failed\n' "$passed" "$failed"
    ((failed == 0))
}

main "$@"
