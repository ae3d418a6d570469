# shellcheck shell=bash
# The fault matrix (docs/faults.md) for the Alibaba Cloud DNS provider: the
# cases of faults_lib.sh run against the alidns mock, whose faults are
# described in tests/mock/alidns_faults.py, and the cases of alidns's own
# responses: throttling as HTTP 400, an error Code in an HTTP 200 response,
# a TotalCount that the pages never reach, domain names with control bytes,
# and signature version 3. Conventions: tests/lib.sh; alidns helpers: tests/mock/alidns_lib.sh.

# shellcheck source=tests/mock/alidns_lib.sh
source "$LIB_REPO/tests/mock/alidns_lib.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$LIB_REPO/tests/integration/faults_lib.sh"
# shellcheck source=tests/integration/faults_cases_lib.sh
source "$LIB_REPO/tests/integration/faults_cases_lib.sh"

# ---------------------------------------------------------------------------
# Adapter (see faults_lib.sh)

# The code of the unknown_error kind below.
FP_UNKNOWN_ERROR_TEXT=Mock.NeverDocumented
# How auth rejects a listing with a RecordId that is not decimal digits.
FP_INVALID_ID_TEXT="a record with the invalid RecordId"
# A create whose response was lost is deleted again by auth's rollback.
FP_LOST_CREATE_STATUS=1

# ALIDNS_FAULT_SIGNATURE=v3 makes the hooks sign with version 3 (POST).
fp_setup() {
    alidns_begin
    if [[ -n ${ALIDNS_FAULT_SIGNATURE:-} ]]; then
        export ALIBABA_CLOUD_DNS_SIGNATURE_VERSION=$ALIDNS_FAULT_SIGNATURE
    fi
}

fp_auth() {
    ali_auth "$1" "$2" -vv "${@:3}"
}

fp_cleanup() {
    ali_cleanup "$1" "$2" -vv "${@:3}"
}

# The API action of each operation.
ali_operation_action() {
    case $1 in
        zone) printf 'DescribeDomains\n' ;;
        list) printf 'DescribeSubDomainRecords\n' ;;
        create) printf 'AddDomainRecord\n' ;;
        delete) printf 'DeleteDomainRecord\n' ;;
        *) fail "unknown operation '$1'" ;;
    esac
}

# The fields of an alidns_faults.py fault for each kind of the adapter.
ali_fault_fields() {
    case $1 in
        http500) printf '"kind": "status", "status": 500' ;;
        http502_html) printf '"kind": "html", "status": 502, "message": "Bad Gateway"' ;;
        http503) printf '"kind": "status", "status": 503' ;;
        rate_limit_retry_after) printf '"kind": "status", "status": 429, "code": "Throttling.User", "retry_after": 1' ;;
        rate_limit_bare) printf '"kind": "status", "status": 429, "code": "Throttling.User"' ;;
        # Throttling.User with HTTP 400 rather than 429.
        throttling) printf '"kind": "status", "status": 400, "code": "Throttling.User"' ;;
        # A 429 from a proxy in front of the API, whose body is no API error.
        rate_limit_html) printf '"kind": "html", "status": 429, "message": "Too Many Requests"' ;;
        hang) printf '"kind": "hang", "seconds": 60' ;;
        reset) printf '"kind": "reset"' ;;
        truncate) printf '"kind": "truncate"' ;;
        malformed_json) printf '"kind": "malformed_json"' ;;
        unknown_error)
            printf '"kind": "status", "status": 400, "code": "%s", "message": "an error this client never saw"' \
                "$FP_UNKNOWN_ERROR_TEXT" ;;
        error_with_http_200)
            printf '"kind": "status", "status": 200, "code": "Mock.ErrorWithHttp200", "message": "an error code in an HTTP 200 response"' ;;
        hostile_message)
            printf '"kind": "status", "status": 400, "code": "Mock\\u001b[31m.Hostile", "message": "\\u001b[2J\\u001b]0;owned\\u0007\\r\\nerror: forged line\\n%s"' \
                "$(printf 'x%.0s' {1..6000})" ;;
        duplicate_results | reorder_results | endless_pages | overstated_total | hostile_ids) printf '"kind": "%s"' "$1" ;;
        *) fail "the alidns mock cannot produce the fault kind '$1'" ;;
    esac
}

