# shellcheck shell=bash
# The scripts given to sh -c expand their own positional parameters.
# shellcheck disable=SC2016
# contrib/dns_dns01hooks.sh, the acme.sh DNS API wrapper, sourced into a
# POSIX shell (dash) and into bash the way acme.sh sources dnsapi files.
# acme.sh itself is not packaged in Debian 12, so the tests call the two
# functions directly. Conventions: tests/lib.sh.

V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
V2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU
APEX=_acme-challenge.example.test
WRAPPER=$LIB_REPO/contrib/dns_dns01hooks.sh

# acmesh SHELL FUNCTION FULLDOMAIN VALUE: source the wrapper in SHELL and call FUNCTION.
acmesh() {
    "$1" -c '. "$1"; "$2" "$3" "$4"' acmesh "$WRAPPER" "${@:2}"
}

test_add_and_rm_in_dash() {
    require_hooks
    use_cloudflare_token
    export DNS01HOOKS_BIN=$DNS01_BIN DNS01HOOKS_PROVIDER=cloudflare
    assert_exit 0 acmesh dash dns_dns01hooks_add "$APEX" "$V1"
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_exit 0 acmesh dash dns_dns01hooks_rm "$APEX" "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after rm"
}

# acme.sh adds every value first, then validates, then removes them.
test_apex_and_wildcard_in_bash() {
    require_hooks
    use_cloudflare_token
    export DNS01HOOKS_BIN=$DNS01_BIN DNS01HOOKS_PROVIDER=cloudflare
    assert_exit 0 acmesh bash dns_dns01hooks_add "$APEX" "$V1"
    assert_exit 0 acmesh bash dns_dns01hooks_add "$APEX" "$V2"
    assert_eq "$(printf '%s\n' "$V1" "$V2" | sort | tr '\n' ' ')" "$(dns_txt ns2 "$APEX" | sort | tr '\n' ' ')" \
        "TXT on ns2"
    assert_exit 0 acmesh bash dns_dns01hooks_rm "$APEX" "$V1"
    assert_eq "$V2" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after the first rm"
    assert_exit 0 acmesh bash dns_dns01hooks_rm "$APEX" "$V2"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after both"
}

# Inside acme.sh the settings are saved to and read from its account configuration.
test_settings_saved_for_renewal() {
    require_hooks
    use_cloudflare_token
    local account=$TEST_TMPDIR/account.conf
    : >"$account"
    # Stand-ins for acme.sh's functions, keeping NAME=VALUE lines in $account.
    local stubs='
_readaccountconf_mutable() { sed -n "s/^$1=//p" "$ACCOUNT"; }
_saveaccountconf_mutable() { sed -i "/^$1=/d" "$ACCOUNT"; printf "%s=%s\n" "$1" "$2" >>"$ACCOUNT"; }
'
    ACCOUNT=$account DNS01HOOKS_BIN=$DNS01_BIN DNS01HOOKS_PROVIDER=cloudflare \
        assert_exit 0 dash -c "$stubs"'. "$1"; dns_dns01hooks_add "$2" "$3"' acmesh "$WRAPPER" "$APEX" "$V1"
    assert_contains "$(cat "$account")" "DNS01HOOKS_BIN=$DNS01_BIN" "account configuration"
    assert_contains "$(cat "$account")" "DNS01HOOKS_PROVIDER=cloudflare" "account configuration"

    # A renewal from cron has none of the variables.
    ACCOUNT=$account assert_exit 0 env -u DNS01HOOKS_BIN -u DNS01HOOKS_PROVIDER PATH=/usr/bin:/bin \
        dash -c "$stubs"'. "$1"; dns_dns01hooks_rm "$2" "$3"' acmesh "$WRAPPER" "$APEX" "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after rm"
}

test_other_record_name_rejected() {
    require_hooks
    use_cloudflare_token
    export DNS01HOOKS_BIN=$DNS01_BIN DNS01HOOKS_PROVIDER=cloudflare
    assert_exit 2 acmesh dash dns_dns01hooks_add alias.example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "does not start with _acme-challenge." "error message"
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}

test_missing_program_reported() {
    require_hooks
    export DNS01HOOKS_BIN=$TEST_TMPDIR/nowhere
    assert_exit 2 acmesh dash dns_dns01hooks_add "$APEX" "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "dns01-auth not found" "error message"
}
