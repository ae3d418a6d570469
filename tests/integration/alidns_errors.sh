# shellcheck shell=bash
# How the alidns hooks handle each error code of the API: what is retried,
# what stops at once, and that every message names the code, the RequestId
# and what to do. Conventions: tests/lib.sh; alidns helpers:
# tests/mock/alidns_lib.sh.

# shellcheck source=../mock/alidns_lib.sh
source "$LIB_REPO/tests/mock/alidns_lib.sh"

APEX=_acme-challenge.example.test

# The RequestId of the last logged request of ACTION.
last_request_id() {
    alidns_requests "action=$1" | json_query 'data[-1]["request_id"]'
}

# retried_code_recovers CODE STATUS: two injected error responses with CODE, then
# success on the third AddDomainRecord attempt.
retried_code_recovers() {
    local code=$1 status=$2
    require_hooks
    alidns_begin
    alidns_fault '{"path": "AddDomainRecord$", "status": '"$status"', "code": "'"$code"'", "count": 2}'
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_eq "$(printf '%s\n%s\nOK' "$code" "$code")" "$(alidns_codes AddDomainRecord)" "AddDomainRecord responses"
    assert_eq "$ALIDNS_V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_eq 1 "$(alidns_txt_records "$APEX" | wc -l)" "stored TXT records"
    # Each attempt is signed again, with a nonce of its own.
    assert_eq 3 "$(alidns_param AddDomainRecord SignatureNonce | sort -u | wc -l)" "distinct nonces"
    alidns_assert_clean
}

test_placeholder_secret_rejected() {
    require_hooks
    alidns_begin
    ALIBABA_CLOUD_ACCESS_KEY_SECRET=x assert_exit 2 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "the AccessKey secret is only 1 character long" "message"
    assert_not_contains "$(cat "$LAST_STDERR")" "[redacted]" "message"
    assert_eq 0 "$(alidns_requests | json_query 'len(data)')" "API requests"
}

test_throttling_retried() {
    retried_code_recovers Throttling 400
}

test_throttling_user_retried() {
    retried_code_recovers Throttling.User 400
}

test_throttling_api_retried() {
    retried_code_recovers Throttling.Api 400
}

test_last_operation_not_finished_retried() {
    retried_code_recovers LastOperationNotFinished 400
}

test_internal_error_retried() {
    retried_code_recovers InternalError 500
}

test_service_unavailable_retried() {
    retried_code_recovers ServiceUnavailable 503
}

test_transport_errors_retried() {
    require_hooks
    alidns_begin
    alidns_fault '[{"path": "DescribeDomains$", "kind": "reset", "count": 1},
                   {"path": "AddDomainRecord$", "kind": "html", "status": 502, "count": 1},
                   {"path": "AddDomainRecord$", "kind": "truncate", "count": 1}]'
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_eq 2 "$(alidns_count DescribeDomains)" "DescribeDomains attempts"
    assert_eq 3 "$(alidns_count AddDomainRecord)" "AddDomainRecord attempts"
    assert_eq "$ALIDNS_V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
}

test_throttling_gives_up_bounded() {
    require_hooks
    alidns_begin
    alidns_fault '{"path": "AddDomainRecord$", "status": 400, "code": "Throttling.User", "count": -1}'
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_eq 5 "$(alidns_count AddDomainRecord)" "AddDomainRecord attempts"
    assert_contains "$stderr" "gave up after 5 attempts" "error"
    assert_contains "$stderr" "Throttling.User" "error"
    assert_contains "$stderr" "RequestId $(last_request_id AddDomainRecord)" "error"
    assert_contains "$stderr" "rate limit" "error"
    assert_eq "" "$(alidns_txt_records "$APEX")" "stored TXT records"
}

test_signature_nonce_used_retried_once() {
    require_hooks
    alidns_begin
    alidns_fault '{"path": "AddDomainRecord$", "status": 400, "code": "SignatureNonceUsed", "count": 1}'
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_eq "$(printf 'SignatureNonceUsed\nOK')" "$(alidns_codes AddDomainRecord)" "AddDomainRecord responses"

    alidns_reset
    alidns_fault '{"path": "AddDomainRecord$", "status": 400, "code": "SignatureNonceUsed", "count": 2}'
    assert_exit 1 ali_auth www.example.test "$ALIDNS_V1"
    assert_eq 2 "$(alidns_count AddDomainRecord)" "AddDomainRecord attempts (one retry only)"
    assert_contains "$(cat "$LAST_STDERR")" "SignatureNonceUsed" "error"
}

