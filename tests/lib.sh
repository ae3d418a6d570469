# shellcheck shell=bash
# Helpers for the integration and end-to-end tests of dns01-hooks.
# Source it; it loads the rig environment (tests/rig/rig.sh env).
#
# Test file convention (tests/integration/*.sh, tests/e2e/*.sh and
# tests/mock/*_test.sh, run by tests/run-integration.sh):
#   - A file only defines functions. Sourcing it must do nothing else.
#   - Every function whose name starts with test_ is one test, also one that
#     the file defines by sourcing another (the cases that each provider's
#     file runs are in tests/integration/faults_cases_lib.sh). Files named
#     *_lib.sh are no test files. The runner runs each test in its own bash process, with
#     `set -Eeuo pipefail`, this file and the test file sourced, and a
#     timeout (TEST_TIMEOUT, default 120 s).
#   - Before each test the runner resets the mock: no records in the store and
#     no _acme-challenge* names on ns1 and ns2, no faults, default config,
#     empty request log. $TEST_TMPDIR is a new empty directory.
#   - A test fails when a command fails, an assertion fails or time runs out.
#     Run commands that are expected to fail through assert_exit.
#   - Helpers that fail end the test with `exit`, and the first failure
#     reason is kept in a file, so they also work inside $(...).
#
# Hooks under test: $DNS01_BIN/dns01-auth and dns01-cleanup. DNS01_BIN
# defaults to build/bin; the sanitizer build is build/asan/bin.

LIB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIB_PYTHON=/usr/bin/python3
DNS01_BIN=${DNS01_BIN:-$LIB_REPO/build/bin}
export DNS01_BIN

eval "$("$LIB_REPO/tests/rig/rig.sh" env)"

# ---------------------------------------------------------------------------
# Failure reporting

# Print a failure reason, keep the first one for the runner, end the test.
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    if [[ -n ${TEST_FAIL_REASON_FILE:-} && ! -s $TEST_FAIL_REASON_FILE ]]; then
        printf '%s\n' "$*" >"$TEST_FAIL_REASON_FILE"
    fi
    exit 1
}

# ERR trap installed by lib_begin_test: names the command that failed.
lib_on_error() {
    local status=$1 command=$2 location=$3
    if [[ -n ${TEST_FAIL_REASON_FILE:-} && ! -s $TEST_FAIL_REASON_FILE ]]; then
        printf 'command failed with exit status %s at %s: %s\n' \
            "$status" "$location" "$command" >"$TEST_FAIL_REASON_FILE"
    fi
}

# Prepare one test: called by the runner before the test function.
lib_begin_test() {
    trap 'lib_on_error $? "$BASH_COMMAND" "${BASH_SOURCE[0]##*/}:$LINENO"' ERR
    : "${TEST_TMPDIR:?TEST_TMPDIR must be set by the runner}"
    mkdir -p "$TEST_TMPDIR"
    mock_reset ""
}

