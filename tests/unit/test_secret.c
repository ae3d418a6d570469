/* Unit tests for common/secret.c: secrets from variables and files, file modes, size limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"
#include "testdir.h"

/* Maximum file size of secret_read_file (1 MiB), restated so that a changed limit fails the test. */
#define FILE_LIMIT (1024 * 1024)

static char tmpdir[256];

/* Writes len bytes of data to name inside tmpdir with the given mode and stores the full path in path. */
static void
write_file(const char *name, const char *data, size_t len, mode_t mode, char path[PATH_MAX])
{
	int fd;

	snprintf(path, PATH_MAX, "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static int
make_tmpdir(void **state)
{
	(void)state;
	return testdir_create(tmpdir, sizeof(tmpdir), "dns01-secret");
}

static int
remove_tmpdir(void **state)
{
	(void)state;
	return testdir_remove(tmpdir);
}

static int
clear_variables(void **state)
{
	(void)state;
	unsetenv("DNS01_TEST_SECRET");
	unsetenv("DNS01_TEST_SECRET_FILE");
	return 0;
}

static void
env_value_trimmed(void **state)
{
	char *out = NULL;
	struct err e;

	(void)state;
	setenv("DNS01_TEST_SECRET", "  token-1\r\n", 1);
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "token-1");
	secret_free(out);
}

static void
env_unset_gives_null(void **state)
{
	char *out = (char *)"sentinel";
	struct err e;

	(void)state;
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_OK);
	assert_null(out);
}

static void
env_empty_gives_null(void **state)
{
	char *out = NULL;
	struct err e;

	(void)state;
	setenv("DNS01_TEST_SECRET", "", 1);
	setenv("DNS01_TEST_SECRET_FILE", "", 1);
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_OK);
	assert_null(out);
}

static void
env_value_beats_file(void **state)
{
	char path[PATH_MAX];
	char *out = NULL;
	struct err e;

	(void)state;
	write_file("beats", "from-file\n", 10, 0600, path);
	setenv("DNS01_TEST_SECRET", "from-variable", 1);
	setenv("DNS01_TEST_SECRET_FILE", path, 1);
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_OK);
	assert_string_equal(out, "from-variable");
	secret_free(out);
}

static void
env_file_trims_newline(void **state)
{
	char path[PATH_MAX];
	char *out = NULL;
	struct err e;

	(void)state;
	write_file("lf", "secret-lf\n", 10, 0600, path);
	setenv("DNS01_TEST_SECRET_FILE", path, 1);
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "secret-lf");
	secret_free(out);
}

static void
env_file_trims_crlf(void **state)
{
	char path[PATH_MAX];
	char *out = NULL;
	struct err e;

	(void)state;
	write_file("crlf", "secret-crlf\r\n", 13, 0600, path);
	setenv("DNS01_TEST_SECRET_FILE", path, 1);
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "secret-crlf");
	secret_free(out);
}

static void
env_file_empty(void **state)
{
	char path[PATH_MAX];
	char *out = (char *)"sentinel";
	struct err e;

	(void)state;
	write_file("empty", "", 0, 0600, path);
	setenv("DNS01_TEST_SECRET_FILE", path, 1);
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_USAGE);
	assert_null(out);
	assert_non_null(strstr(e.msg, "DNS01_TEST_SECRET_FILE"));
	assert_non_null(strstr(e.msg, "empty"));
}

static void
env_file_only_whitespace(void **state)
{
	char path[PATH_MAX];
	char *out = NULL;
	struct err e;

	(void)state;
	write_file("blank", " \r\n\t\n", 5, 0600, path);
	setenv("DNS01_TEST_SECRET_FILE", path, 1);
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_USAGE);
	assert_null(out);
}

static void
env_file_missing(void **state)
{
	char path[PATH_MAX];
	char *out = NULL;
	struct err e;

	(void)state;
	snprintf(path, sizeof(path), "%s/does-not-exist", tmpdir);
	setenv("DNS01_TEST_SECRET_FILE", path, 1);
	assert_int_equal(secret_from_env("DNS01_TEST_SECRET", &out, &e), ST_USAGE);
	assert_null(out);
	assert_non_null(strstr(e.msg, "DNS01_TEST_SECRET_FILE: cannot read"));
	assert_non_null(strstr(e.msg, "does-not-exist"));
}

static void
mode_0600_accepted(void **state)
{
	char path[PATH_MAX];
	struct err e;

	(void)state;
	write_file("m600", "x", 1, 0600, path);
	assert_int_equal(secret_check_file_mode(path, &e), ST_OK);
	write_file("m400", "x", 1, 0400, path);
	assert_int_equal(secret_check_file_mode(path, &e), ST_OK);
}

static void
mode_group_or_other_rejected(void **state)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0620, 0602, 0610, 0601 };
	char path[PATH_MAX];
	size_t i;
	struct err e;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		write_file("open", "x", 1, modes[i], path);
		memset(&e, 0, sizeof(e));
		assert_int_equal(secret_check_file_mode(path, &e), ST_USAGE);
		assert_non_null(strstr(e.msg, "chmod 600"));
	}
}

