# shellcheck shell=bash
# The alidns hooks against the alidns mock and the rig's knot servers: the
# normal create, cleanup and idempotency flows, where credentials come
# from, and signature version 3. Conventions: tests/lib.sh; alidns helpers: tests/mock/alidns_lib.sh.

# shellcheck source=../mock/alidns_lib.sh
source "$LIB_REPO/tests/mock/alidns_lib.sh"

APEX=_acme-challenge.example.test

test_create_and_cleanup() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth example.test "$ALIDNS_V1" -vv
    alidns_assert_clean
    local output record_id
    output=$(cat "$LAST_STDOUT")
    assert_contains "$output" "record " "auth output"
    assert_eq "$ALIDNS_V1" "$(dns_txt ns1 "$APEX")" "TXT on ns1"
    assert_eq "$ALIDNS_V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    record_id=$(alidns_txt_records "$APEX" | cut -d' ' -f1)
    assert_eq "$record_id 600 $ALIDNS_V1" "$(alidns_txt_records "$APEX")" "stored record (id, default TTL 600, value)"
    assert_eq "record $record_id zone example.test" "$output" "auth output line"
    assert_eq "_acme-challenge" "$(alidns_param AddDomainRecord RR)" "RR of the apex record"
    assert_eq "example.test" "$(alidns_param AddDomainRecord DomainName)" "DomainName"
    assert_eq "JSON" "$(alidns_param AddDomainRecord Format | sort -u)" "Format"

    CERTBOT_AUTH_OUTPUT=$output assert_exit 0 ali_cleanup example.test "$ALIDNS_V1" -vv
    alidns_assert_clean
    assert_eq "" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup"
    assert_eq "" "$(dns_txt ns2 "$APEX")" "TXT on ns2 after cleanup"
    assert_eq "$record_id" "$(alidns_param DeleteDomainRecord RecordId)" "deleted RecordId"
    assert_eq 1 "$(alidns_count DescribeSubDomainRecords)" "listings (auth only: cleanup uses the saved id)"
    assert_eq 1 "$(alidns_count AddDomainRecord)" "AddDomainRecord requests"
}

test_auth_rerun_reuses_record() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "exists already" "second auth"
    assert_eq 1 "$(alidns_count AddDomainRecord)" "AddDomainRecord requests"
    assert_eq 1 "$(alidns_txt_records "$APEX" | wc -l)" "stored TXT records"
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1"
    assert_eq 1 "$(alidns_count DeleteDomainRecord)" "DeleteDomainRecord requests"
    assert_eq "" "$(alidns_txt_records "$APEX")" "stored TXT records after cleanup"
}

test_cleanup_twice_harmless() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1"
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "nothing to delete" "second cleanup"
    assert_eq 1 "$(alidns_count DeleteDomainRecord)" "DeleteDomainRecord requests"
}

test_cleanup_without_state_finds_record() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth www.example.test "$ALIDNS_V1"
    rm -rf "$DNS01_STATE_DIR"
    assert_exit 0 ali_cleanup www.example.test "$ALIDNS_V1"
    assert_eq "" "$(dns_txt ns2 _acme-challenge.www.example.test)" "TXT on ns2 after cleanup"
    assert_eq 1 "$(alidns_count DeleteDomainRecord)" "DeleteDomainRecord requests"
}

# The record was deleted by someone else between auth and cleanup: the API
# returns DomainRecordNotBelongToUser, which cleanup takes as done.
test_cleanup_of_deleted_record() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    alidns_reset
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "gone already" "cleanup"
    assert_eq DomainRecordNotBelongToUser "$(alidns_codes DeleteDomainRecord)" "DeleteDomainRecord response"
}

# Apex and wildcard give two values at one name: both exist at once, and
# each cleanup deletes only its own value.
test_apex_and_wildcard_values() {
    require_hooks
    alidns_begin
    CERTBOT_REMAINING_CHALLENGES=1 assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    local output1
    output1=$(cat "$LAST_STDOUT")
    CERTBOT_REMAINING_CHALLENGES=0 assert_exit 0 ali_auth '*.example.test' "$ALIDNS_V2"
    assert_eq "$(printf '%s\n' "$ALIDNS_V1" "$ALIDNS_V2" | sort | tr '\n' ' ' | sed 's/ $//')" \
        "$(alidns_dns_values ns2 "$APEX")" "both values on ns2"
    assert_eq 0 "$(alidns_count DeleteDomainRecord)" "DeleteDomainRecord requests during auth"

    CERTBOT_AUTH_OUTPUT=$output1 assert_exit 0 ali_cleanup example.test "$ALIDNS_V1"
    assert_eq "$ALIDNS_V2" "$(dns_txt ns1 "$APEX")" "TXT on ns1 after cleanup of V1"
    assert_eq "$ALIDNS_V2" "$(dns_txt ns2 "$APEX")" "TXT on ns2 after cleanup of V1"
    assert_exit 0 ali_cleanup '*.example.test' "$ALIDNS_V2"
    assert_eq "" "$(dns_txt ns2 "$APEX")" "TXT on ns2 after both cleanups"
    assert_eq 2 "$(alidns_count DeleteDomainRecord)" "DeleteDomainRecord requests"
}

