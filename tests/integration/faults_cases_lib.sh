# shellcheck shell=bash
# The cases of the fault matrix (docs/faults.md) that every provider runs;
# the bodies and the adapter they use are in faults_lib.sh. A provider's
# file sources both, and the runner counts these test_ functions as that
# file's tests (tests/run-integration.sh). Files that only want the helpers
# of faults_lib.sh do not source this one.

# ---------------------------------------------------------------------------
# API faults during auth: server errors and rate limits

test_create_500_once_retried() {
    fault_api_case create http500 1 0 0
}

test_create_500_always_fails() {
    fault_api_case create http500 -1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "gave up after 5 attempts" "auth's message"
}

test_list_502_html_retried() {
    fault_api_case list http502_html 2 0 0
}

test_zone_503_retried() {
    fault_api_case zone http503 1 0 0
}

test_create_429_retry_after() {
    fault_api_case create rate_limit_retry_after 2 0 0
}

test_list_429_without_retry_after() {
    fault_api_case list rate_limit_bare 2 0 0
}

# ---------------------------------------------------------------------------
# API faults during auth: broken connections and bodies

test_create_hang_once_retried() {
    export DNS01_HTTP_TIMEOUT=2
    fault_api_case create hang 1 0 0
}

test_create_hang_after_create() {
    export DNS01_HTTP_TIMEOUT=2
    fault_api_case create hang 1 1 0
    assert_eq 2 "$(fp_request_count create)" "create requests"
}

test_zone_hang_always_fails() {
    export DNS01_HTTP_TIMEOUT=1
    fault_api_case zone hang -1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "gave up after 5 attempts" "auth's message"
}

test_list_reset_mid_body() {
    fault_api_case list reset 1 0 0
}

# Every response to the create request is reset, although the record was made.
test_create_reset_after_create() {
    fault_api_case create reset -1 1 "$FP_LOST_CREATE_STATUS"
    fault_assert_lost_create_handled
}

# fault_assert_lost_create_handled: auth's log shows what became of a record
# whose create response was lost, as FP_LOST_CREATE_STATUS expects.
fault_assert_lost_create_handled() {
    if ((FP_LOST_CREATE_STATUS == 0)); then
        assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "created all the same" "auth's log"
    else
        assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "created although the create request failed" \
            "auth's log"
    fi
}

test_create_truncated_after_create() {
    fault_api_case create truncate 1 1 0
}

test_tls_wrong_ca() {
    fault_tls_case
}

# ---------------------------------------------------------------------------
# API faults during auth: responses that are wrong

test_list_malformed_json() {
    fault_api_case list malformed_json 1 0 1
}

test_create_malformed_after_create() {
    fault_api_case create malformed_json 1 1 "$FP_LOST_CREATE_STATUS"
    fault_assert_lost_create_handled
}

test_create_unknown_error_code() {
    fault_api_case create unknown_error 1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "$FP_UNKNOWN_ERROR_TEXT" "auth's message"
}

test_create_hostile_message_escaped() {
    fault_api_case create hostile_message 1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" '\x1b[2J' "escaped message"
}

test_list_results_duplicated() {
    fault_api_listing_case duplicate_results
}

test_list_results_reordered() {
    fault_api_listing_case reorder_results
}

test_list_pages_never_end() {
    fault_api_case list endless_pages -1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "more than 100 pages" "auth's message"
}

# Another host's record at the name has an id with control bytes, a path
# and 300 characters: the listing is rejected before the id is used.
test_list_hostile_ids_rejected() {
    fault_begin
    fp_seed_txt _acme-challenge.example.test "$FAULT_FOREIGN_VALUE"
    fp_fault list hostile_ids 1
    fault_run auth example.test "$FAULT_VALUE"
    fault_check_invariant example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status 1
    assert_contains "$(cat "$FAULT_STDERR")" "$FP_INVALID_ID_TEXT" "auth's message"
    fault_check_cleanup example.test "$FAULT_VALUE"
}

# Cleanup without its state entry lists the name and finds its own record
# under such an id, which it must neither send nor print.
test_cleanup_hostile_id_of_own_record() {
    fault_begin
    fault_run auth example.test "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}"
    fault_expect_status 0
    rm -rf "$DNS01_STATE_DIR/records"
    fp_fault list hostile_ids -1
    fault_run cleanup example.test "$FAULT_VALUE"
    [[ $FAULT_STATUS == 1 ]] || fail "cleanup with a hostile record id exited with status $FAULT_STATUS, expected 1"
    assert_contains "$(cat "$FAULT_STDERR")" "$FP_INVALID_ID_TEXT" "cleanup's message"
    assert_eq 0 "$(fp_request_count delete)" "delete requests with a hostile record id"
    assert_eq 1 "$(fp_records_with_value _acme-challenge.example.test "$FAULT_VALUE")" "records kept"
    fault_check_cleanup example.test "$FAULT_VALUE"
}

# The response to the create request carries such an id: the record is made
# but its id is unknown, so auth finds it by listing and deletes it again.
test_create_hostile_record_id() {
    fault_api_case create hostile_ids 1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "created although the create request failed" "auth's log"
}