# The mock's clock runs 30 minutes ahead: the hook must stop at the first
# response and report how far off the clock is, measured by the Date header.
test_timestamp_expired_names_skew() {
    require_hooks
    alidns_begin
    alidns_config '{"clock_skew": 1800}'
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_eq 1 "$(alidns_requests | json_query 'len(data)')" "API requests (no retry)"
    assert_contains "$stderr" "InvalidTimeStamp.Expired" "error"
    assert_contains "$stderr" "RequestId $(last_request_id DescribeDomains)" "error"
    [[ $stderr =~ clock\ is\ (29\ min\ 5[0-9]|30\ min\ [0-9])\ s\ behind ]] ||
        fail "error does not state a skew of about 30 minutes behind: $stderr"
    assert_contains "$stderr" "NTP" "error"

    alidns_config '{"clock_skew": -1200}'
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "ahead of the server's" "error for a fast clock"
}

test_unknown_access_key() {
    require_hooks
    alidns_begin
    alidns_use_key "$ALIDNS_TEST_UNKNOWN_KEY_ID" "$ALIDNS_TEST_KEY_SECRET"
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_eq 1 "$(alidns_requests | json_query 'len(data)')" "API requests (no retry)"
    assert_contains "$stderr" "InvalidAccessKeyId.NotFound (HTTP 404, RequestId $(last_request_id DescribeDomains))" "error"
    assert_contains "$stderr" "ALIBABA_CLOUD_ACCESS_KEY_ID" "error names the source"
    assert_contains "$stderr" "RAM console" "error"
    alidns_assert_clean
}

test_wrong_secret() {
    require_hooks
    alidns_begin
    alidns_use_key "$ALIDNS_TEST_KEY_ID" wrong-secret-value
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_eq 1 "$(alidns_requests | json_query 'len(data)')" "API requests (no retry)"
    assert_contains "$stderr" "SignatureDoesNotMatch" "error"
    assert_contains "$stderr" "RequestId $(last_request_id DescribeDomains)" "error"
    assert_contains "$stderr" "AccessKey secret" "error"
    assert_not_contains "$stderr" "wrong-secret-value" "error"
}

test_expired_sts_token_mismatch() {
    require_hooks
    alidns_begin
    alidns_use_key "$ALIDNS_TEST_STS_KEY_ID" "$ALIDNS_TEST_STS_KEY_SECRET" not-the-issued-token
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "InvalidSecurityToken.MismatchWithAccessKey" "error"
    assert_eq 1 "$(alidns_requests | json_query 'len(data)')" "API requests (no retry)"
}

# A RAM policy covering example.test only: DescribeDomains is denied and
# other.test cannot be read, so the hook must report that and point to --zone.
test_forbidden_ram() {
    require_hooks
    alidns_begin
    alidns_use_key "$ALIDNS_TEST_RAM_KEY_ID" "$ALIDNS_TEST_RAM_KEY_SECRET"
    assert_exit 1 ali_auth www.other.test "$ALIDNS_V1"
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "Forbidden.RAM" "error"
    assert_contains "$stderr" "DescribeDomains" "error"
    assert_contains "$stderr" "--zone" "error"
    assert_contains "$stderr" "RequestId $(last_request_id DescribeDomains)" "error"
    assert_eq 1 "$(alidns_count DescribeDomains)" "DescribeDomains requests (no retry)"
    assert_eq "" "$(alidns_txt_records _acme-challenge.www.other.test)" "stored TXT records"

    assert_exit 1 ali_auth www.other.test "$ALIDNS_V1" --zone other.test
    assert_contains "$(cat "$LAST_STDERR")" "Forbidden.RAM" "error with --zone"
    assert_eq 0 "$(alidns_count AddDomainRecord)" "AddDomainRecord requests"
}