# Shorten long text for a failure message.
lib_excerpt() {
    local text=$1 limit=${2:-2000}
    if ((${#text} > limit)); then
        printf '%s... [%d more characters]' "${text:0:limit}" $((${#text} - limit))
    else
        printf '%s' "$text"
    fi
}

# ---------------------------------------------------------------------------
# Assertions. CONTEXT, when given, names what was compared.

assert_eq() {
    local expected=$1 actual=$2 context=${3:-value}
    [[ $expected == "$actual" ]] ||
        fail "$context: expected '$(lib_excerpt "$expected")', got '$(lib_excerpt "$actual")'"
}

assert_ne() {
    local unexpected=$1 actual=$2 context=${3:-value}
    [[ $unexpected != "$actual" ]] ||
        fail "$context: expected anything but '$(lib_excerpt "$unexpected")'"
}

assert_contains() {
    local haystack=$1 needle=$2 context=${3:-text}
    [[ $haystack == *"$needle"* ]] ||
        fail "$context: expected to contain '$needle', got '$(lib_excerpt "$haystack")'"
}

assert_not_contains() {
    local haystack=$1 needle=$2 context=${3:-text}
    [[ $haystack != *"$needle"* ]] ||
        fail "$context: expected not to contain '$needle', got '$(lib_excerpt "$haystack")'"
}

# assert_exit CODE COMMAND [ARG...]
# Run a command, keep its output in $LAST_STDOUT and $LAST_STDERR (file
# paths, also copied to the test log) and check its exit status.
assert_exit() {
    local expected=$1 status=0
    shift
    LAST_STDOUT=$TEST_TMPDIR/last.stdout
    LAST_STDERR=$TEST_TMPDIR/last.stderr
    "$@" >"$LAST_STDOUT" 2>"$LAST_STDERR" || status=$?
    {
        printf -- '--- %s (exit status %d)\n' "$*" "$status"
        sed 's/^/stdout: /' "$LAST_STDOUT"
        sed 's/^/stderr: /' "$LAST_STDERR"
    } >&2
    if [[ $status != "$expected" ]]; then
        fail "'$*' exited with status $status, expected $expected; stderr: $(lib_excerpt "$(tail -n 5 "$LAST_STDERR")" 600)"
    fi
}

# wait_until SECONDS DESCRIPTION COMMAND [ARG...]
# Poll a command every 0.2 s until it succeeds; fail after SECONDS. The
# arguments are expanded once, so to poll a changing value such as
# $(mock_count ...), pass a function or quote the check for eval:
#   wait_until 20 "a record listing" eval '(($(mock_count GET /dns_records) >= 1))'
wait_until() {
    local seconds=$1 description=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || fail "timed out after $seconds s waiting for $description"
        sleep 0.2
    done
}

# ---------------------------------------------------------------------------
# JSON

# json_query EXPRESSION: read JSON on stdin as `data`, evaluate a Python
# expression, print the result (a list one item per line, dicts as JSON).
json_query() {
    "$LIB_PYTHON" -c '
import json, sys
data = json.load(sys.stdin)
result = eval(sys.argv[1], {"data": data, "len": len, "any": any, "all": all, "sorted": sorted})
items = result if isinstance(result, list) else [result]
for item in items:
    print(json.dumps(item) if isinstance(item, (dict, list)) else item)
' "$1"
}

# ---------------------------------------------------------------------------
# Mock control API

# lib_mock_call METHOD ROUTE [JSON]: call the control API, print the response body.
lib_mock_call() {
    local method=$1 route=$2 body=${3:-} output
    local args=(-sS --max-time 60 --cacert "$RIG_CA" -X "$method" -w '\n%{http_code}')
    if [[ -n $body ]]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$body")
    fi
    output=$(curl "${args[@]}" "$MOCK_CONTROL/$route") ||
        fail "mock control $method $route failed: curl could not reach $MOCK_CONTROL (is the rig running?)"
    if [[ ${output##*$'\n'} != 200 ]]; then
        fail "mock control $method $route returned HTTP ${output##*$'\n'}: $(lib_excerpt "${output%$'\n'*}" 800)"
    fi
    printf '%s\n' "${output%$'\n'*}"
}

# mock_reset [JSON]: clear records (store and DNS), faults, config, request
# log; JSON may seed records: {"records": [{"type", "name", "content", ...}]}.
mock_reset() {
    lib_mock_call POST reset "${1:-}" >/dev/null
}

# mock_fault JSON: add a fault or a list of faults (see tests/mock/mock_faults.py).
mock_fault() {
    lib_mock_call POST fault "$1" >/dev/null
}

# mock_config JSON: {"ns2_delay": SECONDS, "page_size": N|null, "spaced_json": BOOL}.
mock_config() {
    lib_mock_call POST config "$1" >/dev/null
}

# mock_requests [QUERY]: print the API request log as JSON; QUERY may be
# "method=POST&path=REGEX" (URL-encoded).
mock_requests() {
    lib_mock_call GET "requests${1:+?$1}"
}

mock_records() {
    lib_mock_call GET records
}

# mock_count METHOD PATH_REGEX: print how many API requests matched; METHOD
# "*" matches any method, the regex is searched in the path (with /client/v4).
mock_count() {
    local method=$1 regex=$2 query
    query=$("$LIB_PYTHON" -c 'import sys, urllib.parse
method, regex = sys.argv[1], sys.argv[2]
params = {"path": regex}
if method != "*":
    params["method"] = method
print(urllib.parse.urlencode(params))' "$method" "$regex")
    mock_requests "$query" | json_query 'len(data)'
}

# mock_zone_id NAME: print the mock's id of an account zone.
mock_zone_id() {
    local id
    id=$(lib_mock_call GET zones | json_query "[zone['id'] for zone in data if zone['name'] == '$1']")
    [[ -n $id ]] || fail "zone $1 is not in the mock account"
    printf '%s\n' "$id"
}

# mock_wait_dns_synced [SECONDS]: wait until delayed updates reached ns2.
mock_wait_dns_synced() {
    wait_until "${1:-30}" "the mock's delayed DNS updates" lib_mock_no_pending_updates
}

lib_mock_no_pending_updates() {
    [[ $(lib_mock_call GET status | json_query 'data["pending_dns_updates"]') == 0 ]]
}

# ---------------------------------------------------------------------------
# DNS checks against the rig servers (authoritative, so no caching)

# Print the address of ns1, ns2 or an address given as is.
dns_server_address() {
    case $1 in
        ns1) printf '%s\n' "$RIG_NS1" ;;
        ns2) printf '%s\n' "$RIG_NS2" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

# dns_query SERVER NAME TYPE: print the data of the answer-section records of that
# name and type, one per line; TXT as the concatenated string value, names
# without the final dot. Fails unless the response code is NOERROR or NXDOMAIN.
dns_query() {
    local server name=$2 type=$3 output
    server=$(dns_server_address "$1")
    output=$(kdig @"$server" "$name" "$type" +norecurse +noidn +tcp +timeout=2 +retry=1 2>&1) ||
        fail "kdig @$server $name $type failed: $(lib_excerpt "$output" 400)"
    "$LIB_PYTHON" "$LIB_REPO/tests/rig/kdig_answer.py" "$name" "$type" <<<"$output" ||
        fail "DNS query @$server $name $type: $(lib_excerpt "$output" 600)"
}

# dns_txt SERVER NAME: print the TXT values at NAME, one per line.
dns_txt() {
    dns_query "$1" "$2" TXT
}

# dns_cname SERVER NAME: print the CNAME target at NAME (no final dot).
dns_cname() {
    dns_query "$1" "$2" CNAME
}

# ---------------------------------------------------------------------------
# Hooks

# Fail unless both hook binaries are built in $DNS01_BIN.
require_hooks() {
    local program
    for program in dns01-auth dns01-cleanup; do
        [[ -x $DNS01_BIN/$program ]] ||
            fail "$DNS01_BIN/$program not found; build the hooks first or set DNS01_BIN"
    done
}

# use_cloudflare_token [TOKEN]: export the hooks' credentials and a state
# directory inside $TEST_TMPDIR. Default token: the full-access one.
use_cloudflare_token() {
    export CLOUDFLARE_DNS_API_TOKEN=${1:-$CF_TEST_TOKEN}
    export DNS01_STATE_DIR=$TEST_TMPDIR/state
    mkdir -p "$DNS01_STATE_DIR"
}

# run_auth / run_cleanup [ARG...]: run a hook with --provider cloudflare.
# Set CERTBOT_DOMAIN and the like as a prefix: CERTBOT_DOMAIN=x run_auth.
run_auth() {
    "$DNS01_BIN/dns01-auth" --provider cloudflare "$@"
}

run_cleanup() {
    "$DNS01_BIN/dns01-cleanup" --provider cloudflare "$@"
}
