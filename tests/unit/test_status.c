/* Unit tests for common/status.c: the error record and the exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "status.h"

static void
err_set_fills_record(void **state)
{
	struct err e;
	enum status st;

	(void)state;
	memset(&e, 0, sizeof(e));
	st = err_set(&e, ST_NOT_FOUND, "zone %s has %d records", "example.com", 3);
	assert_int_equal(st, ST_NOT_FOUND);
	assert_int_equal(e.status, ST_NOT_FOUND);
	assert_string_equal(e.msg, "zone example.com has 3 records");
}

static void
err_set_null_record(void **state)
{
	(void)state;
	assert_int_equal(err_set(NULL, ST_TIMEOUT, "ignored %d", 1), ST_TIMEOUT);
}

static void
err_set_truncates_long_message(void **state)
{
	char long_text[ERR_MSG_MAX * 2];
	struct err e;

	(void)state;
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	err_set(&e, ST_PROTOCOL, "%s", long_text);
	assert_int_equal(strlen(e.msg), ERR_MSG_MAX - 1);
}

static void
err_prefix_prepends_text(void **state)
{
	struct err e;
	enum status st;

	(void)state;
	err_set(&e, ST_USAGE, "cannot read '%s'", "/tmp/x");
	st = err_prefix(&e, "%s", "DNS01_TOKEN_FILE");
	assert_int_equal(st, ST_USAGE);
	assert_int_equal(e.status, ST_USAGE);
	assert_string_equal(e.msg, "DNS01_TOKEN_FILE: cannot read '/tmp/x'");
}

static void
err_prefix_twice(void **state)
{
	struct err e;

	(void)state;
	err_set(&e, ST_AUTH, "token rejected");
	err_prefix(&e, "cloudflare");
	err_prefix(&e, "example.com");
	assert_string_equal(e.msg, "example.com: cloudflare: token rejected");
}

static void
err_prefix_long_prefix_fits_buffer(void **state)
{
	char long_prefix[ERR_MSG_MAX * 2];
	struct err e;

	(void)state;
	memset(long_prefix, 'p', sizeof(long_prefix) - 1);
	long_prefix[sizeof(long_prefix) - 1] = '\0';
	err_set(&e, ST_SYSTEM, "old message");
	err_prefix(&e, "%s", long_prefix);
	assert_int_equal(strlen(e.msg), ERR_MSG_MAX - 1);
	assert_int_equal(e.msg[0], 'p');
	assert_int_equal(e.status, ST_SYSTEM);
}

static void
exit_code_ok_is_zero(void **state)
{
	(void)state;
	assert_int_equal(status_exit_code(ST_OK), 0);
}

static void
exit_code_usage_is_two(void **state)
{
	(void)state;
	assert_int_equal(status_exit_code(ST_USAGE), 2);
}

static void
exit_code_failures_are_one(void **state)
{
	static const enum status failures[] = {
		ST_AUTH, ST_PERMISSION, ST_NOT_FOUND, ST_CONFLICT, ST_EXISTS,
		ST_TRANSIENT, ST_PROTOCOL, ST_TIMEOUT, ST_SYSTEM,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++)
		assert_int_equal(status_exit_code(failures[i]), 1);
}

static void
status_name_known_and_unknown(void **state)
{
	int i;

	(void)state;
	assert_string_equal(status_name(ST_OK), "success");
	assert_string_equal(status_name(ST_PERMISSION), "permission denied");
	assert_string_equal(status_name(ST__MAX), "unknown error");
	assert_string_equal(status_name((enum status)-1), "unknown error");
	for (i = 0; i < ST__MAX; i++)
		assert_non_null(status_name((enum status)i));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(err_set_fills_record),
		cmocka_unit_test(err_set_null_record),
		cmocka_unit_test(err_set_truncates_long_message),
		cmocka_unit_test(err_prefix_prepends_text),
		cmocka_unit_test(err_prefix_twice),
		cmocka_unit_test(err_prefix_long_prefix_fits_buffer),
		cmocka_unit_test(exit_code_ok_is_zero),
		cmocka_unit_test(exit_code_usage_is_two),
		cmocka_unit_test(exit_code_failures_are_one),
		cmocka_unit_test(status_name_known_and_unknown),
	};

	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
