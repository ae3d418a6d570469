/*
 * Unit tests for reading Alibaba Cloud DNS API responses: results and error
 * bodies, DescribeSubDomainRecords and DescribeDomains pages, the RecordId
 * of AddDomainRecord and the saved copy of a listed record. The bodies have
 * the shape of the API's published examples, and each reader also gets
 * hostile ones: wrong JSON types, huge and negative numbers, missing
 * fields, control bytes and very long strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alidns_response.h"

#define REQUEST_ID "536E9CAD-DB30-4647-AC87-AA5CC38C5382"
#define FQDN "_acme-challenge.www.example.test"
#define RR "_acme-challenge.www"
#define VALUE "Zr0uJx7i2kGmHb9fWq3tN6cYvE1sLpA4dR8oXyT5uKw"

/* A record of a DescribeSubDomainRecords page with the fields that the API lists; RR, Type and Value vary. */
#define RECORD(id, rr, type, value, rest)                                                                 \
	"{\"DomainName\":\"example.test\",\"RecordId\":" id ",\"RR\":\"" rr "\",\"Type\":\"" type "\","    \
	"\"Value\":\"" value "\",\"Locked\":false,\"Weight\":1,\"CreateTimestamp\":1700000000000" rest "}"

static const struct alidns_request_info request = { "AddDomainRecord", "ALIBABA_CLOUD_ACCESS_KEY_ID", 1700000000 };

static void
make_response(struct http_response *resp, long status, const char *body)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = status;
	resp->body = (char *)body;
	resp->body_len = strlen(body);
}

static enum status
parse(long status, const char *body, json_t **root, struct alidns_error *ae, struct err *e)
{
	struct http_response resp;

	make_response(&resp, status, body);
	return alidns_response_parse(&resp, &request, "test", root, ae, e);
}

/* Parses a 200 result that the test expects to succeed; release with json_decref. */
static json_t *
parse_result(const char *body)
{
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	assert_int_equal(parse(200, body, &root, &ae, &e), ST_OK);
	assert_non_null(root);
	return root;
}

/* Lists the records of a page at FQDN; returns the status. */
static enum status
read_records(const char *body, struct record_list *list, struct alidns_page *page, struct err *e)
{
	json_t *root = parse_result(body);
	enum status st;

	memset(list, 0, sizeof(*list));
	st = alidns_response_records(root, FQDN, RR, "test", list, page, e);
	json_decref(root);
	return st;
}

static void
result_add_domain_record(void **state)
{
	json_t *root = parse_result("{\"RequestId\":\"" REQUEST_ID "\",\"RecordId\":\"9999985\"}");
	struct err e = { ST_OK, "" };
	char id[32] = "";

	(void)state;
	assert_int_equal(alidns_response_record_id(root, id, sizeof(id), "test", &e), ST_OK);
	assert_string_equal(id, "9999985");
	json_decref(root);
}

/* A 2xx status with a Code in the body is an error all the same. */
static void
result_with_code_is_error(void **state)
{
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse(200, "{\"RequestId\":\"r1\",\"Code\":\"Throttling.User\",\"Message\":\"Flow control.\"}",
	    &root, &ae, &e), ST_TRANSIENT);
	assert_null(root);
	assert_string_equal(ae.code, "Throttling.User");
	assert_int_equal(ae.http_status, 200);
	assert_non_null(strstr(e.msg, "rate limit"));
}

static void
result_not_an_object(void **state)
{
	static const char *const bodies[] = { "", "[]", "\"text\"", "42", "{\"RecordId\":\"1\"", "null" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct alidns_error ae;
		struct err e = { ST_OK, "" };
		json_t *root = NULL;

		print_message("body %s\n", bodies[i]);
		assert_int_equal(parse(200, bodies[i], &root, &ae, &e), ST_PROTOCOL);
		assert_null(root);
		assert_non_null(strstr(e.msg, "not an API error"));
	}
}

/* jansson rejects \u0000 unless asked, so a string cannot hide text behind a NUL. */
static void
result_embedded_nul_rejected(void **state)
{
	static const char body[] = "{\"RequestId\":\"r\",\"RecordId\":\"12\\u00003\"}";
	struct http_response resp;
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	json_t *root = NULL;
	static const char raw_nul[] = "{\"RecordId\":\"12\"}\0{\"Code\":\"x\"}";

	(void)state;
	assert_int_equal(parse(200, body, &root, &ae, &e), ST_PROTOCOL);
	assert_null(root);

	/* A NUL byte does not end the body early: the body as a whole is not JSON. */
	make_response(&resp, 200, raw_nul);
	resp.body_len = sizeof(raw_nul) - 1;
	assert_int_equal(alidns_response_parse(&resp, &request, "test", &root, &ae, &e), ST_PROTOCOL);
	assert_null(root);
}

static void
body_not_api_error(void **state)
{
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse(502, "<html><body>502 Bad Gateway</body></html>", &root, &ae, &e), ST_TRANSIENT);
	assert_non_null(strstr(e.msg, "HTTP 502 with a body that is not an API error: <html>"));
	assert_string_equal(ae.code, "");
	assert_int_equal(parse(400, "<?xml version=\"1.0\"?><Error><Code>InvalidParameter</Code></Error>", &root, &ae, &e),
	    ST_PROTOCOL);
	assert_int_equal(parse(500, "", &root, &ae, &e), ST_TRANSIENT);
	/* A Code that is not a string, or empty, does not make an API error. */
	assert_int_equal(parse(400, "{\"Code\":400,\"Message\":\"m\"}", &root, &ae, &e), ST_PROTOCOL);
	assert_non_null(strstr(e.msg, "not an API error"));
	assert_int_equal(parse(400, "{\"Code\":\"\",\"Message\":\"m\"}", &root, &ae, &e), ST_PROTOCOL);
	assert_non_null(strstr(e.msg, "not an API error"));
}

