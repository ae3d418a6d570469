/*
 * Unit tests of the Alibaba Cloud RPC signature version 1.0 and its
 * percent-encoding, on published and derived test vectors:
 *  - TV1: alidns DescribeDomainRecords, published in Alibaba Cloud's
 *    alidns signature documentation,
 *  - TV2: ECS DescribeRegions, published in the generic RPC signature page
 *    (GET, and the historic TimeStamp spelling); its POST signature is derived,
 *  - TV4: percent-encoding cases derived from RFC 3986 section 2.3,
 *  - TV5: AddDomainRecord with a value that needs encoding, derived with
 *    Python's hmac module and cross-checked with openssl dgst.
 * and of signature version 3 (ACS3-HMAC-SHA256):
 *  - TV3: ECS RunInstances, the fixed-parameter example published in Alibaba
 *    Cloud's "V3 request body and signature" documentation,
 *  - TV6: alidns DeleteDomainRecord, and AddDomainRecord with the STS
 *    headers, derived from that documentation and cross-checked with
 *    openssl dgst.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alidns_sign.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct alidns_param tv1_params[] = {
	{ "AccessKeyId", "testid" },
	{ "Action", "DescribeDomainRecords" },
	{ "DomainName", "example.com" },
	{ "Format", "XML" },
	{ "SignatureMethod", "HMAC-SHA1" },
	{ "SignatureNonce", "f59ed6a9-83fc-473b-9cc6-99c95df3856e" },
	{ "SignatureVersion", "1.0" },
	{ "Timestamp", "2016-03-24T16:41:54Z" },
	{ "Version", "2015-01-09" },
};

/* The TV1 parameters in another order: signing must not depend on it. */
static const struct alidns_param tv1_shuffled[] = {
	{ "Version", "2015-01-09" },
	{ "Timestamp", "2016-03-24T16:41:54Z" },
	{ "Format", "XML" },
	{ "SignatureNonce", "f59ed6a9-83fc-473b-9cc6-99c95df3856e" },
	{ "AccessKeyId", "testid" },
	{ "SignatureVersion", "1.0" },
	{ "DomainName", "example.com" },
	{ "Action", "DescribeDomainRecords" },
	{ "SignatureMethod", "HMAC-SHA1" },
};

static const struct alidns_param tv2_params[] = {
	{ "AccessKeyId", "testid" },
	{ "Action", "DescribeRegions" },
	{ "Format", "XML" },
	{ "SignatureMethod", "HMAC-SHA1" },
	{ "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf" },
	{ "SignatureVersion", "1.0" },
	{ "Timestamp", "2016-02-23T12:46:24Z" },
	{ "Version", "2014-05-26" },
};

static const struct alidns_param tv2_timestamp_capital_s[] = {
	{ "AccessKeyId", "testid" },
	{ "Action", "DescribeRegions" },
	{ "Format", "XML" },
	{ "SignatureMethod", "HMAC-SHA1" },
	{ "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf" },
	{ "SignatureVersion", "1.0" },
	{ "TimeStamp", "2016-02-23T12:46:24Z" },
	{ "Version", "2014-05-26" },
};

static const struct alidns_param tv5_params[] = {
	{ "AccessKeyId", "testid" },
	{ "Action", "AddDomainRecord" },
	{ "DomainName", "example.com" },
	{ "Format", "JSON" },
	{ "RR", "_acme-challenge.www" },
	{ "SignatureMethod", "HMAC-SHA1" },
	{ "SignatureNonce", "0123456789abcdef0123456789abcdef" },
	{ "SignatureVersion", "1.0" },
	{ "Timestamp", "2024-01-02T03:04:05Z" },
	{ "TTL", "600" },
	{ "Type", "TXT" },
	{ "Value", "a b*c~d+e/f=" },
	{ "Version", "2015-01-09" },
};

static const struct alidns_param tv5_sts_params[] = {
	{ "AccessKeyId", "testid" },
	{ "Action", "AddDomainRecord" },
	{ "DomainName", "example.com" },
	{ "Format", "JSON" },
	{ "RR", "_acme-challenge.www" },
	{ "SecurityToken", "sts/token+value==" },
	{ "SignatureMethod", "HMAC-SHA1" },
	{ "SignatureNonce", "0123456789abcdef0123456789abcdef" },
	{ "SignatureVersion", "1.0" },
	{ "Timestamp", "2024-01-02T03:04:05Z" },
	{ "TTL", "600" },
	{ "Type", "TXT" },
	{ "Value", "a b*c~d+e/f=" },
	{ "Version", "2015-01-09" },
};

