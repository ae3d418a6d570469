# shellcheck shell=bash
# Failures that users of other DNS-01 hooks reported with Alibaba Cloud DNS,
# reproduced against the alidns mock. They cover a CNAME left by a managed
# DCV service, zones under multi-level suffixes, zone lookup, signature
# encoding, clock skew, RAM policies scoped to one domain, TTL minimums,
# throttling and concurrent runs. Conventions: tests/lib.sh; alidns helpers:
# tests/mock/alidns_lib.sh.

# shellcheck source=../mock/alidns_lib.sh
source "$LIB_REPO/tests/mock/alidns_lib.sh"

APEX=_acme-challenge.example.test
ESA_TARGET=example.test.12345.dcv.aliyun-esa.com

# ESA Managed DCV leaves _acme-challenge as a CNAME: auth must see it before
# writing, write nothing, and explain; cleanup then changes nothing.
test_dcv_cname_blocks_txt() {
    require_hooks
    alidns_begin '{"records": [{"name": "'"$APEX"'", "type": "CNAME", "value": "'"$ESA_TARGET"'"}]}'
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "$APEX is a CNAME to $ESA_TARGET" "error"
    assert_contains "$stderr" "ESA" "error"
    assert_eq 1 "$(grep -c 'error' "$LAST_STDERR")" "error lines"
    assert_eq 0 "$(alidns_count AddDomainRecord)" "AddDomainRecord requests"
    assert_eq "$ESA_TARGET" "$(dns_cname ns2 "$APEX")" "CNAME on ns2"

    assert_exit 0 ali_cleanup example.test "$ALIDNS_V1"
    assert_eq 0 "$(alidns_count DeleteDomainRecord)" "DeleteDomainRecord requests"
    assert_eq "$ESA_TARGET" "$(dns_cname ns1 "$APEX")" "CNAME on ns1 after cleanup"
}

# A zone under a two-label suffix (like example.com.cn): the zone comes from
# the account, and the RR is relative to it.
test_multi_level_suffix_zone() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth www.example.com.test "$ALIDNS_V1"
    assert_eq "example.com.test" "$(alidns_param AddDomainRecord DomainName)" "DomainName"
    assert_eq "_acme-challenge.www" "$(alidns_param AddDomainRecord RR)" "RR"
    assert_eq "$ALIDNS_V1" "$(dns_txt ns2 _acme-challenge.www.example.com.test)" "TXT on ns2"
    assert_exit 0 ali_cleanup www.example.com.test "$ALIDNS_V1"
    assert_eq "" "$(dns_txt ns2 _acme-challenge.www.example.com.test)" "TXT on ns2 after cleanup"
}

# The zone is the longest account domain that is a suffix of the name; a
# single label is never sent as a domain.
test_zone_longest_account_suffix() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth saas-dev.example.test "$ALIDNS_V1"
    assert_exit 0 ali_auth www.sub.example.test "$ALIDNS_V1"
    assert_eq "$(printf 'example.test\nsub.example.test')" "$(alidns_param AddDomainRecord DomainName)" "DomainNames"
    assert_eq "$(printf '_acme-challenge.saas-dev\n_acme-challenge.www')" "$(alidns_param AddDomainRecord RR)" "RRs"
    assert_eq "$ALIDNS_V1" "$(dns_txt ns2 _acme-challenge.www.sub.example.test)" "TXT in the child zone on ns2"

    assert_exit 1 ali_auth www.nowhere.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "no domain of this Alibaba Cloud account contains _acme-challenge.www.nowhere.test" "error"
    assert_eq 0 "$(alidns_requests | json_query 'len([e for e in data if e["params"].get("DomainName") == "test"])')" \
        "requests with a single-label DomainName"
}

# Each hook run looks the zone up once, however many requests follow.
test_zone_lookup_once_per_run() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_exit 0 ali_auth example.test "$ALIDNS_V2"
    # The zone is cached in the state directory, so the second run skips the lookup.
    assert_eq 1 "$(alidns_count DescribeDomains)" "DescribeDomains requests for two runs"
}

# Signature encoding: every request, including an STS token with + / = and
# timestamps with ':', must verify on the mock's own recomputation, for GET.
test_signature_encoding_verified() {
    require_hooks
    alidns_begin
    alidns_use_key "$ALIDNS_TEST_STS_KEY_ID" "$ALIDNS_TEST_STS_KEY_SECRET" "$ALIDNS_TEST_STS_TOKEN"
    assert_exit 0 ali_auth _under_score.example.test "$ALIDNS_V2"
    assert_exit 0 ali_cleanup _under_score.example.test "$ALIDNS_V2"
    alidns_assert_clean
    local requests
    requests=$(alidns_requests | json_query 'len(data)')
    assert_eq "$requests" "$(alidns_requests | json_query 'len([e for e in data if e["signature_valid"] and e["status"] == 200])')" \
        "requests with a verified signature"
    assert_eq GET "$(alidns_requests | json_query 'sorted(set(e["method"] for e in data))')" "methods"
    assert_eq 1 "$(alidns_requests | json_query 'sorted(set(e["params"]["SignatureMethod"] + " " + e["params"]["SignatureVersion"] + " " + e["params"]["Version"] for e in data))' | grep -c '^HMAC-SHA1 1.0 2015-01-09$')" \
        "signature method, version and API version"
    assert_eq "$requests" "$(alidns_requests | json_query 'len(set(e["params"]["SignatureNonce"] for e in data))')" \
        "distinct nonces"
    assert_eq "$requests" "$(alidns_requests | json_query 'len([e for e in data if len(e["params"]["SignatureNonce"]) >= 32])')" \
        "nonces of at least 128 bits"
}

