/* Unit tests for common/http.c: Retry-After parsing and the HTTPS-only rule, without any network traffic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http.h"

#define EPSILON 1e-6

/* 2015-10-21 07:28:00 UTC as Unix time, the moment of the IMF-fixdate in the tests. */
#define DATE_TIME 1445412480LL
#define DATE_TEXT "Wed, 21 Oct 2015 07:28:00 GMT"

static void
retry_after_seconds(void **state)
{
	(void)state;
	assert_float_equal(http_parse_retry_after("120", DATE_TIME), 120, EPSILON);
	assert_float_equal(http_parse_retry_after("0", DATE_TIME), 0, EPSILON);
	assert_float_equal(http_parse_retry_after("  7 ", DATE_TIME), 7, EPSILON);
}

static void
retry_after_date_in_future(void **state)
{
	(void)state;
	assert_float_equal(http_parse_retry_after(DATE_TEXT, DATE_TIME - 90), 90, EPSILON);
}

static void
retry_after_date_now(void **state)
{
	(void)state;
	assert_float_equal(http_parse_retry_after(DATE_TEXT, DATE_TIME), 0, EPSILON);
}

static void
retry_after_date_in_past(void **state)
{
	(void)state;
	assert_float_equal(http_parse_retry_after(DATE_TEXT, DATE_TIME + 3600), 0, EPSILON);
}

static void
retry_after_invalid(void **state)
{
	static const char *const values[] = {
		"", "   ", "soon", "-5", "12abc", "12 34", "Wed, 21 Oct 2015",
		"Wed, 32 Oct 2015 07:28:00 GMT", "21 Oct 2015 07:28:00 GMT",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		assert_float_equal(http_parse_retry_after(values[i], DATE_TIME), -1, EPSILON);
}

static void
retry_after_date_with_trailing_text(void **state)
{
	(void)state;
	assert_float_equal(http_parse_retry_after(DATE_TEXT " garbage", DATE_TIME - 90), -1, EPSILON);
}

static void
retry_after_non_decimal_seconds(void **state)
{
	(void)state;
	assert_float_equal(http_parse_retry_after("0x10", DATE_TIME), -1, EPSILON);
	assert_float_equal(http_parse_retry_after("1e3", DATE_TIME), -1, EPSILON);
	assert_float_equal(http_parse_retry_after("1.5", DATE_TIME), -1, EPSILON);
}

/* Sends one request to url through a fresh client and checks that it is rejected before any connection. */
static void
assert_url_rejected(const char *url, const char *log_url, const char *shown)
{
	struct http_client *client = NULL;
	struct http_request req = { .method = "GET", .url = url, .log_url = log_url };
	struct http_response resp;
	struct err e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(http_client_new(NULL, 5, &client, &e), ST_OK);
	assert_non_null(client);
	assert_int_equal(http_send(client, &req, &resp, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "not HTTPS"));
	assert_non_null(strstr(e.msg, shown));
	assert_int_equal(resp.status, 0);
	assert_null(resp.body);
	assert_float_equal(resp.retry_after, -1, EPSILON);
	assert_int_equal(http_client_request_count(client), 0);
	http_response_free(&resp);
	http_client_free(client);
}

static void
send_rejects_http(void **state)
{
	(void)state;
	assert_url_rejected("http://127.0.0.1:9/client/v4/zones", NULL, "http://127.0.0.1:9/client/v4/zones");
}

static void
send_rejects_other_schemes(void **state)
{
	(void)state;
	assert_url_rejected("ftp://127.0.0.1/zones", NULL, "ftp://127.0.0.1/zones");
	assert_url_rejected("file:///etc/passwd", NULL, "file:///etc/passwd");
	assert_url_rejected("127.0.0.1/zones", NULL, "127.0.0.1/zones");
}

static void
send_rejection_shows_log_url(void **state)
{
	struct http_client *client = NULL;
	struct http_request req = {
		.method = "GET",
		.url = "http://127.0.0.1:9/zones?token=secret-value",
		.log_url = "http://127.0.0.1:9/zones",
	};
	struct http_response resp;
	struct err e;

	(void)state;
	assert_int_equal(http_client_new(NULL, 5, &client, &e), ST_OK);
	assert_int_equal(http_send(client, &req, &resp, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "http://127.0.0.1:9/zones"));
	assert_null(strstr(e.msg, "secret-value"));
	http_response_free(&resp);
	http_client_free(client);
}

static void
response_free_resets(void **state)
{
	struct http_response resp;

	(void)state;
	memset(&resp, 0, sizeof(resp));
	resp.body = strdup("{}");
	resp.body_len = 2;
	resp.status = 200;
	http_response_free(&resp);
	assert_null(resp.body);
	assert_int_equal(resp.body_len, 0);
	assert_int_equal(resp.status, 0);
	assert_float_equal(resp.retry_after, -1, EPSILON);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retry_after_seconds),
		cmocka_unit_test(retry_after_date_in_future),
		cmocka_unit_test(retry_after_date_now),
		cmocka_unit_test(retry_after_date_in_past),
		cmocka_unit_test(retry_after_invalid),
		cmocka_unit_test(retry_after_date_with_trailing_text),
		cmocka_unit_test(retry_after_non_decimal_seconds),
		cmocka_unit_test(send_rejects_http),
		cmocka_unit_test(send_rejects_other_schemes),
		cmocka_unit_test(send_rejection_shows_log_url),
		cmocka_unit_test(response_free_resets),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