struct code_case {
	long http_status;
	const char *code;
	enum status expected;
};

static void
error_codes_classified(void **state)
{
	static const struct code_case cases[] = {
		{ 404, "InvalidAccessKeyId.NotFound", ST_AUTH },
		{ 400, "InvalidAccessKeyId.Inactive", ST_AUTH },
		{ 400, "SignatureDoesNotMatch", ST_AUTH },
		{ 400, "InvalidSecurityToken.Expired", ST_AUTH },
		{ 403, "Forbidden.RAM", ST_PERMISSION },
		{ 400, "DomainRecordLocked", ST_PERMISSION },
		{ 400, "IncorrectDomainUser", ST_NOT_FOUND },
		{ 400, "InvalidDomainName.NoExist", ST_NOT_FOUND },
		{ 400, "DomainRecordNotBelongToUser", ST_NOT_FOUND },
		{ 400, "DomainRecordDuplicate", ST_EXISTS },
		{ 400, "DomainRecordConflict", ST_CONFLICT },
		{ 400, "QuotaExceeded.TTL", ST_USAGE },
		{ 400, "Throttling", ST_TRANSIENT },
		{ 400, "Throttling.User", ST_TRANSIENT },
		{ 400, "LastOperationNotFinished", ST_TRANSIENT },
		{ 400, "SignatureNonceUsed", ST_TRANSIENT },
		{ 500, "InternalError", ST_TRANSIENT },
		{ 400, "InvalidTimeStamp.Expired", ST_SYSTEM },
		{ 400, "MissingRecordId", ST_PROTOCOL },
		{ 403, "SomethingNew", ST_PERMISSION },
		{ 503, "SomethingNew", ST_TRANSIENT },
		{ 400, "ThrottlingX", ST_PROTOCOL },
		/* The code decides over the HTTP status. */
		{ 500, "DomainRecordDuplicate", ST_EXISTS },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[256];
		struct alidns_error ae;
		struct err e = { ST_OK, "" };
		json_t *root = NULL;

		snprintf(body, sizeof(body),
		    "{\"RequestId\":\"" REQUEST_ID "\",\"HostId\":\"alidns.aliyuncs.com\",\"Code\":\"%s\",\"Message\":\"m.\"}",
		    cases[i].code);
		print_message("HTTP %ld, code %s\n", cases[i].http_status, cases[i].code);
		assert_int_equal(parse(cases[i].http_status, body, &root, &ae, &e), cases[i].expected);
		assert_null(root);
		assert_int_equal(e.status, cases[i].expected);
		assert_string_equal(ae.code, cases[i].code);
		assert_int_equal(ae.http_status, cases[i].http_status);
	}
}

/* The message names the code, the HTTP status, the RequestId, the message without its full stop, and advice. */
static void
error_message_fields(void **state)
{
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse(404, "{\"RequestId\":\"" REQUEST_ID "\",\"HostId\":\"alidns.aliyuncs.com\","
	    "\"Code\":\"InvalidAccessKeyId.NotFound\",\"Message\":\"Specified access key is not found.\","
	    "\"Recommend\":\"https://api.aliyun.com/troubleshoot?q=InvalidAccessKeyId.NotFound\"}", &root, &ae, &e),
	    ST_AUTH);
	assert_string_equal(ae.request_id, REQUEST_ID);
	assert_string_equal(ae.message, "Specified access key is not found");
	assert_string_equal(e.msg,
	    "test: Alibaba Cloud DNS returned InvalidAccessKeyId.NotFound (HTTP 404, RequestId " REQUEST_ID
	    "): Specified access key is not found; the AccessKey ID from ALIBABA_CLOUD_ACCESS_KEY_ID does not exist; "
	    "check it in the RAM console under AccessKey management");
}

/* The SDKs accept lowercase field names too; the capitalised one wins when both are there. */
static void
error_lowercase_fields(void **state)
{
	struct http_response resp;
	struct alidns_error ae;

	(void)state;
	make_response(&resp, 503, "{\"requestId\":\"r-lower\",\"code\":\"ServiceUnavailable\",\"message\":\"Try later.\"}");
	assert_true(alidns_response_error(&resp, &ae));
	assert_string_equal(ae.code, "ServiceUnavailable");
	assert_string_equal(ae.message, "Try later");
	assert_string_equal(ae.request_id, "r-lower");

	make_response(&resp, 400, "{\"code\":\"lower\",\"Code\":\"Upper\",\"RequestId\":7}");
	assert_true(alidns_response_error(&resp, &ae));
	assert_string_equal(ae.code, "Upper");
	assert_string_equal(ae.request_id, "");
	assert_string_equal(ae.message, "");
}

static void
error_missing_fields_named(void **state)
{
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse(400, "{\"Code\":\"MissingRecordId\",\"Message\":[\"not text\"]}", &root, &ae, &e),
	    ST_PROTOCOL);
	assert_non_null(strstr(e.msg, "RequestId none"));
	assert_non_null(strstr(e.msg, "(no message)"));
	assert_non_null(strstr(e.msg, "the AddDomainRecord request was rejected"));
}

