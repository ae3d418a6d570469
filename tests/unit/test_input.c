/* Unit tests for common/input.c: domain normalization and TXT value checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "input.h"

/* Runs input_normalize_domain and checks that it succeeds with the expected name. */
static void
assert_normalizes_to(const char *raw, const char *expected)
{
	char out[DOMAIN_MAX + 1];
	struct err e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(input_normalize_domain(raw, out, &e), ST_OK);
	assert_string_equal(out, expected);
}

/* Runs input_normalize_domain and checks that it rejects raw with ST_USAGE and a message containing part. */
static void
assert_domain_rejected(const char *raw, const char *part)
{
	char out[DOMAIN_MAX + 1];
	struct err e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(input_normalize_domain(raw, out, &e), ST_USAGE);
	assert_int_equal(e.status, ST_USAGE);
	assert_non_null(strstr(e.msg, part));
}

/* Fills buf with labels of label_len octets joined by dots until the name is total octets long. */
static void
make_long_name(char *buf, size_t total, size_t label_len)
{
	size_t i;

	for (i = 0; i < total; i++)
		buf[i] = (i % (label_len + 1) == label_len) ? '.' : 'a';
	buf[total] = '\0';
}

static void
domain_plain(void **state)
{
	(void)state;
	assert_normalizes_to("example.com", "example.com");
	assert_normalizes_to("www.sub.example.com", "www.sub.example.com");
	assert_normalizes_to("my-host_1.example.com", "my-host_1.example.com");
}

static void
domain_strips_wildcard(void **state)
{
	(void)state;
	assert_normalizes_to("*.example.com", "example.com");
}

static void
domain_strips_one_wildcard_only(void **state)
{
	(void)state;
	assert_domain_rejected("*.*.example.com", "invalid character '*'");
}

static void
domain_strips_trailing_dot(void **state)
{
	(void)state;
	assert_normalizes_to("example.com.", "example.com");
	assert_normalizes_to("*.example.com.", "example.com");
}

static void
domain_two_trailing_dots(void **state)
{
	(void)state;
	assert_domain_rejected("example.com..", "empty label");
}

static void
domain_lowercases(void **state)
{
	(void)state;
	assert_normalizes_to("WWW.Example.COM", "www.example.com");
}

static void
domain_unicode_to_alabel(void **state)
{
	(void)state;
	assert_normalizes_to("bücher.example", "xn--bcher-kva.example");
	assert_normalizes_to("*.bücher.example.", "xn--bcher-kva.example");
}

static void
domain_unicode_uppercase(void **state)
{
	(void)state;
	assert_normalizes_to("BÜCHER.Example", "xn--bcher-kva.example");
}

static void
domain_invalid_utf8(void **state)
{
	(void)state;
	assert_domain_rejected("\xff\xfe.example", "not a valid internationalized name");
}

static void
domain_empty(void **state)
{
	char out[DOMAIN_MAX + 1];
	struct err e;

	(void)state;
	assert_domain_rejected("", "missing or empty");
	assert_int_equal(input_normalize_domain(NULL, out, &e), ST_USAGE);
}

static void
domain_empty_after_stripping(void **state)
{
	(void)state;
	assert_domain_rejected("*.", "empty once");
	assert_domain_rejected(".", "empty once");
}

static void
domain_max_length(void **state)
{
	char name[DOMAIN_MAX + 2];

	(void)state;
	make_long_name(name, DOMAIN_MAX, LABEL_MAX);
	assert_int_equal(name[DOMAIN_MAX - 1], 'a');
	assert_normalizes_to(name, name);
}

static void
domain_max_length_trailing_dot(void **state)
{
	char name[DOMAIN_MAX + 2];
	char expected[DOMAIN_MAX + 1];

	(void)state;
	make_long_name(expected, DOMAIN_MAX, LABEL_MAX);
	memcpy(name, expected, DOMAIN_MAX);
	name[DOMAIN_MAX] = '.';
	name[DOMAIN_MAX + 1] = '\0';
	assert_normalizes_to(name, expected);
}

static void
domain_too_long(void **state)
{
	char name[DOMAIN_MAX + 2];

	(void)state;
	make_long_name(name, DOMAIN_MAX + 1, LABEL_MAX);
	assert_domain_rejected(name, "254 octets long");
}

static void
domain_far_too_long(void **state)
{
	char name[2000];

	(void)state;
	make_long_name(name, sizeof(name) - 1, 10);
	assert_domain_rejected(name, "longer than");
}

static void
domain_label_max(void **state)
{
	char name[LABEL_MAX + sizeof(".example")];

	(void)state;
	memset(name, 'a', LABEL_MAX);
	strcpy(name + LABEL_MAX, ".example");
	assert_normalizes_to(name, name);
}

