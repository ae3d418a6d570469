/* Temporary directories for unit tests that need files. */
#ifndef DNS01_TESTDIR_H
#define DNS01_TESTDIR_H

#include <stddef.h>

/* Creates a new directory PREFIX-XXXXXX under $TMPDIR (or /tmp) and writes its path to buf; returns 0 or -1. */
int testdir_create(char *buf, size_t size, const char *prefix);

/* Removes the directory and everything below it, without following symbolic links; returns 0 or -1. */
int testdir_remove(const char *path);

#endif
