# shellcheck shell=bash
# Secrets of the Cloudflare provider: never in any output, state or journal
# file, in no request but its own header, never in argv or a child process.
# While a hook keeps them, its memory has no stray copy and cannot be dumped.
# Conventions: tests/lib.sh. test_secrets_never_printed in
# cloudflare_config.sh covers the plain flows; this file covers every path.

# For dnsfault_call, the control of ns3.
# shellcheck source=tests/integration/faults_lib.sh
source "$LIB_REPO/tests/integration/faults_lib.sh"

SECRETS_V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
SECRETS_V2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU
# Secrets the mock does not know: they must stay hidden in failures too.
SECRETS_WRONG_TOKEN=wrong-token-Zq8+/=secret%value
SECRETS_WRONG_KEY=wrong-global-key-7f3a9c1e
# The build without sanitizers, whose memory and process flags are those of
# an installed hook. DNS01_PLAIN_BIN replaces it.
SECRETS_PLAIN_BIN=${DNS01_PLAIN_BIN:-$LIB_REPO/build/bin}

# secret_forms SECRET: print the forms to search for, one per line: plain,
# base64 (with and without padding) and percent-encoded.
secret_forms() {
    local encoded
    printf '%s\n' "$1"
    encoded=$(printf '%s' "$1" | base64 -w 0)
    printf '%s\n' "$encoded" "${encoded%%=*}"
    "$LIB_PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"
}

# assert_no_secret FILE: no form of any test secret in FILE.
assert_no_secret() {
    local file=$1 secret form
    for secret in "$CF_TEST_TOKEN" "$CF_TEST_GLOBAL_KEY" "$SECRETS_WRONG_TOKEN" "$SECRETS_WRONG_KEY"; do
        while read -r form; do
            if grep -qF -- "$form" "$file"; then
                fail "$file contains '$form' (a form of a secret): $(grep -nF -- "$form" "$file" | head -n 3)"
            fi
        done < <(secret_forms "$secret")
    done
}

# Append every file of the state directory (records, journal, zones, locks) to the collected output.
collect_state() {
    {
        printf -- '--- state directory\n'
        find "$DNS01_STATE_DIR" -type f -print -exec cat {} + 2>&1 || true
    } >>"$SECRETS_OUT"
}

# run_hook auth|cleanup DOMAIN VALUE [ARG...]: run at -vv, keep all output, ignore the exit status.
run_hook() {
    local hook=$1 domain=$2 value=$3
    shift 3
    printf -- '--- %s %s %s\n' "$hook" "$domain" "$*" >>"$SECRETS_OUT"
    CERTBOT_DOMAIN=$domain CERTBOT_VALIDATION=$value "$DNS01_BIN/dns01-$hook" --provider cloudflare -vv "$@" \
        >>"$SECRETS_OUT" 2>&1 || true
    collect_state
}

run_pair() {
    run_hook auth "$@"
    run_hook cleanup "$@"
}

secrets_begin() {
    require_hooks
    use_cloudflare_token
    SECRETS_OUT=$TEST_TMPDIR/all-output
    : >"$SECRETS_OUT"
}

secrets_check() {
    assert_contains "$(cat "$SECRETS_OUT")" "GET https://" "the collected output shows the requests"
    assert_no_secret "$SECRETS_OUT"
    assert_eq 0 "$(mock_requests | json_query 'len([e for e in data if e["secret_in_request"]])')" \
        "requests with a secret outside the authentication headers"
}