/* Text from the network is escaped before it reaches ae or a message, and cut when long. */
static void
error_text_escaped(void **state)
{
	char body[4096];
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	json_t *root = NULL;
	size_t used;

	(void)state;
	assert_int_equal(parse(400, "{\"RequestId\":\"id\\u001b]0;\",\"Code\":\"Bad\\nCode\","
	    "\"Message\":\"line one\\r\\nline two\\u0007\"}", &root, &ae, &e), ST_PROTOCOL);
	assert_string_equal(ae.code, "Bad\\x0aCode");
	assert_string_equal(ae.message, "line one\\x0d\\x0aline two\\x07");
	assert_string_equal(ae.request_id, "id\\x1b]0;");
	assert_null(strchr(e.msg, '\n'));
	assert_null(strchr(e.msg, '\r'));
	assert_null(strchr(e.msg, '\x1b'));
	assert_null(strchr(e.msg, '\x07'));

	used = (size_t)snprintf(body, sizeof(body), "{\"Code\":\"Throttling.");
	memset(body + used, 'x', 2000);
	used += 2000;
	snprintf(body + used, sizeof(body) - used, "\",\"Message\":\"m\"}");
	assert_int_equal(parse(400, body, &root, &ae, &e), ST_TRANSIENT);
	assert_int_equal(strlen(ae.code), sizeof(ae.code) - 1);
	assert_string_equal(ae.code + strlen(ae.code) - 3, "...");
	assert_true(strlen(e.msg) < sizeof(e.msg));
}

struct retry_case {
	long http_status;
	const char *code;
	int expected;
};

static void
error_retryable_codes(void **state)
{
	static const struct retry_case cases[] = {
		{ 400, "Throttling", 1 },
		{ 400, "Throttling.User", 1 },
		{ 400, "Throttling.Api", 1 },
		{ 400, "LastOperationNotFinished", 1 },
		{ 500, "InternalError", 1 },
		{ 503, "ServiceUnavailable", 1 },
		{ 502, "Anything", 1 },
		{ 400, "ThrottlingUser", 0 },
		{ 400, "DomainRecordDuplicate", 0 },
		{ 400, "SignatureNonceUsed", 0 },
		{ 403, "Forbidden.RAM", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct alidns_error ae;

		memset(&ae, 0, sizeof(ae));
		ae.http_status = cases[i].http_status;
		snprintf(ae.code, sizeof(ae.code), "%s", cases[i].code);
		print_message("HTTP %ld, code %s\n", cases[i].http_status, cases[i].code);
		assert_int_equal(alidns_error_retryable(&ae), cases[i].expected);
	}
}

static enum status
explain_expired(const char *date, struct err *e)
{
	static const char body[] = "{\"RequestId\":\"r\",\"Code\":\"InvalidTimeStamp.Expired\","
	    "\"Message\":\"Specified time stamp or date value is expired.\"}";
	struct http_response resp;
	struct alidns_error ae;

	make_response(&resp, 400, body);
	snprintf(resp.date, sizeof(resp.date), "%s", date);
	return alidns_response_explain(&resp, &request, "test", &ae, e);
}

/* request.signed_at is 1700000000, Tue, 14 Nov 2023 22:13:20 GMT. */
static void
clock_skew_measured(void **state)
{
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(explain_expired("Tue, 14 Nov 2023 22:40:05 GMT", &e), ST_SYSTEM);
	assert_non_null(strstr(e.msg, "this host's clock is 26 min 45 s behind the server's"));
	assert_non_null(strstr(e.msg, "(server Date: Tue, 14 Nov 2023 22:40:05 GMT)"));
	assert_int_equal(explain_expired("Tue, 14 Nov 2023 21:53:20 GMT", &e), ST_SYSTEM);
	assert_non_null(strstr(e.msg, "this host's clock is 20 min 0 s ahead of the server's"));
}

static void
clock_skew_without_date(void **state)
{
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(explain_expired("", &e), ST_SYSTEM);
	assert_non_null(strstr(e.msg, "no Date header"));
	assert_int_equal(explain_expired("14/11/2023 22:40", &e), ST_SYSTEM);
	assert_non_null(strstr(e.msg, "no Date header"));
}

/* strptime ignores what follows "GMT", but the message shows the whole header, escaped. */
static void
clock_skew_date_escaped(void **state)
{
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(explain_expired("Tue, 14 Nov 2023 22:40:05 GMT\x1b[31m\nforged", &e), ST_SYSTEM);
	assert_non_null(strstr(e.msg, "GMT\\x1b[31m\\x0aforged)"));
	assert_null(strchr(e.msg, '\x1b'));
	assert_null(strchr(e.msg, '\n'));
	/* glibc's %Y reads four digits at most, so year 9999 is the latest date, and the skew stays in range. */
	assert_int_equal(explain_expired("Fri, 31 Dec 9999 23:59:59 GMT", &e), ST_SYSTEM);
	assert_non_null(strstr(e.msg, "behind the server's"));
}

static void
records_page_read(void **state)
{
	const char *body = "{\"TotalCount\":250,\"PageNumber\":1,\"PageSize\":100,\"RequestId\":\"" REQUEST_ID "\","
	    "\"DomainRecords\":{\"Record\":["
	    RECORD("\"1892000000000000001\"", RR, "TXT", VALUE, ",\"TTL\":600,\"Line\":\"default\",\"Status\":\"Enable\",\"Remark\":\"\"") ","
	    RECORD("\"1892000000000000002\"", "_acme-challenge", "TXT", VALUE, ",\"TTL\":600") ","
	    RECORD("\"1892000000000000003\"", "_ACME-Challenge.WWW", "txt", "\\\"quoted\\\"", ",\"TTL\":60,\"Status\":\"Disable\"") ","
	    RECORD("\"1892000000000000004\"", RR, "TXT", "other", ",\"TTL\":600,\"Line\":\"telecom\"") ","
	    RECORD("\"1892000000000000005\"", RR, "CNAME", "Target.Example.NET.", ",\"TTL\":600,\"Line\":\"default\"")
	    "]}}";
	struct record_list list;
	struct alidns_page page;
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(read_records(body, &list, &page, &e), ST_OK);
	assert_int_equal(page.items, 5);
	assert_int_equal(page.total, 250);
	assert_int_equal(list.count, 4);

	assert_string_equal(list.items[0].id, "1892000000000000001");
	assert_string_equal(list.items[0].type, "TXT");
	assert_string_equal(list.items[0].name, FQDN);
	assert_string_equal(list.items[0].content, VALUE);
	assert_int_equal(list.items[0].ttl, 600);
	assert_int_equal(list.items[0].hidden, 0);
	assert_non_null(list.items[0].raw);
	assert_non_null(strstr(list.items[0].raw, "\"CreateTimestamp\":1700000000000,\"DomainName\":\"example.test\""));

	/* The RR matches without regard to case; the type is stored in uppercase. */
	assert_string_equal(list.items[1].id, "1892000000000000003");
	assert_string_equal(list.items[1].type, "TXT");
	assert_string_equal(list.items[1].content, "\"quoted\"");
	assert_int_equal(list.items[1].ttl, 60);
	assert_int_equal(list.items[1].hidden, 1);

	/* A record on another resolution line is not what public resolvers get. */
	assert_int_equal(list.items[2].hidden, 1);

	assert_string_equal(list.items[3].type, "CNAME");
	assert_string_equal(list.items[3].content, "Target.Example.NET.");
	assert_int_equal(list.items[3].hidden, 0);
	record_list_free(&list);
}

static void
records_integer_id(void **state)
{
	const char *body = "{\"TotalCount\":1,\"DomainRecords\":{\"Record\":["
	    RECORD("1892000000000000008", RR, "TXT", VALUE, ",\"TTL\":600") "]}}";
	struct record_list list;
	struct alidns_page page;
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(read_records(body, &list, &page, &e), ST_OK);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].id, "1892000000000000008");
	record_list_free(&list);
}