test_incorrect_domain_user() {
    require_hooks
    alidns_begin
    assert_exit 1 ali_auth www.dcv-provider.test "$ALIDNS_V1" --zone dcv-provider.test
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "IncorrectDomainUser" "error"
    assert_contains "$stderr" "not in the account" "error"
    assert_contains "$stderr" "RequestId $(last_request_id DescribeSubDomainRecords)" "error"
    assert_eq 1 "$(alidns_requests | json_query 'len(data)')" "API requests (no retry)"

    # An AccessKey of an account without domains: the zone is unknown to it.
    alidns_use_key "$ALIDNS_TEST_EMPTY_KEY_ID" "$ALIDNS_TEST_EMPTY_KEY_SECRET"
    assert_exit 1 ali_auth example.test "$ALIDNS_V1" --zone example.test
    assert_contains "$(cat "$LAST_STDERR")" "IncorrectDomainUser" "error for an account without domains"
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "no domain of this Alibaba Cloud account contains" \
        "error when the account lists no domains"
}

test_domain_does_not_exist() {
    require_hooks
    alidns_begin
    assert_exit 1 ali_auth www.nowhere.test "$ALIDNS_V1" --zone nowhere.test
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "InvalidDomainName.NoExist" "error"
    assert_contains "$stderr" "RequestId $(last_request_id DescribeSubDomainRecords)" "error"
    assert_eq 1 "$(alidns_requests | json_query 'len(data)')" "API requests (no retry)"
}

# The listing lags behind: our value exists but is not listed yet, so
# AddDomainRecord returns DomainRecordDuplicate, and the hook must find the
# existing record's id and succeed.
test_duplicate_record_reused() {
    require_hooks
    alidns_begin '{"records": [{"name": "'"$APEX"'", "type": "TXT", "value": "'"$ALIDNS_V1"'",
                   "id": "1892000000000000777", "unlisted": 1}]}'
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_eq DomainRecordDuplicate "$(alidns_codes AddDomainRecord)" "AddDomainRecord response"
    assert_contains "$(cat "$LAST_STDERR")" "1892000000000000777" "auth names the reused id"
    assert_eq "record 1892000000000000777 zone example.test" "$(cat "$LAST_STDOUT")" "auth output"
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1"
    assert_eq 1892000000000000777 "$(alidns_param DeleteDomainRecord RecordId)" "deleted RecordId"
    assert_eq "" "$(alidns_txt_records "$APEX")" "stored TXT records after cleanup"
}

# A CNAME the first listing did not show: AddDomainRecord returns
# DomainRecordConflict, the hook lists the name once more, finds the CNAME
# and explains the conflict.
test_record_conflict_reported() {
    require_hooks
    alidns_begin '{"records": [{"name": "'"$APEX"'", "type": "CNAME",
                   "value": "example.test.12345.dcv-provider.test", "unlisted": 1}]}'
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    assert_eq DomainRecordConflict "$(alidns_codes AddDomainRecord)" "AddDomainRecord responses"
    assert_contains "$(cat "$LAST_STDERR")" "is a CNAME to example.test.12345.dcv-provider.test" "error"
    assert_contains "$(cat "$LAST_STDERR")" "DomainRecordConflict" "log keeps the API code"
    assert_eq "" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_eq 1 "$(alidns_count AddDomainRecord)" "AddDomainRecord requests"
}

test_ttl_below_edition_minimum() {
    require_hooks
    alidns_begin
    assert_exit 2 ali_auth example.test "$ALIDNS_V1" --ttl 300
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "QuotaExceeded.TTL" "error"
    assert_contains "$stderr" "600 seconds for the free and personal editions" "error"
    assert_contains "$stderr" "RequestId $(last_request_id AddDomainRecord)" "error"
    assert_eq 300 "$(alidns_param AddDomainRecord TTL)" "TTL sent"
    assert_eq "" "$(alidns_txt_records "$APEX")" "stored TXT records"
}

test_ttl_out_of_range_not_sent() {
    require_hooks
    alidns_begin
    assert_exit 2 ali_auth example.test "$ALIDNS_V1" --ttl 86401
    assert_contains "$(cat "$LAST_STDERR")" "invalid TTL 86401 for Alibaba Cloud DNS" "error"
    assert_eq 0 "$(alidns_requests | json_query 'len(data)')" "API requests"
}
