/* Unit tests for reading Cloudflare API v4 responses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cloudflare_response.h"

static enum status
parse(const char *body, long http_status, json_t **root, struct err *e)
{
	return cf_response_parse(body, strlen(body), http_status, "test", root, e);
}

static void
envelope_success_compact(void **state)
{
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse("{\"success\":true,\"errors\":[],\"messages\":[],\"result\":[]}", 200, &root, &e), ST_OK);
	assert_non_null(root);
	json_decref(root);
}

/* Spaced JSON, keys in another order and unknown fields must not matter. */
static void
zone_list_spaced_reordered(void **state)
{
	const char *body =
	    "{\n  \"result_info\" : { \"page\" : 1, \"total_pages\" : 1 },\n"
	    "  \"result\" : [ { \"plan\" : { \"id\" : \"free\" }, \"name\" : \"Example.COM\",\n"
	    "      \"status\" : \"active\", \"id\" : \"023e105f4ecef8ad9ca31a8372d0c353\", \"new_field\": [1,2] } ],\n"
	    "  \"messages\" : [ ], \"errors\" : [ ], \"success\" : true, \"extra\" : null }";
	struct err e = { ST_OK, "" };
	struct zone zone;
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse(body, 200, &root, &e), ST_OK);
	assert_int_equal(cf_response_zone(root, "example.com", &zone, "test", &e), ST_OK);
	assert_string_equal(zone.id, "023e105f4ecef8ad9ca31a8372d0c353");
	assert_string_equal(zone.name, "example.com");
	json_decref(root);
}

static void
zone_list_other_name_not_chosen(void **state)
{
	const char *body = "{\"success\":true,\"errors\":[],\"result\":[{\"id\":\"aa\",\"name\":\"notexample.com\"}]}";
	struct err e = { ST_OK, "" };
	struct zone zone;
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse(body, 200, &root, &e), ST_OK);
	assert_int_equal(cf_response_zone(root, "example.com", &zone, "test", &e), ST_NOT_FOUND);
	json_decref(root);
}

struct code_case {
	long http_status;
	long code;
	enum status expected;
};

static void
error_codes_classified(void **state)
{
	static const struct code_case cases[] = {
		{ 400, 6003, ST_AUTH },
		{ 403, 9103, ST_AUTH },
		{ 403, 9109, ST_PERMISSION },
		{ 403, 10000, ST_PERMISSION },
		{ 400, 7003, ST_NOT_FOUND },
		{ 404, 81044, ST_NOT_FOUND },
		{ 400, 81053, ST_CONFLICT },
		{ 400, 81054, ST_CONFLICT },
		{ 400, 81057, ST_EXISTS },
		{ 400, 81058, ST_EXISTS },
		{ 400, 9021, ST_USAGE },
		{ 400, 123456, ST_PROTOCOL },
		{ 403, 123456, ST_PERMISSION },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[256];
		struct err e = { ST_OK, "" };
		json_t *root = NULL;

		snprintf(body, sizeof(body),
		    "{\"success\":false,\"errors\":[{\"code\":%ld,\"message\":\"m\"}],\"messages\":[],\"result\":null}",
		    cases[i].code);
		print_message("code %ld\n", cases[i].code);
		assert_int_equal(parse(body, cases[i].http_status, &root, &e), cases[i].expected);
		assert_null(root);
		assert_int_equal(e.status, cases[i].expected);
	}
}

/* The message names the code and, for header errors, the code of the error_chain. */
static void
error_chain_in_message(void **state)
{
	const char *body = "{\"success\":false,\"errors\":[{\"code\":6003,\"message\":\"Invalid request headers\","
	    "\"error_chain\":[{\"code\":6111,\"message\":\"Invalid format for Authorization header\"}]}]}";
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse(body, 400, &root, &e), ST_AUTH);
	assert_non_null(strstr(e.msg, "6003/6111"));
}