static void
records_empty_page(void **state)
{
	struct record_list list;
	struct alidns_page page;
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(read_records("{\"TotalCount\":0,\"PageNumber\":1,\"PageSize\":20,\"RequestId\":\"r\","
	    "\"DomainRecords\":{\"Record\":[]}}", &list, &page, &e), ST_OK);
	assert_int_equal(page.items, 0);
	assert_int_equal(page.total, 0);
	assert_int_equal(list.count, 0);
}

struct total_case {
	const char *json;
	long long expected;
};

/* TotalCount only ends the paging; a wrong one must not read as a large positive count. */
static void
records_total_count_hostile(void **state)
{
	static const struct total_case cases[] = {
		{ "-3", -3 },
		{ "\"250\"", 0 },
		{ "2.5e2", 0 },
		{ "null", 0 },
		{ "true", 0 },
		{ "9223372036854775807", LLONG_MAX },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[512];
		struct record_list list;
		struct alidns_page page;
		struct err e = { ST_OK, "" };

		snprintf(body, sizeof(body), "{\"TotalCount\":%s,\"DomainRecords\":{\"Record\":["
		    RECORD("\"1\"", RR, "TXT", "v", "") "]}}", cases[i].json);
		print_message("TotalCount %s\n", cases[i].json);
		assert_int_equal(read_records(body, &list, &page, &e), ST_OK);
		assert_int_equal(page.total, cases[i].expected);
		assert_int_equal(page.items, 1);
		record_list_free(&list);
	}
}

struct ttl_case {
	const char *json;
	int expected;
};

static void
records_ttl_hostile(void **state)
{
	static const struct ttl_case cases[] = {
		{ "600", 600 },
		{ "0", 0 },
		{ "2147483647", INT_MAX },
		{ "2147483648", 0 },
		{ "4294967896", 0 },
		{ "-600", 0 },
		{ "-9223372036854775808", 0 },
		{ "\"600\"", 0 },
		{ "600.0", 0 },
		{ "null", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[512];
		struct record_list list;
		struct alidns_page page;
		struct err e = { ST_OK, "" };

		snprintf(body, sizeof(body), "{\"TotalCount\":1,\"DomainRecords\":{\"Record\":["
		    RECORD("\"1\"", RR, "TXT", "v", ",\"TTL\":%s") "]}}", cases[i].json);
		print_message("TTL %s\n", cases[i].json);
		assert_int_equal(read_records(body, &list, &page, &e), ST_OK);
		assert_int_equal(list.count, 1);
		assert_int_equal(list.items[0].ttl, cases[i].expected);
		record_list_free(&list);
	}
}

struct invalid_case {
	const char *record;
	const char *message;
};

/* A kept record with an id, type or CNAME target that could not come from the API fails the listing. */
static void
records_invalid_fields(void **state)
{
	static const struct invalid_case cases[] = {
		{ RECORD("\"\"", RR, "TXT", "v", ""), "invalid RecordId ''" },
		{ RECORD("\"12a\"", RR, "TXT", "v", ""), "invalid RecordId '12a'" },
		{ RECORD("\"../1\"", RR, "TXT", "v", ""), "invalid RecordId '../1'" },
		{ RECORD("\"1\\n2\"", RR, "TXT", "v", ""), "invalid RecordId '1\\x0a2'" },
		{ RECORD("-5", RR, "TXT", "v", ""), "invalid RecordId '-5'" },
		{ RECORD("\"123456789012345678901234567890123\"", RR, "TXT", "v", ""), "invalid RecordId" },
		{ RECORD("\"1\"", RR, "", "v", ""), "invalid Type ''" },
		{ RECORD("\"1\"", RR, "TXT\\u001b[2J", "v", ""), "invalid Type 'TXT\\x1b[2J'" },
		{ RECORD("\"1\"", RR, "TXTTXTTXTTXTTXTX", "v", ""), "invalid Type" },
		{ RECORD("\"1\"", RR, "CNAME", "evil\\ntarget.example", ""), "invalid target 'evil\\x0atarget.example'" },
		{ RECORD("\"1\"", RR, "cname", "", ""), "invalid target ''" },
		{ RECORD("\"1\"", RR, "CNAME", "a b.example", ""), "invalid target 'a b.example'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[512];
		struct record_list list;
		struct alidns_page page;
		struct err e = { ST_OK, "" };

		snprintf(body, sizeof(body), "{\"TotalCount\":1,\"DomainRecords\":{\"Record\":[%s]}}", cases[i].record);
		print_message("record %s\n", cases[i].record);
		assert_int_equal(read_records(body, &list, &page, &e), ST_PROTOCOL);
		assert_non_null(strstr(e.msg, cases[i].message));
		assert_null(strchr(e.msg, '\n'));
		assert_null(strchr(e.msg, '\x1b'));
		record_list_free(&list);
	}
}

/* Records of another RR are dropped before their fields are checked. */
static void
records_other_rr_not_checked(void **state)
{
	const char *body = "{\"TotalCount\":2,\"DomainRecords\":{\"Record\":["
	    RECORD("\"x-y\"", "_acme-challenge", "TXT\\u0007", "v", "") ","
	    RECORD("\"7\"", RR, "TXT", "v", "") "]}}";
	struct record_list list;
	struct alidns_page page;
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(read_records(body, &list, &page, &e), ST_OK);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].id, "7");
	record_list_free(&list);
}

