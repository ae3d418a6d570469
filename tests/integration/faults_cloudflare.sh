# shellcheck shell=bash
# The fault matrix (docs/faults.md) for the Cloudflare provider: the cases
# of faults_lib.sh run against the Cloudflare mock, whose faults are
# described in tests/mock/mock_faults.py, and the cases of Cloudflare's own
# responses: "success": false and a zone id that is no valid id. Conventions:
# tests/lib.sh.

# shellcheck source=tests/integration/faults_lib.sh
source "$LIB_REPO/tests/integration/faults_lib.sh"
# shellcheck source=tests/integration/faults_cases_lib.sh
source "$LIB_REPO/tests/integration/faults_cases_lib.sh"

# ---------------------------------------------------------------------------
# Adapter (see faults_lib.sh)

# The code of the unknown_error kind below.
FP_UNKNOWN_ERROR_TEXT="error code 987654"
# How auth rejects a listing with a record id that is not hexadecimal.
FP_INVALID_ID_TEXT="invalid id"
# A create whose response was lost is looked up by listing the name.
FP_LOST_CREATE_STATUS=0

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
    local operation=$1 kind=$2 count=$3 process=${4:-0} after=${5:-0} method path fields
    method=$(cf_operation_method "$operation")
    path=$(cf_operation_path "$operation")
    fields=$(cf_fault_fields "$kind")
    mock_fault "{\"method\": \"$method\", \"path\": \"$path\", $fields, \"count\": $count,
        \"after\": $after, \"process\": $( ((process)) && echo true || echo false)}"
}

fp_clear_faults() {
    lib_mock_call DELETE fault >/dev/null
}

fp_delay_ns2() {
    mock_config "{\"ns2_delay\": $1}"
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

fp_check_requests() {
    assert_eq 0 "$(mock_requests | json_query 'len([e for e in data if e["secret_in_request"]])')" \
        "requests that carry a credential outside its header"
}

# ---------------------------------------------------------------------------
# Cloudflare's own responses

test_list_success_false() {
    fault_api_case list success_false 1 0 1
    assert_contains "$(cat "$TEST_TMPDIR"/*.auth.stderr)" "error code 1234" "auth's message"
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
