#include "testdir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static int
remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

int
testdir_create(char *buf, size_t size, const char *prefix)
{
	const char *base = getenv("TMPDIR");
	int n;

	/* A relative TMPDIR would make the path depend on the test's working directory. */
	n = snprintf(buf, size, "%s/%s-XXXXXX", base != NULL && base[0] == '/' ? base : "/tmp", prefix);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return mkdtemp(buf) != NULL ? 0 : -1;
}

int
testdir_remove(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
