/* Unit tests for common/log.c: escaping of text from the network before it is logged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "log.h"

/* Escapes len bytes of src into a buffer of dstsize bytes and checks the result against expected. */
static void
assert_escapes_to(const char *src, size_t len, size_t dstsize, const char *expected)
{
	char dst[256];

	assert_true(dstsize <= sizeof(dst));
	memset(dst, '#', sizeof(dst));
	assert_ptr_equal(log_escape(dst, dstsize, src, len), dst);
	assert_string_equal(dst, expected);
}

static void
escape_plain_text(void **state)
{
	(void)state;
	assert_escapes_to("zone example.com: ok ~!", 23, 64, "zone example.com: ok ~!");
}

static void
escape_empty_input(void **state)
{
	(void)state;
	assert_escapes_to("", 0, 16, "");
}

static void
escape_control_bytes(void **state)
{
	(void)state;
	assert_escapes_to("a\nb", 3, 64, "a\\x0ab");
	assert_escapes_to("\r\t\x1b", 3, 64, "\\x0d\\x09\\x1b");
	assert_escapes_to("\x1f", 1, 64, "\\x1f");
}

static void
escape_nul_byte(void **state)
{
	(void)state;
	assert_escapes_to("a\0b", 3, 64, "a\\x00b");
}

static void
escape_backslash(void **state)
{
	(void)state;
	assert_escapes_to("a\\x0ab", 6, 64, "a\\x5cx0ab");
}

static void
escape_high_bytes(void **state)
{
	(void)state;
	assert_escapes_to("\x7f", 1, 64, "\\x7f");
	assert_escapes_to("\x80\xff", 2, 64, "\\x80\\xff");
	assert_escapes_to("b\xc3\xbc", 3, 64, "b\\xc3\\xbc");
}

static void
escape_reads_only_len(void **state)
{
	(void)state;
	assert_escapes_to("abcdef", 3, 64, "abc");
}

static void
escape_truncates_with_dots(void **state)
{
	(void)state;
	assert_escapes_to("abcdefghij", 10, 8, "abcd...");
}

static void
escape_truncation_keeps_escapes_whole(void **state)
{
	(void)state;
	assert_escapes_to("\n\n\n", 3, 10, "\\x0a...");
	assert_escapes_to("ab\ncd", 5, 8, "ab...");
}

static void
escape_stays_in_buffer(void **state)
{
	char dst[32];
	size_t size;

	(void)state;
	for (size = 1; size < 20; size++) {
		memset(dst, '#', sizeof(dst));
		log_escape(dst, size, "line\none\\two\x01three", 18);
		assert_true(strlen(dst) < size);
		assert_int_equal(dst[size], '#');
	}
}

static void
escape_zero_size(void **state)
{
	char dst[4] = "xyz";

	(void)state;
	log_escape(dst, 0, "abc", 3);
	assert_string_equal(dst, "xyz");
}

static void
escape_fitting_text_not_cut(void **state)
{
	(void)state;
	assert_escapes_to("abcde", 5, 6, "abcde");
	assert_escapes_to("\n\n", 2, 9, "\\x0a\\x0a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_plain_text),
		cmocka_unit_test(escape_empty_input),
		cmocka_unit_test(escape_control_bytes),
		cmocka_unit_test(escape_nul_byte),
		cmocka_unit_test(escape_backslash),
		cmocka_unit_test(escape_high_bytes),
		cmocka_unit_test(escape_reads_only_len),
		cmocka_unit_test(escape_truncates_with_dots),
		cmocka_unit_test(escape_truncation_keeps_escapes_whole),
		cmocka_unit_test(escape_stays_in_buffer),
		cmocka_unit_test(escape_zero_size),
		cmocka_unit_test(escape_fitting_text_not_cut),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
