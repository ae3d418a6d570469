/* Unit tests for providers/provider.c: TXT value matching, record lists and the provider table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "provider.h"

static void
txt_matches_exact(void **state)
{
	(void)state;
	assert_true(record_txt_matches("gfj9Xq-Rn_Az", "gfj9Xq-Rn_Az"));
}

static void
txt_matches_quoted(void **state)
{
	(void)state;
	assert_true(record_txt_matches("\"gfj9Xq-Rn_Az\"", "gfj9Xq-Rn_Az"));
}

static void
txt_differs(void **state)
{
	(void)state;
	assert_false(record_txt_matches("gfj9Xq-Rn_Ay", "gfj9Xq-Rn_Az"));
	assert_false(record_txt_matches("\"gfj9Xq-Rn_Ay\"", "gfj9Xq-Rn_Az"));
}

static void
txt_case_sensitive(void **state)
{
	(void)state;
	assert_false(record_txt_matches("ABC", "abc"));
}

static void
txt_prefix_not_match(void **state)
{
	(void)state;
	assert_false(record_txt_matches("abcd", "abc"));
	assert_false(record_txt_matches("abc", "abcd"));
	assert_false(record_txt_matches("\"abc\"", "ab"));
	assert_false(record_txt_matches("\"abc\"x", "abc"));
}

static void
txt_one_quote_not_stripped(void **state)
{
	(void)state;
	assert_false(record_txt_matches("\"abc", "abc"));
	assert_false(record_txt_matches("abc\"", "abc"));
	assert_false(record_txt_matches("x\"abc\"", "abc"));
}

static void
txt_only_one_pair_stripped(void **state)
{
	(void)state;
	assert_false(record_txt_matches("\"\"abc\"\"", "abc"));
	assert_true(record_txt_matches("\"\"abc\"\"", "\"abc\""));
}

static void
txt_single_quotes_kept(void **state)
{
	(void)state;
	assert_false(record_txt_matches("'abc'", "abc"));
}

static void
txt_empty_quotes(void **state)
{
	(void)state;
	assert_true(record_txt_matches("\"\"", ""));
	assert_true(record_txt_matches("", ""));
	assert_true(record_txt_matches("\"\"", "\"\""));
	assert_false(record_txt_matches("\"", ""));
	assert_false(record_txt_matches("\"\"", "x"));
	assert_false(record_txt_matches("", "\"\""));
}

static void
list_add_normalizes_case(void **state)
{
	struct record_list list = { NULL, 0 };
	struct err e;

	(void)state;
	assert_int_equal(record_list_add(&list, "id-1", "txt", "_ACME-Challenge.Example.COM", "Value-Case", 120, &e),
	    ST_OK);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].id, "id-1");
	assert_string_equal(list.items[0].type, "TXT");
	assert_string_equal(list.items[0].name, "_acme-challenge.example.com");
	assert_string_equal(list.items[0].content, "Value-Case");
	assert_int_equal(list.items[0].ttl, 120);
	record_list_free(&list);
}

static void
list_add_copies_content(void **state)
{
	struct record_list list = { NULL, 0 };
	char content[] = "original";
	struct err e;

	(void)state;
	assert_int_equal(record_list_add(&list, "1", "TXT", "a.example", content, 60, &e), ST_OK);
	content[0] = 'X';
	assert_string_equal(list.items[0].content, "original");
	assert_ptr_not_equal(list.items[0].content, content);
	record_list_free(&list);
}

static void
list_add_grows_in_order(void **state)
{
	struct record_list list = { NULL, 0 };
	struct err e;

	(void)state;
	assert_int_equal(record_list_add(&list, "1", "txt", "a.example", "v1", 60, &e), ST_OK);
	assert_int_equal(record_list_add(&list, "2", "cname", "B.example", "target.example", 300, &e), ST_OK);
	assert_int_equal(record_list_add(&list, "3", "Aaaa", "c.example", "::1", 1, &e), ST_OK);
	assert_int_equal(list.count, 3);
	assert_string_equal(list.items[0].id, "1");
	assert_string_equal(list.items[1].type, "CNAME");
	assert_string_equal(list.items[1].name, "b.example");
	assert_string_equal(list.items[1].content, "target.example");
	assert_string_equal(list.items[2].type, "AAAA");
	assert_int_equal(list.items[2].ttl, 1);
	record_list_free(&list);
}

static void
list_free_resets(void **state)
{
	struct record_list list = { NULL, 0 };
	struct err e;

	(void)state;
	assert_int_equal(record_list_add(&list, "1", "TXT", "a.example", "v", 60, &e), ST_OK);
	record_list_free(&list);
	assert_null(list.items);
	assert_int_equal(list.count, 0);
	record_list_free(&list);
}

static void
provider_find_by_name(void **state)
{
	const struct provider_ops *ops;

	(void)state;
	ops = provider_find("cloudflare");
	assert_non_null(ops);
	assert_string_equal(ops->name, "cloudflare");
	assert_ptr_equal(provider_find("CloudFlare"), ops);
	assert_null(provider_find("no-such-provider"));
	assert_null(provider_find(""));
}

static void
provider_names_lists_cloudflare(void **state)
{
	char names[256];

	(void)state;
	provider_names(names, sizeof(names));
	assert_non_null(strstr(names, "cloudflare"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(txt_matches_exact),
		cmocka_unit_test(txt_matches_quoted),
		cmocka_unit_test(txt_differs),
		cmocka_unit_test(txt_case_sensitive),
		cmocka_unit_test(txt_prefix_not_match),
		cmocka_unit_test(txt_one_quote_not_stripped),
		cmocka_unit_test(txt_only_one_pair_stripped),
		cmocka_unit_test(txt_single_quotes_kept),
		cmocka_unit_test(txt_empty_quotes),
		cmocka_unit_test(list_add_normalizes_case),
		cmocka_unit_test(list_add_copies_content),
		cmocka_unit_test(list_add_grows_in_order),
		cmocka_unit_test(list_free_resets),
		cmocka_unit_test(provider_find_by_name),
		cmocka_unit_test(provider_names_lists_cloudflare),
	};

	return cmocka_run_group_tests_name("provider", tests, NULL, NULL);
}