static void
domain_label_too_long(void **state)
{
	char name[LABEL_MAX + 1 + sizeof(".example")];

	(void)state;
	memset(name, 'a', LABEL_MAX + 1);
	strcpy(name + LABEL_MAX + 1, ".example");
	assert_domain_rejected(name, "label of 64 octets");
}

static void
domain_bad_characters(void **state)
{
	(void)state;
	assert_domain_rejected("exa mple.com", "invalid character ' '");
	assert_domain_rejected("example.com/path", "invalid character '/'");
	assert_domain_rejected("user@example.com", "invalid character '@'");
	assert_domain_rejected("exa\tmple.com", "invalid character '?'");
}

static void
domain_single_label(void **state)
{
	(void)state;
	assert_domain_rejected("localhost", "single label");
	assert_domain_rejected("localhost.", "single label");
	assert_domain_rejected("*.com", "single label");
}

static void
domain_empty_label(void **state)
{
	(void)state;
	assert_domain_rejected("a..b", "empty label");
	assert_domain_rejected(".example.com", "empty label");
}

static void
domain_message_escapes_input(void **state)
{
	(void)state;
	assert_domain_rejected("bad\nname.example", "bad\\x0aname.example");
}

static void
validation_accepts_base64url(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(input_check_validation("gfj9Xq-Rn_Az09azAZ", &e), ST_OK);
	assert_int_equal(input_check_validation("a", &e), ST_OK);
}

static void
validation_max_length(void **state)
{
	char value[VALIDATION_MAX + 2];
	struct err e;

	(void)state;
	memset(value, 'A', VALIDATION_MAX);
	value[VALIDATION_MAX] = '\0';
	assert_int_equal(input_check_validation(value, &e), ST_OK);

	value[VALIDATION_MAX] = 'A';
	value[VALIDATION_MAX + 1] = '\0';
	assert_int_equal(input_check_validation(value, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "256 characters"));
}

static void
validation_empty(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(input_check_validation("", &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "missing or empty"));
	assert_int_equal(input_check_validation(NULL, &e), ST_USAGE);
}

static void
validation_bad_characters(void **state)
{
	static const char *const values[] = {
		"abc+def", "abc/def", "abcdef=", "abc def", "abc\ndef", "abc.def", "ab\xc3\xa4",
	};
	size_t i;
	struct err e;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(input_check_validation(values[i], &e), ST_USAGE);
		assert_non_null(strstr(e.msg, "invalid character"));
	}
}

static void
validation_names_position(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(input_check_validation("abc+def", &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "position 4"));
}

static void
count_valid(void **state)
{
	(void)state;
	assert_int_equal(input_parse_count("0", 10), 0);
	assert_int_equal(input_parse_count("7", 10), 7);
	assert_int_equal(input_parse_count("10", 10), 10);
	assert_int_equal(input_parse_count("007", 10), 7);
}

static void
count_above_max(void **state)
{
	(void)state;
	assert_int_equal(input_parse_count("11", 10), -1);
}

static void
count_invalid(void **state)
{
	static const char *const texts[] = {
		"", "-1", "+1", " 1", "1 ", "1a", "abc", "0x10", "1.5",
		"99999999999999999999999",
	};
	size_t i;

	(void)state;
	assert_int_equal(input_parse_count(NULL, 10), -1);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_int_equal(input_parse_count(texts[i], LONG_MAX), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(domain_plain),
		cmocka_unit_test(domain_strips_wildcard),
		cmocka_unit_test(domain_strips_one_wildcard_only),
		cmocka_unit_test(domain_strips_trailing_dot),
		cmocka_unit_test(domain_two_trailing_dots),
		cmocka_unit_test(domain_lowercases),
		cmocka_unit_test(domain_unicode_to_alabel),
		cmocka_unit_test(domain_unicode_uppercase),
		cmocka_unit_test(domain_invalid_utf8),
		cmocka_unit_test(domain_empty),
		cmocka_unit_test(domain_empty_after_stripping),
		cmocka_unit_test(domain_max_length),
		cmocka_unit_test(domain_max_length_trailing_dot),
		cmocka_unit_test(domain_too_long),
		cmocka_unit_test(domain_far_too_long),
		cmocka_unit_test(domain_label_max),
		cmocka_unit_test(domain_label_too_long),
		cmocka_unit_test(domain_bad_characters),
		cmocka_unit_test(domain_single_label),
		cmocka_unit_test(domain_empty_label),
		cmocka_unit_test(domain_message_escapes_input),
		cmocka_unit_test(validation_accepts_base64url),
		cmocka_unit_test(validation_max_length),
		cmocka_unit_test(validation_empty),
		cmocka_unit_test(validation_bad_characters),
		cmocka_unit_test(validation_names_position),
		cmocka_unit_test(count_valid),
		cmocka_unit_test(count_above_max),
		cmocka_unit_test(count_invalid),
	};

	return cmocka_run_group_tests_name("input", tests, NULL, NULL);
}
