# shellcheck shell=bash
# Input checks, credentials, configuration and secret hygiene of the hooks
# with the Cloudflare provider, and nameserver addresses that do not answer.
# Conventions: tests/lib.sh.

V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
APEX=_acme-challenge.example.test

auth() {
    CERTBOT_DOMAIN=$1 CERTBOT_VALIDATION=$2 run_auth "${@:3}"
}

cleanup() {
    CERTBOT_DOMAIN=$1 CERTBOT_VALIDATION=$2 run_cleanup "${@:3}"
}

test_invalid_domain_rejected() {
    require_hooks
    use_cloudflare_token
    local domain
    for domain in 'exa mple.test' 'example' '' 'a..example.test' "$(printf 'x%.0s' {1..64}).example.test" \
        'exa/mple.test' '*.*.example.test'; do
        assert_exit 2 auth "$domain" "$V1"
        assert_contains "$(cat "$LAST_STDERR")" "domain" "message for '$domain'"
    done
    assert_exit 2 auth 'exa mple.test' "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "'exa mple.test'" "message names the value"
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}

test_invalid_validation_rejected() {
    require_hooks
    use_cloudflare_token
    local value
    for value in 'abc+def' 'abc/def' 'abc=' 'has space' '' "$(printf 'a%.0s' {1..256})"; do
        assert_exit 2 auth example.test "$value"
        assert_contains "$(cat "$LAST_STDERR")" "validation value" "message for '$value'"
    done
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}

# Unicode names become A-labels; uppercase, a trailing dot and "*." are removed.
test_domain_normalized() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 auth 'bücher.Example.TEST.' "$V1"
    assert_eq "$V1" "$(dns_txt ns2 _acme-challenge.xn--bcher-kva.example.test)" "TXT at the A-label"
    assert_exit 0 cleanup '*.xn--bcher-kva.example.test' "$V1"
    assert_eq "" "$(dns_txt ns2 _acme-challenge.xn--bcher-kva.example.test)" "TXT after cleanup"
}

test_options_replace_environment() {
    require_hooks
    use_cloudflare_token
    CERTBOT_DOMAIN=wrong..name CERTBOT_VALIDATION=x+y assert_exit 0 \
        run_auth --domain example.test --validation "$V1"
    assert_eq "$V1" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
    assert_exit 0 run_cleanup --domain example.test --validation "$V1"
}

test_stray_argument_rejected() {
    require_hooks
    use_cloudflare_token
    assert_exit 2 auth example.test "$V1" cf-test-token
    assert_contains "$(cat "$LAST_STDERR")" "unexpected argument" "message"
    assert_exit 2 auth example.test "$V1" --token=x
    assert_contains "$(cat "$LAST_STDERR")" "unknown option" "message"
    assert_exit 2 "$DNS01_BIN/dns01-auth" --domain example.test --validation "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "--provider" "message without a provider"
}

test_help_and_version() {
    require_hooks
    assert_exit 0 "$DNS01_BIN/dns01-auth" --help
    assert_contains "$(cat "$LAST_STDOUT")" "--propagation-timeout" "auth help"
    assert_exit 0 "$DNS01_BIN/dns01-cleanup" --help
    assert_contains "$(cat "$LAST_STDOUT")" "usage: dns01-cleanup" "cleanup help"
    assert_exit 0 "$DNS01_BIN/dns01-auth" --version
    assert_contains "$(cat "$LAST_STDOUT")" "dns01-auth " "version"
}

test_missing_credentials_named() {
    require_hooks
    use_cloudflare_token
    unset CLOUDFLARE_DNS_API_TOKEN
    assert_exit 2 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "CLOUDFLARE_DNS_API_TOKEN" "message"
    CLOUDFLARE_EMAIL=$CF_TEST_EMAIL assert_exit 2 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "CLOUDFLARE_API_KEY" "message"
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}

# A placeholder secret fails before any request, and is not masked in messages, which it would garble.
test_placeholder_secret_rejected() {
    require_hooks
    use_cloudflare_token
    CLOUDFLARE_DNS_API_TOKEN=x assert_exit 2 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "the Cloudflare API token is only 1 character long" "message"
    assert_not_contains "$(cat "$LAST_STDERR")" "[redacted]" "message"
    unset CLOUDFLARE_DNS_API_TOKEN
    CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=1234567 assert_exit 2 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "the Cloudflare Global API Key is only 7 characters long" "message"
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}

