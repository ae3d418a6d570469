#include "log.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define REDACTED "[redacted]"

static const char *log_progname = "dns01-hooks";
static int log_verbosity = LOG_INFO;
static const char *log_secrets[LOG_SECRETS_MAX];

void
log_hide_secret(const char *secret)
{
	size_t i;

	if (secret == NULL || secret[0] == '\0')
		return;
	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		if (log_secrets[i] == secret)
			return;
	}
	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		if (log_secrets[i] == NULL) {
			log_secrets[i] = secret;
			return;
		}
	}
	/* NOTE: a 17th secret is not hidden; the providers hold at most three. */
}

void
log_forget_secret(const char *secret)
{
	size_t i;

	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		if (log_secrets[i] == secret)
			log_secrets[i] = NULL;
	}
}

/* Returns the length of the hidden secret that text (left bytes) starts with, or 0. */
static size_t
secret_at(const char *text, size_t left)
{
	size_t i;

	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		size_t len;

		if (log_secrets[i] == NULL)
			continue;
		len = strlen(log_secrets[i]);
		if (len <= left && memcmp(text, log_secrets[i], len) == 0)
			return len;
	}
	return 0;
}

/* Copies the NUL-terminated text into dst with every hidden secret replaced. */
static void
redact(char *dst, size_t dstsize, const char *text)
{
	size_t left = strlen(text);
	size_t out = 0;

	while (left > 0 && out + 1 < dstsize) {
		size_t skip = secret_at(text, left);

		if (skip > 0) {
			size_t n = strlen(REDACTED) < dstsize - 1 - out ? strlen(REDACTED) : dstsize - 1 - out;

			memcpy(dst + out, REDACTED, n);
			out += n;
		} else {
			dst[out++] = *text;
			skip = 1;
		}
		text += skip;
		left -= skip;
	}
	dst[out] = '\0';
}

void
log_init(const char *progname, int verbosity)
{
	log_progname = progname;
	log_verbosity = verbosity;
}

int
log_enabled(enum log_level level)
{
	return level == LOG_ERROR || (int)level <= log_verbosity;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char line[4096];
	char shown[4096];
	const char *tag = "";
	va_list ap;

	if (!log_enabled(level))
		return;
	if (level == LOG_ERROR)
		tag = "error: ";
	else if (level == LOG_WARN)
		tag = "warning: ";
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	redact(shown, sizeof(shown), line);
	OPENSSL_cleanse(line, sizeof(line));
	/* One fprintf per line, so lines of concurrent hook runs sharing a log do not interleave. */
	fprintf(stderr, "%s: %s%s\n", log_progname, tag, shown);
}

static int
is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

char *
log_escape(char *dst, size_t dstsize, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t total = 0;
	size_t limit;
	size_t out = 0;
	size_t i;

	if (dstsize == 0)
		return dst;
	for (i = 0; i < len;) {
		size_t secret = secret_at(src + i, len - i);

		total += secret > 0 ? strlen(REDACTED) : is_plain((unsigned char)src[i]) ? 1 : 4;
		i += secret > 0 ? secret : 1;
	}
	/* Room for "..." is kept only when the escaped text does not fit whole. */
	limit = total < dstsize ? dstsize - 1 : (dstsize > 4 ? dstsize - 4 : 0);
	for (i = 0; i < len;) {
		unsigned char c = (unsigned char)src[i];
		size_t secret = secret_at(src + i, len - i);

		if (secret > 0) {
			if (out + strlen(REDACTED) > limit)
				break;
			memcpy(dst + out, REDACTED, strlen(REDACTED));
			out += strlen(REDACTED);
			i += secret;
			continue;
		}
		if (out + (is_plain(c) ? 1 : 4) > limit)
			break;
		if (is_plain(c)) {
			dst[out++] = (char)c;
		} else {
			dst[out++] = '\\';
			dst[out++] = 'x';
			dst[out++] = hex[c >> 4];
			dst[out++] = hex[c & 15];
		}
		i++;
	}
	if (i < len && out + 3 < dstsize) {
		memcpy(dst + out, "...", 3);
		out += 3;
	}
	dst[out] = '\0';
	return dst;
}