static void
mode_names_octal_mode(void **state)
{
	char path[PATH_MAX];
	struct err e;

	(void)state;
	write_file("m644", "x", 1, 0644, path);
	assert_int_equal(secret_check_file_mode(path, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "mode 0644"));
}

static void
mode_directory_rejected(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(chmod(tmpdir, 0700), 0);
	assert_int_equal(secret_check_file_mode(tmpdir, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "not a regular file"));
}

static void
mode_missing_file(void **state)
{
	char path[PATH_MAX];
	struct err e;

	(void)state;
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(secret_check_file_mode(path, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "cannot read"));
}

static void
read_whole_file(void **state)
{
	char path[PATH_MAX];
	char *out = NULL;
	struct err e;

	(void)state;
	write_file("whole", "line 1\nline 2\n", 14, 0644, path);
	assert_int_equal(secret_read_file(path, 0, &out, &e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "line 1\nline 2\n");
	secret_free(out);
}

static void
read_private_checks_mode(void **state)
{
	char path[PATH_MAX];
	char *out = (char *)"sentinel";
	struct err e;

	(void)state;
	write_file("private", "k = v\n", 6, 0644, path);
	assert_int_equal(secret_read_file(path, 1, &out, &e), ST_USAGE);
	assert_null(out);
	assert_non_null(strstr(e.msg, "chmod 600"));

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(secret_read_file(path, 1, &out, &e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "k = v\n");
	secret_free(out);
}

static void
read_size_limit(void **state)
{
	char path[PATH_MAX];
	char *data;
	char *out = NULL;
	struct err e;

	(void)state;
	data = malloc(FILE_LIMIT + 1);
	assert_non_null(data);
	memset(data, 'a', FILE_LIMIT + 1);

	write_file("limit", data, FILE_LIMIT, 0600, path);
	assert_int_equal(secret_read_file(path, 1, &out, &e), ST_OK);
	assert_non_null(out);
	assert_int_equal(strlen(out), FILE_LIMIT);
	secret_free(out);

	write_file("over", data, FILE_LIMIT + 1, 0600, path);
	assert_int_equal(secret_read_file(path, 1, &out, &e), ST_USAGE);
	assert_null(out);
	assert_non_null(strstr(e.msg, "larger than"));
	free(data);
}

static void
read_nul_byte(void **state)
{
	char path[PATH_MAX];
	char *out = NULL;
	struct err e;

	(void)state;
	write_file("nul", "abc\0def", 7, 0600, path);
	assert_int_equal(secret_read_file(path, 1, &out, &e), ST_USAGE);
	assert_null(out);
	assert_non_null(strstr(e.msg, "NUL byte"));
}

static void
read_empty_file(void **state)
{
	char path[PATH_MAX];
	char *out = NULL;
	struct err e;

	(void)state;
	write_file("zero", "", 0, 0600, path);
	assert_int_equal(secret_read_file(path, 1, &out, &e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "");
	secret_free(out);
}

static void
read_directory(void **state)
{
	char *out = NULL;
	struct err e;

	(void)state;
	assert_int_equal(secret_read_file(tmpdir, 0, &out, &e), ST_USAGE);
	assert_null(out);
}

static void
trim_both_ends(void **state)
{
	char both[] = " \t value with  inner space \r\n";
	char none[] = "plain";
	char blank[] = " \n\t ";

	(void)state;
	assert_string_equal(secret_trim(both), "value with  inner space");
	assert_string_equal(secret_trim(none), "plain");
	assert_string_equal(secret_trim(blank), "");
}

static void
free_null(void **state)
{
	(void)state;
	secret_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(env_value_trimmed, clear_variables),
		cmocka_unit_test_setup(env_unset_gives_null, clear_variables),
		cmocka_unit_test_setup(env_empty_gives_null, clear_variables),
		cmocka_unit_test_setup(env_value_beats_file, clear_variables),
		cmocka_unit_test_setup(env_file_trims_newline, clear_variables),
		cmocka_unit_test_setup(env_file_trims_crlf, clear_variables),
		cmocka_unit_test_setup(env_file_empty, clear_variables),
		cmocka_unit_test_setup(env_file_only_whitespace, clear_variables),
		cmocka_unit_test_setup(env_file_missing, clear_variables),
		cmocka_unit_test(mode_0600_accepted),
		cmocka_unit_test(mode_group_or_other_rejected),
		cmocka_unit_test(mode_names_octal_mode),
		cmocka_unit_test(mode_directory_rejected),
		cmocka_unit_test(mode_missing_file),
		cmocka_unit_test(read_whole_file),
		cmocka_unit_test(read_private_checks_mode),
		cmocka_unit_test(read_size_limit),
		cmocka_unit_test(read_nul_byte),
		cmocka_unit_test(read_empty_file),
		cmocka_unit_test(read_directory),
		cmocka_unit_test(trim_both_ends),
		cmocka_unit_test(free_null),
	};

	return cmocka_run_group_tests_name("secret", tests, make_tmpdir, remove_tmpdir);
}
