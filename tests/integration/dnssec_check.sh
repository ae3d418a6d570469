# shellcheck shell=bash
# The optional DNSSEC check (field case C19) against the rig's validating
# resolver on $RIG_RESOLVER: it trusts dnssec-good.test through the DS of its
# key, and dnssec-stale.test through a DS that matches no key.
# Conventions: tests/lib.sh.

V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54

# resolver_header NAME TYPE [KDIG_OPTION...]: print the flags and status line of the resolver's answer.
resolver_header() {
    local name=$1 type=$2
    shift 2
    kdig @"$RIG_RESOLVER" "$name" "$type" +adflag +timeout=2 +retry=1 "$@" | grep -E '^;; (Flags|->>HEADER)'
}

assert_no_records() {
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records in the mock account"
    assert_eq "" "$(dns_txt ns1 "$1")" "TXT at $1 on ns1"
}

test_signed_zone_validates() {
    require_hooks
    use_cloudflare_token
    local name=_acme-challenge.www.dnssec-good.test
    DNS01_DNSSEC_RESOLVERS=$RIG_RESOLVER CERTBOT_DOMAIN=www.dnssec-good.test CERTBOT_VALIDATION=$V1 \
        assert_exit 0 run_auth
    assert_contains "$(<"$LAST_STDERR")" "resolver $RIG_RESOLVER validates $name with DNSSEC" "auth log"
    # The resolver, asked directly, sets AD: the hook's report rests on a real validation.
    assert_contains "$(resolver_header "$name" TXT)" " ad;" "resolver flags for $name"
    CERTBOT_DOMAIN=www.dnssec-good.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
    assert_no_records "$name"
}

test_stale_ds_fails_at_once_and_leaves_nothing() {
    require_hooks
    use_cloudflare_token
    local name=_acme-challenge.www.dnssec-stale.test stderr
    # The rig is what the test claims: SERVFAIL when validating, an answer with checking disabled.
    assert_contains "$(resolver_header dnssec-stale.test SOA)" "status: SERVFAIL" "validating answer"
    assert_contains "$(resolver_header dnssec-stale.test SOA +cdflag)" "status: NOERROR" "answer with CD"
    CERTBOT_DOMAIN=www.dnssec-stale.test CERTBOT_VALIDATION=$V1 \
        assert_exit 1 run_auth --dnssec-resolver "$RIG_RESOLVER" --propagation-timeout 120
    stderr=$(<"$LAST_STDERR")
    assert_contains "$stderr" "DNSSEC validation failed for $name" "auth error"
    assert_contains "$stderr" "Check the DS record at the registrar" "auth error"
    assert_not_contains "$stderr" "after 120" "auth error"
    assert_contains "$stderr" "which this run created, because the run failed" "auth log"
    assert_no_records "$name"
    CERTBOT_DOMAIN=www.dnssec-stale.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
}

# The check is opt-in: without a DNSSEC resolver only the authoritative servers count.
test_stale_ds_passes_without_the_check() {
    require_hooks
    use_cloudflare_token
    CERTBOT_DOMAIN=www.dnssec-stale.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_auth
    assert_not_contains "$(<"$LAST_STDERR")" "DNSSEC" "auth log"
    CERTBOT_DOMAIN=www.dnssec-stale.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
    assert_no_records _acme-challenge.www.dnssec-stale.test
}

test_unsigned_zone_passes_without_validation() {
    require_hooks
    use_cloudflare_token
    printf 'dnssec-resolver = %s\n' "$RIG_RESOLVER" >"$TEST_TMPDIR/dns01.conf"
    chmod 600 "$TEST_TMPDIR/dns01.conf"
    CERTBOT_DOMAIN=plain.example.test CERTBOT_VALIDATION=$V1 \
        assert_exit 0 run_auth --config "$TEST_TMPDIR/dns01.conf"
    assert_contains "$(<"$LAST_STDERR")" \
        "resolver $RIG_RESOLVER serves _acme-challenge.plain.example.test without DNSSEC validation" "auth log"
    CERTBOT_DOMAIN=plain.example.test CERTBOT_VALIDATION=$V1 \
        assert_exit 0 run_cleanup --config "$TEST_TMPDIR/dns01.conf"
    assert_no_records _acme-challenge.plain.example.test
}

# A resolver that never answers costs a warning, not the certificate.
test_silent_resolver_only_warns() {
    require_hooks
    use_cloudflare_token
    CERTBOT_DOMAIN=quiet.dnssec-good.test CERTBOT_VALIDATION=$V1 \
        assert_exit 0 run_auth --dnssec-resolver 127.0.53.99 --propagation-timeout 3
    assert_contains "$(<"$LAST_STDERR")" \
        "DNSSEC not checked for _acme-challenge.quiet.dnssec-good.test: resolver 127.0.53.99 did not reply" \
        "auth log"
    CERTBOT_DOMAIN=quiet.dnssec-good.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
}

