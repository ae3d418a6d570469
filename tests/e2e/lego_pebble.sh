# shellcheck shell=bash
# End to end: Debian's lego (4.9.1) obtains certificates from pebble through
# its exec provider with dns01-auth as EXEC_PATH against the Cloudflare mock,
# in the default mode and with EXEC_MODE=RAW. Conventions: tests/lib.sh.

ACME_NAME=_acme-challenge.example.test

# run_lego MODE: request one certificate for example.test and *.example.test.
# lego looks for a CNAME at _acme-challenge through ns1 (--dns.resolvers).
# Its own propagation check is off (--dns.disable-cp): it would resolve the
# nameservers' names through the system resolver, which is not on loopback,
# and dns01-auth has already waited for every authoritative nameserver.
# EXEC_SEQUENCE_INTERVAL shortens lego's 60 s pause between the challenges.
run_lego() {
    EXEC_MODE=$1 EXEC_PATH=$DNS01_BIN/dns01-auth EXEC_SEQUENCE_INTERVAL=1 EXEC_POLLING_INTERVAL=1 \
        EXEC_PROPAGATION_TIMEOUT=60 LEGO_CA_CERTIFICATES=$RIG_CA \
        DNS01_PROVIDER=cloudflare DNS01_PROPAGATION_TIMEOUT=60 \
        /usr/bin/lego --accept-tos --email hostmaster@example.test --server "$PEBBLE_DIR_URL" \
        --path "$TEST_TMPDIR/lego" --dns exec --dns.resolvers "$RIG_NS1:53" --dns.disable-cp \
        --domains example.test --domains '*.example.test' run
}

check_certificate() {
    local certificate=$TEST_TMPDIR/lego/certificates/example.test.crt san
    [[ -s $certificate ]] || fail "lego reported success but wrote no certificate at $certificate"
    san=$(openssl x509 -in "$certificate" -noout -ext subjectAltName)
    assert_contains "$san" "DNS:example.test" "subjectAltName"
    assert_contains "$san" "DNS:*.example.test" "subjectAltName"

    assert_eq "" "$(dns_txt ns1 "$ACME_NAME")" "TXT on ns1 after cleanup"
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT on ns2 after cleanup"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records in the mock"
    assert_eq 2 "$(mock_count POST '/dns_records$')" "records created"
    assert_eq 2 "$(mock_count DELETE '/dns_records/')" "records deleted"
}

test_lego_exec_default_mode() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 run_lego ""
    check_certificate
}

test_lego_exec_raw_mode() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 run_lego RAW
    check_certificate
}