test_token_aliases_and_files() {
    require_hooks
    use_cloudflare_token
    unset CLOUDFLARE_DNS_API_TOKEN
    CF_Token=$CF_TEST_TOKEN assert_exit 0 auth example.test "$V1"
    CF_DNS_API_TOKEN=$CF_TEST_TOKEN assert_exit 0 cleanup example.test "$V1"
    printf '%s\r\n' "$CF_TEST_TOKEN" >"$TEST_TMPDIR/token"
    CLOUDFLARE_DNS_API_TOKEN_FILE=$TEST_TMPDIR/token assert_exit 0 auth example.test "$V1"
    CLOUDFLARE_DNS_API_TOKEN_FILE=$TEST_TMPDIR/missing assert_exit 2 cleanup example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "CLOUDFLARE_DNS_API_TOKEN_FILE" "message"
    CLOUDFLARE_DNS_API_TOKEN_FILE=$TEST_TMPDIR/token assert_exit 0 cleanup example.test "$V1"
    assert_eq bearer "$(mock_requests | json_query 'sorted(set(e["auth"] for e in data))')" "auth schemes"
}

test_global_key() {
    require_hooks
    use_cloudflare_token
    unset CLOUDFLARE_DNS_API_TOKEN
    CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=$CF_TEST_GLOBAL_KEY assert_exit 0 auth example.test "$V1"
    CF_Email=$CF_TEST_EMAIL CF_Key=$CF_TEST_GLOBAL_KEY assert_exit 0 cleanup example.test "$V1"
    assert_eq global_key "$(mock_requests | json_query 'sorted(set(e["auth"] for e in data))')" "auth schemes"
    CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=wrong-key assert_exit 1 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "9103" "message"
}

test_credentials_file() {
    require_hooks
    use_cloudflare_token
    unset CLOUDFLARE_DNS_API_TOKEN
    local file=$TEST_TMPDIR/cloudflare.ini
    printf '# certbot-dns-cloudflare format\r\ndns_cloudflare_api_token = %s  \r\n' "$CF_TEST_TOKEN" >"$file"
    chmod 644 "$file"
    assert_exit 2 auth example.test "$V1" --credentials "$file"
    assert_contains "$(cat "$LAST_STDERR")" "chmod 600 '$file'" "message"
    chmod 600 "$file"
    assert_exit 0 auth example.test "$V1" --credentials "$file"
    assert_exit 0 cleanup example.test "$V1" --credentials "$file"

    printf 'dns_cloudflare_email = %s\ndns_cloudflare_api_key = %s\n' "$CF_TEST_EMAIL" "$CF_TEST_GLOBAL_KEY" >"$file"
    assert_exit 0 auth example.test "$V1" --credentials "$file"
    assert_exit 0 cleanup example.test "$V1" --credentials "$file"
    printf 'dns_cloudflare_email = %s\n' "$CF_TEST_EMAIL" >"$file"
    assert_exit 2 auth example.test "$V1" --credentials "$file"
    assert_contains "$(cat "$LAST_STDERR")" "dns_cloudflare_api_key" "message"
}

# Precedence: command line, then environment, then the configuration file.
test_config_file() {
    require_hooks
    use_cloudflare_token
    unset CLOUDFLARE_DNS_API_TOKEN
    local file=$TEST_TMPDIR/dns01-hooks.conf
    printf 'provider = cloudflare\nttl = 300\n\n[cloudflare]\napi_token = %s\n' "$CF_TEST_TOKEN" >"$file"
    chmod 600 "$file"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 "$DNS01_BIN/dns01-auth" --config "$file"
    assert_eq 300 "$(mock_records | json_query "[r['ttl'] for r in data if r['type'] == 'TXT']")" "TTL from the file"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 DNS01_CONFIG=$file assert_exit 0 "$DNS01_BIN/dns01-cleanup"

    DNS01_TTL=600 CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 \
        "$DNS01_BIN/dns01-auth" --config "$file"
    assert_eq 600 "$(mock_records | json_query "[r['ttl'] for r in data if r['type'] == 'TXT']")" \
        "TTL from the environment"
    DNS01_TTL=600 CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 \
        "$DNS01_BIN/dns01-cleanup" --config "$file"
    DNS01_TTL=600 CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 \
        "$DNS01_BIN/dns01-auth" --config "$file" --ttl 900
    assert_eq 900 "$(mock_records | json_query "[r['ttl'] for r in data if r['type'] == 'TXT']")" \
        "TTL from the command line"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 "$DNS01_BIN/dns01-cleanup" --config "$file"

    chmod 640 "$file"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 2 "$DNS01_BIN/dns01-auth" --config "$file"
    assert_contains "$(cat "$LAST_STDERR")" "chmod 600" "message"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 2 "$DNS01_BIN/dns01-auth" \
        --config "$TEST_TMPDIR/missing.conf"
    assert_contains "$(cat "$LAST_STDERR")" "missing.conf" "message"
}