static void
records_missing_fields(void **state)
{
	static const char *const records[] = {
		"{\"RR\":\"" RR "\",\"Type\":\"TXT\",\"Value\":\"v\"}",
		"{\"RecordId\":\"1\",\"Type\":\"TXT\",\"Value\":\"v\"}",
		"{\"RecordId\":\"1\",\"RR\":\"" RR "\",\"Value\":\"v\"}",
		"{\"RecordId\":\"1\",\"RR\":\"" RR "\",\"Type\":\"TXT\"}",
		"{\"RecordId\":\"1\",\"RR\":\"" RR "\",\"Type\":\"TXT\",\"Value\":7}",
		"{\"RecordId\":1.5,\"RR\":\"" RR "\",\"Type\":\"TXT\",\"Value\":\"v\"}",
		"{\"RecordId\":\"1\",\"RR\":null,\"Type\":\"TXT\",\"Value\":\"v\"}",
		"\"not an object\"",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		char body[512];
		struct record_list list;
		struct alidns_page page;
		struct err e = { ST_OK, "" };

		snprintf(body, sizeof(body), "{\"TotalCount\":1,\"DomainRecords\":{\"Record\":[%s]}}", records[i]);
		print_message("record %s\n", records[i]);
		assert_int_equal(read_records(body, &list, &page, &e), ST_PROTOCOL);
		assert_non_null(strstr(e.msg, "without RecordId, RR, Type or Value"));
		record_list_free(&list);
	}
}

static void
records_no_list(void **state)
{
	static const char *const bodies[] = {
		"{\"TotalCount\":1,\"RequestId\":\"r\"}",
		"{\"DomainRecords\":null}",
		"{\"DomainRecords\":{\"Record\":{\"RecordId\":\"1\"}}}",
		"{\"DomainRecords\":[{\"RecordId\":\"1\"}]}",
		"{\"DomainRecords\":{\"record\":[]}}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct record_list list;
		struct alidns_page page;
		struct err e = { ST_OK, "" };

		print_message("body %s\n", bodies[i]);
		assert_int_equal(read_records(bodies[i], &list, &page, &e), ST_PROTOCOL);
		assert_non_null(strstr(e.msg, "no DomainRecords.Record list"));
		assert_int_equal(page.items, 0);
		assert_int_equal(list.count, 0);
	}
}

/* A 100 KB TXT value is kept whole: the content is not cut to a buffer. */
static void
records_long_value(void **state)
{
	size_t value_len = 100 * 1024;
	size_t size = value_len + 512;
	char *body = malloc(size);
	struct record_list list;
	struct alidns_page page;
	struct err e = { ST_OK, "" };
	size_t used;

	(void)state;
	assert_non_null(body);
	used = (size_t)snprintf(body, size, "{\"TotalCount\":1,\"DomainRecords\":{\"Record\":[{\"RecordId\":\"1\","
	    "\"RR\":\"" RR "\",\"Type\":\"TXT\",\"Value\":\"");
	memset(body + used, 'v', value_len);
	used += value_len;
	snprintf(body + used, size - used, "\"}]}}");
	assert_int_equal(read_records(body, &list, &page, &e), ST_OK);
	assert_int_equal(list.count, 1);
	assert_int_equal(strlen(list.items[0].content), value_len);
	record_list_free(&list);
	free(body);
}

/* A DescribeDomains page with the fields of the API reference; DomainName and PunyCode vary. */
#define DOMAIN(name, puny)                                                                                  \
	"{\"DomainId\":\"00efd71a-770e-4255-b54e-6fe5659baffe\",\"DomainName\":" name ",\"PunyCode\":" puny "," \
	"\"AliDomain\":false,\"RecordCount\":3,\"VersionCode\":\"mianfei\",\"DnsServers\":{\"DnsServer\":"      \
	"[\"dns1.hichina.com\",\"dns2.hichina.com\"]}}"

static enum status
read_zones(const char *fqdn, const char *body, char *best, size_t size, struct alidns_page *page, struct err *e)
{
	json_t *root = parse_result(body);
	enum status st;

	st = alidns_response_zones(root, fqdn, best, size, page, "test", e);
	json_decref(root);
	return st;
}

