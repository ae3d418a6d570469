# shellcheck shell=bash
# End to end: Debian's dehydrated (0.7.0) obtains certificates from pebble
# with dns01-auth as its one hook program against the Cloudflare mock, with
# and without HOOK_CHAIN. pebble checks the TXT record on ns2 only.
# Conventions: tests/lib.sh.

ACME_NAME=_acme-challenge.example.test

# run_dehydrated HOOK_CHAIN DOMAIN...: register, then request one
# certificate for the domains; all state stays under $TEST_TMPDIR/dehydrated.
run_dehydrated() {
    local chain=$1 base=$TEST_TMPDIR/dehydrated domain domain_args=()
    shift
    for domain in "$@"; do
        domain_args+=(--domain "$domain")
    done
    mkdir -p "$base"
    cat >"$base/config" <<CONFIG
CA="$PEBBLE_DIR_URL"
BASEDIR="$base"
CHALLENGETYPE="dns-01"
HOOK="$DNS01_BIN/dns01-auth"
HOOK_CHAIN="$chain"
CURL_OPTS="--cacert $RIG_CA"
CONFIG
    DNS01_PROVIDER=cloudflare DNS01_PROPAGATION_TIMEOUT=60 \
        /usr/bin/dehydrated --config "$base/config" --register --accept-terms &&
        DNS01_PROVIDER=cloudflare DNS01_PROPAGATION_TIMEOUT=60 \
            /usr/bin/dehydrated --config "$base/config" --cron "${domain_args[@]}"
}

# check_certificate: the certificate contains both names and nothing is left in DNS or the mock.
check_certificate() {
    local certificate=$TEST_TMPDIR/dehydrated/certs/example.test/cert.pem san
    [[ -s $certificate ]] || fail "dehydrated reported success but wrote no certificate at $certificate"
    san=$(openssl x509 -in "$certificate" -noout -ext subjectAltName)
    assert_contains "$san" "DNS:example.test" "subjectAltName"
    assert_contains "$san" "DNS:*.example.test" "subjectAltName"

    assert_eq "" "$(dns_txt ns1 "$ACME_NAME")" "TXT on ns1 after clean_challenge"
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT on ns2 after clean_challenge"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records in the mock"
    assert_eq 2 "$(mock_count POST '/dns_records$')" "records created"
    assert_eq 2 "$(mock_count DELETE '/dns_records/')" "records deleted"
}

# Apex and wildcard in one call: "deploy_challenge D T V D T V".
test_dehydrated_hook_chain() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 run_dehydrated yes example.test '*.example.test'
    check_certificate
    assert_contains "$(cat "$LAST_STDERR")" "created TXT record" "hook output"
}

# One call per challenge; dehydrated first deploys both, so both values coexist.
test_dehydrated_one_call_per_challenge() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 run_dehydrated no example.test '*.example.test'
    check_certificate
}
