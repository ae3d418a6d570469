# shellcheck shell=bash
# The hook conventions of uacme (1.7.4) and of lego's exec provider (4.9.1),
# called by hand the way each client runs its hook program: directly, with
# no options, so the provider comes from DNS01_PROVIDER. Conventions:
# tests/lib.sh.

V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
TOKEN=evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA
KEY_AUTH=$TOKEN.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI
# base64url(SHA-256(KEY_AUTH)), unpadded: what lego's RAW mode leaves to the hook.
KEY_AUTH_TXT=lCM7cZyQXcVHK2nnW3jjAhNT3Fvm18UN-kWZZknKoYM
APEX=_acme-challenge.example.test

hook() {
    DNS01_PROVIDER=cloudflare "$DNS01_BIN/$1" "${@:2}"
}

test_uacme_begin_then_done() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 hook dns01-auth begin dns-01 example.test "$TOKEN" "$V1"
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_exit 0 hook dns01-auth 'done' dns-01 example.test "$TOKEN" "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after done"
    assert_eq 1 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
}

test_uacme_failed_cleans_up() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 hook dns01-auth begin dns-01 example.test "$TOKEN" "$V1"
    assert_exit 0 hook dns01-auth failed dns-01 example.test "$TOKEN" "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after failed"
}

# uacme offers each challenge type of an authorization until the hook accepts one.
test_uacme_other_types_declined() {
    require_hooks
    use_cloudflare_token
    assert_exit 1 hook dns01-auth begin http-01 example.test "$TOKEN" "$KEY_AUTH"
    assert_contains "$(cat "$LAST_STDERR")" "declined the challenge type 'http-01'" "decline message"
    assert_not_contains "$(cat "$LAST_STDERR")" "error" "decline message"
    assert_exit 1 hook dns01-auth begin tls-alpn-01 example.test "$TOKEN" "$V1"
    assert_exit 0 hook dns01-auth 'done' http-01 example.test "$TOKEN" "$KEY_AUTH"
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}

test_uacme_variables_without_arguments() {
    require_hooks
    use_cloudflare_token
    UACME_METHOD=begin UACME_TYPE=dns-01 UACME_IDENT=example.test UACME_TOKEN=$TOKEN UACME_AUTH=$V1 \
        assert_exit 0 hook dns01-auth
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    UACME_METHOD='done' UACME_TYPE=dns-01 UACME_IDENT=example.test UACME_TOKEN=$TOKEN UACME_AUTH=$V1 \
        assert_exit 0 hook dns01-cleanup
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after done"
}

test_lego_present_then_cleanup() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 hook dns01-auth present "$APEX." "$V1"
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_exit 0 hook dns01-auth cleanup "$APEX." "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup"
}

test_lego_raw_mode_hashes_key_authorization() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 hook dns01-auth present -- '*.example.test' "$TOKEN" "$KEY_AUTH"
    assert_eq "$KEY_AUTH_TXT" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_exit 0 hook dns01-auth cleanup -- '*.example.test' "$TOKEN" "$KEY_AUTH"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup"
}

# lego passes the CNAME target when it followed a CNAME at _acme-challenge.
test_lego_followed_cname_rejected() {
    require_hooks
    use_cloudflare_token
    assert_exit 2 hook dns01-auth present example.test.12345.dcv-provider.test. "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "LEGO_DISABLE_CNAME_SUPPORT=true" "error message"
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}

test_plain_options_still_work() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 run_auth --domain example.test --validation "$V1"
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_exit 0 run_cleanup --domain example.test --validation "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup"
    assert_exit 2 run_auth --domain example.test present "$APEX." "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "cannot be combined" "error message"
}
