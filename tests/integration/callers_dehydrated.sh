# shellcheck shell=bash
# dehydrated's hook convention, called by hand the way dehydrated 0.7.0 calls
# its one hook program: "$HOOK" OPERATION ARGS..., no shell, no options, so
# the provider comes from DNS01_PROVIDER. Conventions: tests/lib.sh.

V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
V2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU
# base64url values start with "-" one time in 64; such a value must stay an operand.
V_DASH=-ZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
APEX=_acme-challenge.example.test

# hook PROGRAM ARG...: run dns01-auth or dns01-cleanup as dehydrated does.
hook() {
    DNS01_PROVIDER=cloudflare "$DNS01_BIN/$1" "${@:2}"
}

sorted_txt() {
    dns_txt "$1" "$2" | sort | tr '\n' ' ' | sed 's/ $//'
}

sorted_values() {
    printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}

test_chain_deploys_and_cleans_both() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 hook dns01-auth deploy_challenge example.test t1 "$V1" example.test t2 "$V2"
    assert_eq "$(sorted_values "$V1" "$V2")" "$(sorted_txt ns1 "$APEX")" "TXT on ns1"
    assert_eq "$(sorted_values "$V1" "$V2")" "$(sorted_txt ns2 "$APEX")" "TXT on ns2"
    assert_eq 2 "$(mock_count POST '/dns_records$')" "POST requests"

    assert_exit 0 hook dns01-auth clean_challenge example.test t1 "$V1" example.test t2 "$V2"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after clean_challenge"
    assert_eq "" "$(dns_txt ns2 "$APEX")" "TXT on ns2 after clean_challenge"
    assert_eq 2 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
}

# dehydrated has one hook program, so dns01-cleanup must deploy too.
test_either_program_runs_named_step() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 hook dns01-cleanup deploy_challenge www.example.test unused "$V1"
    assert_eq "$V1" "$(dns_txt ns2 _acme-challenge.www.example.test)" "TXT on ns2"
    assert_contains "$(cat "$LAST_STDOUT")" "record " "deploy output"
    assert_exit 0 hook dns01-auth clean_challenge www.example.test unused "$V1"
    assert_eq "" "$(dns_txt ns1 _acme-challenge.www.example.test)" "TXT on ns1 after clean_challenge"
}

test_other_operations_do_nothing() {
    require_hooks
    use_cloudflare_token
    local operation
    for operation in startup_hook exit_hook deploy_cert unchanged_cert invalid_challenge request_failure \
        generate_csr sync_cert deploy_ocsp some_later_operation \
        this_hookscript_is_broken__dehydrated_is_working_fine__please_ignore_unknown_hooks_in_your_script; do
        assert_exit 0 hook dns01-auth "$operation" example.test /etc/ssl/private/key.pem "ERROR: x"
        assert_exit 0 hook dns01-cleanup "$operation"
    done
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}

test_value_and_token_starting_with_dash() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 hook dns01-auth deploy_challenge example.test -token "$V_DASH"
    assert_eq "$V_DASH" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_exit 0 hook dns01-auth clean_challenge example.test --token "$V_DASH"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after clean_challenge"
}

# dehydrated exits on a failed deploy_challenge without clean_challenge, so
# the hook deletes what the same call created before the failure.
test_chain_failure_deletes_earlier_records() {
    require_hooks
    use_cloudflare_token
    # dcv-provider.test is served by the rig but is not in the mock account.
    assert_exit 1 hook dns01-auth deploy_challenge example.test t1 "$V1" dcv-provider.test t2 "$V2"
    assert_contains "$(cat "$LAST_STDERR")" "dcv-provider.test" "error message"
    assert_eq 1 "$(mock_count POST '/dns_records$')" "POST requests"
    assert_eq 1 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records in the mock"
}

test_bad_triple_changes_nothing() {
    require_hooks
    use_cloudflare_token
    assert_exit 2 hook dns01-auth deploy_challenge example.test t1 "$V1" example.test t2 "$V1.thumbprint"
    assert_contains "$(cat "$LAST_STDERR")" "dehydrated deploy_challenge" "error message"
    assert_exit 2 hook dns01-auth deploy_challenge example.test t1 "$V1" example.test t2
    assert_contains "$(cat "$LAST_STDERR")" "DOMAIN TOKEN VALUE" "error message"
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
}