/* Text from the network is escaped before it reaches a message. */
static void
error_message_escaped(void **state)
{
	const char *body = "{\"success\":false,\"errors\":[{\"code\":1,\"message\":\"bad\\nline\\u001b[31m\"}]}";
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse(body, 400, &root, &e), ST_PROTOCOL);
	assert_null(strchr(e.msg, '\n'));
	assert_null(strchr(e.msg, '\x1b'));
	assert_non_null(strstr(e.msg, "bad\\x0aline"));
}

static void
body_not_json(void **state)
{
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse("<html>502 Bad Gateway</html>", 502, &root, &e), ST_TRANSIENT);
	assert_int_equal(parse("{\"success\":tru", 200, &root, &e), ST_PROTOCOL);
	assert_int_equal(parse("{\"result\":[]}", 200, &root, &e), ST_PROTOCOL);
	assert_int_equal(parse("[]", 200, &root, &e), ST_PROTOCOL);
	assert_int_equal(parse("", 200, &root, &e), ST_PROTOCOL);
}

static void
success_with_error_status(void **state)
{
	struct err e = { ST_OK, "" };
	json_t *root = NULL;

	(void)state;
	assert_int_not_equal(parse("{\"success\":true,\"errors\":[],\"result\":[]}", 500, &root, &e), ST_OK);
	assert_null(root);
}

static void
records_filtered_by_name(void **state)
{
	const char *body =
	    "{\"success\":true,\"errors\":[],\"result_info\":{\"page\":1,\"total_pages\":3},\"result\":["
	    "{\"id\":\"a1\",\"type\":\"TXT\",\"name\":\"_acme-challenge.example.com\",\"content\":\"\\\"v1\\\"\",\"ttl\":120},"
	    "{\"id\":\"a2\",\"type\":\"cname\",\"name\":\"_ACME-challenge.example.com\",\"content\":\"t.example.net\",\"ttl\":1},"
	    "{\"id\":\"a3\",\"type\":\"TXT\",\"name\":\"_acme-challenge.www.example.com\",\"content\":\"v1\",\"ttl\":120}]}";
	struct err e = { ST_OK, "" };
	struct record_list list = { NULL, 0 };
	json_t *root = NULL;
	long pages = 0;

	(void)state;
	assert_int_equal(parse(body, 200, &root, &e), ST_OK);
	assert_int_equal(cf_response_records(root, "_acme-challenge.example.com", &list, &pages, "test", &e), ST_OK);
	assert_int_equal(pages, 3);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0].id, "a1");
	assert_string_equal(list.items[0].content, "\"v1\"");
	assert_int_equal(list.items[0].ttl, 120);
	assert_string_equal(list.items[1].type, "CNAME");
	assert_string_equal(list.items[1].name, "_acme-challenge.example.com");
	record_list_free(&list);
	json_decref(root);
}

static void
records_missing_field(void **state)
{
	const char *body = "{\"success\":true,\"errors\":[],\"result\":[{\"id\":\"a1\",\"type\":\"TXT\",\"name\":\"x.example.com\"}]}";
	struct err e = { ST_OK, "" };
	struct record_list list = { NULL, 0 };
	json_t *root = NULL;
	long pages = 0;

	(void)state;
	assert_int_equal(parse(body, 200, &root, &e), ST_OK);
	assert_int_equal(cf_response_records(root, "x.example.com", &list, &pages, "test", &e), ST_PROTOCOL);
	assert_int_equal(pages, 1);
	record_list_free(&list);
	json_decref(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(envelope_success_compact),
		cmocka_unit_test(zone_list_spaced_reordered),
		cmocka_unit_test(zone_list_other_name_not_chosen),
		cmocka_unit_test(error_codes_classified),
		cmocka_unit_test(error_chain_in_message),
		cmocka_unit_test(error_message_escaped),
		cmocka_unit_test(body_not_json),
		cmocka_unit_test(success_with_error_status),
		cmocka_unit_test(records_filtered_by_name),
		cmocka_unit_test(records_missing_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