static void
zones_longest_suffix(void **state)
{
	const char *body = "{\"TotalCount\":6,\"PageNumber\":1,\"PageSize\":100,\"RequestId\":\"r\",\"Domains\":{\"Domain\":["
	    DOMAIN("\"example.test\"", "\"example.test\"") ","
	    DOMAIN("\"WWW.Example.test\"", "\"www.example.test\"") ","
	    DOMAIN("\"test\"", "\"test\"") ","
	    DOMAIN("\"ww.example.test\"", "\"ww.example.test\"") ","
	    DOMAIN("\"acme-challenge.www.example.test\"", "null") ","
	    DOMAIN("7", "[]")
	    "]}}";
	char best[DOMAIN_MAX + 1] = "";
	struct alidns_page page;
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(read_zones(FQDN, body, best, sizeof(best), &page, &e), ST_OK);
	assert_string_equal(best, "WWW.Example.test");
	assert_int_equal(page.items, 6);
	assert_int_equal(page.total, 6);

	/* A single label is never a zone; only "test" contains this name. */
	best[0] = '\0';
	assert_int_equal(read_zones("_acme-challenge.other.test", body, best, sizeof(best), &page, &e), ST_OK);
	assert_string_equal(best, "");
}

/* An internationalised domain is listed with its U-label name, and the A-label PunyCode is what matches. */
static void
zones_punycode(void **state)
{
	const char *body = "{\"TotalCount\":1,\"Domains\":{\"Domain\":["
	    DOMAIN("\"\xe4\xbe\x8b\xe5\xad\x90.test\"", "\"xn--fsqu00a.test\"") "]}}";
	char best[DOMAIN_MAX + 1] = "";
	struct alidns_page page;
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(read_zones("_acme-challenge.xn--fsqu00a.test", body, best, sizeof(best), &page, &e), ST_OK);
	assert_string_equal(best, "xn--fsqu00a.test");
}

/* best carries over from earlier pages, and a name too long for it is skipped. */
static void
zones_across_pages(void **state)
{
	const char *body = "{\"TotalCount\":120,\"PageNumber\":2,\"Domains\":{\"Domain\":["
	    DOMAIN("\"example.test\"", "\"example.test\"") "]}}";
	char best[DOMAIN_MAX + 1] = "www.example.test";
	char small[12] = "";
	struct alidns_page page;
	struct err e = { ST_OK, "" };

	(void)state;
	assert_int_equal(read_zones(FQDN, body, best, sizeof(best), &page, &e), ST_OK);
	assert_string_equal(best, "www.example.test");
	assert_int_equal(page.items, 1);
	assert_int_equal(page.total, 120);

	assert_int_equal(read_zones(FQDN, body, small, sizeof(small), &page, &e), ST_OK);
	assert_string_equal(small, "");
}

static void
zones_no_list(void **state)
{
	static const char *const bodies[] = {
		"{\"TotalCount\":1}",
		"{\"Domains\":{\"Domain\":\"example.test\"}}",
		"{\"Domains\":[\"example.test\"]}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		char best[DOMAIN_MAX + 1] = "";
		struct alidns_page page;
		struct err e = { ST_OK, "" };

		print_message("body %s\n", bodies[i]);
		assert_int_equal(read_zones(FQDN, bodies[i], best, sizeof(best), &page, &e), ST_PROTOCOL);
		assert_non_null(strstr(e.msg, "no Domains.Domain list"));
		assert_int_equal(page.items, 0);
	}
}

struct id_case {
	const char *json;
	const char *expected;		/* NULL when the answer must be rejected */
};

static void
record_id_hostile(void **state)
{
	static const struct id_case cases[] = {
		{ "\"9999985\"", "9999985" },
		{ "1892000000000000015", "1892000000000000015" },
		{ "\"00000000000000000000000000000001\"", "00000000000000000000000000000001" },
		{ "\"000000000000000000000000000000001\"", NULL },
		{ "\"\"", NULL },
		{ "\"12a\"", NULL },
		{ "\" 12\"", NULL },
		{ "\"1\\n2\"", NULL },
		{ "-5", NULL },
		{ "1.5", NULL },
		{ "null", NULL },
		{ "[\"1\"]", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[256];
		char id[40] = "";
		struct err e = { ST_OK, "" };
		json_t *root;

		snprintf(body, sizeof(body), "{\"RequestId\":\"r\",\"RecordId\":%s}", cases[i].json);
		print_message("RecordId %s\n", cases[i].json);
		root = parse_result(body);
		if (cases[i].expected != NULL) {
			assert_int_equal(alidns_response_record_id(root, id, sizeof(id), "test", &e), ST_OK);
			assert_string_equal(id, cases[i].expected);
		} else {
			assert_int_equal(alidns_response_record_id(root, id, sizeof(id), "test", &e), ST_PROTOCOL);
			assert_string_equal(id, "");
			assert_non_null(strstr(e.msg, "has no valid RecordId"));
		}
		json_decref(root);
	}
}

static void
record_id_missing_or_too_long(void **state)
{
	json_t *root = parse_result("{\"RequestId\":\"r\"}");
	struct err e = { ST_OK, "" };
	char id[8] = "";

	(void)state;
	assert_int_equal(alidns_response_record_id(root, id, sizeof(id), "test", &e), ST_PROTOCOL);
	json_decref(root);
	root = parse_result("{\"RecordId\":\"12345678\"}");
	assert_int_equal(alidns_response_record_id(root, id, sizeof(id), "test", &e), ST_PROTOCOL);
	assert_string_equal(id, "");
	json_decref(root);
}

static void
id_valid_digits_only(void **state)
{
	(void)state;
	assert_true(alidns_id_valid("1"));
	assert_true(alidns_id_valid("1892000000000000001"));
	assert_true(alidns_id_valid("12345678901234567890123456789012"));
	assert_false(alidns_id_valid("123456789012345678901234567890123"));
	assert_false(alidns_id_valid(""));
	assert_false(alidns_id_valid("-1"));
	assert_false(alidns_id_valid("1 "));
	assert_false(alidns_id_valid("0x1f"));
}

/* A saved copy as the listing kept it: json_dumps with sorted keys. */
#define SAVED(rr, type, value, rest)                                                                    \
	"{\"CreateTimestamp\":1700000000000,\"DomainName\":\"example.test\",\"Locked\":false,"                \
	"\"RR\":\"" rr "\",\"RecordId\":\"1892000000000000001\",\"Type\":\"" type "\",\"Value\":\"" value "\"," \
	"\"Weight\":1" rest "}"

static void
saved_record(struct dns_record *rec, struct zone *zone, const char *type, const char *raw)
{
	memset(rec, 0, sizeof(*rec));
	memset(zone, 0, sizeof(*zone));
	snprintf(zone->id, sizeof(zone->id), "example.test");
	snprintf(zone->name, sizeof(zone->name), "example.test");
	snprintf(rec->type, sizeof(rec->type), "%s", type);
	snprintf(rec->name, sizeof(rec->name), FQDN);
	rec->content = (char *)"listed";
	rec->raw = (char *)raw;
}

static void
saved_txt_read(void **state)
{
	struct alidns_record_attributes attrs;
	struct dns_record rec;
	struct zone zone;
	struct err e = { ST_OK, "" };
	json_t *raw = NULL;

	(void)state;
	saved_record(&rec, &zone, "TXT", SAVED(RR, "TXT", VALUE,
	    ",\"Line\":\"default\",\"Remark\":\"\",\"Status\":\"Enable\",\"TTL\":600"));
	assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_OK);
	assert_non_null(raw);
	assert_string_equal(attrs.rr, RR);
	assert_string_equal(attrs.type, "TXT");
	assert_string_equal(attrs.value, VALUE);
	assert_string_equal(attrs.ttl, "600");
	assert_string_equal(attrs.line, "default");
	assert_null(attrs.remark);
	assert_int_equal(attrs.disabled, 0);
	assert_string_equal(attrs.priority, "");
	json_decref(raw);
}

