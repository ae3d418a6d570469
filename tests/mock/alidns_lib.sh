# shellcheck shell=bash
# Helpers for the alidns integration and end-to-end tests: the alidns mock's
# control API and the hooks run with --provider alidns. Source it after
# tests/lib.sh; like lib.sh it only defines functions and loads the
# environment (tests/rig/alidns.sh env).

eval "$("$LIB_REPO/tests/rig/alidns.sh" env)"

ALIDNS_V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
ALIDNS_V2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU

# alidns_control METHOD ROUTE [JSON]: call the mock's control API, print its response.
alidns_control() {
    local method=$1 route=$2 body=${3:-} output
    local args=(-sS --max-time 60 --cacert "$RIG_CA" -X "$method" -w '\n%{http_code}')
    if [[ -n $body ]]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$body")
    fi
    output=$(curl "${args[@]}" "$ALIDNS_CONTROL/$route") ||
        fail "alidns mock control $method $route failed: curl could not reach $ALIDNS_CONTROL"
    if [[ ${output##*$'\n'} != 200 ]]; then
        fail "alidns mock control $method $route returned HTTP ${output##*$'\n'}: $(lib_excerpt "${output%$'\n'*}" 800)"
    fi
    printf '%s\n' "${output%$'\n'*}"
}

# alidns_reset [JSON]: clear the mock; JSON may seed records:
# {"records": [{"name", "type", "value", "ttl"?, "line"?, "remark"?, "status"?, "unlisted"?}]}.
alidns_reset() {
    alidns_control POST reset "${1:-}" >/dev/null
}

alidns_fault() {
    alidns_control POST fault "$1" >/dev/null
}

alidns_config() {
    alidns_control POST config "$1" >/dev/null
}

# alidns_requests [QUERY]: the API request log as JSON; QUERY "action=NAME".
alidns_requests() {
    alidns_control GET "requests${1:+?$1}"
}

alidns_records() {
    alidns_control GET records
}

# alidns_count ACTION: how many API requests named that action.
alidns_count() {
    alidns_requests "action=$1" | json_query 'len(data)'
}

# alidns_codes ACTION: the error code (or "OK") of each request of ACTION, one per line.
alidns_codes() {
    alidns_requests "action=$1" | json_query '[entry["code"] or "OK" for entry in data]'
}

# alidns_param ACTION NAME: the value of one parameter in each request of ACTION.
alidns_param() {
    alidns_requests "action=$1" | json_query "[entry['params'].get('$2', '') for entry in data]"
}

# alidns_txt_records NAME: "RecordId TTL Value" of each TXT record the mock stores at NAME.
alidns_txt_records() {
    alidns_records | json_query "['%s %s %s' % (r['RecordId'], r['TTL'], r['Value']) for r in data if r['Name'] == '$1' and r['Type'] == 'TXT']"
}

# alidns_use_key ID SECRET [TOKEN]: export the credentials the hooks read first.
alidns_use_key() {
    export ALIBABA_CLOUD_ACCESS_KEY_ID=$1 ALIBABA_CLOUD_ACCESS_KEY_SECRET=$2
    if [[ -n ${3:-} ]]; then
        export ALIBABA_CLOUD_SECURITY_TOKEN=$3
    else
        unset ALIBABA_CLOUD_SECURITY_TOKEN
    fi
}

# alidns_begin [JSON]: start the mock if needed and reset it, with optional
# seeds. Then point the hooks at it with the full-access key, a state
# directory and a HOME of their own, so no credentials file of the machine
# is read.
alidns_begin() {
    "$LIB_REPO/tests/rig/alidns.sh" start 9>&- ||
        fail "the alidns mock did not start; see $RIG_DIR/logs/alidns.log"
    alidns_reset "${1:-}"
    local variable
    for variable in ALICLOUD_ACCESS_KEY ALICLOUD_SECRET_KEY ALICLOUD_SECURITY_TOKEN Ali_Key Ali_Secret \
        ALIBABA_CLOUD_CREDENTIALS_FILE ALIBABA_CLOUD_CONFIG_FILE ALIBABA_CLOUD_PROFILE \
        ALIBABA_CLOUD_DNS_SIGNATURE_VERSION DNS01_CONFIG DNS01_ZONE; do
        unset "$variable"
    done
    alidns_use_key "$ALIDNS_TEST_KEY_ID" "$ALIDNS_TEST_KEY_SECRET"
    export ALIBABA_CLOUD_DNS_ENDPOINT=$ALIDNS_MOCK_URL
    export DNS01_STATE_DIR=$TEST_TMPDIR/state
    export HOME=$TEST_TMPDIR/home
    mkdir -p "$DNS01_STATE_DIR" "$HOME"
}

# ali_auth DOMAIN VALUE [ARG...] / ali_cleanup DOMAIN VALUE [ARG...]: run a
# hook with --provider alidns; ARGs are more options.
ali_auth() {
    CERTBOT_DOMAIN=$1 CERTBOT_VALIDATION=$2 "$DNS01_BIN/dns01-auth" --provider alidns "${@:3}"
}

ali_cleanup() {
    CERTBOT_DOMAIN=$1 CERTBOT_VALIDATION=$2 "$DNS01_BIN/dns01-cleanup" --provider alidns "${@:3}"
}

# TXT values at a name on one server, sorted, on one line.
alidns_dns_values() {
    dns_txt "$1" "$2" | sort | tr '\n' ' ' | sed 's/ $//'
}

# Fail when any request carried an AccessKey secret, or a signature the mock
# could not verify, or when the last hook output contains a secret.
alidns_assert_clean() {
    assert_eq 0 "$(alidns_requests | json_query 'len([e for e in data if e["secret_in_request"]])')" \
        "requests that carry an AccessKey secret"
    assert_eq 0 "$(alidns_requests | json_query 'len([e for e in data if e["credential"] and not e["signature_valid"] and e["fault"] is None])')" \
        "requests whose signature the mock rejected"
    if [[ -n ${LAST_STDERR:-} && -f $LAST_STDERR ]]; then
        local output secret
        output=$(cat "$LAST_STDOUT" "$LAST_STDERR")
        for secret in "$ALIDNS_TEST_KEY_SECRET" "$ALIDNS_TEST_RAM_KEY_SECRET" "$ALIDNS_TEST_EMPTY_KEY_SECRET" \
            "$ALIDNS_TEST_STS_KEY_SECRET" "$ALIDNS_TEST_STS_TOKEN"; do
            assert_not_contains "$output" "$secret" "hook output"
        done
        assert_not_contains "$output" "Signature=" "hook output"
        assert_not_contains "$output" "AccessKeyId=" "hook output"
    fi
}
