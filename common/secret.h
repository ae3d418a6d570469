/*
 * Loading secrets from the environment and from files, and wiping them.
 *
 * Every string these functions return is heap memory that the caller releases
 * with secret_free, which overwrites it first.
 */
#ifndef DNS01_SECRET_H
#define DNS01_SECRET_H

#include "status.h"

/*
 * Looks up a secret in the variable name, then in the file named by
 * name_FILE. Sets *out to the value with surrounding whitespace removed, or to
 * NULL when neither variable is set. A _FILE variable naming an unreadable file
 * is an error.
 */
enum status secret_from_env(const char *name, char **out, struct err *e);

/* Rejects a file that is not a regular file or that group or others can read. */
enum status secret_check_file_mode(const char *path, struct err *e);

/*
 * Reads a whole small file (at most 1 MiB) into a NUL-terminated buffer that
 * must be released with secret_free. Checks the mode first when private is set.
 */
enum status secret_read_file(const char *path, int private, char **out, struct err *e);

/*
 * Rejects a secret that goes into an HTTP header unless it is visible ASCII
 * (no control character, space or byte >= 0x7f), so it cannot add a header.
 * what names the secret in the message; the value is never shown.
 */
enum status secret_check_header_safe(const char *value, const char *what, struct err *e);

/*
 * Rejects a secret shorter than SECRET_MIN_LEN characters: no provider
 * issues one, so it is a placeholder or a truncated copy. Hiding such a
 * string in logs would also garble every message that contains it.
 */
#define SECRET_MIN_LEN 8
enum status secret_check_length(const char *value, const char *what, struct err *e);

/* Removes leading and trailing whitespace in place; returns s. */
char *secret_trim(char *s);

/*
 * Overwrites and frees a string from these functions (or any heap string):
 * the whole allocated block, so text cut with NUL bytes is wiped too. NULL
 * is ignored.
 */
void secret_free(char *s);

/* Stops this process from writing core dumps or being traced by other users. */
void secret_disable_core_dumps(void);

#endif