# A host clock 30 minutes slow: one request, then a message naming the skew.
test_clock_skew_stops_at_once() {
    require_hooks
    alidns_begin
    alidns_config '{"clock_skew": 1800}'
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    assert_contains "$(cat "$LAST_STDERR")" "behind the server's" "error"
    assert_eq 1 "$(alidns_requests | json_query 'len(data)')" "API requests"
}

# A RAM policy scoped to example.test: a configured zone skips the lookup,
# and without one the zone is found by reading the domain directly.
test_ram_scoped_key() {
    require_hooks
    alidns_begin
    alidns_use_key "$ALIDNS_TEST_RAM_KEY_ID" "$ALIDNS_TEST_RAM_KEY_SECRET"
    assert_exit 0 ali_auth www.example.test "$ALIDNS_V1" --zone example.test
    assert_eq 0 "$(alidns_count DescribeDomains)" "DescribeDomains requests with --zone"
    assert_exit 0 ali_cleanup www.example.test "$ALIDNS_V1" --zone example.test
    assert_eq "" "$(dns_txt ns2 _acme-challenge.www.example.test)" "TXT on ns2 after cleanup"

    alidns_reset
    # The runs above cached the zone in the state directory, which would skip the lookup.
    rm -rf "$DNS01_STATE_DIR"
    mkdir -p "$DNS01_STATE_DIR"
    assert_exit 0 ali_auth www.example.test "$ALIDNS_V1"
    assert_eq Forbidden.RAM "$(alidns_codes DescribeDomains)" "DescribeDomains response"
    assert_eq "$(printf 'www.example.test Forbidden.RAM\nexample.test OK')" \
        "$(alidns_requests action=DescribeDomainRecords | json_query '["%s %s" % (e["params"]["DomainName"], e["code"] or "OK") for e in data]')" \
        "domains read directly"
    assert_eq "$ALIDNS_V1" "$(dns_txt ns2 _acme-challenge.www.example.test)" "TXT on ns2"
}

# TTL: 600 by default (the free edition's minimum), a lower one sent as
# asked and explained when rejected, an invalid one never sent.
test_ttl_minimums() {
    require_hooks
    alidns_begin
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_eq 600 "$(alidns_param AddDomainRecord TTL)" "default TTL"
    assert_exit 2 ali_auth www.example.test "$ALIDNS_V1" --ttl 60
    assert_contains "$(cat "$LAST_STDERR")" "pass --ttl with a value from that minimum to 86400" "error"
    assert_exit 2 ali_auth www.example.test "$ALIDNS_V1" --ttl 0
    assert_exit 0 ali_auth www.example.test "$ALIDNS_V1" --ttl 86400
    assert_eq "$(printf '600\n60\n86400')" "$(alidns_param AddDomainRecord TTL)" "TTLs sent"
}

# Throttling is retried with backoff; an authentication error never is.
test_throttling_and_auth_errors() {
    require_hooks
    alidns_begin
    alidns_fault '[{"path": "DescribeSubDomainRecords$", "status": 400, "code": "Throttling.User", "count": 1},
                   {"path": "AddDomainRecord$", "status": 400, "code": "Throttling.User", "count": 2}]'
    assert_exit 0 ali_auth example.test "$ALIDNS_V1"
    assert_eq 2 "$(alidns_count DescribeSubDomainRecords)" "listing attempts"
    assert_eq 3 "$(alidns_count AddDomainRecord)" "AddDomainRecord attempts"

    alidns_reset
    alidns_use_key "$ALIDNS_TEST_UNKNOWN_KEY_ID" "$ALIDNS_TEST_KEY_SECRET"
    assert_exit 1 ali_auth example.test "$ALIDNS_V1"
    assert_eq 1 "$(alidns_requests | json_query 'len(data)')" "requests with an unknown key"
}

# Two auth runs on one zone at the same moment, one of them
# rejected with LastOperationNotFinished: both values end up present.
test_concurrent_auth_runs() {
    require_hooks
    alidns_begin
    # The first AddDomainRecord gets LastOperationNotFinished, and the next two overlap for a second.
    alidns_fault '[{"path": "AddDomainRecord$", "status": 400, "code": "LastOperationNotFinished", "count": 1},
                   {"path": "AddDomainRecord$", "kind": "delay", "seconds": 1, "count": 2}]'
    local first second status1=0 status2=0
    ali_auth example.test "$ALIDNS_V1" >"$TEST_TMPDIR/first.out" 2>&1 &
    first=$!
    ali_auth '*.example.test' "$ALIDNS_V2" >"$TEST_TMPDIR/second.out" 2>&1 &
    second=$!
    wait "$first" || status1=$?
    wait "$second" || status2=$?
    sed 's/^/first: /' "$TEST_TMPDIR/first.out" >&2
    sed 's/^/second: /' "$TEST_TMPDIR/second.out" >&2
    assert_eq 0 "$status1" "exit status of the first run"
    assert_eq 0 "$status2" "exit status of the second run"
    assert_eq "$(printf '%s\n' "$ALIDNS_V1" "$ALIDNS_V2" | sort | tr '\n' ' ' | sed 's/ $//')" \
        "$(alidns_dns_values ns2 "$APEX")" "both values on ns2"
    assert_contains "$(alidns_codes AddDomainRecord)" LastOperationNotFinished "AddDomainRecord responses"
}
