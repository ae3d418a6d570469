/*
 * Logging to stderr, program name first.
 *
 * Levels: errors and warnings always (unless -q hides warnings), progress at the
 * default level, details with -v, API traffic with -vv. Text that came from the
 * network goes through log_escape so control bytes cannot forge log lines.
 */
#ifndef DNS01_LOG_H
#define DNS01_LOG_H

#include <stddef.h>

enum log_level {
	LOG_ERROR = -1,
	LOG_WARN = 0,
	LOG_INFO = 1,
	LOG_DEBUG = 2,
	LOG_TRACE = 3,
};

/* Sets the program name printed before each line and the verbosity (1 = default). */
void log_init(const char *progname, int verbosity);

/* Returns nonzero when messages of level would be printed. */
int log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_trace(...) log_msg(LOG_TRACE, __VA_ARGS__)

/*
 * Copies at most len bytes of src into dst (of size dstsize, always
 * NUL-terminated) with control bytes, backslashes and bytes >= 0x7f written as
 * \xNN, every hidden secret (log_hide_secret) written as "[redacted]", and
 * "..." appended when the text was cut. Returns dst.
 */
char *log_escape(char *dst, size_t dstsize, const char *src, size_t len);

/*
 * Hides secret from every later log line and log_escape result: it is
 * replaced by "[redacted]", so a server that echoes a credential back cannot
 * make the hooks print it. Keeps the pointer, not a copy: the string must
 * stay valid until log_forget_secret (secret_free calls it). At most
 * LOG_SECRETS_MAX secrets; an empty string or NULL is ignored.
 */
#define LOG_SECRETS_MAX 16
void log_hide_secret(const char *secret);

/* Stops hiding secret (the same pointer that log_hide_secret received). */
void log_forget_secret(const char *secret);

#endif
