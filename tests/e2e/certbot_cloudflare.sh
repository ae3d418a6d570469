# shellcheck shell=bash
# End to end: Debian's certbot obtains certificates from pebble, with
# dns01-auth and dns01-cleanup as manual hooks against the Cloudflare mock.
# pebble checks the TXT record on ns2 only. Conventions: tests/lib.sh.

ACME_NAME=_acme-challenge.example.test
CNAME_TARGET=example.test.12345.dcv-provider.test
CNAME_SEED_ID=c0ffee00c0ffee00c0ffee00c0ffee00

# run_certbot DOMAIN...: request one certificate for the domains, keeping all
# certbot state under $TEST_TMPDIR/certbot.
run_certbot() {
    local domain domain_args=() auth_hook cleanup_hook
    for domain in "$@"; do
        domain_args+=(-d "$domain")
    done
    auth_hook="$(printf '%q' "$DNS01_BIN/dns01-auth") --provider cloudflare --propagation-timeout 60"
    cleanup_hook="$(printf '%q' "$DNS01_BIN/dns01-cleanup") --provider cloudflare"
    REQUESTS_CA_BUNDLE=$RIG_CA /usr/bin/certbot certonly -n --agree-tos \
        --register-unsafely-without-email --server "$PEBBLE_DIR_URL" \
        --manual --preferred-challenges dns \
        --manual-auth-hook "$auth_hook" --manual-cleanup-hook "$cleanup_hook" \
        --config-dir "$TEST_TMPDIR/certbot/config" --work-dir "$TEST_TMPDIR/certbot/work" \
        --logs-dir "$TEST_TMPDIR/certbot/logs" "${domain_args[@]}"
}

certbot_log() {
    cat "$TEST_TMPDIR/certbot/logs/letsencrypt.log"
}

# Print "STATUS METHOD" for every logged request to a dns_records route.
record_requests() {
    mock_requests 'path=/dns_records' | json_query '["%s %s" % (entry["status"], entry["method"]) for entry in data]'
}

test_certbot_issues_apex_and_wildcard() {
    require_hooks
    use_cloudflare_token

    assert_exit 0 run_certbot example.test '*.example.test'

    local certificate=$TEST_TMPDIR/certbot/config/live/example.test/cert.pem san
    [[ -s $certificate ]] || fail "certbot reported success but wrote no certificate at $certificate"
    san=$(openssl x509 -in "$certificate" -noout -ext subjectAltName)
    assert_contains "$san" "DNS:example.test" "subjectAltName"
    assert_contains "$san" "DNS:*.example.test" "subjectAltName"

    assert_eq "" "$(dns_txt ns1 "$ACME_NAME")" "TXT on ns1 after cleanup"
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT on ns2 after cleanup"
    assert_eq 0 "$(mock_records | json_query 'len([r for r in data if r["name"] == "'"$ACME_NAME"'"])')" \
        "records at $ACME_NAME in the mock after cleanup"

    # One record per challenge value, each deleted once by its cleanup.
    assert_eq 2 "$(record_requests | grep -c '^200 POST$' || true)" "records created"
    assert_eq 2 "$(record_requests | grep -c '^200 DELETE$' || true)" "records deleted"

    assert_eq 0 "$(mock_requests | json_query 'len([e for e in data if e["secret_in_request"]])')" \
        "requests carrying the token outside the Authorization header"
    assert_eq bearer "$(mock_requests | json_query 'sorted(set(e["auth"] for e in data))')" "auth schemes used"
    assert_not_contains "$(certbot_log)" "$CF_TEST_TOKEN" "letsencrypt.log"
}

test_certbot_cname_conflict_fails() {
    require_hooks
    use_cloudflare_token
    mock_reset "{\"records\": [{\"type\": \"CNAME\", \"name\": \"$ACME_NAME\",
                \"content\": \"$CNAME_TARGET\", \"ttl\": 120, \"id\": \"$CNAME_SEED_ID\"}]}"

    assert_exit 1 run_certbot example.test '*.example.test'

    # certbot copies the hook's standard error into letsencrypt.log.
    local log
    log=$(certbot_log)
    assert_contains "$log" "CNAME" "letsencrypt.log"
    assert_contains "$log" "$CNAME_TARGET" "letsencrypt.log"
    [[ ! -e $TEST_TMPDIR/certbot/config/live/example.test/cert.pem ]] ||
        fail "certbot issued a certificate although _acme-challenge is a CNAME"

    assert_eq "$CNAME_TARGET" "$(dns_cname ns1 "$ACME_NAME")" "CNAME on ns1"
    assert_eq "$CNAME_TARGET" "$(dns_cname ns2 "$ACME_NAME")" "CNAME on ns2"
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT at $ACME_NAME on ns2"
    assert_eq "$CNAME_SEED_ID CNAME $CNAME_TARGET" \
        "$(mock_records | json_query '["%s %s %s" % (r["id"], r["type"], r["content"]) for r in data if r["name"] == "'"$ACME_NAME"'"]')" \
        "records at $ACME_NAME in the mock"
    assert_eq 0 "$(record_requests | grep -c 'DELETE$' || true)" "delete requests"
    assert_eq 0 "$(record_requests | grep -c '^200 POST$' || true)" "records created"
}

# Field case C19 through real certbot: a signed zone gets its certificate with the DNSSEC check on; a zone
# whose DS matches no key fails in the auth hook with the DS message, and leaves no record behind.
test_certbot_dnssec_check() {
    require_hooks
    use_cloudflare_token
    export DNS01_DNSSEC_RESOLVERS=$RIG_RESOLVER

    assert_exit 0 run_certbot dnssec-good.test '*.dnssec-good.test'
    [[ -s $TEST_TMPDIR/certbot/config/live/dnssec-good.test/cert.pem ]] ||
        fail "certbot reported success but wrote no certificate for dnssec-good.test"
    assert_contains "$(certbot_log)" "validates _acme-challenge.dnssec-good.test with DNSSEC" "letsencrypt.log"

    assert_exit 1 run_certbot dnssec-stale.test
    assert_contains "$(certbot_log)" "DNSSEC validation failed for _acme-challenge.dnssec-stale.test" \
        "letsencrypt.log"
    assert_contains "$(certbot_log)" "Check the DS record at the registrar" "letsencrypt.log"
    [[ ! -e $TEST_TMPDIR/certbot/config/live/dnssec-stale.test/cert.pem ]] ||
        fail "certbot issued a certificate for the zone whose DNSSEC does not validate"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records in the mock after both runs"
    assert_eq "" "$(dns_txt ns1 _acme-challenge.dnssec-stale.test)" "TXT on ns1"
}
