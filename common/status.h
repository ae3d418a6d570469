/*
 * Status codes and the error record that every layer fills in.
 *
 * Low layers never print: they return a status and describe the failure in a
 * struct err. The hook's main function, which knows the domain and record
 * involved, prints the message once.
 */
#ifndef DNS01_STATUS_H
#define DNS01_STATUS_H

#include <stddef.h>

enum status {
	ST_OK = 0,
	ST_USAGE,		/* invalid option, input or configuration */
	ST_AUTH,		/* credentials missing or rejected */
	ST_PERMISSION,		/* credentials valid but not allowed */
	ST_NOT_FOUND,		/* zone or record does not exist */
	ST_CONFLICT,		/* a CNAME blocks the TXT record */
	ST_EXISTS,		/* the record is already there */
	ST_TRANSIENT,		/* retries exhausted on a temporary failure */
	ST_PROTOCOL,		/* malformed or unexpected response */
	ST_TIMEOUT,		/* propagation or request timed out */
	ST_SYSTEM,		/* local failure: memory, file system */
	ST_DECLINED,		/* a challenge type that the hooks do not handle, refused as the caller expects */
	ST__MAX
};

/* Room for a provider's own error and a record's fields in one message; log lines hold 4096 bytes. */
#define ERR_MSG_MAX 2048

struct err {
	enum status status;
	char msg[ERR_MSG_MAX];
};

/* Records status and a printf-style message in e (which may be NULL) and returns status. */
enum status err_set(struct err *e, enum status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to the message already in e (not NULL); returns e->status. */
enum status err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Returns a short English name for status, such as "permission denied". */
const char *status_name(enum status status);

/* Maps a status to the process exit code: 0 success, 2 usage or configuration, 1 otherwise. */
int status_exit_code(enum status status);

#endif