static void
saved_disabled_with_remark(void **state)
{
	struct alidns_record_attributes attrs;
	struct dns_record rec;
	struct zone zone;
	struct err e = { ST_OK, "" };
	json_t *raw = NULL;

	(void)state;
	saved_record(&rec, &zone, "A", SAVED("_ACME-challenge.www", "a", "192.0.2.1",
	    ",\"Line\":\"telecom\",\"Remark\":\"kept by hand\",\"Status\":\"disable\",\"TTL\":\"86400\""));
	assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_OK);
	assert_string_equal(attrs.ttl, "86400");
	assert_string_equal(attrs.line, "telecom");
	assert_string_equal(attrs.remark, "kept by hand");
	assert_int_equal(attrs.disabled, 1);
	json_decref(raw);
}

static void
saved_mx_priority(void **state)
{
	static const char *const good[] = {
		SAVED(RR, "MX", "mx.example.test", ",\"Priority\":10,\"TTL\":600"),
		SAVED(RR, "MX", "mx.example.test", ",\"Priority\":\"10\",\"TTL\":600"),
	};
	static const char *const bad[] = {
		SAVED(RR, "MX", "mx.example.test", ",\"TTL\":600"),
		SAVED(RR, "MX", "mx.example.test", ",\"Priority\":-10,\"TTL\":600"),
		SAVED(RR, "MX", "mx.example.test", ",\"Priority\":\"\",\"TTL\":600"),
		SAVED(RR, "MX", "mx.example.test", ",\"Priority\":\"10&TTL=1\",\"TTL\":600"),
		SAVED(RR, "MX", "mx.example.test", ",\"Priority\":true,\"TTL\":600"),
	};
	struct alidns_record_attributes attrs;
	struct dns_record rec;
	struct zone zone;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct err e = { ST_OK, "" };
		json_t *raw = NULL;

		saved_record(&rec, &zone, "MX", good[i]);
		assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_OK);
		assert_string_equal(attrs.priority, "10");
		json_decref(raw);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e = { ST_OK, "" };
		json_t *raw = NULL;

		print_message("saved %s\n", bad[i]);
		saved_record(&rec, &zone, "MX", bad[i]);
		assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_PROTOCOL);
		assert_null(raw);
		assert_non_null(strstr(e.msg, "has no valid Priority"));
	}
}

static void
saved_ttl_hostile(void **state)
{
	static const char *const ttls[] = {
		"", ",\"TTL\":null", ",\"TTL\":-1", ",\"TTL\":600.5", ",\"TTL\":\"\"", ",\"TTL\":\"600s\"",
		",\"TTL\":\"1234567890123456789012345678901234\"", ",\"TTL\":{\"value\":600}",
	};
	struct alidns_record_attributes attrs;
	struct dns_record rec;
	struct zone zone;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ttls) / sizeof(ttls[0]); i++) {
		char raw_text[512];
		struct err e = { ST_OK, "" };
		json_t *raw = NULL;

		snprintf(raw_text, sizeof(raw_text), SAVED(RR, "TXT", "v", "%s"), ttls[i]);
		print_message("saved %s\n", raw_text);
		saved_record(&rec, &zone, "TXT", raw_text);
		assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_PROTOCOL);
		assert_null(raw);
		assert_non_null(strstr(e.msg, "has no valid RR, Type, Value or TTL"));
	}
}

/* A copy that describes another record is refused, and its text is escaped in the message. */
static void
saved_other_record(void **state)
{
	struct alidns_record_attributes attrs;
	struct dns_record rec;
	struct zone zone;
	struct err e = { ST_OK, "" };
	json_t *raw = NULL;

	(void)state;
	saved_record(&rec, &zone, "TXT", SAVED("_acme-challenge", "TXT", "v", ",\"TTL\":600"));
	assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_PROTOCOL);
	assert_null(raw);
	assert_non_null(strstr(e.msg, "describes RR _acme-challenge, Type TXT instead"));

	saved_record(&rec, &zone, "TXT", SAVED(RR "\\n", "TXT\\u001b[0m", "v", ",\"TTL\":600"));
	assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_PROTOCOL);
	assert_non_null(strstr(e.msg, "describes RR " RR "\\x0a, Type TXT\\x1b[0m instead"));
	assert_null(strchr(e.msg, '\n'));
	assert_null(strchr(e.msg, '\x1b'));

	saved_record(&rec, &zone, "CNAME", SAVED(RR, "TXT", "v", ",\"TTL\":600"));
	assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_PROTOCOL);

	saved_record(&rec, &zone, "TXT", SAVED(RR, "TXT", "v", ",\"TTL\":600"));
	snprintf(zone.name, sizeof(zone.name), "other.test");
	assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_PROTOCOL);
	assert_non_null(strstr(e.msg, "is not inside zone other.test"));
}

