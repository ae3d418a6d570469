# shellcheck shell=bash
# The Cloudflare hooks against the mock API and the rig's knot servers: the
# normal flow, field cases of DNS-01 hooks, and failures that must leave the
# zone as it was. Conventions: tests/lib.sh.

V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
V2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU
APEX=_acme-challenge.example.test

# Values of one name, sorted, on one line, for comparisons.
txt_values() {
    dns_txt "$1" "$2" | sort | tr '\n' ' ' | sed 's/ $//'
}

auth() {
    CERTBOT_DOMAIN=$1 CERTBOT_VALIDATION=$2 run_auth "${@:3}"
}

cleanup() {
    CERTBOT_DOMAIN=$1 CERTBOT_VALIDATION=$2 run_cleanup "${@:3}"
}

test_create_and_cleanup() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 auth example.test "$V1"
    local output
    output=$(cat "$LAST_STDOUT")
    assert_contains "$output" "record " "auth output"
    assert_eq "$V1" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_eq '"'"$V1"'"' "$(mock_records | json_query "[r['content'] for r in data if r['type'] == 'TXT']")" \
        "content stored as one quoted string"

    CERTBOT_AUTH_OUTPUT=$output assert_exit 0 cleanup example.test "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup"
    assert_eq "" "$(dns_txt ns2 "$APEX")" "TXT on ns2 after cleanup"
    assert_eq 1 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
    assert_eq 1 "$(mock_count GET '/dns_records')" "record listings (auth only: cleanup uses the saved id)"
}

test_cleanup_twice_harmless() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 auth example.test "$V1"
    assert_exit 0 cleanup example.test "$V1"
    assert_exit 0 cleanup example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "nothing to delete" "second cleanup"
    assert_eq 1 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
}

# C04: apex and wildcard give two values at one name; both must exist at once.
test_apex_and_wildcard_coexist() {
    require_hooks
    use_cloudflare_token
    CERTBOT_REMAINING_CHALLENGES=1 assert_exit 0 auth example.test "$V1"
    CERTBOT_REMAINING_CHALLENGES=0 assert_exit 0 auth '*.example.test' "$V2"
    assert_eq "$(printf '%s\n' "$V1" "$V2" | sort | tr '\n' ' ' | sed 's/ $//')" "$(txt_values ns2 "$APEX")" \
        "both values on ns2"
    assert_eq 2 "$(mock_count POST '/dns_records$')" "POST requests"
    assert_eq 0 "$(mock_count DELETE '.')" "DELETE requests during auth"
    assert_eq 0 "$(mock_count PUT '.')" "PUT requests during auth"
    assert_eq 0 "$(mock_count PATCH '.')" "PATCH requests during auth"
}

# C05: cleanup of one value deletes only that value's record.
test_cleanup_deletes_only_own_value() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 auth example.test "$V1"
    local output1
    output1=$(cat "$LAST_STDOUT")
    assert_exit 0 auth example.test "$V2"
    CERTBOT_AUTH_OUTPUT=$output1 assert_exit 0 cleanup example.test "$V1"
    assert_eq "$V2" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup of V1"
    assert_eq "$V2" "$(dns_txt ns2 "$APEX")" "TXT on ns2 after cleanup of V1"
    assert_exit 0 cleanup example.test "$V2"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after both cleanups"
    assert_eq 2 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
}

# C05: an id from CERTBOT_AUTH_OUTPUT that matches no record of ours is never deleted.
test_cleanup_ignores_unknown_id() {
    require_hooks
    use_cloudflare_token
    mock_reset "{\"records\": [{\"type\": \"TXT\", \"name\": \"$APEX\", \"content\": \"$V2\"}]}"
    local foreign_id
    foreign_id=$(mock_records | json_query "[r['id'] for r in data if r['type'] == 'TXT']")
    CERTBOT_AUTH_OUTPUT="record $foreign_id zone 00000000000000000000000000000000" \
        assert_exit 0 cleanup example.test "$V1"
    CERTBOT_AUTH_OUTPUT="" assert_exit 0 cleanup example.test "$V1"
    assert_eq 0 "$(mock_count DELETE '.')" "DELETE requests"
    assert_eq "$V2" "$(dns_txt ns1 "$APEX")" "foreign TXT on ns1"
}