# Other records at the name (another host's TXT, an A record elsewhere) stay.
test_foreign_records_untouched() {
    require_hooks
    alidns_begin '{"records": [
        {"name": "_acme-challenge.example.test", "type": "TXT", "value": "'"$ALIDNS_V2"'"},
        {"name": "_acme-challenge.app.example.test", "type": "A", "value": "192.0.2.1"}]}'
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    rm -rf "$DNS01_STATE_DIR"
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1"
    assert_eq "$ALIDNS_V2" "$(dns_txt ns2 "$APEX")" "foreign TXT on ns2"
    assert_eq "192.0.2.1" "$(dns_query ns2 _acme-challenge.app.example.test A)" "A record on ns2"
    assert_eq 1 "$(alidns_count DeleteDomainRecord)" "DeleteDomainRecord requests"
}

# Listings page at 20 by default; with one record per page the hooks must
# follow every page of DescribeDomains and DescribeSubDomainRecords.
test_listings_paged() {
    require_hooks
    alidns_begin '{"records": [
        {"name": "_acme-challenge.www.other.test", "type": "TXT", "value": "foreign-1"},
        {"name": "_acme-challenge.www.other.test", "type": "TXT", "value": "foreign-2"},
        {"name": "_acme-challenge.www.other.test", "type": "TXT", "value": "'"$ALIDNS_V1"'"}]}'
    alidns_config '{"page_size": 1}'
    assert_exit 0 ali_auth www.other.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "exists already" "auth"
    assert_eq 0 "$(alidns_count AddDomainRecord)" "AddDomainRecord requests"
    assert_eq 5 "$(alidns_count DescribeDomains)" "DescribeDomains pages (5 zones, 1 per page)"
    assert_eq 3 "$(alidns_count DescribeSubDomainRecords)" "DescribeSubDomainRecords pages"
    assert_eq "1 2 3" "$(alidns_param DescribeSubDomainRecords PageNumber | tr '\n' ' ' | sed 's/ $//')" \
        "pages requested"
}

test_sts_token_used() {
    require_hooks
    alidns_begin
    alidns_use_key "$ALIDNS_TEST_STS_KEY_ID" "$ALIDNS_TEST_STS_KEY_SECRET" "$ALIDNS_TEST_STS_TOKEN"
    assert_exit 0 ali_auth example.test "$ALIDNS_V1" -vv
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1" -vv
    alidns_assert_clean
    assert_eq sts "$(alidns_requests | json_query 'sorted(set(e["credential"] for e in data))')" "credential used"
    assert_eq 0 "$(alidns_requests | json_query 'len([e for e in data if e["code"]])')" "failed requests"
}

test_credentials_file_option() {
    require_hooks
    alidns_begin
    unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
    local file=$TEST_TMPDIR/alidns.ini
    printf 'dns_aliyun_access_key = %s\ndns_aliyun_access_key_secret = %s\n' \
        "$ALIDNS_TEST_KEY_ID" "$ALIDNS_TEST_KEY_SECRET" >"$file"
    chmod 644 "$file"
    assert_exit 2 ali_auth example.test "$ALIDNS_V1" --credentials "$file"
    assert_contains "$(cat "$LAST_STDERR")" "chmod 600 '$file'" "error for a readable file"
    assert_eq 0 "$(alidns_requests | json_query 'len(data)')" "API requests with a refused file"

    chmod 600 "$file"
    assert_exit 0 ali_auth example.test "$ALIDNS_V1" --credentials "$file" -v
    assert_contains "$(cat "$LAST_STDERR")" "credentials file $file" "credentials source"
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1" --credentials "$file"
    alidns_assert_clean
}

