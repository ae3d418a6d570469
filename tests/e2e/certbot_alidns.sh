# shellcheck shell=bash
# End to end: Debian's certbot obtains certificates from pebble, with
# dns01-auth and dns01-cleanup as manual hooks against the alidns mock.
# pebble checks the TXT records on ns2 only. Conventions: tests/lib.sh;
# alidns helpers: tests/mock/alidns_lib.sh.

# shellcheck source=../mock/alidns_lib.sh
source "$LIB_REPO/tests/mock/alidns_lib.sh"

# run_certbot_alidns DOMAIN...: request one certificate for the domains,
# keeping all certbot state under $TEST_TMPDIR/certbot.
run_certbot_alidns() {
    local domain domain_args=() auth_hook cleanup_hook
    for domain in "$@"; do
        domain_args+=(-d "$domain")
    done
    auth_hook="$(printf '%q' "$DNS01_BIN/dns01-auth") --provider alidns --propagation-timeout 60"
    cleanup_hook="$(printf '%q' "$DNS01_BIN/dns01-cleanup") --provider alidns"
    REQUESTS_CA_BUNDLE=$RIG_CA /usr/bin/certbot certonly -n --agree-tos \
        --register-unsafely-without-email --server "$PEBBLE_DIR_URL" \
        --manual --preferred-challenges dns \
        --manual-auth-hook "$auth_hook" --manual-cleanup-hook "$cleanup_hook" \
        --config-dir "$TEST_TMPDIR/certbot/config" --work-dir "$TEST_TMPDIR/certbot/work" \
        --logs-dir "$TEST_TMPDIR/certbot/logs" "${domain_args[@]}"
}

# assert_certificate NAME SAN...: the certificate in live/NAME names every SAN.
assert_certificate() {
    local certificate=$TEST_TMPDIR/certbot/config/live/$1/cert.pem san name
    shift
    [[ -s $certificate ]] || fail "certbot reported success but wrote no certificate at $certificate"
    san=$(openssl x509 -in "$certificate" -noout -ext subjectAltName)
    for name in "$@"; do
        assert_contains "$san" "DNS:$name" "subjectAltName"
    done
}

# assert_nothing_left: no TXT record in the mock, none on ns1 or ns2, every
# created record deleted once, and no secret in requests or certbot's log.
assert_nothing_left() {
    local name
    assert_eq "" "$(alidns_records | json_query '[r["Name"] for r in data if r["Type"] == "TXT"]')" \
        "TXT records in the mock after cleanup"
    for name in "$@"; do
        assert_eq "" "$(dns_txt ns1 "$name")" "TXT $name on ns1 after cleanup"
        assert_eq "" "$(dns_txt ns2 "$name")" "TXT $name on ns2 after cleanup"
    done
    assert_eq "$(alidns_requests 'action=AddDomainRecord' | json_query 'len([e for e in data if e["status"] == 200])')" \
        "$(alidns_requests 'action=DeleteDomainRecord' | json_query 'len([e for e in data if e["status"] == 200])')" \
        "records deleted, one per record created"
    alidns_assert_clean
    local log secret
    log=$(cat "$TEST_TMPDIR/certbot/logs/letsencrypt.log")
    for secret in "$ALIDNS_TEST_KEY_SECRET" "$ALIDNS_TEST_KEY_ID"; do
        assert_not_contains "$log" "$secret" "letsencrypt.log"
    done
}

test_certbot_issues_apex_and_wildcard() {
    require_hooks
    alidns_begin
    assert_exit 0 run_certbot_alidns example.test '*.example.test'
    assert_certificate example.test example.test '*.example.test'
    assert_eq 2 "$(alidns_requests 'action=AddDomainRecord' | json_query 'len([e for e in data if e["status"] == 200])')" \
        "records created (one per challenge value)"
    assert_eq "_acme-challenge _acme-challenge" \
        "$(alidns_param AddDomainRecord RR | tr '\n' ' ' | sed 's/ $//')" "RRs written"
    assert_nothing_left _acme-challenge.example.test
}

test_certbot_issues_multi_level_suffix() {
    require_hooks
    alidns_begin
    assert_exit 0 run_certbot_alidns www.example.com.test
    assert_certificate www.example.com.test www.example.com.test
    assert_eq "example.com.test _acme-challenge.www" \
        "$(alidns_requests 'action=AddDomainRecord' | json_query '["%s %s" % (e["params"]["DomainName"], e["params"]["RR"]) for e in data]')" \
        "zone and RR written"
    assert_nothing_left _acme-challenge.www.example.com.test
}