# Every way to pass a credential, each through auth and cleanup.
test_secret_sources_hidden() {
    secrets_begin
    local credentials=$TEST_TMPDIR/cloudflare.ini config=$TEST_TMPDIR/dns01-hooks.conf token_file=$TEST_TMPDIR/token
    run_pair example.test "$SECRETS_V1"

    unset CLOUDFLARE_DNS_API_TOKEN
    printf '%s\n' "$CF_TEST_TOKEN" >"$token_file"
    CLOUDFLARE_DNS_API_TOKEN_FILE=$token_file run_pair example.test "$SECRETS_V1"
    CF_Token=$CF_TEST_TOKEN run_pair example.test "$SECRETS_V1"

    printf 'dns_cloudflare_api_token = %s\n' "$CF_TEST_TOKEN" >"$credentials"
    chmod 600 "$credentials"
    run_pair example.test "$SECRETS_V1" --credentials "$credentials"
    printf '# global key\ndns_cloudflare_email = %s\ndns_cloudflare_api_key = "%s"\n' \
        "$CF_TEST_EMAIL" "$CF_TEST_GLOBAL_KEY" >"$credentials"
    run_pair example.test "$SECRETS_V1" --credentials "$credentials"

    printf 'provider = cloudflare\n[cloudflare]\napi_token = %s\n' "$CF_TEST_TOKEN" >"$config"
    chmod 600 "$config"
    DNS01_CONFIG=$config run_pair example.test "$SECRETS_V1"
    printf '[cloudflare]\nemail = %s\napi_key = %s\n' "$CF_TEST_EMAIL" "$CF_TEST_GLOBAL_KEY" >"$config"
    DNS01_CONFIG=$config run_pair example.test "$SECRETS_V1"

    CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=$CF_TEST_GLOBAL_KEY run_pair example.test "$SECRETS_V1"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records left in the mock"
    secrets_check
}

# Rejected and malformed credentials, a config file that is too open.
test_secret_errors_hidden() {
    secrets_begin
    local credentials=$TEST_TMPDIR/cloudflare.ini
    CLOUDFLARE_DNS_API_TOKEN=$SECRETS_WRONG_TOKEN run_pair example.test "$SECRETS_V1"
    CLOUDFLARE_DNS_API_TOKEN=$CF_TEST_READONLY_TOKEN run_pair example.test "$SECRETS_V1"
    unset CLOUDFLARE_DNS_API_TOKEN
    CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=$SECRETS_WRONG_KEY run_pair example.test "$SECRETS_V1"
    CLOUDFLARE_API_KEY=$SECRETS_WRONG_KEY run_pair example.test "$SECRETS_V1"
    CLOUDFLARE_DNS_API_TOKEN="$SECRETS_WRONG_TOKEN"$'\r\nX-Injected: 1' run_pair example.test "$SECRETS_V1"
    printf 'dns_cloudflare_api_token = %s\n' "$SECRETS_WRONG_TOKEN" >"$credentials"
    chmod 644 "$credentials"
    run_pair example.test "$SECRETS_V1" --credentials "$credentials"
    printf 'dns_cloudflare_api_token %s\n' "$SECRETS_WRONG_TOKEN" >"$credentials"
    chmod 600 "$credentials"
    run_pair example.test "$SECRETS_V1" --credentials "$credentials"
    assert_contains "$(cat "$SECRETS_OUT")" "error:" "the collected output has the failures"
    secrets_check
}

# Retries, broken responses, a rollback, cleanup without state, a CNAME.
test_secret_fault_paths_hidden() {
    secrets_begin
    mock_fault '[{"method": "POST", "path": "/dns_records$", "status": 500, "count": 2},
        {"method": "GET", "path": "/dns_records$", "status": 429, "retry_after": 1, "count": 1},
        {"method": "GET", "path": "/zones$", "kind": "reset", "count": 1}]'
    run_pair example.test "$SECRETS_V1"
    mock_fault '{"method": "GET", "path": "/zones$", "kind": "hang", "seconds": 30, "count": 1}'
    DNS01_HTTP_TIMEOUT=1 run_pair example.test "$SECRETS_V1"
    mock_fault '{"method": "GET", "path": "/dns_records$", "kind": "malformed_json", "count": 1}'
    run_pair example.test "$SECRETS_V1"
    mock_fault '{"method": "POST", "path": "/dns_records$", "kind": "truncate", "process": true, "count": 1}'
    run_pair example.test "$SECRETS_V1"

    mock_config '{"ns2_delay": 30}'
    run_hook auth example.test "$SECRETS_V1" --propagation-timeout 2 --poll-interval 0.5
    mock_config '{"ns2_delay": 0}'
    run_hook auth example.test "$SECRETS_V2"
    rm -rf "$DNS01_STATE_DIR/records"
    run_hook cleanup example.test "$SECRETS_V2"

    mock_reset '{"records": [{"type": "CNAME", "name": "_acme-challenge.cname.example.test",
        "content": "cname.example.test.555.dcv-provider.test"}]}'
    run_pair cname.example.test "$SECRETS_V1"
    run_pair cname.example.test "$SECRETS_V1" --cname remove
    run_hook auth example.test "$SECRETS_V1" --check example.test cname.example.test
    secrets_check
}