test_plain_http_refused() {
    require_hooks
    use_cloudflare_token
    CLOUDFLARE_BASE_URL=http://127.0.0.1:18443/client/v4 assert_exit 2 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "https://" "message"
}

test_untrusted_certificate_refused() {
    require_hooks
    use_cloudflare_token
    DNS01_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt assert_exit 1 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "certificate" "message"
    assert_contains "$(cat "$LAST_STDERR")" "trusted CA certificates: /etc/ssl/certs/ca-certificates.crt" "message"
    # A file that contains no certificate is a configuration error.
    printf 'not a certificate\n' >"$TEST_TMPDIR/bad.pem"
    DNS01_CA_BUNDLE=$TEST_TMPDIR/bad.pem assert_exit 2 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "trusted CA certificates: $TEST_TMPDIR/bad.pem" "message"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
}

# C14: no secret in any output, at the most verbose level, nor in the state files.
test_secrets_never_printed() {
    require_hooks
    use_cloudflare_token
    local output=$TEST_TMPDIR/all-output secret forms
    {
        auth example.test "$V1" -vv 2>&1
        cleanup example.test "$V1" -vv 2>&1
        unset CLOUDFLARE_DNS_API_TOKEN
        CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=$CF_TEST_GLOBAL_KEY auth example.test "$V1" -vv 2>&1
        cat "$DNS01_STATE_DIR"/records/*.json 2>/dev/null || true
        CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=$CF_TEST_GLOBAL_KEY cleanup example.test "$V1" -vv 2>&1
        CLOUDFLARE_EMAIL=$CF_TEST_EMAIL CLOUDFLARE_API_KEY=wrong-global-key auth example.test "$V1" -vv 2>&1 || true
        CLOUDFLARE_DNS_API_TOKEN=wrong-secret-token auth example.test "$V1" -vv 2>&1 || true
    } >"$output"
    assert_contains "$(cat "$output")" "GET https://" "the trace shows requests"
    for secret in "$CF_TEST_TOKEN" "$CF_TEST_GLOBAL_KEY" wrong-global-key wrong-secret-token; do
        for forms in "$secret" "$(printf '%s' "$secret" | base64)" \
            "$(/usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$secret")"; do
            assert_not_contains "$(cat "$output")" "$forms" "hook output and state"
        done
    done
    assert_eq 0 "$(mock_requests | json_query 'len([e for e in data if e["secret_in_request"]])')" \
        "requests with a secret outside the authentication headers"
}

# C18: an IPv6 address of a nameserver that drops every packet does not block success.
test_dead_ipv6_address_skipped() {
    require_hooks
    use_cloudflare_token
    local counter=$TEST_TMPDIR/sink-count server
    /usr/bin/python3 -c '
import socket, sys
sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
sock.bind(("::1", 53))
count = 0
while True:
    sock.recvfrom(4096)
    count += 1
    with open(sys.argv[1], "w") as f:
        f.write(str(count))
' "$counter" &
    SINK_PID=$!
    trap 'kill "$SINK_PID" 2>/dev/null; remove_ns1_aaaa' EXIT
    for server in "$RIG_NS1" "$RIG_NS2"; do
        printf 'server %s\nzone example.test\nupdate add ns1.example.test. 5 AAAA ::1\nsend\n' "$server" | knsupdate
    done
    assert_eq ::1 "$(dns_query ns1 ns1.example.test AAAA)" "AAAA of ns1"

    assert_exit 0 auth example.test "$V1" -v
    [[ -s $counter ]] || fail "the dead IPv6 address was never queried, so the test proves nothing"
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_exit 0 cleanup example.test "$V1"

    local before
    before=$(cat "$counter")
    assert_exit 0 auth example.test "$V1" --no-ipv6
    assert_eq "$before" "$(cat "$counter")" "packets to the IPv6 address with --no-ipv6"
    assert_exit 0 cleanup example.test "$V1"
}

remove_ns1_aaaa() {
    local server
    for server in "$RIG_NS1" "$RIG_NS2"; do
        printf 'server %s\nzone example.test\nupdate delete ns1.example.test. AAAA\nsend\n' "$server" | knsupdate || true
    done
}