# C06: an identical record that already exists is reused, and cleanup deletes it once.
test_existing_identical_record_reused() {
    require_hooks
    use_cloudflare_token
    mock_reset "{\"records\": [{\"type\": \"TXT\", \"name\": \"$APEX\", \"content\": \"$V1\"}]}"
    assert_exit 0 auth example.test "$V1"
    assert_eq 0 "$(mock_count POST '/dns_records$')" "POST requests"
    assert_exit 0 cleanup example.test "$V1"
    assert_eq 1 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup"
}

fault_fired() {
    [[ $(lib_mock_call GET fault | json_query 'len([f for f in data if f["fired"]])') -ge 1 ]]
}

# C06: the record appears between listing and creating; 81058 means it exists.
test_duplicate_code_treated_as_success() {
    require_hooks
    use_cloudflare_token
    local zone_id
    zone_id=$(mock_zone_id example.test)
    mock_fault '{"method": "POST", "path": "/dns_records$", "kind": "delay", "seconds": 3}'
    auth example.test "$V1" >"$TEST_TMPDIR/auth.out" 2>"$TEST_TMPDIR/auth.err" &
    local pid=$!
    # The delay fault has fired once the hook's POST is held; our own POST below then passes untouched.
    wait_until 20 "the hook's POST to reach the delay fault" fault_fired
    curl -sS --cacert "$RIG_CA" -H "Authorization: Bearer $CF_TEST_TOKEN" -H 'Content-Type: application/json' \
        --data-binary "{\"type\":\"TXT\",\"name\":\"$APEX\",\"content\":\"\\\"$V1\\\"\",\"ttl\":120}" \
        "$CLOUDFLARE_BASE_URL/zones/$zone_id/dns_records" >/dev/null
    local status=0
    wait "$pid" || status=$?
    assert_eq 0 "$status" "auth exit status; stderr: $(cat "$TEST_TMPDIR/auth.err")"
    assert_contains "$(cat "$TEST_TMPDIR/auth.err")" "exists already" "auth log"
    assert_exit 0 cleanup example.test "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup"
}

# C09: spacing, key order and unknown fields in JSON do not matter.
test_spaced_json_accepted() {
    require_hooks
    use_cloudflare_token
    mock_config '{"spaced_json": true}'
    assert_exit 0 auth example.test "$V1"
    assert_exit 0 cleanup example.test "$V1"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup"
}