static void
check_signature(const char *method, const struct alidns_param *params, size_t count, const char *expected)
{
	char signature[ALIDNS_SIGNATURE_SIZE];
	struct err e = { ST_OK, "" };

	assert_int_equal(alidns_sign_v1(method, params, count, "testsecret", signature, &e), ST_OK);
	assert_string_equal(signature, expected);
}

static void
check_canonical(const struct alidns_param *params, size_t count, const char *expected)
{
	struct err e = { ST_OK, "" };
	char *canonical = NULL;

	assert_int_equal(alidns_canonical_query(params, count, &canonical, &e), ST_OK);
	assert_string_equal(canonical, expected);
	free(canonical);
}

static void
check_string_to_sign(const char *method, const struct alidns_param *params, size_t count, const char *expected)
{
	struct err e = { ST_OK, "" };
	char *canonical = NULL;
	char *to_sign = NULL;

	assert_int_equal(alidns_canonical_query(params, count, &canonical, &e), ST_OK);
	assert_int_equal(alidns_string_to_sign(method, canonical, &to_sign, &e), ST_OK);
	assert_string_equal(to_sign, expected);
	free(to_sign);
	free(canonical);
}

static void
test_tv1_canonical_query(void **state)
{
	(void)state;
	check_canonical(tv1_params, COUNT(tv1_params),
	    "AccessKeyId=testid&Action=DescribeDomainRecords&DomainName=example.com&Format=XML"
	    "&SignatureMethod=HMAC-SHA1&SignatureNonce=f59ed6a9-83fc-473b-9cc6-99c95df3856e"
	    "&SignatureVersion=1.0&Timestamp=2016-03-24T16%3A41%3A54Z&Version=2015-01-09");
}

static void
test_tv1_string_to_sign(void **state)
{
	(void)state;
	check_string_to_sign("GET", tv1_params, COUNT(tv1_params),
	    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDomainRecords%26DomainName%3Dexample.com"
	    "%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
	    "%26SignatureNonce%3Df59ed6a9-83fc-473b-9cc6-99c95df3856e%26SignatureVersion%3D1.0"
	    "%26Timestamp%3D2016-03-24T16%253A41%253A54Z%26Version%3D2015-01-09");
}

static void
test_tv1_signature_get(void **state)
{
	(void)state;
	check_signature("GET", tv1_params, COUNT(tv1_params), "uRpHwaSEt3J+6KQD//svCh/x+pI=");
}

static void
test_tv1_signature_url_form(void **state)
{
	char signature[ALIDNS_SIGNATURE_SIZE];
	struct err e = { ST_OK, "" };
	char *encoded;

	(void)state;
	assert_int_equal(alidns_sign_v1("GET", tv1_params, COUNT(tv1_params), "testsecret", signature, &e), ST_OK);
	encoded = alidns_percent_encode(signature);
	assert_non_null(encoded);
	assert_string_equal(encoded, "uRpHwaSEt3J%2B6KQD%2F%2FsvCh%2Fx%2BpI%3D");
	free(encoded);
}

static void
test_tv1_order_independent(void **state)
{
	(void)state;
	check_signature("GET", tv1_shuffled, COUNT(tv1_shuffled), "uRpHwaSEt3J+6KQD//svCh/x+pI=");
}

