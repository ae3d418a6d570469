/* Unit tests for common/ini.c: sections, comments, quotes and syntax errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ini.h"

#define MAX_PAIRS 16

/* The keys that a parse passed to the handler, in order. */
struct collected {
	char section[MAX_PAIRS][128];
	char key[MAX_PAIRS][64];
	char value[MAX_PAIRS][128];
	int line[MAX_PAIRS];
	int count;
	int stop_at;		/* 1-based call at which the handler returns ST_AUTH, or 0 for never */
};

static enum status
collect_pair(void *ctx, const char *section, const char *key, const char *value, int line, struct err *e)
{
	struct collected *c = ctx;

	if (c->count == MAX_PAIRS)
		return err_set(e, ST_SYSTEM, "test handler is full");
	snprintf(c->section[c->count], sizeof(c->section[0]), "%s", section);
	snprintf(c->key[c->count], sizeof(c->key[0]), "%s", key);
	snprintf(c->value[c->count], sizeof(c->value[0]), "%s", value);
	c->line[c->count] = line;
	c->count++;
	if (c->count == c->stop_at)
		return err_set(e, ST_AUTH, "handler stopped at %s", key);
	return ST_OK;
}

/* Parses a copy of text into c and returns the status. */
static enum status
parse_text(const char *text, struct collected *c, struct err *e)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", text);
	memset(e, 0, sizeof(*e));
	return ini_parse(buf, "test.conf", collect_pair, c, e);
}

static void
ini_top_level_keys(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("provider = cloudflare\nttl=120\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 2);
	assert_string_equal(c.section[0], "");
	assert_string_equal(c.key[0], "provider");
	assert_string_equal(c.value[0], "cloudflare");
	assert_string_equal(c.key[1], "ttl");
	assert_string_equal(c.value[1], "120");
}

static void
ini_sections(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("a = 1\n[cloudflare]\napi_token = t1\n[ other ]\napi_token = t2\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 3);
	assert_string_equal(c.section[0], "");
	assert_string_equal(c.section[1], "cloudflare");
	assert_string_equal(c.value[1], "t1");
	assert_string_equal(c.section[2], "other");
	assert_string_equal(c.value[2], "t2");
}

static void
ini_comments_and_blank_lines(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("# hash comment\n; semicolon comment\n\n   \n  # indented\nk = v\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 1);
	assert_string_equal(c.key[0], "k");
	assert_int_equal(c.line[0], 6);
}

static void
ini_whitespace_trimmed(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("  \tkey name \t=\t  some value  \r\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 1);
	assert_string_equal(c.key[0], "key name");
	assert_string_equal(c.value[0], "some value");
}

static void
ini_crlf_lines(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("[s]\r\na = 1\r\nb = 2\r\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 2);
	assert_string_equal(c.section[0], "s");
	assert_string_equal(c.value[0], "1");
	assert_string_equal(c.value[1], "2");
}

static void
ini_quotes_removed(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("a = \"  spaced  \"\nb = 'single'\nc = \"\"\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 3);
	assert_string_equal(c.value[0], "  spaced  ");
	assert_string_equal(c.value[1], "single");
	assert_string_equal(c.value[2], "");
}

static void
ini_unmatched_quotes_kept(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("a = \"open\nb = 'mixed\"\nc = \"\nd = \"\"x\"\"\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 4);
	assert_string_equal(c.value[0], "\"open");
	assert_string_equal(c.value[1], "'mixed\"");
	assert_string_equal(c.value[2], "\"");
	assert_string_equal(c.value[3], "\"x\"");
}

static void
ini_value_with_equals(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("token = abc==\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 1);
	assert_string_equal(c.key[0], "token");
	assert_string_equal(c.value[0], "abc==");
}

static void
ini_empty_value(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("k =\n", &c, &e), ST_OK);
	assert_int_equal(c.count, 1);
	assert_string_equal(c.value[0], "");
}

static void
ini_last_line_without_newline(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("a = 1\nb = 2", &c, &e), ST_OK);
	assert_int_equal(c.count, 2);
	assert_string_equal(c.value[1], "2");
	assert_int_equal(c.line[1], 2);
}

static void
ini_empty_text(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("", &c, &e), ST_OK);
	assert_int_equal(c.count, 0);
}

static void
ini_line_without_equals(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("a = 1\n# note\njust words\nb = 2\n", &c, &e), ST_USAGE);
	assert_string_equal(e.msg, "test.conf:3: invalid line; expected key = value");
	assert_int_equal(c.count, 1);
}

static void
ini_missing_key(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("\n  = value\n", &c, &e), ST_USAGE);
	assert_string_equal(e.msg, "test.conf:2: missing key before '='");
}

static void
ini_unclosed_section(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("[cloudflare\nk = v\n", &c, &e), ST_USAGE);
	assert_string_equal(e.msg, "test.conf:1: invalid section header; expected [name]");
}

static void
ini_lone_bracket(void **state)
{
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("k = v\n[\n", &c, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "test.conf:2:"));
}

static void
ini_section_too_long(void **state)
{
	char text[300];
	struct collected c = { .count = 0 };
	struct err e;

	(void)state;
	text[0] = '[';
	memset(text + 1, 's', 200);
	strcpy(text + 201, "]\nk = v\n");
	assert_int_equal(parse_text(text, &c, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "test.conf:1: invalid section header"));
}

static void
ini_handler_status_stops_parse(void **state)
{
	struct collected c = { .count = 0, .stop_at = 2 };
	struct err e;

	(void)state;
	assert_int_equal(parse_text("a = 1\nb = 2\nc = 3\n", &c, &e), ST_AUTH);
	assert_int_equal(c.count, 2);
	assert_string_equal(e.msg, "handler stopped at b");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ini_top_level_keys),
		cmocka_unit_test(ini_sections),
		cmocka_unit_test(ini_comments_and_blank_lines),
		cmocka_unit_test(ini_whitespace_trimmed),
		cmocka_unit_test(ini_crlf_lines),
		cmocka_unit_test(ini_quotes_removed),
		cmocka_unit_test(ini_unmatched_quotes_kept),
		cmocka_unit_test(ini_value_with_equals),
		cmocka_unit_test(ini_empty_value),
		cmocka_unit_test(ini_last_line_without_newline),
		cmocka_unit_test(ini_empty_text),
		cmocka_unit_test(ini_line_without_equals),
		cmocka_unit_test(ini_missing_key),
		cmocka_unit_test(ini_unclosed_section),
		cmocka_unit_test(ini_lone_bracket),
		cmocka_unit_test(ini_section_too_long),
		cmocka_unit_test(ini_handler_status_stops_parse),
	};

	return cmocka_run_group_tests_name("ini", tests, NULL, NULL);
}