# A server that sends the credential back in an error message or a body
# does not get it printed: the hooks print "[redacted]" in its place.
test_echoed_secret_redacted() {
    secrets_begin
    mock_fault "{\"method\": \"POST\", \"path\": \"/dns_records$\", \"status\": 400, \"code\": 1000,
        \"message\": \"invalid header Authorization: Bearer $CF_TEST_TOKEN\"}"
    run_pair example.test "$SECRETS_V1"
    mock_fault "{\"method\": \"GET\", \"path\": \"/dns_records$\", \"status\": 403, \"code\": 987,
        \"message\": \"key $CF_TEST_GLOBAL_KEY of $CF_TEST_EMAIL is not allowed\"}"
    unset CLOUDFLARE_DNS_API_TOKEN
    CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=$CF_TEST_GLOBAL_KEY run_pair example.test "$SECRETS_V1"
    assert_contains "$(cat "$SECRETS_OUT")" "Bearer [redacted]" "the echoed token"
    assert_contains "$(cat "$SECRETS_OUT")" "key [redacted] of" "the echoed global key"
    secrets_check
}

# ---------------------------------------------------------------------------
# A hook that keeps its credentials: memory, process flags, children

# Start the plain build of dns01-auth on dnsfault.test, where ns3 never
# serves the record, so the hook waits after its API requests. Sets
# SECRETS_PID. ARG... go before the command (setpriv options and the like).
start_waiting_auth() {
    local bin=$1
    shift
    dnsfault_call POST reset >/dev/null
    trap 'dnsfault_call POST reset >/dev/null 2>&1 || true' EXIT
    dnsfault_call POST rule '{"action": "stale", "qtype": "TXT", "qname": "^_acme-challenge"}' >/dev/null
    "$@" env -i PATH=/usr/bin:/bin CERTBOT_DOMAIN=www.dnsfault.test CERTBOT_VALIDATION=$SECRETS_V1 \
        CLOUDFLARE_BASE_URL="$CLOUDFLARE_BASE_URL" DNS01_RESOLVERS="$DNS01_RESOLVERS" \
        DNS01_STATE_DIR="$SECRETS_STATE" DNS01_CA_BUNDLE="$SECRETS_CA" "${SECRETS_ENV[@]}" \
        "$bin/dns01-auth" --provider cloudflare --propagation-timeout 20 --poll-interval 0.5 "${SECRETS_ARGS[@]}" \
        >"$TEST_TMPDIR/waiting.out" 2>&1 &
    SECRETS_PID=$!
    wait_until 15 "the hook to wait for ns3" grep -q "waiting for ns3" "$TEST_TMPDIR/waiting.out"
}

stop_waiting_auth() {
    kill "$SECRETS_PID" 2>/dev/null || true
    wait "$SECRETS_PID" 2>/dev/null || true
    dnsfault_call POST reset >/dev/null
}

# count_in_memory PID TEXT: print how many copies of TEXT the writable memory of PID contains.
count_in_memory() {
    "$LIB_PYTHON" - "$1" "$2" <<'PY'
import re, sys
pid, needle = int(sys.argv[1]), sys.argv[2].encode()
count = 0
with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
    for line in maps:
        fields = line.split()
        start, end = (int(value, 16) for value in fields[0].split("-"))
        name = fields[5] if len(fields) > 5 else ""
        if "rw" not in fields[1] or name.startswith("[v") or end - start > 1 << 30:
            continue
        try:
            mem.seek(start)
            data = mem.read(end - start)
        except OSError:
            continue
        count += len(re.findall(re.escape(needle), data))
print(count)
PY
}

