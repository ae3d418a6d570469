/*
 * Checks shared by the libFuzzer targets in tests/fuzz/. A failed check
 * aborts, which libFuzzer reports as a crash with the input that caused it.
 */
#ifndef DNS01_FUZZ_COMMON_H
#define DNS01_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* The entry point that libFuzzer calls; declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(condition)                                                                  \
	do {                                                                                   \
		if (!(condition)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
			abort();                                                               \
		}                                                                              \
	} while (0)

/*
 * Aborts unless text is a NUL-terminated string within size bytes that has
 * no control byte and no byte >= 0x7f: what a message or log line built from
 * outside input may contain once log_escape has done its work.
 */
static inline void
fuzz_check_printable(const char *text, size_t size)
{
	size_t len = strnlen(text, size);
	size_t i;

	FUZZ_CHECK(len < size);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c >= 0x7f) {
			fprintf(stderr, "unescaped byte 0x%02x at %zu in: %s\n", c, i, text);
			abort();
		}
	}
}

/* Checks the message of a failed call; a successful one leaves e untouched. */
static inline void
fuzz_check_error(enum status st, const struct err *e)
{
	if (st == ST_OK)
		return;
	FUZZ_CHECK(st > ST_OK && st < ST__MAX);
	fuzz_check_printable(e->msg, sizeof(e->msg));
}

/* Returns a NUL-terminated copy of data (release with free). */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

#endif
