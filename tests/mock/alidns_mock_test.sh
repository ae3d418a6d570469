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
    assert_contains "$(signed_call GET DescribeDomains)" '200 {"TotalCount":4' "signed GET"
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