# While the hook waits, its memory contains the token once (the provider's
# copy): the request headers, libcurl's buffers and the file it was read
# from were wiped. It has no child process, and no secret in argv.
test_secret_single_copy_in_memory() {
    require_hooks
    use_cloudflare_token
    local token_file=$TEST_TMPDIR/token credentials=$TEST_TMPDIR/cloudflare.ini config=$TEST_TMPDIR/dns01-hooks.conf
    SECRETS_STATE=$DNS01_STATE_DIR
    SECRETS_CA=$DNS01_CA_BUNDLE
    [[ -x $SECRETS_PLAIN_BIN/dns01-auth ]] || fail "$SECRETS_PLAIN_BIN/dns01-auth not found; run make"
    printf '  %s  \n' "$CF_TEST_TOKEN" >"$token_file"
    printf '# comment\ndns_cloudflare_api_token = %s\n[other]\nkey = value\n' "$CF_TEST_TOKEN" >"$credentials"
    chmod 600 "$token_file" "$credentials"

    SECRETS_ENV=(CLOUDFLARE_DNS_API_TOKEN_FILE="$token_file")
    SECRETS_ARGS=()
    start_waiting_auth "$SECRETS_PLAIN_BIN"
    assert_eq 1 "$(count_in_memory "$SECRETS_PID" "$CF_TEST_TOKEN")" "copies of the token (from a _FILE variable)"
    assert_eq "" "$(cat "/proc/$SECRETS_PID/task/"*/children)" "child processes of the hook"
    assert_not_contains "$(tr '\0' ' ' <"/proc/$SECRETS_PID/cmdline")" "$CF_TEST_TOKEN" "command line"
    assert_contains "$(grep 'Max core file size' "/proc/$SECRETS_PID/limits")" " 0 " "core file size limit"
    stop_waiting_auth

    SECRETS_ENV=()
    SECRETS_ARGS=(--credentials "$credentials")
    start_waiting_auth "$SECRETS_PLAIN_BIN"
    assert_eq 1 "$(count_in_memory "$SECRETS_PID" "$CF_TEST_TOKEN")" "copies of the token (from --credentials)"
    stop_waiting_auth

    # The configuration keeps the file's values until the hook ends, so two copies.
    printf 'provider = cloudflare\n[cloudflare]\napi_token = %s\nzone = dnsfault.test\n' "$CF_TEST_TOKEN" >"$config"
    chmod 600 "$config"
    SECRETS_ENV=(DNS01_CONFIG="$config")
    SECRETS_ARGS=()
    start_waiting_auth "$SECRETS_PLAIN_BIN"
    assert_eq 2 "$(count_in_memory "$SECRETS_PID" "$CF_TEST_TOKEN")" "copies of the token (from the configuration file)"
    stop_waiting_auth
}

# A hook run by an ordinary user is not dumpable: the kernel then gives its
# /proc files to root, so the user's other processes cannot read its memory.
test_hook_not_dumpable() {
    require_hooks
    use_cloudflare_token
    local dir
    [[ -x $SECRETS_PLAIN_BIN/dns01-auth ]] || fail "$SECRETS_PLAIN_BIN/dns01-auth not found; run make"
    # A copy that nobody can reach, whatever the permissions of the checkout.
    dir=$(mktemp -d /tmp/dns01-secrets.XXXXXX)
    trap 'rm -rf "$dir"' RETURN
    chmod 755 "$dir"
    mkdir -p "$dir/bin" "$dir/state"
    cp "$SECRETS_PLAIN_BIN/dns01-auth" "$dir/bin/"
    cp "$DNS01_CA_BUNDLE" "$dir/ca.pem"
    printf '%s\n' "$CF_TEST_TOKEN" >"$dir/token"
    chmod 600 "$dir/token"
    chmod 700 "$dir/state"
    chown 65534:65534 "$dir/token" "$dir/state"
    SECRETS_STATE=$dir/state
    SECRETS_CA=$dir/ca.pem
    SECRETS_ENV=(CLOUDFLARE_DNS_API_TOKEN_FILE="$dir/token" HOME=/nonexistent)
    SECRETS_ARGS=()
    start_waiting_auth "$dir/bin" setpriv --reuid=65534 --regid=65534 --clear-groups
    local pid=$SECRETS_PID
    assert_eq 65534 "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" "real user id of the hook"
    assert_eq 0 "$(stat -c %u "/proc/$pid/mem")" "owner of /proc/PID/mem (root when not dumpable)"
    assert_contains "$(grep 'Max core file size' "/proc/$pid/limits")" " 0 " "core file size limit"
    stop_waiting_auth
}