static void
test_tv2_signature_get(void **state)
{
	(void)state;
	check_signature("GET", tv2_params, COUNT(tv2_params), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

static void
test_tv2_signature_post(void **state)
{
	(void)state;
	check_signature("POST", tv2_params, COUNT(tv2_params), "MxbnVAM4w6sft9xjVpe/GCKueuk=");
}

static void
test_tv2_timestamp_capital_s(void **state)
{
	(void)state;
	check_signature("GET", tv2_timestamp_capital_s, COUNT(tv2_timestamp_capital_s),
	    "CT9X0VtwR86fNWSnsc6v8YGOjuE=");
}

static void
test_tv4_percent_encoding(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "a b", "a%20b" },
		{ "a*b", "a%2Ab" },
		{ "a~b", "a~b" },
		{ "a+b", "a%2Bb" },
		{ "a/b", "a%2Fb" },
		{ "\xc3\xa9", "%C3%A9" },
		{ "=&", "%3D%26" },
		{ "2016-02-23T12:46:24Z", "2016-02-23T12%3A46%3A24Z" },
		{ "a b*c~d/\xc3\xa9+=", "a%20b%2Ac~d%2F%C3%A9%2B%3D" },
		{ "", "" },
		{ "AZaz09-_.~", "AZaz09-_.~" },
		{ "%", "%25" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		char *encoded = alidns_percent_encode(cases[i].in);

		assert_non_null(encoded);
		assert_string_equal(encoded, cases[i].out);
		free(encoded);
	}
}

static void
test_tv5_canonical_query(void **state)
{
	(void)state;
	check_canonical(tv5_params, COUNT(tv5_params),
	    "AccessKeyId=testid&Action=AddDomainRecord&DomainName=example.com&Format=JSON"
	    "&RR=_acme-challenge.www&SignatureMethod=HMAC-SHA1&SignatureNonce=0123456789abcdef0123456789abcdef"
	    "&SignatureVersion=1.0&TTL=600&Timestamp=2024-01-02T03%3A04%3A05Z&Type=TXT"
	    "&Value=a%20b%2Ac~d%2Be%2Ff%3D&Version=2015-01-09");
}

static void
test_tv5_string_to_sign_get(void **state)
{
	(void)state;
	check_string_to_sign("GET", tv5_params, COUNT(tv5_params),
	    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DAddDomainRecord%26DomainName%3Dexample.com"
	    "%26Format%3DJSON%26RR%3D_acme-challenge.www%26SignatureMethod%3DHMAC-SHA1"
	    "%26SignatureNonce%3D0123456789abcdef0123456789abcdef%26SignatureVersion%3D1.0%26TTL%3D600"
	    "%26Timestamp%3D2024-01-02T03%253A04%253A05Z%26Type%3DTXT"
	    "%26Value%3Da%2520b%252Ac~d%252Be%252Ff%253D%26Version%3D2015-01-09");
}

static void
test_tv5_signature_get(void **state)
{
	(void)state;
	check_signature("GET", tv5_params, COUNT(tv5_params), "i9Czm/8EGXucxRqSBSyKUGre6JI=");
}

static void
test_tv5_signature_post(void **state)
{
	(void)state;
	check_signature("POST", tv5_params, COUNT(tv5_params), "V/sTrwmINDphtpmy3EKhfy0/D2k=");
}

static void
test_tv5_signature_sts(void **state)
{
	(void)state;
	check_signature("GET", tv5_sts_params, COUNT(tv5_sts_params), "7hq2rHyz6hejEhZ640jsnLfOgUU=");
}

static void
test_tv5_sts_canonical_order(void **state)
{
	struct err e = { ST_OK, "" };
	char *canonical = NULL;

	(void)state;
	assert_int_equal(alidns_canonical_query(tv5_sts_params, COUNT(tv5_sts_params), &canonical, &e), ST_OK);
	assert_non_null(strstr(canonical, "&RR=_acme-challenge.www&SecurityToken=sts%2Ftoken%2Bvalue%3D%3D"
	    "&SignatureMethod=HMAC-SHA1&"));
	free(canonical);
}

/* The SHA-256 of an empty body, the x-acs-content-sha256 of requests without one. */
#define EMPTY_BODY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const struct alidns_param tv3_query[] = {
	{ "RegionId", "cn-shanghai" },
	{ "ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd" },
};

/* In another order than the canonical one, which sorts them. */
static const struct alidns_header tv3_headers[] = {
	{ "x-acs-version", "2014-05-26" },
	{ "host", "ecs.cn-shanghai.aliyuncs.com" },
	{ "x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d" },
	{ "x-acs-action", "RunInstances" },
	{ "x-acs-date", "2023-10-26T10:22:32Z" },
	{ "x-acs-content-sha256", EMPTY_BODY_SHA256 },
};

static const struct alidns_param tv6_delete_query[] = { { "RecordId", "1234567890" } };

static const struct alidns_header tv6_delete_headers[] = {
	{ "host", "alidns.aliyuncs.com" },
	{ "x-acs-action", "DeleteDomainRecord" },
	{ "x-acs-content-sha256", EMPTY_BODY_SHA256 },
	{ "x-acs-date", "2024-01-02T03:04:05Z" },
	{ "x-acs-signature-nonce", "0123456789abcdef0123456789abcdef" },
	{ "x-acs-version", "2015-01-09" },
};