static void
saved_not_an_object(void **state)
{
	static const char *const texts[] = { "", "[1,2]", "\"text\"", "{\"RR\":", "{\"RR\":\"a\\u0000b\"}" };
	struct alidns_record_attributes attrs;
	struct dns_record rec;
	struct zone zone;
	struct err e = { ST_OK, "" };
	json_t *raw = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		print_message("saved %s\n", texts[i]);
		saved_record(&rec, &zone, "TXT", texts[i]);
		assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_PROTOCOL);
		assert_null(raw);
		assert_non_null(strstr(e.msg, "is not a JSON object"));
	}
	saved_record(&rec, &zone, "TXT", NULL);
	assert_int_equal(alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e), ST_PROTOCOL);
	assert_non_null(strstr(e.msg, "no saved copy of the TXT record " FQDN));
}

static void
saved_matches_listed(void **state)
{
	struct alidns_record_attributes attrs;
	struct dns_record saved;
	struct dns_record listed;
	struct zone zone;
	struct err e = { ST_OK, "" };
	json_t *raw = NULL;

	(void)state;
	saved_record(&saved, &zone, "CNAME", SAVED(RR, "CNAME", "Target.Example.NET.", ",\"TTL\":600"));
	assert_int_equal(alidns_saved_record_read(&saved, &zone, &raw, &attrs, &e), ST_OK);
	assert_null(attrs.line);

	/* A CNAME target compares in canonical form, and no Line is the default line. */
	saved_record(&listed, &zone, "CNAME", "{\"Line\":\"default\"}");
	listed.content = (char *)"target.example.net";
	assert_true(alidns_saved_record_matches(&listed, &attrs));
	listed.raw = NULL;
	assert_true(alidns_saved_record_matches(&listed, &attrs));
	listed.raw = (char *)"{\"Line\":\"telecom\"}";
	assert_false(alidns_saved_record_matches(&listed, &attrs));
	listed.raw = (char *)"not json";
	assert_true(alidns_saved_record_matches(&listed, &attrs));
	listed.raw = (char *)"{\"Line\":7}";
	assert_true(alidns_saved_record_matches(&listed, &attrs));
	listed.raw = NULL;
	listed.content = (char *)"other.example.net";
	assert_false(alidns_saved_record_matches(&listed, &attrs));
	snprintf(listed.type, sizeof(listed.type), "TXT");
	listed.content = (char *)"target.example.net";
	assert_false(alidns_saved_record_matches(&listed, &attrs));
	json_decref(raw);

	/* Other values compare exactly. */
	saved_record(&saved, &zone, "TXT", SAVED(RR, "TXT", "Value", ",\"Line\":\"telecom\",\"TTL\":600"));
	assert_int_equal(alidns_saved_record_read(&saved, &zone, &raw, &attrs, &e), ST_OK);
	saved_record(&listed, &zone, "TXT", "{\"Line\":\"telecom\"}");
	listed.content = (char *)"Value";
	assert_true(alidns_saved_record_matches(&listed, &attrs));
	listed.content = (char *)"value";
	assert_false(alidns_saved_record_matches(&listed, &attrs));
	json_decref(raw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(result_add_domain_record),
		cmocka_unit_test(result_with_code_is_error),
		cmocka_unit_test(result_not_an_object),
		cmocka_unit_test(result_embedded_nul_rejected),
		cmocka_unit_test(body_not_api_error),
		cmocka_unit_test(error_codes_classified),
		cmocka_unit_test(error_message_fields),
		cmocka_unit_test(error_lowercase_fields),
		cmocka_unit_test(error_missing_fields_named),
		cmocka_unit_test(error_text_escaped),
		cmocka_unit_test(error_retryable_codes),
		cmocka_unit_test(clock_skew_measured),
		cmocka_unit_test(clock_skew_without_date),
		cmocka_unit_test(clock_skew_date_escaped),
		cmocka_unit_test(records_page_read),
		cmocka_unit_test(records_integer_id),
		cmocka_unit_test(records_empty_page),
		cmocka_unit_test(records_total_count_hostile),
		cmocka_unit_test(records_ttl_hostile),
		cmocka_unit_test(records_invalid_fields),
		cmocka_unit_test(records_other_rr_not_checked),
		cmocka_unit_test(records_missing_fields),
		cmocka_unit_test(records_no_list),
		cmocka_unit_test(records_long_value),
		cmocka_unit_test(zones_longest_suffix),
		cmocka_unit_test(zones_punycode),
		cmocka_unit_test(zones_across_pages),
		cmocka_unit_test(zones_no_list),
		cmocka_unit_test(record_id_hostile),
		cmocka_unit_test(record_id_missing_or_too_long),
		cmocka_unit_test(id_valid_digits_only),
		cmocka_unit_test(saved_txt_read),
		cmocka_unit_test(saved_disabled_with_remark),
		cmocka_unit_test(saved_mx_priority),
		cmocka_unit_test(saved_ttl_hostile),
		cmocka_unit_test(saved_other_record),
		cmocka_unit_test(saved_not_an_object),
		cmocka_unit_test(saved_matches_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