fp_fault() {
    local operation=$1 kind=$2 count=$3 process=${4:-0} after=${5:-0} action fields
    action=$(ali_operation_action "$operation")
    fields=$(ali_fault_fields "$kind")
    alidns_fault "{\"path\": \"/$action\$\", $fields, \"count\": $count, \"after\": $after,
        \"process\": $( ((process)) && echo true || echo false)}"
}

fp_clear_faults() {
    alidns_control DELETE fault >/dev/null
}

fp_delay_ns2() {
    alidns_config "{\"ns2_delay\": $1}"
}

fp_seed_txt() {
    alidns_control POST records "{\"records\": [{\"name\": \"$1\", \"type\": \"TXT\", \"value\": \"$2\"}]}" >/dev/null
}

fp_seed_cname() {
    alidns_control POST records "{\"records\": [{\"name\": \"$1\", \"type\": \"CNAME\", \"value\": \"$2\"}]}" >/dev/null
}

fp_records_with_value() {
    alidns_records | json_query "len([r for r in data if r['Type'] == 'TXT' and r['Name'] == '$1' and r['Value'] == '$2'])"
}

fp_cname_at() {
    alidns_records | json_query "[r['Value'] for r in data if r['Type'] == 'CNAME' and r['Name'] == '$1']"
}

fp_request_count() {
    alidns_count "$(ali_operation_action "$1")"
}

# Every request of the hooks, faulted or not, passed the mock's signature
# checks (faults come after them) and carried no secret; no hook printed one.
fp_check_requests() {
    local secret
    assert_eq 0 "$(alidns_requests | json_query 'len([e for e in data if e["credential"] and not e["signature_valid"]])')" \
        "requests whose signature the mock rejected"
    assert_eq 0 "$(alidns_requests | json_query 'len([e for e in data if e["secret_in_request"]])')" \
        "requests that carry an AccessKey secret"
    for secret in "$ALIDNS_TEST_KEY_SECRET" "$ALIDNS_TEST_STS_TOKEN"; do
        if grep -qF -- "$secret" "$TEST_TMPDIR"/*.std*; then
            fail "a hook printed an AccessKey secret or STS token; see $(grep -lF -- "$secret" "$TEST_TMPDIR"/*.std* | head -n 1)"
        fi
    done
}

# ---------------------------------------------------------------------------
# Throttling and errors as alidns sends them

test_create_throttling_400_retried() {
    fault_api_case create throttling 2 0 0
}

test_list_throttling_400_always_fails() {
    fault_api_case list throttling -1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "Throttling.User" "auth's message"
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "rate limit was reached" "auth's advice"
}

test_list_429_html_retried() {
    fault_api_case list rate_limit_html 2 0 0
}

test_list_error_code_with_http_200() {
    fault_api_case list error_with_http_200 1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "Mock.ErrorWithHttp200" "auth's message"
}

# ---------------------------------------------------------------------------
# Listings that are wrong

# TotalCount always counts one more record than the pages hold, and the page
# after the last real one is empty: the listing ends there.
test_list_total_count_overstated() {
    fault_api_listing_case overstated_total
    assert_eq 2 "$(alidns_param DescribeSubDomainRecords PageNumber | sort -n | tail -n 1)" \
        "highest page number asked for"
}

# DomainName and PunyCode are the zone's id for alidns; names with control
# bytes match no name, so no zone is found and nothing is listed.
test_zone_hostile_names_rejected() {
    fault_begin
    fp_fault zone hostile_ids 1
    fault_run auth example.test "$FAULT_VALUE"
    fault_check_invariant example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status 1
    assert_eq 0 "$(fp_request_count list)" "listings without a zone"
    assert_contains "$(cat "$FAULT_STDERR")" "no domain of this Alibaba Cloud account contains" "auth's message"
    fault_check_cleanup example.test "$FAULT_VALUE"
}

# ---------------------------------------------------------------------------
# Signature version 3: POST requests, signed in headers

test_v3_create_reset_after_create() {
    export ALIDNS_FAULT_SIGNATURE=v3
    fault_api_case create reset -1 1 "$FP_LOST_CREATE_STATUS"
    fault_assert_lost_create_handled
}

test_v3_create_hang_after_create() {
    export ALIDNS_FAULT_SIGNATURE=v3 DNS01_HTTP_TIMEOUT=2
    fault_api_case create hang 1 1 0
    assert_eq 2 "$(fp_request_count create)" "create requests"
}