static const struct alidns_param tv6_add_query[] = {
	{ "DomainName", "example.com" },
	{ "RR", "_acme-challenge" },
	{ "TTL", "600" },
	{ "Type", "TXT" },
	{ "Value", "a b*c~d" },
};

static const struct alidns_header tv6_add_headers[] = {
	{ "host", "alidns.aliyuncs.com" },
	{ "x-acs-accesskey-id", "testid" },
	{ "x-acs-action", "AddDomainRecord" },
	{ "x-acs-content-sha256", EMPTY_BODY_SHA256 },
	{ "x-acs-date", "2024-01-02T03:04:05Z" },
	{ "x-acs-security-token", "tok" },
	{ "x-acs-signature-nonce", "0123456789abcdef0123456789abcdef" },
	{ "x-acs-version", "2015-01-09" },
};

/* Builds a V3 canonical request and checks its signed headers, its SHA-256 and the signature. */
static void
check_v3(const struct alidns_param *query, size_t query_count, const struct alidns_header *headers,
    size_t header_count, const char *secret, const char *signed_headers, const char *hashed, const char *signature)
{
	char computed[ALIDNS_SHA256_HEX_SIZE];
	char digest[ALIDNS_SHA256_HEX_SIZE];
	struct err e = { ST_OK, "" };
	char *canonical = NULL;
	char *names = NULL;

	assert_int_equal(alidns_v3_canonical_request("POST", query, query_count, headers, header_count,
	    EMPTY_BODY_SHA256, &canonical, &names, &e), ST_OK);
	assert_string_equal(names, signed_headers);
	if (hashed != NULL) {
		alidns_sha256_hex(canonical, strlen(canonical), digest);
		assert_string_equal(digest, hashed);
	}
	assert_int_equal(alidns_sign_v3(canonical, secret, computed, &e), ST_OK);
	assert_string_equal(computed, signature);
	free(canonical);
	free(names);
}

static void
test_empty_body_sha256(void **state)
{
	char digest[ALIDNS_SHA256_HEX_SIZE];

	(void)state;
	alidns_sha256_hex("", 0, digest);
	assert_string_equal(digest, EMPTY_BODY_SHA256);
}

static void
test_tv3_canonical_request(void **state)
{
	struct err e = { ST_OK, "" };
	char *canonical = NULL;
	char *names = NULL;

	(void)state;
	assert_int_equal(alidns_v3_canonical_request("POST", tv3_query, COUNT(tv3_query), tv3_headers,
	    COUNT(tv3_headers), EMPTY_BODY_SHA256, &canonical, &names, &e), ST_OK);
	assert_string_equal(canonical,
	    "POST\n"
	    "/\n"
	    "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
	    "host:ecs.cn-shanghai.aliyuncs.com\n"
	    "x-acs-action:RunInstances\n"
	    "x-acs-content-sha256:" EMPTY_BODY_SHA256 "\n"
	    "x-acs-date:2023-10-26T10:22:32Z\n"
	    "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
	    "x-acs-version:2014-05-26\n"
	    "\n"
	    "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
	    EMPTY_BODY_SHA256);
	free(canonical);
	free(names);
}

