/* Fuzzes the INI reader of configuration and credentials files (common/ini.h). */
#include "fuzz_common.h"
#include "ini.h"

struct ini_totals {
	int keys;
	int last_line;
};

static enum status
on_key(void *ctx, const char *section, const char *key, const char *value, int line, struct err *e)
{
	struct ini_totals *totals = ctx;

	(void)e;
	FUZZ_CHECK(key[0] != '\0');
	FUZZ_CHECK(strchr(key, '\n') == NULL && strchr(value, '\n') == NULL && strchr(section, '\n') == NULL);
	FUZZ_CHECK(strlen(section) < 128);
	FUZZ_CHECK(line > totals->last_line);
	totals->last_line = line;
	totals->keys++;
	return ST_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini_totals totals = { 0, 0 };
	struct err e = { ST_OK, "" };
	char *text = fuzz_strndup(data, size);
	enum status st;

	st = ini_parse(text, "fuzz.ini", on_key, &totals, &e);
	FUZZ_CHECK(st == ST_OK || st == ST_USAGE);
	if (st != ST_OK)
		FUZZ_CHECK(strstr(e.msg, "fuzz.ini:") == e.msg);
	free(text);
	return 0;
}
