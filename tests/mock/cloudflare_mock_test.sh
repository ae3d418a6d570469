# shellcheck shell=bash
# Contract tests of the Cloudflare mock and its DNS side, driven with curl and
# kdig only, so they run before the hooks build. Conventions: tests/lib.sh.

EXAMPLE_ZONE_ID=e2f8c16330cbd51d52d9df189ea084b0
OTHER_ZONE_ID=ef68ee158e807faaaa076f03a69e0c9a
ACME_NAME=_acme-challenge.example.test
VALUE1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
VALUE2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU

# cf METHOD PATH [JSON] [CURL-ARG...]: call the API with the full token unless
# CURL-ARGs give other headers. Prints the body, then the HTTP status on the
# last line.
cf() {
    local method=$1 path=$2 body=${3:-}
    shift $(($# < 3 ? $# : 3))
    local args=(-sS --max-time 20 --cacert "$RIG_CA" -X "$method" -w '\n%{http_code}')
    if (($# > 0)); then
        args+=("$@")
    else
        args+=(-H "Authorization: Bearer $CF_TEST_TOKEN")
    fi
    if [[ -n $body ]]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$body")
    fi
    curl "${args[@]}" "$CLOUDFLARE_BASE_URL$path"
}

status_of() {
    printf '%s\n' "${1##*$'\n'}"
}

body_of() {
    printf '%s\n' "${1%$'\n'*}"
}

codes_of() {
    body_of "$1" | json_query '",".join(str(error["code"]) for error in data["errors"])'
}

create_txt() {
    cf POST "/zones/$EXAMPLE_ZONE_ID/dns_records" \
        "{\"type\":\"TXT\",\"name\":\"$1\",\"content\":\"$2\",\"ttl\":120}"
}

test_zone_lookup_exact_name() {
    local response
    response=$(cf GET '/zones?name=EXAMPLE.test&status=active')
    assert_eq 200 "$(status_of "$response")" "status"
    assert_eq "$EXAMPLE_ZONE_ID" "$(body_of "$response" | json_query '[zone["id"] for zone in data["result"]]')" "zone ids"
    assert_eq 1 "$(body_of "$response" | json_query 'data["result_info"]["total_count"]')" "total_count"

    response=$(cf GET '/zones?name=www.example.test')
    assert_eq 0 "$(body_of "$response" | json_query 'len(data["result"])')" "zones for www.example.test"
    assert_eq 0 "$(body_of "$response" | json_query 'data["result_info"]["total_pages"]')" "total_pages"

    response=$(cf GET '/zones?name=dcv-provider.test')
    assert_eq 0 "$(body_of "$response" | json_query 'len(data["result"])')" "zones outside the account"

    response=$(cf GET '/zones?per_page=500')
    assert_eq 50 "$(body_of "$response" | json_query 'data["result_info"]["per_page"]')" "per_page above 50"
    assert_eq 7 "$(body_of "$response" | json_query 'data["result_info"]["total_count"]')" "account zones"

    response=$(cf GET '/zones/0123456789abcdef0123456789abcdef')
    assert_eq 400 "$(status_of "$response")" "status for an unknown zone id"
    assert_eq 7003,7000 "$(codes_of "$response")" "codes for an unknown zone id"
}

test_auth_errors() {
    local response
    response=$(cf GET /zones '' -H 'Authorization: Bearer')
    assert_eq 400 "$(status_of "$response")" "status for an empty bearer token"
    assert_eq 6003 "$(codes_of "$response")" "code for an empty bearer token"
    assert_eq 6111 "$(body_of "$response" | json_query 'data["errors"][0]["error_chain"][0]["code"]')" "error_chain"

    response=$(cf GET /zones '' -H 'Authorization: Bearer wrong-token')
    assert_eq 403 "$(status_of "$response")" "status for an unknown token"
    assert_eq 10000 "$(codes_of "$response")" "code for an unknown token"

    response=$(cf GET /zones '' -H "Authorization: Bearer $CF_TEST_IP_RESTRICTED_TOKEN")
    assert_eq 9109 "$(codes_of "$response")" "code for an IP-restricted token"

    response=$(cf GET /zones '' -H "X-Auth-Email: $CF_TEST_EMAIL" -H "X-Auth-Key: $CF_TEST_GLOBAL_KEY")
    assert_eq 200 "$(status_of "$response")" "status with the global key"

    response=$(cf GET /zones '' -H "X-Auth-Email: $CF_TEST_EMAIL" -H "X-Auth-Key: wrong")
    assert_eq 403 "$(status_of "$response")" "status for a wrong global key"
    assert_eq 9103 "$(codes_of "$response")" "code for a wrong global key"

    response=$(cf GET /zones '' -H "X-Auth-Email: $CF_TEST_EMAIL")
    assert_eq 6003 "$(codes_of "$response")" "code for an email without key"
    assert_eq 6103 "$(body_of "$response" | json_query 'data["errors"][0]["error_chain"][0]["code"]')" "error_chain without key"

    response=$(cf GET /zones '' -H "X-Auth-Email: not-an-email" -H "X-Auth-Key: $CF_TEST_GLOBAL_KEY")
    assert_eq 6102 "$(body_of "$response" | json_query 'data["errors"][0]["error_chain"][0]["code"]')" "error_chain for a bad email"

    response=$(cf GET /zones '' -H 'X-Unrelated: 1')
    assert_eq 400 "$(status_of "$response")" "status without credentials"

    response=$(cf GET /user/tokens/verify)
    assert_eq active "$(body_of "$response" | json_query 'data["result"]["status"]')" "token status"
    assert_eq 10000 "$(body_of "$response" | json_query 'data["messages"][0]["code"]')" "verify message code"

    assert_eq bearer "$(mock_requests | json_query 'data[0]["auth"]')" "auth scheme in the request log"
    assert_not_contains "$(mock_requests)" "$CF_TEST_GLOBAL_KEY" "request log"
    assert_not_contains "$(mock_requests)" "$CF_TEST_TOKEN" "request log"
    assert_not_contains "$(cat "$RIG_DIR/logs/mock.log")" "$CF_TEST_GLOBAL_KEY" "mock log"
}

test_secret_in_query_is_flagged() {
    local response
    response=$(cf GET "/zones?name=example.test&token=$CF_TEST_TOKEN")
    assert_eq 200 "$(status_of "$response")" "status"
    assert_eq True "$(mock_requests | json_query 'data[0]["secret_in_request"]')" "secret_in_request"
    assert_not_contains "$(mock_requests)" "$CF_TEST_TOKEN" "request log"
    assert_not_contains "$(cat "$RIG_DIR/logs/mock.log")" "token=$CF_TEST_TOKEN" "mock log"
}

test_zone_scoped_token() {
    local response auth=(-H "Authorization: Bearer $CF_TEST_ZONE_TOKEN")
    response=$(cf GET '/zones?name=example.test' '' "${auth[@]}")
    assert_eq 403 "$(status_of "$response")" "status of a zone list"
    assert_eq 9109 "$(codes_of "$response")" "code of a zone list"
    assert_contains "$(body_of "$response")" com.cloudflare.api.account.zone.list "zone list error"

    response=$(cf GET "/zones/$EXAMPLE_ZONE_ID/dns_records?type=TXT" '' "${auth[@]}")
    assert_eq 200 "$(status_of "$response")" "status of a record list in its zone"

    response=$(cf POST "/zones/$EXAMPLE_ZONE_ID/dns_records" \
        "{\"type\":\"TXT\",\"name\":\"$ACME_NAME\",\"content\":\"$VALUE1\"}" "${auth[@]}")
    assert_eq 200 "$(status_of "$response")" "status of a create in its zone"

    response=$(cf POST "/zones/$OTHER_ZONE_ID/dns_records" \
        "{\"type\":\"TXT\",\"name\":\"_acme-challenge.other.test\",\"content\":\"$VALUE1\"}" "${auth[@]}")
    assert_eq 403 "$(status_of "$response")" "status of a create in another zone"
    assert_eq 10000 "$(codes_of "$response")" "code of a create in another zone"
}

test_read_only_token() {
    local response
    response=$(cf POST "/zones/$EXAMPLE_ZONE_ID/dns_records" \
        "{\"type\":\"TXT\",\"name\":\"$ACME_NAME\",\"content\":\"$VALUE1\"}" \
        -H "Authorization: Bearer $CF_TEST_READONLY_TOKEN")
    assert_eq 403 "$(status_of "$response")" "status"
    assert_eq 10000 "$(codes_of "$response")" "code"
    assert_eq "" "$(dns_txt ns1 "$ACME_NAME")" "TXT on ns1"
}

test_create_and_delete_reach_both_servers() {
    local response first_id second_id
    response=$(create_txt "$ACME_NAME" "$VALUE1")
    assert_eq 200 "$(status_of "$response")" "status of the first create"
    first_id=$(body_of "$response" | json_query 'data["result"]["id"]')
    [[ $first_id =~ ^[0-9a-f]{32}$ ]] || fail "record id '$first_id' is not 32 hex digits"
    response=$(create_txt "$ACME_NAME" "\\\"$VALUE2\\\"")
    second_id=$(body_of "$response" | json_query 'data["result"]["id"]')
    assert_eq "\"$VALUE2\"" "$(body_of "$response" | json_query 'data["result"]["content"]')" "quoted content stored verbatim"

    for server in ns1 ns2; do
        assert_eq "$(printf '%s\n' "$VALUE1" "$VALUE2" | sort)" "$(dns_txt "$server" "$ACME_NAME" | sort)" "TXT on $server"
    done

    response=$(cf GET "/zones/$EXAMPLE_ZONE_ID/dns_records?type=TXT&name.exact=$ACME_NAME&content.exact=$VALUE1")
    assert_eq "$first_id" "$(body_of "$response" | json_query '[record["id"] for record in data["result"]]')" "content.exact filter"

    response=$(cf DELETE "/zones/$EXAMPLE_ZONE_ID/dns_records/$first_id")
    assert_eq 200 "$(status_of "$response")" "status of the delete"
    assert_eq "$first_id" "$(body_of "$response" | json_query 'data["result"]["id"]')" "deleted id"
    for server in ns1 ns2; do
        assert_eq "$VALUE2" "$(dns_txt "$server" "$ACME_NAME")" "TXT on $server after the delete"
    done

    response=$(cf DELETE "/zones/$EXAMPLE_ZONE_ID/dns_records/$first_id")
    assert_eq 404 "$(status_of "$response")" "status of a second delete"
    assert_eq 81044 "$(codes_of "$response")" "code of a second delete"

    cf DELETE "/zones/$EXAMPLE_ZONE_ID/dns_records/$second_id" >/dev/null
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT on ns2 at the end"
}

test_txt_wire_content() {
    local long_value
    long_value=$(printf 'x%.0s' {1..300})
    create_txt _acme-challenge.www.example.test 'has space and \"quote\" and \\ backslash' >/dev/null
    assert_eq 'has space and "quote" and \ backslash' "$(dns_txt ns1 _acme-challenge.www.example.test)" "TXT with specials"
    create_txt _acme-challenge.long.example.test "$long_value" >/dev/null
    assert_eq "$long_value" "$(dns_txt ns2 _acme-challenge.long.example.test)" "300-character TXT"
}

test_conflicts_and_duplicates() {
    local response
    mock_reset '{"records": [{"type": "CNAME", "name": "_acme-challenge.example.test",
                 "content": "example.test.12345.dcv-provider.test", "id": "seededcname"}]}'
    assert_eq example.test.12345.dcv-provider.test "$(dns_cname ns1 "$ACME_NAME")" "seeded CNAME on ns1"
    assert_eq example.test.12345.dcv-provider.test "$(dns_cname ns2 "$ACME_NAME")" "seeded CNAME on ns2"

    response=$(create_txt "$ACME_NAME" "$VALUE1")
    assert_eq 400 "$(status_of "$response")" "status of a TXT on a CNAME"
    assert_eq 81054 "$(codes_of "$response")" "code of a TXT on a CNAME"

    create_txt _acme-challenge.www.example.test "$VALUE1" >/dev/null
    response=$(create_txt _acme-challenge.www.example.test "$VALUE1")
    assert_eq 81058 "$(codes_of "$response")" "code of a duplicate"
    response=$(cf POST "/zones/$EXAMPLE_ZONE_ID/dns_records" \
        '{"type":"CNAME","name":"_acme-challenge.www.example.test","content":"other.test"}')
    assert_eq 81053 "$(codes_of "$response")" "code of a CNAME on a TXT"

    assert_eq 2 "$(mock_records | json_query 'len(data)')" "records in the store"
}

test_record_validation() {
    local response ttl
    for ttl in 0 30 59 86401 '"120"' true; do
        response=$(cf POST "/zones/$EXAMPLE_ZONE_ID/dns_records" \
            "{\"type\":\"TXT\",\"name\":\"$ACME_NAME\",\"content\":\"$VALUE1\",\"ttl\":$ttl}")
        assert_eq 400 "$(status_of "$response")" "status for ttl $ttl"
        assert_eq 9021 "$(codes_of "$response")" "code for ttl $ttl"
    done
    response=$(cf POST "/zones/$EXAMPLE_ZONE_ID/dns_records" \
        "{\"type\":\"TXT\",\"name\":\"$ACME_NAME\",\"content\":\"$VALUE1\",\"ttl\":1}")
    assert_eq 1 "$(body_of "$response" | json_query 'data["result"]["ttl"]')" "automatic ttl"

    response=$(cf POST "/zones/$EXAMPLE_ZONE_ID/dns_records" \
        "{\"type\":\"TXT\",\"name\":\"_acme-challenge.other.test\",\"content\":\"$VALUE1\"}")
    assert_eq 400 "$(status_of "$response")" "status for a name outside the zone"

    response=$(cf POST "/zones/$EXAMPLE_ZONE_ID/dns_records" 'type=TXT')
    assert_eq 400 "$(status_of "$response")" "status for a non-JSON body"
}

test_forced_page_size() {
    local index response
    for index in 1 2 3 4 5; do
        create_txt "$ACME_NAME" "value-$index" >/dev/null
    done
    mock_config '{"page_size": 2}'
    response=$(cf GET "/zones/$EXAMPLE_ZONE_ID/dns_records?type=TXT&name=$ACME_NAME&per_page=100&page=3")
    assert_eq value-5 "$(body_of "$response" | json_query '[record["content"] for record in data["result"]]')" "page 3"
    assert_eq 3 "$(body_of "$response" | json_query 'data["result_info"]["total_pages"]')" "total_pages"
    assert_eq 2 "$(body_of "$response" | json_query 'data["result_info"]["per_page"]')" "per_page"
}

test_ns2_delay() {
    mock_config '{"ns2_delay": 2}'
    create_txt "$ACME_NAME" "$VALUE1" >/dev/null
    assert_eq "$VALUE1" "$(dns_txt ns1 "$ACME_NAME")" "TXT on ns1 at once"
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT on ns2 at once"
    mock_wait_dns_synced 10
    assert_eq "$VALUE1" "$(dns_txt ns2 "$ACME_NAME")" "TXT on ns2 after the delay"
}

test_reset_sweeps_acme_names() {
    printf 'server %s 53\nzone example.test.\nupdate add _acme-challenge.stray.example.test. 60 TXT "stray"\nsend\n' \
        "$RIG_NS2" | knsupdate -v -t 5
    assert_eq stray "$(dns_txt ns2 _acme-challenge.stray.example.test)" "stray TXT before reset"
    mock_reset
    assert_eq "" "$(dns_txt ns2 _acme-challenge.stray.example.test)" "stray TXT after reset"
    assert_eq 127.0.0.1 "$(dns_query ns2 www.example.test A)" "A record of www after reset"
}

test_fault_status_with_retry_after() {
    local headers
    mock_fault '{"method": "GET", "path": "/zones$", "status": 429, "retry_after": 3}'
    headers=$(curl -sS -D - -o /dev/null --cacert "$RIG_CA" -H "Authorization: Bearer $CF_TEST_TOKEN" "$CLOUDFLARE_BASE_URL/zones")
    assert_contains "$headers" "HTTP/1.1 429" "first answer"
    assert_contains "$headers" "Retry-After: 3" "first answer"
    assert_eq 200 "$(status_of "$(cf GET /zones)")" "status of the second request"
    assert_eq 2 "$(mock_count GET '/zones$')" "logged zone lists"
    assert_eq 1 "$(mock_requests | json_query 'len([entry for entry in data if entry["fault"] == "status"])')" "fired faults"
}

test_fault_after_and_count() {
    mock_fault '{"method": "GET", "path": "/zones$", "status": 503, "after": 1, "count": 2}'
    assert_eq 200 "$(status_of "$(cf GET /zones)")" "first request"
    assert_eq 503 "$(status_of "$(cf GET /zones)")" "second request"
    assert_eq 503 "$(status_of "$(cf GET /zones)")" "third request"
    assert_eq 200 "$(status_of "$(cf GET /zones)")" "fourth request"
}

test_fault_transport_kinds() {
    local curl_args=(-sS --max-time 5 --cacert "$RIG_CA" -H "Authorization: Bearer $CF_TEST_TOKEN" "$CLOUDFLARE_BASE_URL/zones")
    mock_fault '[{"path": "/zones$", "kind": "reset"}, {"path": "/zones$", "kind": "truncate"},
                 {"path": "/zones$", "kind": "malformed_json"}, {"path": "/zones$", "kind": "hang", "seconds": 2},
                 {"path": "/zones$", "kind": "html", "status": 502}]'
    assert_exit 56 curl "${curl_args[@]}"
    assert_exit 18 curl "${curl_args[@]}"
    assert_exit 0 curl "${curl_args[@]}"
    assert_exit 1 json_query 'data' <"$LAST_STDOUT"
    assert_exit 52 curl "${curl_args[@]}"
    assert_exit 0 curl "${curl_args[@]}"
    assert_contains "$(cat "$LAST_STDOUT")" "<html>" "edge error page"
    assert_eq 200 "$(status_of "$(cf GET /zones)")" "status after the faults"
}

test_spaced_json() {
    local response
    mock_config '{"spaced_json": true}'
    response=$(cf GET '/zones?name=example.test')
    assert_contains "$response" '"id": "' "spaced body"
    assert_eq "$EXAMPLE_ZONE_ID" "$(body_of "$response" | json_query '[zone["id"] for zone in data["result"]]')" "zone id"
    assert_eq x_mock_future_field "$(body_of "$response" | json_query 'list(data["result"][0])[0]')" "first key"
}