test_shared_credentials_files() {
    require_hooks
    alidns_begin
    unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
    mkdir -p "$HOME/.alibabacloud" "$HOME/.aliyun"
    printf '[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n' \
        "$ALIDNS_TEST_KEY_ID" "$ALIDNS_TEST_KEY_SECRET" >"$HOME/.alibabacloud/credentials"
    chmod 600 "$HOME/.alibabacloud/credentials"
    assert_exit 0 ali_auth example.test "$ALIDNS_V1" -v
    assert_contains "$(cat "$LAST_STDERR")" "profile [default] of $HOME/.alibabacloud/credentials" "source"

    rm "$HOME/.alibabacloud/credentials"
    printf '{"current": "dns", "profiles": [{"name": "dns", "mode": "StsToken", "access_key_id": "%s", "access_key_secret": "%s", "sts_token": "%s"}]}\n' \
        "$ALIDNS_TEST_STS_KEY_ID" "$ALIDNS_TEST_STS_KEY_SECRET" "$ALIDNS_TEST_STS_TOKEN" >"$HOME/.aliyun/config.json"
    chmod 600 "$HOME/.aliyun/config.json"
    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1" -v
    assert_contains "$(cat "$LAST_STDERR")" "aliyun CLI profile 'dns'" "source"
    assert_eq "full sts" "$(alidns_requests | json_query 'sorted(set(e["credential"] for e in data))' | tr '\n' ' ' | sed 's/ $//')" \
        "credentials used"

    chmod 644 "$HOME/.aliyun/config.json"
    assert_exit 2 ali_cleanup example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "chmod 600" "error for a readable config.json"
}

test_missing_credentials() {
    require_hooks
    alidns_begin
    unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
    assert_exit 2 ali_auth example.test "$ALIDNS_V1"
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "no Alibaba Cloud credentials found" "error"
    assert_contains "$stderr" "ALIBABA_CLOUD_ACCESS_KEY_ID" "error"
    assert_contains "$stderr" "--credentials FILE" "error"
    assert_contains "$stderr" "~/.alibabacloud/credentials" "error"
    assert_eq 0 "$(alidns_requests | json_query 'len(data)')" "API requests"
}

test_endpoint_must_be_https() {
    require_hooks
    alidns_begin
    ALIBABA_CLOUD_DNS_ENDPOINT=http://127.0.0.1:18444/ assert_exit 2 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "not an https:// URL" "error"
    assert_eq 0 "$(alidns_requests | json_query 'len(data)')" "API requests"
}

# Signature version 3 (ALIBABA_CLOUD_DNS_SIGNATURE_VERSION=v3): every request
# is a POST with the parameters in the query and an ACS3-HMAC-SHA256
# Authorization header that the mock verifies, with an STS token too. A
# wrong secret is explained, and an unknown version is a usage error.
test_signature_v3_flow() {
    require_hooks
    alidns_begin
    export ALIBABA_CLOUD_DNS_SIGNATURE_VERSION=v3
    alidns_use_key "$ALIDNS_TEST_STS_KEY_ID" "$ALIDNS_TEST_STS_KEY_SECRET" "$ALIDNS_TEST_STS_TOKEN"
    assert_exit 0 ali_auth _under_score.example.test "$ALIDNS_V2" -vv
    alidns_assert_clean
    assert_eq "$ALIDNS_V2" "$(dns_txt ns2 _acme-challenge._under_score.example.test)" "TXT on ns2"
    assert_exit 0 ali_cleanup _under_score.example.test "$ALIDNS_V2" -vv
    alidns_assert_clean
    assert_eq "" "$(dns_txt ns2 _acme-challenge._under_score.example.test)" "TXT on ns2 after cleanup"

    local requests
    requests=$(alidns_requests | json_query 'len(data)')
    assert_eq "$requests" "$(alidns_requests | json_query 'len([e for e in data if e["signature"] == "ACS3-HMAC-SHA256" and e["signature_valid"] and e["status"] == 200])')" \
        "requests with a verified V3 signature"
    assert_eq POST "$(alidns_requests | json_query 'sorted(set(e["method"] for e in data))')" "methods"
    assert_eq 0 "$(alidns_requests | json_query 'len([e for e in data if "Signature" in e["params"] or "AccessKeyId" in e["params"]])')" \
        "requests with V1 parameters"
    assert_eq "_acme-challenge._under_score" "$(alidns_param AddDomainRecord RR)" "RR sent in the query"

    alidns_use_key "$ALIDNS_TEST_KEY_ID" "$ALIDNS_TEST_STS_KEY_SECRET"
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "SignatureDoesNotMatch" "error with a wrong secret"
    assert_contains "$(cat "$LAST_STDERR")" "copy the secret again" "error with a wrong secret"

    ALIBABA_CLOUD_DNS_SIGNATURE_VERSION=v2 assert_exit 2 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "use v1 (HMAC-SHA1, the default) or v3 (ACS3-HMAC-SHA256)" "error"
}