static void
test_tv3_signature(void **state)
{
	(void)state;
	check_v3(tv3_query, COUNT(tv3_query), tv3_headers, COUNT(tv3_headers), "YourAccessKeySecret",
	    "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
	    "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259",
	    "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
}

static void
test_tv6_delete_signature(void **state)
{
	(void)state;
	check_v3(tv6_delete_query, COUNT(tv6_delete_query), tv6_delete_headers, COUNT(tv6_delete_headers),
	    "testsecret", "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
	    "42e4592934908285598113df3a3cda87811ad58e8f1f84231ab837153f33a3aa",
	    "2faf90f770f4b180cecf940f98c2b56eb7e7a72f109301cfcc9d3170b9209f9d");
}

static void
test_tv6_add_sts_signature(void **state)
{
	(void)state;
	check_v3(tv6_add_query, COUNT(tv6_add_query), tv6_add_headers, COUNT(tv6_add_headers), "testsecret",
	    "host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;"
	    "x-acs-signature-nonce;x-acs-version",
	    NULL, "6cb8c30e3bc1045939062ab8d6945cc516a76f214688f9d91e86b05a71f91c73");
}

/* Header values are trimmed; an empty query gives an empty line. */
static void
test_v3_trimmed_values_empty_query(void **state)
{
	static const struct alidns_header headers[] = { { "x-acs-action", "  DescribeDomains\t" }, { "host", "h" } };
	struct err e = { ST_OK, "" };
	char *canonical = NULL;
	char *names = NULL;

	(void)state;
	assert_int_equal(alidns_v3_canonical_request("POST", NULL, 0, headers, COUNT(headers), EMPTY_BODY_SHA256,
	    &canonical, &names, &e), ST_OK);
	assert_string_equal(canonical,
	    "POST\n/\n\nhost:h\nx-acs-action:DescribeDomains\n\nhost;x-acs-action\n" EMPTY_BODY_SHA256);
	free(canonical);
	free(names);
}

static void
test_v3_bad_header_names_rejected(void **state)
{
	static const struct alidns_header uppercase[] = { { "Host", "h" } };
	static const struct alidns_header twice[] = { { "host", "a" }, { "x-acs-date", "d" }, { "host", "b" } };
	struct err e = { ST_OK, "" };
	char *canonical = NULL;
	char *names = NULL;

	(void)state;
	assert_int_equal(alidns_v3_canonical_request("POST", NULL, 0, uppercase, COUNT(uppercase), EMPTY_BODY_SHA256,
	    &canonical, &names, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "Host"));
	assert_null(canonical);
	assert_int_equal(alidns_v3_canonical_request("POST", NULL, 0, twice, COUNT(twice), EMPTY_BODY_SHA256,
	    &canonical, &names, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "given twice"));
	assert_null(names);
}

static void
test_duplicate_param_rejected(void **state)
{
	static const struct alidns_param params[] = { { "Action", "A" }, { "RR", "x" }, { "Action", "B" } };
	char signature[ALIDNS_SIGNATURE_SIZE];
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(alidns_sign_v1("GET", params, COUNT(params), "testsecret", signature, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "Action"));
}

static void
test_timestamp_utc_format(void **state)
{
	char timestamp[ALIDNS_TIMESTAMP_SIZE];

	(void)state;
	alidns_format_timestamp((time_t)1458837714, timestamp);
	assert_string_equal(timestamp, "2016-03-24T16:41:54Z");
	alidns_format_timestamp((time_t)1704164645, timestamp);
	assert_string_equal(timestamp, "2024-01-02T03:04:05Z");
}

static void
test_nonce_random_128_bits(void **state)
{
	char first[ALIDNS_NONCE_SIZE];
	char second[ALIDNS_NONCE_SIZE];
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(alidns_make_nonce(first, &e), ST_OK);
	assert_int_equal(alidns_make_nonce(second, &e), ST_OK);
	assert_int_equal(strlen(first), 32);
	assert_int_equal(strspn(first, "0123456789abcdef"), 32);
	assert_string_not_equal(first, second);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tv1_canonical_query),
		cmocka_unit_test(test_tv1_string_to_sign),
		cmocka_unit_test(test_tv1_signature_get),
		cmocka_unit_test(test_tv1_signature_url_form),
		cmocka_unit_test(test_tv1_order_independent),
		cmocka_unit_test(test_tv2_signature_get),
		cmocka_unit_test(test_tv2_signature_post),
		cmocka_unit_test(test_tv2_timestamp_capital_s),
		cmocka_unit_test(test_tv4_percent_encoding),
		cmocka_unit_test(test_tv5_canonical_query),
		cmocka_unit_test(test_tv5_string_to_sign_get),
		cmocka_unit_test(test_tv5_signature_get),
		cmocka_unit_test(test_tv5_signature_post),
		cmocka_unit_test(test_tv5_signature_sts),
		cmocka_unit_test(test_tv5_sts_canonical_order),
		cmocka_unit_test(test_empty_body_sha256),
		cmocka_unit_test(test_tv3_canonical_request),
		cmocka_unit_test(test_tv3_signature),
		cmocka_unit_test(test_tv6_delete_signature),
		cmocka_unit_test(test_tv6_add_sts_signature),
		cmocka_unit_test(test_v3_trimmed_values_empty_query),
		cmocka_unit_test(test_v3_bad_header_names_rejected),
		cmocka_unit_test(test_duplicate_param_rejected),
		cmocka_unit_test(test_timestamp_utc_format),
		cmocka_unit_test(test_nonce_random_128_bits),
	};

	return cmocka_run_group_tests_name("alidns_sign", tests, NULL, NULL);
}