# ---------------------------------------------------------------------------
# A CNAME at the name while the API fails

test_cname_kept_under_fault() {
    fault_cname_case http500
}

test_cname_removed_then_restored() {
    fault_cname_remove_case 1 "create http500 5"
}

test_cname_removed_create_rejected() {
    fault_cname_remove_case 1 "create unknown_error 1"
}

test_cname_removed_create_throttled() {
    fault_cname_remove_case 1 "create rate_limit_bare 5"
}

test_cname_removed_create_hangs() {
    export DNS01_HTTP_TIMEOUT=1
    fault_cname_remove_case 1 "create hang 5"
}

test_cname_removed_create_reset() {
    fault_cname_remove_case "$FP_LOST_CREATE_STATUS" "create reset 5 1"
}

test_cname_removed_create_malformed() {
    fault_cname_remove_case "$FP_LOST_CREATE_STATUS" "create malformed_json 1 1"
}

# The create's response is malformed, then the second listing of the run,
# which comes after the CNAME was removed, meets HTTP 500 once.
test_cname_removed_relisting_retried() {
    fault_cname_remove_case "$FP_LOST_CREATE_STATUS" "create malformed_json 1 1" "list http500 1 0 1"
}

# Auth sent the TXT record's create request and three to restore the CNAME.
assert_restore_create_retried() {
    assert_eq 4 "$(($(fp_request_count create) - FAULT_SEEDED_CREATES))" "create requests of auth"
}

# The TXT record is rejected, then the create request that restores the
# CNAME meets HTTP 500 twice.
test_cname_restore_create_retried() {
    FAULT_AFTER_AUTH=assert_restore_create_retried
    fault_cname_remove_case 1 "create unknown_error 1" "create http500 2"
}

test_cname_restored_after_timeout() {
    fault_cname_remove_dns_case
}

# Auth times out; deleting the TXT record meets HTTP 500 twice before the
# CNAME can come back.
test_cname_restored_after_rollback_retry() {
    fault_cname_remove_dns_case "delete http500 2 0 1"
}

# ---------------------------------------------------------------------------
# API faults during cleanup and during auth's rollback

test_delete_500_retried() {
    fault_cleanup_case http500 2 0 0
}

test_delete_reset_after_delete() {
    fault_cleanup_case reset 1 1 0
}

test_delete_500_always_kept_for_retry() {
    fault_cleanup_case http500 -1 0 1
}

test_rollback_delete_retried() {
    fault_rollback_case http500 2 0
}

test_rollback_delete_always_fails() {
    fault_rollback_case http500 -1 1
}

test_cleanup_nothing_to_do() {
    fault_begin
    fault_run cleanup example.test "$FAULT_VALUE"
    [[ $FAULT_STATUS == 0 ]] || fail "cleanup with nothing to do exited with status $FAULT_STATUS"
    assert_eq 0 "$(fp_request_count delete)" "delete requests"
}

# ---------------------------------------------------------------------------
# DNS faults at ns3, the third nameserver of dnsfault.test

test_dns_servfail_then_serves() {
    fault_dns_case '{"action": "servfail", "qtype": "TXT", "count": 2}' 0
}

test_dns_servfail_always() {
    fault_dns_case '{"action": "servfail", "qtype": "TXT"}' 1
}

test_dns_refused_then_serves() {
    fault_dns_case '{"action": "refused", "qtype": "TXT", "count": 2}' 0
}

test_dns_refused_always() {
    fault_dns_case '{"action": "refused", "qtype": "TXT"}' 1
}

test_dns_no_answer_then_serves() {
    fault_dns_case '{"action": "drop", "qtype": "TXT", "count": 1}' 0
}

test_dns_no_answer_always() {
    fault_dns_case '{"action": "drop", "qtype": "TXT"}' 1
}

assert_txt_repeated_over_tcp() {
    (($(dnsfault_count 'q["transport"] == "tcp" and q["qtype"] == "TXT"') > 0)) ||
        fail "auth never repeated the truncated TXT query over TCP"
}

assert_ns_repeated_over_tcp() {
    (($(dnsfault_count 'q["transport"] == "tcp" and q["qtype"] == "NS"') > 0)) ||
        fail "auth never repeated the truncated NS query over TCP"
}

test_dns_truncated_udp_uses_tcp() {
    FAULT_AFTER_AUTH=assert_txt_repeated_over_tcp
    fault_dns_case '{"action": "truncate", "qtype": "TXT", "transport": "udp"}' 0
}

test_dns_nameserver_never_updated() {
    fault_dns_case '{"action": "stale", "qtype": "TXT", "qname": "^_acme-challenge"}' 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "value not served yet" "auth's message"
}

test_dns_ipv6_address_drops() {
    fault_ipv6_drop_case
}

test_dns_lame_delegation() {
    fault_dns_case '{"action": "lame"}' 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "not authoritative" "auth's message"
}

test_dns_resolver_servfail() {
    fault_resolver_case '{"action": "servfail", "qtype": "NS"}' 1
}

test_dns_resolver_truncated() {
    FAULT_AFTER_AUTH=assert_ns_repeated_over_tcp
    fault_resolver_case '{"action": "truncate", "transport": "udp"}' 0
}
