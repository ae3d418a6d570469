#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum status
err_set(struct err *e, enum status status, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return status;
	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return status;
}

enum status
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[ERR_MSG_MAX];
	size_t used;
	va_list ap;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	used = strlen(e->msg);
	if (used + 2 < sizeof(e->msg))
		snprintf(e->msg + used, sizeof(e->msg) - used, ": %s", old);
	return e->status;
}

const char *
status_name(enum status status)
{
	static const char *const names[ST__MAX] = {
		[ST_OK] = "success",
		[ST_USAGE] = "usage error",
		[ST_AUTH] = "authentication failed",
		[ST_PERMISSION] = "permission denied",
		[ST_NOT_FOUND] = "not found",
		[ST_CONFLICT] = "conflict",
		[ST_EXISTS] = "already exists",
		[ST_TRANSIENT] = "temporary failure",
		[ST_PROTOCOL] = "protocol error",
		[ST_TIMEOUT] = "timed out",
		[ST_SYSTEM] = "system error",
		[ST_DECLINED] = "declined",
	};

	if ((unsigned)status >= ST__MAX)
		return "unknown error";
	return names[status];
}

int
status_exit_code(enum status status)
{
	switch (status) {
	case ST_OK:
		return 0;
	case ST_USAGE:
		return 2;
	default:
		return 1;
	}
}