# An authoritative-only server validates nothing: it must not pass for a resolver, even for a broken zone.
test_authoritative_server_is_not_a_resolver() {
    require_hooks
    use_cloudflare_token
    CERTBOT_DOMAIN=www.dnssec-stale.test CERTBOT_VALIDATION=$V1 \
        assert_exit 0 run_auth --dnssec-resolver "$RIG_NS1"
    assert_contains "$(<"$LAST_STDERR")" "resolver $RIG_NS1 is not a recursive resolver (no RA flag in its answer)" \
        "auth log"
    assert_contains "$(<"$LAST_STDERR")" "warning" "auth log"
    CERTBOT_DOMAIN=www.dnssec-stale.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
    assert_exit 0 run_auth --check --dnssec-resolver "$RIG_NS1" www.dnssec-stale.test
    assert_contains "$(<"$LAST_STDOUT")" "DNSSEC at resolver $RIG_NS1: not checked: it is not a recursive resolver" \
        "check report"
}

test_bad_dnssec_resolver_is_rejected_before_any_change() {
    require_hooks
    use_cloudflare_token
    CERTBOT_DOMAIN=www.dnssec-good.test CERTBOT_VALIDATION=$V1 \
        assert_exit 2 run_auth --dnssec-resolver resolver.example
    assert_contains "$(<"$LAST_STDERR")" "resolver.example" "auth error"
    CERTBOT_DOMAIN=www.dnssec-good.test CERTBOT_VALIDATION=$V1 DNS01_DNSSEC_RESOLVERS=", ," \
        assert_exit 2 run_auth
    assert_contains "$(<"$LAST_STDERR")" "DNS01_DNSSEC_RESOLVERS ', ,' names no address" "auth error"
    assert_eq 0 "$(mock_count POST /dns_records)" "records created"
}

# uacme, dehydrated and lego may call dns01-cleanup for the auth step too, so it checks the same way.
test_cleanup_as_uacme_hook_checks_dnssec() {
    require_hooks
    use_cloudflare_token
    DNS01_DNSSEC_RESOLVERS=$RIG_RESOLVER assert_exit 1 run_cleanup begin dns-01 www.dnssec-stale.test token "$V1"
    assert_contains "$(<"$LAST_STDERR")" "DNSSEC validation failed for _acme-challenge.www.dnssec-stale.test" \
        "cleanup as uacme hook"
    assert_no_records _acme-challenge.www.dnssec-stale.test
}

# The pre-flight check shows a stale DS before a renewal runs into it.
test_preflight_check_reports_each_zone() {
    require_hooks
    use_cloudflare_token
    assert_exit 1 run_auth --check --dnssec-resolver "$RIG_RESOLVER" \
        www.dnssec-good.test www.dnssec-stale.test plain.example.test
    local report
    report=$(<"$LAST_STDOUT")
    section() {
        awk -v domain="$1:" '$0 == domain { on = 1; next } /^[^ ]/ { on = 0 } on' <<<"$report"
    }
    assert_contains "$(section www.dnssec-good.test)" "DNSSEC at resolver $RIG_RESOLVER: the zone validates" \
        "good zone"
    assert_contains "$(section www.dnssec-good.test)" "would succeed" "good zone"
    assert_contains "$(section www.dnssec-stale.test)" \
        "DNSSEC at resolver $RIG_RESOLVER: FAILS: SERVFAIL, but an answer with checking disabled" "stale zone"
    assert_contains "$(section www.dnssec-stale.test)" "would FAIL" "stale zone"
    assert_contains "$(section plain.example.test)" "the zone is not signed" "unsigned zone"
    assert_contains "$(section plain.example.test)" "would succeed" "unsigned zone"
    assert_eq 0 "$(mock_count POST /dns_records)" "records created by --check"

    assert_exit 2 run_auth --check www.dnssec-good.test --dnssec-resolver "$RIG_RESOLVER"
    assert_contains "$(<"$LAST_STDERR")" "option '--dnssec-resolver' comes after the domains" "option order"
}

# The apex and the wildcard put two values at one name; the check reports the name once.
test_apex_and_wildcard_reported_once() {
    require_hooks
    use_cloudflare_token
    local V2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU
    DNS01_DNSSEC_RESOLVERS=$RIG_RESOLVER CERTBOT_DOMAIN=dnssec-good.test CERTBOT_VALIDATION=$V1 \
        CERTBOT_REMAINING_CHALLENGES=1 assert_exit 0 run_auth
    DNS01_DNSSEC_RESOLVERS=$RIG_RESOLVER CERTBOT_DOMAIN='*.dnssec-good.test' CERTBOT_VALIDATION=$V2 \
        CERTBOT_REMAINING_CHALLENGES=0 assert_exit 0 run_auth
    assert_contains "$(<"$LAST_STDERR")" "waiting for the 2 records of this run" "last auth log"
    assert_eq 1 "$(grep -c "validates _acme-challenge.dnssec-good.test with DNSSEC" "$LAST_STDERR")" \
        "validation lines"
    CERTBOT_DOMAIN=dnssec-good.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
    CERTBOT_DOMAIN='*.dnssec-good.test' CERTBOT_VALIDATION=$V2 assert_exit 0 run_cleanup
    assert_no_records _acme-challenge.dnssec-good.test
}
