# shellcheck shell=bash
# The fault matrix (docs/faults.md) for the Cloudflare provider: the case
# bodies of faults_lib.sh run against the Cloudflare mock, whose faults are
# described in tests/mock/mock_faults.py. Conventions: tests/lib.sh.
# Another provider gets the same cases from a file like this one that
# defines the fp_* adapter for its own mock.

# shellcheck source=tests/integration/faults_lib.sh
source "$LIB_REPO/tests/integration/faults_lib.sh"

# ---------------------------------------------------------------------------
# Adapter (see faults_lib.sh)

fp_setup() {
    use_cloudflare_token
}

fp_auth() {
    CERTBOT_DOMAIN=$1 CERTBOT_VALIDATION=$2 run_auth -vv "${@:3}"
}

fp_cleanup() {
    CERTBOT_DOMAIN=$1 CERTBOT_VALIDATION=$2 run_cleanup -vv "${@:3}"
}

# Method and path regex of each operation, as mock_fault and mock_count take them.
cf_operation_method() {
    case $1 in
        zone | list) printf 'GET\n' ;;
        create) printf 'POST\n' ;;
        delete) printf 'DELETE\n' ;;
        *) fail "unknown operation '$1'" ;;
    esac
}

cf_operation_path() {
    case $1 in
        zone) printf '/zones$\n' ;;
        list | create) printf '/dns_records$\n' ;;
        delete) printf '/dns_records/[^/]+$\n' ;;
        *) fail "unknown operation '$1'" ;;
    esac
}

# The fields of a mock_faults.py fault for each kind of the adapter.
cf_fault_fields() {
    case $1 in
        http500) printf '"kind": "status", "status": 500' ;;
        http502_html) printf '"kind": "html", "status": 502, "message": "Bad gateway"' ;;
        http503) printf '"kind": "status", "status": 503' ;;
        rate_limit_retry_after) printf '"kind": "status", "status": 429, "retry_after": 1' ;;
        rate_limit_bare) printf '"kind": "status", "status": 429' ;;
        hang) printf '"kind": "hang", "seconds": 60' ;;
        reset) printf '"kind": "reset"' ;;
        truncate) printf '"kind": "truncate"' ;;
        malformed_json) printf '"kind": "malformed_json"' ;;
        unknown_error)
            printf '"kind": "status", "status": 400, "code": 987654, "message": "an error this client never saw"' ;;
        success_false)
            printf '"kind": "status", "status": 200, "code": 1234, "message": "success false with HTTP 200"' ;;
        hostile_message)
            printf '"kind": "status", "status": 400, "code": 1000, "message": "\\u001b[2J\\u001b]0;owned\\u0007\\r\\nerror: forged line\\n%s"' \
                "$(printf 'x%.0s' {1..6000})" ;;
        duplicate_results | reorder_results | endless_pages | hostile_ids) printf '"kind": "%s"' "$1" ;;
        *) fail "the Cloudflare mock cannot produce the fault kind '$1'" ;;
    esac
}

fp_fault() {
    local operation=$1 kind=$2 count=$3 process=${4:-0} method path fields
    method=$(cf_operation_method "$operation")
    path=$(cf_operation_path "$operation")
    fields=$(cf_fault_fields "$kind")
    mock_fault "{\"method\": \"$method\", \"path\": \"$path\", $fields, \"count\": $count,
        \"process\": $( ((process)) && echo true || echo false)}"
}

fp_clear_faults() {
    lib_mock_call DELETE fault >/dev/null
}

cf_create_record() {
    local name=$1 type=$2 content=$3 zone_id
    zone_id=$(mock_zone_id "$(cf_zone_of "$name")")
    curl -fsS --max-time 30 --cacert "$RIG_CA" -H "Authorization: Bearer $CF_TEST_TOKEN" \
        -H 'Content-Type: application/json' \
        --data-binary "{\"type\": \"$type\", \"name\": \"$name\", \"content\": \"$content\", \"ttl\": 120}" \
        "$CLOUDFLARE_BASE_URL/zones/$zone_id/dns_records" >/dev/null ||
        fail "could not create the $type record $name through the mock API"
}

# Prints the longest account zone that contains the name.
cf_zone_of() {
    lib_mock_call GET zones | json_query "sorted([z['name'] for z in data if '$1'.endswith('.' + z['name'])], key=len)[-1]"
}

fp_seed_txt() {
    cf_create_record "$1" TXT "$2"
}

fp_seed_cname() {
    cf_create_record "$1" CNAME "$2"
}

fp_records_with_value() {
    mock_records | json_query "len([r for r in data if r['type'] == 'TXT' and r['name'] == '$1'
        and r['content'] in ('$2', '\"$2\"')])"
}

fp_cname_at() {
    mock_records | json_query "[r['content'] for r in data if r['type'] == 'CNAME' and r['name'] == '$1']"
}

fp_request_count() {
    mock_count "$(cf_operation_method "$1")" "$(cf_operation_path "$1")"
}

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

test_create_reset_after_create() {
    fault_api_case create reset -1 1 0
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "created all the same" "auth's log"
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
    fault_api_case create malformed_json 1 1 0
}

test_create_unknown_error_code() {
    fault_api_case create unknown_error 1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "error code 987654" "auth's message"
}

test_list_success_false() {
    fault_api_case list success_false 1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "error code 1234" "auth's message"
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

test_zone_hostile_ids_rejected() {
    fault_begin
    fp_fault zone hostile_ids 1
    fault_run auth example.test "$FAULT_VALUE"
    fault_check_invariant example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status 1
    assert_eq 0 "$(fp_request_count list)" "listings with a hostile zone id"
    assert_contains "$(cat "$FAULT_STDERR")" "without a valid id" "auth's message"
    fault_check_cleanup example.test "$FAULT_VALUE"
}

test_list_hostile_ids_rejected() {
    fault_begin
    fp_seed_txt _acme-challenge.example.test "$FAULT_FOREIGN_VALUE"
    fp_fault list hostile_ids 1
    fault_run auth example.test "$FAULT_VALUE"
    fault_check_invariant example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status 1
    assert_contains "$(cat "$FAULT_STDERR")" "invalid id" "auth's message"
    fault_check_cleanup example.test "$FAULT_VALUE"
}

test_cname_kept_under_fault() {
    fault_cname_case http500
}

test_cname_removed_then_restored() {
    fault_cname_remove_case create http500 5
}

test_cname_restored_after_timeout() {
    fault_cname_remove_dns_case
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
