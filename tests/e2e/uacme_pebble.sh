# shellcheck shell=bash
# End to end: Debian's uacme (1.7.4) obtains a certificate from pebble with
# dns01-auth as its hook program against the Cloudflare mock. uacme offers
# each challenge type in turn; the hook declines all but dns-01.
# Conventions: tests/lib.sh.

ACME_NAME=_acme-challenge.example.test

# uacme uses libcurl with GnuTLS and the system CA bundle, and has no option
# for another CA. The test runs it in a private mount namespace where the
# system bundle also contains the rig's CA; nothing changes outside. -o turns
# off OCSP checks, which would reach beyond loopback.
# run_uacme ARG...
run_uacme() {
    local bundle=$TEST_TMPDIR/ca-bundle.pem
    cat /etc/ssl/certs/ca-certificates.crt "$RIG_CA" >"$bundle"
    # shellcheck disable=SC2016  # expanded by the inner sh
    DNS01_PROVIDER=cloudflare DNS01_PROPAGATION_TIMEOUT=60 \
        unshare --mount --propagation private sh -c '
            mount --bind "$1" /etc/ssl/certs/ca-certificates.crt && shift && exec "$@"
        ' run-uacme "$bundle" /usr/bin/uacme -v -y -o -a "$PEBBLE_DIR_URL" -c "$TEST_TMPDIR/uacme" \
        -h "$DNS01_BIN/dns01-auth" "$@"
}

test_uacme_issues_apex_and_wildcard() {
    require_hooks
    use_cloudflare_token
    command -v unshare >/dev/null || fail "unshare (util-linux) is missing"
    assert_exit 0 run_uacme new
    assert_exit 0 run_uacme issue example.test '*.example.test'

    local certificate=$TEST_TMPDIR/uacme/example.test/cert.pem san
    [[ -s $certificate ]] || fail "uacme reported success but wrote no certificate at $certificate"
    san=$(openssl x509 -in "$certificate" -noout -ext subjectAltName)
    assert_contains "$san" "DNS:example.test" "subjectAltName"
    assert_contains "$san" "DNS:*.example.test" "subjectAltName"

    assert_eq "" "$(dns_txt ns1 "$ACME_NAME")" "TXT on ns1 after done"
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT on ns2 after done"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records in the mock"
    assert_eq 2 "$(mock_count POST '/dns_records$')" "records created"
    assert_eq 2 "$(mock_count DELETE '/dns_records/')" "records deleted"
}
