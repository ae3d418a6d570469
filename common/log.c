#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *log_progname = "dns01-hooks";
static int log_verbosity = LOG_INFO;

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
	/* One fprintf per line, so lines of concurrent hook runs sharing a log do not interleave. */
	fprintf(stderr, "%s: %s%s\n", log_progname, tag, line);
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
	for (i = 0; i < len; i++)
		total += is_plain((unsigned char)src[i]) ? 1 : 4;
	/* Room for "..." is kept only when the escaped text does not fit whole. */
	limit = total < dstsize ? dstsize - 1 : (dstsize > 4 ? dstsize - 4 : 0);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

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
	}
	if (i < len && out + 3 < dstsize) {
		memcpy(dst + out, "...", 3);
		out += 3;
	}
	dst[out] = '\0';
	return dst;
}