# C10: a record stored unquoted (by another client) matches our value; cleanup deletes exactly it.
test_unquoted_content_matched() {
    require_hooks
    use_cloudflare_token
    mock_reset "{\"records\": [{\"type\": \"TXT\", \"name\": \"$APEX\", \"content\": \"$V1\"},
        {\"type\": \"TXT\", \"name\": \"$APEX\", \"content\": \"\\\"$V2\\\"\"}]}"
    assert_exit 0 cleanup example.test "$V1"
    assert_eq "$V2" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
    assert_exit 0 cleanup example.test "$V2"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after both"
    assert_eq 2 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
}

# C02: a CNAME at _acme-challenge blocks the TXT record: nothing is written, one clear message.
test_cname_blocks_txt() {
    require_hooks
    use_cloudflare_token
    local name=_acme-challenge.demo.example.test target=demo.example.test.12345.dcv-provider.test
    mock_reset "{\"records\": [{\"type\": \"CNAME\", \"name\": \"$name\", \"content\": \"$target\"}]}"
    assert_exit 1 auth demo.example.test "$V1"
    local message
    message=$(cat "$LAST_STDERR")
    assert_contains "$message" "$name is a CNAME to $target" "message"
    assert_contains "$message" "TXT record cannot exist" "message"
    assert_contains "$message" "Managed DCV" "message"
    assert_eq 1 "$(grep -c 'error:' "$LAST_STDERR")" "error lines"
    assert_eq 0 "$(mock_count POST '.')" "POST requests"
    assert_eq "$target" "$(dns_cname ns1 "$name")" "CNAME on ns1"
    assert_eq "$target" "$(dns_cname ns2 "$name")" "CNAME on ns2"
    assert_exit 0 cleanup demo.example.test "$V1"
    assert_eq 0 "$(mock_count DELETE '.')" "DELETE requests"
    assert_eq "$target" "$(dns_cname ns1 "$name")" "CNAME on ns1 after cleanup"
}

# C16: a name in a delegated child zone uses that zone and its nameservers.
test_delegated_child_zone() {
    require_hooks
    use_cloudflare_token
    local sub_id
    sub_id=$(mock_zone_id sub.example.test)
    assert_exit 0 auth test.sub.example.test "$V1" -v
    assert_eq 1 "$(mock_count POST "/zones/$sub_id/dns_records$")" "POST to the child zone"
    assert_contains "$(cat "$LAST_STDERR")" "zone sub.example.test" "log"
    assert_eq "$V1" "$(dns_txt ns2 _acme-challenge.test.sub.example.test)" "TXT on ns2"
    assert_exit 0 cleanup test.sub.example.test "$V1"
}

# C07/C17: the zone comes from the account, not from guessing labels or from local DNS.
test_zone_from_account() {
    require_hooks
    use_cloudflare_token
    local zone_id
    zone_id=$(mock_zone_id example.com.test)
    assert_exit 0 auth www.example.com.test "$V1"
    assert_eq 1 "$(mock_count POST "/zones/$zone_id/dns_records$")" "POST to example.com.test"
    assert_eq 0 "$(mock_count GET '/zones\?name=com\.test|/zones\?name=test(&|$)')" "single-label or suffix-only lookups"
    assert_exit 0 cleanup www.example.com.test "$V1"

    zone_id=$(mock_zone_id example.test)
    assert_exit 0 auth int.example.test "$V2"
    assert_eq 1 "$(mock_count POST "/zones/$zone_id/dns_records$")" "POST for int.example.test to example.test"
    assert_exit 0 cleanup int.example.test "$V2"
}

test_zone_outside_account() {
    require_hooks
    use_cloudflare_token
    assert_exit 1 auth www.dcv-provider.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "no zone in this Cloudflare account contains" "message"
    assert_eq 0 "$(mock_count POST '.')" "POST requests"
    assert_eq 0 "$(mock_count GET '/zones\?name=test(&|$)')" "single-label zone lookups"
}

# C13: a token that may not list zones works with --zone-id, and without it says so.
test_zone_scoped_token() {
    require_hooks
    use_cloudflare_token "$CF_TEST_ZONE_TOKEN"
    assert_exit 1 auth www.example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "--zone-id" "message"
    assert_contains "$(cat "$LAST_STDERR")" "denied" "message"
    assert_eq 0 "$(mock_count POST '.')" "POST requests"

    local zone_id
    zone_id=$(mock_zone_id example.test)
    assert_exit 0 auth www.example.test "$V1" --zone-id "$zone_id"
    assert_eq "$V1" "$(dns_txt ns2 _acme-challenge.www.example.test)" "TXT on ns2"
    CF_Zone_ID=$zone_id assert_exit 0 cleanup www.example.test "$V1"
    assert_eq "" "$(dns_txt ns2 _acme-challenge.www.example.test)" "TXT on ns2 after cleanup"
}

test_read_only_token_rejected() {
    require_hooks
    use_cloudflare_token "$CF_TEST_READONLY_TOKEN"
    assert_exit 1 auth example.test "$V1"
    assert_contains "$(cat "$LAST_STDERR")" "Zone:DNS:Edit" "message"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
}

# C21: authentication errors are never retried.
test_bad_token_not_retried() {
    require_hooks
    use_cloudflare_token wrong-token
    assert_exit 1 auth example.test "$V1"
    assert_eq 1 "$(mock_count '*' '.')" "API requests"
    assert_contains "$(cat "$LAST_STDERR")" "rejected the credentials" "message"
    assert_contains "$(cat "$LAST_STDERR")" "check the token" "message"
}

# C21: 429 with Retry-After and 5xx are retried, bounded.
test_rate_limit_retried() {
    require_hooks
    use_cloudflare_token
    mock_fault '{"method": "POST", "path": "/dns_records$", "status": 429, "retry_after": 1, "count": 2}'
    assert_exit 0 auth example.test "$V1"
    assert_eq 3 "$(mock_count POST '/dns_records$')" "POST attempts"
    assert_contains "$(cat "$LAST_STDERR")" "HTTP 429, retrying" "log"
    assert_exit 0 cleanup example.test "$V1"
}

# C22: auth b fails after retries; cleanup a deletes its record, cleanups b and c find nothing.
test_partial_failure_cleans_up() {
    require_hooks
    use_cloudflare_token
    CERTBOT_REMAINING_CHALLENGES=2 assert_exit 0 auth a.example.test "$V1"
    mock_fault '{"method": "POST", "path": "/dns_records$", "status": 500, "count": 5}'
    CERTBOT_REMAINING_CHALLENGES=1 assert_exit 1 auth b.example.test "$V2"
    assert_contains "$(cat "$LAST_STDERR")" "gave up after 5 attempts" "message"
    assert_contains "$(cat "$LAST_STDERR")" "b.example.test" "message"
    assert_exit 0 cleanup a.example.test "$V1"
    assert_exit 0 cleanup b.example.test "$V2"
    assert_exit 0 cleanup c.example.test "$V1"
    assert_eq 1 "$(mock_count DELETE '.')" "DELETE requests"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records left in the mock"
}

# C23: another host's TXT and an A record near our name are left alone.
test_foreign_records_untouched() {
    require_hooks
    use_cloudflare_token
    mock_reset "{\"records\": [{\"type\": \"TXT\", \"name\": \"_acme-challenge.app.example.test\", \"content\": \"$V2\"},
        {\"type\": \"A\", \"name\": \"_acme-challenge.app.example.test\", \"content\": \"192.0.2.7\"}]}"
    assert_exit 0 auth app.example.test "$V1"
    assert_exit 0 cleanup app.example.test "$V1"
    assert_eq "$V2" "$(dns_txt ns1 _acme-challenge.app.example.test)" "foreign TXT on ns1"
    assert_eq 192.0.2.7 "$(dns_query ns1 _acme-challenge.app.example.test A)" "A record on ns1"
    assert_eq 2 "$(mock_records | json_query 'len(data)')" "records left in the mock"
}

# C20: a TTL the API would reject is refused before any request.
test_ttl_validated_before_sending() {
    require_hooks
    use_cloudflare_token
    assert_exit 2 auth example.test "$V1" --ttl 30
    assert_contains "$(cat "$LAST_STDERR")" "1 (automatic) or 60 to 86400" "message"
    assert_eq 0 "$(mock_count '*' '.')" "API requests"
    assert_exit 0 auth example.test "$V1" --ttl 1
    assert_eq 1 "$(mock_records | json_query "[r['ttl'] for r in data if r['type'] == 'TXT']")" "stored TTL"
    assert_exit 0 cleanup example.test "$V1"
}

# A nameserver that never gets the record: auth times out, names it and deletes the record.
test_propagation_timeout_rolls_back() {
    require_hooks
    use_cloudflare_token
    mock_config '{"ns2_delay": 30}'
    assert_exit 1 auth example.test "$V1" --propagation-timeout 2 --poll-interval 0.5
    local message
    message=$(cat "$LAST_STDERR")
    assert_contains "$message" "ns2.example.test" "message"
    assert_contains "$message" "still do not serve" "message"
    assert_not_contains "$message" "ns1.example.test for" "message"
    assert_eq 1 "$(mock_count DELETE '/dns_records/')" "DELETE requests"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records left in the mock"
    assert_exit 0 cleanup example.test "$V1"
    assert_eq 1 "$(mock_count DELETE '/dns_records/')" "DELETE requests after cleanup"
}

test_waits_for_slow_nameserver() {
    require_hooks
    use_cloudflare_token
    mock_config '{"ns2_delay": 2}'
    assert_exit 0 auth example.test "$V1" --poll-interval 0.5
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2 when auth returns"
    assert_contains "$(cat "$LAST_STDERR")" "waiting for ns2.example.test" "progress log"
    assert_exit 0 cleanup example.test "$V1"
}

# SIGTERM while waiting: the hook deletes the record it created and exits 1, instead of dying with it left behind.
test_sigterm_during_wait_rolls_back() {
    require_hooks
    use_cloudflare_token
    mock_config '{"ns2_delay": 30}'
    # Through env, so that $! is the hook itself and not a subshell.
    env CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION="$V1" "$DNS01_BIN/dns01-auth" --provider cloudflare \
        --propagation-timeout 60 >"$TEST_TMPDIR/auth.out" 2>"$TEST_TMPDIR/auth.err" &
    local pid=$!
    wait_until 20 "the TXT record on ns1" eval '[[ -n $(dns_txt ns1 "$APEX") ]]'
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    assert_eq 1 "$status" "auth exit status after SIGTERM; stderr: $(cat "$TEST_TMPDIR/auth.err")"
    assert_contains "$(cat "$TEST_TMPDIR/auth.err")" "interrupted by signal 15" "message"
    assert_eq 0 "$(mock_records | json_query 'len(data)')" "records left in the mock"
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
    assert_eq "" "$(cat "$TEST_TMPDIR/auth.out")" "auth output for certbot"
}
