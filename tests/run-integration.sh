#!/usr/bin/env bash
# Run the integration and end-to-end tests against the local rig.
#
# Usage: tests/run-integration.sh [PATTERN...]
#   PATTERN   run only tests whose name contains one of the patterns; a name
#             is DIR/FILE:FUNCTION, e.g. e2e/certbot_cloudflare:test_issue
#
# Runs every test_* function of tests/mock/*_test.sh, tests/integration/*.sh
# and tests/e2e/*.sh (conventions at the top of tests/lib.sh), each in its
# own bash process with a timeout of TEST_TIMEOUT seconds (default 120).
# Starts the rig if it is not running and stops it at the end in that case.
# Prints PASS/FAIL per test and ends with "N passed, N failed"; exits 1 if
# any test failed. Logs: $RIG_DIR/tests/logs, one file per test.
# Runs sharing one RIG_DIR take turns: each holds a lock for its whole run.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RIG=$REPO/tests/rig/rig.sh
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
LOCK_TIMEOUT=${TEST_LOCK_TIMEOUT:-1800}
export DNS01_BIN=${DNS01_BIN:-$REPO/build/bin}

eval "$("$RIG" env)"
RESULTS_DIR=$RIG_DIR/tests
LOG_DIR=$RESULTS_DIR/logs

# List "FILE FUNCTION" for every test function, in file order. The test
# functions of a file are those that sourcing it defines: its own, in line
# order, then those of files it sources, such as the case list that
# tests/integration/faults_cases_lib.sh shares between providers. Files named
# *_lib.sh hold such shared code and are no test files themselves.
list_tests() {
    local files=() file
    for file in "$REPO"/tests/mock/*_test.sh "$REPO"/tests/integration/*.sh "$REPO"/tests/e2e/*.sh; do
        [[ -f $file && $file != *_lib.sh ]] && files+=("$file")
    done
    # shellcheck disable=SC2016  # expanded by the inner bash
    bash -c '
        source "$1/tests/lib.sh" || exit 1
        shift
        shopt -s extdebug
        for file in "$@"; do
            # "declare -F NAME" prints "NAME LINE SOURCE" with extdebug.
            definitions=$(
                source "$file" >/dev/null || exit 1
                for name in $(compgen -A function test_); do
                    declare -F "$name"
                done
            ) || { echo "could not source $file to list its tests" >&2; exit 1; }
            [[ -n $definitions ]] || continue
            awk -v file="$file" "{ print (\$3 == file ? 0 : 1), \$3, \$2, \$1 }" <<<"$definitions" |
                sort -k1,1n -k2,2 -k3,3n |
                awk -v file="$file" "{ print file, \$4 }"
        done
    ' list-tests "$REPO" "${files[@]}"
}

test_name() {
    local file=$1 function_name=$2 relative
    relative=${file#"$REPO/tests/"}
    printf '%s:%s\n' "${relative%.sh}" "$function_name"
}

selected() {
    local name=$1 pattern
    (($# == 1)) && return 0
    shift
    for pattern in "$@"; do
        [[ $name == *"$pattern"* ]] && return 0
    done
    return 1
}

# Run one test in a fresh bash process under `timeout`, which signals the
# whole process group (hooks, certbot) when time runs out.
run_one() {
    local file=$1 function_name=$2 name=$3 safe_name log status
    safe_name=${name//[\/:]/.}
    log=$LOG_DIR/$safe_name.log
    export TEST_TMPDIR=$RESULTS_DIR/tmp/$safe_name
    export TEST_FAIL_REASON_FILE=$RESULTS_DIR/tmp/$safe_name.reason
    rm -rf "$TEST_TMPDIR" "$TEST_FAIL_REASON_FILE"
    mkdir -p "$TEST_TMPDIR"

    # shellcheck disable=SC2016  # expanded by the inner bash
    timeout --kill-after=10 "$TEST_TIMEOUT" bash -c '
        set -Eeuo pipefail
        source "$1"
        source "$2"
        lib_begin_test
        "$3"
    ' run-test "$REPO/tests/lib.sh" "$file" "$function_name" </dev/null >"$log" 2>&1 9>&-
    status=$?

    if ((status == 0)); then
        printf 'PASS %s\n' "$name"
        return 0
    fi
    local reason
    if ((status == 124 || status == 137)); then
        reason="timed out after $TEST_TIMEOUT s"
    elif [[ -s $TEST_FAIL_REASON_FILE ]]; then
        reason=$(tr '\n' ' ' <"$TEST_FAIL_REASON_FILE" | sed 's/ *$//')
    else
        reason="exit status $status"
    fi
    printf 'FAIL %s\n    reason: %s\n    log: %s\n' "$name" "$reason" "$log"
    return 1
}

main() {
    local tests passed=0 failed=0 started_rig=0 file function_name name

    tests=$(list_tests) || exit 1
    if [[ -z $tests ]]; then
        echo "no test files found" >&2
        exit 1
    fi

    # Tests reset the shared mock and read its request log, so two runs on
    # one rig would corrupt each other's results.
    mkdir -p "$RIG_DIR"
    exec 9>"$RIG_DIR/run-integration.lock"
    if ! flock -n 9; then
        echo "waiting for another test run on $RIG_DIR to finish (at most $LOCK_TIMEOUT s)" >&2
        flock -w "$LOCK_TIMEOUT" 9 || {
            echo "another test run still holds $RIG_DIR/run-integration.lock after $LOCK_TIMEOUT s" >&2
            exit 1
        }
    fi

    # Close the lock descriptor in the rig's servers, so they never hold it.
    export RIG_LOCK_HELD=1
    if ! "$RIG" status >/dev/null 2>&1 9>&-; then
        "$RIG" start 9>&- || {
            echo "the rig did not start; see $RIG_DIR/logs" >&2
            exit 1
        }
        started_rig=1
    fi
    if ((started_rig)); then
        trap '"$RIG" stop 9>&-' EXIT
    fi

    rm -rf "$LOG_DIR" "$RESULTS_DIR/tmp"
    mkdir -p "$LOG_DIR" "$RESULTS_DIR/tmp"

    while read -r file function_name; do
        name=$(test_name "$file" "$function_name")
        selected "$name" "$@" || continue
        if run_one "$file" "$function_name" "$name"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done <<<"$tests"

    printf '%d passed, %d failed\n' "$passed" "$failed"
    ((failed == 0))
}

main "$@"
