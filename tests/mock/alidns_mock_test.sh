# shellcheck shell=bash
# Checks of the alidns mock itself, with requests signed here in Python
# (hmac and hashlib only, not the mock's code): the published signature
# vector, GET and POST form-body signatures, nonce replay, the timestamp
# window, Format and default paging. Conventions: tests/lib.sh.

# shellcheck source=alidns_lib.sh
source "$LIB_REPO/tests/mock/alidns_lib.sh"

# signed_call METHOD ACTION [NAME=VALUE...]: send one request signed with the
# full-access key and print "HTTP_STATUS BODY". Set NONCE, TIMESTAMP or
# SECRET in the environment to override them.
signed_call() {
    "$LIB_PYTHON" - "$@" <<'EOF'
import base64, hashlib, hmac, os, ssl, sys, time, urllib.parse, urllib.request, uuid
method, action, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
params = {"Action": action, "Version": "2015-01-09", "Format": "JSON",
          "AccessKeyId": os.environ["ALIDNS_TEST_KEY_ID"], "SignatureMethod": "HMAC-SHA1",
          "SignatureVersion": "1.0", "SignatureNonce": os.environ.get("NONCE") or uuid.uuid4().hex,
          "Timestamp": os.environ.get("TIMESTAMP") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
params.update(item.split("=", 1) for item in extra)
encode = lambda text: urllib.parse.quote(text, safe="-_.~")
canonical = "&".join("%s=%s" % pair for pair in sorted((encode(k), encode(v)) for k, v in params.items()))
secret = os.environ.get("SECRET") or os.environ["ALIDNS_TEST_KEY_SECRET"]
to_sign = "%s&%%2F&%s" % (method, encode(canonical))
params["Signature"] = base64.b64encode(hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
context = ssl.create_default_context(cafile=os.environ["RIG_CA"])
body = urllib.parse.urlencode(params, quote_via=urllib.parse.quote).encode()
if method == "GET":
    request = urllib.request.Request(os.environ["ALIDNS_MOCK_URL"] + "?" + body.decode())
else:
    request = urllib.request.Request(os.environ["ALIDNS_MOCK_URL"], data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
try:
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        print(response.status, response.read().decode())
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode())
EOF
}

test_mock_signer_matches_published_vector() {
    local signature
    signature=$(cd "$LIB_REPO/tests/mock" && "$LIB_PYTHON" -c '
import alidns_api
params = {"AccessKeyId": "testid", "Action": "DescribeDomainRecords", "DomainName": "example.com",
          "Format": "XML", "SignatureMethod": "HMAC-SHA1",
          "SignatureNonce": "f59ed6a9-83fc-473b-9cc6-99c95df3856e", "SignatureVersion": "1.0",
          "Timestamp": "2016-03-24T16:41:54Z", "Version": "2015-01-09"}
print(alidns_api.v1_signature("GET", params, "testsecret"))')
    assert_eq "uRpHwaSEt3J+6KQD//svCh/x+pI=" "$signature" "mock signature of the published vector"
}

test_mock_verifies_get_and_post() {
    alidns_begin
    assert_contains "$(signed_call GET DescribeDomains)" '200 {"TotalCount":5' "signed GET"
    assert_contains "$(signed_call POST AddDomainRecord DomainName=example.test RR=_acme-challenge \
        Type=TXT 'Value=a b*c~d+e/f=')" '200 {"RecordId"' "signed POST with a form body"
    assert_eq "a b*c~d+e/f=" "$(alidns_records | json_query '[r["Value"] for r in data]')" "stored value"
    assert_eq "a b*c~d+e/f=" "$(dns_txt ns1 _acme-challenge.example.test)" "TXT on ns1"
    assert_contains "$(SECRET=wrong signed_call POST DescribeDomains)" '"Code":"SignatureDoesNotMatch"' \
        "POST signed with another secret"
    assert_contains "$(SECRET=wrong signed_call GET DescribeDomains)" "server string to sign is:GET&%2F&" \
        "mismatch message"
}

test_mock_rejects_replay_and_old_timestamps() {
    alidns_begin
    assert_contains "$(NONCE=fixed-nonce-1 signed_call GET DescribeDomains)" "200 " "first use of a nonce"
    assert_contains "$(NONCE=fixed-nonce-1 signed_call GET DescribeDomains)" '400 {"RequestId"' "reused nonce"
    assert_eq SignatureNonceUsed "$(alidns_requests | json_query 'data[-1]["code"]')" "reused nonce code"
    assert_contains "$(TIMESTAMP=2016-03-24T16:41:54Z signed_call GET DescribeDomains)" \
        '"Code":"InvalidTimeStamp.Expired"' "old timestamp"
    assert_contains "$(signed_call GET DescribeDomains Format=XML)" "400 <?xml" "Format=XML"
    assert_contains "$(signed_call GET DescribeDomains Version=2014-05-26)" '"Code":"InvalidVersion"' "other Version"
}

test_mock_pages_at_twenty() {
    local seeds="" index
    for index in $(seq 1 25); do
        seeds+="${seeds:+,}{\"name\": \"_acme-challenge.example.test\", \"type\": \"TXT\", \"value\": \"value-$index\"}"
    done
    alidns_begin "{\"records\": [$seeds]}"
    local first second
    first=$(signed_call GET DescribeDomainRecords DomainName=example.test)
    second=$(signed_call GET DescribeDomainRecords DomainName=example.test PageNumber=2)
    assert_eq 20 "$(json_query 'len(data["DomainRecords"]["Record"])' <<<"${first#* }")" "records on page 1"
    assert_eq 5 "$(json_query 'len(data["DomainRecords"]["Record"])' <<<"${second#* }")" "records on page 2"
    assert_eq 25 "$(json_query 'data["TotalCount"]' <<<"${first#* }")" "TotalCount"
    assert_eq 25 "$(json_query 'len(data["DomainRecords"]["Record"])' <<<"$(signed_call GET DescribeDomainRecords \
        DomainName=example.test PageSize=500 | cut -d' ' -f2-)")" "records with PageSize=500"
}

# v3_call ACTION [NAME=VALUE...]: send one POST signed with signature
# version 3 by the full-access key, the parameters in the query, and print
# "HTTP_STATUS BODY". Set SECRET to sign with another secret, UNSIGNED to
# leave one header out of SignedHeaders, or BODY to send a form body whose
# SHA-256 the request claims is that of the empty body.
v3_call() {
    "$LIB_PYTHON" - "$@" <<'PYTHON'
import hashlib, hmac, os, ssl, sys, time, urllib.parse, urllib.request, uuid
action, extra = sys.argv[1], sys.argv[2:]
params = dict(item.split("=", 1) for item in extra)
encode = lambda text: urllib.parse.quote(text, safe="-_.~")
query = "&".join("%s=%s" % pair for pair in sorted((encode(k), encode(v)) for k, v in params.items()))
host = urllib.parse.urlsplit(os.environ["ALIDNS_MOCK_URL"]).netloc
headers = {"host": host, "x-acs-action": action, "x-acs-version": "2015-01-09",
           "x-acs-date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "x-acs-signature-nonce": uuid.uuid4().hex,
           "x-acs-content-sha256": hashlib.sha256(b"").hexdigest()}
signed = sorted(name for name in headers if name != os.environ.get("UNSIGNED"))
canonical = "POST\n/\n%s\n%s\n%s\n%s" % (query, "".join("%s:%s\n" % (n, headers[n]) for n in signed),
                                        ";".join(signed), headers["x-acs-content-sha256"])
to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
secret = os.environ.get("SECRET") or os.environ["ALIDNS_TEST_KEY_SECRET"]
signature = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
headers["Authorization"] = "ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s" % (
    os.environ["ALIDNS_TEST_KEY_ID"], ";".join(signed), signature)
body = os.environ.get("BODY")
if body is not None:
    headers["Content-Type"] = "application/x-www-form-urlencoded"
request = urllib.request.Request(os.environ["ALIDNS_MOCK_URL"] + ("?" + query if query else ""),
                                 data=body.encode() if body is not None else None, method="POST",
                                 headers=headers)
context = ssl.create_default_context(cafile=os.environ["RIG_CA"])
try:
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        print(response.status, response.read().decode())
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode())
PYTHON
}

test_mock_v3_signer_matches_published_vector() {
    local signature
    signature=$(cd "$LIB_REPO/tests/mock" && "$LIB_PYTHON" -c '
import alidns_api
headers = {"host": "ecs.cn-shanghai.aliyuncs.com", "x-acs-action": "RunInstances",
           "x-acs-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "x-acs-date": "2023-10-26T10:22:32Z", "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
           "x-acs-version": "2014-05-26"}
params = {"ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", "RegionId": "cn-shanghai"}
canonical = alidns_api.v3_canonical_request("POST", params, headers, sorted(headers), headers["x-acs-content-sha256"])
print(alidns_api.v3_signature(canonical, "YourAccessKeySecret"))')
    assert_eq "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0" "$signature" \
        "mock V3 signature of the published vector"
}

test_mock_verifies_v3() {
    alidns_begin
    assert_contains "$(v3_call DescribeDomains)" '200 {"TotalCount":5' "V3 request without parameters"
    assert_contains "$(v3_call AddDomainRecord DomainName=example.test RR=_acme-challenge Type=TXT 'Value=a b*c~d')" \
        '200 {"RecordId"' "V3 request with parameters in the query"
    assert_eq "a b*c~d" "$(dns_txt ns1 _acme-challenge.example.test)" "TXT on ns1"
    assert_eq "ACS3-HMAC-SHA256 True" \
        "$(alidns_requests | json_query '["%s %s" % (e["signature"], e["signature_valid"]) for e in data]' | sort -u)" \
        "signatures of the V3 requests"
    assert_contains "$(SECRET=wrong v3_call DescribeDomains)" '"Code":"SignatureDoesNotMatch"' "V3 with another secret"
    assert_contains "$(SECRET=wrong v3_call DescribeDomains)" "server string to sign is:ACS3-HMAC-SHA256" \
        "mismatch message"
    assert_contains "$(UNSIGNED=x-acs-date v3_call DescribeDomains)" '"Code":"IncompleteSignature"' \
        "V3 with x-acs-date unsigned"
    assert_contains "$(BODY='RR=x' v3_call DescribeDomains)" '"Code":"SignatureDoesNotMatch"' \
        "V3 whose body does not match x-acs-content-sha256"
}

test_mock_faults_follow_signature_check() {
    alidns_begin
    alidns_fault '{"path": "DescribeDomains$", "status": 503, "count": 1}'
    assert_contains "$(SECRET=wrong signed_call GET DescribeDomains)" '"Code":"SignatureDoesNotMatch"' \
        "badly signed request while a fault waits"
    assert_eq 1 "$(alidns_control GET fault | json_query 'data[0]["remaining"]')" "fault count after the bad request"
    assert_contains "$(signed_call GET DescribeDomains)" '503 {"RequestId"' "signed request meets the fault"
    assert_eq "True ServiceUnavailable" \
        "$(alidns_requests | json_query '"%s %s" % (data[-1]["signature_valid"], data[-1]["code"])')" \
        "logged fault request"
}

test_mock_fault_processes_then_fails() {
    alidns_begin
    alidns_fault '{"path": "AddDomainRecord$", "kind": "reset", "process": true, "count": 1}'
    signed_call GET AddDomainRecord DomainName=example.test RR=_acme-challenge Type=TXT Value=processed >/dev/null || true
    assert_eq processed "$(alidns_records | json_query '[r["Value"] for r in data]')" "record made before the reset"
    assert_eq "reset 200" "$(alidns_requests | json_query '"%s %s" % (data[-1]["fault"], data[-1]["processed_status"])')" \
        "logged fault request"
    alidns_control DELETE fault >/dev/null
    assert_eq 0 "$(alidns_control GET fault | json_query 'len(data)')" "faults after DELETE"
}

test_mock_fault_transforms_listings() {
    local answer
    alidns_begin '{"records": [{"name": "_acme-challenge.example.test", "type": "TXT", "value": "one"},
        {"name": "_acme-challenge.example.test", "type": "TXT", "value": "two"}]}'
    alidns_fault '{"path": "DescribeSubDomainRecords$", "kind": "duplicate_results"}'
    answer=$(signed_call GET DescribeSubDomainRecords SubDomain=_acme-challenge.example.test)
    assert_eq "one one two two" "$(json_query '" ".join(r["Value"] for r in data["DomainRecords"]["Record"])' <<<"${answer#* }")" \
        "duplicated listing"
    alidns_fault '{"path": "DescribeSubDomainRecords$", "kind": "endless_pages"}'
    answer=$(signed_call GET DescribeSubDomainRecords SubDomain=_acme-challenge.example.test PageNumber=7)
    assert_eq "141 filler of page 7" \
        "$(json_query '"%s %s" % (data["TotalCount"], data["DomainRecords"]["Record"][0]["Value"])' <<<"${answer#* }")" \
        "page past the records under endless_pages"
    alidns_fault '{"path": "DescribeDomains$", "kind": "hostile_ids"}'
    answer=$(signed_call GET DescribeDomains)
    assert_eq 0 "$(json_query 'len([d for d in data["Domains"]["Domain"] if d["DomainName"].endswith(".test")])' <<<"${answer#* }")" \
        "domain names left under hostile_ids"
}
