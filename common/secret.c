#include "secret.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define SECRET_FILE_MAX (1024 * 1024)

char *
secret_trim(char *s)
{
	size_t len = strlen(s);
	size_t start = 0;

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	while (start < len && isspace((unsigned char)s[start]))
		start++;
	if (start > 0) {
		memmove(s, s + start, len - start + 1);
		/* The moved text left a copy of its tail behind the new end; wipe it. */
		OPENSSL_cleanse(s + len - start + 1, start);
	}
	return s;
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	log_forget_secret(s);
	/* The whole block, not strlen(s): a parsed file (ini_parse) has NUL bytes after every line. */
	OPENSSL_cleanse(s, malloc_usable_size(s));
	free(s);
}

enum status
secret_check_file_mode(const char *path, struct err *e)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return err_set(e, ST_USAGE, "cannot read '%s': %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return err_set(e, ST_USAGE, "'%s' is not a regular file", path);
	if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		return err_set(e, ST_USAGE,
		    "'%s' holds secrets but its mode %04o lets group or others read it; run: chmod 600 '%s'",
		    path, (unsigned)(sb.st_mode & 07777), path);
	return ST_OK;
}

enum status
secret_read_file(const char *path, int private, char **out, struct err *e)
{
	enum status st = ST_OK;
	char *buf = NULL;
	size_t len = 0;
	int fd = -1;

	*out = NULL;
	if (private && (st = secret_check_file_mode(path, e)) != ST_OK)
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		st = err_set(e, ST_USAGE, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	buf = malloc(SECRET_FILE_MAX + 1);
	if (buf == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory reading '%s'", path);
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, SECRET_FILE_MAX + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = err_set(e, ST_USAGE, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > SECRET_FILE_MAX) {
			st = err_set(e, ST_USAGE, "'%s' is larger than %d bytes", path, SECRET_FILE_MAX);
			goto out;
		}
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		st = err_set(e, ST_USAGE, "'%s' contains a NUL byte; it must be a text file", path);
		goto out;
	}
	*out = buf;
	buf = NULL;
out:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	return st;
}

enum status
secret_from_env(const char *name, char **out, struct err *e)
{
	char file_var[128];
	const char *value;
	const char *path;
	enum status st;

	*out = NULL;
	value = getenv(name);
	if (value != NULL && value[0] != '\0') {
		*out = strdup(value);
		if (*out == NULL)
			return err_set(e, ST_SYSTEM, "out of memory");
		secret_trim(*out);
		if ((*out)[0] != '\0')
			return ST_OK;
		/* Only whitespace: treat as unset, so the next source is tried. */
		secret_free(*out);
		*out = NULL;
	}
	snprintf(file_var, sizeof(file_var), "%s_FILE", name);
	path = getenv(file_var);
	if (path == NULL || path[0] == '\0')
		return ST_OK;
	st = secret_read_file(path, 0, out, e);
	if (st != ST_OK)
		return err_prefix(e, "%s", file_var);
	secret_trim(*out);
	if ((*out)[0] == '\0') {
		secret_free(*out);
		*out = NULL;
		return err_set(e, ST_USAGE, "%s names '%s', which is empty", file_var, path);
	}
	return ST_OK;
}

void
secret_disable_core_dumps(void)
{
	struct rlimit none = { 0, 0 };

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

enum status
secret_check_length(const char *value, const char *what, struct err *e)
{
	size_t len = strlen(value);

	if (len < SECRET_MIN_LEN)
		return err_set(e, ST_USAGE, "%s is only %zu character%s long, too short for a real one; copy the whole value",
		    what, len, len == 1 ? "" : "s");
	return ST_OK;
}

enum status
secret_check_header_safe(const char *value, const char *what, struct err *e)
{
	size_t i;

	for (i = 0; value[i] != '\0'; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c <= 0x20 || c >= 0x7f)
			return err_set(e, ST_USAGE,
			    "%s contains a control character, space or non-ASCII byte at position %zu; copy it again without them",
			    what, i + 1);
	}
	return ST_OK;
}
